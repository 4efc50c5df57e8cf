from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from ilp_contracts.registry import with_derived
from ilp_pws.domain.indicators import (
    CATALOGUE,
    OF_ANY_VISIT,
    add_to_date,
    apply_delta,
    as_of,
    area_targets,
    evaluate,
    flag_delta,
    flags_for,
    merge_running,
    services_of,
)
from ilp_pws.domain.projection import firsts

CODES = ["stunted", "severely_stunted", "underweight", "severely_underweight", "risk_overweight"]


def test_balita_flags() -> None:
    weighed = ["weight_kg"]
    assert flags_for("balita", ["stunted"], weighed) == {
        "balita_screened", "balita_weighed", "balita_stunted", "balita_haz_read"}
    assert "balita_underweight" in flags_for("balita", ["severely_underweight"])
    assert flags_for("balita", [], weighed) == {"balita_screened", "balita_weighed"}
    # D is ditimbang: a child seen for her LiLA, her length or a dose alone was not weighed
    for seen_for in (["muac_cm"], ["height_cm", "haz"], []):
        assert "balita_weighed" not in flags_for("balita", [], seen_for), seen_for
    assert "balita_idl" in flags_for("balita", ["imunisasi_dasar_lengkap"])
    # WHO: bilateral oedema counts below −3 SD in the weight-based prevalences
    assert {"balita_wasted", "balita_underweight"} <= flags_for("balita", ["edema_gizi_buruk"])


def test_prevalences_count_among_the_children_measured_for_them() -> None:
    """Weighed every month, length measured in February and August: a month of weighings
    alone is not a month without stunting. Of 10 weighed, 2 measured and 1 stunted: 50 %
    (not 10 %); wasting among those whose weight-for-length was read, or with oedema."""
    weighed_only = flags_for("balita", [], ["weight_kg", "waz"])
    assert weighed_only == {"balita_screened", "balita_weighed", "balita_waz_read"}
    measured = flags_for("balita", [], ["weight_kg", "height_cm", "waz", "haz", "whz"])
    stunted = flags_for("balita", ["stunted"],
                        ["weight_kg", "height_cm", "waz", "haz", "whz"])
    counts = Counter([*8 * [*weighed_only], *measured, *stunted])
    values = {v.id: v for v in evaluate(counts, {"balita": 10})}
    assert (values["balita_stunting"].numerator, values["balita_stunting"].denominator) == (1, 2)
    assert values["balita_bb_kurang"].denominator == 10
    assert values["balita_gizi_kurang"].denominator == 2
    oedema = flags_for("balita", ["edema_gizi_buruk"], ["weight_kg", "height_cm", "haz"])
    assert {"balita_whz_read", "balita_waz_read", "balita_wasted"} <= oedema


def test_a_finding_counts_among_those_tested_for_it() -> None:
    """Hb is tested at some ANC contacts, LiLA taken at the first, the ADL form filled in
    once a year: anaemia, KEK, hypertension, diabetes and dependence count among those
    tested, not among everybody screened that month."""
    anc = flags_for("ibu_hamil", [], ["weight_kg", "systolic"])
    tested = flags_for("ibu_hamil", ["anaemia_pregnancy"], ["hb", "muac_cm"])
    adults = [flags_for("usia_dewasa", [], ["weight_kg", "height_cm"], 480),
              flags_for("usia_dewasa", ["hypertension_grade_1"],
                        ["systolic", "diastolic"], 480),
              flags_for("usia_dewasa", [], ["glucose_random"], 480)]
    lansia = [flags_for("lansia", [], ["systolic"], 800),
              flags_for("lansia", ["adl_moderate_dependence"], ["adl"], 800)]
    counts = Counter([*anc, *anc, *anc, *tested, *(f for a in adults for f in a),
                      *(f for one in lansia for f in one)])
    values = {v.id: (v.numerator, v.denominator) for v in evaluate(counts, {})}
    assert values["ibu_hamil_anemia"] == (1, 1)  # not 1 of 4 pregnant women screened
    assert values["ibu_hamil_kek"] == (0, 1)
    assert values["ptm_hipertensi"] == (1, 2)  # the weighed-only adult is not among them
    assert values["ptm_diabetes"] == (0, 1)
    assert values["lansia_ketergantungan"] == (1, 1)


@given(st.lists(st.lists(st.sampled_from(CODES), max_size=3), min_size=1, max_size=8))
def test_counts_equal_a_recount_of_each_persons_latest_flags(screenings) -> None:
    """Re-screening one person many times leaves exactly their latest flags counted."""
    counts: dict[str, int] = {}
    current: frozenset[str] = frozenset()
    for codes in screenings:
        new = flags_for("balita", codes)
        counts = apply_delta(counts, flag_delta(current, new))
        current = new
    assert counts == dict(Counter(current))


