from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "schakel.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from schakel.core.menu import MenuEntry, register_menu_entry

        register_menu_entry(
            MenuEntry(_("Management"), "admin:index", 90, lambda user: user.is_staff)
        )
        register_menu_entry(
            MenuEntry(_("Security"), "accounts:security", 99, lambda user: user.is_authenticated)
        )
