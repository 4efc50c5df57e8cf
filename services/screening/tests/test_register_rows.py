"""A register's rows keyed by what they record: sent again, a row is a duplicate; changed
since – the register corrected – its screening is amended by whoever may correct it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ilp_contracts import ScreeningSubmission
from ilp_kit.auth import Principal
from ilp_kit.errors import InvalidInput
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening import intake
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
    key = intake.register_key(first, "k")
    assert key == intake.register_key(changed, "k")  # one person, posyandu and day
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": DESA, "rw": None,
                                           "active": True})
        stored, status = await intake.record_row(tx, first, key, "k", KADER, None)
        assert status == "created"
        assert (await intake.record_row(tx, first, key, "k", KADER, None))[1] == "duplicate"
        with pytest.raises(InvalidInput) as refused:  # may record, may not correct
            await intake.record_row(tx, changed, key, "k", INTEGRATOR, None)
        assert refused.value.detail()[0]["type"] == "idempotency_conflict"
        amended, status = await intake.record_row(tx, changed, key, "k", KADER, None)
        assert status == "amended" and amended["screening_id"] == stored["screening_id"]
        assert amended["version"] == 2 and amended["measurements"]["weight_kg"] == 9.4
        assert "muac_cm" not in amended["measurements"]  # the corrected row has none
        assert (await intake.record_row(tx, changed, key, "k", KADER, None))[1] == "duplicate"
    await store.close()
