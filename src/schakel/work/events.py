"""The events the work layer publishes; higher apps subscribe (``core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from schakel.directory.actor import Actor
from schakel.work.engine import SignalsOpened
from schakel.work.models import Task, TaskChange


@dataclass(frozen=True)
class TaskCreated:
    task: Task
    actor: Actor


@dataclass(frozen=True)
class TaskChanged:
    """A task was accepted, declined, handed over, postponed, closed or commented on."""

    task: Task
    change: TaskChange
    actor: Actor
    note: str = ""


__all__ = ["SignalsOpened", "TaskChanged", "TaskCreated"]
