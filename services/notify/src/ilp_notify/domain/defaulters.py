"""Defaulters (pure): people under monitoring who missed it. Hypertensive adults are
re-checked monthly (DOMAIN.md: "hypertension monthly"); a health worker visits those with
no BP measurement for longer than that."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from .tasks import WIB, TaskNeed

HYPERTENSIVE = frozenset({"hypertension_grade_1", "hypertension_grade_2",
                          "hypertension_grade_3", "isolated_systolic_hypertension"})
BP_RECHECK_DAYS = 30
BP_VISIT_DUE_DAYS = 7


def bp_watch(current: dict[str, Any] | None, screened_on: date, codes: set[str],
             measured_bp: bool) -> dict[str, Any] | None:
    """The person's BP-monitoring state after a screening, or None when it changes nothing
    (no BP taken, or an older screening arriving late)."""
    if not measured_bp:
        return None
    if current is not None and current["last_bp_on"] > screened_on.isoformat():
        return None
    return {"last_bp_on": screened_on.isoformat(), "hypertensive": bool(codes & HYPERTENSIVE)}


def missed_bp_check(last_bp_on: str, today: date) -> TaskNeed | None:
    if date.fromisoformat(last_bp_on) + timedelta(days=BP_RECHECK_DAYS) >= today:
        return None
    due = datetime.combine(today + timedelta(days=BP_VISIT_DUE_DAYS), time(23, 59), WIB)
    return TaskNeed("kontrol_hipertensi", "perawat", "high", due)
