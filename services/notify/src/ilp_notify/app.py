"""The notify service: home-visit (kunjungan rumah) tasks for kader and bidan."""

from ilp_contracts import ScreeningAmended, ScreeningRecorded, ScreeningVoided, WorkerAssigned
from ilp_kit.service import ServiceSpec

from .api import router
from .handlers import on_amended, on_recorded, on_voided, on_worker
from .scheduler import escalation_job

SPEC = ServiceSpec(
    name="notify",
    description="Home-visit tasks from screening findings, for the responsible kader/bidan.",
    collections={
        "workers": [("facility_id", "role"), ("area_code", "role")],
        "tasks": [("assignee_id", "status", "due_at"), ("posyandu_id", "assignee_id"),
                  ("desa_code", "status"), ("status", "due_at")],
        "open_tasks": [],
        "screening_tasks": [],
        "leases": [],
    },
    router=router,
    handlers=lambda _: {WorkerAssigned: on_worker, ScreeningRecorded: on_recorded,
                        ScreeningAmended: on_amended, ScreeningVoided: on_voided},
    jobs=[escalation_job],
    subscriptions=[("REGISTRY", "ilp.registry.>"), ("SCREENING", "ilp.screening.>")],
)
