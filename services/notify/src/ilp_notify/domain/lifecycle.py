"""Task lifecycle (pure): which transitions are allowed, whether a visit was on time, and
which visit follows one nobody was at home for, or a family refused.

open → accepted → completed; open or accepted → cancelled, or given to another worker
(open again). A task is completed by the worker it is assigned to (or whoever accepted it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

from ilp_contracts.text import N_, Text, _

from .tasks import end_of_day

TaskStatus = Literal["open", "accepted", "completed", "cancelled"]

TRANSITIONS = {
    "accept": {"open"},
    "complete": {"open", "accepted"},
    "cancel": {"open", "accepted"},
    "assign": {"open", "accepted"},
}


# Outcomes after which there is nobody to visit: the person's watches end and their other
# open visits are cancelled (else a hypertensive who moved away got a visit every month).
GONE = frozenset({"moved", "died"})


_REFUSED = {"accept": N_("a task that is {status} cannot be accepted"),
            "complete": N_("a task that is {status} cannot be completed"),
            "cancel": N_("a task that is {status} cannot be cancelled"),
            "assign": N_("a task that is {status} cannot be given to another worker")}


_STATUS = {"open": _("open"), "accepted": _("accepted"), "completed": _("completed"),
           "cancelled": _("cancelled")}


def transition_problem(action: str, status: str) -> Text | None:
    if status not in TRANSITIONS[action]:
        return _(_REFUSED[action], status=_STATUS.get(status, status))
    return None


def on_time(due_at: datetime, done_at: datetime) -> bool:
    return done_at <= due_at


# Nobody at home: the visit is still owed, so the worker who went goes again – soon for an
# urgent or high-priority visit, within a week for a routine one, and never by an earlier
# day than the visit was first due (going early is no fault). The juknis gives no number
# of attempts: after the third the task stays closed with its outcome, for the
# puskesmas's monthly review (Lokmin) to decide. Platform defaults, to be set per district.
NOBODY_HOME = "not_at_home"
MAX_ATTEMPTS = 3
RETRY_DAYS = {"urgent": 1, "high": 2, "routine": 7}


def revisit_due(task: dict[str, Any], done_at: datetime, zone: tzinfo) -> datetime | None:
    """When the next attempt of a visit nobody was at home for is due; None when there is
    none: the last attempt was made, or a postnatal visit's window (its due time) closed.
    Days are those of the person's time `zone`."""
    if task.get("attempt", 1) >= MAX_ATTEMPTS:
        return None
    due = datetime.fromisoformat(task["due_at"])
    if task.get("birth_id"):  # a KF/KN visit counts only within its window
        return due if done_at < due else None
    return max(_retry_due(task, done_at, zone), due)


def _retry_due(task: dict[str, Any], done_at: datetime, zone: tzinfo) -> datetime:
    """By the end of the day its priority's days after the visit, where the person lives."""
    day = done_at.astimezone(zone).date() + timedelta(days=RETRY_DAYS[task["priority"]])
    return end_of_day(day, zone)


# A family that turns the kader away from an urgent or high-priority visit (a severely
# malnourished child, a KEK pregnancy) is visited by the desa's health worker: DOMAIN.md
# gives health workers the visits to those who refuse monitoring – and a person at risk of
# a mental illness who refuses the health worker's is visited again (`MONITORING_REFUSED`),
# up to the attempts above. A routine visit refused (a missed weighing) ends there.
REFUSED = "refused"
MONITORING_REFUSED = frozenset({"kesehatan_jiwa"})


@dataclass(frozen=True)
class NextVisit:
    role: str
    due_at: datetime
    same_worker: bool  # the worker who went goes again; else the role's worker of the desa
    attempt: int


def next_visit(task: dict[str, Any], done_at: datetime, zone: tzinfo) -> NextVisit | None:
    """The visit a completed one leads to, if any (by its `outcome`)."""
    if task.get("outcome") == NOBODY_HOME or (task.get("outcome") == REFUSED
                                             and task["reason"] in MONITORING_REFUSED):
        due = revisit_due(task, done_at, zone)
        return NextVisit(task["role"], due, True, task.get("attempt", 1) + 1) if due else None
    if task.get("outcome") == REFUSED and task["role"] == "kader" and task["priority"] != "routine":
        return NextVisit("bidan", _retry_due(task, done_at, zone), False, 1)
    return None