def test_values_percentages_and_colours() -> None:
    values = {v.id: v for v in evaluate({"balita_weighed": 90, "balita_haz_read": 90,
                                         "balita_stunted": 9}, {"balita": 100})}
    assert (values["balita_ditimbang"].pct, values["balita_ditimbang"].colour) == (90.0, "green")
    assert (values["balita_stunting"].pct, values["balita_stunting"].colour) == (10.0, "green")
    values = {v.id: v for v in evaluate({"balita_weighed": 70, "balita_haz_read": 70,
                                         "balita_stunted": 21}, {})}
    assert values["balita_ditimbang"].pct is None
    assert values["balita_ditimbang"].colour == "grey"  # no sasaran: no denominator
    assert values["balita_stunting"].colour == "red"  # 30 % against a 14 % target


def test_colour_bands_for_coverage() -> None:
    coverage = next(i for i in CATALOGUE if i.id == "balita_ditimbang")
    assert [coverage.colour(p) for p in (80, 64, 63.9)] == ["green", "yellow", "red"]


def sasaran_docs(*targets: tuple[str, str, int]) -> list[dict]:
    return [{"area_code": area, "group": group, "count": count}
            for area, group, count in targets]


def test_desa_without_sasaran_are_told_on_coverage_only() -> None:
    docs = sasaran_docs(("33.73.04.1001", "balita", 40),
                        ("33.73.04.1001", "ibu_hamil", 9),
                        ("33.73.04.1002", "balita", 60))
    targets, missing = area_targets(docs, "33.73.04",
                                    ["33.73.04.1001", "33.73.04.1002", "33.73.04.2003"])
    assert (missing["balita"], missing["ibu_hamil"], missing["lansia"]) == (1, 2, 3)
    assert (targets["balita"], targets["ibu_hamil"], "lansia" in targets) == (100, 9, False)
    values = {v.id: v for v in evaluate({"balita_weighed": 5, "balita_stunted": 1},
                                        {"balita": 100}, CATALOGUE, missing)}
    assert values["balita_ditimbang"].targets_missing == 1  # D/S: S short of one desa
    assert values["balita_stunting"].targets_missing == 0  # a prevalence needs no sasaran
    assert all(v.targets_missing == 0 for v in evaluate({}, {"balita": 1}, CATALOGUE))


def test_sasaran_by_kecamatan_where_its_desa_have_none() -> None:
    """A Dinkes with sasaran by kecamatan only – or a kecamatan whose desa are not all
    counted yet – has the kecamatan's own total as its denominator; a kota sums its
    kecamatan, each so; a kecamatan whose every desa has one sums them (its own total,
    set too, is not counted twice)."""
    docs = sasaran_docs(("91.71.03", "balita", 2100),
                        ("91.71.03.1001", "balita", 540),
                        ("91.71.04.2001", "balita", 60),
                        ("91.71.04.2002", "balita", 88),
                        ("91.71.04", "balita", 999),
                        ("91.71.05", "lansia", 300))
    desa = ["91.71.03.1001", "91.71.03.1002", "91.71.03.2001", "91.71.04.2001",
            "91.71.04.2002", "91.71.05.1001"]
    def sasaran(code: str) -> tuple[int | None, int]:
        targets, missing = area_targets(docs, code, desa)
        return targets.get("balita"), missing["balita"]
    assert sasaran("91.71.03") == (2100, 0)  # two of its desa lack one: its own total
    assert sasaran("91.71.03.1002") == (None, 1)  # a desa is her own, or lacks it
    assert sasaran("91.71.04") == (148, 0)  # every desa has one: their sum
    assert sasaran("91.71") == (2248, 1)  # 2100 + 148, and 91.71.05's desa lacks one
    targets, missing = area_targets(docs, "91.71", desa)
    assert (targets["lansia"], missing["lansia"]) == (300, 5)


def test_a_data_sasaran_of_the_spms_groups_gives_15_plus_as_15_59_and_60_plus() -> None:
    """A Dinkes keeping Usia Produktif (15–59) and Lansia (60+) has its 15+ – the PTM
    screening's denominator – as their sum, where it sets no 15+ of its own."""
    docs = sasaran_docs(("61.71.05.1001", "usia_produktif", 6420),
                        ("61.71.05.1001", "lansia", 1150),
                        ("61.71.05.1002", "usia_produktif", 4980),
                        ("61.71.05.1002", "lansia", 870),
                        ("61.71.05.1002", "usia_15_plus", 5900),
                        ("61.71.05.1003", "usia_produktif", 3000))
    desa = ["61.71.05.1001", "61.71.05.1002", "61.71.05.1003"]
    assert area_targets(docs, "61.71.05.1001", desa)[0]["usia_15_plus"] == 7570
    assert area_targets(docs, "61.71.05.1002", desa)[0]["usia_15_plus"] == 5900  # its own
    targets, missing = area_targets(docs, "61.71.05", desa)
    assert (targets["usia_15_plus"], missing["usia_15_plus"]) == (13470, 1)
    # an optional group lacks desa only where the Dinkes keeps it: 1003's usia produktif
    # is given, the remaja putri's and penderita DM's of none
    assert (missing["usia_produktif"], missing["remaja_putri"], missing["penderita_dm"]) == (
        0, 0, 0)
    assert area_targets(docs, "61.71.05", [*desa, "61.71.05.1004"])[1]["usia_produktif"] == 1


MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
batch = st.dictionaries(st.sampled_from(MONTHS), st.dictionaries(
    st.sampled_from(["year:a", "year:b"]), st.integers(-2, 3), max_size=2), max_size=3)


@given(st.lists(batch, max_size=6))
def test_running_totals_are_the_sums_from_january(batches) -> None:
    """However the changes of a year arrive (several months a batch, late months first),
    each month's running total is the sum of every month's changes up to it."""
    running: dict[str, dict[str, int]] = {}
    increments: dict[str, Counter[str]] = {month: Counter() for month in MONTHS}
    for changes in batches:
        add_to_date(running, changes)
        for month, delta in changes.items():
            increments[month].update(delta)
    for month in MONTHS:
        expected: Counter[str] = Counter()
        for earlier in MONTHS[:MONTHS.index(month) + 1]:
            expected.update(increments[earlier])  # update keeps negatives (+ would not)
        summed = {k: n for k, n in expected.items() if n}
        assert dict(as_of(running, month)) == summed


def test_a_condition_is_under_follow_up_from_its_first_recheck_in_a_later_month() -> None:
    """Hypertension found in October; BP taken again the same month does not count, in
    November (at another posyandu) it does – there, then. Diabetes found and never
    re-checked is not followed; a child's screening never flags PTM checks."""
    def entry(day: str, posyandu: str, codes: list[str], measured: list[str]) -> dict:
        return {"order": [day, day], "version": 1, "desa_code": "33.73.04.1001",
                "posyandu_id": posyandu, "flags": sorted(flags_for("usia_dewasa", codes,
                                                                   measured))}

    found = entry("2026-10-05", "p1", ["hypertension_grade_1", "diabetes_suspected"],
                  ["systolic", "glucose_random"])
    same_month = entry("2026-10-20", "p1", [], ["systolic", "glucose_random"])
    later = entry("2026-11-03", "p2", [], ["systolic"])
    year = {"2026-10": {"a": found, "b": same_month}, "2026-11": {"c": later}}
    first = firsts(year)
    assert first["year:ptm_hypertension"] == (("33.73.04.1001", "p1"), "2026-10")
    assert first["year:ptm_hypertension_followed"] == (("33.73.04.1001", "p2"), "2026-11")
    assert "year:ptm_diabetes_followed" not in first
    assert "year:ptm_hypertension_followed" not in firsts({"2026-10": year["2026-10"]})
    assert not {"ptm_bp_checked", "ptm_glucose_checked"} & flags_for(
        "balita", [], ["systolic"])


def test_a_remaja_from_15_with_blood_pressure_or_glucose_taken_counts_in_the_ptm_indicators() -> None:
    """PTM screening starts at 15 (DOMAIN.md): a 16-year-old hypertensive at the posyandu
    remaja is in the coverage and the hypertension found, like an adult; a 14-year-old,
    or a 16-year-old only weighed, is not."""
    ptm = {"ptm_screened", "ptm_hypertension", "ptm_bp_checked"}
    sixteen = flags_for("anak_remaja", ["hypertension_grade_1"],
                        ["systolic", "diastolic", "weight_kg"], age_months=16 * 12)
    assert ptm <= sixteen and "anak_remaja_screened" in sixteen
    assert {"ptm_screened", "ptm_glucose_checked", "ptm_diabetes"} <= flags_for(
        "anak_remaja", ["diabetes_suspected"], ["glucose_random"], age_months=180)
    assert not ptm & flags_for("anak_remaja", ["hypertension_grade_1"],
                               ["systolic", "diastolic"], age_months=14 * 12 + 11)
    assert "ptm_screened" not in flags_for("anak_remaja", [], ["weight_kg", "height_cm"],
                                           age_months=16 * 12)


