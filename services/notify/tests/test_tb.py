"""A TB treatment's visits: the perawat investigates the household once, the kader comes
each month of the regimen, and the treatment's end stops the kader's visits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ilp_contracts import (Finding, ScreeningRecorded, TbTreatmentEnded, TbTreatmentStarted,
                           TbTreatmentVoided)
from ilp_contracts.wilayah import WIB
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, SqliteStore
from ilp_notify.app import SPEC
from ilp_notify.domain.defaulters import NEVER
from ilp_notify.domain.tb import ADHERENCE_EVERY_DAYS, next_adherence_visit, tb_watch
from ilp_notify.handlers import forget_person, handlers
from ilp_notify.scheduler import visit_defaulters

STARTED = date(2026, 11, 2)


@pytest.fixture
async def rt(tmp_path) -> AsyncIterator[Runtime]:
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        for worker, role, facility in (("kader-1", "kader", "psy-1"),
                                       ("perawat-1", "perawat", "pustu-1")):
            await tx.put("workers", worker, {"id": worker, "role": role, "active": True,
                                             "facility_id": facility,
                                             "area_code": "33.73.04.1001"})
    yield Runtime(ServiceSettings(service="notify", escalation_interval_s=60), store)
    await store.close()


def started(treatment: str = "tb-1", months: int = 6) -> TbTreatmentStarted:
    return TbTreatmentStarted(
        treatment_id=treatment, person_id="bu-sari", started_on=STARTED,
        planned_end_on=STARTED + timedelta(days=30 * months), household_contacts=4,
        desa_code="33.73.04.1001", posyandu_id="psy-1", rw="RW 03",
        occurred_at=datetime(2026, 11, 2, 3, tzinfo=UTC))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, tzinfo=UTC)


async def tasks(rt: Runtime, reason: str) -> list[dict]:
    return await rt.store.find("tasks", Query.of(reason=reason))


async def test_the_household_once_and_the_kader_each_month(rt: Runtime) -> None:
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        await apply[TbTreatmentStarted](tx, started())
        await apply[TbTreatmentStarted](tx, started())  # the same treatment announced again
    [contacts] = await tasks(rt, "investigasi_kontak_tb")
    assert (contacts["assignee_id"], contacts["priority"]) == ("perawat-1", "high")
    assert datetime.fromisoformat(contacts["due_at"]) == datetime(2026, 11, 16, 23, 59,
                                                                   tzinfo=WIB)
    assert contacts["findings"] == ["treatment_started_2026-11-02", "household_contacts_4"]
    assert await visit_defaulters(rt, at(date(2026, 11, 30))) == 0  # not a month yet
    assert await visit_defaulters(rt, at(date(2026, 12, 2))) == 1
    [first] = await tasks(rt, "pendampingan_minum_obat_tb")
    assert (first["assignee_id"], first["role"]) == ("kader-1", "kader")
    assert await visit_defaulters(rt, at(date(2026, 12, 20))) == 0  # once a month
    await _complete(rt, first)
    assert await visit_defaulters(rt, at(date(2027, 1, 1))) == 1
    assert len(await tasks(rt, "pendampingan_minum_obat_tb")) == 2


async def test_the_end_of_treatment_stops_the_kaders_visits(rt: Runtime) -> None:
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        await apply[TbTreatmentStarted](tx, started())
    assert await visit_defaulters(rt, at(date(2026, 12, 2))) == 1
    async with rt.store.transaction() as tx:
        await apply[TbTreatmentEnded](tx, TbTreatmentEnded(  # another treatment's end
            treatment_id="tb-0", person_id="bu-sari", desa_code="33.73.04.1001",
            ended_on=date(2026, 12, 3), outcome="cured"))
        assert (await tx.get("tb_watch", "bu-sari"))["adherence_visit_on"] != NEVER
        await apply[TbTreatmentEnded](tx, TbTreatmentEnded(
            treatment_id="tb-1", person_id="bu-sari", desa_code="33.73.04.1001",
            ended_on=date(2026, 12, 3), outcome="lost_to_follow_up"))
    [adherence] = await tasks(rt, "pendampingan_minum_obat_tb")
    [contacts] = await tasks(rt, "investigasi_kontak_tb")
    assert (adherence["status"], adherence["cancel_reason"]) == (
        "cancelled", "tb_treatment_lost_to_follow_up")
    assert contacts["status"] == "open"  # the household was exposed all the same
    assert await visit_defaulters(rt, at(date(2027, 1, 5))) == 0


async def test_a_patient_who_moved_away_gets_no_more_visits(rt: Runtime) -> None:
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        await apply[TbTreatmentStarted](tx, started())
        await forget_person(tx, rt.settings, "bu-sari", "moved")
    assert await visit_defaulters(rt, at(date(2026, 12, 2))) == 0


async def test_the_visits_end_with_the_regimen(rt: Runtime) -> None:
    watch = tb_watch("tb-1", STARTED, date(2027, 5, 2))
    assert watch["adherence_visit_on"] == "2026-12-02"
    last = {**watch, "adherence_visit_on": "2027-05-01"}
    assert next_adherence_visit(last, date(2027, 5, 1)) == NEVER  # 31 May is past the end
    assert tb_watch("tb-2", STARTED, STARTED + timedelta(days=20))["adherence_visit_on"] == NEVER


@given(late=st.integers(0, 200))
def test_a_late_round_keeps_the_treatments_own_monthly_days(late: int) -> None:
    watch = tb_watch("tb-1", STARTED, date(2028, 11, 2))
    due = date.fromisoformat(watch["adherence_visit_on"])
    following = date.fromisoformat(next_adherence_visit(watch, due + timedelta(days=late)))
    assert following > due + timedelta(days=late)
    assert following - due <= timedelta(days=late + ADHERENCE_EVERY_DAYS)
    assert (following - due).days % ADHERENCE_EVERY_DAYS == 0


async def _complete(rt: Runtime, task: dict) -> None:
    async with rt.store.transaction() as tx:
        await tx.put("tasks", task["task_id"], {**task, "status": "completed"})
        await tx.delete("open_tasks", f"{task['person_id']}|{task['reason']}")


async def test_a_treatment_recorded_in_error_owes_no_visit(rt: Runtime) -> None:
    """The wrong patient: voided even after it ended, its contact investigation goes too;
    another treatment's voiding changes nothing."""
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        await apply[TbTreatmentStarted](tx, started())
        await apply[TbTreatmentEnded](tx, TbTreatmentEnded(
            treatment_id="tb-1", person_id="bu-sari", desa_code="33.73.04.1001",
            ended_on=date(2026, 11, 20), outcome="moved"))
        await apply[TbTreatmentVoided](tx, TbTreatmentVoided(
            treatment_id="tb-0", person_id="bu-sari", desa_code="33.73.04.1001",
            reason="pasien lain"))
    assert [t["status"] for t in await tasks(rt, "investigasi_kontak_tb")] == ["open"]
    async with rt.store.transaction() as tx:
        await apply[TbTreatmentVoided](tx, TbTreatmentVoided(
            treatment_id="tb-1", person_id="bu-sari", desa_code="33.73.04.1001",
            reason="pasien lain"))
    [contacts] = await tasks(rt, "investigasi_kontak_tb")
    assert (contacts["status"], contacts["cancel_reason"]) == ("cancelled",
                                                               "tb_treatment_voided")
    assert await visit_defaulters(rt, at(date(2026, 12, 2))) == 0


