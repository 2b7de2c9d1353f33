from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PromsConfig(AppConfig):
    name = "schakel.proms"
    label = "proms"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        from schakel.core.events import subscribe
        from schakel.pathways.sections import register_section
        from schakel.proms.catalogue import load_after_migrate
        from schakel.proms.schedules import on_mdo_case_added, on_pathway_event
        from schakel.proms.sections import questionnaire_section

        post_migrate.connect(load_after_migrate, sender=self)
        register_section(questionnaire_section)
        subscribe("pathway_event_recorded", on_pathway_event)
        subscribe("mdo_case_added", on_mdo_case_added)
