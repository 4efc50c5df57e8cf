"""The PWS service: Pemantauan Wilayah Setempat indicators per desa and month."""

from ilp_contracts import (
    AreaUpserted,
    ScreeningAmended,
    ScreeningRecorded,
    ScreeningVoided,
    TargetSet,
)
from ilp_kit.service import ServiceSpec

from .api import router
from .handlers import on_amended, on_area, on_recorded, on_target, on_voided

SPEC = ServiceSpec(
    name="pws",
    description="PWS indicators per desa/kelurahan and month, with roll-ups.",
    collections={
        "areas": ["parent_code"],
        "targets": [("year", "area_code")],
        "person_months": [],
        "desa_months": [("period", "desa_code")],
    },
    router=router,
    handlers=lambda _: {AreaUpserted: on_area, TargetSet: on_target,
                        ScreeningRecorded: on_recorded, ScreeningAmended: on_amended,
                        ScreeningVoided: on_voided},
    subscriptions=[("REGISTRY", "ilp.registry.>"), ("SCREENING", "ilp.screening.>")],
)
