"""Export to SATUSEHAT (or any FHIR R4 server): every recorded, amended or voided
screening becomes a transaction Bundle, pushed with an OAuth2 client-credentials token,
retried with backoff, with an export status per screening (`fhir_exports`).

The NIK is needed for SATUSEHAT's Patient identifier but is never stored in clear: when
the export is configured, intake keeps it sealed (Fernet) beside the person, and only
this module opens it, just to build the Bundle.
"""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import httpx
import orjson
from cryptography.fernet import Fernet
from ilp_contracts import ScreeningAmended, ScreeningRecorded, ScreeningVoided
from ilp_kit.outgoing import run_rounds, send_due
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, Reader, Transaction

from .bundle import ExportContext, screening_bundle


def sealer(settings: ServiceSettings) -> Fernet | None:
    """The NIK seal, or None when nothing is exported (then no NIK is kept at all)."""
    if not settings.fhir_base_url:
        return None
    return _fernet(settings.pii_key, settings.pseudonym_key)


@cache
def _fernet(pii_key: str, pseudonym_key: str) -> Fernet:
    """Made once per key, not per screening."""
    return Fernet(pii_key or base64.urlsafe_b64encode(
        hashlib.sha256(b"ilp-pii:" + pseudonym_key.encode()).digest()).decode())


def handlers(settings: ServiceSettings) -> dict[type, Any]:
    """Queue an export for each new version of a screening (when the export is on)."""
    if not settings.fhir_base_url:
        return {}

    async def queue(tx: Transaction, event: ScreeningRecorded | ScreeningAmended |
                    ScreeningVoided) -> None:
        row = await tx.get("fhir_exports", event.screening_id)
        screening = await tx.get("screenings", event.screening_id)
        if row is None and made_elsewhere(screening):
            return  # never this posyandu's encounter to report
        person = await tx.get("persons", (screening or {}).get("person_id", ""))
        row = row or {"screening_id": event.screening_id, "attempts": [], "revision": 0}
        row.update(status="pending" if identifiable(person) else AWAITING_NIK,
                   next_at=datetime.now(UTC).isoformat(), revision=row["revision"] + 1,
                   kind=type(event).__name__, person_id=event.person_id)
        await tx.put("fhir_exports", event.screening_id, row)

    return {ScreeningRecorded: queue, ScreeningAmended: queue, ScreeningVoided: queue}


# SATUSEHAT finds a patient by her NIK or her mother's: the screenings of a person known
# by neither (her number at the posyandu) wait until hers is linked.
AWAITING_NIK = "awaiting_nik"


def identifiable(person: dict[str, Any] | None) -> bool:
    return bool(person and (person.get("nik_sealed") or person.get("mother_nik_sealed")))


async def release_awaiting(tx: Transaction, person_id: str) -> None:
    """Her screenings' exports that waited for a NIK, due now that she has one."""
    for row in await tx.find("fhir_exports", Query.of(status=AWAITING_NIK,
                                                      person_id=person_id)):
        await tx.put("fhir_exports", row["screening_id"], {
            **row, "status": "pending", "next_at": datetime.now(UTC).isoformat()})


async def bundle_for(reader: Reader, settings: ServiceSettings, screening_id: str
                     ) -> dict[str, Any] | None:
    """The Bundle as JSON-ready dict (validated by fhir.resources on the way)."""
    screening = await reader.get("screenings", screening_id)
    if screening is None:
        return None
    if made_elsewhere(screening):  # sent as ours before it was known: withdrawn
        screening = {**screening, "status": "voided"}
    person = await reader.get("persons", screening["person_id"]) or {}
    seal = sealer(settings)
    opened = {k: seal.decrypt(person[f"{k}_sealed"].encode()).decode()
              for k in ("nik", "mother_nik") if seal and person.get(f"{k}_sealed")}
    ctx = ExportContext(
        organization_id=settings.fhir_organization_id or "unknown",
        location_id=screening["posyandu_id"], nik=opened.get("nik"),
        mother_nik=opened.get("mother_nik"), name=person.get("name", ""),
        birth_date=date.fromisoformat(person["birth_date"]), desa_code=screening["desa_code"],
        rt=person.get("rt"), rw=person.get("rw"),
        local_id=None if person.get("mother_id") else person.get("local_id"))
    return screening_bundle(screening, ctx)


def made_elsewhere(screening: dict[str, Any] | None) -> bool:
    """An ANC contact copied from her Buku KIA, made at another provider."""
    pregnancy = ((screening or {}).get("submission") or {}).get("pregnancy") or {}
    return bool(pregnancy.get("elsewhere"))


class ClientCredentials:
    """OAuth2 client-credentials token, fetched when missing or about to expire."""

    def __init__(self, settings: ServiceSettings, client: httpx.AsyncClient) -> None:
        self.settings, self.client = settings, client
        self.token: str | None = None
        self.expires_at = 0.0

    async def header(self) -> dict[str, str]:
        if not self.settings.fhir_token_url:
            return {}
        if self.token is None or time.monotonic() > self.expires_at - 60:
            reply = await self.client.post(self.settings.fhir_token_url, data={
                "grant_type": "client_credentials", "client_id": self.settings.fhir_client_id,
                "client_secret": self.settings.fhir_client_secret})
            reply.raise_for_status()
            body = reply.json()
            self.token = body["access_token"]
            self.expires_at = time.monotonic() + float(body.get("expires_in", 300))
        return {"Authorization": f"Bearer {self.token}"}


async def export_job(rt: Runtime) -> None:
    """Runs only where the export is configured."""
    settings = rt.settings
    if not settings.fhir_base_url:
        return
    async with httpx.AsyncClient(timeout=30) as client:
        credentials = ClientCredentials(settings, client)

        async def send(row: dict[str, Any]) -> str | None:
            bundle = await bundle_for(rt.store, settings, row["screening_id"])
            if bundle is None:
                return "screening not found"
            try:
                headers = {**await credentials.header(),
                           "Content-Type": "application/fhir+json"}
                reply = await client.post(settings.fhir_base_url, content=orjson.dumps(bundle),
                                          headers=headers)
            except httpx.HTTPError as exc:  # the token endpoint included
                credentials.token = None
                return f"{type(exc).__name__}: {exc}"
            if reply.status_code == 401:
                credentials.token = None  # expired or revoked: fetch a new one next time
            return None if reply.is_success else f"HTTP {reply.status_code}: {reply.text[:200]}"

        await run_rounds(rt, lambda: send_due(rt, "fhir_exports", "screening_id", send,
                                              settings.fhir_max_attempts, done="exported"),
                         "fhir export")
