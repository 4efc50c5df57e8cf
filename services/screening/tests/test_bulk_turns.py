"""A bulk intake (offline sync, register CSV) is one transaction, but it does not hold the
event loop from its first screening to its commit: the outbox relay sends what earlier
syncs recorded, and health checks answer, while it is stored."""

from __future__ import annotations

import asyncio

from ilp_contracts import ScreeningSubmission
from ilp_kit import turns
from ilp_kit.auth import OPEN
from ilp_kit.settings import ServiceSettings
from ilp_kit.service import Runtime
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening import api, intake
from ilp_screening.app import SPEC


def child(n: int) -> ScreeningSubmission:
    return ScreeningSubmission.model_validate({
        "person": {"mother_nik": "3373044101900001", "local_id": f"anak-{n}", "name": "Anak",
                   "sex": "F", "birth_date": "2025-01-15"},
        "posyandu_id": "psy-1", "screened_on": "2026-11-20",
        "measurements": {"weight_kg": 9.0 + n / 10, "height_cm": 76.0}})


async def test_an_offline_sync_gives_the_event_loop_turns_while_it_is_stored(
        tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(turns, "PAUSE_EVERY_S", 0.0)  # a turn before every screening
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": "RW 03", "active": True})
    order: list[str] = []
    record = intake.record

    async def recording(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        order.append("screening")
        return await record(*args, **kwargs)
    monkeypatch.setattr(intake, "record", recording)

    async def relay() -> None:  # stands for anything else on the loop
        while True:
            order.append("relay")
            await asyncio.sleep(0)

    other = asyncio.create_task(relay())
    await asyncio.sleep(0)
    outcomes = await api._record_each(Runtime(ServiceSettings(service="screening"), store),
                                      OPEN, [api.Bulk(child(n), f"http:k-{n}")
                                             for n in range(5)])
    other.cancel()
    assert [o["status"] for o in outcomes] == ["created"] * 5
    stored = [i for i, what in enumerate(order) if what == "screening"]
    # the other task ran between every two screenings, not only after the commit
    assert all("relay" in order[a:b] for a, b in zip(stored, stored[1:], strict=False))
    assert await store.count("screenings") == 5
    await store.close()