def test_the_spms_adult_services_count_each_person_once_a_year_against_its_sasaran() -> None:
    """SPM (Permenkes 4/2019): a person of 15–59 screened (usia produktif; a lansia is
    not), a penderita hipertensi's blood pressure taken – hypertensive, or a diagnosed
    patient's reading in range – and a penderita DM's glucose; each against the Data
    Sasaran's estimate, once a person a year."""
    bp = ["systolic", "diastolic"]
    controlled = flags_for("usia_dewasa", ["hypertension_controlled"], bp, age_months=50 * 12)
    assert {"ptm_screened", "usia_produktif_screened", "ptm_hypertension_served"} <= controlled
    assert "ptm_hypertension" not in controlled  # not a hypertensive reading among those read
    lansia = flags_for("lansia", ["hypertension_grade_2", "diabetes_uncontrolled"],
                       [*bp, "glucose_random"], age_months=70 * 12)
    assert {"ptm_hypertension_served", "ptm_diabetes_served"} <= lansia
    assert "usia_produktif_screened" not in lansia
    assert "ptm_diabetes_served" in flags_for("usia_dewasa", ["diabetes_suspected"],
                                              ["glucose_fasting"], age_months=40 * 12)
    normal = flags_for("usia_dewasa", [], bp, age_months=40 * 12)
    assert not {"ptm_hypertension_served", "ptm_diabetes_served"} & normal
    assert "usia_produktif_screened" in flags_for("anak_remaja", [], bp, age_months=16 * 12)
    assert "usia_produktif_screened" not in flags_for("anak_remaja", [], ["weight_kg"],
                                                      age_months=16 * 12)
    # two screenings of one patient in the year are one person served
    entry = {"order": 1, "desa_code": "61.71.05.1001", "posyandu_id": "p", "flags": controlled}
    year = firsts({"2026-03": {"a": entry}, "2026-04": {"b": {**entry, "order": 2}}})
    counts = Counter(flag for flag in year)
    values = {v.id: v for v in evaluate(counts, {"usia_produktif": 4, "penderita_hipertensi": 2,
                                                 "penderita_dm": 1})}
    assert (values["spm_usia_produktif"].numerator, values["spm_usia_produktif"].pct) == (1, 25.0)
    assert (values["spm_hipertensi"].numerator, values["spm_hipertensi"].pct) == (1, 50.0)
    assert (values["spm_diabetes"].numerator, values["spm_diabetes"].pct) == (0, 0.0)


def test_the_spms_school_screening_counts_children_of_7_to_15() -> None:
    """SPM: a child of grades 1–9 – 7 to 15 by her age – screened at school counts once
    a year against the usia pendidikan dasar's sasaran; a BIAS visit (a dose alone) is no
    screening; a child of 6 or 16 is not of that age."""
    measured = ["weight_kg", "height_cm", "bmi", "bmi_z"]
    for years in (7, 12, 15):
        assert "pendidikan_dasar_screened" in flags_for("anak_remaja", [], measured,
                                                        years * 12 + 11), years
    for months in (6 * 12 + 11, 16 * 12):
        assert "pendidikan_dasar_screened" not in flags_for("anak_remaja", [], measured,
                                                            months)
    assert "pendidikan_dasar_screened" not in flags_for("anak_remaja", [], [], 9 * 12,
                                                        doses=["MR"])
    counts = Counter({"year:pendidikan_dasar_screened": 30})
    values = {v.id: v for v in evaluate(counts, {"usia_pendidikan_dasar": 40})}
    assert values["spm_pendidikan_dasar"].pct == 75.0


def test_the_spms_services_are_a_view_of_their_own_in_the_spms_order() -> None:
    """The SPM's services a Dinkes reports each year – K6 (1) … diabetes (9) – read from
    the indicators that count them, whatever life-cycle stage each belongs to."""
    from ilp_pws.domain.indicators import SPM, of_stage

    assert [(i.spm, i.id) for i in of_stage(CATALOGUE, SPM)] == [
        (1, "ibu_hamil_k6"), (2, "spm_ibu_bersalin"), (3, "kunjungan_neonatal_lengkap"),
        (4, "spm_balita"), (5, "spm_pendidikan_dasar"), (6, "spm_usia_produktif"),
        (7, "lansia_skrining"), (8, "spm_hipertensi"), (9, "spm_diabetes")]
    assert of_stage(CATALOGUE, None) == list(CATALOGUE)
    assert {i.life_cycle for i in of_stage(CATALOGUE, "lansia")} == {"lansia"}
    assert of_stage(CATALOGUE, "remaja") == []


def test_school_children_and_remaja_have_their_own_indicators() -> None:
    """The fifth life-cycle stage: a school child's BMI-for-age, a remaja's (10–18)
    screening against the registry's "remaja" sasaran, a remaja putri's Hb test."""
    girl = flags_for("anak_remaja", ["severe_thinness", "anaemia"],
                     ["weight_kg", "height_cm", "bmi", "bmi_z", "hb"], 13 * 12, sex="F")
    assert {"anak_remaja_screened", "anak_remaja_bmi_measured", "anak_remaja_thin",
            "remaja_screened", "remaja_putri_hb_checked", "remaja_putri_anaemia"} <= girl
    assert "anak_remaja_overweight" not in girl
    boy = flags_for("anak_remaja", ["obese", "anaemia"], ["bmi_z", "hb"], 13 * 12, sex="M")
    assert "anak_remaja_overweight" in boy and not {f for f in boy if "putri" in f}
    eight = flags_for("anak_remaja", ["anaemia"], ["hb", "weight_kg"], 8 * 12, sex="F")
    assert eight == {"anak_remaja_screened", "pendidikan_dasar_screened"}  # no remaja yet,
    # and no BMI-for-age read
    assert not {"remaja_screened", "anak_remaja_bmi_measured"} & flags_for(
        "usia_dewasa", [], ["bmi_z"], 19 * 12)
    # a pregnant 16-year-old is an ibu hamil, and in the remaja sasaran all the same
    assert "remaja_screened" in flags_for("ibu_hamil", [], ["hb"], 16 * 12)
    assert "remaja_screened" not in flags_for("ibu_hamil", [], ["hb"], 18 * 12)
    catalogue = {i.id: i for i in CATALOGUE}
    assert catalogue["remaja_skrining"].denominator == "target:remaja"
    assert catalogue["remaja_putri_anemia"].numerator == "remaja_putri_anaemia"


