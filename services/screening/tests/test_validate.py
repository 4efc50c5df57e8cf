"""Validation: plausible submissions pass, each mistake gets its field and reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ilp_contracts.screening import (BirthSubmission, HouseholdMember, MeasurementsIn,
                                    PersonIn, PregnancyIn, ScreeningSubmission)
from ilp_screening.domain import rules
from pydantic import ValidationError
from ilp_screening.domain.validate import (birth_problems, collection_problem,
                                           implausible_growth, member_problems, problems)

TODAY = date(2026, 11, 23)


def nik_for(birth: date, sex: str) -> str:
    day = birth.day + (40 if sex == "F" else 0)
    return f"337304{day:02d}{birth.month:02d}{birth.year % 100:02d}0001"


def submission(birth: date, sex: str = "M", on: date = date(2026, 11, 20),
               pregnancy: PregnancyIn | None = None, **measures) -> ScreeningSubmission:
    return ScreeningSubmission(
        person=PersonIn(nik=nik_for(birth, sex), name="X", sex=sex, birth_date=birth),
        posyandu_id="p", screened_on=on, pregnancy=pregnancy,
        measurements=MeasurementsIn(**measures))


def locs(sub: ScreeningSubmission) -> set[tuple]:
    return {loc for loc, _, _ in problems(sub, TODAY)[1]}


def test_a_plausible_balita_passes() -> None:
    stage, found = problems(submission(date(2024, 11, 10), weight_kg=9.1, height_cm=79), TODAY)
    assert (stage, found) == ("balita", [])


def test_a_balita_seen_for_her_lila_her_development_or_a_dose_alone_passes() -> None:
    """A kader's LiLA round (active case finding of wasting), a KPSP, a dose at the
    pustu: a balita's visit without a weighing – PWS counts it in no D/S. Nothing at all
    is still refused."""
    from ilp_screening.domain.classify import ScreeningInput, classify

    born = date(2025, 7, 1)
    for measures in ({"muac_cm": 11.0}, {"kpsp": "meragukan"}, {"immunizations": ["MR1"]},
                     {"head_circumference_cm": 45.0}):
        assert problems(submission(born, **measures), TODAY) == ("balita", []), measures
    assert locs(submission(born)) == {("measurements",)}
    on = date(2026, 11, 20)
    lila = classify(ScreeningInput(stage="balita", sex="M", age_days=(on - born).days,
                                   screened_on=on, measures={"muac_cm": 11.0}))
    assert [f.code for f in lila.findings] == ["lila_gizi_buruk"]  # visited, referred


def test_a_vitamin_a_capsule_is_recorded_for_children_of_6_to_59_months() -> None:
    """The bulan vitamin A's capsule, given at a weighing or alone (a kader's sweeping):
    from 6 months to 59; before or after, it was not given as the programme gives it.
    Not given is said at any age a form asks it."""
    on = date(2026, 8, 10)
    for born in (date(2026, 2, 10), date(2021, 8, 11)):  # 6 months; 59 months and 30 days
        assert problems(submission(born, on=on, vitamin_a=True), TODAY) == ("balita", []), born
    for born in (date(2026, 2, 11), date(2021, 8, 10)):  # 5 months; 60 months
        stage, found = problems(submission(born, on=on, vitamin_a=True), TODAY)
        assert [(loc, str(reason), kind) for loc, reason, kind in found] == [
            (("measurements", "vitamin_a"), "vitamin A capsules are recorded for children of "
                                            "6–59 months", "wrong_stage")], born
    adult = submission(date(1990, 1, 1), on=on, vitamin_a=True, weight_kg=60.0)
    assert locs(adult) == {("measurements", "vitamin_a")}
    assert problems(submission(date(2026, 4, 1), on=on, vitamin_a=False), TODAY)[1] == []


def test_iron_tablets_are_a_pregnant_womans_or_a_girls_and_deworming_a_childs() -> None:
    """TTD (Permenkes 88/2014): a pregnant woman's, a girl's or woman's from 10 – a man or
    a child of 9 gets none; 0 (not given) may be said of anyone. Obat cacing (Permenkes
    15/2017): from 12 months."""
    pregnant = PregnancyIn(gestational_weeks=20)
    assert problems(submission(date(1996, 5, 1), "F", pregnancy=pregnant, iron_tablets=30),
                    TODAY)[1] == []
    for girl in (date(2016, 11, 20), date(1990, 1, 1)):  # 10 today; a woman of 36
        assert problems(submission(girl, "F", iron_tablets=4), TODAY)[1] == [], girl
    for nobody in (submission(date(1990, 1, 1), "M", iron_tablets=4),
                   submission(date(2016, 11, 21), "F", iron_tablets=4)):  # a day short of 10
        assert [(loc, str(reason)) for loc, reason, _ in problems(nobody, TODAY)[1]] == [
            (("measurements", "iron_tablets"), "iron tablets (TTD) are recorded for pregnant "
                                               "women, and girls and women from 10")]
    assert problems(submission(date(1990, 1, 1), "M", iron_tablets=0, weight_kg=60),
                    TODAY)[1] == []
    assert problems(submission(date(2025, 11, 20), deworming=True), TODAY) == ("balita", [])
    baby = submission(date(2025, 11, 21), deworming=True, weight_kg=9.0)  # 11 months
    assert [(loc, str(reason)) for loc, reason, _ in problems(baby, TODAY)[1]] == [
        (("measurements", "deworming"), "deworming tablets are recorded for children from 12 "
                                        "months")]
    assert problems(submission(date(2026, 4, 1), deworming=False), TODAY)[1] == []


def test_each_stage_has_its_doses_and_a_womans_tetanus_status_is_hers() -> None:
    """A balita's schedule; the BIAS at school (MR, DT, Td; HPV to girls); Td and the
    tetanus status (T0–T5) of a pregnant woman or a WUS (15–49) – anyone else's refused,
    naming what the stage has."""
    def refused(sub: ScreeningSubmission) -> list[tuple[tuple, str]]:
        return [(loc, str(reason)) for loc, reason, _ in problems(sub, TODAY)[1]]

    pregnant = PregnancyIn(gestational_weeks=20)
    school_girl, school_boy = date(2015, 8, 1), date(2019, 8, 1)  # 11 and 7
    for fine in (submission(school_girl, "F", immunizations=["HPV 1", "Td"], weight_kg=30),
                 submission(school_boy, immunizations=["Campak", "DT"]),
                 submission(date(1996, 5, 1), "F", pregnancy=pregnant, immunizations=["TT"],
                            tetanus_status="T2"),
                 submission(date(2001, 5, 1), "F", tetanus_status="T5", weight_kg=55)):
        assert problems(fine, TODAY)[1] == [], fine
    assert refused(submission(school_boy, immunizations=["HPV1"])) == [
        (("measurements", "immunizations"), "HPV1: a school child's doses are the BIAS's – "
                                            "MR, DT, Td – and HPV 1–2 for girls")]
    assert refused(submission(date(2025, 1, 1), immunizations=["Campak"])) == [
        (("measurements", "immunizations"), "MR: a balita's doses are those of her schedule "
                                            "(MR 1 or lanjutan, not the BIAS's MR)")]
    assert refused(submission(date(1990, 1, 1), "M", hb=12, immunizations=["BCG", "Td"],
                              tetanus_status=3)) == [
        (("measurements", "immunizations"), "BCG, Td: Td is given to pregnant women and "
                                            "women of 15–49; other immunisations to balita "
                                            "and at school"),
        (("measurements", "tetanus_status"), "the tetanus status (T0–T5) is screened of "
                                             "pregnant women and women of 15–49")]
    assert ("measurements", "tetanus_status") in locs(submission(
        date(1970, 1, 1), "F", weight_kg=60, tetanus_status=5))  # 56: no longer a WUS
    assert refused(submission(date(1996, 5, 1), "F", pregnancy=pregnant, immunizations=["Td"],
                              tetanus_status=0)) == [
        (("measurements", "tetanus_status"), "a Td given today makes her status T1 at "
                                             "least, not T0")]


def test_a_cancer_examination_is_a_womans() -> None:
    """IVA and SADANIS (Permenkes 29/2017): recorded for a woman, whatever they found; a
    man's is refused."""
    woman = submission(date(1985, 3, 2), "F", iva_positive=False, breast_lump=True)
    assert problems(woman, TODAY) == ("usia_dewasa", [])
    man = submission(date(1985, 3, 2), "M", iva_positive=False, breast_lump=False)
    assert locs(man) == {("measurements", "iva_positive"), ("measurements", "breast_lump")}


