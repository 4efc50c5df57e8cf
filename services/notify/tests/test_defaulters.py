"""Defaulter rules for balita (pure) and one scheduler round on a real SQLite store:
a child weighed last month but not this month, and a child past a dose without it, get a
kader visit – once, however often the round runs, and one for both reasons."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ilp_contracts import (BirthRecorded, BirthVoided, Finding, ScreeningRecorded,
                           ScreeningVoided)
from ilp_contracts.wilayah import WIB, WIT
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, SqliteStore
from ilp_notify.app import SPEC
from ilp_notify.domain.defaulters import (
    DOSE_MONTH,
    NEVER,
    POSTNATAL_VISITS,
    child_watch,
    lansia_watch,
    missed_doses,
    missed_pmt,
    missed_posyandu_lansia,
    missed_ptm_screening,
    missed_weighing,
    postnatal_visits,
    next_pmt_visit,
    pmt_watch,
    postnatal_watch,
    ptm_watch,
    vitamin_a_check,
    vitamin_a_next_check,
    vitamin_a_sweeping,
    youngest_birth,
)
from ilp_notify.domain.lifecycle import NextVisit
from ilp_notify.handlers import handlers
from ilp_notify.visits import open_next_visit
from ilp_notify.scheduler import visit_defaulters

ALL_DOSES = list(DOSE_MONTH)


@pytest.fixture
async def rt(tmp_path) -> AsyncIterator[Runtime]:
    """Notify's handlers and rounds on a real SQLite store."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    yield Runtime(ServiceSettings(service="notify", escalation_interval_s=60), store)
    await store.close()


def test_the_youngest_birth_never_calls_a_dose_missed_early() -> None:
    # 4 whole months on 20 Nov: born between 21 Jun and 20 Jul; take 20 Jul.
    assert youngest_birth(date(2026, 11, 20), 4) == date(2026, 7, 20)
    state = child_watch(None, date(2026, 11, 20), 4, True, ["HB0", "BCG", "OPV1"])
    assert missed_doses(state, date(2026, 11, 20)) == [
        "DPT-HB-Hib1", "OPV2", "RV1", "PCV1", "DPT-HB-Hib2", "OPV3", "RV2", "PCV2"]
    # the 4-month doses are due 20 Nov + 30 days of grace: not missed yet
    assert "DPT-HB-Hib3" not in missed_doses(state, date(2026, 12, 19))
    assert "DPT-HB-Hib3" in missed_doses(state, date(2026, 12, 21))


def test_doses_scheduled_before_the_first_one_recorded_are_not_chased() -> None:
    """First seen at 10 months with today's MR1 only: what came before is not known here.
    The doses from 9 months on are followed: IPV2 (with MR1), later PCV3 (12 months)."""
    state = child_watch(None, date(2026, 11, 20), 10, True, ["MR1"])
    assert missed_doses(state, date(2026, 11, 20)) == ["IPV2"]
    assert missed_doses(state, date(2027, 2, 21)) == ["IPV2", "PCV3"]
    # A catch-up BCG recorded later: the doses from its month on are followed from then.
    caught_up = child_watch(state, date(2026, 12, 18), 11, True, ["BCG"])
    assert "OPV1" in missed_doses(caught_up, date(2026, 12, 18))
    assert "HB0" not in missed_doses(caught_up, date(2026, 12, 18))


def test_children_whose_doses_are_not_recorded_are_not_chased() -> None:
    state = child_watch(None, date(2026, 11, 20), 30, True, [])
    assert state["tracks_doses"] is False and state["next_dose_check"] == "9999-12-31"
    assert child_watch(None, date(2026, 11, 20), 60, True, ["MR2"]) is None  # not a balita


@given(st.integers(0, 59), st.lists(st.sampled_from(ALL_DOSES), min_size=1))
def test_a_recorded_dose_is_never_reported_missed(age, doses) -> None:
    state = child_watch(None, date(2026, 11, 20), age, True, doses)
    assert not set(missed_doses(state, date(2031, 1, 1))) & set(doses)


def test_weighing_missed_only_after_the_posyandu_days_and_once_a_month() -> None:
    state = child_watch(None, date(2026, 10, 14), 20, True, [])
    assert missed_weighing(state, date(2026, 11, 24), WIB) is None  # posyandu days not over
    need = missed_weighing(state, date(2026, 11, 25), WIB)
    assert need is not None and need.reason == "balita_tidak_ditimbang" and need.role == "kader"
    assert missed_weighing({**state, "weighing_check_on": NEVER},  # followed up
                           date(2026, 11, 28), WIB) is None
    weighed_now = child_watch(state, date(2026, 11, 12), 21, True, [])
    assert missed_weighing(weighed_now, date(2026, 11, 25), WIB) is None


def test_a_lansia_who_did_not_come_is_visited_once_unless_housebound() -> None:
    state = lansia_watch(None, date(2026, 10, 7), set())
    assert missed_posyandu_lansia(state, date(2026, 11, 24), WIB) is None  # not over yet
    need = missed_posyandu_lansia(state, date(2026, 11, 25), WIB)
    assert need is not None and (need.reason, need.role) == ("lansia_tidak_datang", "kader")
    came = lansia_watch(state, date(2026, 11, 4), set())
    assert missed_posyandu_lansia(came, date(2026, 11, 25), WIB) is None
    assert lansia_watch(came, date(2026, 10, 7), set()) is None  # an older visit, late
    bedridden = lansia_watch(None, date(2026, 10, 7), {"adl_total_dependence"})
    assert missed_posyandu_lansia(bedridden, date(2027, 3, 1), WIB) is None


async def test_the_kader_visits_the_lansia_who_did_not_come(rt: Runtime) -> None:
    store = rt.store
    on_recorded = handlers(rt.settings)[ScreeningRecorded]

    def seen(person: str, on: date, *codes: str) -> ScreeningRecorded:
        return ScreeningRecorded(
            screening_id=f"s-{person}-{on}", person_id=person, stage="lansia", sex="F",
            age_months=800, screened_on=on, period=on.isoformat()[:7],
            desa_code="33.73.04.1001", posyandu_id="psy-1", measurements={"systolic": 130},
            findings=[Finding(code=code, severity="severe") for code in codes])

    async with store.transaction() as tx:
        await on_recorded(tx, seen("mbah-sri", date(2026, 10, 7)))
        await on_recorded(tx, seen("mbah-kromo", date(2026, 10, 7)))
        await on_recorded(tx, seen("mbah-kromo", date(2026, 11, 4)))  # came again
        await on_recorded(tx, seen("mbah-darmo", date(2026, 10, 7), "adl_severe_dependence"))
    now = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert await visit_defaulters(rt, now) == 1
    [task] = await store.find("tasks", Query.of(reason="lansia_tidak_datang"))
    assert task["person_id"] == "mbah-sri"  # mbah-darmo has home care instead
    assert task["findings"] == ["last_seen_2026-10-07"]
    assert await visit_defaulters(rt, now) == 0  # once


def test_someone_from_15_not_screened_again_within_a_year_is_visited_once() -> None:
    state = ptm_watch(None, date(2025, 11, 20))
    assert missed_ptm_screening(state, date(2026, 11, 20), WIB) is None  # a year: on time
    need = missed_ptm_screening(state, date(2026, 11, 21), WIB)
    assert need is not None and (need.reason, need.role) == ("skrining_ptm_tahunan", "kader")
    again = ptm_watch(state, date(2026, 6, 3))
    assert missed_ptm_screening(again, date(2026, 11, 21), WIB) is None
    assert ptm_watch(again, date(2025, 11, 20)) is None  # an older screening, late
    leap = ptm_watch(None, date(2024, 2, 29))
    assert leap is not None and leap["screening_late_on"] == "2025-03-01"


