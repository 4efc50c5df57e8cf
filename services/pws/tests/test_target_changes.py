"""A corrected sasaran changes the denominator of a desa's indicators: the colours it
changes are announced like those a screening changes (and a rebuild announces nothing)."""

from __future__ import annotations

import json

from ilp_contracts import IndicatorChanged, TargetSet
from ilp_kit.store import SqliteStore
from ilp_pws.app import SPEC
from ilp_pws.domain.indicators import CATALOGUE
from ilp_pws.handlers import Projector

DESA = "33.73.04.1001"


async def changes(store: SqliteStore) -> list[dict]:
    return [json.loads(r.body) for r in await store.pending_outbox(1000)
            if r.subject == IndicatorChanged.SUBJECT]


async def test_a_new_target_announces_the_colours_it_changes(tmp_path) -> None:
    store = SqliteStore(tmp_path / "pws.db", SPEC.collections)
    await store.open()
    on_target = Projector(CATALOGUE).handlers()[TargetSet]
    async with store.transaction() as tx:  # 90 of 100 balita weighed in November: green
        await tx.put("desa_months", f"{DESA}|2026-11", {
            "desa_code": DESA, "period": "2026-11", "counts": {"balita_weighed": 90}})
        await on_target(tx, TargetSet(area_code=DESA, year=2026, group="balita", count=100))
    [first] = await changes(store)  # from "no sasaran yet" to green
    assert (first["indicator_id"], first["colour"]) == ("balita_ditimbang", "green")
    async with store.transaction() as tx:  # corrected to 200: 45 % of target → red
        await on_target(tx, TargetSet(area_code=DESA, year=2026, group="balita", count=200))
        await on_target(tx, TargetSet(area_code=DESA, year=2026, group="balita", count=200))
        await on_target(tx, TargetSet(area_code=DESA, year=2027, group="balita", count=1))
    latest = (await changes(store))[1:]
    assert [(c["period"], c["previous_colour"], c["colour"], c["pct"]) for c in latest] == [
        ("2026-11", "green", "red", 45.0)]  # once; the same figure again and 2027 change nothing

    rebuild = SqliteStore(tmp_path / "rebuild.db", SPEC.collections)
    await rebuild.open()
    quiet = Projector(CATALOGUE, announce=False).handlers()[TargetSet]
    async with rebuild.transaction() as tx:
        await tx.put("desa_months", f"{DESA}|2026-11", {
            "desa_code": DESA, "period": "2026-11", "counts": {"balita_weighed": 90}})
        await quiet(tx, TargetSet(area_code=DESA, year=2026, group="balita", count=100))
    assert await changes(rebuild) == []
    await store.close()
    await rebuild.close()


async def test_a_sasaran_that_completes_15_plus_announces_the_ptm_screenings_colour(
        tmp_path) -> None:
    """Usia produktif and lansia make a desa's 15+ (their sum): the second of them gives
    the PTM screening its denominator, and that colour change is announced too."""
    store = SqliteStore(tmp_path / "pws.db", SPEC.collections)
    await store.open()
    on_target = Projector(CATALOGUE).handlers()[TargetSet]
    async with store.transaction() as tx:
        await tx.put("desa_months", f"{DESA}|2026-11", {
            "desa_code": DESA, "period": "2026-11", "counts": {"year:ptm_screened": 60}})
        await tx.put("desa_years", f"{DESA}|2026", {"to_date": {}})
        await on_target(tx, TargetSet(area_code=DESA, year=2026, group="usia_produktif",
                                      count=80))
    assert "ptm_skrining" not in {c["indicator_id"] for c in await changes(store)}
    async with store.transaction() as tx:
        await on_target(tx, TargetSet(area_code=DESA, year=2026, group="lansia", count=20))
    announced = {c["indicator_id"]: c["colour"] for c in await changes(store)}
    assert "ptm_skrining" in announced and "lansia_skrining" in announced
    await store.close()
