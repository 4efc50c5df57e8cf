"""Projections kept from events: area tree and targets (read copies) and monthly counts."""

from __future__ import annotations

from ilp_contracts import AreaUpserted, ScreeningRecorded, TargetSet
from ilp_kit.store import Transaction

from .domain.indicators import apply_delta, flag_delta, flags_for


async def on_area(tx: Transaction, event: AreaUpserted) -> None:
    await tx.put("areas", event.code, {"code": event.code, "name": event.name,
                                        "level": event.level, "parent_code": event.parent_code})


async def on_target(tx: Transaction, event: TargetSet) -> None:
    await tx.put("targets", f"{event.area_code}|{event.year}|{event.group}", {
        "area_code": event.area_code, "year": event.year, "group": event.group,
        "count": event.count})


async def on_screening(tx: Transaction, event: ScreeningRecorded) -> None:
    key = f"{event.period}|{event.person_id}"
    fact = await tx.get("person_months", key)
    order = [event.screened_on.isoformat(), event.occurred_at.isoformat()]
    if fact is not None and fact["order"] > order:
        return  # an older screening arriving late does not replace the latest one
    new_flags = flags_for(event.stage, (f.code for f in event.findings))
    if fact is not None and fact["desa_code"] != event.desa_code:
        await _count(tx, fact["desa_code"], event.period, flag_delta(fact["flags"], ()))
        fact = None
    await _count(tx, event.desa_code, event.period,
                 flag_delta(fact["flags"] if fact else (), new_flags))
    await tx.put("person_months", key, {
        "period": event.period, "desa_code": event.desa_code, "flags": sorted(new_flags),
        "order": order, "screening_id": event.screening_id})


async def _count(tx: Transaction, desa_code: str, period: str, delta: dict[str, int]) -> None:
    if not delta:
        return
    key = f"{desa_code}|{period}"
    doc = await tx.get("desa_months", key) or {"desa_code": desa_code, "period": period,
                                                "counts": {}}
    doc["counts"] = apply_delta(doc["counts"], delta)
    await tx.put("desa_months", key, doc)
