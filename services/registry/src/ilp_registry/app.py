"""The registry service: master data of wilayah, facilities, workforce and targets."""

from ilp_kit.service import ServiceSpec

from .api import router
from .commands import announce_facilities_after_upgrade

SPEC = ServiceSpec(
    name="registry",
    description="Wilayah (Kemendagri codes), facilities, health workers and kader, targets.",
    collections={
        "areas": ["parent_code", "level", "code"],
        "local_units": ["desa_code"],
        "facilities": ["area_code", "type", "parent_facility_id", "name_key"],
        "workers": ["facility_id", "role", "area_code"],
        "targets": ["area_code"],
        "migrations": [],  # what a start has done to data kept by an older release
    },
    router=router,
    jobs=[announce_facilities_after_upgrade],
)
