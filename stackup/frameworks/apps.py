from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "stackup.frameworks"
    label = "frameworks"
    verbose_name = "Frameworks"