def test_tb_symptom_screening_counts_where_the_checks_are_known() -> None:
    """DOMAIN.md: a TB symptom screen at every contact. Counted among screenings whose
    yes/no checks are known – not among older events that did not carry them."""
    def tb(checks: dict[str, bool] | None) -> set[str]:
        return set(flags_for("usia_dewasa", [], [], 480, checks)
                   ) & {"checks_known", "tb_symptoms_checked"}
    assert tb({"tb_symptoms": False}) == tb({"tb_symptoms": True, "smoking": False}) == {
        "checks_known", "tb_symptoms_checked"}
    assert tb({}) == tb({"smoking": True}) == {"checks_known"}
    assert tb(None) == set()


@given(st.lists(batch, min_size=1, max_size=6), st.integers(1, 4))
def test_running_totals_counted_apart_merge_into_those_counted_together(batches, parts) -> None:
    """A rebuild split by person counts each part's running totals apart: merged, every
    month's figure to date is the one a single count gives."""
    together: dict[str, dict[str, int]] = {}
    apart: list[dict[str, dict[str, int]]] = [{} for _ in range(parts)]
    for n, changes in enumerate(batches):
        add_to_date(together, changes)
        add_to_date(apart[n % parts], changes)
    merged = merge_running(apart)
    for month in MONTHS:
        assert dict(as_of(merged, month)) == dict(as_of(together, month))


@given(st.dictionaries(st.sampled_from(["91.71.03", "91.71.04", "91.71.03.1001",
                                        "91.71.03.1002", "91.71.04.2001", "91.71.04.2002"]),
                       st.integers(0, 5000)))
def test_a_kotas_sasaran_is_the_sum_of_its_kecamatans(given_: dict[str, int]) -> None:
    """Whatever is set where, a kota with no figure of its own has the sum of its
    kecamatan's sasaran, and lacks what they lack; a kecamatan is never short of a
    desa when it has its own figure."""
    desa = ["91.71.03.1001", "91.71.03.1002", "91.71.04.2001", "91.71.04.2002"]
    docs = [{"area_code": code, "group": "balita", "count": n} for code, n in given_.items()]

    def of(code: str) -> tuple[int, int]:
        targets, missing = area_targets(docs, code, desa)
        return targets.get("balita", 0), missing["balita"]
    kecamatan = [of("91.71.03"), of("91.71.04")]
    assert of("91.71") == (sum(t for t, _m in kecamatan), sum(m for _t, m in kecamatan))
    for code in ("91.71.03", "91.71.04"):
        if code in given_:
            assert of(code)[1] == 0


def test_the_vitamin_a_capsule_counts_among_the_children_of_its_age_seen_in_its_months() -> None:
    """The bulan vitamin A: children of 6–59 months seen in the month, and those given a
    capsule; counted in February and August only – another month has no value, not 0 %."""
    def vitamin_a(months: int, checks: dict[str, bool] | None) -> set[str]:
        return set(flags_for("balita", [], ["weight_kg"], months, checks)
                   ) & {"balita_vitamin_a", "balita_vitamin_a_age"}
    assert vitamin_a(6, {"vitamin_a": True}) == vitamin_a(59, {"vitamin_a": True}) == {
        "balita_vitamin_a", "balita_vitamin_a_age"}
    assert vitamin_a(30, {"vitamin_a": False}) == vitamin_a(30, {}) == vitamin_a(30, None) == {
        "balita_vitamin_a_age"}
    assert vitamin_a(5, {"vitamin_a": True}) == set()  # (refused at intake)
    counts = {"balita_vitamin_a": 45, "balita_vitamin_a_age": 50}
    by_month = {month: next(v for v in evaluate(counts, {}, month=month)
                            if v.id == "balita_vitamin_a") for month in (2, 3, 8)}
    assert [(v.pct, v.colour) for v in by_month.values()] == [
        (90.0, "green"), (None, "grey"), (90.0, "green")]


