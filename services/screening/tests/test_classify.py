"""Classification rules: every cut-off at its boundary, and whole screenings per stage."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ilp_contracts import PTM_FROM_YEARS
from ilp_contracts.screening import Finding
from ilp_screening.domain import rules
from ilp_screening.domain.classify import (
    PreviousWeighing,
    ScreeningInput,
    classify,
    measures_read,
    stage_for,
    trimester,
)
from ilp_screening.domain.person import age_in_months
from ilp_screening.domain.rules import first_band

ON = date(2026, 11, 20)


def findings(stage: str, sex: str = "F", years: float = 30, **kw) -> list[Finding]:
    measures = {k: v for k, v in kw.items() if isinstance(v, (int, float))
                and not isinstance(v, bool)}
    flags = {k: v for k, v in kw.items() if isinstance(v, bool)}
    screening = ScreeningInput(stage, sex, int(years * 365.25), ON, measures, flags,
                               gestational_weeks=kw.get("weeks"))  # type: ignore[arg-type]
    return classify(screening).findings


def codes(stage: str, sex: str = "F", years: float = 30, **kw) -> set[str]:
    return {f.code for f in findings(stage, sex, years, **kw)}


@pytest.mark.parametrize(("bands", "value", "expected"), [
    (rules.WEIGHT_FOR_AGE, -3.01, "severely_underweight"), (rules.WEIGHT_FOR_AGE, -3.0,
                                                            "underweight"),
    (rules.WEIGHT_FOR_AGE, -2.0, None), (rules.WEIGHT_FOR_AGE, 1.0, None),
    (rules.WEIGHT_FOR_AGE, 1.01, "risk_overweight"),
    (rules.HEIGHT_FOR_AGE, -3.01, "severely_stunted"), (rules.HEIGHT_FOR_AGE, -2.01, "stunted"),
    (rules.HEIGHT_FOR_AGE, -2.0, None), (rules.HEIGHT_FOR_AGE, 3.5, None),
    (rules.WEIGHT_FOR_HEIGHT, -3.01, "gizi_buruk"), (rules.WEIGHT_FOR_HEIGHT, -3.0, "gizi_kurang"),
    (rules.WEIGHT_FOR_HEIGHT, 1.0, None), (rules.WEIGHT_FOR_HEIGHT, 2.0, "berisiko_gizi_lebih"),
    (rules.WEIGHT_FOR_HEIGHT, 3.0, "gizi_lebih"), (rules.WEIGHT_FOR_HEIGHT, 3.01, "obesitas"),
    (rules.BMI_FOR_AGE, -2.0, None), (rules.BMI_FOR_AGE, -2.01, "thinness"),
    (rules.BMI_FOR_AGE, 2.0, "overweight"), (rules.BMI_FOR_AGE, 2.01, "obese"),
    (rules.BMI_ASIA_PACIFIC, 18.49, "bmi_underweight"), (rules.BMI_ASIA_PACIFIC, 18.5, None),
    (rules.BMI_ASIA_PACIFIC, 22.9, None), (rules.BMI_ASIA_PACIFIC, 23.0, "bmi_overweight"),
    (rules.BMI_ASIA_PACIFIC, 25.0, "obese_1"), (rules.BMI_ASIA_PACIFIC, 30.0, "obese_2"),
    (rules.GLUCOSE_RANDOM, 139, None), (rules.GLUCOSE_RANDOM, 140, "prediabetes"),
    (rules.GLUCOSE_RANDOM, 200, "diabetes_suspected"), (rules.GLUCOSE_FASTING, 99, None),
    (rules.GLUCOSE_FASTING, 100, "prediabetes"), (rules.GLUCOSE_FASTING, 126,
                                                  "diabetes_suspected"),
    (rules.ADL_BANDS, 20, None), (rules.ADL_BANDS, 19, "adl_mild_dependence"),
    (rules.ADL_BANDS, 12, "adl_mild_dependence"), (rules.ADL_BANDS, 11, "adl_moderate_dependence"),
    (rules.ADL_BANDS, 9, "adl_moderate_dependence"), (rules.ADL_BANDS, 8, "adl_severe_dependence"),
    (rules.ADL_BANDS, 5, "adl_severe_dependence"), (rules.ADL_BANDS, 4, "adl_total_dependence"),
])
def test_band_boundaries(bands, value, expected) -> None:
    band = first_band(value, bands)
    assert (band.code if band else None) == expected


@pytest.mark.parametrize(("systolic", "diastolic", "expected"), [
    (119, 79, set()), (125, 82, set()), (130, 80, {"bp_high_normal"}),
    (120, 85, {"bp_high_normal"}), (140, 90, {"hypertension_grade_1"}),
    (159, 99, {"hypertension_grade_1"}), (160, 95, {"hypertension_grade_2"}),
    (150, 100, {"hypertension_grade_2"}), (180, 100, {"hypertension_grade_3"}),
    (170, 110, {"hypertension_grade_3"}), (150, 85, {"isolated_systolic_hypertension"}),
    (159, 89, {"isolated_systolic_hypertension"}),
    # an isolated systolic is graded by its systolic (ESH): a lansia's 200/85 is grade 3
    (165, 85, {"hypertension_grade_2"}), (200, 85, {"hypertension_grade_3"}),
])
def test_blood_pressure_classes(systolic, diastolic, expected) -> None:
    assert codes("usia_dewasa", systolic=systolic, diastolic=diastolic) == expected


def test_adult_findings() -> None:
    assert codes("usia_dewasa", "M", waist_cm=90.0) == set()
    assert codes("usia_dewasa", "M", waist_cm=90.5) == {"central_obesity"}
    assert codes("usia_dewasa", "F", waist_cm=80.5) == {"central_obesity"}
    assert codes("usia_dewasa", srq20=5) == set()
    assert codes("usia_dewasa", srq20=6) == {"mental_health_risk"}
    assert codes("usia_dewasa", tb_symptoms=True, smoking=True) == {"tb_suspect", "smoker"}
    assert codes("usia_dewasa", weight_kg=80, height_cm=160) == {"obese_2"}


def test_lansia_adds_dependence_and_skilas() -> None:
    assert codes("lansia", years=70, adl=10, skilas_positive=True) == {
        "adl_moderate_dependence", "intrinsic_capacity_decline"}
    assert codes("lansia", years=70, adl=20) == set()


def test_skilas_by_its_domains_says_which_assessments_follow() -> None:
    """SKILAS as its form asks it, domain by domain (WHO ICOPE step 1): a decline in any
    is the lansia's decline, and the follow-up names the assessments it asks for."""
    def follow_up(**domains: bool) -> list[str | None]:
        result = classify(ScreeningInput("lansia", "F", 70 * 365 + 20, date(2026, 11, 20),
                                         {}, domains))
        return [f.follow_up for f in result.findings if f.code == "intrinsic_capacity_decline"]
    assert follow_up(cognitive_decline=True, depressive_symptoms=True) == [
        "pemeriksaan lanjutan di pustu: penilaian kognitif, penilaian gejala depresi"]
    assert follow_up(limited_mobility=False, malnutrition_risk=False) == []
    assert follow_up(skilas_positive=True) == ["pemeriksaan lanjutan di pustu"]
    assert codes("usia_dewasa", years=45, cognitive_decline=True) == set()  # the lansia's


