"""Notify read API: home-visit tasks by assignee, desa and status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query as Param
from ilp_kit.errors import NotFoundError
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.store import Query
from pydantic import BaseModel

router = APIRouter(tags=["tasks"])
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]


class TaskOut(BaseModel):
    task_id: str
    person_id: str
    reason: str
    role: str
    assignee_id: str | None
    priority: str
    due_at: datetime
    desa_code: str
    posyandu_id: str | None
    status: Literal["open", "accepted", "completed", "cancelled"]
    created_at: datetime
    screening_ids: list[str]
    findings: list[str]


@router.get("/tasks", response_model=list[TaskOut])
async def list_tasks(rt: RuntimeDep, assignee_id: str | None = None,
                     desa_code: str | None = None, status: str | None = "open",
                     limit: Annotated[int, Param(ge=1, le=1000)] = 100,
                     offset: Annotated[int, Param(ge=0)] = 0) -> list[dict]:
    where = {k: v for k, v in (("assignee_id", assignee_id), ("status", status)) if v}
    prefix = ("desa_code", desa_code) if desa_code else None
    return await rt.store.find("tasks", Query.of(prefix=prefix, order_by="due_at", limit=limit,
                                                 offset=offset, **where))


@router.get("/tasks/{task_id}", response_model=TaskOut)
async def get_task(task_id: str, rt: RuntimeDep) -> dict:
    task = await rt.store.get("tasks", task_id)
    if task is None:
        raise NotFoundError(f"task {task_id}")
    return task
