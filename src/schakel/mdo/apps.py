from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MdoConfig(AppConfig):
    name = "schakel.mdo"
    label = "mdo"
    verbose_name = _("MDO")

    def ready(self) -> None:
        from schakel.mdo.rules import register

        register()
