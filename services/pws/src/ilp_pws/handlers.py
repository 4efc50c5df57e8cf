"""Projections kept from events: area tree and targets (read copies) and monthly counts."""

from __future__ import annotations

from ilp_contracts import (
    AreaUpserted,
    ScreeningAmended,
    ScreeningRecorded,
    ScreeningSnapshot,
    ScreeningVoided,
    TargetSet,
)
from ilp_kit.store import Transaction

from .domain.indicators import apply_delta, flags_for
from .domain.projection import count_changes, effective


async def on_area(tx: Transaction, event: AreaUpserted) -> None:
    await tx.put("areas", event.code, {"code": event.code, "name": event.name,
                                        "level": event.level, "parent_code": event.parent_code})


async def on_target(tx: Transaction, event: TargetSet) -> None:
    await tx.put("targets", f"{event.area_code}|{event.year}|{event.group}", {
        "area_code": event.area_code, "year": event.year, "group": event.group,
        "count": event.count})


async def on_recorded(tx: Transaction, event: ScreeningRecorded) -> None:
    await _upsert(tx, event)


async def on_amended(tx: Transaction, event: ScreeningAmended) -> None:
    if event.previous_period != event.period:
        await _change(tx, event.previous_period, event.person_id, event.screening_id, None)
    await _upsert(tx, event)


async def on_voided(tx: Transaction, event: ScreeningVoided) -> None:
    await _change(tx, event.period, event.person_id, event.screening_id, None)


async def _upsert(tx: Transaction, event: ScreeningSnapshot) -> None:
    entry = {"order": [event.screened_on.isoformat(), event.version],
             "version": event.version, "desa_code": event.desa_code,
             "flags": sorted(flags_for(event.stage, (f.code for f in event.findings),
                                       event.anc_visit))}
    await _change(tx, event.period, event.person_id, event.screening_id, entry)


async def _change(tx: Transaction, period: str, person_id: str, screening_id: str,
                  entry: dict | None) -> None:
    """Set (or, with None, remove) one screening's entry and move the counts."""
    key = f"{period}|{person_id}"
    month = await tx.get("person_months", key) or {"period": period, "entries": {}}
    entries = month["entries"]
    old = entries.get(screening_id)
    if entry is not None and old is not None and old["version"] >= entry["version"]:
        return  # a stale version arriving late changes nothing
    before = effective(entries)
    if entry is None:
        entries.pop(screening_id, None)
    else:
        entries[screening_id] = entry
    for desa_code, delta in count_changes(before, effective(entries)):
        await _count(tx, desa_code, period, delta)
    if entries:
        await tx.put("person_months", key, month)
    else:
        await tx.delete("person_months", key)


async def _count(tx: Transaction, desa_code: str, period: str, delta: dict[str, int]) -> None:
    if not delta:
        return
    key = f"{desa_code}|{period}"
    doc = await tx.get("desa_months", key) or {"desa_code": desa_code, "period": period,
                                                "counts": {}}
    doc["counts"] = apply_delta(doc["counts"], delta)
    await tx.put("desa_months", key, doc)
