from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoversConfig(AppConfig):
    name = "schakel.handovers"
    label = "handovers"
    verbose_name = _("Handovers")

    def ready(self) -> None:
        from schakel.core.calendar import register_calendar_source
        from schakel.core.events import subscribe
        from schakel.core.menu import MenuEntry, register_menu_entry
        from schakel.core.today import TodaySection, register_today_section
        from schakel.directory.access import cares_for_patients
        from schakel.handovers import notify
        from schakel.handovers.actions import PlanRevised
        from schakel.handovers.consultation_calendar import consultation_entries
        from schakel.handovers.contact_moments import on_event_recorded
        from schakel.handovers.rules import register
        from schakel.handovers.sections import (
            consultations_section,
            contact_moments_section,
            handovers_section,
        )
        from schakel.handovers.today import booked_consultations
        from schakel.pathways.actions import PathwayEventRecorded
        from schakel.pathways.sections import register_section
        from schakel.work.registry import (
            NotificationKind,
            TaskKind,
            register_notification_kind,
            register_task_kind,
        )

        register()
        for code, label, action in (
            ("handovers.accept", _("accept or reject a handover"), notify.handover_action),
            (
                "handovers.rework",
                _("a rejected handover: change and send again"),
                notify.handover_action,
            ),
            ("handovers.check", _("aftercare check"), notify.check_action),
            (
                "handovers.contact_moment",
                _("contact moment with the GP or POH"),
                notify.contact_moment_action,
            ),
            (
                "handovers.consultation",
                _("a question at a consultation moment"),
                notify.consultation_action,
            ),
        ):
            register_task_kind(TaskKind(code, label, action))
        for code, label, render in (
            ("handover_plan_changed", _("aftercare plan changed"), notify.render_plan_changed),
            (
                "consultation_cancelled",
                _("a consultation moment does not take place"),
                notify.render_consultation_cancelled,
            ),
            (
                "consultation_outcome",
                _("the answer at a consultation moment"),
                notify.render_consultation_outcome,
            ),
        ):
            register_notification_kind(NotificationKind(code, label, render))
        subscribe(PlanRevised, notify.on_plan_revised)
        # The region's contact moments follow the timeline (after diagnosis, MDO, treatment).
        subscribe(PathwayEventRecorded, on_event_recorded)
        register_menu_entry(MenuEntry(_("Handovers"), "handovers:list", 45, cares_for_patients))
        register_menu_entry(
            MenuEntry(_("Consultation"), "consultations:overview", 46, cares_for_patients)
        )
        register_section(handovers_section)
        register_section(contact_moments_section)
        register_section(consultations_section)
        # Consultation moments: in the calendar feed, and the GP's coming ones on "Vandaag".
        register_calendar_source("consultations", consultation_entries)
        register_today_section(TodaySection("consultations", 45, booked_consultations))
