from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from ilp_contracts.wilayah import WIB, WIT
from ilp_notify.api import TaskOut
from ilp_notify.domain.delivery import digest_payload, payload, render
from ilp_notify.domain.tasks import TaskNeed, joins, task_key, tasks_needed


def test_nutrition_problem_gives_a_kader_task_within_a_week() -> None:
    [need] = tasks_needed(["underweight", "stunted"], date(2026, 11, 20), WIB)
    assert (need.reason, need.role, need.priority) == ("masalah_gizi_balita", "kader", "high")
    assert need.due_at == datetime(2026, 11, 27, 23, 59, tzinfo=WIB)


def test_a_severe_case_gets_the_bidan_and_the_kader_within_three_days() -> None:
    needs = tasks_needed(["severely_stunted", "underweight"], date(2026, 11, 20), WIB)
    assert sorted((n.reason, n.role, n.priority) for n in needs) == [
        ("gizi_buruk_balita", "bidan", "urgent"), ("pendampingan_gizi_buruk", "kader", "urgent")]
    assert {n.due_at.date() for n in needs} == {date(2026, 11, 23)}


def test_a_referral_finding_is_one_referral_visit_for_bidan_and_kader() -> None:
    """A young infant underweight (or a child not improving): the bidan refers and the
    kader accompanies – one visit each, named for the referral even beside gizi buruk."""
    for codes in (["young_infant_malnutrition", "underweight"],
                  ["no_improvement", "gizi_buruk", "severely_underweight"]):
        needs = tasks_needed(codes, date(2026, 11, 20), WIB)
        assert sorted((n.reason, n.role, n.priority) for n in needs) == [
            ("pendampingan_rujukan_gizi", "kader", "urgent"),
            ("rujukan_gizi_balita", "bidan", "urgent")]


def test_severe_anaemia_in_pregnancy_is_referred_by_the_bidan_the_next_day() -> None:
    """Hb < 7 (WHO: severe) is referred at once – the bidan, due the next day, one visit
    with a hypertension found beside it –; a milder anaemia stays the kader's."""
    severe = tasks_needed(["anaemia_pregnancy"], date(2026, 11, 20), WIB,
                          severe_codes=["anaemia_pregnancy"])
    assert sorted((n.reason, n.role, n.priority, n.due_at.day) for n in severe) == [
        ("anemia_berat_kehamilan", "bidan", "urgent", 21),
        ("pendampingan_ibu_hamil_kek", "kader", "high", 27)]
    mild = tasks_needed(["anaemia_pregnancy"], date(2026, 11, 20), WIB)
    assert [n.reason for n in mild] == ["pendampingan_ibu_hamil_kek"]
    both = tasks_needed(["anaemia_pregnancy", "hypertension_pregnancy"], date(2026, 11, 20),
                        WIB, severe_codes=["anaemia_pregnancy"])
    assert sorted((n.reason, n.due_at.day) for n in both) == [
        ("anemia_berat_kehamilan", 21), ("pendampingan_ibu_hamil_kek", 27)]


def test_what_is_referred_at_once_is_visited_the_next_day() -> None:
    """Severe hypertension in pregnancy (≥ 160/110) and grade 3 (≥ 180/110): the next day,
    one visit for a pregnancy's severe hypertension and severe anaemia; milder grades in
    three days (pregnancy) or a week (grade 2)."""
    def visits(codes: list[str], severe: list[str]) -> list[tuple[str, str, str, int]]:
        return sorted((n.reason, n.role, n.priority, n.due_at.day) for n in tasks_needed(
            codes, date(2026, 11, 20), WIB, severe_codes=severe))
    pregnancy = ["anaemia_pregnancy", "hypertension_pregnancy"]
    assert visits(pregnancy, pregnancy) == [
        ("hipertensi_berat_kehamilan", "bidan", "urgent", 21),
        ("pendampingan_ibu_hamil_kek", "kader", "high", 27)]
    assert visits(["hypertension_pregnancy"], []) == [
        ("hipertensi_kehamilan", "bidan", "urgent", 23)]
    assert visits(["hyperglycaemia_pregnancy"], ["hyperglycaemia_pregnancy"]) == [
        ("diabetes_kehamilan", "bidan", "high", 27)]
    assert visits(["hyperglycaemia_pregnancy"], []) == []  # suspected GDM: OGTT at ANC
    assert visits(["anaemia"], ["anaemia"]) == [("anemia_berat", "bidan", "urgent", 21)]
    assert visits(["anaemia"], []) == []
    assert visits(["hypertension_grade_3"], ["hypertension_grade_3"]) == [
        ("hipertensi_derajat_3", "perawat", "urgent", 21)]
    assert visits(["hypertension_grade_2"], ["hypertension_grade_2"]) == [
        ("hipertensi", "perawat", "high", 27)]