def test_a_capsule_given_at_any_visit_of_the_month_counts_for_it() -> None:
    """Weighed with the capsule on the 5th, seen again on the 20th without one: the month
    counts her given it (the latest visit alone decides the rest)."""
    from ilp_pws.domain.projection import effective

    def entry(day: str, flags: set[str]) -> dict:
        return {"order": [day, day], "version": 1, "desa_code": "d", "posyandu_id": "p",
                "flags": sorted(flags)}
    age = {"balita_screened", "balita_vitamin_a_age"}
    given_first = {"a": entry("2026-02-05", {*age, "balita_vitamin_a", "balita_weighed"}),
                   "b": entry("2026-02-20", age)}
    assert effective(given_first) == (("d", "p"), frozenset({*age, "balita_vitamin_a"}))
    assert effective({"b": given_first["b"]}) == (("d", "p"), frozenset(age))
    voided = {**given_first, "a": {"version": 2, "gone": True}}
    assert effective(voided) == (("d", "p"), frozenset(age))


def test_a_womans_cancer_examinations_count_among_the_women_examined() -> None:
    """IVA and SADANIS: what was found among the women examined – a man or a girl of
    school age counts in neither."""
    def cancer(stage: str, codes: list[str], checks: dict[str, bool], sex: str = "F"
               ) -> set[str]:
        return set(flags_for(stage, codes, [], 480, checks, sex)) & {
            "iva_positive", "iva_examined", "sadanis_abnormal", "sadanis_examined"}
    assert cancer("usia_dewasa", ["iva_positive"], {"iva_positive": True,
                                                    "breast_lump": False}) == {
        "iva_positive", "iva_examined", "sadanis_examined"}
    assert cancer("lansia", ["breast_lump"], {"breast_lump": True}) == {
        "sadanis_abnormal", "sadanis_examined"}
    assert cancer("usia_dewasa", [], {}) == cancer("usia_dewasa", [], None) == set()
    assert cancer("usia_dewasa", [], {"iva_positive": False}, sex="M") == set()


def test_exclusive_breastfeeding_counts_among_the_babies_asked() -> None:
    """ASI eksklusif: babies under 6 months whose mothers were asked, and those fed breast
    milk only; a baby not asked, or 6 months old, counts in neither."""
    def asi(months: int, checks: dict[str, bool] | None) -> set[str]:
        return set(flags_for("balita", [], ["weight_kg"], months, checks)
                   ) & {"bayi_asi_asked", "bayi_asi_eksklusif"}
    assert asi(0, {"exclusive_breastfeeding": True}) == {"bayi_asi_asked", "bayi_asi_eksklusif"}
    assert asi(5, {"exclusive_breastfeeding": False}) == {"bayi_asi_asked"}
    assert asi(5, {}) == asi(5, None) == asi(6, {"exclusive_breastfeeding": True}) == set()


def test_suspected_ppok_counts_among_the_adults_screened_with_puma() -> None:
    screened = flags_for("usia_dewasa", [], ["puma"], 600)
    suspect = flags_for("lansia", ["ppok_suspect"], ["puma"], 800)
    assert "ptm_puma_screened" in screened and "ptm_ppok_suspect" not in screened
    assert {"ptm_puma_screened", "ptm_ppok_suspect"} <= suspect


def test_deworming_counts_among_the_balita_of_12_to_59_months_seen_in_its_months() -> None:
    """Obat cacing at the posyandu (with the capsule, February and August): among the
    children of 12–59 months seen, given at any visit of the month."""
    def deworming(months: int, checks: dict[str, bool] | None) -> set[str]:
        return set(flags_for("balita", [], ["weight_kg"], months, checks)
                   ) & {"balita_obat_cacing", "balita_obat_cacing_age"}
    assert deworming(12, {"deworming": True}) == deworming(59, {"deworming": True}) == {
        "balita_obat_cacing", "balita_obat_cacing_age"}
    assert deworming(30, {"deworming": False}) == deworming(30, None) == {
        "balita_obat_cacing_age"}
    assert deworming(11, {"deworming": True}) == set()
    counts = {"balita_obat_cacing": 40, "balita_obat_cacing_age": 50}
    assert [(v.pct, v.colour) for month in (2, 3) for v in evaluate(counts, {}, month=month)
            if v.id == "balita_obat_cacing"] == [(80.0, "yellow"), (None, "grey")]


def test_a_remaja_putri_given_iron_tablets_counts_among_the_girls_seen() -> None:
    """Remaja putri (10–18) seen, and those given TTD (the tablets' count, 0 is none); a
    boy or a girl of 9 is neither."""
    def ttd(sex: str, years: int, tablets: float | None) -> set[str]:
        measured = {"weight_kg": 40.0, **({} if tablets is None else {"iron_tablets": tablets})}
        return set(flags_for("anak_remaja", [], measured, years * 12, {}, sex)) & {
            "remaja_putri_screened", "remaja_putri_ttd"}
    assert ttd("F", 13, 4) == ttd("F", 10, 1) == {"remaja_putri_screened", "remaja_putri_ttd"}
    assert ttd("F", 13, 0) == ttd("F", 13, None) == {"remaja_putri_screened"}
    assert ttd("M", 13, 4) == ttd("F", 9, 4) == set()


