"""FHIR export end to end: a real local FHIR receiver (OAuth2 token endpoint + transaction
endpoint that validates every Bundle, records it, and fails on demand) behind the embedded
platform. Recorded, amended and voided screenings arrive as Bundles; a failing endpoint
is retried until it recovers; a Bundle from an integrator becomes a screening."""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn
from fhir.resources.R4B.bundle import Bundle
from ilp_platform.embedded import Platform, wait_for_port
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .helpers import eventually, free_port_block

NIK = "3373041011240077"


@dataclass
class FhirReceiver:
    """What SATUSEHAT does, as far as the exporter can tell."""

    bundles: list[dict] = field(default_factory=list)
    tokens_issued: int = 0
    fail_next: int = 0
    refused: list[str] = field(default_factory=list)

    def app(self) -> Starlette:
        async def token(request: Request) -> JSONResponse:
            form = dict(parse_qsl((await request.body()).decode()))
            if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
                    "client_credentials", "ilp-test", "s3cret"):
                return JSONResponse({"error": "invalid_client"}, 401)
            self.tokens_issued += 1
            return JSONResponse({"access_token": f"tok-{self.tokens_issued}",
                                 "token_type": "Bearer", "expires_in": 3600})

        async def transaction(request: Request) -> JSONResponse:
            if not request.headers.get("authorization", "").startswith("Bearer tok-"):
                return JSONResponse({"issue": "no token"}, 401)
            if self.fail_next > 0:
                self.fail_next -= 1
                return JSONResponse({"issue": "try later"}, 503)
            body = await request.json()
            try:
                Bundle.model_validate(body)
            except ValueError as exc:
                self.refused.append(str(exc))
                return JSONResponse({"issue": str(exc)}, 400)
            self.bundles.append(body)
            return JSONResponse({"resourceType": "Bundle", "type": "transaction-response"})

        return Starlette(routes=[Route("/oauth2/token", token, methods=["POST"]),
                                 Route("/fhir", transaction, methods=["POST"])])


