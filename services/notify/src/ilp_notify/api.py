"""Notify read API: home-visit tasks by assignee, desa and status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query as Param
from ilp_contracts import Event, TaskAccepted, TaskCancelled, TaskCompleted
from ilp_contracts.findings import finding_label
from ilp_contracts.wilayah import local_zone
from ilp_contracts.text import _
from ilp_kit.auth import Caller, Principal, require, require_area
from ilp_kit.errors import ForbiddenError, NotFoundError, UnprocessableError
from ilp_kit.outbox import emit
from ilp_kit.outgoing import sent_log
from ilp_kit.params import Limit, Offset
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.store import Query, Reader
from pydantic import BaseModel, ConfigDict, Field, computed_field

from .delivery import CANCELLED, queue
from .domain.assignment import handover_problem
from .domain.lifecycle import GONE, TaskStatus, next_visit, on_time, transition_problem
from .domain.reasons import label_of
from .domain.tasks import task_key
from .handlers import forget_person
from .visits import give, open_next_visit

router = APIRouter(tags=["tasks"])
TASK_READERS = ("kader", "bidan", "perawat", "puskesmas_admin", "dinkes_admin")
# A kader is a volunteer of the community, not a health worker: of her desa's visits she
# sees her own and those a kader makes (she may stand in for another) – not a neighbour's
# TB, mental-health or pregnancy referral, which the bidan and perawat carry.
VISITORS = ("kader", "bidan", "perawat")
CANCELLERS = ("bidan", "perawat", "puskesmas_admin", "dinkes_admin")
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]


class TaskOut(BaseModel):
    task_id: str
    person_id: str
    reason: str
    role: str
    assignee_id: str | None
    assignee_name: str | None = Field(default=None, description="The worker's name as the "
                                      "registry has it (a task list shows who, not an id)")
    priority: str
    due_at: datetime
    desa_code: str
    posyandu_id: str | None
    rw: str | None = Field(default=None, description="The person's RW or dusun, as the "
                           "screening gave it: where the household is")
    rt: str | None = None
    status: TaskStatus
    created_at: datetime
    screening_ids: list[str]
    findings: list[str]
    escalation_level: int = 0
    outcome: str | None = None
    on_time: bool | None = None
    cancel_reason: str | None = None
    attempt: int = Field(default=1, description="Which try of the visit: 2 and 3 follow "
                         "one nobody was at home for, or a refused mental-health visit")
    follows_task_id: str | None = Field(
        default=None, description="The visit this one follows (nobody at home, or refused)")
    follows_outcome: str | None = Field(default=None,
                                        description="not_at_home or refused: why it follows")
    assigned_by: str | None = Field(default=None,
                                    description="Who gave it to its worker by hand, if anybody")
    assign_note: str | None = Field(default=None, description="Why it was given by hand")
    also: list[str] = Field(default_factory=list, description="Other reasons a round found "
                            "to visit the person, made in this visit")

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way
    @property
    def reason_label(self) -> str:
        """What the visit is for, in words (Bahasa Indonesia)."""
        return label_of(self.reason)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def also_labels(self) -> list[str]:
        return [label_of(reason) for reason in self.also]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def finding_labels(self) -> list[str]:
        """The screening's findings in words (*Hipertensi anak derajat 2*), as `findings`."""
        return [finding_label(code) for code in self.findings]


# `area_code`, as every other endpoint names it, was `desa_code` here first.
FirstNameOfArea = Annotated[str | None, Param(
    deprecated=True, description="The same as `area_code`, its name until 2026-12")]


