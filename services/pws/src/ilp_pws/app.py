"""The PWS service: Pemantauan Wilayah Setempat indicators per desa and month."""

from ilp_kit.service import ServiceSpec

from .api import catalogue_for, pages, router
from .handlers import Projector
from .live import live_fan_out

SPEC = ServiceSpec(
    name="pws",
    description="PWS indicators per desa/kelurahan and month, with roll-ups.",
    collections={
        "areas": ["parent_code", ("level", "code")],
        "targets": [("year", "area_code")],
        "person_years": [],
        "desa_months": [("period", "desa_code"), "desa_code"],
        "desa_years": [("year", "desa_code")],
        "posyandu_months": [("desa_code", "period")],
        "posyandu_years": [("desa_code", "year")],
        "tasks": [],
        "visit_series": [],
        "births": [],  # each birth's desa, month and flags, as last counted
        "posyandu": ["desa_code", "parent_facility_id"],  # and the pustu
        "puskesmas": ["kecamatan"],
    },
    router=router,
    pages=pages,
    jobs=[live_fan_out],
    handlers=lambda settings: Projector(catalogue_for(settings)).handlers(),
    subscriptions=[("REGISTRY", "ilp.registry.>"), ("SCREENING", "ilp.screening.>"),
                   ("NOTIFY", "ilp.notify.task.>")],
)
