from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "schakel.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from schakel.core.menu import MenuEntry, register_menu_entry
        from schakel.directory.access import can_manage_directory

        register_menu_entry(
            MenuEntry(
                _("Whom to contact"), "directory:finder", 60, lambda user: user.is_authenticated
            )
        )
        register_menu_entry(
            MenuEntry(
                _("Organisations"),
                "directory:organizations",
                65,
                lambda user: user.is_authenticated,
            )
        )
        register_menu_entry(
            MenuEntry(_("Directory worklist"), "directory:worklist", 66, can_manage_directory)
        )
        from schakel.core.today import TodaySection, register_today_section
        from schakel.directory.today import directory_worklist

        register_today_section(TodaySection("directory", 50, directory_worklist))