def test_every_mistake_is_reported_with_its_field() -> None:
    sub = submission(date(2026, 2, 1), weight_kg=45.0, systolic=400, diastolic=20)
    assert locs(sub) == {("measurements", "weight_kg"), ("measurements", "systolic"),
                         ("measurements", "diastolic")}


def test_dates_and_stage_consistency() -> None:
    assert ("screened_on",) in locs(submission(date(2024, 1, 1), on=TODAY + timedelta(days=5),
                                               weight_kg=10))
    assert ("screened_on",) in locs(submission(date(2026, 11, 21), weight_kg=3))
    assert ("pregnancy",) in locs(submission(date(1990, 1, 1), "M",
                                             pregnancy=PregnancyIn(gestational_weeks=10,
                                                                   anc_visit=1), hb=12))
    assert ("measurements", "immunizations") in locs(submission(date(1990, 1, 1), hb=12,
                                                                immunizations=["BCG"]))
    assert ("measurements",) in locs(submission(date(1990, 1, 1)))
    # an ANC contact is one without a measurement: one made elsewhere, from her Buku KIA
    contact = submission(date(1995, 7, 21), "F", pregnancy=PregnancyIn(gestational_weeks=10,
                                                                       anc_visit=1))
    assert problems(contact, TODAY) == ("ibu_hamil", [])
    assert ScreeningSubmission.model_validate({
        **contact.model_dump(mode="json", exclude={"measurements"})}) == contact
    assert ("measurements", "diastolic") in locs(submission(date(1990, 1, 1), systolic=120))


