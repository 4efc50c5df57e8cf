"""The household data collection's people who never came: an adult never screened, a
pregnancy never examined – each gets the kader once, unless they come first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from ilp_contracts import (BirthRecorded, Finding, PersonRegistered, ScreeningRecorded,
                           ScreeningVoided)
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, SqliteStore
from ilp_notify.app import SPEC
from ilp_notify.domain.defaulters import NEVER
from ilp_notify.domain.household import came, contact_voided, household_watch
from ilp_notify.handlers import forget_person, handlers
from ilp_notify.scheduler import visit_defaulters

NOTED = date(2026, 10, 1)


def test_a_registered_adult_is_due_a_month_on_and_a_child_once_grown_up() -> None:
    adult = household_watch(None, NOTED, 40 * 12, False, screened=False, examined=False)
    assert (adult["ptm_check_on"], adult["anc_check_on"]) == ("2026-10-31", NEVER)
    assert household_watch(None, NOTED, 40 * 12, False, screened=True,
                           examined=False)["ptm_check_on"] == NEVER  # screened already
    child = household_watch(None, NOTED, 14 * 12 + 11, False, screened=False, examined=False)
    assert child["ptm_check_on"] == "2026-12-01"  # 15 in a month, then 30 days to come
    # Registered again: what was set stays (a visit made, or the day it falls due).
    again = household_watch({**adult, "ptm_check_on": NEVER}, date(2026, 11, 1), 40 * 12,
                            False, screened=False, examined=False)
    assert again["ptm_check_on"] == NEVER


def test_a_pregnancy_is_due_two_weeks_on_unless_examined() -> None:
    state = household_watch(None, NOTED, 25 * 12, True, screened=False, examined=False)
    assert (state["anc_check_on"], state["ptm_check_on"]) == ("2026-10-15", NEVER)
    assert household_watch(None, NOTED, 25 * 12, True, screened=False,
                           examined=True)["anc_check_on"] == NEVER
    later = household_watch(state, date(2026, 10, 10), 25 * 12, True, screened=False,
                            examined=False)
    assert later["anc_check_on"] == "2026-10-15"  # the same pregnancy: not postponed
    after = household_watch({**state, "pregnant": False}, date(2027, 3, 1), 30 * 12, True,
                            screened=False, examined=False)
    assert after["anc_check_on"] == "2027-03-15"  # a pregnancy newly registered


@pytest.fixture
async def rt(tmp_path) -> AsyncIterator[Runtime]:
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        await tx.put("workers", "kader-1", {"id": "kader-1", "role": "kader",
                                            "facility_id": "psy-1", "active": True,
                                            "area_code": "33.73.04.1001"})
    yield Runtime(ServiceSettings(service="notify", escalation_interval_s=60), store)
    await store.close()


def registered(person: str, age_years: int, pregnant: bool = False) -> PersonRegistered:
    return PersonRegistered(person_id=person, sex="F", age_months=age_years * 12,
                            noted_on=NOTED, desa_code="33.73.04.1001", posyandu_id="psy-1",
                            rw="RW 01", rt="RT 02", pregnant=pregnant)


def screened(person: str, stage: str, on: date, age_years: int = 40) -> ScreeningRecorded:
    return ScreeningRecorded(
        screening_id=f"s-{person}", person_id=person, stage=stage, sex="F",
        age_months=age_years * 12, screened_on=on, period=on.isoformat()[:7],
        desa_code="33.73.04.1001", posyandu_id="psy-1",
        measurements={"systolic": 120.0, "diastolic": 80.0,
                      **({"gestational_weeks": 12.0} if stage == "ibu_hamil" else {})},
        findings=[Finding(code="normal", severity="info")][:0])


async def test_those_who_never_came_get_the_kader_once(rt: Runtime) -> None:
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        for event in (registered("pak-a", 40), registered("bu-b", 25, pregnant=True),
                      registered("bu-c", 50), registered("bu-d", 28, pregnant=True),
                      registered("anak-e", 8), registered("pak-f", 60)):
            await apply[PersonRegistered](tx, event)
        # bu-c comes to Posbindu; bu-d to her K1; pak-f moves away
        await apply[ScreeningRecorded](tx, screened("bu-c", "usia_dewasa", date(2026, 10, 20)))
        await apply[ScreeningRecorded](tx, screened("bu-d", "ibu_hamil", date(2026, 10, 5), 28))
        await forget_person(tx, rt.settings, "pak-f", "moved")
    assert await visit_defaulters(rt, datetime(2026, 10, 14, 3, tzinfo=UTC)) == 0  # not yet
    assert await visit_defaulters(rt, datetime(2026, 10, 15, 3, tzinfo=UTC)) == 1
    assert await visit_defaulters(rt, datetime(2026, 10, 31, 3, tzinfo=UTC)) == 1
    tasks = sorted((t["person_id"], t["reason"], t["assignee_id"], t["priority"], t["rt"])
                   for t in await rt.store.find("tasks"))
    assert tasks == [("bu-b", "ibu_hamil_belum_periksa", "kader-1", "high", "RT 02"),
                     ("pak-a", "belum_skrining_ptm", "kader-1", "routine", "RT 02")]
    [anc] = await rt.store.find("tasks", Query.of(person_id="bu-b"))
    assert anc["findings"] == ["noted_2026-10-01"]
    assert datetime.fromisoformat(anc["due_at"]).date() == date(2026, 10, 22)
    for task in await rt.store.find("tasks"):  # the kader went; nobody gets a second visit
        async with rt.store.transaction() as tx:
            await tx.put("tasks", task["task_id"], {**task, "status": "completed"})
            await tx.delete("open_tasks", f"{task['person_id']}|{task['reason']}")
    # (in December bu-d, examined once in October, is due her next ANC contact: another rule)
    assert await visit_defaulters(rt, datetime(2026, 11, 30, 3, tzinfo=UTC)) == 0


async def test_registered_again_as_not_pregnant_her_visit_is_called_off(rt: Runtime) -> None:
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        await apply[PersonRegistered](tx, registered("bu-g", 30, pregnant=True))
    assert await visit_defaulters(rt, datetime(2026, 10, 16, 3, tzinfo=UTC)) == 1
    async with rt.store.transaction() as tx:
        await apply[PersonRegistered](tx, registered("bu-g", 30).model_copy(
            update={"noted_on": date(2026, 10, 20)}))
    [task] = await rt.store.find("tasks", Query.of(person_id="bu-g"))
    assert (task["status"], task["cancel_reason"]) == ("cancelled", "not_pregnant")


async def test_a_voided_screening_did_not_bring_anybody(rt: Runtime) -> None:
    """Screened the wrong Pak A, and voided: the real one never came."""
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        await apply[PersonRegistered](tx, registered("pak-a", 40))
        await apply[ScreeningRecorded](tx, screened("pak-a", "usia_dewasa", date(2026, 10, 20)))
    assert await visit_defaulters(rt, datetime(2026, 11, 2, 3, tzinfo=UTC)) == 0
    async with rt.store.transaction() as tx:
        await apply[ScreeningVoided](tx, voided(screened("pak-a", "usia_dewasa",
                                                         date(2026, 10, 20))))
    assert await visit_defaulters(rt, datetime(2026, 11, 2, 3, tzinfo=UTC)) == 1
    [task] = await rt.store.find("tasks")
    assert task["reason"] == "belum_skrining_ptm"


async def test_a_check_opens_again_only_when_every_contact_that_ended_it_is_voided(
        rt: Runtime) -> None:
    """Bu C came twice, and was registered again in between; the first screening was the
    wrong person's and is voided: she did come, so nobody goes."""
    apply = handlers(rt.settings)
    first = screened("bu-c", "usia_dewasa", date(2026, 10, 20))
    second = first.model_copy(update={"screening_id": "s-bu-c-2",
                                      "screened_on": date(2026, 10, 27)})
    async with rt.store.transaction() as tx:
        await apply[PersonRegistered](tx, registered("bu-c", 50))
        await apply[ScreeningRecorded](tx, first)
        await apply[PersonRegistered](tx, registered("bu-c", 50))
        await apply[ScreeningRecorded](tx, second)
        await apply[ScreeningRecorded](tx, second)  # delivered twice
        await apply[ScreeningVoided](tx, voided(first))
    assert await visit_defaulters(rt, datetime(2026, 11, 2, 3, tzinfo=UTC)) == 0
    async with rt.store.transaction() as tx:
        await apply[ScreeningVoided](tx, voided(second))
    assert await visit_defaulters(rt, datetime(2026, 11, 2, 3, tzinfo=UTC)) == 1


