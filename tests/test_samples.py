"""`ilp sample-screenings` shows a new user the platform at work: every made-up screening
must be one the intake takes, or the first thing they see is refusals of our own data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ilp_contracts.screening import ScreeningSubmission
from ilp_kit.errors import InvalidInput
from ilp_kit.store import SqliteStore
from ilp_platform.samples import Place, sample_screenings
from ilp_screening import intake
from ilp_screening.app import SPEC


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_every_sample_screening_is_one_the_intake_takes(tmp_path, seed: int) -> None:
    places = [Place(f"psy-{n}", f"33.73.0{n % 4 + 1}.100{n % 7}") for n in range(80)]
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    refused = []
    today = date.today()
    async with store.transaction() as tx:
        for place in places:
            await tx.put("posyandu", place.id, {"id": place.id, "area_code": place.area_code,
                                                "rw": None, "active": True})
        for n, body in enumerate(sample_screenings(places, today, months=3, seed=seed)):
            try:
                await intake.record(tx, ScreeningSubmission.model_validate(body), f"k-{n}",
                                    "key")
            except InvalidInput as exc:
                refused.append(str(exc))
    await store.close()
    assert n > 2000 and refused == [], refused[:3]
    assert today - timedelta(days=100) < date.fromisoformat(str(body["screened_on"]))
