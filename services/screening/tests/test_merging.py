"""Two records of one person made one: the duplicate's screenings move (voided for it,
re-issued for her), what identified it identifies her without changing her record, and
what cannot be one person – or would leave a birth behind – is refused."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest
from ilp_contracts import ScreeningSubmission
from ilp_contracts.screening import BirthSubmission
from ilp_kit.auth import OPEN, Principal
from ilp_kit.errors import ForbiddenError, InvalidInput
from ilp_kit.store import Query
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening import intake, merging
from ilp_screening.app import SPEC
from ilp_screening.domain.person import age_in_months

DESA, OTHER_DESA = "33.73.04.1001", "33.73.04.1002"
DAY = date.today() - timedelta(days=10)
THIS_MONTH = date.today().replace(day=1)  # a weighing a month after the last
LAST_MONTH = (THIS_MONTH - timedelta(days=1)).replace(day=1)
MOTHER_NIK = "3373045001950001"
CHILD = {"name": "Bima", "sex": "M", "birth_date": "2025-11-10"}


def visit(person: dict, on: date, weight: float, posyandu: str = "psy-1") -> ScreeningSubmission:
    return ScreeningSubmission.model_validate({
        "person": {**CHILD, **person}, "posyandu_id": posyandu, "screened_on": on.isoformat(),
        "measurements": {"weight_kg": weight}})


@pytest.fixture
async def store(tmp_path):
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        for place, desa in (("psy-1", DESA), ("psy-2", OTHER_DESA)):
            await tx.put("posyandu", place, {"id": place, "area_code": desa, "rw": None,
                                             "active": True})
    yield store
    await store.close()


async def two_records(store: SqliteStore) -> tuple[str, str]:
    """A boy weighed by his mother's NIK, then by his own: (his NIK's id, the other)."""
    async with store.transaction() as tx:
        by_mother, _ = await intake.record(tx, visit({"mother_nik": MOTHER_NIK},
                                                     LAST_MONTH, 8.0), "k1", "k")
        own, _ = await intake.record(tx, visit({"nik": "3373041011250001", "name": "Bima S."},
                                               THIS_MONTH, 8.4), "k2", "k")
    return own["person_id"], by_mother["person_id"]


def published(store: SqliteStore) -> list[tuple[str, dict]]:
    with sqlite3.connect(store.path) as db:
        return [(subject, json.loads(body)) for subject, body in db.execute(
            "SELECT subject, body FROM outbox ORDER BY seq")]


async def test_the_duplicates_screenings_become_hers_and_her_mothers_nik_finds_her(store
                                                                                 ) -> None:
    kept, duplicate = await two_records(store)
    async with store.transaction() as tx:
        person = await merging.merge(tx, kept, duplicate, "ditimbang dengan NIK ibu", OPEN)
    assert person["name"] == "Bima S." and person["mother_id"]  # the gap filled
    history = await store.find("screenings", Query.of(person_id=kept, order_by="screened_on"))
    # hers classified again after the one moved: now weighed a month after, gaining 400 g
    assert [(s["version"], s["measurements"]["weight_kg"], s["measurements"].get(
        "weight_gain_g")) for s in history] == [(2, 8.0, None), (2, 8.4, 400)]
    events = published(store)[2:]  # after the two recorded
    assert [(subject, body["person_id"]) for subject, body in events] == [
        ("ilp.screening.voided.v1", duplicate), ("ilp.screening.amended.v1", kept),
        ("ilp.screening.amended.v1", kept), ("ilp.screening.person.merged.v1", kept)]
    assert events[3][1]["merged_id"] == duplicate
    # her mother's NIK identifies her now, and says nothing new of her
    async with store.transaction() as tx:
        third, _ = await intake.record(tx, visit({"mother_nik": MOTHER_NIK, "name": "Anak"},
                                                 date.today(), 8.5), "k3", "k")
        assert third["person_id"] == kept
        assert (await tx.get("persons", kept))["name"] == "Bima S."
        assert (await tx.get("persons", duplicate))["merged_into"] == kept


async def test_what_is_not_one_person_or_not_the_callers_is_refused(store) -> None:
    kept, duplicate = await two_records(store)
    async with store.transaction() as tx:
        other, _ = await intake.record(tx, visit({"nik": "3373041111250002", "birth_date":
                                                  "2025-11-11"}, DAY, 8.1), "k4", "k")
        girl, _ = await intake.record(tx, visit({"nik": "3373045011250003", "sex": "F"}, DAY,
                                                7.9), "k5", "k")
        away, _ = await intake.record(tx, visit({"nik": "3373041011250004"}, DAY, 8.0,
                                                "psy-2"), "k6", "k")
    refusals = {}
    for duplicate_id in (kept, other["person_id"], girl["person_id"], "nobody"):
        with pytest.raises(InvalidInput) as refused:
            async with store.transaction() as tx:
                await merging.merge(tx, kept, duplicate_id, "sama", OPEN)
        refusals[duplicate_id] = refused.value.detail()[0]["type"]
    assert list(refusals.values()) == ["same_person", "not_one_person", "not_one_person",
                                       "unknown_person"]
    bidan = Principal("bidan-1", frozenset({"bidan"}), (DESA,))
    with pytest.raises(ForbiddenError):  # his visit in another desa is not hers to move
        async with store.transaction() as tx:
            await merging.merge(tx, kept, away["person_id"], "sama", bidan)
    assert (await store.get("persons", away["person_id"])).get("merged_into") is None


async def test_a_duplicate_a_birth_names_is_merged_the_other_way(store) -> None:
    async with store.transaction() as tx:
        birth, _ = await intake.record_birth(tx, BirthSubmission.model_validate({
            "mother": {"nik": MOTHER_NIK, "name": "Ibu", "sex": "F", "birth_date": "1995-01-10"},
            "baby": {**CHILD, "birth_date": (DAY - timedelta(days=40)).isoformat(),
                     "mother_nik": MOTHER_NIK},
            "posyandu_id": "psy-1"}), "b1", "k")
        born = (DAY - timedelta(days=40)).isoformat()
        nik = f"337304{born[8:10]}{born[5:7]}{born[2:4]}0009"
        own, _ = await intake.record(tx, visit({"nik": nik, "birth_date": born}, DAY, 4.5),
                                     "k7", "k")
    with pytest.raises(InvalidInput) as refused:
        async with store.transaction() as tx:
            await merging.merge(tx, own["person_id"], birth["baby_id"], "sama", OPEN)
    assert refused.value.detail()[0]["type"] == "merge_the_other_way"
    async with store.transaction() as tx:  # the baby of the birth kept, her NIK's merged in
        await merging.merge(tx, birth["baby_id"], own["person_id"], "sama", OPEN)


async def test_the_duplicates_place_in_a_household_list_becomes_hers(store) -> None:
    kept, duplicate = await two_records(store)
    entry = {"person_id": duplicate, "posyandu_id": "psy-1", "desa_code": DESA, "rw": "RW 03",
             "rt": "RT 01", "pregnant": False, "sex": "M", "birth_date": "2025-11-10",
             "noted_on": DAY.isoformat()}
    async with store.transaction() as tx:
        await tx.put("household", duplicate, entry)
        await merging.merge(tx, kept, duplicate, "satu anak", OPEN)
    assert await store.get("household", duplicate) is None
    assert (await store.get("household", kept))["rt"] == "RT 01"
    registered = [body for subject, body in published(store)
                  if subject == "ilp.screening.person.registered.v1"]
    assert [(body["person_id"], body["age_months"]) for body in registered] == [
        (kept, age_in_months(date(2025, 11, 10), DAY))]


async def test_a_merge_made_in_error_is_undone(store) -> None:
    """Twins taken for one child: parted again, each has her own visits, classified in
    her own history, and her mother's NIK finds the duplicate again."""
    kept, duplicate = await two_records(store)
    async with store.transaction() as tx:
        await merging.merge(tx, kept, duplicate, "satu anak", OPEN)
    with pytest.raises(InvalidInput) as refused:
        async with store.transaction() as tx:
            await merging.part(tx, duplicate, kept, "salah", OPEN)  # the other way round
    assert refused.value.detail()[0]["type"] == "not_merged"
    async with store.transaction() as tx:
        parted = await merging.part(tx, kept, duplicate, "kembar, bukan satu anak", OPEN)
    assert "merged_into" not in parted
    by_person = {person: [(s["screened_on"], s["version"], "weight_gain_g" in s["measurements"],
                           s.get("moved_from")) for s in await store.find(
                               "screenings", Query.of(person_id=person))]
                 for person in (kept, duplicate)}
    assert by_person == {kept: [(THIS_MONTH.isoformat(), 3, False, None)],
                         duplicate: [(LAST_MONTH.isoformat(), 3, False, None)]}
    async with store.transaction() as tx:
        again, _ = await intake.record(tx, visit({"mother_nik": MOTHER_NIK}, date.today(),
                                                 8.6), "k8", "k")
    assert again["person_id"] == duplicate
