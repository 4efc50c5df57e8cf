"""Screening's event handlers: the read copy of where screenings are made, and intake
from integrators."""

from __future__ import annotations

from ilp_contracts import (Event, FacilityUpserted, IngestBirth, IngestScreening,
                           IngestTbTreatment, IngestTbTreatmentEnd)
from ilp_contracts.registry import area_name_key, place_name_key
from ilp_contracts.text import _
from ilp_kit.auth import OPEN
from ilp_kit.consumer import Handler
from ilp_kit.errors import InvalidInput
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Transaction

from . import intake, tb
from .intake import PLACES, SCREENING_PLACES
from .fhir.export import sealer


async def on_facility(tx: Transaction, event: FacilityUpserted) -> None:
    if event.type not in SCREENING_PLACES:
        return
    await tx.put(PLACES, event.facility_id, {
        "id": event.facility_id, "type": event.type, "area_code": event.area_code,
        "rw": event.rw, "active": event.active, "name": event.name,
        "name_key": place_name_key(event.name),
        "desa_key": area_name_key(event.area_name) if event.area_name else None})


def ingest_handlers(settings: ServiceSettings) -> dict[type[Event], Handler]:
    """Integrators' submissions – `ilp.ingest.screening.v1`, `ilp.ingest.birth.v1`,
    `ilp.ingest.tb_treatment.v1` and `….tb_treatment.ended.v1` – go through the same intake
    as HTTP; an invalid one raises InvalidInput, which the consumer dead-letters at once
    with the field-level reasons."""

    seal = sealer(settings)

    def key(event: IngestScreening | IngestBirth | IngestTbTreatment | IngestTbTreatmentEnd
            ) -> str:
        return intake.ingest_key(event.source_system, event.idempotency_key)

    async def on_screening(tx: Transaction, event: IngestScreening) -> None:
        await intake.record(tx, event.screening, key(event), settings.pseudonym_key,
                            loc=("screening",), seal=seal, key_loc=("idempotency_key",))

    async def on_birth(tx: Transaction, event: IngestBirth) -> None:
        await intake.record_birth(tx, event.birth, key(event), settings.pseudonym_key,
                                  loc=("birth",), seal=seal, key_loc=("idempotency_key",))

    async def on_tb_treatment(tx: Transaction, event: IngestTbTreatment) -> None:
        await tb.start(tx, event.treatment, key(event), settings.pseudonym_key, OPEN,
                       seal, loc=("treatment",), key_loc=("idempotency_key",))

    async def on_tb_treatment_end(tx: Transaction, event: IngestTbTreatmentEnd) -> None:
        started = await tx.get("idempotency", key(event))
        if started is None or "treatment_id" not in started:
            raise InvalidInput([(("idempotency_key",), _(
                "no treatment was started with key {key} from {source}",
                key=event.idempotency_key, source=event.source_system), "unknown_treatment")])
        await tb.end(tx, started["treatment_id"], event.end, OPEN, loc=("end",),
                     id_loc=("idempotency_key",))

    return {IngestScreening: on_screening, IngestBirth: on_birth,
            IngestTbTreatment: on_tb_treatment, IngestTbTreatmentEnd: on_tb_treatment_end}