async def test_the_kader_visits_adults_and_older_remaja_not_screened_for_a_year(
        rt: Runtime) -> None:
    """The yearly PTM screening (DOMAIN.md, "adults not yet screened"): a man screened a
    year and more ago gets one kader visit; one screened since, a 14-year-old and a
    pregnant woman (her ANC is watched instead) do not."""
    on_recorded = handlers(rt.settings)[ScreeningRecorded]

    def seen(person: str, on: date, stage: str = "usia_dewasa",
             age: int = 480) -> ScreeningRecorded:
        return ScreeningRecorded(
            screening_id=f"s-{person}-{on}", person_id=person, stage=stage, sex="M",
            age_months=age, screened_on=on, period=on.isoformat()[:7],
            desa_code="91.71.01.1001", posyandu_id="psy-1", rw="RW 02",
            measurements={"systolic": 120})

    async with rt.store.transaction() as tx:
        await on_recorded(tx, seen("pak-markus", date(2025, 10, 6)))
        await on_recorded(tx, seen("pak-yakob", date(2025, 10, 6)))
        await on_recorded(tx, seen("pak-yakob", date(2026, 9, 1)))  # screened again
        await on_recorded(tx, seen("nando", date(2025, 10, 6), "anak_remaja", 14 * 12))
        await on_recorded(tx, seen("ibu-ruth", date(2025, 10, 6), "ibu_hamil", 300))
    # 7 October, 00:30 in Jayapura (WIT): a year and a day after his screening there
    now = datetime(2026, 10, 6, 15, 30, tzinfo=UTC)
    assert await visit_defaulters(rt, now) == 1
    [task] = await rt.store.find("tasks", Query.of(reason="skrining_ptm_tahunan"))
    assert (task["person_id"], task["findings"]) == ("pak-markus", ["last_screened_2025-10-06"])
    assert task["rw"] == "RW 02"
    assert await visit_defaulters(rt, now + timedelta(days=3)) == 0  # once


def screening(person: str, age: int, doses: list[str], on: date) -> ScreeningRecorded:
    """Recorded at the posyandu that day (not at the wall clock's now: a finding's visit
    is due from when it was recorded)."""
    return ScreeningRecorded(
        occurred_at=datetime.combine(on, time(3), tzinfo=UTC),
        screening_id=f"s-{person}-{on}", person_id=person, stage="balita", sex="F",
        age_months=age, screened_on=on, period=on.strftime("%Y-%m"),
        desa_code="33.73.04.1001", posyandu_id="psy-1", measurements={"weight_kg": 9.0},
        immunizations=doses, findings=[Finding(code="normal", severity="mild")][:0])


async def test_a_round_opens_each_defaulter_task_once(tmp_path) -> None:
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    settings = ServiceSettings(service="notify", escalation_interval_s=60,
                               webhook_urls="http://hook.test/ilp")
    rt = Runtime(settings, store)
    on_recorded = handlers(settings)[ScreeningRecorded]
    async with store.transaction() as tx:
        await tx.put("workers", "kader-1", {"id": "kader-1", "role": "kader",
                                            "facility_id": "psy-1", "active": True,
                                            "area_code": "33.73.04.1001"})
        await on_recorded(tx, screening("weighed-in-oct", 20, [], date(2026, 10, 14)))
        await on_recorded(tx, screening("no-dpt", 4, ["HB0", "BCG", "OPV1"], date(2026, 10, 14)))
    now = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    # weighing ×2; the missed dose is made in the same visit as no-dpt's missed weighing
    assert await visit_defaulters(rt, now) == 2
    tasks = await store.find("tasks", Query.of(status="open"))
    reasons = sorted((t["person_id"], t["reason"], t.get("also")) for t in tasks)
    assert reasons == [("no-dpt", "balita_tidak_ditimbang", ["imunisasi_terlewat"]),
                       ("weighed-in-oct", "balita_tidak_ditimbang", None)]
    immunization = next(t for t in tasks if "imunisasi_terlewat" in t.get("also", ()))
    assert immunization["assignee_id"] == "kader-1"
    told = sorted((n["type"], n["task"]["person_id"], n["task"]["also"]) for n in (
        json.loads(d["body"]) for d in await store.find("deliveries")))
    assert told == [("task.created", "no-dpt", []), ("task.created", "weighed-in-oct", []),
                    ("task.extended", "no-dpt", ["imunisasi_terlewat"])]  # the kader hears
    assert "missed_DPT-HB-Hib1" in immunization["findings"]
    async with store.transaction() as tx:  # nobody at home: every reason is owed again
        await open_next_visit(tx, settings, {**immunization, "completed_by": "kader-1",
                                             "outcome": "not_at_home"},
                              NextVisit("kader", now + timedelta(days=7), True, 2))
    [again] = [t for t in await store.find("tasks", Query.of(status="open"))
               if t.get("attempt") == 2]
    assert (again["reason"], again["also"]) == ("balita_tidak_ditimbang", ["imunisasi_terlewat"])
    tasks.append(again)
    for task in tasks:  # the kader visits; the next rounds must not reopen anything
        await _complete(store, task)
    assert await visit_defaulters(rt, now) == 0
    assert await visit_defaulters(rt, datetime(2026, 11, 29, tzinfo=UTC)) == 0
    await store.close()


async def test_posyandu_days_end_by_the_local_calendar(rt: Runtime) -> None:
    """At 16:00 UTC on 24 Nov it is already the 25th in Jayapura (WIT) – the weighing
    cut-off – and still the 24th in Semarang (WIB): only the Papuan child is visited, and
    her task is due at the end of a Jayapura day."""
    store = rt.store
    on_recorded = handlers(rt.settings)[ScreeningRecorded]
    papua = screening("jayapura", 20, [], date(2026, 10, 14)).model_copy(
        update={"desa_code": "91.71.01.1001"})
    async with store.transaction() as tx:
        await on_recorded(tx, screening("semarang", 20, [], date(2026, 10, 14)))
        await on_recorded(tx, papua)
    assert await visit_defaulters(rt, datetime(2026, 11, 24, 16, 0, tzinfo=UTC)) == 1
    [task] = await store.find("tasks", Query.of(status="open"))
    assert task["person_id"] == "jayapura"
    assert datetime.fromisoformat(task["due_at"]) == datetime(2026, 12, 2, 23, 59, tzinfo=WIT)
    assert await visit_defaulters(rt, datetime(2026, 11, 24, 17, 0, tzinfo=UTC)) == 1  # WIB


async def test_a_missed_dose_rides_on_the_finding_visit_and_outlives_its_voiding(
        rt: Runtime) -> None:
    """An underweight child who also missed a dose: the kader goes once for both. When the
    weighing is voided (entered in error), its visit goes, and the dose is still owed."""
    apply = handlers(rt.settings)
    underweight = screening("no-dpt", 4, ["HB0", "BCG", "OPV1"], date(2026, 11, 20)
                            ).model_copy(update={"findings": [Finding(code="underweight",
                                                                      severity="moderate")]})
    async with rt.store.transaction() as tx:
        await tx.put("workers", "kader-1", {"id": "kader-1", "role": "kader",
                                            "facility_id": "psy-1", "active": True,
                                            "area_code": "33.73.04.1001"})
        await apply[ScreeningRecorded](tx, underweight)
    assert await visit_defaulters(rt, datetime(2026, 11, 22, 3, tzinfo=UTC)) == 0
    [visit] = await rt.store.find("tasks")
    assert (visit["reason"], visit["also"]) == ("masalah_gizi_balita", ["imunisasi_terlewat"])
    async with rt.store.transaction() as tx:
        await apply[ScreeningVoided](tx, ScreeningVoided(
            screening_id=underweight.screening_id, person_id="no-dpt", period="2026-11",
            desa_code="33.73.04.1001", reason="salah anak"))
    tasks = {t["reason"]: t for t in await rt.store.find("tasks")}
    assert tasks["masalah_gizi_balita"]["status"] == "cancelled"
    dose = tasks["imunisasi_terlewat"]
    assert (dose["status"], dose["assignee_id"], dose["screening_ids"]) == ("open", "kader-1", [])
    assert "missed_DPT-HB-Hib1" in dose["findings"]
    assert dose["due_at"] == visit["joined"]["imunisasi_terlewat"]["due_at"]
    # The round does not open it a second time.
    assert await visit_defaulters(rt, datetime(2026, 11, 29, 3, tzinfo=UTC)) == 0


async def _complete(store: SqliteStore, task: dict) -> None:
    from ilp_notify.domain.tasks import task_key

    async with store.transaction() as tx:
        await tx.put("tasks", task["task_id"], {**task, "status": "completed"})
        await tx.delete("open_tasks", task_key(task["person_id"], task["reason"]))


