"""An unknown field is refused with its name and the one probably meant – over HTTP and
for an event – so an integrator can fix the request without reading the schema."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from ilp_contracts import IngestScreening
from ilp_contracts.screening import ScreeningSubmission
from ilp_contracts.text import _
from ilp_kit.errors import UnprocessableError, explained, install_error_handlers
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
    return explained(refused.value.errors(include_url=False), model)


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


def _screenings_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/screenings")
    def record(body: ScreeningSubmission) -> dict:
        raise UnprocessableError(("posyandu_id",), _("no posyandu or pustu {id} is registered",
                                                     id=body.posyandu_id), "unknown_posyandu")
    return app


def test_a_refusal_is_said_in_the_language_the_client_asks_for() -> None:
    """Pydantic's own messages, ours raised inside a validator, and the domain's refusals:
    in Bahasa Indonesia for a kader's phone (`Accept-Language: id-ID`), in English else."""
    app = _screenings_app()
    bad = {**SCREENING, "person": {**SCREENING["person"], "nik": "33730410"},
           "measurements": {"wieght_kg": 9.1, "height_cm": "tinggi"}}
    bad.pop("posyandu_id")
    said = {tuple(e["loc"]): e["msg"] for e in post(
        app, json=bad, headers={"Accept-Language": "id-ID,id;q=0.9"}).json()["detail"]}
    assert said == {
        ("body", "person", "nik"): "NIK terdiri dari 16 angka; yang ini 8 angka",
        ("body", "posyandu_id"): "Wajib diisi",
        ("body", "measurements", "wieght_kg"): "isian 'wieght_kg' tidak dikenal; maksudnya "
                                               "'weight_kg'?",
        ("body", "measurements", "height_cm"): "Harus berupa angka; teks ini tidak terbaca "
                                               "sebagai angka"}
    english = {tuple(e["loc"]): e["msg"] for e in post(app, json=bad).json()["detail"]}
    assert english[("body", "person", "nik")] == "a NIK is 16 digits; this one has 8"
    assert english[("body", "posyandu_id")] == "Field required"
    assert "ctx" not in post(app, json=bad).json()["detail"][0]

    reply = post(app, json={**SCREENING, "measurements": {}}, headers={"Accept-Language": "id"})
    assert reply.json()["detail"] == [{"loc": ["body", "posyandu_id"], "type": "unknown_posyandu",
                                       "msg": "tidak ada posyandu atau pustu psy-1 yang terdaftar"}]


def test_pydantics_messages_keep_their_english_word_for_word() -> None:
    """English stays what pydantic said: an integrator's tools may match it."""
    errors = refusal(ScreeningSubmission, {**SCREENING, "measurements": {"weight_kg": -1}})
    assert [e["msg"] for e in errors] == ["Input should be greater than 0"]
    assert errors[0]["msg"].render("id") == "Harus lebih dari 0"


def test_a_length_is_said_with_its_plural_as_pydantic_says_it() -> None:
    errors = refusal(IngestScreening, {"idempotency_key": "k", "source_system": "simpus",
                                       "screening": {**SCREENING, "measurements": {}}})
    [short] = [e for e in errors if e["type"] == "string_too_short"]
    assert short["msg"] == "String should have at least 8 characters"
    assert short["msg"].render("id") == "Teks paling sedikit 8 karakter"


def test_a_path_nobody_serves_is_not_found_in_the_language_asked() -> None:
    app = _screenings_app()

    async def get(path: str, **headers: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://service") as client:
            return await client.get(path, headers=headers)
    assert asyncio.run(get("/nowhere", **{"Accept-Language": "id"})).json() == {
        "detail": "Tidak ditemukan"}
    assert asyncio.run(get("/nowhere")).json() == {"detail": "Not Found"}
    refused = asyncio.run(get("/screenings", **{"Accept-Language": "id"}))
    assert (refused.status_code, refused.json()) == (405, {"detail": "Metode tidak diizinkan"})


def test_an_http_error_with_its_own_detail_keeps_it_in_the_language_asked() -> None:
    """A 401 with the header at fault, as authentication raises it."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/private")
    def private() -> dict:
        raise HTTPException(401, detail=[{"loc": ["header", "authorization"], "type": "x",
                                          "msg": _("a bearer token is required")}],
                            headers={"WWW-Authenticate": "Bearer"})

    async def get(**headers: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://service") as client:
            return await client.get("/private", headers=headers)
    english, indonesian = asyncio.run(get()), asyncio.run(get(**{"Accept-Language": "id"}))
    assert (english.status_code, english.headers["WWW-Authenticate"]) == (401, "Bearer")
    assert english.json()["detail"][0]["msg"] == "a bearer token is required"
    assert indonesian.json()["detail"][0]["msg"].startswith("token bearer diperlukan")


def test_a_choice_among_several_is_said_with_its_or_in_the_clients_language() -> None:
    errors = refusal(ScreeningSubmission, {**SCREENING, "person": {
        **SCREENING["person"], "sex": "X"}})
    [sex] = [e for e in errors if e["type"] == "literal_error"]
    assert sex["msg"] == "Input should be 'M' or 'F'"  # pydantic's, word for word
    assert sex["msg"].render("id") == "Harus 'M' atau 'F'"


def test_a_day_is_said_as_the_language_writes_it() -> None:
    from datetime import date

    from ilp_contracts.text import _

    said = _("the treatment already ended on {day} ({outcome})", day=date(2026, 8, 17),
             outcome="cured")
    assert said == "the treatment already ended on 2026-08-17 (cured)"  # English: ISO
    assert said.render("id") == "pengobatan sudah berakhir pada 17 Agustus 2026 (cured)"


def test_a_day_written_otherwise_is_told_how_to_write_it() -> None:
    """An app sending a day as a person writes it (05-12-2026) is told the format the API
    reads, not pydantic's 'invalid character in year'; English stays pydantic's."""
    errors = refusal(ScreeningSubmission, {**SCREENING, "screened_on": "05-12-2026"})
    [day] = [e for e in errors if e["loc"] == ("screened_on",)]
    assert day["msg"].startswith("Input should be a valid date")
    assert day["msg"].render("id") == "Harus berupa tanggal dengan format TTTT-BB-HH, mis. 2026-12-05"