def test_contacts_end_and_give_back_a_check() -> None:
    state = household_watch(None, NOTED, 40 * 12, False, screened=False, examined=False)
    assert came({**state, "ptm_check_on": NEVER}, ["ptm_check_on"], "s-1") is None  # visited
    once = came(state, ["ptm_check_on", "anc_check_on"], "s-1")
    assert once is not None and once["ptm_check_on"] == NEVER
    assert came(once, ["ptm_check_on"], "s-1") is None  # the same contact again
    assert contact_voided(once, "s-2") is None  # not one that ended anything
    assert contact_voided(once, "s-1") == {**state, "ended_by": {}}
    # a new pregnancy does not inherit the last one's contacts
    pregnant = household_watch(None, NOTED, 25 * 12, True, screened=False, examined=False)
    ended = came(pregnant, ["anc_check_on"], "s-anc")
    assert ended is not None
    assert household_watch(ended, NOTED, 25 * 12, True, screened=False,
                           examined=False)["ended_by"] == ended["ended_by"]
    assert household_watch({**ended, "pregnant": False}, NOTED, 25 * 12, True, screened=False,
                           examined=False)["ended_by"] == {}


def voided(screening: ScreeningRecorded) -> ScreeningVoided:
    return ScreeningVoided(screening_id=screening.screening_id, person_id=screening.person_id,
                           period=screening.period, desa_code=screening.desa_code,
                           reason="orang lain")


