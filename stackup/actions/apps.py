from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "stackup.actions"
    label = "actions"
    verbose_name = "Actions"