def test_a_girl_of_grades_5_and_6_given_hpv_counts_among_the_girls_seen() -> None:
    """HPV at school (BIAS): girls of 10–12 seen, and those given a dose (HPV 1 or 2) –
    counted once a year, at any of her visits; a boy, or a girl of 9 or 13, neither."""
    def hpv(sex: str, years: int, doses: list[str]) -> set[str]:
        return set(flags_for("anak_remaja", [], {"weight_kg": 35.0}, years * 12, {}, sex,
                             doses)) & {"siswi_hpv_age", "siswi_hpv"}
    assert hpv("F", 10, ["HPV1"]) == hpv("F", 12, ["HPV2", "Td"]) == {"siswi_hpv_age",
                                                                     "siswi_hpv"}
    assert hpv("F", 11, []) == hpv("F", 11, ["Td"]) == {"siswi_hpv_age"}
    assert hpv("M", 11, ["HPV1"]) == hpv("F", 9, ["HPV1"]) == hpv("F", 13, ["HPV2"]) == set()
    assert "siswi_hpv" in OF_ANY_VISIT
    # the BIAS's visit immunises, it does not screen: no remaja screening, no girl "seen"
    # without her iron tablets
    assert flags_for("anak_remaja", [], {}, 11 * 12, None, "F", ["HPV1"]) == {
        "siswi_hpv_age", "siswi_hpv"}
    assert flags_for("anak_remaja", [], {}, 7 * 12, None, "M", ["MR", "DT"]) == set()
    assert "remaja_screened" in flags_for("anak_remaja", [], {"weight_kg": 35.0}, 11 * 12, {},
                                          "F", ["HPV1"])


def test_pmt_counts_among_the_kek_pregnancies_and_the_undernourished_balita_found() -> None:
    """Supplementary food (Perpres 72/2021) given at the visit that found KEK, or a balita
    gizi kurang or BB kurang – not gizi buruk, whose tata laksana it is not."""
    def pmt(stage: str, codes: list[str], given: bool | None) -> set[str]:
        checks = {} if given is None else {"supplementary_food": given}
        return set(flags_for(stage, codes, ["muac_cm", "weight_kg", "waz", "whz"], 20, checks)
                   ) & {"ibu_hamil_kek", "ibu_hamil_kek_pmt", "balita_pmt_needed",
                        "balita_pmt"}
    assert pmt("ibu_hamil", ["kek"], True) == {"ibu_hamil_kek", "ibu_hamil_kek_pmt"}
    assert pmt("ibu_hamil", ["kek"], False) == pmt("ibu_hamil", ["kek"], None) == {
        "ibu_hamil_kek"}
    assert pmt("ibu_hamil", [], True) == set()
    assert pmt("balita", ["gizi_kurang"], True) == pmt("balita", ["underweight"], True) == {
        "balita_pmt_needed", "balita_pmt"}
    assert pmt("balita", ["underweight"], None) == {"balita_pmt_needed"}
    assert pmt("balita", ["gizi_buruk"], True) == pmt("balita", [], True) == set()


def _balita_visit(day: str, measured: list[str], age_months: int, kpsp: str | None = None,
                  capsule: bool = False, posyandu: str = "p1") -> dict:
    checks = {"vitamin_a": True} if capsule else {}
    return {"order": [day, f"{day}-{posyandu}"], "version": 1, "desa_code": "53.01.07.2003",
            "posyandu_id": posyandu,
            "flags": sorted(flags_for("balita", [], measured, age_months, checks, "F")),
            **services_of("balita", measured, kpsp, checks, age_months)}


def _balita_year(age_at_january: int, weighings: int = 12, lengths: tuple[int, ...] = (2, 8),
                 kpsp: tuple[int, ...] = (2, 8), capsules: tuple[int, ...] = (2, 8)
                 ) -> dict[str, dict[str, dict]]:
    """A child's year at her posyandu: weighed in months 1…`weighings`, measured, her
    development checked and given a capsule in the months named."""
    months: dict[str, dict[str, dict]] = {}
    for month in range(1, 13):
        if month > weighings and month not in lengths + kpsp + capsules:
            continue
        day = f"2026-{month:02d}-10"
        measured = [*(["weight_kg"] if month <= weighings else []),
                    *(["height_cm"] if month in lengths else [])]
        visit = _balita_visit(day, measured, age_at_january + month - 1,
                              "sesuai" if month in kpsp else None, month in capsules)
        months[f"2026-{month:02d}"] = {day: visit}
    return months


