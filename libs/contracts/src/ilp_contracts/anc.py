"""ANC contacts by pregnancy, and K6 (DOMAIN.md), pure: PWS counts K1 and K6 by them and
the screening service's Register Kohort Ibu shows each woman's current pregnancy by
them – one rule for both.

A contact is dated by its gestational weeks: the day of her last period (HPHT) they
imply. Contacts of one pregnancy imply nearly the same day; those of the next one, months
later."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import TypeVar

# K6, the ANC standard (Permenkes 21/2021): at least one contact in trimester 1, two in
# trimester 2 and three in trimester 3 – the contacts of one day are one.
K6_CONTACTS_BY_TRIMESTER = {1: 1, 2: 2, 3: 3}
# Each contact's weeks may be off the true dating by up to 3 weeks (re-dating by
# ultrasound, the tolerance the intake allows against an HPHT), so two contacts of one
# pregnancy imply HPHTs at most 6 weeks apart. The next pregnancy's HPHT is later than
# this one's by its length and more (after a miscarriage at 10 weeks: 12 weeks or more).
SAME_PREGNANCY_DAYS = 6 * 7
MAX_ANC_VISIT = 12  # the highest K number a contact may record
# The trimesters by completed weeks: K6's spread, the Hb threshold of each, the schedule.
TRIMESTER_2_FROM_WEEK, TRIMESTER_3_FROM_WEEK = 14, 28
# Her next contact is due within 8 weeks of the last, within 4 in trimester 3 (its three
# contacts): past it notify sends the kader, and the Kohort Ibu shows the day to the
# bidan – one schedule for both.
ANC_GAP_DAYS, ANC_GAP_DAYS_T3 = 56, 28

Contact = TypeVar("Contact")


def implied_hpht(on: date, weeks: int) -> date:
    return on - timedelta(weeks=weeks)


def trimester(weeks: int) -> int:
    if weeks >= TRIMESTER_3_FROM_WEEK:
        return 3
    return 2 if weeks >= TRIMESTER_2_FROM_WEEK else 1


def next_contact_due(last_on: date, weeks: int) -> date:
    """The last day her next contact is on time, after one at `weeks` on `last_on`."""
    return last_on + timedelta(days=ANC_GAP_DAYS_T3 if trimester(weeks) == 3
                               else ANC_GAP_DAYS)


def by_pregnancy(contacts: Sequence[Contact], hpht: Callable[[Contact], date]
                 ) -> list[list[Contact]]:
    """The contacts grouped by pregnancy, the earliest pregnancy first; each group keeps
    the order the contacts were given in."""
    order = {id(contact): n for n, contact in enumerate(contacts)}
    groups: list[list[Contact]] = []
    first: date | None = None
    for contact in sorted(contacts, key=lambda c: (hpht(c), order[id(c)])):
        if first is not None and (hpht(contact) - first).days <= SAME_PREGNANCY_DAYS:
            groups[-1].append(contact)
        else:
            groups.append([contact])
            first = hpht(contact)
    return [sorted(group, key=lambda c: order[id(c)]) for group in groups]


def days_by_trimester(contacts: Iterable[Contact], trimester: Callable[[Contact], int],
                      day: Callable[[Contact], str]) -> dict[int, set[str]]:
    """The days with a contact, by trimester (a day's contacts are one contact)."""
    days: dict[int, set[str]] = {t: set() for t in K6_CONTACTS_BY_TRIMESTER}
    for contact in contacts:
        days[trimester(contact)].add(day(contact))
    return days


def k6_complete(days: dict[int, set[str]]) -> bool:
    return all(len(days[t]) >= n for t, n in K6_CONTACTS_BY_TRIMESTER.items())


def completing_k6(contacts: Iterable[Contact], trimester: Callable[[Contact], int],
                  day: Callable[[Contact], str]) -> Contact | None:
    """The contact (of one pregnancy, in the order made) that completed the K6 spread."""
    days: dict[int, set[str]] = {t: set() for t in K6_CONTACTS_BY_TRIMESTER}
    for contact in contacts:
        days[trimester(contact)].add(day(contact))
        if k6_complete(days):
            return contact
    return None
