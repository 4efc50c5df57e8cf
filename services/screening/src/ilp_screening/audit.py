"""Who read whose record, when (UU 27/2022): kept in the store, listed at /audit, and
forgotten after the retention the district sets (ILP_AUDIT_RETENTION_DAYS)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta

from ilp_kit.auth import Principal
from ilp_kit.service import Runtime

log = logging.getLogger(__name__)


async def audit(rt: Runtime, caller: Principal, action: str, *person_ids: str) -> None:
    at = datetime.now(UTC).isoformat()
    async with rt.transaction() as tx:
        for person_id in person_ids:
            # keyed by the time first, so what is past the retention goes in one delete
            await tx.put("audit", f"{at}|{uuid.uuid4().hex[:8]}", {
                "at": at, "subject": caller.subject, "roles": sorted(caller.roles),
                "action": action, "person_id": person_id})


async def prune_audit(rt: Runtime, every_s: float = 86400) -> None:
    """Daily: the reads older than the retention are forgotten (0: kept for good)."""
    while rt.settings.audit_retention_days > 0:
        before = datetime.now(UTC) - timedelta(days=rt.settings.audit_retention_days)
        try:
            if removed := await rt.store.delete_keys_before("audit", before.isoformat()):
                log.info("forgot %d audit entries from before %s", removed, before.date())
        except Exception:  # noqa: BLE001 – try again tomorrow
            log.exception("pruning the audit log failed")
        await asyncio.sleep(every_s)