def test_nik_that_disagrees_with_birth_date_is_refused() -> None:
    sub = submission(date(2024, 11, 10), weight_kg=9)
    wrong = sub.model_copy(update={"person": sub.person.model_copy(
        update={"nik": "3373041111240001"})})
    assert ("person", "nik") in locs(wrong)


def test_a_nik_of_the_wrong_shape_is_refused_in_words() -> None:
    """Not as the regular expression it is checked by: a kader reads the message."""
    for nik, message in (("337304101124000", "a NIK is 16 digits; this one has 15"),
                         ("3373 0410 1124 0001", "a NIK is 16 digits, nothing else")):
        with pytest.raises(ValidationError) as refused:
            PersonIn(nik=nik, name="Bima", sex="M", birth_date=date(2024, 11, 10))
        [error] = refused.value.errors()
        assert (error["type"], error["loc"], error["msg"]) == ("nik_format", ("nik",), message)


@settings(max_examples=150, deadline=None)
@given(st.dates(date(1910, 1, 1), date(2026, 11, 20)), st.sampled_from("MF"),
       st.dictionaries(st.sampled_from(list(rules.PLAUSIBLE)),
                       st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).filter(
                           lambda v: v > 0)))
def test_random_input_never_raises_and_problems_are_structured(birth, sex, measures) -> None:
    ints = {name for name, schema in MeasurementsIn.model_json_schema()["properties"].items()
            if any(t.get("type") == "integer" for t in schema.get("anyOf", []))}  # scores…
    fields = {k: (min(int(v), int(rules.PLAUSIBLE[k][1])) if k in ints else v)
              for k, v in measures.items()}
    stage, found = problems(submission(birth, sex, **fields), TODAY)
    for loc, msg, kind in found:
        assert isinstance(loc, tuple) and msg and kind
    if stage is not None and not found:
        low_high = {**rules.PLAUSIBLE, **(rules.BALITA_PLAUSIBLE if stage == "balita" else {})}
        for k, v in fields.items():
            assert low_high[k][0] <= v <= low_high[k][1]


