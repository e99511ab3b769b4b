from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stackup.core"
    label = "core"
    verbose_name = "Stack Up"
