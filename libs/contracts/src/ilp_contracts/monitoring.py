"""Who is re-evaluated, and how often (DOMAIN.md: "hypertension monthly; prediabetes and
obesity every 3 months"; a diagnosed diabetic's glucose monthly, the SPM's), pure: notify
visits those who miss it, and the screening service's Register PTM lists when each is
due – one cadence for both."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .screening import PTM_FROM_YEARS

HYPERTENSIVE = frozenset({"hypertension_grade_1", "hypertension_grade_2",
                          "hypertension_grade_3", "isolated_systolic_hypertension"})
# A known patient's reading in range: monitored monthly all the same (the SPM's standard
# service for a penderita hipertensi is a blood pressure every month).
HYPERTENSION_PATIENT = HYPERTENSIVE | {"hypertension_controlled"}
# A diagnosed diabetic's glucose, controlled or not: monitored monthly (the SPM's too).
DIABETIC = frozenset({"diabetes_controlled", "diabetes_uncontrolled"})
ADULT_STAGES = frozenset({"usia_dewasa", "lansia"})


def ncd_monitored(stage: str, age_months: int) -> bool:
    """Whose BP, glucose and weight are re-evaluated on the adult cadence (from 15)."""
    return stage in ADULT_STAGES or (stage == "anak_remaja"
                                     and age_months >= PTM_FROM_YEARS * 12)


@dataclass(frozen=True)
class Cadence:
    condition: str
    codes: frozenset[str]  # findings that put a person under watch (or keep them there)
    measured_by: tuple[tuple[str, ...], ...]  # re-evaluated when all of one were measured
    every_days: int

    def measured(self, measures: Iterable[str]) -> bool:
        taken = set(measures)
        return any(taken.issuperset(fields) for fields in self.measured_by)

    def due_on(self, last_checked_on: date) -> date:
        """The last day of the cadence: a day later, the re-evaluation was missed."""
        return last_checked_on + timedelta(days=self.every_days)


CADENCES = (
    Cadence("hipertensi", HYPERTENSION_PATIENT, (("systolic",),), 30),
    # a diagnosed diabetic: glucose monthly, the SPM's standard service for a penderita DM
    Cadence("diabetes", DIABETIC,
            (("glucose_random",), ("glucose_fasting",)), 30),
    Cadence("prediabetes", frozenset({"prediabetes"}),
            (("glucose_random",), ("glucose_fasting",)), 90),
    Cadence("obesitas", frozenset({"obese_1", "obese_2"}), (("weight_kg", "height_cm"),), 90),
)
