"""The screening service: life-cycle screening intake and clinical classification."""

from ilp_contracts import FacilityUpserted
from ilp_kit.service import ServiceSpec

from .api import router
from .audit import prune_audit
from .fhir import export as fhir_export
from .handlers import ingest_handlers, on_facility

SPEC = ServiceSpec(
    name="screening",
    description="Screening intake at posyandu/pustu for every life-cycle stage, with "
    "clinical classification (WHO growth standards, BP, BMI, glucose, KEK, anaemia, ADL).",
    collections={
        "screenings": [("desa_code", "period"), ("person_id", "screened_on")],
        "persons": [],
        "person_aliases": [],
        "household": ["posyandu_id"],
        "births": [("desa_code", "born_on"), ("mother_id", "born_on"), "baby_id"],
        "tb_treatments": [("desa_code", "started_on"), "person_id"],
        "idempotency": [],
        "posyandu": ["area_code", "name_key"],
        "audit": ["person_id", "subject", "at"],
        "fhir_exports": [("status", "next_at"), ("person_id", "status")],
        "leases": [],
    },
    router=router,
    handlers=lambda settings: {FacilityUpserted: on_facility,
                               **ingest_handlers(settings),
                               **fhir_export.handlers(settings)},
    # With the FHIR export on, its own stream too: each new version of a screening queues
    # its export (without it, no needless pull and ack of every screening event).
    subscriptions=lambda settings: [
        # Every version: one this code cannot read is dead-lettered with the reason, where
        # a filter on v1 left an integrator's v2 in the stream unread and unexplained.
        ("REGISTRY", "ilp.registry.>"), ("INGEST", "ilp.ingest.>"),
        *([("SCREENING", "ilp.screening.>")] if settings.fhir_base_url else [])],
    jobs=[fhir_export.export_job, prune_audit],
)