def test_an_adults_dependence_is_read_at_any_adult_age() -> None:
    """After a stroke at 45 she needs care at home as a lansia would; SKILAS stays the
    lansia's."""
    assert codes("usia_dewasa", years=45, adl=7, skilas_positive=True) == {
        "adl_severe_dependence"}


@pytest.mark.parametrize(("weeks", "hb", "anaemic"), [
    (10, 10.9, True), (10, 11.0, False), (20, 10.4, True), (20, 10.5, False),
    (30, 10.9, True), (30, 11.0, False),
])
def test_anaemia_in_pregnancy_by_trimester(weeks, hb, anaemic) -> None:
    assert ("anaemia_pregnancy" in codes("ibu_hamil", weeks=weeks, hb=hb)) is anaemic


def test_pregnancy_findings() -> None:
    assert codes("ibu_hamil", weeks=12, muac_cm=23.4) == {"kek"}
    assert codes("ibu_hamil", weeks=12, muac_cm=23.5) == set()
    assert codes("ibu_hamil", weeks=12, weight_kg=40, height_cm=150) == {"underweight_pregnancy"}
    assert codes("ibu_hamil", weeks=20, weight_kg=40, height_cm=150) == set()  # T1 only
    assert codes("ibu_hamil", weeks=30, systolic=140, diastolic=80) == {"hypertension_pregnancy"}
    assert codes("ibu_hamil", weeks=30, systolic=130, diastolic=90) == {"hypertension_pregnancy"}
    assert codes("ibu_hamil", weeks=30, systolic=139, diastolic=89) == set()


@pytest.mark.parametrize(("systolic", "diastolic", "severity"), [
    (140, 80, "moderate"), (159, 109, "moderate"), (160, 90, "severe"), (130, 110, "severe"),
])
def test_severe_hypertension_in_pregnancy_is_referred_at_once(systolic, diastolic,
                                                              severity) -> None:
    """POGI's severe range (≥ 160/110) is referred at once; below it, to the puskesmas."""
    [found] = findings("ibu_hamil", weeks=30, systolic=systolic, diastolic=diastolic)
    assert (found.code, found.severity) == ("hypertension_pregnancy", severity)
    assert found.follow_up.startswith("rujuk segera") == (severity == "severe")


@pytest.mark.parametrize(("measures", "severity"), [
    ({"glucose_fasting": 91, "glucose_random": 199}, None),
    ({"glucose_fasting": 92}, "moderate"), ({"glucose_fasting": 125}, "moderate"),
    ({"glucose_fasting": 126}, "severe"), ({"glucose_random": 200}, "severe"),
    ({"glucose_fasting": 95, "glucose_random": 250}, "severe"),  # the worse of the two
])
def test_glucose_in_pregnancy_by_whos_lines_for_pregnancy(measures, severity) -> None:
    """A pregnant woman's glucose was taken and ignored; the adult bands do not fit her
    (WHO 2013: gestational diabetes from fasting 92, diabetes in pregnancy from 126 or
    random 200)."""
    found = findings("ibu_hamil", weeks=28, **measures)
    assert [(f.code, f.severity) for f in found] == (
        [("hyperglycaemia_pregnancy", severity)] if severity else [])


def test_a_pregnant_womans_srq20_is_read_and_her_cholesterol_is_not() -> None:
    assert codes("ibu_hamil", weeks=20, srq20=6, cholesterol_total=260) == {
        "mental_health_risk"}


