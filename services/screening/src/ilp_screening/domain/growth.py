"""Growth classification of a balita against the WHO 2006 standards (pure)."""

from __future__ import annotations

from datetime import date

from ilp_contracts import Finding
from rcpchgrowth.constants import HEIGHT, WEIGHT, WHO
from rcpchgrowth.global_functions import sds_for_measurement

from . import rules
from .rules import Band


def _z(method: str, age_days: int, value: float, sex: str) -> float:
    return float(sds_for_measurement(reference=WHO, age=age_days / 365.25,
                                     measurement_method=method, observation_value=value,
                                     sex="male" if sex == "M" else "female"))


def standardised_height(height_cm: float, age_months: int, measured_lying: bool) -> float:
    """Length/height in the position the WHO standard expects for the age."""
    expects_lying = age_months < rules.LENGTH_HEIGHT_SWITCH_MONTHS
    if measured_lying and not expects_lying:
        return height_cm - rules.LYING_STANDING_OFFSET_CM
    if not measured_lying and expects_lying:
        return height_cm + rules.LYING_STANDING_OFFSET_CM
    return height_cm


def _classify(z: float, bands: tuple[Band, ...]) -> Finding | None:
    for band in bands:
        if band.matches(z):
            return Finding(code=band.code, severity=band.severity,  # type: ignore[arg-type]
                           follow_up=band.follow_up, value=round(z, 2))
    return None


def classify_balita(sex: str, birth_date: date, screened_on: date, age_months: int,
                    weight_kg: float, height_cm: float | None, measured_lying: bool
                    ) -> tuple[dict[str, float], list[Finding]]:
    """Z-scores and findings for one weighing. Returns (measurements, findings)."""
    age_days = (screened_on - birth_date).days
    measurements = {"weight_kg": weight_kg}
    findings = []
    waz = _z(WEIGHT, age_days, weight_kg, sex)
    measurements["waz"] = round(waz, 2)
    if finding := _classify(waz, rules.WEIGHT_FOR_AGE):
        findings.append(finding)
    if height_cm is not None:
        height = standardised_height(height_cm, age_months, measured_lying)
        haz = _z(HEIGHT, age_days, height, sex)
        measurements.update(height_cm=height_cm, haz=round(haz, 2))
        if finding := _classify(haz, rules.HEIGHT_FOR_AGE):
            findings.append(finding)
    return measurements, findings