@pytest.fixture(scope="module")
def fhir() -> Iterator[tuple[FhirReceiver, int]]:
    receiver, port = FhirReceiver(), free_port_block(1)
    server = uvicorn.Server(uvicorn.Config(receiver.app(), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    yield receiver, port
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def platform(tmp_path_factory, fhir) -> Iterator[Platform]:
    _, port = fhir
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("fhir"), ports, ports + 1, ports + 2,
                        extra_env={
                            "ILP_FHIR_BASE_URL": f"http://127.0.0.1:{port}/fhir",
                            "ILP_FHIR_TOKEN_URL": f"http://127.0.0.1:{port}/oauth2/token",
                            "ILP_FHIR_CLIENT_ID": "ilp-test", "ILP_FHIR_CLIENT_SECRET": "s3cret",
                            "ILP_FHIR_ORGANIZATION_ID": "100011961",
                            "ILP_DELIVERY_INTERVAL_S": "0.3"})
    platform.start()  # the sample kota: posyandu psy-blotongan-1 exists
    yield platform
    platform.stop()


def screening_client(platform: Platform) -> httpx.Client:
    return httpx.Client(base_url=platform.base_url_of("screening"), timeout=10)


def record(platform: Platform, nik: str, weight: float) -> dict:
    body = {"person": {"nik": nik, "name": "Bima", "sex": "M", "birth_date": "2024-11-10"},
            "posyandu_id": "psy-blotongan-1", "screened_on": "2026-11-20",
            "measurements": {"weight_kg": weight, "height_cm": 79.0, "measured_lying": False}}
    client = screening_client(platform)
    return eventually(lambda: (r := client.post("/screenings", json=body, headers={
        "Idempotency-Key": str(uuid.uuid4())})).status_code == 201 and r.json())


def bundles_of(receiver: FhirReceiver, screening_id: str) -> list[dict]:
    return [b for b in receiver.bundles if any(
        e["resource"]["resourceType"] == "Encounter"
        and e["resource"]["identifier"][0]["value"] == screening_id for e in b["entry"])]


def weight_in(bundle: dict) -> float:
    return next(e["resource"]["valueQuantity"]["value"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "Observation"
                and e["resource"]["code"]["coding"][0]["code"] == "29463-7")


def test_recorded_amended_voided_screenings_reach_the_fhir_server(platform, fhir) -> None:
    receiver, _ = fhir
    recorded = record(platform, NIK, 9.1)
    [first] = eventually(lambda: bundles_of(receiver, recorded["screening_id"]))
    patient = next(e["resource"] for e in first["entry"]
                   if e["resource"]["resourceType"] == "Patient")
    assert patient["identifier"][0]["value"] == NIK  # opened from its seal, for SATUSEHAT
    assert weight_in(first) == 9.1 and receiver.tokens_issued == 1

    client = screening_client(platform)
    client.post(f"/screenings/{recorded['screening_id']}/amend", json={
        "reason": "salah ketik", "measurements": {"weight_kg": 9.4, "height_cm": 79.0,
                                                  "measured_lying": False}}
                ).raise_for_status()
    eventually(lambda: len(bundles_of(receiver, recorded["screening_id"])) == 2)
    assert weight_in(bundles_of(receiver, recorded["screening_id"])[1]) == 9.4
    client.post(f"/screenings/{recorded['screening_id']}/void",
                json={"reason": "anak lain"}).raise_for_status()
    third = eventually(lambda: bundles_of(receiver, recorded["screening_id"])[2:])[0]
    encounter = next(e["resource"] for e in third["entry"]
                     if e["resource"]["resourceType"] == "Encounter")
    assert encounter["status"] == "entered-in-error"
    assert receiver.tokens_issued == 1 and receiver.refused == []  # one token, all valid


def test_a_contact_copied_from_her_buku_kia_is_not_reported_as_the_posyandus(
        platform, fhir) -> None:
    """A contact she had at a private midwife, copied from her Buku KIA (`elsewhere`), is
    not sent to SATUSEHAT as the posyandu's encounter – the midwife reports her own; one
    sent before it was known to be so is withdrawn (entered-in-error)."""
    receiver, _ = fhir
    client = screening_client(platform)
    woman = {"nik": "3373046107950021", "name": "Ratna", "sex": "F", "birth_date": "1995-07-21"}

    def contact(on: str, weeks: int, **pregnancy: str) -> dict:
        body = {"person": woman, "posyandu_id": "psy-blotongan-1", "screened_on": on,
                "pregnancy": {"gestational_weeks": weeks, "anc_visit": 1, **pregnancy}}
        return eventually(lambda: (r := client.post("/screenings", json=body, headers={
            "Idempotency-Key": str(uuid.uuid4())})).status_code == 201 and r.json())
    copied = contact("2026-08-10", 12, elsewhere="BPM Bidan Sri")
    ours = contact("2026-11-02", 24)
    eventually(lambda: bundles_of(receiver, ours["screening_id"]))
    assert bundles_of(receiver, copied["screening_id"]) == []
    client.post(f"/screenings/{ours['screening_id']}/amend", json={
        "reason": "kunjungan di BPM, disalin dari buku KIA",
        "pregnancy": {"gestational_weeks": 24, "anc_visit": 1, "elsewhere": "BPM Bidan Sri"}}
                ).raise_for_status()
    withdrawn = eventually(lambda: bundles_of(receiver, ours["screening_id"])[1:])[0]
    encounter = next(e["resource"] for e in withdrawn["entry"]
                     if e["resource"]["resourceType"] == "Encounter")
    assert encounter["status"] == "entered-in-error"


def test_a_person_without_a_nik_is_sent_once_hers_is_linked(platform, fhir) -> None:
    """SATUSEHAT finds a patient by NIK: the screenings of a lansia known by her number at
    the posyandu wait (`awaiting_nik`), and go out with her NIK once it is linked."""
    receiver, _ = fhir
    client = screening_client(platform)
    body = {"person": {"local_id": "MWR-031", "name": "Mbah Karto", "sex": "M",
                       "birth_date": "1950-03-08"},
            "posyandu_id": "psy-blotongan-1", "screened_on": "2026-11-20",
            "measurements": {"systolic": 150, "diastolic": 92}}
    recorded = eventually(lambda: (r := client.post("/screenings", json=body, headers={
        "Idempotency-Key": str(uuid.uuid4())})).status_code == 201 and r.json())
    waiting = eventually(lambda: [r for r in client.get(
        "/fhir/exports", params={"status": "awaiting_nik"}).json()
        if r["screening_id"] == recorded["screening_id"]])
    assert waiting[0]["attempts"] == [] and bundles_of(receiver, recorded["screening_id"]) == []
    nik = "3373040803500003"
    linked = client.post(f"/persons/{recorded['person_id']}/nik", json={"nik": nik})
    assert linked.status_code == 201, linked.text
    [sent] = eventually(lambda: bundles_of(receiver, recorded["screening_id"]))
    patient = next(e["resource"] for e in sent["entry"]
                   if e["resource"]["resourceType"] == "Patient")
    assert patient["identifier"][0]["value"] == nik


def test_a_failing_endpoint_is_retried_until_it_recovers(platform, fhir) -> None:
    receiver, _ = fhir
    receiver.fail_next = 1
    recorded = record(platform, "3373041011240078", 10.0)
    eventually(lambda: bundles_of(receiver, recorded["screening_id"]), timeout=30)
    exports = screening_client(platform).get("/fhir/exports", params={"status": "exported"})
    row = next(r for r in exports.json() if r["screening_id"] == recorded["screening_id"])
    assert [a["error"] is None for a in row["attempts"]] == [False, True]
    assert "503" in row["attempts"][0]["error"]


def test_an_integrator_bundle_becomes_a_screening(platform) -> None:
    client = screening_client(platform)
    recorded = record(platform, "3373041011240079", 11.0)
    bundle = client.get(f"/screenings/{recorded['screening_id']}/fhir").json()
    bundle["identifier"] = {"system": "https://simpus.example/bundle", "value": "b-42"}
    for entry in bundle["entry"]:  # the same child, weighed again elsewhere in the system
        if entry["resource"]["resourceType"] == "Observation" and \
                entry["resource"]["code"]["coding"][0]["code"] == "29463-7":
            entry["resource"]["valueQuantity"]["value"] = 11.3
    first = client.post("/fhir/Bundle", json=bundle)
    assert first.status_code == 201, first.text
    created = first.json()
    assert created["person_id"] == recorded["person_id"]
    assert created["measurements"]["weight_kg"] == 11.3
    again = client.post("/fhir/Bundle", json=bundle)
    assert again.status_code == 200 and again.json()["screening_id"] == created["screening_id"]
    bundle["entry"][0]["resource"]["birthDate"] = "2030-01-01"
    bundle["identifier"]["value"] = "b-43"
    assert client.post("/fhir/Bundle", json=bundle).status_code == 422
