"""Turns screening findings into home-visit tasks for the responsible worker."""

from __future__ import annotations

import uuid

from ilp_contracts import ScreeningRecorded, TaskAssigned, TaskCreated, WorkerAssigned
from ilp_kit.outbox import emit
from ilp_kit.store import Query, Transaction

from .domain.tasks import task_key, tasks_needed


async def on_worker(tx: Transaction, event: WorkerAssigned) -> None:
    await tx.put("workers", event.worker_id, {
        "id": event.worker_id, "name": event.name, "role": event.role,
        "facility_id": event.facility_id, "area_code": event.area_code,
        "active": event.active})
    if event.role == "kader" and event.active:
        await _adopt_unassigned(tx, event.facility_id, event.worker_id)


async def _adopt_unassigned(tx: Transaction, posyandu_id: str, kader_id: str) -> None:
    """Tasks that found no kader (the kader was registered later, or the registry event
    arrived after the screening: the streams are not ordered against each other) go to
    the kader now covering their posyandu."""
    orphans = await tx.find("tasks", Query.of(posyandu_id=posyandu_id, assignee_id=None,
                                              status="open"))
    for task in orphans:
        task["assignee_id"] = kader_id
        await tx.put("tasks", task["task_id"], task)
        await emit(tx, TaskAssigned(task_id=task["task_id"], assignee_id=kader_id))


async def _assignee(tx: Transaction, role: str, posyandu_id: str, desa_code: str) -> str | None:
    """The kader of the posyandu; a bidan of the desa for health-worker tasks; else the
    kader anyway, so a task is never left without somebody who can act."""
    if role != "kader":
        bidan = await tx.find("workers", Query.of(area_code=desa_code, role=role, active=True,
                                                  limit=1))
        if bidan:
            return str(bidan[0]["id"])
    kader = await tx.find("workers", Query.of(facility_id=posyandu_id, role="kader",
                                              active=True, limit=1))
    return str(kader[0]["id"]) if kader else None


async def on_screening(tx: Transaction, event: ScreeningRecorded) -> None:
    for need in tasks_needed((f.code for f in event.findings), event.screened_on):
        key = task_key(event.person_id, need.reason)
        open_task = await tx.get("open_tasks", key)
        if open_task is not None:
            task = await tx.get("tasks", open_task["task_id"]) or {}
            task["screening_ids"] = sorted({*task.get("screening_ids", []), event.screening_id})
            await tx.put("tasks", open_task["task_id"], task)
            continue
        created = TaskCreated(
            task_id=str(uuid.uuid4()), person_id=event.person_id, reason=need.reason,
            role=need.role, assignee_id=await _assignee(tx, need.role, event.posyandu_id,
                                                        event.desa_code),
            priority=need.priority, due_at=need.due_at, desa_code=event.desa_code,
            posyandu_id=event.posyandu_id, screening_id=event.screening_id)
        task = created.model_dump(mode="json", exclude={"event_id", "occurred_at"})
        task.update(status="open", created_at=created.occurred_at.isoformat(),
                    screening_ids=[event.screening_id],
                    findings=[f.code for f in event.findings])
        await tx.put("tasks", created.task_id, task)
        await tx.put("open_tasks", key, {"task_id": created.task_id})
        await emit(tx, created)
