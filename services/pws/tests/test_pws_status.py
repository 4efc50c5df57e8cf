"""The PWS analysis of a desa (Pedoman PWS KIA): its position against the target and its
month against last month make its status – baik, kurang, cukup or jelek."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ilp_pws.domain.indicators import (
    CATALOGUE,
    IndicatorValue,
    evaluate,
    month_achievement,
    pws_status,
    with_status,
)

BY_ID = {i.id: i for i in CATALOGUE}
DS, STUNTING, K1 = BY_ID["balita_ditimbang"], BY_ID["balita_stunting"], BY_ID["ibu_hamil_k1"]


def value(ind_id: str, pct: float | None, colour: str, numerator: int = 0,
          denominator: int | None = 100) -> IndicatorValue:
    return IndicatorValue(ind_id, ind_id, numerator, denominator, pct, 80.0, colour)  # type: ignore[arg-type]


# (indicator, value this month, its colour, last month) → (trend, status): a coverage
# improves when it rises, a prevalence when it falls; yellow (near the target) is short.
STATUSES = [
    (DS, 85.0, "green", 80.0, ("naik", "baik")), (DS, 85.0, "green", 90.0, ("turun", "kurang")),
    (DS, 60.0, "red", 50.0, ("naik", "cukup")), (DS, 60.0, "red", 70.0, ("turun", "jelek")),
    (DS, 70.0, "yellow", 65.0, ("naik", "cukup")),
    (STUNTING, 10.0, "green", 12.0, ("turun", "baik")),
    (STUNTING, 10.0, "green", 8.0, ("naik", "kurang")),
    (STUNTING, 30.0, "red", 40.0, ("turun", "cukup")),
    (STUNTING, 30.0, "red", 25.0, ("naik", "jelek")),
]


@pytest.mark.parametrize(("ind", "pct", "colour", "last", "expected"), STATUSES)
def test_the_four_statuses(ind, pct, colour, last, expected) -> None:
    assert pws_status(ind, value(ind.id, pct, colour), pct, last) == expected


def test_a_month_like_the_last_is_judged_by_its_position_and_nothing_is_made_up() -> None:
    assert pws_status(DS, value("d", 100.0, "green"), 100.0, 100.0) == ("tetap", "baik")
    assert pws_status(DS, value("d", 0.0, "red"), 0.0, 0.0) == ("tetap", "jelek")
    # no value this month or last: no trend, no status; no value to place: no status
    assert pws_status(DS, value("d", 50.0, "red"), 50.0, None) == (None, None)
    assert pws_status(DS, value("d", None, "grey"), None, 40.0) == (None, None)


def test_an_accruing_coverage_compares_what_each_month_reached() -> None:
    """K1 counts each woman once a year from January: to date it only rises, so the
    trend is of each month's own gain (PWS: cakupan bulan ini), as a share of the
    yearly sasaran; in January the year starts again."""
    sasaran = {"ibu_hamil": 40}
    # to date: 10 by August, 14 by September (gained 4), 16 by October (gained 2)
    aug, sep, oct_ = (evaluate({"year:ibu_hamil_k1": n}, sasaran, [K1], month=m)[0]
                      for n, m in ((10, 8), (14, 9), (16, 10)))
    assert month_achievement(K1, oct_, sep) == 5.0 and month_achievement(K1, sep, aug) == 10.0
    [row] = with_status([K1], ([oct_], [sep], [aug]), month=10)
    assert (row["pct"], row["previous_pct"]) == (40.0, 35.0)  # to date: it still rose
    assert (row["month_pct"], row["previous_month_pct"], row["trend"]) == (5.0, 10.0, "turun")
    assert row["status"] == "jelek"  # 40 % against 79.2 % due by October, and falling
    # January: all of it is January's; February: January's is all it had to date
    december = evaluate({"year:ibu_hamil_k1": 38}, sasaran, [K1], month=12)[0]
    january = evaluate({"year:ibu_hamil_k1": 6}, sasaran, [K1], month=1)[0]
    november = evaluate({"year:ibu_hamil_k1": 35}, sasaran, [K1], month=11)[0]
    [row] = with_status([K1], ([january], [december], [november]), month=1)
    assert (row["month_pct"], row["previous_month_pct"], row["trend"]) == (15.0, 7.5, "naik")
    assert row["status"] == "baik"  # 15 % against the 7.9 % due by January
    february = evaluate({"year:ibu_hamil_k1": 8}, sasaran, [K1], month=2)[0]
    [row] = with_status([K1], ([february], [january], [december]), month=2)
    assert (row["month_pct"], row["previous_month_pct"], row["trend"]) == (5.0, 15.0, "turun")


def test_a_monthly_indicator_compares_its_values() -> None:
    targets = {"balita": 50}
    now, last, before = (evaluate({"balita_weighed": n}, targets, [DS], month=11)[0]
                         for n in (45, 40, 48))
    [row] = with_status([DS], ([now], [last], [before]), month=11)
    assert (row["month_pct"], row["previous_month_pct"]) == (90.0, 80.0)
    assert (row["trend"], row["status"]) == ("naik", "baik")


@given(st.sampled_from(CATALOGUE), st.floats(0, 100), st.floats(0, 100),
       st.sampled_from(["green", "yellow", "red"]))
def test_the_status_follows_the_position_and_the_direction(ind, this, last, colour) -> None:
    trend, status = pws_status(ind, value(ind.id, this, colour), this, last)
    assert status in (("baik", "kurang") if colour == "green" else ("cukup", "jelek"))
    assert trend == ("naik" if this > last else "turun" if this < last else "tetap")
    improving = trend != "tetap" and (trend == "naik") == (ind.direction == "higher")
    if trend != "tetap":
        assert (status in ("baik", "cukup")) == improving
