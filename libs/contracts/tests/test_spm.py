"""The SPM's balita service (pure): which visit of a year completed it."""

from __future__ import annotations

from hypothesis import given, strategies as st
from ilp_contracts.spm import BALITA_SERVICES, completed_at

NEEDS = {"development_checked": 2, "weighed": 3}
_VISIT = st.tuples(st.dates().map(lambda d: d.replace(year=2026).isoformat()),
                   st.sets(st.sampled_from(sorted(NEEDS))), st.booleans())


def _walked(visits: list[tuple[str, set[str], bool]], needs: dict[str, int]) -> str | None:
    """The day the year first had every need on enough days, at a visit of the age:
    visit by visit, counting what each day gave so far."""
    days: dict[str, set[str]] = {need: set() for need in needs}
    for i, (day, gave, aged) in enumerate(visits):
        for need in gave:
            days[need].add(day)
        same_day = [v for v in visits[i + 1:] if v[0] == day]  # the rest of that day too
        for _day, more, _aged in same_day:
            for need in more:
                days[need].add(day)
        if aged and all(len(days[need]) >= n for need, n in needs.items()):
            return day
    return None


@given(st.lists(_VISIT, max_size=14))
def test_the_visit_that_completed_a_year_is_the_first_of_its_age_once_all_had_come(
        visits: list[tuple[str, set[str], bool]]) -> None:
    visits.sort(key=lambda visit: visit[0])
    done = completed_at(visits, NEEDS)
    assert (visits[done][0] if done is not None else None) == _walked(visits, NEEDS)


def test_the_balita_services_ask_eight_weighings_and_two_of_the_rest() -> None:
    assert dict(BALITA_SERVICES) == {"development_checked": 2, "vitamin_a": 2, "measured": 2,
                                     "weighed": 8}
    year = [(f"2026-{m:02d}-10", {"weighed", *(["measured", "development_checked",
                                                "vitamin_a"] if m in (2, 8) else [])}, True)
            for m in range(1, 13)]
    assert completed_at(year, BALITA_SERVICES) == 7  # August
    assert completed_at(year[:7], BALITA_SERVICES) is None
