"""The scheduler: every interval, overdue tasks move up the ladder and people who missed
their monitoring (hypertensive adults without a BP check for a month) get a visit.

Several replicas may run it; a lease document in the shared store lets one of them work
per round (the others see a live lease and skip), and each escalation is a store change
plus its event in one transaction, so a crash mid-round leaves nothing half-done.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from ilp_contracts import TaskEscalated
from ilp_kit.outbox import emit
from ilp_kit.service import Runtime
from ilp_kit.lease import hold_lease
from ilp_kit.store import Query

from .domain.defaulters import missed_bp_check
from .domain.escalation import next_rung
from .domain.tasks import WIB
from .delivery import queue
from .handlers import assignee_for, open_task

log = logging.getLogger(__name__)
async def escalate_overdue(rt: Runtime, now: datetime) -> int:
    """One round; returns how many tasks were escalated."""
    ttl = timedelta(seconds=rt.settings.escalation_interval_s * 2)
    escalated = 0
    async with rt.transaction() as tx:
        if not await hold_lease(tx, "escalation", now, ttl):
            return 0
        for status in ("open", "accepted"):
            for task in await tx.find("tasks", Query.of(status=status, order_by="due_at",
                                                        limit=500)):
                due = datetime.fromisoformat(task["due_at"])
                if due >= now:
                    break  # ordered by due time: the rest are not overdue
                step = next_rung(task["role"], task.get("escalation_level", 0), due, now)
                if step is None:
                    continue
                assignee = (None if step.role == "puskesmas" else await assignee_for(
                    tx, step.role, task["posyandu_id"], task["desa_code"]))
                task.update(role=step.role, escalation_level=step.level, assignee_id=assignee,
                            due_at=step.due_at.isoformat(), status="open")
                await tx.put("tasks", task["task_id"], task)
                await queue(tx, rt.settings, "task.escalated", task)
                await emit(tx, TaskEscalated(task_id=task["task_id"], level=step.level,
                                             role=step.role, assignee_id=assignee,
                                             due_at=step.due_at))
                escalated += 1
    return escalated


async def visit_defaulters(rt: Runtime, now: datetime) -> int:
    """One round; returns how many defaulter tasks were opened."""
    ttl = timedelta(seconds=rt.settings.escalation_interval_s * 2)
    today = now.astimezone(WIB).date()
    opened = 0
    async with rt.transaction() as tx:
        if not await hold_lease(tx, "defaulters", now, ttl):
            return 0
        for person in await tx.find("bp_watch", Query.of(hypertensive=True,
                                                         order_by="last_bp_on", limit=500)):
            need = missed_bp_check(person["last_bp_on"], today)
            if need is None:
                break  # ordered by last check: the rest are within the month
            opened += await open_task(
                tx, rt.settings, need, person_id=person["person_id"],
                desa_code=person["desa_code"], posyandu_id=person["posyandu_id"],
                screening_id=None, findings=[])
    return opened


async def escalation_job(rt: Runtime) -> None:
    while True:
        await asyncio.sleep(rt.settings.escalation_interval_s)
        now = datetime.now(UTC)
        try:
            escalated = await escalate_overdue(rt, now)
            opened = await visit_defaulters(rt, now)
            if escalated or opened:
                log.info("scheduler: %d tasks escalated, %d defaulter visits opened",
                         escalated, opened)
        except Exception:  # noqa: BLE001 – try again next round
            log.exception("scheduler round failed")
