"""Vitamin A supplementation of balita (pure), as screening, PWS and notify read it.

Kemenkes (Panduan Manajemen Terintegrasi Suplementasi Vitamin A, 2016; Permenkes
21/2015 on the capsules): every child of 6–59 months gets a capsule in the *bulan
vitamin A*, February and August, at the posyandu – blue (100,000 IU) at 6–11 months, red
(200,000 IU) at 12–59 –, and the kader seeks out those who did not come (*sweeping*).
The months have moved before (2023's August round was held in October, Kemenkes letter
GM.03.03/B.III/300/2024): PWS reads them from its catalogue, notify from
`ILP_VITAMIN_A_MONTHS`; these are the defaults.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

FROM_MONTHS, UNTIL_MONTHS = 6, 60
ROUND_MONTHS = (2, 8)
# The capsule of an age: blue (100,000 IU) to 11 months, red (200,000 IU) from 12.
RED_FROM_MONTHS = 12
Capsule = Literal["biru", "merah"]


def capsule_for(age_months: int) -> Capsule:
    return "merah" if age_months >= RED_FROM_MONTHS else "biru"


def eligible(age_months: int) -> bool:
    """A child of an age to get a capsule (6–59 completed months)."""
    return FROM_MONTHS <= age_months < UNTIL_MONTHS


def round_of(day: date, months: tuple[int, ...] = ROUND_MONTHS) -> date:
    """The first day of the round a capsule given on `day` counts for: the latest round
    month up to it – a capsule given in January counts for last year's August round; the
    rounds are months apart, and a child gets one capsule each."""
    rounds = [date(year, month, 1) for year in (day.year - 1, day.year) for month in months]
    return max(start for start in rounds if start <= day)
