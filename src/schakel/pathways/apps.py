from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "schakel.pathways"
    label = "pathways"
    verbose_name = _("Care pathways")

    def ready(self) -> None:
        from schakel.core.events import subscribe
        from schakel.pathways import notify, rules
        from schakel.pathways.actions import PathwayEventRecorded
        from schakel.work.engine import SignalsOpened
        from schakel.work.events import TaskChanged, TaskCreated
        from schakel.work.registry import (
            NotificationKind,
            TaskKind,
            register_notification_kind,
            register_task_kind,
        )

        rules.register()
        register_task_kind(TaskKind("pathways.step", _("next step on a pathway")))
        register_notification_kind(
            NotificationKind("pathway", _("news on a pathway"), notify.render_pathway_news)
        )
        subscribe(PathwayEventRecorded, notify.on_pathway_event)
        subscribe(SignalsOpened, notify.on_signals_opened)
        subscribe(TaskCreated, notify.on_task_created)
        subscribe(TaskChanged, notify.on_task_changed)
        from schakel.core.menu import MenuEntry, register_menu_entry
        from schakel.directory.access import cares_for_patients

        register_menu_entry(
            MenuEntry(_("My patients with cancer"), "pathways:list", 20, cares_for_patients)
        )
        from schakel.pathways.forms import owner_options
        from schakel.pathways.models import CarePathway
        from schakel.work.registry import register_owner_options, register_responsibility_filter

        register_owner_options(CarePathway, owner_options)
        register_responsibility_filter(rules.signals_on_my_pathways)
