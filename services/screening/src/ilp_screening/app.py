"""The screening service: life-cycle screening intake and clinical classification."""

from ilp_contracts import FacilityUpserted
from ilp_kit.service import ServiceSpec

from .api import router
from .handlers import on_facility

SPEC = ServiceSpec(
    name="screening",
    description="Screening intake at posyandu/pustu with clinical classification.",
    collections={
        "screenings": ["desa_code", "period", "person_id"],
        "persons": [],
        "idempotency": [],
        "posyandu": ["area_code"],
    },
    router=router,
    handlers={FacilityUpserted: on_facility},
    subscriptions=[("REGISTRY", "ilp.registry.>")],
)