@pytest.mark.parametrize(("months", "hb", "severity"), [
    (5, 6.0, None),  # WHO has no line before 6 months
    (6, 10.5, None), (6, 10.4, "mild"), (23, 9.5, "mild"), (23, 9.4, "moderate"),
    (24, 11.0, None), (24, 10.9, "mild"), (59, 10.0, "mild"), (59, 9.9, "moderate"),
    (30, 7.0, "moderate"), (30, 6.9, "severe"),
])
def test_a_balitas_hb_by_whos_2024_lines(months, hb, severity) -> None:
    """A balita's Hb was taken and ignored: now read by WHO's 2024 lines for her age."""
    found = [(f.code, f.severity) for f in findings(
        "balita", years=(months + 0.5) / 12, hb=hb) if f.code == "anaemia"]
    assert found == ([("anaemia", severity)] if severity else [])


def test_a_woman_of_reproductive_age_with_a_small_lila_is_at_risk_of_kek() -> None:
    """LiLA < 23.5 cm in a woman of 15–49 who is not pregnant: at risk of KEK (WUS)."""
    assert codes("usia_dewasa", "F", years=30, muac_cm=23.4) == {"kek_risk"}
    assert codes("anak_remaja", "F", years=16, muac_cm=22.0) == {"kek_risk"}
    assert codes("usia_dewasa", "F", years=30, muac_cm=23.5) == set()
    assert codes("usia_dewasa", "M", years=30, muac_cm=22.0) == set()
    assert codes("usia_dewasa", "F", years=50.1, muac_cm=22.0) == set()
    assert codes("anak_remaja", "F", years=14, muac_cm=22.0) == set()
    assert codes("ibu_hamil", years=30, weeks=12, muac_cm=23.4) == {"kek"}


def test_grade_3_hypertension_is_referred_at_once() -> None:
    [grade_3] = findings("lansia", years=70, systolic=185, diastolic=110)
    [grade_1] = findings("usia_dewasa", systolic=145, diastolic=92)
    assert grade_3.follow_up.startswith("rujuk segera")
    assert not grade_1.follow_up.startswith("rujuk")
    assert [trimester(w) for w in (13, 14, 27, 28)] == [1, 2, 2, 3]


@pytest.mark.parametrize(("stage", "years"), [("usia_dewasa", 45), ("lansia", 70),
                                             ("anak_remaja", PTM_FROM_YEARS + 1)])
def test_a_known_patients_reading_in_range_is_controlled_not_gone(stage, years) -> None:
    """A diagnosed hypertensive under 140/90 – high-normal included – is a controlled
    patient, monitored monthly; at 140/90 the grade as for anyone. A diagnosed diabetic's
    glucose is controlled below diabetes's threshold (never prediabetes) and otherwise not
    controlled – no suspicion to confirm. Not known: as before."""
    ht = {"known_hypertension": True}
    assert codes(stage, years=years, systolic=139, diastolic=89, **ht) == {
        "hypertension_controlled"}
    assert codes(stage, years=years, systolic=118, diastolic=70, **ht) == {
        "hypertension_controlled"}
    assert codes(stage, years=years, systolic=140, diastolic=92, **ht) == {
        "hypertension_grade_1"}
    assert codes(stage, years=years, systolic=135, diastolic=85) == {"bp_high_normal"}
    assert codes(stage, years=years, weight_kg=60, **ht) == set()  # no reading: nothing said
    dm = {"known_diabetes": True}
    assert codes(stage, years=years, glucose_random=199, **dm) == {"diabetes_controlled"}
    assert codes(stage, years=years, glucose_random=200, **dm) == {"diabetes_uncontrolled"}
    assert codes(stage, years=years, glucose_random=120, glucose_fasting=130, **dm) == {
        "diabetes_uncontrolled"}
    assert codes(stage, years=years, glucose_random=160) == {"prediabetes"}
    assert codes(stage, years=years, glucose_random=160, known_diabetes=False) == {
        "prediabetes"}


def test_a_disease_from_before_the_pregnancy_is_a_risk_whatever_todays_reading() -> None:
    """Her hypertension or diabetes diagnosed before she was pregnant: a high-risk
    pregnancy at every contact, beside what today's reading finds."""
    assert codes("ibu_hamil", weeks=12, systolic=120, diastolic=80, known_hypertension=True) \
        == {"chronic_hypertension_pregnancy"}
    assert codes("ibu_hamil", weeks=30, systolic=150, diastolic=95, known_hypertension=True) \
        == {"chronic_hypertension_pregnancy", "hypertension_pregnancy"}
    assert codes("ibu_hamil", weeks=20, muac_cm=25, known_diabetes=True) == {
        "pregestational_diabetes"}
    assert codes("ibu_hamil", weeks=20, muac_cm=25, known_diabetes=False) == set()


def test_a_pregnancy_too_young_or_too_old_is_a_risk() -> None:
    """The Buku KIA's "4 Terlalu": under 20, over 35 (years completed)."""
    assert codes("ibu_hamil", years=19.9, weeks=12) == {"pregnancy_too_young"}
    assert codes("ibu_hamil", years=20, weeks=12) == set()
    assert codes("ibu_hamil", years=35.9, weeks=12) == set()
    assert codes("ibu_hamil", years=36, weeks=12) == {"pregnancy_too_old"}


def test_school_children_bmi_and_anaemia_for_girls() -> None:
    assert codes("anak_remaja", "F", years=13, hb=11.9) == {"anaemia"}
    assert codes("anak_remaja", "F", years=13, hb=12.0) == set()
    assert codes("anak_remaja", "F", years=10, weight_kg=45, height_cm=140) == {"obese"}