def test_a_newborn_without_nik_is_identified_through_the_mother() -> None:
    newborn = ScreeningSubmission(
        person=PersonIn(mother_nik="3373044503950002", local_id="anak-2", name="Bayi",
                        sex="F", birth_date=date(2026, 11, 1)),
        posyandu_id="p", screened_on=date(2026, 11, 20),
        measurements=MeasurementsIn(weight_kg=3.6))
    assert problems(newborn, TODAY) == ("balita", [])
    assert newborn.person.identity_at("p") == "3373044503950002:anak-2"
    adult = newborn.model_copy(update={"person": newborn.person.model_copy(
        update={"birth_date": date(1990, 1, 1)})})
    assert ("person", "mother_nik") in locs(adult)


def test_a_person_needs_some_identity() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="mother_nik"):
        PersonIn(name="X", sex="M", birth_date=date(2026, 1, 1))


def birth(born: date = date(2026, 11, 21), mother_born: date = date(1996, 3, 12),
          mother_sex: str = "F", **baby) -> BirthSubmission:
    mother_nik = nik_for(mother_born, mother_sex)
    return BirthSubmission(
        mother=PersonIn(nik=mother_nik, name="Sari", sex=mother_sex, birth_date=mother_born),
        baby=PersonIn(**{"mother_nik": mother_nik, "local_id": "anak-1", "name": "Bayi",
                         "sex": "M", "birth_date": born, **baby}),
        posyandu_id="p", birth_weight_g=3100)


def test_a_plausible_birth_passes_and_each_mistake_is_named() -> None:
    assert birth_problems(birth(), TODAY) == []
    assert birth_problems(birth(nik=nik_for(date(2026, 11, 21), "M"), mother_nik=None,
                                local_id=None), TODAY) == []  # a baby with a NIK already
    named = {loc for loc, _, _ in birth_problems(birth(TODAY + timedelta(days=3)), TODAY)}
    assert named == {("baby", "birth_date")}
    named = {loc for loc, _, _ in birth_problems(birth(mother_sex="M"), TODAY)}
    assert named == {("mother", "sex")}
    named = {loc for loc, _, _ in birth_problems(birth(mother_born=date(2020, 1, 1)), TODAY)}
    assert named == {("mother", "birth_date")}
    named = {loc for loc, _, _ in birth_problems(
        birth(mother_nik=nik_for(date(1990, 1, 1), "F")), TODAY)}
    assert named == {("baby", "mother_nik")}
    named = {loc for loc, _, _ in birth_problems(birth(date(2024, 1, 5)), TODAY)}
    assert named == {("baby", "birth_date")}  # over a year ago: a typing mistake


def test_a_postnatal_visit_made_is_of_the_42_days_after_the_birth() -> None:
    """A register's KF and KN days: from the day of birth to day 42, none to come."""
    born = date(2026, 10, 1)
    made = birth(born).model_copy(update={"postnatal_visits": {
        "KF1": born, "KN3": date(2026, 10, 20), "KF4": date(2026, 11, 12)}})
    assert birth_problems(made, TODAY) == []
    wrong = birth(born).model_copy(update={"postnatal_visits": {
        "KF1": date(2026, 9, 30), "KF4": date(2026, 11, 13)}})
    assert [(loc, str(reason)) for loc, reason, _ in birth_problems(wrong, TODAY)] == [
        (("postnatal_visits", "KF1"), "KF1 on 2026-09-30: a postnatal visit is made from "
         "the day of birth (2026-10-01) to day 42 (2026-11-12), and not after today"),
        (("postnatal_visits", "KF4"), "KF4 on 2026-11-13: a postnatal visit is made from "
         "the day of birth (2026-10-01) to day 42 (2026-11-12), and not after today")]