def test_days_count_from_the_recording_when_it_came_later() -> None:
    """A session synced four days after the posyandu: the bidan still gets her three days
    instead of a task born overdue and escalated to the puskesmas."""
    late = datetime(2026, 11, 24, 2, 0, tzinfo=WIB)
    [need] = tasks_needed(["hypertension_pregnancy"], date(2026, 11, 20), WIB, late)
    assert need.due_at == datetime(2026, 11, 27, 23, 59, tzinfo=WIB)
    same_day = datetime(2026, 11, 20, 1, 0, tzinfo=WIB)  # 19 Nov in UTC: still the 20th
    [need] = tasks_needed(["hypertension_pregnancy"], date(2026, 11, 20), WIB, same_day)
    assert need.due_at == datetime(2026, 11, 23, 23, 59, tzinfo=WIB)


def test_days_are_those_of_the_persons_time_zone() -> None:
    """In Jayapura (WIT, UTC+9) a task is due at 23:59 there – two hours before a WIB
    clock says so – and a screening synced at 23:30 WIB on the 20th was recorded on the
    21st there, so its days count from the 21st."""
    synced = datetime(2026, 11, 20, 23, 30, tzinfo=WIB)
    [need] = tasks_needed(["hypertension_pregnancy"], date(2026, 11, 20), WIT, synced)
    assert need.due_at == datetime(2026, 11, 24, 23, 59, tzinfo=WIT)
    [need] = tasks_needed(["hypertension_pregnancy"], date(2026, 11, 20), WIB, synced)
    assert need.due_at == datetime(2026, 11, 23, 23, 59, tzinfo=WIB)


def test_a_hypertensive_kek_pregnancy_needs_the_bidan_and_the_kader() -> None:
    needs = tasks_needed(["kek", "anaemia_pregnancy", "hypertension_pregnancy"],
                         date(2026, 11, 20), WIB)
    assert sorted((n.reason, n.role) for n in needs) == [
        ("hipertensi_kehamilan", "bidan"), ("pendampingan_ibu_hamil_kek", "kader")]


@pytest.mark.parametrize(("code", "reason"), [
    ("lila_gizi_buruk", "gizi_buruk_balita"), ("edema_gizi_buruk", "gizi_buruk_balita"),
    ("lila_gizi_kurang", "masalah_gizi_balita")])
def test_lila_and_oedema_findings_are_visited_like_bb_tb(code, reason) -> None:
    assert reason in {n.reason for n in tasks_needed([code], date(2026, 11, 20), WIB)}


def test_no_finding_no_task() -> None:
    assert tasks_needed([], date(2026, 11, 20), WIB) == []
    assert tasks_needed(["risk_overweight"], date(2026, 11, 20), WIB) == []


def test_one_key_per_person_and_reason() -> None:
    assert task_key("p1", "a") != task_key("p1", "b") != task_key("p2", "a")


