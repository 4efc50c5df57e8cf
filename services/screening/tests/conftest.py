"""The screening service's tests: a store of their own, with its posyandu."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening.app import SPEC


@pytest.fixture
async def store(tmp_path) -> AsyncIterator[SqliteStore]:  # noqa: ANN001
    """A screening store with posyandu psy-1 (kelurahan Blotongan, Salatiga). A test
    module needing other places defines its own."""
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": None, "active": True})
    yield store
    await store.close()