def test_a_newborn_is_known_by_the_mothers_nik_given_once() -> None:
    """The mother's NIK is given above: not typed again for a baby without her own."""
    mother = {"nik": nik_for(date(1998, 6, 15), "F"), "name": "Ina", "sex": "F",
              "birth_date": "1998-06-15"}
    sub = BirthSubmission.model_validate({
        "mother": mother, "posyandu_id": "p",
        "baby": {"name": "Bayi Ina", "sex": "F", "birth_date": "2026-11-19"}})
    assert sub.baby.identity_at("p") == f"{mother['nik']}:lahir-2026-11-19"
    assert birth_problems(sub, TODAY) == []
    twin = BirthSubmission.model_validate({
        "mother": mother, "posyandu_id": "p",
        "baby": {"name": "Bayi 2", "sex": "M", "birth_date": "2026-11-19", "local_id": "anak-2"}})
    assert twin.baby.identity_at("p") == f"{mother['nik']}:anak-2"


def test_a_household_member_is_checked_like_a_screened_person() -> None:
    """The household data collection: a mistyped NIK, a man marked pregnant, an adult
    by her mother's NIK, one born after it are refused with the field; so is a
    collection dated after tomorrow."""
    def found(member: HouseholdMember, noted_on: date = TODAY) -> set[tuple]:
        return {(where, kind) for where, _, kind in member_problems(member, noted_on)}

    woman = PersonIn(nik=nik_for(date(1998, 3, 9), "F"), name="Ani", sex="F",
                     birth_date=date(1998, 3, 9))
    assert found(HouseholdMember(person=woman, pregnant=True)) == set()
    assert found(HouseholdMember(person=woman.model_copy(update={"birth_date": date(1998, 3, 8)
                                                                 }))) == {(("person", "nik"),
                                                                           "nik_mismatch")}
    man = PersonIn(nik=nik_for(date(1990, 1, 2), "M"), name="Budi", sex="M",
                   birth_date=date(1990, 1, 2))
    assert found(HouseholdMember(person=man, pregnant=True)) == {(("pregnant",), "wrong_stage")}
    girl = PersonIn(mother_nik=woman.nik, local_id="anak-1", name="Sari", sex="F",
                    birth_date=date(2020, 1, 1))
    assert found(HouseholdMember(person=girl)) == set()  # a child of six by her mother's
    grown = girl.model_copy(update={"birth_date": date(2000, 1, 1)})
    assert found(HouseholdMember(person=grown)) == {(("person", "mother_nik"), "adult_by_mother")}
    without_nik = PersonIn(local_id="CDW-012", name="Yakob", sex="M", birth_date=date(1958, 4, 2))
    assert found(HouseholdMember(person=without_nik)) == set()  # by the posyandu's number
    assert found(HouseholdMember(person=woman), date(1998, 3, 1)) == {
        (("person", "birth_date"), "invalid")}  # born after the collection
    assert collection_problem(TODAY + timedelta(days=2), TODAY)
    assert collection_problem(TODAY + timedelta(days=1), TODAY) is None  # a zone ahead


def growth(birth: date, sex: str, on: date = date(2026, 11, 20), **measures) -> dict:
    """The summary classification makes of a child's measures (its z-scores)."""
    from ilp_screening.domain.classify import ScreeningInput, classify, stage_for
    age = (on - birth).days
    return classify(ScreeningInput(stage=stage_for(age, False), sex=sex, age_days=age,
                                   screened_on=on, measures=measures)).summary