def test_every_visit_the_platform_opens_is_named_in_words() -> None:
    """A kader's SMS and app say what the visit is for, not its code."""
    from datetime import date, datetime

    from ilp_contracts.wilayah import WIB
    from ilp_notify.domain import defaulters as d
    from ilp_notify.domain import household as h
    from ilp_notify.domain import tb
    from ilp_notify.domain.delivery import render
    from ilp_notify.domain.reasons import REASON_LABELS, label_of
    from ilp_notify.domain.tasks import RULES

    today = date(2026, 11, 26)
    due = {"weighing_check_on": "2026-11-25", "born_latest": "2025-01-01",
           "anc_check_on": "2026-11-25", "edd": "2027-01-01",
           "attendance_check_on": "2026-11-25", "screening_late_on": "2026-11-25",
           "ptm_check_on": "2026-11-25", "adherence_visit_on": "2026-11-25",
           "planned_end_on": "2027-05-01", "vitamin_a_check_on": "2026-11-25",
           "vitamin_a_round": "2026-11-01"}
    defaulter_needs = [d.missed_weighing(due, today, WIB), d.missed_anc(due, today, WIB),
                       d.immunization_follow_up(today, WIB), d.vitamin_a_sweeping(due, today, WIB),
                       d.missed_posyandu_lansia(due, today, WIB),
                       d.missed_ptm_screening(due, today, WIB),
                       h.never_screened(due, today, WIB), h.pregnancy_unexamined(due, today, WIB),
                       tb.adherence_visit(due, today, WIB),
                       tb.contact_investigation(today, datetime(2026, 11, 26, tzinfo=WIB), WIB)]
    reasons = ({rule.reason for rule in RULES} | {rule.reason for rule in d.RECHECKS}
               | {visit.reason for visit in d.POSTNATAL_VISITS}
               | {need.reason for need in defaulter_needs if need is not None})
    assert len(defaulter_needs) == 10 and None not in defaulter_needs
    assert reasons == set(REASON_LABELS)
    assert label_of("alasan_lain") == "alasan_lain"  # a reason this release does not name
    task = {"task_id": "0192f0c4-aaaa", "reason": "lansia_tidak_datang", "priority": "routine",
            "desa_code": "33.73.04.1001", "posyandu_id": "psy-1",
            "due_at": "2026-12-03T23:59:00+07:00"}
    *_, sms = render({"type": "task.created", "task": task})
    assert "Lansia tidak datang ke posyandu bulan ini, desa 33.73.04.1001, batas" in sms
    # where the household is, when the screening said
    *_, sms = render(json.loads(payload("task.created", {**task, "rw": "RW 02", "rt": "003"})))
    assert "bulan ini, desa 33.73.04.1001, RW 02, RT 003, batas 2026-12-03" in sms


DUE = datetime(2026, 11, 27, 23, 59, tzinfo=WIB)
ROUND_VISIT = {"role": "kader", "reason": "balita_tidak_ditimbang", "screening_ids": [],
               "due_at": DUE.isoformat()}


@pytest.mark.parametrize(("need", "task", "together"), [
    (TaskNeed("imunisasi_terlewat", "kader", "routine", DUE), ROUND_VISIT, True),
    (TaskNeed("imunisasi_terlewat", "kader", "routine", DUE + timedelta(days=7)), ROUND_VISIT,
     True),
    (TaskNeed("imunisasi_terlewat", "kader", "routine", DUE - timedelta(days=8)), ROUND_VISIT,
     False),  # weeks apart: two visits
    (TaskNeed("balita_tidak_ditimbang", "kader", "routine", DUE), ROUND_VISIT, False),
    (TaskNeed("kontrol_hipertensi", "perawat", "high", DUE), {**ROUND_VISIT, "role": "perawat"},
     False),  # a health worker's visit stays her own
    (TaskNeed("imunisasi_terlewat", "kader", "routine", DUE),
     {**ROUND_VISIT, "screening_ids": ["s-1"]}, True),  # a finding's (voided: reopened)
    (TaskNeed("pendampingan_ibu_hamil_kek", "kader", "high", DUE),
     {**ROUND_VISIT, "reason": "ibu_hamil_tidak_anc"}, True),  # both end with the birth
    (TaskNeed("skrining_ptm_tahunan", "kader", "routine", DUE),
     {**ROUND_VISIT, "reason": "ibu_hamil_tidak_anc"}, False),  # the birth ends only one
])
def test_a_rounds_kader_visit_rides_along_on_one_due_the_same_week(need: TaskNeed, task: dict,
                                                                   together: bool) -> None:
    assert joins(need, task) is together


def test_the_visit_names_every_reason_in_the_list_and_the_digest() -> None:
    task = {**ROUND_VISIT, "task_id": "t-1", "person_id": "p-1", "assignee_id": "kader-1",
            "priority": "routine", "desa_code": "33.73.04.1001", "posyandu_id": "psy-1",
            "status": "open", "created_at": DUE.isoformat(), "findings": [],
            "also": ["imunisasi_terlewat"]}
    assert TaskOut.model_validate(task).also_labels == ["Imunisasi balita terlewat"]
    text = render(json.loads(digest_payload("2026-11-26", [task])))[1]
    assert "Balita tidak ditimbang bulan ini; juga Imunisasi balita terlewat, desa" in text
    sms = render(json.loads(payload("task.extended", task)))[2]
    assert sms.startswith("ILP: kunjungan rumah diperbarui (alasan ditambah) – Balita tidak "
                          "ditimbang bulan ini; juga Imunisasi balita terlewat, desa")


