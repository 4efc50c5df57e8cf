"""Those the posyandu knows of and who never came (pure). The kader's household data
collection (pendataan keluarga) registers the people of her area; DOMAIN.md sends her to
"adults not yet screened" and "pregnant women not yet registered":

- someone from 15 registered and not screened within `UNSCREENED_GRACE_DAYS` (the next
  posyandu or Posbindu day first) gets the kader's visit, to bring them to the PTM
  screening – once: afterwards the yearly PTM watch takes over from their screening;
- a woman registered as pregnant with no ANC contact within `UNEXAMINED_GRACE_DAYS` gets
  the kader's visit, to bring her to K1 – once: afterwards the ANC watch takes over. Her
  ANC contact is her screening: she gets no PTM visit besides.

Both end when the person comes (a screening from 15; an ANC contact or a delivery)."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import Any

from ilp_contracts import PTM_FROM_YEARS

from .defaulters import NEVER, add_months, kader_visit
from .tasks import TaskNeed

UNSCREENED_GRACE_DAYS = 30
UNSCREENED_VISIT_DUE_DAYS = 14
UNEXAMINED_GRACE_DAYS = 14
UNEXAMINED_VISIT_DUE_DAYS = 7


def household_watch(current: dict[str, Any] | None, noted_on: date, age_months: int,
                    pregnant: bool, screened: bool, examined: bool) -> dict[str, Any]:
    """When a registered person's absence calls for a visit. `screened`: already screened
    from 15 (their yearly PTM watch exists); `examined`: an ANC contact already recorded.
    A check already set stays as it is – over (visited, or the person came) or due –; a
    pregnancy newly registered starts its own."""
    current = current or {}
    # from 15 (a child registered now is due once grown up: the age is in whole months)
    due_from = add_months(noted_on, max(0, PTM_FROM_YEARS * 12 - age_months))
    ptm = (NEVER if screened or pregnant else current.get(
        "ptm_check_on", (due_from + timedelta(days=UNSCREENED_GRACE_DAYS)).isoformat()))
    anc = NEVER
    if pregnant and not examined:
        anc = (current["anc_check_on"] if current.get("pregnant") else
               (noted_on + timedelta(days=UNEXAMINED_GRACE_DAYS)).isoformat())
    return {"noted_on": noted_on.isoformat(), "pregnant": pregnant,
            "ptm_check_on": ptm, "anc_check_on": anc}


def never_screened(state: dict[str, Any], today: date, zone: tzinfo) -> TaskNeed | None:
    return kader_visit(state, "ptm_check_on", today, zone, "belum_skrining_ptm", "routine",
                       UNSCREENED_VISIT_DUE_DAYS)


def pregnancy_unexamined(state: dict[str, Any], today: date, zone: tzinfo
                         ) -> TaskNeed | None:
    return kader_visit(state, "anc_check_on", today, zone, "ibu_hamil_belum_periksa", "high",
                       UNEXAMINED_VISIT_DUE_DAYS)