def test_a_growth_z_score_beyond_whos_limits_is_refused_at_the_measure_most_likely_wrong(
        ) -> None:
    # 25 kg typed for 2.5 at two months: weight-for-age +22.6 and weight-for-length +35.8,
    # one reason, at the weight
    [(loc, msg, kind)] = implausible_growth(
        growth(date(2026, 9, 20), "F", weight_kg=25.0, height_cm=55.0), rechecked=False)
    assert (loc, kind) == (("measurements", "weight_kg"), "implausible_z")
    assert "weight-for-age z-score +22.6" in msg and "rechecked" in msg
    # a length typed wrong: its weight-for-length says nothing more about the weight
    [(loc, _, _)] = implausible_growth(
        growth(date(2024, 11, 10), "M", weight_kg=9.1, height_cm=129.0), rechecked=False)
    assert loc == ("measurements", "height_cm")
    # a school child's BMI-for-age (7 kg at 150 cm), and a head circumference
    [(loc, _, _)] = implausible_growth(growth(date(2012, 3, 12), "F", weight_kg=7.0,
                                              height_cm=150.0), rechecked=False)
    assert loc == ("measurements", "weight_kg")
    [(loc, _, _)] = implausible_growth(growth(date(2025, 11, 20), "M",
                                              head_circumference_cm=58.0), rechecked=False)
    assert loc == ("measurements", "head_circumference_cm")


def test_a_severely_wasted_child_measured_again_is_kept() -> None:
    summary = growth(date(2025, 5, 20), "M", weight_kg=5.0, height_cm=80.0)
    assert summary["whz"] < -5
    assert implausible_growth(summary, rechecked=False)
    assert implausible_growth(summary, rechecked=True) == []
    # within the limits nothing is said, however severe
    assert implausible_growth(growth(date(2025, 5, 20), "M", weight_kg=7.0, height_cm=80.0),
                              rechecked=False) == []


def test_an_adults_weight_keyed_wrong_is_refused_unless_measured_again() -> None:
    """From 19 there is no z-score: 9 kg keyed for 90 at 165 cm is a BMI of 3.3, and 190
    for 90 at 150 cm one of 84. The heaviest and the thinnest adults really seen pass."""
    def adult(weight: float, height: float) -> dict[str, float]:
        return growth(date(1980, 5, 15), "M", weight_kg=weight, height_cm=height)
    for weight, height in ((9.0, 165.0), (190.0, 150.0)):
        [(loc, msg, kind)] = implausible_growth(adult(weight, height), rechecked=False)
        assert (loc, kind) == (("measurements", "weight_kg"), "implausible_bmi")
        assert "rechecked" in msg
        assert implausible_growth(adult(weight, height), rechecked=True) == []
    for weight, height in ((30.0, 165.0), (180.0, 160.0), (45.0, 140.0)):
        assert implausible_growth(adult(weight, height), rechecked=False) == []


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["waz", "haz", "whz", "bmi_z", "hcz", "bmi"]),
                       st.floats(-40, 40), max_size=6))
def test_implausible_growth_names_each_measure_once_and_only_beyond_the_limits(
        summary: dict) -> None:
    found = implausible_growth(summary, rechecked=False)
    measures = [loc[1] for loc, _, _ in found]
    assert len(measures) == len(set(measures))
    beyond = {key for key, ((low, high), _, _) in rules.IMPLAUSIBLE_Z.items()
              if key in summary and not low <= summary[key] <= high}
    low, high = rules.IMPLAUSIBLE_BMI
    adult_beyond = "bmi" in summary and "bmi_z" not in summary and not (
        low <= summary["bmi"] <= high)
    assert bool(found) == bool(beyond or adult_beyond)
    assert {kind for _, _, kind in found} <= {"implausible_z", "implausible_bmi"}


def _refusal(sub: ScreeningSubmission, measure: str) -> str:
    return next(msg for loc, msg, _ in problems(sub, TODAY)[1] if loc == ("measurements", measure))


