"""TB treatments: recorded once per key, announced without the person's identity, ended
once; refused with the field and the reason."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from ilp_contracts import TbTreatmentEnd, TbTreatmentSubmission
from ilp_contracts.dates import add_months
from ilp_kit.auth import Principal
from ilp_kit.errors import ForbiddenError, InvalidInput
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening import tb
from ilp_screening.app import SPEC
from ilp_screening.intake import OPEN

NIK = "3373045507900001"  # a woman born 15 July 1990 (day + 40)


def submission(**changes: object) -> TbTreatmentSubmission:
    body = {"person": {"nik": NIK, "name": "Sari", "sex": "F", "birth_date": "1990-07-15",
                       "rt": "RT 02"},
            "posyandu_id": "psy-1", "started_on": "2026-11-02", "household_contacts": 4}
    return TbTreatmentSubmission.model_validate({**body, **changes})


@pytest.fixture
async def store(tmp_path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": "RW 03", "active": True})
    yield store
    await store.close()


def test_the_regimen_ends_by_the_calendar() -> None:
    assert add_months(date(2026, 11, 2), 6) == date(2027, 5, 2)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)  # February has no 31st
    assert add_months(date(2026, 1, 15), 24) == date(2028, 1, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


async def test_a_treatment_is_announced_once_without_who_she_is(store: SqliteStore) -> None:
    async with store.transaction() as tx:
        first, created = await tb.start(tx, submission(), "tb:key-0001", "secret", OPEN)
        again, created_again = await tb.start(tx, submission(), "tb:key-0001", "secret", OPEN)
    assert (created, created_again) == (True, False)
    assert again == first
    assert (first["planned_end_on"], first["rw"], first["rt"], first["status"]) == (
        "2027-05-02", "RW 03", "RT 02", "on_treatment")
    [announced] = await store.pending_outbox(10)
    assert announced.subject == "ilp.screening.tb_treatment.started.v1"
    body = json.loads(announced.body)
    assert body["person_id"] == first["person_id"] and body["household_contacts"] == 4
    assert NIK not in announced.body.decode() and "Sari" not in announced.body.decode()


async def test_a_treatment_ends_once(store: SqliteStore) -> None:
    async with store.transaction() as tx:
        treatment, _ = await tb.start(tx, submission(), "tb:key-0002", "secret", OPEN)
    cured = TbTreatmentEnd(ended_on=date(2026, 11, 30), outcome="cured")
    async with store.transaction() as tx:
        ended = await tb.end(tx, treatment["treatment_id"], cured, OPEN)
        assert await tb.end(tx, treatment["treatment_id"], cured, OPEN) == ended  # a retry
    assert (ended["status"], ended["outcome"]) == ("ended", "cured")
    async with store.transaction() as tx:
        with pytest.raises(InvalidInput) as refused:
            await tb.end(tx, treatment["treatment_id"],
                         TbTreatmentEnd(ended_on=cured.ended_on, outcome="died"), OPEN)
    assert refused.value.detail()[0]["type"] == "invalid_transition"
    subjects = [record.subject for record in await store.pending_outbox(10)]
    assert subjects == ["ilp.screening.tb_treatment.started.v1",
                        "ilp.screening.tb_treatment.ended.v1"]


@pytest.mark.parametrize(("changes", "loc", "kind"), [
    ({"started_on": (date.today() + timedelta(days=5)).isoformat()}, ("body", "started_on"),
     "future_date"),
    ({"started_on": "1989-01-01"}, ("body", "started_on"), "invalid"),
    ({"person": {"nik": NIK, "name": "Sari", "sex": "M", "birth_date": "1990-07-15"}},
     ("body", "person", "nik"), "nik_mismatch"),
    ({"posyandu_id": "psy-x"}, ("body", "posyandu_id"), "unknown_posyandu"),
    ({"person": {"mother_nik": NIK, "local_id": "anak-1", "name": "Sari", "sex": "F",
                 "birth_date": "1990-07-15"}}, ("body", "person", "mother_nik"),
     "adult_by_mother"),
])
async def test_a_refused_treatment_writes_nothing(store: SqliteStore, changes: dict,
                                                   loc: tuple, kind: str) -> None:
    async with store.transaction() as tx:
        with pytest.raises(InvalidInput) as refused:
            await tb.start(tx, submission(**changes), "tb:key-0003", "secret", OPEN)
    [problem, *_] = refused.value.detail()
    assert (tuple(problem["loc"]), problem["type"]) == (loc, kind)
    assert await store.pending_outbox(10) == []


async def test_an_end_before_the_start_and_another_wilayah_are_refused(
        store: SqliteStore) -> None:
    async with store.transaction() as tx:
        treatment, _ = await tb.start(tx, submission(), "tb:key-0004", "secret", OPEN)
        with pytest.raises(InvalidInput) as refused:
            await tb.end(tx, treatment["treatment_id"],
                         TbTreatmentEnd(ended_on=date(2026, 10, 1), outcome="moved"), OPEN)
        assert refused.value.detail()[0]["loc"] == ["body", "ended_on"]
        elsewhere = Principal("perawat", frozenset({"perawat"}), ("33.74",))
        with pytest.raises(ForbiddenError):
            await tb.end(tx, treatment["treatment_id"],
                         TbTreatmentEnd(ended_on=date(2026, 11, 30), outcome="moved"), elsewhere)
        with pytest.raises(ForbiddenError):
            await tb.start(tx, submission(), "tb:key-0005", "secret", elsewhere)


async def test_a_treatment_recorded_in_error_is_voided_once(store: SqliteStore) -> None:
    async with store.transaction() as tx:
        treatment, _ = await tb.start(tx, submission(), "tb:key-0006", "secret", OPEN)
        voided = await tb.void(tx, treatment["treatment_id"], "pasien lain", OPEN)
        assert await tb.void(tx, treatment["treatment_id"], "pasien lain", OPEN) == voided
        with pytest.raises(InvalidInput) as refused:
            await tb.end(tx, treatment["treatment_id"],
                         TbTreatmentEnd(ended_on=date(2026, 11, 30), outcome="cured"), OPEN)
    assert refused.value.detail()[0]["type"] == "voided"
    assert (voided["status"], voided["void_reason"]) == ("voided", "pasien lain")
    subjects = [record.subject for record in await store.pending_outbox(10)]
    assert subjects == ["ilp.screening.tb_treatment.started.v1",
                        "ilp.screening.tb_treatment.voided.v1"]


async def test_an_integrators_treatment_goes_through_the_same_intake(store: SqliteStore) -> None:
    """The TB information system publishes `ilp.ingest.tb_treatment.v1`: recorded once
    per key; a wrong one is refused at the event's own field paths (dead-lettered)."""
    from ilp_contracts import IngestTbTreatment
    from ilp_kit.settings import ServiceSettings
    from ilp_screening.handlers import ingest_handlers

    on_treatment = ingest_handlers(ServiceSettings(service="screening"))[IngestTbTreatment]
    event = IngestTbTreatment(idempotency_key="sitb-000123", source_system="sitb",
                              treatment=submission())
    async with store.transaction() as tx:
        await on_treatment(tx, event)
        await on_treatment(tx, event.model_copy(update={"event_id": "again"}))
        with pytest.raises(InvalidInput) as refused:
            await on_treatment(tx, event.model_copy(update={
                "idempotency_key": "sitb-000124",
                "treatment": submission(posyandu_id="psy-x")}))
    assert refused.value.detail()[0]["loc"] == ["body", "treatment", "posyandu_id"]
    assert len(await store.find("tb_treatments")) == 1
    assert await store.get("idempotency", "ingest:sitb:sitb-000123") is not None
