from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PromsConfig(AppConfig):
    name = "schakel.proms"
    label = "proms"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        from schakel.core.events import subscribe
        from schakel.pathways.actions import PathwayEventRecorded
        from schakel.pathways.sections import register_section
        from schakel.proms.catalogue import load_after_migrate
        from schakel.proms.schedules import on_pathway_event
        from schakel.proms.sections import questionnaire_action, questionnaire_section
        from schakel.work.registry import TaskKind, register_task_kind

        post_migrate.connect(load_after_migrate, sender=self)
        register_section(questionnaire_section)
        register_task_kind(
            TaskKind(
                "proms.discuss_score", _("discuss a questionnaire score"), questionnaire_action
            )
        )
        subscribe(PathwayEventRecorded, on_pathway_event)
        from schakel.core.today import TodaySection, register_today_section
        from schakel.proms.today import flagged_scores

        register_today_section(TodaySection("flagged_scores", 40, flagged_scores))
