from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stackup.core"
    label = "core"
    verbose_name = "Stack Up"

    def ready(self) -> None:
        from stackup.core import checks  # noqa: F401  (registers the system checks)
