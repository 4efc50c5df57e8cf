"""The PWS service: Pemantauan Wilayah Setempat indicators per desa and month."""

from ilp_kit.service import CountingRules, ServiceSpec

from .api import catalogue_for, pages, router
from .handlers import Projector
from .live import live_fan_out

# A new version for every release that counts the same events differently (a data
# directory of an older release is then recounted at start). 2026-12-05: K1 and K6 by
# pregnancy – K6 by its contacts' spread over the trimesters. 2026-12-05.2: D (balita
# ditimbang) by a weight taken, not by any balita screening. 2026-12-05.3: the vitamin A
# capsule, among the balita of its age seen in the month (given at any visit of it); a
# baby's exclusive breastfeeding; a woman's IVA and SADANIS. 2026-12-05.5: a pregnancy's
# TTD 90, a remaja putri's iron tablets, a balita's deworming tablet, PMT where it was needed.
# 2026-12-05.7: a pregnancy's T2+, a girl's HPV, a mother's vitamin A after delivery; a
# school's BIAS visit (doses only) no remaja screening. 2026-12-05.8: postnatal visits a
# Kohort showed made count as made, not among the home visits due. 2026-12-05.11: the
# SPM's balita service (weighings, lengths, KPSP and capsules of the child's year, kept
# with each visit: .11 and .12, within one session, counted them as flags).
COUNTING_RULES = "2026-12-05.13"

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
        "pregnancies": [],  # each woman's ANC contacts, by screening (K1, K6)
        "births": [],  # each birth's desa, month and flags, as last counted
        "posyandu": ["desa_code", "parent_facility_id"],  # and the pustu
        "puskesmas": ["kecamatan"],
        "migrations": [],  # the counting rules the store was counted by
        "leases": [],  # which replica recounts, when the rules changed
    },
    router=router,
    pages=pages,
    jobs=[live_fan_out],
    handlers=lambda settings: Projector(catalogue_for(settings)).handlers(),
    counting_rules=CountingRules(
        COUNTING_RULES,
        lambda settings: Projector(catalogue_for(settings), announce=False).handlers()),
    subscriptions=[("REGISTRY", "ilp.registry.>"), ("SCREENING", "ilp.screening.>"),
                   ("NOTIFY", "ilp.notify.task.>")],
)