@router.get("/tasks", response_model=list[TaskOut])
async def list_tasks(rt: RuntimeDep, caller: Caller, assignee_id: str | None = None,
                     area_code: str | None = None, desa_code: FirstNameOfArea = None,
                     status: Literal[TaskStatus, "all", ""] = "open",
                     limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    """A worker's own list (`assignee_id` = the token's worker id), or the tasks of an area
    (a desa, a kecamatan, any code prefix) within the caller's wilayah – all of them, or
    one worker's. With neither: the caller's own list when the token names a worker (what
    a kader's app opens with), else the tasks of the caller's wilayah when that is one area
    (or all, for a caller who sees all); another worker's list without an area is read in
    that wilayah. `status`: open by default, `all` for every status."""
    require(caller, *TASK_READERS)
    desa_code = area_code or desa_code
    if not assignee_id and not desa_code:
        assignee_id, desa_code = _default_list(caller)
    elif assignee_id != caller.worker_id and not desa_code:
        desa_code = _callers_area(caller)
    if not (assignee_id and assignee_id == caller.worker_id):
        require_area(caller, desa_code)
    where: dict[str, Any] = {k: v for k, v in (("assignee_id", assignee_id), ("status", status))
             if v and v != "all"}
    if caller.kader_only and not (assignee_id and assignee_id == caller.worker_id):
        where["role"] = "kader"  # (a token naming no worker has no visits of its own)
    prefix = ("desa_code", desa_code) if desa_code else None
    return await _named(rt.store, await rt.store.find("tasks", Query.of(
        prefix=prefix, order_by="due_at", limit=limit, offset=offset, **where)))


async def _named(reader: Reader, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tasks with their workers' names, the workers read at once."""
    workers = await reader.get_many("workers", {t["assignee_id"] for t in tasks
                                                if t["assignee_id"]})
    return [{**t, "assignee_name": workers.get(t["assignee_id"] or "", {}).get("name")}
            for t in tasks]


def _default_list(caller: Principal) -> tuple[str | None, str | None]:
    return (caller.worker_id, None) if caller.worker_id else (None, _callers_area(caller))


def _callers_area(caller: Principal) -> str | None:
    """The one area a caller's lists default to; None for a caller who sees all."""
    if caller.covers(None):  # sees every area
        return None
    if len(caller.wilayah) == 1:
        return caller.wilayah[0]
    raise UnprocessableError(("query", "area_code"), _("give area_code (an area within your "
                                                       "wilayah) or assignee_id"), "missing")


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    worker_id: str | None = Field(default=None, min_length=1, max_length=64,
                                  description="Who does it; by default the token's worker")


class CompleteIn(AcceptIn):
    outcome: Literal["visited", "not_at_home", "moved", "died", "referred", "refused"]
    note: str = Field(default="", max_length=1000)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee_id: str = Field(min_length=1, max_length=64, description="The worker who goes")
    note: str = Field(default="", max_length=500, description="Why, e.g. the kader is ill")


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500)


async def _visible_task(reader: Reader, caller: Principal, task_id: str) -> dict[str, Any]:
    """A scoped caller gets the same 403 for unknown, out-of-area tasks and – a kader –
    a health worker's visit not given to her."""
    task = await reader.get("tasks", task_id)
    hidden = task is not None and caller.kader_only and task["role"] != "kader" and \
        not (caller.worker_id and task["assignee_id"] == caller.worker_id)
    require_area(caller, task["desa_code"] if task and not hidden else None, _("task {id}", id=task_id))
    if task is None:
        raise NotFoundError(_("task {id}", id=task_id))
    return task


def _actor(caller: Principal, worker_id: str | None) -> str:
    """Who does it: the worker the body names, who must be the token's own worker when
    the token names one; else the token's worker."""
    if worker_id is None:
        if caller.worker_id is None:
            raise UnprocessableError("worker_id", _("name the worker who does it (your token "
                                                    "names none)"), "missing")
        return caller.worker_id
    if caller.worker_id and caller.worker_id != worker_id:
        raise ForbiddenError(_("you act as worker {you}, not {id}", you=caller.worker_id,
                               id=worker_id))
    return worker_id


def _may_visit(caller: Principal, worker_id: str, task: dict[str, Any]) -> None:
    """A kader takes on kader visits, and a health worker's visit only when it was given
    to her (the desa has no health worker: she brings one); a health worker any visit of
    her wilayah. A kader's word does not make a KF or KN visit count as made."""
    if caller.has("bidan", "perawat") or task["role"] == "kader" or task["assignee_id"] == worker_id:
        return
    raise ForbiddenError(_("a {role} visit is done by a health worker, not by a kader",
                           role=task["role"]))


async def _apply(rt: Runtime, caller: Principal, task_id: str, action: str,
                 change: Callable[[dict[str, Any]], Event],
                 done_already: Callable[[dict[str, Any]], bool], visitor: str | None = None
                 ) -> dict[str, Any]:
    """Check the transition (and that the `visitor` may make this visit), let `change`
    update the task and name its event, store both. The same request again – a kader's
    phone retrying once back in signal – finds it `done_already` and gets the task as it
    is, with nothing done twice."""
    async with rt.transaction() as tx:
        task = await _visible_task(tx, caller, task_id)
        if visitor is not None:
            _may_visit(caller, visitor, task)
        if done_already(task):
            return (await _named(tx, [task]))[0]
        if problem := transition_problem(action, task["status"]):
            raise UnprocessableError(("path", "task_id"), problem, "invalid_transition")
        event = change(task)
        await tx.put("tasks", task_id, task)
        if task["status"] in ("completed", "cancelled"):  # a new finding may open a new one
            await tx.delete("open_tasks", task_key(task["person_id"], task["reason"]))
        await emit(tx, event)
        if task["status"] == "cancelled":
            await queue(tx, rt.settings, CANCELLED, task)
        if task.get("outcome") in GONE:
            await forget_person(tx, rt.settings, task["person_id"], f"person_{task['outcome']}")
        elif task["status"] == "completed" and (visit := next_visit(
                task, datetime.fromisoformat(task["completed_at"]),
                local_zone(task["desa_code"]))):
            await open_next_visit(tx, rt.settings, task, visit)
    return (await _named(rt.store, [task]))[0]


@router.post("/tasks/{task_id}/accept", response_model=TaskOut)
async def accept_task(task_id: str, rt: RuntimeDep, caller: Caller,
                      body: AcceptIn | None = None) -> dict[str, Any]:
    """Take the visit on; without a body, as the token's own worker."""
    require(caller, *VISITORS)
    worker_id = _actor(caller, body.worker_id if body else None)

    def accept(task: dict[str, Any]) -> Event:
        task.update(status="accepted", accepted_by=worker_id)
        return TaskAccepted(task_id=task_id, worker_id=worker_id)

    def accepted(task: dict[str, Any]) -> bool:
        return task["status"] == "accepted" and task.get("accepted_by") == worker_id
    return await _apply(rt, caller, task_id, "accept", accept, accepted, visitor=worker_id)


@router.post("/tasks/{task_id}/complete", response_model=TaskOut)
async def complete_task(task_id: str, body: CompleteIn, rt: RuntimeDep,
                        caller: Caller) -> dict[str, Any]:
    """Record the home visit's outcome (visited, not at home, moved, died, referred,
    refused). Moved away or died: the person's other open visits are cancelled and no
    round opens new ones. Nobody at home: the same worker gets the visit again as a new
    task (`attempt` 2, then 3; `follows_task_id` names this one), as does a person at risk
    of a mental illness who refused. A kader turned away from an urgent or high-priority
    visit: the desa's bidan gets it."""
    require(caller, *VISITORS)
    worker_id = _actor(caller, body.worker_id)

    def complete(task: dict[str, Any]) -> Event:
        now = datetime.now(UTC)
        punctual = on_time(datetime.fromisoformat(task["due_at"]), now)
        task.update(status="completed", outcome=body.outcome, completed_by=worker_id,
                    completed_at=now.isoformat(), on_time=punctual, note=body.note)
        return TaskCompleted(task_id=task_id, worker_id=worker_id, outcome=body.outcome,
                             on_time=punctual, note=body.note)

    def completed(task: dict[str, Any]) -> bool:
        return (task["status"], task.get("outcome"), task.get("completed_by")) == (
            "completed", body.outcome, worker_id)
    return await _apply(rt, caller, task_id, "complete", complete, completed, visitor=worker_id)


@router.post("/tasks/{task_id}/cancel", response_model=TaskOut)
async def cancel_task(task_id: str, body: CancelIn, rt: RuntimeDep, caller: Caller
                      ) -> dict[str, Any]:
    require(caller, *CANCELLERS)

    def cancel(task: dict[str, Any]) -> Event:
        task.update(status="cancelled", cancel_reason=body.reason)
        return TaskCancelled(task_id=task_id, reason=body.reason)

    def cancelled(task: dict[str, Any]) -> bool:
        return (task["status"], task.get("cancel_reason")) == ("cancelled", body.reason)
    return await _apply(rt, caller, task_id, "cancel", cancel, cancelled)


@router.post("/tasks/{task_id}/assign", response_model=TaskOut)
async def assign_task(task_id: str, body: AssignIn, rt: RuntimeDep, caller: Caller
                      ) -> dict[str, Any]:
    """Give an open or accepted visit to another worker of the person's desa (the kader
    is ill or away, a neighbour's kader knows the family): a kader's visit to a kader,
    bidan or perawat, a health worker's only to a bidan or perawat. She has it as new –
    not yet accepted – and gets its notice; giving it to its own worker changes nothing."""
    require(caller, *CANCELLERS)
    async with rt.transaction() as tx:
        task = await _visible_task(tx, caller, task_id)
        if problem := transition_problem("assign", task["status"]):
            raise UnprocessableError(("path", "task_id"), problem, "invalid_transition")
        if task["assignee_id"] == body.assignee_id:
            return task
        worker = await tx.get("workers", body.assignee_id)
        if refusal := handover_problem(task, worker, body.assignee_id):
            raise UnprocessableError("assignee_id", *refusal)
        task.update(assigned_by=caller.subject, assign_note=body.note)
        await give(tx, rt.settings, task, body.assignee_id)
    return (await _named(rt.store, [task]))[0]


@router.get("/tasks/{task_id}", response_model=TaskOut)
async def get_task(task_id: str, rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    require(caller, *TASK_READERS)
    return (await _named(rt.store, [await _visible_task(rt.store, caller, task_id)]))[0]


class DeliveryOut(BaseModel):
    delivery_id: str
    url: str
    kind: str
    status: Literal["pending", "delivered", "failed"]
    next_at: datetime
    attempts: list[dict[str, Any]]


@router.get("/deliveries", response_model=list[DeliveryOut], tags=["delivery"])
async def list_deliveries(rt: RuntimeDep, caller: Caller,
                          status: Literal["pending", "delivered", "failed"] | None = None,
                          limit: Limit = 100) -> list[dict[str, Any]]:
    """Every webhook delivery with each attempt (time and error), newest first."""
    require(caller, "operator", "dinkes_admin")
    return await sent_log(rt, "deliveries", status, limit)
