"""A register's rows keyed by what they record: sent again, a row is a duplicate; changed
since – the register corrected – its screening is amended by whoever may correct it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ilp_contracts import ScreeningSubmission
from ilp_kit.auth import Principal
from ilp_kit.errors import InvalidInput
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening import intake, register_intake
from ilp_screening.app import SPEC

DESA = "33.73.04.1001"
KADER = Principal("kader-1", frozenset({"kader"}), (DESA,))
INTEGRATOR = Principal("simpus", frozenset({"integrator"}), (DESA,))
DAY = date.today() - timedelta(days=3)


def row(**measurements: object) -> ScreeningSubmission:
    return ScreeningSubmission.model_validate({
        "person": {"nik": "3373041011250001", "name": "Bima", "sex": "M",
                   "birth_date": "2025-11-10"},
        "posyandu_id": "psy-1", "screened_on": DAY.isoformat(), "measurements": measurements})


async def test_a_row_changed_since_amends_its_screening(tmp_path) -> None:
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    first, changed = row(weight_kg=9.1, muac_cm=14.0), row(weight_kg=9.4)
    key = register_intake.register_key(first, "k")
    assert key == register_intake.register_key(changed, "k")  # one person, posyandu and day
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": DESA, "rw": None,
                                           "active": True})
        stored, status = await register_intake.record_row(tx, first, key, "k", KADER, None)
        assert status == "created"
        assert (await register_intake.record_row(tx, first, key, "k", KADER, None))[1] == "duplicate"
        with pytest.raises(InvalidInput) as refused:  # may record, may not correct
            await register_intake.record_row(tx, changed, key, "k", INTEGRATOR, None)
        assert refused.value.detail()[0]["type"] == "idempotency_conflict"
        amended, status = await register_intake.record_row(tx, changed, key, "k", KADER, None)
        assert status == "amended" and amended["screening_id"] == stored["screening_id"]
        assert amended["version"] == 2 and amended["measurements"]["weight_kg"] == 9.4
        assert "muac_cm" not in amended["measurements"]  # the corrected row has none
        assert (await register_intake.record_row(tx, changed, key, "k", KADER, None))[1] == "duplicate"
    await store.close()


async def test_a_row_the_kaders_app_recorded_that_day_is_that_screening(tmp_path) -> None:
    """The kader weighed on her app at the posyandu; the bidan types the paper register
    later: its row is that screening, not a second one."""
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    synced, typed, corrected = row(weight_kg=9.1), row(weight_kg=9.1), row(weight_kg=9.3)
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": DESA, "rw": None,
                                           "active": True})
        app, _ = await intake.record(tx, synced, "http:app-key-1", "k", scope=KADER)
        same, status = await register_intake.record_row(tx, typed, register_intake.register_key(typed, "k"), "k",
                                               KADER, None)
        assert (status, same["screening_id"]) == ("duplicate", app["screening_id"])
        other_day = row(weight_kg=9.1).model_copy(update={"screened_on": DAY - timedelta(1)})
        assert (await register_intake.record_row(tx, other_day, register_intake.register_key(other_day, "k"),
                                        "k", KADER, None))[1] == "created"
    async with store.transaction() as tx:  # another upload, its value corrected
        amended, status = await register_intake.record_row(
            tx, corrected, register_intake.register_key(corrected, "k"), "k", KADER, None)
        assert (status, amended["screening_id"]) == ("amended", app["screening_id"])
    assert len(await store.find("screenings")) == 2
    await store.close()


async def test_twins_in_a_register_without_anak_ke_are_refused_not_made_one(tmp_path) -> None:
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()

    def baby(name: str) -> ScreeningSubmission:
        return ScreeningSubmission.model_validate({
            "person": {"mother_nik": "3373044107950001", "name": name, "sex": "F",
                       "birth_date": (DAY - timedelta(days=90)).isoformat()},
            "posyandu_id": "psy-1", "screened_on": DAY.isoformat(),
            "measurements": {"weight_kg": 5.0}})
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": DESA, "rw": None,
                                           "active": True})
        one, two = baby("Kembar Satu"), baby("Kembar Dua")
        assert (await register_intake.record_row(
            tx, one, register_intake.register_key(one, "k"), "k", KADER, None))[1] == "created"
        with pytest.raises(InvalidInput) as refused:
            await register_intake.record_row(tx, two, register_intake.register_key(two, "k"),
                                             "k", KADER, None)
        assert refused.value.detail()[0]["type"] == "twin_without_local_id"
    await store.close()