def severity(stage: str, sex: str, years: float, hb: float, weeks: int | None = None
             ) -> str | None:
    screening = ScreeningInput(stage, sex, int(years * 365.25), ON, {"hb": hb}, {},
                               gestational_weeks=weeks)  # type: ignore[arg-type]
    found = [f.severity for f in classify(screening).findings if "anaemia" in f.code]
    return found[0] if found else None


@pytest.mark.parametrize(("sex", "years", "hb", "expected"), [
    # WHO's lines by age and sex: 11.5 at 5–11 years, 12 at 12–14, from 15 12 (girls) and
    # 13 (boys)
    ("F", 8, 11.4, "mild"), ("F", 8, 11.5, None), ("M", 8, 11.4, "mild"),
    ("M", 13, 11.9, "mild"), ("M", 13, 12.0, None),
    ("F", 16, 12.9, None), ("M", 16, 12.9, "mild"), ("M", 16, 13.0, None),
    # adults and lansia: the lines from 15
    ("F", 40, 11.9, "mild"), ("M", 40, 12.9, "mild"), ("M", 70, 7.9, "severe"),
    ("F", 70, 12.0, None),
    # severity: moderate below 11, severe below 8
    ("F", 13, 11.0, "mild"), ("F", 13, 10.9, "moderate"), ("F", 13, 8.0, "moderate"),
    ("F", 13, 7.9, "severe"),
])
def test_anaemia_from_school_age_by_age_sex_and_severity(sex, years, hb, expected) -> None:
    stage = "anak_remaja" if years < 18 else "usia_dewasa" if years < 60 else "lansia"
    assert severity(stage, sex, years, hb) == expected


def test_iron_tablets_for_remaja_putri_and_women_else_the_cause_is_sought() -> None:
    def follow_up(sex: str, years: float, hb: float) -> str:
        stage = "anak_remaja" if years < 18 else "usia_dewasa" if years < 60 else "lansia"
        screening = ScreeningInput(stage, sex, int(years * 365.25), ON,  # type: ignore[arg-type]
                                   {"hb": hb}, {})
        [finding] = classify(screening).findings
        return finding.follow_up
    assert follow_up("F", 13, 11.0) == follow_up("F", 30, 10.0) == "tablet tambah darah"
    for sex, years in (("M", 13), ("M", 40), ("F", 8), ("F", 65)):
        assert follow_up(sex, years, 10.0) == "periksa penyebab anemia di puskesmas"
    assert follow_up("F", 30, 7.9) == "anemia berat: rujuk segera ke puskesmas"


def test_total_cholesterol_from_15() -> None:
    assert codes("usia_dewasa", years=45, cholesterol_total=199.9) == set()
    assert codes("usia_dewasa", years=45, cholesterol_total=200) == {
        "borderline_high_cholesterol"}
    assert codes("lansia", years=70, cholesterol_total=240) == {"high_cholesterol"}
    assert codes("anak_remaja", years=12, cholesterol_total=260) == set()  # no adult line


def test_anaemia_in_pregnancy_by_severity() -> None:
    """WHO: mild from 10 up to the trimester's line, moderate 7–9.9, severe below 7 – the
    severe one is referred at once."""
    assert [severity("ibu_hamil", "F", 25, hb, weeks=30) for hb in (10.9, 10.0, 9.9, 7.0, 6.9)
            ] == ["mild", "mild", "moderate", "moderate", "severe"]


def test_from_15_a_remaja_is_screened_for_ncd_against_adult_thresholds() -> None:
    """DOMAIN.md: the adult PTM screening starts at 15 – a 16-year-old's 150/95 is grade 1
    hypertension, not nothing; a child's BP is read by the children's classes."""
    assert codes("anak_remaja", years=16, systolic=150, diastolic=95) == {
        "hypertension_grade_1"}
    assert codes("anak_remaja", years=15.1, glucose_random=250, srq20=8) == {
        "diabetes_suspected", "mental_health_risk"}
    assert codes("anak_remaja", years=14.9, systolic=150, diastolic=95) == {
        "child_hypertension_stage_2"}
    # their weight is still read by BMI-for-age, not the adult bands
    assert codes("anak_remaja", "M", years=16, weight_kg=64, height_cm=170) == set()


def test_head_circumference_for_age() -> None:
    """WHO 2006 boys at 12 months: median 46.1 cm, −2 SD 43.5, +2 SD 48.6 (their table)."""
    def head(cm: float) -> set[str]:
        return codes("balita", "M", years=365 / 365.25, head_circumference_cm=cm)
    assert head(46.1) == set()
    assert head(43.4) == {"microcephaly"} and head(43.6) == set()
    assert head(48.7) == {"macrocephaly"} and head(48.5) == set()


@pytest.mark.parametrize(("months", "muac", "expected"), [
    (18, 11.4, {"lila_gizi_buruk"}), (18, 11.5, {"lila_gizi_kurang"}),
    (18, 12.4, {"lila_gizi_kurang"}), (18, 12.5, set()), (59, 11.0, {"lila_gizi_buruk"}),
    (5, 11.0, set()),  # LiLA is read from six months
])
def test_a_balitas_lila_marks_gizi_buruk_and_kurang(months, muac, expected) -> None:
    assert codes("balita", years=(months * 30.4375 + 1) / 365.25, muac_cm=muac) == expected