async def test_digest_workers_get_one_message_a_day_instead_of_one_per_task(tmp_path) -> None:
    import json

    from ilp_notify.delivery import queue
    from ilp_notify.domain.delivery import render
    from ilp_notify.scheduler import send_digests

    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    settings = ServiceSettings(service="notify", smtp_host="127.0.0.1", digest_hour=6)
    rt = Runtime(settings, store)
    task = {"task_id": "t-1", "person_id": "p", "reason": "masalah_gizi_balita",
            "role": "kader", "assignee_id": "kader-digest", "priority": "high",
            "due_at": "2026-11-27T23:59:00+07:00", "desa_code": "33.73.04.1001",
            "posyandu_id": "psy-1", "status": "open"}
    async with store.transaction() as tx:
        for worker_id, digest in (("kader-digest", True), ("kader-now", False)):
            await tx.put("workers", worker_id, {"id": worker_id, "role": "kader",
                                                "email": f"{worker_id}@puskesmas.id",
                                                "daily_digest": digest, "active": True})
        await tx.put("workers", "bidan-papua", {
            "id": "bidan-papua", "role": "bidan", "email": "bidan@pkm-jayapura.id",
            "daily_digest": True, "active": True, "area_code": "91.71.01.1001"})
        await tx.put("tasks", "t-1", task)
        await tx.put("tasks", "t-2", {**task, "task_id": "t-2", "assignee_id": "bidan-papua",
                                      "desa_code": "91.71.01.1001"})
        await queue(tx, settings, "task.created", task)
        await queue(tx, settings, "task.created", {**task, "assignee_id": "kader-now"})
    immediate = await store.find("deliveries")
    assert [d["url"] for d in immediate] == ["mailto:kader-now@puskesmas.id"]

    # Each worker at 06:00 of their own time: Jayapura (WIT) two hours before Semarang.
    assert await send_digests(rt, datetime(2026, 11, 23, 20, 0, tzinfo=UTC)) == 0  # 05:00 WIT
    assert await send_digests(rt, datetime(2026, 11, 23, 21, 30, tzinfo=UTC)) == 1  # 06:30 WIT
    assert await send_digests(rt, datetime(2026, 11, 23, 22, 0, tzinfo=UTC)) == 0  # 05:00 WIB
    assert await send_digests(rt, datetime(2026, 11, 23, 23, 30, tzinfo=UTC)) == 1  # 06:30
    assert await send_digests(rt, datetime(2026, 11, 24, 3, 0, tzinfo=UTC)) == 0  # same day
    papua, digest = sorted(await store.find("deliveries", Query.of(kind="digest")),
                           key=lambda d: d["url"])
    assert papua["url"] == "mailto:bidan@pkm-jayapura.id"
    assert digest["url"] == "mailto:kader-digest@puskesmas.id"
    subject, text, sms = render(json.loads(digest["body"]))
    assert subject == "Ringkasan harian 2026-11-24: 1 kunjungan rumah"
    assert "- Balita bermasalah gizi (stunting, BB kurang, gizi kurang, BB tidak naik), " \
           "desa 33.73.04.1001" in text and "batas 2026-11-27" in sms
    await store.close()


async def test_rounds_reach_every_defaulter_however_many_there_are(rt: Runtime) -> None:
    """A kabupaten has thousands of hypertensive adults and balita who missed a month –
    more than one round reads. Each round moves what it read past today, so the next
    round reaches the next ones: all of them get one visit, none a second."""
    store = rt.store
    on_recorded = handlers(rt.settings)[ScreeningRecorded]
    adults, children = 1_200, 2_500  # a round reads 500 adults and 2,000 children
    async with store.transaction() as tx:
        for n in range(adults):
            await on_recorded(tx, ScreeningRecorded(
                screening_id=f"s-a{n}", person_id=f"a{n}", stage="usia_dewasa", sex="M",
                age_months=600, screened_on=date(2026, 9, 1 + n % 28), period="2026-09",
                desa_code="33.73.04.1001", posyandu_id="psy-1",
                measurements={"systolic": 150, "diastolic": 95},
                findings=[Finding(code="hypertension_grade_1", severity="moderate")]))
        for n in range(children):
            await on_recorded(tx, screening(f"c{n}", 20, [], date(2026, 10, 1 + n % 28)))
    now = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    rounds = []
    while opened := await visit_defaulters(rt, now):
        rounds.append(opened)
    assert sum(rounds) == adults + children and len(rounds) > 1
    tasks = await store.find("tasks")
    assert len({(t["person_id"], t["reason"]) for t in tasks}) == len(tasks) == sum(rounds)


async def test_a_prediabetic_adult_not_tested_for_three_months_gets_the_kader(rt: Runtime) -> None:
    store = rt.store
    on_recorded = handlers(rt.settings)[ScreeningRecorded]

    def adult(person: str, stage: str, measurements: dict, codes: list[str]
              ) -> ScreeningRecorded:
        return ScreeningRecorded(
            screening_id=f"s-{person}", person_id=person, stage=stage, sex="F",
            age_months=480, screened_on=date(2026, 8, 3), period="2026-08",
            desa_code="33.73.04.1001", posyandu_id="psy-1", measurements=measurements,
            findings=[Finding(code=c, severity="moderate") for c in codes])

    async with store.transaction() as tx:
        await on_recorded(tx, adult("ani", "usia_dewasa", {"glucose_fasting": 110},
                                    ["prediabetes"]))
        # a pregnant woman's weight is not an obesity watch (her BMI is not an adult's)
        await on_recorded(tx, adult("ibu", "ibu_hamil", {"weight_kg": 90, "height_cm": 150},
                                    ["obese_2"]))
    assert await visit_defaulters(rt, datetime(2026, 11, 26, 3, 0, tzinfo=UTC)) == 1
    [task] = await store.find("tasks")
    assert (task["person_id"], task["reason"], task["role"]) == (
        "ani", "evaluasi_prediabetes", "kader")


def test_a_pregnant_woman_late_for_anc_until_her_delivery() -> None:
    from ilp_notify.domain.defaulters import missed_anc, pregnancy_watch

    t2 = pregnancy_watch(None, date(2026, 9, 1), 20)  # 8 weeks between contacts in T1–T2
    assert (t2["edd"], t2["anc_check_on"]) == ("2027-01-19", "2026-10-28")
    assert missed_anc(t2, date(2026, 10, 27), WIB) is None
    need = missed_anc(t2, date(2026, 10, 28), WIB)
    assert (need.reason, need.role) == ("ibu_hamil_tidak_anc", "kader")
    t3 = pregnancy_watch(t2, date(2026, 11, 10), 30)  # 4 weeks in T3
    assert t3["anc_check_on"] == "2026-12-09"
    assert pregnancy_watch(t3, date(2026, 10, 1), 24) is None  # an older contact, late
    at_term = pregnancy_watch(None, date(2026, 11, 10), 38)  # delivers before it is late
    assert at_term["anc_check_on"] == NEVER


def pregnant(person: str, on: date, weeks: int, measures: dict[str, float] | None = None,
             findings: tuple[str, ...] = (), screening_id: str | None = None
             ) -> ScreeningRecorded:
    """A pregnant woman's ANC contact at a Salatiga posyandu."""
    return ScreeningRecorded(
        screening_id=screening_id or f"s-{person}-{on}", person_id=person, stage="ibu_hamil",
        sex="F", age_months=300, screened_on=on, period=on.isoformat()[:7],
        desa_code="33.73.04.1001", posyandu_id="psy-1",
        measurements={**(measures or {}), "gestational_weeks": weeks},
        findings=[Finding(code=code, severity="moderate") for code in findings])


async def test_the_kader_visits_a_pregnant_woman_who_missed_anc(rt: Runtime) -> None:
    store = rt.store
    on_recorded = handlers(rt.settings)[ScreeningRecorded]
    async with store.transaction() as tx:
        await on_recorded(tx, pregnant("sri", date(2026, 9, 1), 16, {"weight_kg": 55}))
        await on_recorded(tx, pregnant("ayu", date(2026, 9, 1), 16, {"weight_kg": 55}))
        await on_recorded(tx, pregnant("ayu", date(2026, 10, 1), 20, {"weight_kg": 55}))  # again
    now = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
    assert await visit_defaulters(rt, now) == 1
    [task] = await store.find("tasks")
    assert (task["person_id"], task["reason"]) == ("sri", "ibu_hamil_tidak_anc")
    assert await visit_defaulters(rt, now) == 0  # once


