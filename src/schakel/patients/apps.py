from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "schakel.patients"
    label = "patients"
    verbose_name = _("Patients")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from schakel.core.request_cache import forget_all
        from schakel.patients.models import CareRelation, EmergencyAccess, Patient

        # Who may see whom changed: what this request worked out about it is dropped.
        for model in (CareRelation, EmergencyAccess, Patient):
            post_save.connect(forget_all, sender=model, dispatch_uid=f"forget-{model.__name__}")
            post_delete.connect(forget_all, sender=model, dispatch_uid=f"forget-{model.__name__}-d")
        from schakel.core.menu import MenuEntry, register_menu_entry
        from schakel.directory.access import cares_for_patients, is_privacy_officer

        register_menu_entry(MenuEntry(_("Patients"), "patients:list", 50, cares_for_patients))
        register_menu_entry(
            MenuEntry(_("Access log"), "patients:access_log", 70, is_privacy_officer)
        )
        register_menu_entry(
            MenuEntry(
                _("Emergency access review"), "patients:emergency_review", 71, is_privacy_officer
            )
        )
        register_menu_entry(
            MenuEntry(_("Access granted"), "patients:access_grants", 72, is_privacy_officer)
        )
        from schakel.core.today import TodaySection, register_today_section
        from schakel.patients.today import emergency_reviews

        register_today_section(TodaySection("privacy", 50, emergency_reviews))
