"""Where a woman's pregnancies count K1 and K6 (pure).

K1 and K6 are coverages of pregnancies, not of women in a year: K1 is a pregnancy's first
contact, counted in the desa and month it was made; K6 (`ilp_contracts.anc`) is counted
in the desa and month of the contact that completed its spread over the trimesters,
TTD 90 in those of the contact whose iron tablets brought hers to 90, and T2+ in those of
the first contact that screened her tetanus status at T2 or above. A
pregnancy that runs from October into March is thus one K1, in October – counted by the
year a woman was seen in, most pregnancies would be a K1 in both years.

Each contact is kept as its screening last said (a tombstone when voided or no longer an
ANC contact), so any order of events ends in the same counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from ilp_contracts.anc import by_pregnancy, completing_k6, implied_hpht
from ilp_contracts.immunization import TETANUS_PROTECTED_FROM
from ilp_contracts.supplements import PREGNANCY_IRON_TABLETS

from .indicators import YEAR

# {"version", "on", "weeks", "trimester", "desa_code", "posyandu_id", "tablets",
#  "tetanus" (her status T, where screened)}
Contact = Mapping[str, Any]
Unit = tuple[str, str]  # (desa code, posyandu id)
Counted = Counter[tuple[str, Unit, str]]  # (flag, unit, period) -> pregnancies
# Events from before the weeks were carried give a trimester only: its middle week.
MIDDLE_WEEK = {1: 8, 2: 20, 3: 34}


def contact_of(screened_on: date, summary: Mapping[str, float], desa_code: str,
               posyandu_id: str, version: int) -> dict[str, Any]:
    """What one ANC screening contributes, from the summary the screening carries."""
    trimester = int(summary.get("trimester", 1))
    weeks = int(summary.get("gestational_weeks", MIDDLE_WEEK[trimester]))
    contact = {"version": version, "on": screened_on.isoformat(), "weeks": weeks,
               "trimester": trimester, "desa_code": desa_code, "posyandu_id": posyandu_id,
               "tablets": int(summary.get("iron_tablets", 0))}
    if "tetanus_status" in summary:
        contact["tetanus"] = int(summary["tetanus_status"])
    return contact


def pregnancies(contacts: Mapping[str, Contact]) -> list[list[Contact]]:
    """The live contacts (by screening id) grouped by pregnancy, each in the order made
    (the id breaks ties)."""
    live = sorted(({**c, "id": key} for key, c in contacts.items() if not c.get("gone")),
                  key=lambda c: (c["on"], c["id"]))
    return by_pregnancy(live, _hpht)


def counted(contacts: Mapping[str, Contact]) -> Counted:
    """Where each pregnancy's K1, K6, TTD 90 and T2+ count: (flag, unit, month) ->
    pregnancies."""
    out: Counted = Counter()
    for group in pregnancies(contacts):
        out["ibu_hamil_k1", _unit(group[0]), group[0]["on"][:7]] += 1
        completing = completing_k6(group, lambda c: int(c["trimester"]), lambda c: str(c["on"]))
        if completing is not None:
            out["ibu_hamil_k6", _unit(completing), completing["on"][:7]] += 1
        if (ninetieth := _ninetieth_tablet(group)) is not None:
            out["ibu_hamil_ttd90", _unit(ninetieth), ninetieth["on"][:7]] += 1
        protected = next((c for c in group if c.get("tetanus", 0) >= TETANUS_PROTECTED_FROM),
                         None)
        if protected is not None:
            out["ibu_hamil_t2plus", _unit(protected), protected["on"][:7]] += 1
    return out


def _ninetieth_tablet(group: list[Contact]) -> Contact | None:
    """The contact (of one pregnancy, in the order made) whose iron tablets brought hers
    to 90 (contacts from before tablets were carried gave none)."""
    given = 0
    for contact in group:
        given += int(contact.get("tablets", 0))
        if given >= PREGNANCY_IRON_TABLETS:
            return contact
    return None


def count_changes(before: Counted, after: Counted) -> list[tuple[Unit, str, dict[str, int]]]:
    """Per (unit, month) count deltas from `before` to `after`: each pregnancy counts in its
    month and once in its year (`year:`), as yearly coverage reads it."""
    deltas: dict[tuple[Unit, str], dict[str, int]] = {}
    for key in before.keys() | after.keys():
        if n := after[key] - before[key]:
            flag, unit, period = key
            deltas.setdefault((unit, period), {}).update({flag: n, YEAR + flag: n})
    return [(unit, period, delta) for (unit, period), delta in deltas.items()]


def _hpht(contact: Contact) -> date:
    return implied_hpht(date.fromisoformat(contact["on"]), int(contact["weeks"]))


def _unit(contact: Contact) -> Unit:
    return contact["desa_code"], contact["posyandu_id"]