async def test_a_voided_screening_keeps_nobody_under_watch(rt: Runtime) -> None:
    from ilp_contracts import ScreeningVoided

    store = rt.store
    apply = handlers(rt.settings)
    wrong = pregnant("ani", date(2026, 9, 1), 16, {"systolic": 120}, screening_id="s-wrong")
    async with store.transaction() as tx:
        await apply[ScreeningRecorded](tx, wrong)
        assert await tx.get("pregnancies", "ani") is not None
        await apply[ScreeningVoided](tx, ScreeningVoided(
            screening_id="s-wrong", person_id="ani", period="2026-09",
            desa_code="33.73.04.1001", reason="salah orang"))
    assert await visit_defaulters(rt, datetime(2026, 11, 2, 3, 0, tzinfo=UTC)) == 0
    assert await store.find("pregnancies") == []


BORN = date(2026, 11, 10)


def birth(**changes: object) -> BirthRecorded:
    """Ibu-1's daughter bayi-1, born on BORN in Salatiga and recorded that day."""
    return BirthRecorded(**{"birth_id": "b-1", "mother_id": "ibu-1", "baby_id": "bayi-1",
                            "baby_sex": "F", "born_on": BORN, "desa_code": "33.73.04.1001",
                            "posyandu_id": "psy-1",
                            "occurred_at": datetime(2026, 11, 10, 5, tzinfo=UTC), **changes})


def test_postnatal_visits_open_in_their_windows_and_each_once() -> None:
    """KF1/KN1 on the day of birth (due by day 2), KF2/KN2 from day 3 (by 7), KF3/KN3
    from day 8 (by 28), KF4 from day 29 (by 42); a round on any day opens what is due."""
    state, opened = postnatal_watch(BORN, 3100), []
    for day in range(60):
        due, state = postnatal_visits(state, BORN + timedelta(days=day), WIT)
        opened += [(day, visit.reason, need.due_at.date(), need.priority) for visit, need in due]
    assert [(day, reason) for day, reason, _, _ in opened] == [
        (0, "kunjungan_nifas_kf1"), (0, "kunjungan_neonatal_kn1"),
        (3, "kunjungan_nifas_kf2"), (3, "kunjungan_neonatal_kn2"),
        (8, "kunjungan_nifas_kf3"), (8, "kunjungan_neonatal_kn3"), (29, "kunjungan_nifas_kf4")]
    assert [due - BORN for _, _, due, _ in opened] == [
        timedelta(days=d) for d in (2, 2, 7, 7, 28, 28, 42)]
    assert [p for *_, p in opened] == ["urgent", "urgent"] + ["high"] * 5
    assert state["visit_check_on"] == NEVER
    due, _ = postnatal_visits(postnatal_watch(BORN, None), BORN, WIT)
    assert due[0][1].due_at == datetime(2026, 11, 12, 23, 59, tzinfo=WIT)  # local day's end


def test_a_birth_recorded_late_gets_only_the_visits_still_possible() -> None:
    due, state = postnatal_visits(postnatal_watch(BORN, None), BORN + timedelta(days=10), WIB)
    assert [visit.reason for visit, _ in due] == ["kunjungan_nifas_kf3", "kunjungan_neonatal_kn3"]
    assert state["visit_check_on"] == (BORN + timedelta(days=29)).isoformat()
    due, state = postnatal_visits(postnatal_watch(BORN, None), BORN + timedelta(days=50), WIB)
    assert (due, state["visit_check_on"]) == ([], NEVER)


def test_a_low_birth_weight_baby_is_visited_urgently_every_time() -> None:
    state, priorities = postnatal_watch(BORN, 2300), {}
    for day in (0, 3, 8):
        due, state = postnatal_visits(state, BORN + timedelta(days=day), WIB)
        priorities.update({visit.reason: need.priority for visit, need in due})
    assert {r: p for r, p in priorities.items() if "neonatal" in r} == {
        "kunjungan_neonatal_kn1": "urgent", "kunjungan_neonatal_kn2": "urgent",
        "kunjungan_neonatal_kn3": "urgent"}
    assert priorities["kunjungan_nifas_kf2"] == "high"


async def test_the_bidan_visits_mother_and_baby_as_each_window_opens(rt: Runtime) -> None:
    store = rt.store
    jayapura = birth(desa_code="91.71.03.2001",
                     occurred_at=datetime(2026, 11, 10, 20, 0, tzinfo=UTC))
    async with store.transaction() as tx:
        await tx.put("workers", "bidan-1", {"id": "bidan-1", "role": "bidan", "active": True,
                                            "facility_id": "pustu-1",
                                            "area_code": "91.71.03.2001"})
        await handlers(rt.settings)[BirthRecorded](tx, jayapura)  # 05:00 WIT on 11 November
    tasks = await store.find("tasks")
    assert sorted((t["person_id"], t["reason"], t["assignee_id"]) for t in tasks) == [
        ("bayi-1", "kunjungan_neonatal_kn1", "bidan-1"),
        ("ibu-1", "kunjungan_nifas_kf1", "bidan-1")]
    assert await visit_defaulters(rt, datetime(2026, 11, 12, 3, 0, tzinfo=UTC)) == 0
    # 00:30 WIT on 13 November (day 3 in Jayapura, still the 12th in Jakarta): KF2 and KN2
    assert await visit_defaulters(rt, datetime(2026, 11, 12, 15, 30, tzinfo=UTC)) == 2
    assert await visit_defaulters(rt, datetime(2026, 11, 13, 3, 0, tzinfo=UTC)) == 0  # once
    assert await visit_defaulters(rt, datetime(2026, 11, 30, 3, 0, tzinfo=UTC)) == 2  # KF3, KN3
    assert await visit_defaulters(rt, datetime(2026, 12, 15, 3, 0, tzinfo=UTC)) == 1  # KF4
    assert await visit_defaulters(rt, datetime(2027, 1, 30, 3, 0, tzinfo=UTC)) == 0
    assert len(await store.find("tasks")) == len(POSTNATAL_VISITS)


async def test_a_voided_birth_cancels_its_visits_but_not_a_twins(rt: Runtime) -> None:
    store = rt.store
    on = handlers(rt.settings)
    births = [birth(birth_id=f"b-{n}", baby_id=f"bayi-{n}", born_on=born)
              for n, born in ((0, date(2024, 6, 1)), (1, BORN), (2, BORN))]  # an elder child

    def voided(record: BirthRecorded) -> BirthVoided:
        return BirthVoided(birth_id=record.birth_id, mother_id="ibu-1", baby_id=record.baby_id,
                           desa_code=record.desa_code, reason="salah input")

    async with store.transaction() as tx:
        for record in births:
            await on[BirthRecorded](tx, record)
        await on[BirthVoided](tx, voided(births[2]))

    async def open_visits() -> list[tuple[str, str]]:
        return sorted((t["person_id"], t["reason"])
                      for t in await store.find("tasks", Query.of(status="open")))

    assert await open_visits() == [("bayi-1", "kunjungan_neonatal_kn1"),
                                   ("ibu-1", "kunjungan_nifas_kf1")]  # the mother's stays
    async with store.transaction() as tx:  # the elder child's birth keeps nothing open
        await on[BirthVoided](tx, voided(births[1]))
    assert await open_visits() == []
    assert await visit_defaulters(rt, datetime(2026, 11, 14, 3, tzinfo=UTC)) == 0  # no KF2


async def test_a_mothers_visits_of_twins_name_one_birth_each_babys_its_own(rt: Runtime) -> None:
    """So PWS can tell her KF1–KF4 of one delivery apart from another delivery's, however
    the rounds take the twins' records (birth ids are ordered by creation)."""
    store = rt.store
    # The second twin typed in on day 3, before that day's round: its record opens KF2.
    for n, recorded in ((1, datetime(2026, 11, 10, 5, tzinfo=UTC)),
                        (2, datetime(2026, 11, 13, 1, tzinfo=UTC))):
        async with store.transaction() as tx:
            await handlers(rt.settings)[BirthRecorded](tx, birth(
                birth_id=f"b-{n}", baby_id=f"bayi-{n}", baby_sex="M", occurred_at=recorded))
    for when in (datetime(2026, 11, 13, 3, tzinfo=UTC), datetime(2026, 11, 18, 3, tzinfo=UTC),
                 datetime(2026, 12, 9, 3, tzinfo=UTC)):
        await visit_defaulters(rt, when)
    tasks = await store.find("tasks")
    assert sorted((t["reason"][-3:], t["birth_id"]) for t in tasks
                  if t["person_id"] == "ibu-1") == [
        ("kf1", "b-1"), ("kf2", "b-1"), ("kf3", "b-1"), ("kf4", "b-1")]
    assert {(t["person_id"], t["birth_id"]) for t in tasks if t["person_id"] != "ibu-1"} == {
        ("bayi-1", "b-1"), ("bayi-2", "b-2")}


