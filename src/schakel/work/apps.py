from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "schakel.work"
    label = "work"
    verbose_name = _("Work")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from schakel.work import checks, setup, today  # noqa: F401 - checks register themselves
        from schakel.work.engine import seed_thresholds

        setup.register()
        post_migrate.connect(seed_thresholds, sender=self)
        today.register()
        from schakel.core.menu import MenuEntry, register_menu_entry
        from schakel.directory.access import cares_for_patients
        from schakel.work.views import unread_count

        register_menu_entry(
            MenuEntry(_("Today"), "work:today", 10, lambda user: user.is_authenticated)
        )
        register_menu_entry(MenuEntry(_("Tasks"), "work:tasks", 30, cares_for_patients))
        register_menu_entry(MenuEntry(_("Signals"), "work:signals", 35, cares_for_patients))
        register_menu_entry(
            MenuEntry(
                _("Notifications"),
                "work:inbox",
                80,
                lambda user: user.is_authenticated,
                unread_count,
            )
        )
