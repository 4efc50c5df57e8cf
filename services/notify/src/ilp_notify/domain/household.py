"""Those the posyandu knows of and who never came (pure). The kader's household data
collection (pendataan keluarga) registers the people of her area; DOMAIN.md sends her to
"adults not yet screened" and "pregnant women not yet registered":

- someone from 15 registered and not screened within `UNSCREENED_GRACE_DAYS` (the next
  posyandu or Posbindu day first) gets the kader's visit, to bring them to the PTM
  screening – once: afterwards the yearly PTM watch takes over from their screening;
- a woman registered as pregnant with no ANC contact within `UNEXAMINED_GRACE_DAYS` gets
  the kader's visit, to bring her to K1 – once: afterwards the ANC watch takes over. Her
  ANC contact is her screening: she gets no PTM visit besides.

Both end when the person comes (a screening from 15; an ANC contact or a delivery) – and
come back if that contact is voided (the wrong person's record, say)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta, tzinfo
from typing import Any

from ilp_contracts import PTM_FROM_YEARS

from ilp_contracts.dates import add_months

from .defaulters import NEVER, kader_visit
from .tasks import TaskNeed

UNSCREENED_GRACE_DAYS = 30
UNSCREENED_VISIT_DUE_DAYS = 14
UNEXAMINED_GRACE_DAYS = 14
UNEXAMINED_VISIT_DUE_DAYS = 7
KEPT_CONTACTS = 10  # a check's contacts remembered; one is enough to keep it ended


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
    # who ended a check stays with it; a new pregnancy's check owes nothing to the last one's
    ended = {check: entry for check, entry in current.get("ended_by", {}).items()
             if check == "ptm_check_on" or current.get("pregnant") and pregnant}
    return {"noted_on": noted_on.isoformat(), "pregnant": pregnant,
            "ptm_check_on": ptm, "anc_check_on": anc, "ended_by": ended}


# The round's visit of each check, for a person registered and not yet come.
CHECK_VISITS = {"ptm_check_on": "belum_skrining_ptm", "anc_check_on": "ibu_hamil_belum_periksa"}


def visits_over(state: dict[str, Any], checks: Iterable[str]) -> list[str]:
    """The reasons of the round's visits a contact makes moot: each check it ends that the
    round had come for (its day gone, and no contact ended it before)."""
    return [CHECK_VISITS[check] for check in checks
            if state.get(check) == NEVER and check not in state.get("ended_by", {})]


def came(state: dict[str, Any], checks: Iterable[str], by: str) -> dict[str, Any] | None:
    """The state once a contact (`by`: a screening or birth id) ends the `checks`
    (`ptm_check_on`, `anc_check_on`); None when it changes nothing. Each check ended by a
    contact keeps the day it had and the contacts since (the latest `KEPT_CONTACTS`), so
    that it opens again only when every one of them is voided (`contact_voided`)."""
    ended = dict(state.get("ended_by", {}))
    for check in checks:
        if state.get(check, NEVER) != NEVER:
            ended[check] = {"was": state[check], "by": [by]}
        elif check in ended and by not in ended[check]["by"]:
            ended[check] = {**ended[check], "by": [*ended[check]["by"], by][-KEPT_CONTACTS:]}
    if ended == state.get("ended_by", {}):
        return None
    return {**state, **dict.fromkeys(ended, NEVER), "ended_by": ended}


def contact_voided(state: dict[str, Any], by: str) -> dict[str, Any] | None:
    """The state once a contact is voided: a check that no other contact ended is open
    again, from the day it had; None when the contact had ended none."""
    ended, back = {}, {}
    for check, entry in state.get("ended_by", {}).items():
        others = [contact for contact in entry["by"] if contact != by]
        if others:
            ended[check] = {**entry, "by": others}
        else:
            back[check] = entry["was"]
    if ended == state.get("ended_by", {}):
        return None
    return {**state, **back, "ended_by": ended}


def never_screened(state: dict[str, Any], today: date, zone: tzinfo) -> TaskNeed | None:
    return kader_visit(state, "ptm_check_on", today, zone, "belum_skrining_ptm", "routine",
                       UNSCREENED_VISIT_DUE_DAYS)


def pregnancy_unexamined(state: dict[str, Any], today: date, zone: tzinfo
                         ) -> TaskNeed | None:
    return kader_visit(state, "anc_check_on", today, zone, "ibu_hamil_belum_periksa", "high",
                       UNEXAMINED_VISIT_DUE_DAYS)
