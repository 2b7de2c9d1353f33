from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MdoConfig(AppConfig):
    name = "schakel.mdo"
    label = "mdo"
    verbose_name = _("MDO")

    def ready(self) -> None:
        from schakel.core.events import subscribe
        from schakel.mdo import notify
        from schakel.mdo.actions import MdoRequestMoved, MdoRequestWithdrawn
        from schakel.mdo.rules import register
        from schakel.work.registry import (
            NotificationKind,
            TaskKind,
            register_notification_kind,
            register_task_kind,
        )

        register()
        register_task_kind(
            TaskKind("mdo.gp_input", _("GP input for the MDO"), notify.gp_input_action)
        )
        register_task_kind(
            TaskKind(
                "mdo.read_advice", _("read and acknowledge the MDO advice"), notify.advice_action
            )
        )
        register_notification_kind(
            NotificationKind("mdo_moved", _("MDO moved"), notify.render_moved)
        )
        register_notification_kind(
            NotificationKind("mdo_withdrawn", _("MDO request withdrawn"), notify.render_withdrawn)
        )
        subscribe(MdoRequestMoved, notify.on_request_moved)
        subscribe(MdoRequestWithdrawn, notify.on_request_withdrawn)
        from schakel.core.menu import MenuEntry, register_menu_entry
        from schakel.directory.access import cares_for_patients

        register_menu_entry(MenuEntry(_("MDO"), "mdo:meetings", 40, cares_for_patients))
        from schakel.core.today import TodaySection, register_today_section
        from schakel.mdo.today import input_requests

        register_today_section(TodaySection("mdo_input", 15, input_requests))
        from schakel.mdo.sections import mdo_section
        from schakel.pathways.sections import register_section

        register_section(mdo_section)