async def test_postnatal_visits_a_register_shows_made_are_recorded_not_opened(rt: Runtime
                                                                            ) -> None:
    """A Kohort typed in on day 10 shows KF1 and KN1 made on day 1 and KF3 on day 9: they
    are recorded made – created and completed on their day, on time, sending nobody –, the
    open KN3 is the only visit left, and later rounds open KF4 but not KF3. The sheet sent
    again with KN3 made (an amendment) completes the open KN3 on its day; a twin's record
    with the same KF1 records it once."""
    from ilp_contracts import BirthAmended, TaskCompleted, TaskCreated

    store = rt.store
    on = handlers(rt.settings)
    made = {"KF1": BORN + timedelta(days=1), "KN1": BORN + timedelta(days=1),
            "KF3": BORN + timedelta(days=9)}
    typed_in = datetime(2026, 11, 20, 3, tzinfo=UTC)  # day 10
    async with store.transaction() as tx:
        await on[BirthRecorded](tx, birth(postnatal_visits=made, occurred_at=typed_in))

    async def tasks() -> list[tuple[str, str, str]]:
        return sorted((t["person_id"], t["reason"][-3:], t.get("completed_at", "open")[:10])
                      for t in await store.find("tasks"))
    assert await tasks() == [("bayi-1", "kn1", "2026-11-11"), ("bayi-1", "kn3", "open"),
                             ("ibu-1", "kf1", "2026-11-11"), ("ibu-1", "kf3", "2026-11-19")]
    sent = {TaskCreated.SUBJECT: TaskCreated, TaskCompleted.SUBJECT: TaskCompleted}
    events = [sent[record.subject].model_validate_json(record.body)
              for record in await store.pending_outbox(1000) if record.subject in sent]
    made_ones = [e for e in events if isinstance(e, TaskCreated) and e.reason.endswith("kf1")]
    assert [e.occurred_at.date() for e in made_ones] == [date(2026, 11, 11)]  # PWS's month
    assert all(e.recorded_made for e in made_ones)  # made, not a visit a worker was sent on
    assert all(e.on_time for e in events if isinstance(e, TaskCompleted))
    assert await store.find("deliveries") == []
    assert await visit_defaulters(rt, datetime(2026, 12, 9, 3, tzinfo=UTC)) == 1  # KF4 only
    async with store.transaction() as tx:
        await on[BirthAmended](tx, BirthAmended(**{
            **birth(postnatal_visits={**made, "KN3": BORN + timedelta(days=20)}).model_dump(),
            "version": 2, "reason": "dikoreksi dari register"}))
        await on[BirthRecorded](tx, birth(birth_id="b-2", baby_id="bayi-2",
                                          postnatal_visits={"KF1": BORN + timedelta(days=1)},
                                          occurred_at=typed_in))
    assert [(p, r, d) for p, r, d in await tasks() if p != "bayi-2"] == [
        ("bayi-1", "kn1", "2026-11-11"), ("bayi-1", "kn3", "2026-11-30"),
        ("ibu-1", "kf1", "2026-11-11"), ("ibu-1", "kf3", "2026-11-19"),
        ("ibu-1", "kf4", "open")]  # the twin's record adds none of hers
    assert [(p, r, d) for p, r, d in await tasks() if p == "bayi-2"] == [
        ("bayi-2", "kn3", "open")]  # the twin's own visit still to make


def test_a_hypertensive_remaja_from_15_is_followed_up_as_adults_are() -> None:
    from ilp_contracts.monitoring import ncd_monitored

    assert ncd_monitored("anak_remaja", 16 * 12) and ncd_monitored("usia_dewasa", 30 * 12)
    assert not ncd_monitored("anak_remaja", 14 * 12 + 11)
    assert not ncd_monitored("balita", 20)


async def test_the_round_visits_a_hypertensive_remaja_without_a_bp_check(rt: Runtime) -> None:
    store = rt.store
    teen = ScreeningRecorded(
        screening_id="s-teen", person_id="teen", stage="anak_remaja", sex="M",
        age_months=16 * 12, screened_on=date(2026, 9, 15), period="2026-09",
        desa_code="33.73.04.1001", posyandu_id="psy-1",
        measurements={"systolic": 150, "diastolic": 95},
        findings=[Finding(code="hypertension_grade_1", severity="moderate")])
    async with store.transaction() as tx:
        await handlers(rt.settings)[ScreeningRecorded](tx, teen)
    assert await visit_defaulters(rt, datetime(2026, 10, 20, 3, 0, tzinfo=UTC)) == 1
    [task] = await store.find("tasks")
    assert (task["person_id"], task["reason"]) == ("teen", "kontrol_hipertensi")


async def test_a_corrected_birth_moves_the_visits_not_yet_made(rt: Runtime) -> None:
    """Recorded on the day of birth as 3,100 g; corrected on day 1 to 2,300 g, born the day
    before: the open KN1 becomes urgent and due a day earlier, KF1 already made stays made,
    and KF2/KN2 open from the corrected day 3. An older correction arriving late changes
    nothing."""
    from ilp_contracts import BirthAmended
    from ilp_notify.domain.tasks import task_key

    store = rt.store
    on = handlers(rt.settings)
    recorded = birth(birth_weight_g=3100)
    corrected = BirthAmended(**{**recorded.model_dump(exclude={"event_id", "occurred_at"}),
                                "born_on": BORN - timedelta(days=1), "birth_weight_g": 2300,
                                "version": 2, "reason": "salah ketik"},
                             occurred_at=datetime(2026, 11, 11, 5, tzinfo=UTC))
    async with store.transaction() as tx:
        await on[BirthRecorded](tx, recorded)
        kf1 = await tx.get("open_tasks", task_key("ibu-1", "kunjungan_nifas_kf1"))
        await tx.put("tasks", kf1["task_id"], {**await tx.get("tasks", kf1["task_id"]),
                                               "status": "completed"})
        await tx.delete("open_tasks", task_key("ibu-1", "kunjungan_nifas_kf1"))
        await on[BirthAmended](tx, corrected)
        await on[BirthAmended](tx, corrected.model_copy(update={"version": 2,  # again
                                                                "birth_weight_g": 3100}))
    tasks = {t["reason"]: t for t in await store.find("tasks")}
    kn1 = tasks["kunjungan_neonatal_kn1"]
    assert (kn1["priority"], kn1["due_at"][:10]) == ("urgent", "2026-11-11")  # day 2
    assert tasks["kunjungan_nifas_kf1"]["status"] == "completed"
    assert len(tasks) == 2
    # day 3 counted from the corrected birth (9 Nov) is 12 Nov
    assert await visit_defaulters(rt, datetime(2026, 11, 12, 3, 0, tzinfo=UTC)) == 2
    tasks = {t["reason"]: t for t in await store.find("tasks")}
    assert tasks["kunjungan_neonatal_kn2"]["priority"] == "urgent"  # under 2,500 g


async def test_a_baby_who_died_gets_no_more_visits_but_the_mother_does(rt: Runtime) -> None:
    from ilp_notify.handlers import forget_person

    store = rt.store
    async with store.transaction() as tx:
        await handlers(rt.settings)[BirthRecorded](tx, birth())
        await forget_person(tx, rt.settings, "bayi-1", "person_died")
    visits = {t["reason"]: t["status"] for t in await store.find("tasks")}
    assert visits == {"kunjungan_nifas_kf1": "open", "kunjungan_neonatal_kn1": "cancelled"}
    assert await visit_defaulters(rt, datetime(2026, 11, 13, 3, 0, tzinfo=UTC)) == 1  # KF2
    assert {t["reason"] for t in await store.find("tasks", Query.of(status="open"))} == {
        "kunjungan_nifas_kf1", "kunjungan_nifas_kf2"}


