"""TB treatment (pure): DOMAIN.md gives the kader "TB medication adherence" and a health
worker (mandatory) "TB household contact investigation".

- Contact investigation: the desa's perawat visits the household within
  `CONTACT_INVESTIGATION_DUE_DAYS` of the treatment's start – once per treatment.
- Adherence: the kader visits each `ADHERENCE_EVERY_DAYS` while the regimen lasts,
  counted from its start, and stops when the treatment ends (or the patient is gone).

Neither interval is in DOMAIN.md's sources (the national TB guidelines set them; SITB
records the doses themselves): platform defaults, like every task's due days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from .defaulters import NEVER, kader_visit
from .tasks import TaskNeed, end_of_day

CONTACT_INVESTIGATION_DUE_DAYS = 14
ADHERENCE_EVERY_DAYS = 30
ADHERENCE_VISIT_DUE_DAYS = 7
ADHERENCE = "pendampingan_minum_obat_tb"
CONTACT_INVESTIGATION = "investigasi_kontak_tb"
SUSPECT = "suspek_tb"  # a screening's TB symptoms: the perawat gets her sputum examined


def on_treatment(watch: dict[str, Any] | None, day: date) -> bool:
    """Whether the person is being treated for TB on `day` (her treatment started, not
    ended, within its regimen): a TB suspect's sputum visit is then moot – she has been
    examined, and the kader comes monthly for her doses."""
    return watch is not None and not watch.get("ended") and (
        watch["treatment_started_on"] <= day.isoformat() <= watch["planned_end_on"])


def contact_investigation(started_on: date, recorded_at: datetime, zone: tzinfo) -> TaskNeed:
    """Due two weeks from the start – or from when it was recorded, if that was later (a
    treatment entered late does not open a visit already overdue)."""
    start = max(started_on, recorded_at.astimezone(zone).date())
    return TaskNeed(CONTACT_INVESTIGATION, "perawat", "high",
                    end_of_day(start + timedelta(days=CONTACT_INVESTIGATION_DUE_DAYS), zone))


def tb_watch(treatment_id: str, started_on: date, planned_end_on: date) -> dict[str, Any]:
    """The kader's first adherence visit comes a month into the treatment."""
    watch = {"treatment_id": treatment_id, "treatment_started_on": started_on.isoformat(),
             "planned_end_on": planned_end_on.isoformat()}
    return {**watch, "adherence_visit_on": _within(watch, started_on + timedelta(
        days=ADHERENCE_EVERY_DAYS))}


def _within(state: dict[str, Any], day: date) -> str:
    return day.isoformat() if day.isoformat() <= state["planned_end_on"] else NEVER


def adherence_visit(state: dict[str, Any], today: date, zone: tzinfo) -> TaskNeed | None:
    """This month's adherence visit, while the regimen lasts."""
    if state["planned_end_on"] < today.isoformat():
        return None
    return kader_visit(state, "adherence_visit_on", today, zone, ADHERENCE, "high",
                       ADHERENCE_VISIT_DUE_DAYS)


def next_adherence_visit(state: dict[str, Any], today: date) -> str:
    """After this month's: the next on the treatment's own monthly grid, the first after
    today (a round that ran late does not push the rest of the visits later)."""
    due = date.fromisoformat(state["adherence_visit_on"])
    steps = (today - due).days // ADHERENCE_EVERY_DAYS + 1
    return _within(state, due + timedelta(days=steps * ADHERENCE_EVERY_DAYS))
