"""Read copy of the registry that intake needs: which posyandu exist and where."""

from __future__ import annotations

from ilp_contracts import FacilityUpserted
from ilp_kit.store import Transaction


async def on_facility(tx: Transaction, event: FacilityUpserted) -> None:
    if event.type != "posyandu":
        return
    await tx.put("posyandu", event.facility_id, {
        "id": event.facility_id, "area_code": event.area_code, "rw": event.rw,
        "active": event.active})