def test_a_childs_stage_2_hypertension_and_severe_thinness_are_visited_within_the_week() -> None:
    """Both are referred from a school screening; the visit sees that the referral
    happened. A stage 1 or an elevated screen is measured again, not visited."""
    needs = tasks_needed(["child_hypertension_stage_2", "severe_thinness"], date(2026, 11, 20),
                         WIB)
    assert sorted((n.reason, n.role, n.priority, n.due_at.date()) for n in needs) == [
        ("anak_sangat_kurus", "bidan", "high", date(2026, 11, 27)),
        ("hipertensi_anak", "perawat", "high", date(2026, 11, 27))]
    assert tasks_needed(["child_hypertension_stage_1", "child_bp_elevated", "thinness"],
                        date(2026, 11, 20), WIB) == []


def test_pre_eclampsia_is_the_bidans_referral_the_next_day_one_visit_with_its_hypertension(
        ) -> None:
    [need] = tasks_needed(["hypertension_pregnancy", "preeclampsia"], date(2026, 11, 20), WIB)
    assert (need.reason, need.role, need.priority, need.due_at.date()) == (
        "preeklamsia", "bidan", "urgent", date(2026, 11, 21))
    # proteinuria alone is measured again at her next contact, not visited
    assert tasks_needed(["proteinuria_pregnancy"], date(2026, 11, 20), WIB) == []


def test_a_balita_too_heavy_for_her_length_gets_the_kaders_feeding_counsel() -> None:
    """Gizi lebih and obesitas within two weeks; a child also stunted gets one visit, the
    stunting's, sooner. At risk (BB/TB +1 to +2) is no visit."""
    [need] = tasks_needed(["obesitas"], date(2026, 11, 20), WIB)
    assert (need.reason, need.role, need.priority, need.due_at.date()) == (
        "gizi_lebih_balita", "kader", "routine", date(2026, 12, 4))
    [both] = tasks_needed(["gizi_lebih", "stunted"], date(2026, 11, 20), WIB)
    assert both.reason == "masalah_gizi_balita"
    assert tasks_needed(["berisiko_gizi_lebih", "risk_overweight"], date(2026, 11, 20),
                        WIB) == []


def test_a_task_names_the_findings_it_was_opened_for_in_words() -> None:
    """A kader app shows what the screening found, not its codes."""
    task = {**ROUND_VISIT, "task_id": "t-2", "person_id": "p-2", "assignee_id": "perawat-1",
            "reason": "hipertensi_anak", "priority": "high", "desa_code": "33.73.04.1001",
            "posyandu_id": "psy-1", "status": "open", "created_at": DUE.isoformat(),
            "findings": ["child_hypertension_stage_2", "anaemia", "a_code_from_later"]}
    assert TaskOut.model_validate(task).finding_labels == [
        "Hipertensi anak derajat 2", "Anemia", "a_code_from_later"]
    # … and a round's visit the facts it was opened by: no code on a kader's screen
    facts = ["last_checked_2026-10-14", "last_seen_2026-10-14", "last_weighed_2026-10-20",
             "last_anc_2026-09-01", "last_screened_2025-11-18", "last_lila_2026-10-02",
             "noted_2026-11-01", "treatment_started_2026-11-02", "born_2026-12-03",
             "missed_MR1", "vitamin_a_2026-08", "household_contacts_4"]
    assert TaskOut.model_validate({**task, "findings": facts}).finding_labels == [
        "Terakhir diperiksa 14 Oktober 2026", "Terakhir datang 14 Oktober 2026",
        "Terakhir ditimbang 20 Oktober 2026", "Terakhir periksa hamil 1 September 2026",
        "Terakhir diskrining 18 November 2025", "LiLA terakhir diukur 2 Oktober 2026",
        "Didata 1 November 2026", "Mulai pengobatan TBC 2 November 2026",
        "Lahir 3 Desember 2026", "Belum imunisasi MR1", "Kapsul vitamin A bulan Agustus 2026",
        "4 kontak serumah"]


def test_a_positive_iva_or_a_breast_lump_is_one_referral_visit_by_the_bidan() -> None:
    """Early detection of cancer: the bidan sees within the week that she was referred –
    one visit for both findings."""
    [need] = tasks_needed(["iva_positive", "breast_lump"], date(2026, 11, 20), WIB)
    assert (need.reason, need.role, need.priority, need.due_at.date()) == (
        "rujukan_deteksi_dini_kanker", "bidan", "high", date(2026, 11, 27))


def test_a_suspected_ppok_gets_the_perawat_within_two_weeks() -> None:
    [need] = tasks_needed(["ppok_suspect"], date(2026, 11, 20), WIB)
    assert (need.reason, need.role, need.due_at.date()) == (
        "suspek_ppok", "perawat", date(2026, 12, 4))
