"""A service recounting its store by new counting rules answers meanwhile – alive, not
ready, its API 503 with Retry-After – rather than not at all (or with partial figures):
an orchestrator (or `./ilp up`) can tell a long recount from a hung start."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from fastapi import APIRouter
from ilp_kit.service import CountingRules, ServiceSpec, create_app
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import SqliteStore


async def test_a_service_recounting_is_alive_not_ready_and_its_api_says_so(tmp_path: Path
                                                                         ) -> None:
    router = APIRouter()

    @router.get("/figures")
    async def figures() -> dict[str, int]:
        return {"k6": 1}
    spec = ServiceSpec(name="pws", collections={"figures": []}, router=router,
                       counting_rules=CountingRules("2", lambda _: {}))
    app = create_app(spec, ServiceSettings(service="pws"),
                     store_factory=lambda _: SqliteStore(tmp_path / "s.db", {"figures": []}))
    recount: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    app.state.runtime.recounting = recount  # (lifespan not run: the recount under way)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://pws/api/v1/pws") as client:
        live, ready, asked = [await client.get(path)
                              for path in ("/health/live", "/health/ready", "/figures")]
        assert (live.status_code, ready.status_code, ready.json()) == (
            200, 503, {"status": "recounting"})
        assert (asked.status_code, asked.headers["Retry-After"]) == (503, "30")
        assert "recounting" in asked.json()["detail"]
        recount.set_result(None)
        assert (await client.get("/figures")).json() == {"k6": 1}  # counted
