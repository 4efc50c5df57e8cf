"""The notify service: home-visit (kunjungan rumah) tasks for kader and bidan."""

from ilp_kit.service import ServiceSpec

from .api import router
from .delivery import delivery_job
from .handlers import handlers
from .scheduler import escalation_job

SPEC = ServiceSpec(
    name="notify",
    description="Home-visit tasks from screening findings, for the responsible kader/bidan.",
    collections={
        "workers": [("facility_id", "role"), ("area_code", "role")],
        # where each comes under: a puskesmas stands in for a desa's pustu
        "facilities": [("area_code", "type")],
        "desa_puskesmas": [],  # the puskesmas whose working area names the desa
        "tasks": [("assignee_id", "status", "due_at"), ("posyandu_id", "assignee_id"),
                  ("desa_code", "status"), ("status", "due_at"),
                  ("status", "escalation_level", "due_at"), ("person_id", "status")],
        "open_tasks": [],
        "screening_tasks": [],
        "leases": [],
        "deliveries": [("status", "next_at"), "task_id"],
        "rechecks": [("under_watch", "check_on")],
        "pregnancies": ["anc_check_on"],
        "digests": [],  # which daily digests and monthly PWS reviews went out
        "child_watch": ["weighing_check_on", ("tracks_doses", "next_dose_check"),
                        "vitamin_a_check_on"],
        "capsule_rounds": [],  # posyandu|round: the posyandu records vitamin A capsules
        "lansia_watch": ["attendance_check_on"],
        "ptm_watch": ["screening_late_on"],
        "pmt_watch": ["pmt_visit_on"],
        "household": ["ptm_check_on", "anc_check_on"],  # registered; never came
        "tb_watch": ["adherence_visit_on"],  # on TB treatment
        "births": ["visit_check_on", "mother_id"],
        "desa_colours": ["period"],
    },
    router=router,
    handlers=handlers,
    jobs=[escalation_job, delivery_job],
    subscriptions=[("REGISTRY", "ilp.registry.>"), ("SCREENING", "ilp.screening.>"),
                   ("PWS", "ilp.pws.indicator.changed.>")],
)