def test_a_young_infant_with_a_nutrition_problem_is_referred() -> None:
    """WHO 2013 (DOMAIN.md's referral criteria): under 6 months with a nutrition problem,
    or from 6 months still under 4 kg – not a healthy newborn's 3.2 kg."""
    def infant(days: int, kg: float) -> set[str]:
        return codes("balita", years=days / 365.25, weight_kg=kg)

    assert "young_infant_malnutrition" in infant(92, 4.0)  # 3 months, under −2 SD
    assert infant(92, 5.8) == set() and infant(2, 3.2) == set()
    assert "young_infant_malnutrition" in infant(7 * 30 + 15, 3.9)  # 7 months, 3.9 kg
    assert "young_infant_malnutrition" not in infant(7 * 30 + 15, 5.6)  # underweight only


def test_bilateral_oedema_is_gizi_buruk_whatever_the_measures() -> None:
    assert codes("balita", years=2, oedema=True) == {"edema_gizi_buruk"}
    assert codes("balita", years=2, oedema=False) == set()


def test_with_oedema_the_weight_is_not_read_against_the_standards() -> None:
    """WHO: the weight of an oedematous child is partly fluid – no weight-for-age or
    -length z-score, so no "overweight" beside her gizi buruk. Her length still counts."""
    heavy = {"weight_kg": 14.0, "height_cm": 80.0, "measured_lying": False}
    assert "risk_overweight" in codes("balita", years=2, **heavy)
    with_oedema = ScreeningInput("balita", "F", int(2 * 365.25), ON,
                                 {"weight_kg": 14.0, "height_cm": 80.0},
                                 {"measured_lying": False, "oedema": True})
    result = classify(with_oedema)
    assert {f.code for f in result.findings} == {"edema_gizi_buruk"}
    assert "waz" not in result.summary and "whz" not in result.summary
    assert "haz" in result.summary


@pytest.mark.parametrize(("years", "score", "expected"), [
    (9, 13, set()), (9, 14, {"sdq_borderline"}), (9, 16, {"sdq_borderline"}),
    (9, 17, {"mental_health_risk"}),  # parent/teacher report under 11
    (15, 15, set()), (15, 16, {"sdq_borderline"}), (15, 19, {"sdq_borderline"}),
    (15, 20, {"mental_health_risk"}),  # self-report from 11
])
def test_sdq_bands_by_who_answers(years, score, expected) -> None:
    assert codes("anak_remaja", years=years, sdq_total=score) == expected


@pytest.mark.parametrize("stage", ["balita", "anak_remaja", "ibu_hamil", "usia_dewasa",
                                   "lansia"])
def test_tb_symptoms_count_at_every_contact_and_smoking_from_school_age(stage) -> None:
    years = {"balita": 2, "anak_remaja": 14, "lansia": 70}.get(stage, 30)
    found = codes(stage, years=years, weeks=20, tb_symptoms=True, smoking=True)
    assert found == ({"tb_suspect"} if stage == "balita" else {"tb_suspect", "smoker"})


@pytest.mark.parametrize(("born", "on", "adult_reading"), [
    (date(2013, 1, 1), date(2028, 1, 1), True),  # the 15th birthday, 3 leap days in between
    (date(2013, 1, 1), date(2027, 12, 31), False),
    (date(2011, 11, 25), date(2026, 11, 25), True),  # 4 leap days
    (date(2012, 2, 29), date(2027, 2, 28), False), (date(2012, 2, 29), date(2027, 3, 1), True),
])
def test_a_remajas_blood_pressure_is_read_as_an_adults_from_the_15th_birthday(
        born: date, on: date, adult_reading: bool) -> None:
    """On the day PWS and notify (which read the event's whole months) start to count her
    in the PTM screening."""
    s = ScreeningInput("anak_remaja", "F", (on - born).days, on, {"systolic": 150.0,
                                                                    "diastolic": 95.0})
    found = {f.code for f in classify(s).findings}
    assert found == ({"hypertension_grade_1"} if adult_reading else {
        "child_hypertension_stage_2"})
    assert (age_in_months(born, on) >= PTM_FROM_YEARS * 12) == adult_reading


@pytest.mark.parametrize("stage", ["balita", "anak_remaja", "ibu_hamil", "usia_dewasa",
                                   "lansia"])
def test_sight_hearing_and_teeth_are_referred_at_any_stage(stage) -> None:
    years = {"balita": 4, "anak_remaja": 12, "lansia": 70}.get(stage, 30)
    found = codes(stage, years=years, weeks=20, vision_problem=True, hearing_problem=True,
                  dental_caries=True)
    assert found == {"vision_problem", "hearing_problem", "dental_caries"}
    assert codes(stage, years=years, weeks=20, vision_problem=False) == set()


def test_weight_not_increasing_needs_last_months_weighing() -> None:
    def gain(previous: PreviousWeighing | None, weight: float, months: float = 14) -> set[str]:
        s = ScreeningInput("balita", "M", int(months * 30.4375), ON, {"weight_kg": weight},
                           previous=previous)
        return {f.code for f in classify(s).findings} & {"weight_gain_adequate",
                                                         "weight_not_increasing"}
    last_month = PreviousWeighing(date(2026, 10, 20), 10.0)
    assert gain(last_month, 10.2) == {"weight_gain_adequate"}
    assert gain(last_month, 10.1) == {"weight_not_increasing"}
    assert gain(PreviousWeighing(date(2026, 9, 20), 9.0), 10.5) == set()  # O: a gap
    assert gain(None, 10.5) == set()  # B: first weighing


