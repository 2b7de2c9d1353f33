from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schakel.core"
    label = "core"
    verbose_name = "Schakel core"

    def ready(self) -> None:
        from schakel.core.converters import register

        register()
