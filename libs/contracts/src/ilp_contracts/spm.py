"""The SPM Bidang Kesehatan's balita service (pure), as PWS counts it and the Kohort Balita
shows each child's progress towards it.

Permenkes 4/2019 (SPM 4), as we read it: a child of 12–59 months served to the standard
in a year is weighed at least 8 times, her length or height measured twice, her
development checked twice (KPSP, or the Buku KIA's checklist) and given two vitamin A
capsules. Each counts on a day of the calendar year (two screenings of one day are one
visit), whatever her age that day; she counts where and when her year completed them, at
a visit of 12–59 months. The immunisations it also asks are not read here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from . import vitamin_a

BALITA_SERVICE_MONTHS = (12, 60)  # an anak balita: from 12 months to before 60
# Each service, and on how many days of the year she had it – the rarest first: a year
# short of one is told at once (`completed_at`).
BALITA_SERVICES: Mapping[str, int] = {"development_checked": 2, "vitamin_a": 2,
                                      "measured": 2, "weighed": 8}


def anak_balita(age_months: int | None) -> bool:
    """Of the SPM's balita service's age."""
    low, high = BALITA_SERVICE_MONTHS
    return age_months is not None and low <= age_months < high


def balita_services(measured: Collection[str], kpsp: object, checks: Mapping[str, bool] | None,
                    age_months: int | None) -> set[str]:
    """The services one visit gave: weighed, measured, development checked, a capsule (of
    its age: 6–59 months)."""
    capsule = bool((checks or {}).get("vitamin_a")) and age_months is not None and \
        vitamin_a.eligible(age_months)
    return {*(["weighed"] if "weight_kg" in measured else []),
            *(["measured"] if "height_cm" in measured else []),
            *(["development_checked"] if kpsp else []), *(["vitamin_a"] if capsule else [])}


Visit = tuple[str, Collection[str], bool]  # (its day, what it gave, of the standard's age)


def completed_at(visits: Sequence[Visit], needs: Mapping[str, int]) -> int | None:
    """Which of a year's visits, in order of day, completed a standard (each need on at
    least so many days): the first of the standard's age from the day the last of them
    came; None where the year has not."""
    done = ""  # the day the last need was met
    for need, n in needs.items():  # (most years fall short of one: told at once)
        days = {day for day, given, _aged in visits if need in given}
        if len(days) < n:
            return None
        done = max(done, sorted(days)[n - 1])
    return next((i for i, (day, _given, aged) in enumerate(visits) if aged and day >= done),
                None)