async def test_a_delivery_ends_the_pregnancys_check(rt: Runtime) -> None:
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        await apply[PersonRegistered](tx, registered("ibu-1", 30, pregnant=True))
        await apply[BirthRecorded](tx, BirthRecorded(
            birth_id="b-1", mother_id="ibu-1", baby_id="bayi-1", baby_sex="F",
            born_on=date(2026, 10, 10), desa_code="33.73.04.1001", posyandu_id="psy-1",
            occurred_at=datetime(2026, 10, 10, 5, tzinfo=UTC)))
    await visit_defaulters(rt, datetime(2026, 10, 20, 3, tzinfo=UTC))
    assert not [t for t in await rt.store.find("tasks") if t["person_id"] == "ibu-1"
                and t["reason"] == "ibu_hamil_belum_periksa"]


async def test_one_who_comes_after_the_round_sent_the_kader_needs_no_visit(rt: Runtime
                                                                          ) -> None:
    """Bu-b registered pregnant, the round sent the kader for her K1; her K1 of the 12th is
    recorded on the 16th: the visit is moot. Pak-a's yearly Posbindu likewise."""
    apply = handlers(rt.settings)
    async with rt.store.transaction() as tx:
        for event in (registered("pak-a", 40), registered("bu-b", 25, pregnant=True)):
            await apply[PersonRegistered](tx, event)
    assert await visit_defaulters(rt, datetime(2026, 10, 31, 3, tzinfo=UTC)) == 2
    async with rt.store.transaction() as tx:
        await apply[ScreeningRecorded](tx, screened("bu-b", "ibu_hamil", date(2026, 10, 12), 25))
        await apply[ScreeningRecorded](tx, screened("pak-a", "usia_dewasa", date(2026, 11, 2)))
    assert sorted((t["person_id"], t["status"], t.get("cancel_reason"))
                  for t in await rt.store.find("tasks")) == [
        ("bu-b", "cancelled", "came"), ("pak-a", "cancelled", "came")]
