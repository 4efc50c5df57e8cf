"""Home-visit task rules (pure): which findings need a visit, by whom, how soon.

From the ILP juknis (DOMAIN.md, "Home visits"): balita with nutrition problems are
visited by the kader with a health worker; severe cases go to the bidan first. Due times
are platform defaults (the juknis gives none) and belong in configuration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

# Posyandu work on WIB (UTC+7); a due date means the end of that local day.
WIB = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class TaskRule:
    reason: str
    finding_codes: frozenset[str]
    role: str
    priority: str
    due_days: int


RULES = (
    TaskRule("gizi_buruk_balita", frozenset({"severely_stunted", "severely_underweight"}),
             role="bidan", priority="urgent", due_days=3),
    TaskRule("masalah_gizi_balita", frozenset({"stunted", "underweight"}),
             role="kader", priority="high", due_days=7),
)


@dataclass(frozen=True)
class TaskNeed:
    reason: str
    role: str
    priority: str
    due_at: datetime


def tasks_needed(finding_codes: Iterable[str], screened_on: date,
                 rules: Iterable[TaskRule] = RULES) -> list[TaskNeed]:
    """One need per rule that fires; a more severe rule suppresses the milder ones it
    covers, so a child is not visited twice for the same problem."""
    codes = set(finding_codes)
    needs = []
    for rule in rules:
        if codes & rule.finding_codes:
            due = datetime.combine(screened_on + timedelta(days=rule.due_days), time(23, 59),
                                   WIB)
            needs.append(TaskNeed(rule.reason, rule.role, rule.priority, due))
            break  # rules are ordered most severe first
    return needs


def task_key(person_id: str, reason: str) -> str:
    """At most one open task per person and reason."""
    return f"{person_id}|{reason}"
