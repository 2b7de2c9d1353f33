from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "schakel.messaging"
    label = "messaging"
    verbose_name = _("Questions")

    def ready(self) -> None:
        from schakel.core.contact_actions import (
            register_about_action,
            register_contact_action,
            register_team_action,
        )
        from schakel.core.events import subscribe
        from schakel.core.menu import MenuEntry, register_menu_entry
        from schakel.core.today import TodaySection, register_today_section
        from schakel.directory.access import cares_for_patients
        from schakel.messaging import notify, rules
        from schakel.messaging.contact_actions import ask_about, ask_contact, ask_team
        from schakel.messaging.sections import questions_section
        from schakel.messaging.today import late_questions
        from schakel.pathways.sections import register_section
        from schakel.work.engine import SignalsOpened
        from schakel.work.registry import (
            NotificationKind,
            TaskKind,
            register_notification_kind,
            register_task_kind,
        )

        register_task_kind(
            TaskKind("messaging.question", _("answer a question"), notify.answer_action)
        )
        register_task_kind(
            TaskKind("messaging.answer", _("read the answer to your question"), notify.read_action)
        )
        register_notification_kind(
            NotificationKind(
                "question_late",
                _("your question is not answered in time"),
                notify.render_question_late,
            )
        )
        rules.register()
        subscribe(SignalsOpened, rules.on_signals_opened)
        register_menu_entry(MenuEntry(_("Questions"), "messaging:inbox", 44, cares_for_patients))
        register_section(questions_section)
        register_contact_action("ask", ask_contact)
        register_team_action("ask", ask_team)
        register_about_action("ask", ask_about)
        register_today_section(TodaySection("late_questions", 15, late_questions))