def test_kek_is_accompanied_each_month_of_its_90_days() -> None:
    oct1 = date(2026, 10, 1)
    state = pmt_watch(None, oct1, {"kek"}, True)
    assert (state["pmt_visit_on"], state["pmt_until"]) == ("2026-10-31", "2026-12-30")
    assert missed_pmt(state, date(2026, 10, 30), WIB) is None
    need = missed_pmt(state, date(2026, 10, 31), WIB)
    assert (need.reason, need.role, need.priority) == ("pendampingan_ibu_hamil_kek", "kader",
                                                       "high")
    assert next_pmt_visit(state, date(2026, 10, 31)) == "2026-11-30"
    assert next_pmt_visit(state, date(2026, 11, 30)) == NEVER  # the 90 days end on 30 Dec
    assert missed_pmt({**state, "pmt_visit_on": "2026-12-31"}, date(2026, 12, 31), WIB) is None
    # A LiLA no longer KEK ends it; a contact without LiLA says nothing, nor an older one.
    assert pmt_watch(state, date(2026, 10, 20), set(), True)["pmt_visit_on"] == NEVER
    assert pmt_watch(state, date(2026, 10, 20), set(), False) is None
    assert pmt_watch(state, date(2026, 9, 20), {"kek"}, True) is None
    assert pmt_watch(None, oct1, set(), True) is None  # never KEK: nothing to accompany
    # Still KEK a month later: the 90 days start again from then.
    assert pmt_watch(state, date(2026, 11, 1), {"kek"}, True)["pmt_until"] == "2027-01-30"


async def test_the_kader_accompanies_a_kek_pregnancy_until_her_delivery(rt: Runtime) -> None:
    store = rt.store
    apply = handlers(rt.settings)
    kek = pregnant("ibu-1", date(2026, 10, 1), 20, {"muac_cm": 22.0}, findings=("kek",))
    async with store.transaction() as tx:
        await apply[ScreeningRecorded](tx, kek)

    async def visits() -> list[dict]:  # her own, or made with another visit of a round
        return [t for t in await store.find("tasks")
                if "pendampingan_ibu_hamil_kek" in (t["reason"], *t.get("also", ()))]

    [first] = await visits()  # the finding's own visit
    await _complete(store, first)  # the kader visits
    for day, expected in ((datetime(2026, 10, 30, 3, tzinfo=UTC), 1),  # not a month yet
                          (datetime(2026, 10, 31, 3, tzinfo=UTC), 2),
                          (datetime(2026, 11, 30, 3, tzinfo=UTC), 3),
                          (datetime(2026, 12, 30, 3, tzinfo=UTC), 3)):  # the 90 days are over
        await visit_defaulters(rt, day)
        found = await visits()
        assert len(found) == expected, day
        for task in found:
            if task["status"] == "open":
                await _complete(store, task)
    # Screened KEK again in December, then delivered: her accompaniment ends with the birth.
    async with store.transaction() as tx:
        await apply[ScreeningRecorded](tx, pregnant("ibu-1", date(2026, 12, 1), 29,
                                                     {"muac_cm": 22.5}, findings=("kek",)))
        assert await tx.get("pmt_watch", "ibu-1") is not None
        await apply[BirthRecorded](tx, birth(born_on=date(2026, 12, 20), occurred_at=datetime(
            2026, 12, 20, 5, tzinfo=UTC)))
        assert await tx.get("pmt_watch", "ibu-1") is None


async def test_a_reason_with_its_own_open_visit_joins_no_other(rt: Runtime) -> None:
    """A child with an open missed-weighing visit and an open missed-dose visit: the dose
    found again stays with its own visit, not named twice."""
    from ilp_notify.domain.tasks import TaskNeed
    from ilp_notify.visits import join_visit

    due = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    async with rt.store.transaction() as tx:
        for reason in ("balita_tidak_ditimbang", "imunisasi_terlewat"):
            await tx.put("tasks", reason, {
                "task_id": reason, "person_id": "p1", "reason": reason, "role": "kader",
                "status": "open", "screening_ids": [], "findings": [],
                "due_at": due.isoformat()})
            await tx.put("open_tasks", f"p1|{reason}", {"task_id": reason})
        dose = TaskNeed("imunisasi_terlewat", "kader", "routine", due)
        assert not await join_visit(tx, rt.settings, dose, "p1", ["missed_MR1"])
        another = TaskNeed("lansia_tidak_datang", "kader", "routine", due)
        assert await join_visit(tx, rt.settings, another, "p1", [])
    assert [t.get("also", []) for t in await rt.store.find("tasks")] == [
        ["lansia_tidak_datang"], []]


def test_the_vitamin_a_sweeping_falls_due_after_its_months_posyandu_days() -> None:
    """The bulan vitamin A (February, August): a child of the capsule's age without one
    by the 25th of its month is swept for; one given hers waits for the next round; one
    not 6 months old by then waits for the round she is; a visit after the 25th looks to
    the next round; one who turns 5 before them is not followed."""
    def check(on: date, age: int, capsule: bool = False, rounds: tuple[int, ...] = (2, 8),
              before: dict | None = None) -> str:
        state = child_watch(before, on, age, True, [], capsule, rounds)
        assert state is not None
        return state["vitamin_a_check_on"]
    assert check(date(2026, 1, 12), 20) == "2026-02-25"
    assert check(date(2026, 2, 10), 20) == "2026-02-25"  # weighed without it
    assert check(date(2026, 2, 10), 20, capsule=True) == "2026-08-25"
    assert check(date(2026, 1, 31), 20, capsule=True) == "2026-02-25"  # August's, late
    assert check(date(2026, 2, 26), 20) == "2026-08-25"
    assert check(date(2026, 1, 12), 4) == "2026-08-25"  # 5 months by 25 February
    assert check(date(2026, 1, 12), 5) == "2026-02-25"  # 6 (at the youngest) by then
    assert check(date(2026, 9, 1), 53) == "2027-02-25"  # 58 months by then
    assert check(date(2026, 9, 1), 57) == NEVER  # 62 months by the next round
    assert check(date(2026, 9, 1), 20, rounds=(4, 10)) == "2026-10-25"  # months moved
    # an older visit arriving late does not undo a capsule recorded since
    given_it = child_watch(None, date(2026, 2, 10), 20, True, [], True)
    assert check(date(2026, 1, 12), 19, before=given_it) == "2026-08-25"


async def test_the_kader_sweeps_for_the_capsule_where_her_posyandu_records_them(
        rt: Runtime) -> None:
    """25 February: Dewi, weighed in February without a capsule, gets the kader; so does
    Rina, weighed in January and not since – in the visit for her missed weighing. Sari
    had hers. At another posyandu, which records no capsules here, nobody is swept for –
    a capsule not written is not one not given –, unless its capsules come in by the 1st."""
    on_recorded = handlers(rt.settings)[ScreeningRecorded]

    def weighed(person: str, on: date, capsule: bool | None = None,
                posyandu: str = "psy-1") -> ScreeningRecorded:
        return ScreeningRecorded(
            screening_id=f"s-{person}-{on}", person_id=person, stage="balita", sex="F",
            age_months=20, screened_on=on, period=on.isoformat()[:7],
            desa_code="33.73.04.1001", posyandu_id=posyandu, measurements={"weight_kg": 10.0},
            checks={} if capsule is None else {"vitamin_a": capsule})

    async with rt.store.transaction() as tx:
        await on_recorded(tx, weighed("rina", date(2026, 1, 12)))
        await on_recorded(tx, weighed("dewi", date(2026, 2, 10), capsule=False))
        await on_recorded(tx, weighed("sari", date(2026, 2, 10), capsule=True))
        await on_recorded(tx, weighed("tuti", date(2026, 2, 10), posyandu="psy-2"))
    assert await visit_defaulters(rt, datetime(2026, 2, 24, 3, 0, tzinfo=UTC)) == 0
    now = datetime(2026, 2, 25, 3, 0, tzinfo=UTC)
    await visit_defaulters(rt, now)
    swept = await rt.store.find("tasks", Query.of(reason="sweeping_vitamin_a"))
    assert [(t["person_id"], t["role"], t["findings"]) for t in swept] == [
        ("dewi", "kader", ["vitamin_a_2026-02"])]
    [rina] = await rt.store.find("tasks", Query.of(person_id="rina"))
    assert (rina["reason"], rina["also"]) == ("balita_tidak_ditimbang", ["sweeping_vitamin_a"])
    assert await visit_defaulters(rt, now + timedelta(days=2)) == 0
    assert len(await rt.store.find("tasks", Query.of(status="open"))) == 2
    # the other posyandu's register, entered on the 27th, records its capsules after all:
    # on 1 March Tuti, still without hers, gets the kader too
    async with rt.store.transaction() as tx:
        await on_recorded(tx, weighed("wati", date(2026, 2, 10), True, posyandu="psy-2"))
    assert await visit_defaulters(rt, datetime(2026, 3, 1, 3, 0, tzinfo=UTC)) == 1
    [tuti] = await rt.store.find("tasks", Query.of(person_id="tuti"))
    assert (tuti["reason"], tuti["findings"]) == ("sweeping_vitamin_a", ["vitamin_a_2026-02"])