def coughing(n: int, on: date) -> ScreeningRecorded:
    """Her screening found TB symptoms: the perawat is to get her sputum examined."""
    return ScreeningRecorded(
        screening_id=f"s{n}", person_id="bu-sari", stage="usia_dewasa", sex="F",
        age_months=480, screened_on=on, period=on.isoformat()[:7],
        desa_code="33.73.04.1001", posyandu_id="psy-1", measurements={},
        findings=[Finding(code="tb_suspect", severity="moderate")], occurred_at=at(on))


async def test_a_tb_suspect_on_treatment_is_not_sent_for_her_sputum(rt: Runtime) -> None:
    """Diagnosed and treated: the visit to get her sputum examined is cancelled when her
    treatment starts, and a screening during it (her cough still there) opens none; once
    it has ended, TB symptoms are a suspicion again."""
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        await apply[ScreeningRecorded](tx, coughing(1, date(2026, 10, 20)))
    [suspect] = await tasks(rt, "suspek_tb")
    assert suspect["status"] == "open"
    async with rt.store.transaction() as tx:
        await apply[TbTreatmentStarted](tx, started())
        await apply[ScreeningRecorded](tx, coughing(2, date(2026, 12, 10)))
    [cancelled] = await tasks(rt, "suspek_tb")
    assert (cancelled["status"], cancelled["cancel_reason"]) == (
        "cancelled", "tb_treatment_started")
    async with rt.store.transaction() as tx:
        await apply[TbTreatmentEnded](tx, TbTreatmentEnded(
            treatment_id="tb-1", person_id="bu-sari", desa_code="33.73.04.1001",
            ended_on=date(2027, 1, 5), outcome="lost_to_follow_up"))
        await apply[ScreeningRecorded](tx, coughing(3, date(2027, 1, 20)))
    assert [t["status"] for t in await tasks(rt, "suspek_tb")] == ["cancelled", "open"]