def test_a_balita_seen_gives_her_weighing_length_development_check_capsule_and_age() -> None:
    """What a visit gives towards the SPM's balita service, kept with it: a weight, a
    length or height, a KPSP made (whatever it found), a capsule of its age (6–59
    months), and whether she was of the service's age – 12 to 59 months."""
    assert services_of("balita", ["weight_kg", "height_cm"], "meragukan",
                       {"vitamin_a": True}, 12) == {
        "services": ["development_checked", "measured", "vitamin_a", "weighed"], "aged": True}
    assert services_of("balita", ["weight_kg"], None, {"vitamin_a": False}, 30) == {
        "services": ["weighed"], "aged": True}
    assert services_of("balita", ["weight_kg"], None, {"vitamin_a": True}, 5) == {
        "services": ["weighed"]}  # a capsule before 6 months is none of the service's
    assert services_of("balita", ["weight_kg"], None, None, 59)["aged"]
    assert "aged" not in services_of("balita", ["weight_kg"], None, None, 11)
    assert "aged" not in services_of("balita", ["weight_kg"], None, None, 60)
    assert services_of("anak_remaja", ["weight_kg", "height_cm"], None, None, 60) == {}


def test_the_spms_balita_service_counts_once_at_the_visit_that_completed_it() -> None:
    """Weighed 8 times, measured twice, her development checked twice, two capsules:
    served in August, when the second of each came (her eighth weighing), once however
    often she is seen after. One short of any is not served."""
    where = ("53.01.07.2003", "p1")
    assert firsts(_balita_year(24))["year:balita_spm_served"] == (where, "2026-08")
    assert firsts(_balita_year(24, lengths=(2, 11)))["year:balita_spm_served"] == (
        where, "2026-11")  # the second length came in November
    for short in ({"weighings": 7}, {"lengths": (2,)}, {"kpsp": (8,)}, {"capsules": (2,)}):
        assert "year:balita_spm_served" not in firsts(_balita_year(24, **short)), short
    # two screenings on one day (a posyandu and its pustu) are one weighing
    year = _balita_year(24, weighings=7, lengths=(2, 3), kpsp=(2, 3), capsules=(2, 3))
    year["2026-07"]["again"] = {**year["2026-07"]["2026-07-10"], "order": ["2026-07-10", "z"]}
    assert "year:balita_spm_served" not in firsts(year)
    year["2026-08"] = {"d": _balita_visit("2026-08-10", ["weight_kg"], 31, posyandu="p2")}
    assert firsts(year)["year:balita_spm_served"] == (("53.01.07.2003", "p2"), "2026-08")


def test_the_spms_balita_service_is_of_children_of_12_to_59_months() -> None:
    """A baby whose year was complete at 11 months is served at her first visit from 12
    months; a child of 60 months from January is no longer an anak balita."""
    baby = _balita_year(0)  # 0–11 months this year: none of her visits of the age
    assert "year:balita_spm_served" not in firsts(baby)
    turning = _balita_year(3, lengths=(2, 7), kpsp=(2, 7), capsules=(4, 7))  # 12 in October
    assert firsts(turning)["year:balita_spm_served"] == (("53.01.07.2003", "p1"), "2026-10")
    assert firsts(_balita_year(50))["year:balita_spm_served"][1] == "2026-08"  # 57 months
    assert "year:balita_spm_served" not in firsts(_balita_year(60))
    # against the anak balita's sasaran – the balita less the bayi where none is set
    counts = Counter({"year:balita_spm_served": 30})
    value = {v.id: v for v in evaluate(counts, {"anak_balita": 120})}["spm_balita"]
    assert (value.numerator, value.denominator, value.pct) == (30, 120, 25.0)
    totals, missing = area_targets([
        {"area_code": "53.01.07.2003", "group": "balita", "count": 150},
        {"area_code": "53.01.07.2003", "group": "bayi", "count": 30}], "53.01.07",
        ["53.01.07.2003"])
    assert totals["anak_balita"] == 120 and not missing["anak_balita"]
    assert with_derived({"balita": 150, "bayi": 30, "anak_balita": 118})["anak_balita"] == 118
    assert "anak_balita" not in with_derived({"balita": 20, "bayi": 30})  # a typo, not -10


def test_the_postnatal_visits_count_against_the_mothers_and_the_newborns() -> None:
    """The PWS KIA's KF against its ibu nifas (a Data Sasaran's Bufas): where none is
    set, the ibu bersalin – every delivery a mother after it –, else, as before the
    group was kept, the bayi. The KN – the SPM's newborn service – against the live
    births (LH), else the bayi."""
    def denominators(targets: dict[str, int]) -> tuple[int | None, int | None]:
        totals, _missing = area_targets([{"area_code": "73.06.08.1005", "group": group,
                                          "count": n} for group, n in targets.items()],
                                        "73.06.08", ["73.06.08.1005"])
        values = {v.id: v for v in evaluate(Counter(), totals)}
        return (values["kunjungan_nifas_kf1"].denominator,
                values["kunjungan_neonatal_lengkap"].denominator)
    assert denominators({"bayi": 212}) == (212, 212)
    assert denominators({"bayi": 212, "ibu_bersalin": 230}) == (230, 212)
    assert denominators({"bayi": 212, "ibu_bersalin": 230, "ibu_nifas": 226,
                         "lahir_hidup": 219}) == (226, 219)
    assert denominators({"balita": 1046}) == (None, None)