def test_an_undernourished_child_not_improving_a_week_on_is_referred() -> None:
    """Gizi kurang on 10 November (WHZ −2.5); seen again on the 20th: referred if no
    z-score measured both times rose; not when it rose, nor after a visit without a
    nutrition problem, nor when the earlier visit was more than a month before."""
    def seen_again(previous: PreviousWeighing, weight: float) -> bool:
        s = ScreeningInput("balita", "M", int(2 * 365.25), ON,
                           {"weight_kg": weight, "height_cm": 85.0}, previous=previous)
        return "no_improvement" in {f.code for f in classify(s).findings}

    now = classify(ScreeningInput("balita", "M", int(2 * 365.25), ON,
                                  {"weight_kg": 9.6, "height_cm": 85.0}))
    same = {k: now.summary[k] for k in ("waz", "whz")}
    kurang = frozenset({"gizi_kurang"})
    ten_days_ago = PreviousWeighing(date(2026, 11, 10), 9.6, findings=kurang, **same)
    assert seen_again(ten_days_ago, 9.6) and seen_again(ten_days_ago, 9.5)
    assert not seen_again(ten_days_ago, 10.0)  # gained: WHZ and WAZ rose
    assert not seen_again(PreviousWeighing(date(2026, 11, 10), 9.6, **same), 9.6)
    assert not seen_again(PreviousWeighing(date(2026, 11, 16), 9.6, findings=kurang, **same),
                          9.6)  # 4 days: too soon to judge
    assert not seen_again(PreviousWeighing(date(2026, 9, 20), 9.6, findings=kurang, **same),
                          9.6)  # two months: a new assessment


def test_stage_by_age_and_pregnancy() -> None:
    assert stage_for(59 * 30, False) == "balita"
    assert stage_for(61 * 31, False) == "anak_remaja"
    assert stage_for(int(17.9 * 365.25), False) == "anak_remaja"
    assert stage_for(int(18.1 * 365.25), False) == "usia_dewasa"
    assert stage_for(int(60.1 * 365.25), False) == "lansia"
    assert stage_for(int(25 * 365.25), True) == "ibu_hamil"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["balita", "anak_remaja", "usia_dewasa", "lansia", "ibu_hamil"]),
       st.sampled_from("MF"), st.integers(0, 36000),
       st.dictionaries(st.sampled_from(list(rules.PLAUSIBLE)),
                       st.floats(0.5, 300, allow_nan=False)),
       st.integers(1, 44))
def test_classification_never_raises_on_plausible_input(stage, sex, days, measures, weeks) -> None:
    ranged = {k: min(max(v, rules.PLAUSIBLE[k][0]), rules.PLAUSIBLE[k][1])
              for k, v in measures.items()}
    result = classify(ScreeningInput(stage, sex, days, ON, ranged, gestational_weeks=weeks))
    assert all(f.severity in ("info", "mild", "moderate", "severe") for f in result.findings)


def test_a_pregnancys_weeks_travel_with_the_screening() -> None:
    """Notify follows her ANC contacts (and her delivery date) by them."""
    screening = ScreeningInput("ibu_hamil", "F", 25 * 365, ON, {"weight_kg": 55.0},
                               gestational_weeks=20)
    assert classify(screening).summary["gestational_weeks"] == 20


def test_complete_basic_immunisation_is_marked_once_at_the_completing_visit() -> None:
    def found(earlier: set[str], now: set[str]) -> bool:
        screening = ScreeningInput("balita", "F", 280, ON, {"weight_kg": 8.0},
                                   doses=frozenset(now), earlier_doses=frozenset(earlier))
        return "imunisasi_dasar_lengkap" in {f.code for f in classify(screening).findings}
    before_mr = rules.IDL_DOSES - {"MR1"}
    assert found(before_mr, {"MR1"})
    assert not found(before_mr - {"BCG"}, {"MR1"})  # BCG still missing
    assert not found(rules.IDL_DOSES, {"PCV3"})  # complete before: counted then
    assert not found(before_mr, set())


# Each stage at ages either side of where what it reads changes (6 months, 15 years, 50).
AGES = [("balita", 3), ("balita", 14), ("balita", 40), ("anak_remaja", 8 * 12 + 5),
        ("anak_remaja", 14 * 12 + 5), ("anak_remaja", 16 * 12 + 5), ("ibu_hamil", 25 * 12 + 5),
        ("usia_dewasa", 30 * 12 + 5), ("usia_dewasa", 55 * 12 + 5), ("lansia", 70 * 12 + 5)]
PARTNER = {"weight_kg": ("height_cm", 100.0), "height_cm": ("weight_kg", 15.0),
           "systolic": ("diastolic", 70.0), "diastolic": ("systolic", 100.0)}
FLAGS_READ = ("tb_symptoms", "smoking", "vision_problem", "hearing_problem", "dental_caries",
              "oedema", "skilas_positive", "cognitive_decline", "limited_mobility",
              "malnutrition_risk", "depressive_symptoms", "iva_positive", "breast_lump",
              "known_hypertension", "known_diabetes")
# A diagnosis made before is read with the reading it says something of.
FLAG_PARTNER = {"known_hypertension": {"systolic": 120.0, "diastolic": 80.0},
                "known_diabetes": {"glucose_random": 150.0}}


