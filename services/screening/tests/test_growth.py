"""Classification against published WHO 2006 reference values (WHO Child Growth
Standards tables: weight-for-age and length/height-for-age, z-score columns)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ilp_screening.domain.growth import classify_balita, standardised_height


def zscores(sex: str, months: int, weight: float, height: float | None,
            lying: bool | None = None) -> dict[str, float]:
    birth = date(2023, 1, 15)
    screened = date(2023 + (months + 0) // 12, 1 + months % 12, 15)
    lying = months < 24 if lying is None else lying
    measurements, _ = classify_balita(sex, birth, screened, months, weight, height, lying)
    return measurements


# (sex, months, value, expected z) from the WHO tables
@pytest.mark.parametrize(("sex", "months", "weight", "z"), [
    ("M", 12, 9.6, 0.0), ("M", 12, 7.7, -2.0), ("M", 12, 6.9, -3.0),
    ("F", 24, 11.5, 0.0), ("F", 24, 9.0, -2.0), ("F", 6, 7.3, 0.0), ("M", 36, 14.3, 0.0),
])
def test_weight_for_age_matches_who_tables(sex, months, weight, z) -> None:
    assert zscores(sex, months, weight, None)["waz"] == pytest.approx(z, abs=0.12)


@pytest.mark.parametrize(("sex", "months", "height", "z"), [
    ("M", 12, 75.7, 0.0), ("M", 12, 71.0, -2.0), ("M", 12, 68.6, -3.0),
    ("F", 6, 65.7, 0.0), ("F", 36, 95.1, 0.0),
])
def test_length_height_for_age_matches_who_tables(sex, months, height, z) -> None:
    assert zscores(sex, months, 10.0, height)["haz"] == pytest.approx(z, abs=0.12)


def test_findings_follow_the_permenkes_bands() -> None:
    birth, on = date(2024, 11, 10), date(2026, 11, 20)
    _, findings = classify_balita("M", birth, on, 24, 9.1, 79.0, False)
    assert {f.code for f in findings} == {"underweight", "stunted"}
    _, findings = classify_balita("M", birth, on, 24, 7.5, 75.0, False)
    assert {f.code for f in findings} == {"severely_underweight", "severely_stunted"}
    _, findings = classify_balita("M", birth, on, 24, 12.2, 87.1, False)
    assert findings == []


def test_position_correction_is_0_7_cm() -> None:
    assert standardised_height(80.0, 30, measured_lying=True) == pytest.approx(79.3)
    assert standardised_height(70.0, 12, measured_lying=False) == pytest.approx(70.7)
    assert standardised_height(70.0, 12, measured_lying=True) == 70.0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 59), st.floats(2.0, 30.0), st.sampled_from("MF"))
def test_heavier_is_never_classified_lower(months, weight, sex) -> None:
    lighter = zscores(sex, months, weight, None)["waz"]
    heavier = zscores(sex, months, weight + 0.5, None)["waz"]
    assert heavier > lighter
