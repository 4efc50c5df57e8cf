"""Screening's event handlers: the posyandu read copy, and intake from integrators."""

from __future__ import annotations

from ilp_contracts import FacilityUpserted, IngestBirth, IngestScreening
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Transaction

from . import intake
from .fhir.export import sealer


async def on_facility(tx: Transaction, event: FacilityUpserted) -> None:
    if event.type != "posyandu":
        return
    await tx.put("posyandu", event.facility_id, {
        "id": event.facility_id, "area_code": event.area_code, "rw": event.rw,
        "active": event.active})


def ingest_handler(settings: ServiceSettings):  # noqa: ANN201 – a handler closure
    """`ilp.ingest.screening.v1`: the same intake as HTTP; an invalid screening raises
    InvalidInput, which the consumer dead-letters at once with the field-level reasons."""

    seal = sealer(settings)

    async def on_ingest(tx: Transaction, event: IngestScreening) -> None:
        await intake.record(tx, event.screening,
                            intake.ingest_key(event.source_system, event.idempotency_key),
                            settings.pseudonym_key, loc=("screening",), seal=seal,
                            key_loc=("idempotency_key",))

    return on_ingest


def ingest_birth_handler(settings: ServiceSettings):  # noqa: ANN201 – a handler closure
    """`ilp.ingest.birth.v1`: the same intake as `POST /births`."""

    seal = sealer(settings)

    async def on_ingest(tx: Transaction, event: IngestBirth) -> None:
        await intake.record_birth(tx, event.birth,
                                  intake.ingest_key(event.source_system, event.idempotency_key),
                                  settings.pseudonym_key, loc=("birth",), seal=seal,
                                  key_loc=("idempotency_key",))

    return on_ingest