def _outcome(stage: str, sex: str, months: int, measures: dict[str, float],
             flags: dict[str, bool], kpsp: str | None = None) -> tuple[object, ...]:
    on = date(2026, 11, 20)
    result = classify(ScreeningInput(stage, sex, int(months * 30.4375 + 15), on, measures,
                                     flags, kpsp=kpsp, gestational_weeks=20))
    derived = {k: v for k, v in result.summary.items() if k not in measures}
    return sorted(derived.items()), sorted((f.code, f.severity) for f in result.findings)


def _changes_anything(stage: str, sex: str, months: int, measure: str) -> bool:
    """Whether any value of `measure` changes what the screening finds or works out."""
    if measure == "kpsp":
        return _outcome(stage, sex, months, {}, {}, "penyimpangan") != _outcome(
            stage, sex, months, {}, {})
    if measure == "measured_lying":
        lying = [_outcome(stage, sex, months, {"height_cm": 80.0}, {measure: v})
                 for v in (True, False)]
        return lying[0] != lying[1]
    if measure in FLAGS_READ:
        with_it = FLAG_PARTNER.get(measure, {})
        return _outcome(stage, sex, months, with_it, {measure: True}) != _outcome(
            stage, sex, months, with_it, {})
    partner = dict([PARTNER[measure]]) if measure in PARTNER else {}
    low, high = rules.PLAUSIBLE[measure]
    without = _outcome(stage, sex, months, partner, {})
    return any(_outcome(stage, sex, months, {**partner, measure: value}, {}) != without
               for value in (low, (low + high) / 2, high))


@pytest.mark.parametrize(("stage", "months"), AGES)
@pytest.mark.parametrize("sex", ["F", "M"])
def test_what_a_stage_reads_is_what_changes_its_outcome(stage, months, sex) -> None:
    """`measures_read` – what the intake tells an app it did not read – agrees with the
    classification: every measure it names changes some finding or derived value, and
    none it leaves out does."""
    candidates = [*rules.PLAUSIBLE, "kpsp", "measured_lying", *FLAGS_READ]
    read = measures_read(stage, sex, months)
    for measure in candidates:
        assert (measure in read) == _changes_anything(stage, sex, months, measure), measure


@pytest.mark.parametrize(("sex", "years", "systolic", "diastolic", "expected"), [
    # under 13, the AAP's screening table by sex and completed year
    ("M", 5, 102, 62, None), ("M", 5, 103, 62, "child_bp_elevated"),
    ("M", 5, 102, 63, "child_bp_elevated"), ("F", 5, 103, 63, None),
    ("F", 5, 104, 60, "child_bp_elevated"), ("F", 5, 100, 64, "child_bp_elevated"),
    ("M", 12, 112, 74, None), ("M", 12, 113, 60, "child_bp_elevated"),
    ("F", 12, 113, 74, None), ("F", 1.5, 97, 53, None), ("F", 1.5, 98, 53, "child_bp_elevated"), ("M", 1.5, 98, 50, "child_bp_elevated"),
    # its caps, at any age: 130/80 stage 1, 140/90 stage 2
    ("F", 8, 129, 79, "child_bp_elevated"), ("F", 8, 130, 60, "child_hypertension_stage_1"),
    ("M", 3, 100, 80, "child_hypertension_stage_1"),
    ("M", 10, 139, 89, "child_hypertension_stage_1"),
    ("M", 10, 140, 70, "child_hypertension_stage_2"),
    ("F", 6, 110, 90, "child_hypertension_stage_2"),
    # from 13 the caps are the classes
    ("F", 13, 119, 79, None), ("F", 13, 120, 79, "child_bp_elevated"),
    ("M", 14.9, 129, 79, "child_bp_elevated"), ("M", 14, 125, 80, "child_hypertension_stage_1"),
    ("F", 14, 140, 85, "child_hypertension_stage_2"),
])
def test_a_childs_blood_pressure_by_the_aap_2017_guideline(sex, years, systolic, diastolic,
                                                            expected) -> None:
    stage = "balita" if years < 5 else "anak_remaja"
    found = findings(stage, sex, years, systolic=systolic, diastolic=diastolic)
    assert [f.code for f in found] == ([expected] if expected else [])
    if expected:
        assert found[0].value == systolic


def test_a_childs_stage_2_is_referred_and_a_screen_positive_checked_against_centiles() -> None:
    [stage_2] = findings("anak_remaja", "M", 9, systolic=150, diastolic=80)
    assert (stage_2.severity, stage_2.follow_up.startswith("rujuk")) == ("severe", True)
    [screened] = findings("anak_remaja", "M", 9, systolic=108, diastolic=60)
    assert screened.severity == "mild" and "persentil" in screened.follow_up
    [elevated] = findings("anak_remaja", "F", 14, systolic=124, diastolic=70)
    assert "persentil" not in elevated.follow_up


def test_a_blood_pressure_under_1_year_is_not_read_and_from_15_by_the_adult_classes() -> None:
    assert codes("balita", "M", 0.9, systolic=150, diastolic=95) == set()
    assert codes("anak_remaja", "M", 15.1, systolic=125, diastolic=70) == set()  # adult normal
    assert codes("anak_remaja", "M", 15.1, systolic=150, diastolic=70) == {
        "isolated_systolic_hypertension"}


