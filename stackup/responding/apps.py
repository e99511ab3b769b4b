from django.apps import AppConfig


class RespondingConfig(AppConfig):
    name = "stackup.responding"
    label = "responding"
    verbose_name = "Responding"
