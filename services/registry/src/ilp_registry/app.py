"""The registry service: master data of wilayah, facilities, workforce and targets."""

from ilp_kit.service import ServiceSpec

from .api import router

SPEC = ServiceSpec(
    name="registry",
    description="Wilayah (Kemendagri codes), facilities, health workers and kader, targets.",
    collections={
        "areas": ["parent_code", "level"],
        "facilities": ["area_code", "type"],
        "workers": ["facility_id", "role"],
        "targets": ["area_code"],
    },
    router=router,
)
