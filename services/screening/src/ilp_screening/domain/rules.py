"""Clinical cut-offs, in one reviewed place. Each value names its source.

Growth: Permenkes 2/2020 Standar Antropometri Anak (WHO Child Growth Standards 2006).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    code: str
    severity: str
    below: float | None = None  # finding when z < below
    above: float | None = None  # finding when z > above
    follow_up: str = ""

    def matches(self, z: float) -> bool:
        return (self.below is not None and z < self.below) or (
            self.above is not None and z > self.above)


# Ordered: the first band that matches is the finding (most severe first).
WEIGHT_FOR_AGE = (
    Band("severely_underweight", "severe", below=-3, follow_up="rujuk ke puskesmas"),
    Band("underweight", "moderate", below=-2, follow_up="konseling gizi, kunjungan rumah"),
    Band("risk_overweight", "mild", above=1, follow_up="konseling pemberian makan"),
)
HEIGHT_FOR_AGE = (
    Band("severely_stunted", "severe", below=-3, follow_up="rujuk ke puskesmas"),
    Band("stunted", "moderate", below=-2, follow_up="kunjungan rumah bidan dan kader"),
)

# WHO 2006: length is measured lying under 24 months, height standing from 24 months;
# a measurement in the other position is corrected by 0.7 cm.
LYING_STANDING_OFFSET_CM = 0.7
LENGTH_HEIGHT_SWITCH_MONTHS = 24

# Plausibility ranges for a balita (0–59 months); outside them a value is a typo.
BALITA_WEIGHT_KG = (0.5, 40.0)
BALITA_HEIGHT_CM = (35.0, 130.0)
BALITA_MAX_MONTHS = 59
