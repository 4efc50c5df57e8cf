"""The area tree a scoped caller chooses from: her own branch, however big the country."""

from __future__ import annotations

from ilp_kit.auth import Principal
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import SqliteStore
from ilp_pws.api import list_areas
from ilp_pws.app import SPEC


async def test_a_desa_admin_finds_her_desa_among_thousands(tmp_path) -> None:
    store = SqliteStore(tmp_path / "pws.db", SPEC.collections)
    await store.open()
    rt = Runtime(ServiceSettings(service="pws"), store)
    areas = [("33", "Jawa Tengah", "province", None), ("33.73", "Kota Salatiga", "regency", "33"),
             ("33.73.04", "Sidorejo", "district", "33.73"),
             ("33.73.04.1001", "Zona Blotongan", "village", "33.73.04"),
             *((f"35.01.01.{2001 + n}", f"Desa {n:04d}", "village", "35.01.01")
               for n in range(2100))]
    async with store.transaction() as tx:
        for code, name, level, parent in areas:
            await tx.put("areas", code, {"code": code, "name": name, "level": level,
                                         "parent_code": parent})
    bidan = Principal("bidan-1", frozenset({"bidan"}), ("33.73.04.1001",))
    villages = await list_areas(rt, bidan, level="village")
    assert [a["code"] for a in villages] == ["33.73.04.1001"]
    assert [a["code"] for a in await list_areas(rt, bidan)] == [
        "33", "33.73", "33.73.04", "33.73.04.1001"]  # by name: Jawa Tengah … Zona Blotongan
    assert [a["code"] for a in await list_areas(rt, bidan, parent="33")] == ["33.73"]
    await store.close()
