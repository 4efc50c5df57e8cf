"""A woman's ANC contacts grouped into pregnancies, and where K1 and K6 count (pure).

K1 and K6 are coverages of pregnancies, not of women in a year: K1 is a pregnancy's first
contact, counted in the desa and month it was made; K6 (DOMAIN.md, Permenkes 21/2021)
is at least one contact in trimester 1, two in trimester 2 and three in trimester 3,
counted in the desa and month of the contact that completed that spread. A pregnancy
that runs from October into March is thus one K1, in October – counted by the year a
woman was seen in, most pregnancies would be a K1 in both years.

A contact is dated by its gestational weeks: the day of her last period (HPHT) it
implies. Contacts of one pregnancy imply nearly the same day; those of the next one,
months later. Each contact is kept as its screening last said (`tombstone` when voided
or no longer an ANC contact), so any order of events ends in the same counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from ilp_contracts import K6_CONTACTS_BY_TRIMESTER

from .indicators import YEAR

Contact = Mapping[str, Any]  # {"version", "on", "weeks", "trimester", "desa_code", "posyandu_id"}
Unit = tuple[str, str]  # (desa code, posyandu id)
Counted = Counter[tuple[str, Unit, str]]  # (flag, unit, period) -> pregnancies

# Each contact's weeks may be off the true dating by up to 3 weeks (re-dating by
# ultrasound, the tolerance the intake allows against an HPHT), so two contacts of one
# pregnancy imply HPHTs at most 6 weeks apart. The next pregnancy's HPHT is later than
# this one's by its length and more (a miscarriage at 10 weeks: 12 weeks or more).
SAME_PREGNANCY_DAYS = 6 * 7
# Events from before the weeks were carried give a trimester only: its middle week.
MIDDLE_WEEK = {1: 8, 2: 20, 3: 34}


def contact_of(screened_on: date, summary: Mapping[str, float], desa_code: str,
               posyandu_id: str, version: int) -> dict[str, Any]:
    """What one ANC screening contributes, from the summary the screening carries."""
    trimester = int(summary.get("trimester", 1))
    weeks = int(summary.get("gestational_weeks", MIDDLE_WEEK[trimester]))
    return {"version": version, "on": screened_on.isoformat(), "weeks": weeks,
            "trimester": trimester, "desa_code": desa_code, "posyandu_id": posyandu_id}


def pregnancies(contacts: Iterable[Contact]) -> list[list[Contact]]:
    """The live contacts grouped by pregnancy, each group in the order they were made."""
    live = sorted((c for c in contacts if not c.get("gone")), key=lambda c: (_dated(c), c["on"]))
    groups: list[list[Contact]] = []
    for contact in live:
        if groups and (_dated(contact) - _dated(groups[-1][0])).days <= SAME_PREGNANCY_DAYS:
            groups[-1].append(contact)
        else:
            groups.append([contact])
    return [sorted(group, key=_order) for group in groups]


def counted(contacts: Mapping[str, Contact]) -> Counted:
    """Where each pregnancy's K1 and K6 count: (flag, unit, month) -> pregnancies."""
    out: Counted = Counter()
    for group in pregnancies({**c, "id": key} for key, c in contacts.items()):
        out["ibu_hamil_k1", _unit(group[0]), group[0]["on"][:7]] += 1
        if (completing := _completing_k6(group)) is not None:
            out["ibu_hamil_k6", _unit(completing), completing["on"][:7]] += 1
    return out


def count_changes(before: Counted, after: Counted) -> list[tuple[Unit, str, dict[str, int]]]:
    """Per (unit, month) count deltas from `before` to `after`: each pregnancy counts in its
    month and once in its year (`year:`), as yearly coverage reads it."""
    deltas: dict[tuple[Unit, str], dict[str, int]] = {}
    for key in before.keys() | after.keys():
        if n := after[key] - before[key]:
            flag, unit, period = key
            deltas.setdefault((unit, period), {}).update({flag: n, YEAR + flag: n})
    return [(unit, period, delta) for (unit, period), delta in deltas.items()]


def _completing_k6(group: list[Contact]) -> Contact | None:
    """The contact that completed the K6 spread (a day's contacts are one), if any."""
    days: dict[int, set[str]] = {trimester: set() for trimester in K6_CONTACTS_BY_TRIMESTER}
    for contact in group:
        days[contact["trimester"]].add(contact["on"])
        if all(len(days[t]) >= n for t, n in K6_CONTACTS_BY_TRIMESTER.items()):
            return contact
    return None


def _dated(contact: Contact) -> date:
    """The HPHT a contact implies."""
    return date.fromisoformat(contact["on"]) - timedelta(weeks=contact["weeks"])


def _order(contact: Contact) -> tuple[str, str]:
    return contact["on"], contact.get("id", "")


def _unit(contact: Contact) -> Unit:
    return contact["desa_code"], contact["posyandu_id"]
