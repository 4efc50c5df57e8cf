"""A lease in the service's store, so that of several replicas running the same periodic
job, one works per round (the store must be shared, as MongoDB is in Compose/K8s)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from .store import Transaction

REPLICA = uuid.uuid4().hex[:12]
LEASES = "leases"  # the collection a service declares to use leases


async def hold_lease(tx: Transaction, name: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew lease `name` for this replica; False while another one holds it."""
    lease = await tx.get(LEASES, name)
    if lease and lease["holder"] != REPLICA and datetime.fromisoformat(lease["until"]) > now:
        return False
    await tx.put(LEASES, name, {"holder": REPLICA, "until": (now + ttl).isoformat()})
    return True
