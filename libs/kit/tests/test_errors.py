"""An unknown field is refused with its name and the one probably meant – over HTTP and
for an event – so an integrator can fix the request without reading the schema."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi import FastAPI
from ilp_contracts import IngestScreening
from ilp_contracts.screening import ScreeningSubmission
from ilp_kit.errors import install_error_handlers, name_unknown_fields
from pydantic import BaseModel, ValidationError

SCREENING = {"person": {"nik": "3373041011240001", "name": "Bima", "sex": "M",
                        "birth_date": "2024-11-10"},
             "posyandu_id": "psy-1", "screened_on": "2026-11-20"}


def post(app: FastAPI, **request: object) -> httpx.Response:
    """In process, through httpx's ASGI transport (Starlette's TestClient is deprecated)."""
    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://service") as client:
            return await client.post("/screenings", **request)
    return asyncio.run(send())


def refusal(model: type[BaseModel], data: dict) -> list[dict]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(data)
    return name_unknown_fields(refused.value.errors(include_url=False), model)


def test_a_misspelt_field_is_named_with_the_one_meant() -> None:
    [error] = refusal(ScreeningSubmission, {**SCREENING, "measurements": {"adl_score": 11}})
    assert error["loc"] == ("measurements", "adl_score")
    assert error["msg"] == "unknown field 'adl_score'; did you mean 'adl'?"


def test_a_field_like_no_other_lists_the_known_ones() -> None:
    [error] = refusal(IngestScreening, {"idempotency_key": "simpus-0001", "source_system": "simpus",
                                        "screening": {**SCREENING, "measurements": {},
                                                      "catatan": "x"}})
    assert error["msg"].startswith("unknown field 'catatan'; expected one of: ")
    assert "posyandu_id" in error["msg"] and "screened_on" in error["msg"]


def test_other_errors_are_left_as_pydantic_says_them() -> None:
    errors = refusal(ScreeningSubmission, {**SCREENING, "measurements": {"weight_kg": "berat"}})
    assert [e["type"] for e in errors] == ["float_parsing"]


def test_over_http_the_422_names_the_field_in_the_body() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/screenings")
    def record(body: ScreeningSubmission) -> dict:  # noqa: ARG001 – refused before
        return {}

    reply = post(app, json={**SCREENING, "measurements": {"wieght_kg": 9.1}})
    assert reply.status_code == 422
    [error] = reply.json()["detail"]
    assert error["loc"] == ["body", "measurements", "wieght_kg"]
    assert error["msg"] == "unknown field 'wieght_kg'; did you mean 'weight_kg'?"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_not_a_server_error(number: str) -> None:
    """Python's JSON reads them; echoing one back in the 422 was a 500."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/screenings")
    def record(body: ScreeningSubmission) -> dict:  # noqa: ARG001 – refused before
        return {}

    body = json.dumps({**SCREENING, "measurements": {"weight_kg": 1.0}}).replace("1.0", number)
    reply = post(app, content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 422
    [error] = reply.json()["detail"]
    assert (error["loc"], error["type"]) == (["body", "measurements", "weight_kg"],
                                             "finite_number")