def test_a_value_in_another_unit_is_refused_naming_the_unit_it_reads_right_in() -> None:
    """A lab's glucose in mmol/L, Hb in g/L, a height in metres, a baby in grams: the
    refusal says what to send; nothing is converted on a guess."""
    adult = date(1960, 5, 1)
    assert _refusal(submission(adult, glucose_random=7.8), "glucose_random") == (
        "7.8 mg/dL is outside the plausible range 20–1000 mg/dL; if it was read in mmol/L, "
        "send 140.5 mg/dL")
    assert _refusal(submission(adult, cholesterol_total=5.2), "cholesterol_total").endswith(
        "mmol/L, send 201.1 mg/dL")
    assert _refusal(submission(adult, hb=118), "hb").endswith("g/L, send 11.8 g/dL")
    assert _refusal(submission(adult, height_cm=1.62, weight_kg=60), "height_cm").endswith(
        "if it was read in m, send 162 cm")
    assert _refusal(submission(date(2026, 9, 1), weight_kg=4200), "weight_kg") == (
        "4200 kg is outside the plausible range 0.5–40 kg; if it was read in g, send 4.2 kg")
    # no other unit makes it plausible: the range alone
    assert _refusal(submission(adult, systolic=400, diastolic=90), "systolic") == (
        "400 mmHg is outside the plausible range 60–280 mmHg")
    assert _refusal(submission(date(2026, 9, 1), weight_kg=41), "weight_kg") == (
        "41 kg is outside the plausible range 0.5–40 kg")
    assert _refusal(submission(adult, waist_cm=12), "waist_cm") == (
        "12 cm is outside the plausible range 30–250 cm")


def test_how_far_along_she_is_is_said_by_weeks_or_by_her_last_period() -> None:
    """A bidan writes her HPHT, as the Buku KIA does; the weeks follow on the screening's
    day. Neither is refused, an HPHT after the visit or beyond 44 weeks too, and weeks
    that contradict the HPHT by more than a re-dating would (3 weeks) as well."""
    birth, on = date(1998, 3, 12), date(2026, 11, 20)

    def pregnant(**given: object) -> ScreeningSubmission:
        return submission(birth, "F", on, PregnancyIn(anc_visit=1, **given), muac_cm=24)

    by_hpht = pregnant(last_period=date(2026, 6, 1))
    assert problems(by_hpht, TODAY) == ("ibu_hamil", [])
    assert by_hpht.pregnancy is not None and by_hpht.pregnancy.weeks_on(on) == 24
    assert problems(pregnant(gestational_weeks=26, last_period=date(2026, 6, 1)),
                    TODAY)[1] == []  # dated by ultrasound, 2 weeks on: the weeks given
    said = {loc: kind for loc, _, kind in problems(pregnant(), TODAY)[1]}
    assert said == {("pregnancy", "gestational_weeks"): "missing"}
    for last_period, kind in [(date(2026, 11, 25), "invalid"), (date(2025, 11, 1), "implausible"),
                              (date(2026, 11, 18), "implausible")]:
        said = {loc: kind for loc, _, kind in problems(pregnant(last_period=last_period),
                                                       TODAY)[1]}
        assert said == {("pregnancy", "last_period"): kind}, last_period
    [(loc, reason, kind)] = problems(pregnant(gestational_weeks=30,
                                              last_period=date(2026, 6, 1)), TODAY)[1]
    assert (loc, kind) == (("pregnancy", "gestational_weeks"), "inconsistent")
    assert "24 weeks" in str(reason)


@given(st.dates(date(2025, 11, 1), date(2026, 11, 20)), st.integers(1, 44) | st.none())
def test_weeks_by_her_last_period_are_its_completed_weeks(last_period: date,
                                                          weeks: int | None) -> None:
    on = date(2026, 11, 20)
    pregnancy = PregnancyIn(anc_visit=2, last_period=last_period, gestational_weeks=weeks)
    said = weeks if weeks is not None else (on - last_period).days // 7
    assert pregnancy.weeks_on(on) == said
    found = {loc for loc, _, _ in problems(
        submission(date(1998, 3, 12), "F", on, pregnancy, muac_cm=24), TODAY)[1]}
    by_hpht = (on - last_period).days // 7
    assert (found == set()) == (1 <= by_hpht <= 44 and (weeks is None or abs(weeks - by_hpht) <= 3))


