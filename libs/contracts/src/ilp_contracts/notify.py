"""Events published by the notify service (home-visit tasks)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from .envelope import Event

Priority = Literal["routine", "high", "urgent"]


class TaskCreated(Event):
    SUBJECT: ClassVar[str] = "ilp.notify.task.created.v1"
    ABOUT: ClassVar[str | None] = "task_id"

    task_id: str
    person_id: str
    reason: str = Field(description="The finding or situation that needs a home visit")
    role: str = Field(description="Who must go: kader, bidan, perawat, home_care")
    assignee_id: str | None = None
    priority: Priority
    due_at: datetime
    desa_code: str
    posyandu_id: str | None = None
    screening_id: str | None = None
    birth_id: str | None = Field(
        default=None, description="The birth a postnatal visit (KF, KN) follows: a mother's "
        "KF1–KF4 of one delivery carry the same id (twins: that of the first recorded)")
    follows_task_id: str | None = Field(
        default=None, description="The visit this one follows – nobody was at home, or the "
        "family turned the kader away: the visit owed continues here")
    recorded_made: bool = Field(
        default=False, description="A visit a register showed made, recorded after the "
        "fact (a Kohort's KF or KN): counted as made, not among the visits the platform "
        "sent a worker to make")


class TaskAssigned(Event):
    """A task got (another) responsible worker: a kader registered after the finding, a
    worker who left, or a bidan who gave it by hand."""

    SUBJECT: ClassVar[str] = "ilp.notify.task.assigned.v1"
    ABOUT: ClassVar[str | None] = "task_id"

    task_id: str
    assignee_id: str
    previous_assignee_id: str | None = None


class TaskCancelled(Event):
    SUBJECT: ClassVar[str] = "ilp.notify.task.cancelled.v1"
    ABOUT: ClassVar[str | None] = "task_id"

    task_id: str
    reason: str


class TaskAccepted(Event):
    SUBJECT: ClassVar[str] = "ilp.notify.task.accepted.v1"
    ABOUT: ClassVar[str | None] = "task_id"

    task_id: str
    worker_id: str


class TaskCompleted(Event):
    SUBJECT: ClassVar[str] = "ilp.notify.task.completed.v1"
    ABOUT: ClassVar[str | None] = "task_id"

    task_id: str
    worker_id: str
    outcome: Literal["visited", "not_at_home", "moved", "died", "referred", "refused"]
    on_time: bool
    note: str = Field(default="", max_length=1000)


class TaskEscalated(Event):
    """An overdue task moved up the ladder (kader → bidan → puskesmas)."""

    SUBJECT: ClassVar[str] = "ilp.notify.task.escalated.v1"
    ABOUT: ClassVar[str | None] = "task_id"

    task_id: str
    level: int = Field(ge=1)
    role: str
    assignee_id: str | None
    due_at: datetime
