"""Escalation ladder (pure): an overdue task moves up one rung and gets a new due time.

Default ladder, from the ILP network (DOMAIN.md): the kader of the posyandu → the bidan of
the pustu (desa) → the puskesmas. Days per rung are platform defaults (the juknis sets
none); both are configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from .tasks import end_of_day


@dataclass(frozen=True)
class Rung:
    role: str  # who an escalated task goes to
    extra_days: int
    peers: frozenset[str] = frozenset()  # other roles whose tasks start on this rung


# The pustu's health workers share a rung: a perawat's (or home-care) visit overdue goes
# up to the puskesmas, not sideways to the bidan of the same pustu.
LADDER = (Rung("kader", 0), Rung("bidan", 3, frozenset({"perawat", "home_care"})),
          Rung("puskesmas", 3))
TOP_RUNG = len(LADDER) - 1


@dataclass(frozen=True)
class Escalation:
    level: int
    role: str
    due_at: datetime


def next_rung(role: str, level: int, due_at: datetime, now: datetime, zone: tzinfo,
              ladder: tuple[Rung, ...] = LADDER) -> Escalation | None:
    """The escalation an overdue task needs, or None (not overdue, or at the top). The new
    rung has its days counting the day it takes over (a task is overdue from midnight, so
    that day is whole), to 23:59 of the last one in the person's time `zone`."""
    if now <= due_at:
        return None
    current = max(level, next((i for i, r in enumerate(ladder)
                               if role == r.role or role in r.peers), 0))
    if current + 1 >= len(ladder):
        return None
    rung = ladder[current + 1]
    last_day = now.astimezone(zone).date() + timedelta(days=rung.extra_days - 1)
    return Escalation(current + 1, rung.role, end_of_day(last_day, zone))