def test_a_delivery_within_the_pregnancy_a_contact_dates_is_found() -> None:
    from ilp_screening.domain.validate import delivered_during

    on = date(2026, 12, 4)
    assert delivered_during(28, on, [date(2026, 12, 3)]) == date(2026, 12, 3)
    assert delivered_during(28, on, [on]) is None  # her contact that day, before labour
    assert delivered_during(20, on, [date(2025, 1, 10)]) is None  # an earlier child
    # a delivery just before this pregnancy's last period: within the dating's tolerance
    assert delivered_during(20, on, [on - timedelta(weeks=18)]) is None
    assert delivered_during(20, on, [on - timedelta(weeks=16)]) == on - timedelta(weeks=16)


def test_a_contacts_weeks_that_contradict_another_contact_of_hers_are_found() -> None:
    """One pregnancy: HPHTs within 6 weeks. Two: the later began after the earlier one's
    contacts (a miscarriage at 10 weeks, pregnant again; a delivery, then the next). A
    contact at 12 weeks a month after one at 20 is neither – whichever came in first."""
    from ilp_screening.domain.validate import dated_against

    august = date(2026, 8, 3)
    assert dated_against(24, august + timedelta(weeks=4), [(august, 20)]) is None
    assert dated_against(26, august + timedelta(weeks=4), [(august, 20)]) is None  # re-dated
    assert dated_against(12, august + timedelta(weeks=4), [(august, 20)]) == (august, 20)
    assert dated_against(20, august, [(august + timedelta(weeks=4), 12)]) == (
        august + timedelta(weeks=4), 12)
    after_miscarriage = [(date(2026, 4, 6), 8), (date(2026, 4, 20), 10)]
    assert dated_against(9, date(2026, 11, 16), after_miscarriage) is None
    next_one = [(date(2025, 6, 2), 38)]  # delivered soon after
    assert dated_against(8, date(2026, 1, 12), next_one) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 44), st.integers(1, 44), st.integers(-300, 300))
def test_contacts_of_one_pregnancy_never_contradict_each_other(weeks, later_weeks_offset,
                                                               days_apart) -> None:
    """Any two contacts whose HPHTs agree within 6 weeks pass, in either order."""
    first = date(2026, 6, 1)
    second = first + timedelta(days=days_apart)
    hpht = first - timedelta(weeks=weeks)
    second_weeks = (second - hpht).days // 7 + later_weeks_offset % 7 - 3
    if not 1 <= second_weeks <= 44:
        return
    from ilp_screening.domain.validate import dated_against
    assert dated_against(second_weeks, second, [(first, weeks)]) is None
    assert dated_against(weeks, first, [(second, second_weeks)]) is None


def test_skilas_said_negative_with_a_domain_declined_is_refused() -> None:
    lansia = ScreeningSubmission(
        person=PersonIn(local_id="CDW-012", name="Yakob", sex="M", birth_date=date(1950, 4, 2)),
        posyandu_id="p", screened_on=date(2026, 11, 20),
        measurements=MeasurementsIn(skilas_positive=False, limited_mobility=True))
    stage, found = problems(lansia, TODAY)
    assert (stage, [(loc, kind) for loc, _msg, kind in found]) == (
        "lansia", [(("measurements", "skilas_positive"), "contradiction")])
    assert "limited_mobility" in found[0][1]


def test_a_capsules_colour_says_it_was_given() -> None:
    given = submission(date(2026, 2, 10), on=date(2026, 8, 10), vitamin_a_capsule="biru")
    assert given.measurements.vitamin_a is True and problems(given, TODAY)[1] == []
    contradicted = submission(date(2026, 2, 10), on=date(2026, 8, 10), vitamin_a=False,
                              vitamin_a_capsule="biru")
    assert locs(contradicted) == {("measurements", "vitamin_a_capsule")}
