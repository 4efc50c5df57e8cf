"""A query parameter the endpoint does not read is refused, naming the one probably
meant: ignored, `?area_code=` where `desa_code` is read, or `?periode=`, answered as if no
filter had been asked."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Query
from ilp_kit.errors import install_error_handlers
from ilp_kit.params import Limit, Period, known_query_parameters


def _paging(limit: Limit = 100, offset: int = 0) -> dict[str, int]:
    return {"limit": limit, "offset": offset}


def _app() -> FastAPI:
    router = APIRouter()

    @router.get("/tasks")
    def tasks(paging: Annotated[dict[str, int], Depends(_paging)], area_code: str | None = None,
              status: str = "open", period: Period | None = None,
              since: Annotated[str | None, Query(alias="from")] = None) -> dict[str, Any]:
        return {"area_code": area_code, **paging}

    @router.get("/catalogue")
    def catalogue() -> list[str]:
        return []

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router, dependencies=[Depends(known_query_parameters)])
    return app


def get(url: str, language: str = "en") -> httpx.Response:
    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()),
                                     base_url="http://service") as client:
            return await client.get(url, headers={"Accept-Language": language})
    return asyncio.run(send())


def test_known_parameters_pass_those_of_dependencies_and_aliases_too() -> None:
    reply = get("/tasks?area_code=33.73&status=all&limit=5&offset=10&from=2026-11-01"
                "&period=2026-11")
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"area_code": "33.73", "limit": 5, "offset": 10}


def test_a_misspelt_parameter_is_named_with_the_one_meant() -> None:
    reply = get("/tasks?periode=2026-11")
    assert reply.status_code == 422
    assert reply.json()["detail"] == [{
        "loc": ["query", "periode"], "type": "unknown_parameter",
        "msg": "unknown query parameter 'periode'; did you mean 'period'?"}]


def test_every_unknown_parameter_is_named_once_with_those_known() -> None:
    reply = get("/tasks?desa=33.73&x=1&x=2")
    assert reply.status_code == 422
    assert [e["loc"] for e in reply.json()["detail"]] == [["query", "desa"], ["query", "x"]]
    assert reply.json()["detail"][1]["msg"] == (
        "unknown query parameter 'x'; expected one of: area_code, from, limit, offset, "
        "period, status")


def test_an_endpoint_without_parameters_says_so_in_the_callers_language() -> None:
    reply = get("/catalogue?stage=balita", language="id")
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["msg"] == (
        "parameter 'stage' tidak dikenal: alamat ini tidak menerima parameter")