def test_a_round_long_past_sends_nobody() -> None:
    """A register of January entered in December: February's capsules are not given out
    any more – no sweeping for them (the child's next visit looks to the next round)."""
    state = child_watch(None, date(2026, 1, 12), 20, True, [])
    assert state is not None
    need = vitamin_a_sweeping(state, date(2026, 3, 31), WIB)
    assert need is not None and need.reason == "sweeping_vitamin_a"
    assert vitamin_a_sweeping(state, date(2026, 4, 1), WIB) is None
    assert vitamin_a_sweeping(state, date(2026, 12, 5), WIB) is None


def test_a_posyandu_that_records_its_capsules_after_the_25th_is_looked_at_once_more() -> None:
    """Its register entered after the round's day: the child is looked at again on the
    1st of the next month (then swept for, if her posyandu recorded capsules by then),
    and only once."""
    state = child_watch(None, date(2026, 2, 10), 20, True, [])
    assert state is not None and state["vitamin_a_check_on"] == "2026-02-25"
    assert vitamin_a_next_check(state, recorded=True) == NEVER  # swept for
    again = {**state, "vitamin_a_check_on": vitamin_a_next_check(state, recorded=False)}
    assert again["vitamin_a_check_on"] == "2026-03-01"
    need = vitamin_a_sweeping(again, date(2026, 3, 1), WIB)
    assert need is not None and need.reason == "sweeping_vitamin_a"
    assert vitamin_a_next_check(again, recorded=False) == NEVER


@given(st.dates(date(2021, 1, 1), date(2026, 6, 1)),
       st.lists(st.tuples(st.integers(1, 70), st.booleans()), min_size=1, max_size=12),
       st.sampled_from([(2, 8), (8, 2), (4, 10), (11,)]))
def test_a_childs_vitamin_a_day_is_kept_only_where_working_it_out_again_gives_it(
        born, visits, rounds) -> None:
    """A visit before the round's day and without a capsule keeps the day already worked
    out: the same as working it out again, whatever the visits and the months."""
    state, on = None, born
    for days, capsule in visits:
        on += timedelta(days=days)
        months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
        state = child_watch(state, on, months, True, [], capsule, rounds)
        if state is None:
            return  # five: no longer a balita
        assert state["vitamin_a_check_on"] == vitamin_a_check(state, rounds)


async def test_a_lapse_shown_over_by_a_later_contact_cancels_its_visit(rt: Runtime) -> None:
    """Her contact of 20 October typed in from the Kohort in November, after the round sent
    the kader for an ANC contact missed since 1 September: she came after all – the visit
    is cancelled, the missed dose that joined a child's missed-weighing visit still owed
    when the child is weighed late; the same contact sent again, or an older one, cancels
    nothing."""
    store = rt.store
    on_recorded = handlers(rt.settings)[ScreeningRecorded]
    async with store.transaction() as tx:
        await on_recorded(tx, pregnant("sri", date(2026, 9, 1), 16, {"weight_kg": 55}))
        await on_recorded(tx, pregnant("ani", date(2026, 9, 1), 16, {"weight_kg": 55}))
        await on_recorded(tx, screening("no-dpt", 4, ["HB0", "BCG", "OPV1"], date(2026, 9, 14)))
    assert await visit_defaulters(rt, datetime(2026, 11, 2, 3, 0, tzinfo=UTC)) == 3
    async with store.transaction() as tx:
        await on_recorded(tx, pregnant("sri", date(2026, 10, 20), 23, {"weight_kg": 56}))
        await on_recorded(tx, pregnant("ani", date(2026, 9, 1), 16, {"weight_kg": 55},
                                       screening_id="s-ani-again"))  # the same day again
        await on_recorded(tx, pregnant("ani", date(2026, 8, 1), 12, {"weight_kg": 54}))
        await on_recorded(tx, screening("no-dpt", 6, [], date(2026, 11, 3)))  # weighed late
    tasks = {(t["person_id"], t["reason"]): t for t in await store.find("tasks")}
    assert tasks["sri", "ibu_hamil_tidak_anc"]["status"] == "cancelled"
    assert tasks["sri", "ibu_hamil_tidak_anc"]["cancel_reason"] == "came"
    assert tasks["ani", "ibu_hamil_tidak_anc"]["status"] == "open"
    assert tasks["no-dpt", "balita_tidak_ditimbang"]["status"] == "cancelled"
    assert tasks["no-dpt", "imunisasi_terlewat"]["status"] == "open"  # still owed


async def test_a_reason_shown_over_leaves_the_visit_it_had_joined(rt: Runtime) -> None:
    """Her missed ANC made in the KEK accompaniment's visit: a contact after all takes it
    out of that visit, which stays for its own reason."""
    from ilp_notify.visits import drop_moot

    store = rt.store
    host = {"task_id": "t-kek", "person_id": "eka", "reason": "pendampingan_ibu_hamil_kek",
            "status": "accepted", "also": ["ibu_hamil_tidak_anc"], "findings": ["kek"],
            "joined": {"ibu_hamil_tidak_anc": {"priority": "high", "findings": [],
                                               "due_at": "2026-11-09T15:00:00+00:00"}}}
    async with store.transaction() as tx:
        await tx.put("tasks", "t-kek", host)
        await drop_moot(tx, rt.settings, "eka", ["ibu_hamil_tidak_anc"], "came")
    [task] = await store.find("tasks")
    assert (task["status"], task["also"], task["joined"]) == ("accepted", [], {})


def test_a_childs_nutrition_problems_stay_open_until_looked_at_again_and_not_found() -> None:
    """T ends with the next weighing's N; underweight, stunting, gizi kurang and a low LiLA
    with their z-score or LiLA read again and not found – a weighing without the length
    leaves stunting open. An older screening arriving late changes nothing."""
    from ilp_notify.domain.defaulters import NUTRITION_VISITS, nutrition_followed, visits_over

    def after(state: dict, day: int, codes: set[str], measured: set[str]) -> dict:
        followed = nutrition_followed(state, date(2026, 3, day), codes, measured)
        assert followed is not None
        return followed
    start = after({}, 1, {"weight_not_increasing", "stunted"}, {"weight_kg", "haz", "waz"})
    assert start["nutrition"] == ["stunted", "weight_not_increasing"]
    weighed = after(start, 10, {"weight_gain_adequate"}, {"weight_kg", "waz"})
    assert weighed["nutrition"] == ["stunted"] and visits_over("child_watch", start, weighed) == []
    measured = after(weighed, 20, set(), {"weight_kg", "height_cm", "waz", "haz", "whz"})
    assert measured["nutrition"] == [] and visits_over("child_watch", weighed, measured) == [
        *NUTRITION_VISITS]
    assert after(start, 10, {"severely_stunted", "weight_gain_adequate"},
                 {"haz"})["nutrition"] == ["severely_stunted", "stunted"]  # worse: the bidan's
    young = after({}, 1, {"young_infant_malnutrition", "weight_not_increasing"}, {"weight_kg"})
    assert after(young, 10, {"weight_gain_adequate"}, {"weight_kg"})["nutrition"] == []
    assert nutrition_followed(weighed, date(2026, 2, 1), set(), {"haz"}) == weighed  # older
    assert nutrition_followed(None, date(2026, 3, 1), {"stunted"}, {"haz"}) is None
    lila = after({}, 1, {"lila_gizi_kurang"}, {"muac_cm"})
    assert after(lila, 2, set(), {"weight_kg"})["nutrition"] == ["lila_gizi_kurang"]
    assert after(lila, 2, set(), {"muac_cm"})["nutrition"] == []


