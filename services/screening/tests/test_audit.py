"""The audit log of reads is kept for the retention the district sets, then forgotten."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from ilp_kit.auth import Principal
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import SqliteStore
from ilp_screening.app import SPEC
from ilp_screening.audit import audit, prune_audit


async def test_reads_older_than_the_retention_are_forgotten(tmp_path) -> None:
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    rt = Runtime(ServiceSettings(service="screening", audit_retention_days=365), store)
    bidan = Principal("bidan-1", frozenset({"bidan"}), ("33.73.04.1001",))
    two_years_ago = (datetime.now(UTC) - timedelta(days=730)).isoformat()
    async with store.transaction() as tx:
        await tx.put("audit", f"{two_years_ago}|0a1b2c3d", {
            "at": two_years_ago, "subject": "bidan-1", "roles": ["bidan"],
            "action": "person.read", "person_id": "p-old"})
    await audit(rt, bidan, "person.read", "p-new")
    job = asyncio.create_task(prune_audit(rt))
    try:
        for _ in range(50):
            if await store.count("audit") == 1:
                break
            await asyncio.sleep(0.02)
    finally:
        job.cancel()
    [kept] = await store.find("audit")
    assert kept["person_id"] == "p-new"
    await store.close()