@pytest.mark.parametrize(("weeks", "systolic", "protein", "expected"), [
    (30, 145, 1, {("hypertension_pregnancy", "moderate"), ("preeclampsia", "severe")}),
    (30, 165, 3, {("hypertension_pregnancy", "severe"), ("preeclampsia", "severe")}),
    (20, 140, 2, {("hypertension_pregnancy", "moderate"), ("preeclampsia", "severe")}),
    # before 20 weeks the pair is a chronic hypertension with proteinuria
    (19, 150, 2, {("hypertension_pregnancy", "moderate"), ("proteinuria_pregnancy", "mild")}),
    (None, 150, 1, {("hypertension_pregnancy", "moderate"), ("preeclampsia", "severe")}),
    (30, 130, 2, {("proteinuria_pregnancy", "mild")}),  # may herald it: measured again
    (30, 150, 0, {("hypertension_pregnancy", "moderate")}),  # negatif or trace
])
def test_pre_eclampsia_is_hypertension_with_proteinuria_from_20_weeks(weeks, systolic, protein,
                                                                     expected) -> None:
    s = ScreeningInput("ibu_hamil", "F", int(27 * 365.25), ON,
                       {"systolic": systolic, "diastolic": 85.0, "protein_urine": protein},
                       gestational_weeks=weeks)
    found = classify(s).findings
    assert {(f.code, f.severity) for f in found} == expected
    if any(f.code == "preeclampsia" for f in found):
        [pe] = [f for f in found if f.code == "preeclampsia"]
        assert pe.follow_up.startswith("rujuk segera") and pe.value == protein


def test_a_dipstick_is_read_as_registers_and_lab_slips_write_it() -> None:
    from ilp_contracts.screening import MeasurementsIn
    from pydantic import ValidationError
    for written, grade in (("negatif", 0), ("Trace", 0), ("±", 0), ("+1", 1), ("2+", 2),
                           ("+++", 3), ("positif 4", 4), ("+ +", 2), (3, 3)):
        assert MeasurementsIn(protein_urine=written).protein_urine == grade, written
    for wrong in ("5+", "positif", "banyak", 5):
        with pytest.raises(ValidationError) as refused:
            MeasurementsIn(protein_urine=wrong)
        assert refused.value.errors()[0]["loc"] == ("protein_urine",)
    with pytest.raises(ValidationError) as refused:
        MeasurementsIn(protein_urine="banyak")
    assert refused.value.errors()[0]["msg"] == (
        "a dipstick reads negatif, trace, +1, +2, +3 or +4, not 'banyak'")


def test_a_positive_iva_or_a_breast_lump_is_referred() -> None:
    """Early detection of cervical and breast cancer (Permenkes 29/2017): what was found
    is a finding with its referral; an examination that found nothing is none."""
    def found(**flags: bool) -> dict[str, str]:
        result = classify(ScreeningInput("usia_dewasa", "F", 40 * 365, date(2026, 11, 20),
                                         {}, flags))
        return {f.code: f.follow_up for f in result.findings}
    assert found(iva_positive=True, breast_lump=True) == {
        "iva_positive": "krioterapi di puskesmas atau rujuk (lesi prakanker leher rahim)",
        "breast_lump": "rujuk ke dokter untuk pemeriksaan lanjutan payudara"}
    assert found(iva_positive=False, breast_lump=False) == {}


def test_a_puma_score_of_6_or_more_is_referred_for_spirometry() -> None:
    """PPOK screening (PUMA, 0–9): from 6 the perawat's referral; 5 is no finding."""
    def found(score: int) -> list[tuple[str, str]]:
        result = classify(ScreeningInput("usia_dewasa", "M", 50 * 365, date(2026, 11, 20),
                                         {"puma": float(score)}))
        return [(f.code, f.follow_up) for f in result.findings]
    assert found(6) == found(9) == [("ppok_suspect", "rujuk ke puskesmas untuk spirometri")]
    assert found(5) == []


def test_a_vitamin_a_capsule_of_the_other_ages_is_a_finding() -> None:
    """Blue (100,000 IU) at 6–11 months, red (200,000 IU) at 12–59: a red one to a baby is
    twice her dose (watched 48 hours), a blue one from 12 months half; the right one, or
    no colour said, nothing."""
    def capsule(months: int, colour: str | None) -> list[tuple[str, str]]:
        screening = ScreeningInput("balita", "F", round(months * 30.4375) + 3, ON,
                                   {"weight_kg": 9.0}, {"vitamin_a": True}, capsule=colour)
        return [(f.code, f.severity) for f in classify(screening).findings
                if f.code.startswith("vitamin_a")]
    assert capsule(8, "merah") == capsule(11, "merah") == [("vitamin_a_overdose", "moderate")]
    assert capsule(12, "biru") == capsule(59, "biru") == [("vitamin_a_underdose", "mild")]
    assert capsule(8, "biru") == capsule(12, "merah") == capsule(30, None) == []


def test_a_pregnant_woman_below_t2_is_not_yet_protecting_her_newborn() -> None:
    """Her tetanus status as screened at ANC (with a Td given today): T0 and T1 leave her
    newborn unprotected, the bidan's Td to give; from T2 nothing, as without a status."""
    def tetanus(status: float | None) -> list[tuple[str, str, float | None]]:
        measures = {} if status is None else {"tetanus_status": status}
        return [(f.code, f.severity, f.value) for f in classify(ScreeningInput(
            "ibu_hamil", "F", 25 * 365, ON, measures, gestational_weeks=16)).findings]
    assert tetanus(0) == [("tetanus_unprotected", "mild", 0)]
    assert tetanus(1) == [("tetanus_unprotected", "mild", 1)]
    assert tetanus(2) == tetanus(5) == tetanus(None) == []