async def test_a_years_register_sends_the_kader_only_for_the_problems_still_there(
        rt: Runtime) -> None:
    """A register by month typed in at once: February's T, then March's N – February's
    visit is over before the kader goes (`resolved`); November's T is visited."""
    store = rt.store
    on_recorded = handlers(rt.settings)[ScreeningRecorded]

    def weighing(month: int, code: str) -> ScreeningRecorded:
        on = date(2026, month, 12)
        return ScreeningRecorded(
            screening_id=f"s-rizki-{month}", person_id="rizki", stage="balita", sex="M",
            age_months=20 + month, screened_on=on, period=on.strftime("%Y-%m"),
            desa_code="33.73.04.1001", posyandu_id="psy-1",
            measurements={"weight_kg": 11.0, "waz": -1.0},
            findings=[Finding(code=code, severity="mild")])
    async with store.transaction() as tx:
        for month, code in ((2, "weight_not_increasing"), (3, "weight_gain_adequate"),
                            (11, "weight_not_increasing")):
            await on_recorded(tx, weighing(month, code))
    tasks = sorted((t["status"], t.get("cancel_reason"), t["screening_ids"])
                   for t in await store.find("tasks"))
    assert tasks == [("cancelled", "resolved", ["s-rizki-2"]), ("open", None, ["s-rizki-11"])]


async def test_a_years_register_sends_the_bidan_only_for_a_referral_still_needed(
        rt: Runtime) -> None:
    """A baby of 4 months not gaining (February, March: referred – the bidan and the
    kader, urgent), then growing every month: both visits stay while her stunting of
    February was not measured again, and are over (`resolved`) once August's length
    finds none; a gizi buruk whose weight-for-length is read again and found normal
    likewise. A referral whose problems are still there stays open."""
    store = rt.store
    on_recorded = handlers(rt.settings)[ScreeningRecorded]

    def weighing(person: str, month: int, codes: list[str], measured: dict[str, float]
                 ) -> ScreeningRecorded:
        on = date(2026, month, 12)
        return ScreeningRecorded(
            screening_id=f"s-{person}-{month}", person_id=person, stage="balita", sex="M",
            age_months=2 + month, screened_on=on, period=on.strftime("%Y-%m"),
            desa_code="73.06.08.1005", posyandu_id="psy-1",
            measurements={"weight_kg": 6.0, "waz": -1.0, **measured},
            findings=[Finding(code=code, severity="severe" if code == "gizi_buruk" else "mild")
                      for code in codes])
    referred = ["weight_not_increasing", "young_infant_malnutrition"]
    async with store.transaction() as tx:
        await on_recorded(tx, weighing("budi", 2, [*referred, "stunted"], {"haz": -2.2}))
        await on_recorded(tx, weighing("budi", 3, referred, {}))
        for month in (4, 5, 6, 7):
            await on_recorded(tx, weighing("budi", month, ["weight_gain_adequate"], {}))
        await on_recorded(tx, weighing("ari", 2, [*referred], {}))  # not weighed since
        await on_recorded(tx, weighing("dodi", 5, ["gizi_buruk"], {"whz": -3.4}))
    open_ = sorted((t["person_id"], t["reason"]) for t in await store.find(
        "tasks", Query.of(status="open")))
    assert open_ == [("ari", "pendampingan_rujukan_gizi"), ("ari", "rujukan_gizi_balita"),
                     ("budi", "pendampingan_rujukan_gizi"), ("budi", "rujukan_gizi_balita"),
                     ("dodi", "gizi_buruk_balita"), ("dodi", "pendampingan_gizi_buruk")]
    async with store.transaction() as tx:
        await on_recorded(tx, weighing("budi", 8, ["weight_gain_adequate"], {"haz": -1.1}))
        await on_recorded(tx, weighing("dodi", 6, [], {"whz": -1.2}))
    ended = sorted((t["person_id"], t["reason"], t["status"], t.get("cancel_reason"))
                   for t in await store.find("tasks") if t["person_id"] != "ari")
    assert ended == [("budi", "pendampingan_rujukan_gizi", "cancelled", "resolved"),
                     ("budi", "rujukan_gizi_balita", "cancelled", "resolved"),
                     ("dodi", "gizi_buruk_balita", "cancelled", "resolved"),
                     ("dodi", "pendampingan_gizi_buruk", "cancelled", "resolved")]


@pytest.fixture
async def sms_rt(tmp_path) -> AsyncIterator[Runtime]:
    """Notify with an SMS gateway and a webhook set up, on a store of its own."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    yield Runtime(ServiceSettings(service="notify", sms_url="http://sms.test/send",
                                  webhook_urls="http://hook.test/ilp"), store)
    await store.close()


def _gateway(sent: list[dict]) -> object:
    """A transport that answers every SMS and webhook post, keeping what was sent."""
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append({"host": request.url.host, **json.loads(request.content)})
        return httpx.Response(200)
    return httpx.MockTransport(answer)


async def test_a_worker_is_not_sent_a_visit_over_before_its_message_went(sms_rt: Runtime
                                                                         ) -> None:
    """Her SMS of a visit cancelled since (a later register showed it over) is not sent;
    the webhook still gets the notice, and a visit still open is sent."""
    import httpx
    from ilp_notify.delivery import add_deliveries, deliver_due
    from ilp_notify.domain.delivery import payload

    rt, store = sms_rt, sms_rt.store
    sent: list[dict] = []
    tasks = {"t-over": "cancelled", "t-open": "open"}
    async with store.transaction() as tx:
        for task_id, status in tasks.items():
            task = {"task_id": task_id, "person_id": task_id, "reason": "masalah_gizi_balita",
                    "role": "kader", "status": status, "priority": "high",
                    "due_at": "2026-12-12T15:59:00+00:00", "desa_code": "33.73.04.1001"}
            await tx.put("tasks", task_id, task)
            await add_deliveries(tx, ["sms:+62811", "http://hook.test/ilp"], "task.created",
                                 payload("task.created", task))
    async with httpx.AsyncClient(transport=_gateway(sent)) as client:
        assert await deliver_due(rt, client) == 4
    assert sorted(f"{m['host']} {m.get('to', '')}" for m in sent) == [
        "hook.test ", "hook.test ", "sms.test +62811"]
    skipped = [d for d in await store.find("deliveries") if d.get("skipped")]
    assert [json.loads(d["body"])["task"]["task_id"] for d in skipped] == ["t-over"]


async def test_a_worker_sent_a_visit_is_told_when_it_is_cancelled(sms_rt: Runtime) -> None:
    """She came to the posyandu after all: the kader who had the visit's SMS gets one more
    – no trip for nothing –, with why in words; a visit cancelled before its SMS went is
    sent neither. The webhook gets every cancellation, its reason in the task."""
    import httpx
    from ilp_notify.delivery import deliver_due, queue
    from ilp_notify.visits import cancel_open

    rt, store, settings = sms_rt, sms_rt.store, sms_rt.settings
    sent: list[dict] = []

    async def visit(person_id: str) -> None:
        task = {"task_id": f"t-{person_id}", "person_id": person_id,
                "reason": "balita_tidak_ditimbang", "role": "kader", "status": "open",
                "priority": "normal", "assignee_id": "kader-1",
                "due_at": "2026-12-12T15:59:00+00:00", "desa_code": "73.06.07.2002",
                "rw": "Dusun Bontoramba"}
        await tx.put("tasks", task["task_id"], task)
        await tx.put("open_tasks", f"{person_id}|balita_tidak_ditimbang",
                     {"task_id": task["task_id"]})
        await queue(tx, settings, "task.created", task)
    async with httpx.AsyncClient(transport=_gateway(sent)) as client:
        async with store.transaction() as tx:
            await tx.put("workers", "kader-1", {"worker_id": "kader-1", "phone": "+62811"})
            await visit("ani")
        assert await deliver_due(rt, client) == 2  # her SMS and the webhook's notice
        async with store.transaction() as tx:
            await visit("budi")  # opened and closed within moments: a register typed in
            for person_id in ("ani", "budi"):
                await cancel_open(tx, settings, person_id, "balita_tidak_ditimbang", "came")
        sent.clear()
        assert await deliver_due(rt, client) == 6
    sms = [m["text"] for m in sent if m["host"] == "sms.test"]
    assert sms == ["ILP: kunjungan rumah dibatalkan – Balita tidak ditimbang bulan ini, desa "
                   "73.06.07.2002, Dusun Bontoramba: sudah datang ke posyandu/pustu. Tugas "
                   "t-ani."]
    hooks = [(m["type"], m["task"]["task_id"], m["task"].get("cancel_reason"))
             for m in sent if m["host"] == "hook.test"]
    assert sorted(hooks) == [("task.cancelled", "t-ani", "came"),
                             ("task.cancelled", "t-budi", "came"),
                             ("task.created", "t-budi", None)]
