"""Home-visit tasks in the store: opening one (once per person and reason), the visit
that follows one not made, who gets it, giving it to another worker, linking it to the
screenings behind it and cancelling it. The event handlers and the scheduler's rounds
come through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, tzinfo
from typing import Any
from weakref import WeakKeyDictionary

from ilp_contracts import (FacilityUpserted, TaskAssigned, TaskCancelled, TaskCompleted,
                           TaskCreated, new_id)
from ilp_kit.outbox import emit
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, Transaction

from .delivery import CANCELLED, queue
from .domain.assignment import HEALTH_WORKERS, covers, pick_for_desa, pick_kader
from .domain.escalation import TOP_RUNG
from .domain.lifecycle import NextVisit, on_time
from .domain.tasks import TaskNeed, joins, task_key


def forget_assignees(tx: Transaction) -> None:
    """Who covers what may change from here on (a worker registered or left)."""
    _assignees.pop(tx, None)


async def hand_over(tx: Transaction, settings: ServiceSettings, worker_id: str) -> None:
    """A worker who left hands their unfinished tasks to whoever now covers the place
    (or leaves them unassigned, to be adopted by the next kader registered there)."""
    for status in ("open", "accepted"):
        for task in await tx.find("tasks", Query.of(assignee_id=worker_id, status=status)):
            await give(tx, settings, task, await assignee_for(tx, task["role"], task))


async def adopt_unassigned(tx: Transaction, settings: ServiceSettings, desa_code: str
                           ) -> None:
    """The desa's tasks that found no kader (the kader was registered later, or the
    registry event arrived after the screening: the streams are not ordered against each
    other) go to the kader now covering their place – her posyandu, or the desa if it was
    the pustu."""
    orphans = await tx.find("tasks", Query.of(desa_code=desa_code, assignee_id=None,
                                              status="open"))
    for task in orphans:
        if found := await assignee_for(tx, task["role"], task):
            await give(tx, settings, task, found)


async def adopt_covered(tx: Transaction, settings: ServiceSettings, kader: Mapping[str, Any]
                        ) -> None:
    """A kader who joins – or whose coverage now names more – takes the desa's open kader
    visits of people in the places she covers, from whoever held them only because
    nobody covered them then: another kader by the spread, a health worker standing in.
    Not a visit given by hand, nor one its holder has accepted (she may be on her way)."""
    for task in await tx.find("tasks", Query.of(desa_code=kader["area_code"], status="open")):
        if task["role"] != "kader" or task.get("assigned_by") or \
                task["assignee_id"] in (None, kader["id"]):
            continue
        holder = await tx.get("workers", task["assignee_id"])
        place = task.get("rw"), task.get("rt")
        if holder is not None and holder["role"] == "kader" and holder.get("active", True) \
                and (covers(holder, *place) or not covers(kader, *place)):
            continue  # hers by her own places, or by a spread the newcomer does not beat
        if await assignee_for(tx, "kader", task) == kader["id"]:
            await give(tx, settings, task, kader["id"])


async def adopt_stood_in(tx: Transaction, settings: ServiceSettings, area_code: str) -> None:
    """Health workers' visits in the area that a kader stood in for (no bidan or perawat
    was known there when they opened: registry events may come after the screening's) go
    to the health worker who now is – a kader cannot take a BP reading."""
    for task in await tx.find("tasks", Query.of(prefix=("desa_code", area_code),
                                                status="open")):
        if task["role"] not in _MAKERS:
            continue
        holder = await tx.get("workers", task["assignee_id"] or "")
        if holder is not None and holder["role"] != "kader":
            continue
        if found := await _health_worker(tx, _MAKERS[task["role"]], task["posyandu_id"],
                                         task["desa_code"]):
            await give(tx, settings, task, found)


async def give(tx: Transaction, settings: ServiceSettings, task: dict[str, Any],
               worker_id: str | None) -> None:
    """Give an unfinished task to another worker (or to nobody, until a kader is
    registered there): she has it as new – not yet accepted –, gets its notice, and the
    change is announced."""
    previous = task["assignee_id"]
    task.update(assignee_id=worker_id, status="open")
    task.pop("accepted_by", None)
    await tx.put("tasks", task["task_id"], task)
    if worker_id is not None:
        await queue(tx, settings, "task.assigned", task)
        await emit(tx, TaskAssigned(task_id=task["task_id"], assignee_id=worker_id,
                                    previous_assignee_id=previous))


# Who may get a new task, remembered for the rest of one transaction: a batch of events
# from posyandu sessions, or a defaulter round, asks the same few questions hundreds of
# times. Workers change only in `on_worker`, which forgets; keyed weakly by the
# transaction, so no answer outlives it (a rolled-back batch's go with it).
Candidates = str | list[dict[str, Any]] | None  # a health worker, kader to pick from, nobody
_assignees: WeakKeyDictionary[Transaction, dict[tuple[str, ...], Candidates]] = \
    WeakKeyDictionary()


async def assignee_for(tx: Transaction, role: str, place: Mapping[str, Any]) -> str | None:
    """A health worker of the desa for their tasks (the other one of the pustu if the
    desa has no worker of that role), else a kader of the posyandu (who then brings the
    health worker), so a task is never left without somebody to act. A kader's task goes
    to a kader of the posyandu – the one covering the person's RT or RW (`pick_kader`) –,
    else to the desa's bidan (no kader at that posyandu yet). `place`: a task or watch
    (posyandu_id, desa_code, the person's rw and rt, person_id)."""
    if role == "puskesmas":
        return await _puskesmas_holder(tx, place)
    known = _assignees.setdefault(tx, {})
    key = (role, place["posyandu_id"], place["desa_code"])
    if key not in known:
        known[key] = await _candidates(tx, role, place["posyandu_id"], place["desa_code"])
    found = known[key]
    if isinstance(found, list):
        return pick_kader(found, place.get("rw"), place.get("rt"), place.get("person_id"))
    return found


# Who makes a health worker's visit, first to last. A pustu has a bidan and a perawat,
# but many desa have only one of them: the other stands in before the task falls to a
# kader, who cannot take a BP reading or examine a newborn.
_MAKERS = {"bidan": ("bidan", "perawat"), "perawat": ("perawat", "bidan"),
           "home_care": ("perawat", "bidan")}


async def _candidates(tx: Transaction, role: str, posyandu_id: str, desa_code: str
                      ) -> Candidates:
    """The health worker for the role, else the posyandu's kader to pick from – the
    desa's, for a screening at its pustu – (a kader's task without a kader there: a
    health worker)."""
    if role in _MAKERS and (found := await _health_worker(
            tx, _MAKERS[role], posyandu_id, desa_code)):
        return found
    at_pustu = ((await tx.get("facilities", posyandu_id)) or {}).get("type") == "pustu"
    kaders = await tx.find("workers", Query.of(area_code=desa_code, role="kader", active=True,
                                               limit=100) if at_pustu else
                           Query.of(facility_id=posyandu_id, role="kader", active=True,
                                    limit=100))
    if kaders or role != "kader":
        return kaders
    return await _health_worker(tx, _MAKERS["bidan"], posyandu_id, desa_code)


async def _health_worker(tx: Transaction, roles: tuple[str, ...], posyandu_id: str | None,
                         desa_code: str) -> str | None:
    """The desa's own (its pustu's), else one of the puskesmas serving the desa: many
    desa have no pustu yet, and their bidan desa works from the puskesmas."""
    for role in roles:
        found = await tx.find("workers", Query.of(area_code=desa_code, role=role,
                                                  active=True, limit=1))
        if found:
            return str(found[0]["id"])
    puskesmas = await _puskesmas_of(tx, posyandu_id, desa_code)
    for role in roles if puskesmas else ():
        staff = await tx.find("workers", Query.of(facility_id=puskesmas, role=role,
                                                  active=True, limit=100))
        if staff:
            return pick_for_desa(staff, desa_code)
    return None


async def _puskesmas_holder(tx: Transaction, task: Mapping[str, Any]) -> str | None:
    """Who holds a visit escalated to the puskesmas (the ladder's top): a bidan or perawat
    of the puskesmas serving the desa – the visit's own kind of worker first –, other than
    the one who let it lapse (she may be the puskesmas's bidan standing in for the desa's)
    while there is another."""
    puskesmas = await _puskesmas_of(tx, task["posyandu_id"], task["desa_code"])
    lapsed = None
    for role in _MAKERS.get(task["role"], _MAKERS["bidan"]) if puskesmas else ():
        staff = await tx.find("workers", Query.of(facility_id=puskesmas, role=role,
                                                  active=True, limit=100))
        if others := [w for w in staff if w["id"] != task.get("assignee_id")]:
            return pick_for_desa(others, task["desa_code"])
        lapsed = lapsed or (staff[0]["id"] if staff else None)
    return lapsed


async def adopt_held_by_puskesmas(tx: Transaction, settings: ServiceSettings,
                                  facility_id: str) -> None:
    """Escalated visits the puskesmas held with nobody to give them to go to its bidan
    or perawat registered now."""
    facility = await tx.get("facilities", facility_id)
    if facility is None or facility["type"] != "puskesmas":
        return
    for task in await tx.find("tasks", Query.of(status="open", escalation_level=TOP_RUNG,
                                                assignee_id=None)):
        if found := await _puskesmas_holder(tx, task):
            await give(tx, settings, task, found)


async def desa_health_workers(tx: Transaction, desa_code: str) -> list[dict[str, Any]]:
    """The desa's bidan and perawat, else the puskesmas's who stands in for them: who
    hears of the desa's monthly review."""
    staff = [w for w in await tx.find("workers", Query.of(area_code=desa_code, active=True,
                                                          limit=100))
             if w["role"] in HEALTH_WORKERS]
    if staff:
        return staff
    found = await _health_worker(tx, _MAKERS["bidan"], None, desa_code)
    worker = await tx.get("workers", found or "")
    return [worker] if worker else []


async def _puskesmas_of(tx: Transaction, posyandu_id: str | None, desa_code: str
                        ) -> str | None:
    """The puskesmas whose working area names the desa, else the one the posyandu comes
    under (posyandu → pustu → puskesmas), else the only one of the desa's kecamatan that
    names no working area (Permenkes 43/2019: it serves the whole kecamatan)."""
    if serving := await tx.get("desa_puskesmas", desa_code):
        return str(serving["puskesmas_id"])
    facility = await tx.get("facilities", posyandu_id) if posyandu_id else None
    for _ in range(3):  # posyandu, pustu, puskesmas: no longer chain exists
        if facility is None or facility["type"] == "puskesmas":
            break
        facility = await tx.get("facilities", facility["parent_facility_id"] or "")
    if facility and facility["type"] == "puskesmas" and facility["active"]:
        return str(facility["id"])
    there = [f for f in await tx.find("facilities", Query.of(
        area_code=desa_code.rpartition(".")[0], type="puskesmas")) if f["active"]]
    return str(there[0]["id"]) if len(there) == 1 and not there[0]["working_area"] else None


async def keep_facility(tx: Transaction, settings: ServiceSettings, event: FacilityUpserted
                        ) -> None:
    """Where each facility comes under, and which desa each puskesmas serves, for
    `_puskesmas_of`; visits a kader stood in for in a desa it now serves go to its staff."""
    forget_assignees(tx)
    facility = {"id": event.facility_id, "type": event.type, "active": event.active,
                "area_code": event.area_code, "parent_facility_id": event.parent_facility_id,
                "working_area": event.working_area}
    before = _served(await tx.get("facilities", event.facility_id))
    await tx.put("facilities", event.facility_id, facility)
    for desa in before - _served(facility):
        entry = await tx.get("desa_puskesmas", desa)
        if entry and entry["puskesmas_id"] == event.facility_id:
            await tx.delete("desa_puskesmas", desa)
    for desa in sorted(_served(facility)):
        await tx.put("desa_puskesmas", desa, {"puskesmas_id": event.facility_id})
        if desa not in before:
            await adopt_stood_in(tx, settings, desa)


def _served(facility: dict[str, Any] | None) -> set[str]:
    """The desa an open puskesmas serves."""
    if facility is None or facility["type"] != "puskesmas" or not facility["active"]:
        return set()
    return set(facility["working_area"])


async def open_task(tx: Transaction, settings: ServiceSettings, need: TaskNeed, *,
                    person_id: str, desa_code: str, posyandu_id: str,
                    screening_id: str | None, findings: list[str], rw: str | None = None,
                    rt: str | None = None, birth_id: str | None = None) -> bool:
    """Open a task unless one is open for this person and reason (then link the screening
    to it). True when a task was created."""
    key = task_key(person_id, need.reason)
    existing = await tx.get("open_tasks", key)
    if existing is not None:  # one open task per person and reason: link, don't repeat
        if screening_id is not None:
            task = await tx.get("tasks", existing["task_id"]) or {}
            task["screening_ids"] = sorted({*task.get("screening_ids", []), screening_id})
            task["findings"] = findings
            await tx.put("tasks", existing["task_id"], task)
            await _link(tx, screening_id, existing["task_id"])
        return False
    created = TaskCreated(
        task_id=new_id(), person_id=person_id, reason=need.reason, role=need.role,
        assignee_id=await assignee_for(tx, need.role, {
            "posyandu_id": posyandu_id, "desa_code": desa_code, "rw": rw, "rt": rt,
            "person_id": person_id}),
        priority=need.priority, due_at=need.due_at, desa_code=desa_code,
        posyandu_id=posyandu_id, screening_id=screening_id, birth_id=birth_id)
    await _create(tx, settings, created, rw=rw, rt=rt, findings=findings,
                  screening_ids=[screening_id] if screening_id else [])
    return True


# Who a visit recorded from a register was made by: the register, not a worker known here.
REGISTER = "register"


async def record_visit_made(tx: Transaction, need: TaskNeed, made_on: date, zone: tzinfo, *,
                            person_id: str, desa_code: str, posyandu_id: str,
                            rw: str | None, findings: list[str], birth_id: str) -> None:
    """A postnatal visit a register shows made on `made_on`: its task opened before the
    register came completed that day; none open, one recorded made – created and completed
    at once, on that day (PWS counts it in that month) – unless a twin's record has it.
    Nobody is sent anything."""
    made_at = datetime.combine(made_on, time(12), zone)
    punctual = on_time(need.due_at, made_at)
    done = {"status": "completed", "outcome": "visited", "completed_by": REGISTER,
            "completed_at": made_at.isoformat(), "on_time": punctual}
    if (task := await _open_for(tx, person_id, need.reason)) is None:
        if await made_already(tx, person_id, need.reason, birth_id):
            return  # the delivery's other twin recorded the mother's visit
        created = TaskCreated(
            task_id=new_id(), person_id=person_id, reason=need.reason, role=need.role,
            assignee_id=await assignee_for(tx, need.role, {
                "posyandu_id": posyandu_id, "desa_code": desa_code, "rw": rw,
                "person_id": person_id}),
            priority=need.priority, due_at=need.due_at, desa_code=desa_code,
            posyandu_id=posyandu_id, birth_id=birth_id, recorded_made=True,
            occurred_at=made_at)
        await emit(tx, created)
        task = _task_doc(created, rw=rw, findings=findings, screening_ids=[])
    else:
        await tx.delete("open_tasks", task_key(person_id, need.reason))
    await tx.put("tasks", task["task_id"], {**task, **done})
    await emit(tx, TaskCompleted(task_id=task["task_id"], worker_id=REGISTER,
                                 outcome="visited", on_time=punctual,
                                 occurred_at=made_at))


async def made_already(tx: Transaction, person_id: str, reason: str, birth_id: str) -> bool:
    """Whether this birth's postnatal visit is made (of twins: the mother's, recorded with
    the other twin's record)."""
    return any(task["reason"] == reason and task.get("birth_id") == birth_id
               for task in await tx.find("tasks", Query.of(person_id=person_id,
                                                           status="completed")))


async def join_visit(tx: Transaction, settings: ServiceSettings, need: TaskNeed,
                     person_id: str, findings: list[str]) -> bool:
    """Make a round's visit in the person's open one due the same week (`joins`): its
    reason joins that task's `also` and the worker is told. False when there is none – or
    when a task for this reason is open already, which `open_task` keeps as it is."""
    if await tx.get("open_tasks", task_key(person_id, need.reason)) is not None:
        return False
    for status in ("open", "accepted"):
        for task in await tx.find("tasks", Query.of(person_id=person_id, status=status,
                                                    limit=20)):
            if joins(need, task):
                if need.reason not in task.get("also", ()):
                    task["also"] = sorted({*task.get("also", ()), need.reason})
                    task["findings"] = sorted({*task["findings"], *findings})
                    # kept to open it on its own should this visit be cancelled under it
                    task.setdefault("joined", {})[need.reason] = {
                        "priority": need.priority, "due_at": need.due_at.isoformat(),
                        "findings": findings}
                    await tx.put("tasks", task["task_id"], task)
                    await queue(tx, settings, "task.extended", task)
                return True
    return False


async def open_next_visit(tx: Transaction, settings: ServiceSettings, task: dict[str, Any],
                          visit: NextVisit) -> None:
    """The visit a completed one leads to (nobody at home: the same worker again; the
    kader refused: the desa's health worker), linked to the same screenings so a
    correction still reaches it."""
    assignee = (task["completed_by"] if visit.same_worker else
                await assignee_for(tx, visit.role, task))
    created = TaskCreated(
        task_id=new_id(), person_id=task["person_id"], reason=task["reason"],
        role=visit.role, assignee_id=assignee, priority=task["priority"],
        due_at=visit.due_at, desa_code=task["desa_code"], posyandu_id=task["posyandu_id"],
        screening_id=task.get("screening_id"), birth_id=task.get("birth_id"),
        follows_task_id=task["task_id"])
    await _create(tx, settings, created, rw=task.get("rw"), rt=task.get("rt"),
                  findings=task["findings"], screening_ids=task["screening_ids"],
                  attempt=visit.attempt, follows_outcome=task["outcome"],
                  also=task.get("also", []), joined=task.get("joined", {}))


async def _create(tx: Transaction, settings: ServiceSettings, created: TaskCreated,
                  **fields: Any) -> None:
    """Store an open task, its one-open-task key and screening links; notify and announce."""
    task = _task_doc(created, **fields)
    await tx.put("tasks", created.task_id, task)
    await tx.put("open_tasks", task_key(created.person_id, created.reason),
                 {"task_id": created.task_id})
    for screening_id in task["screening_ids"]:
        await _link(tx, screening_id, created.task_id)
    await queue(tx, settings, "task.created", task)
    await emit(tx, created)


def _task_doc(created: TaskCreated, **fields: Any) -> dict[str, Any]:
    """A task as notify keeps it: its event's fields, open, at the first rung."""
    return {**created.model_dump(mode="json", exclude={"event_id", "occurred_at"}),
            "status": "open", "escalation_level": 0,
            "created_at": created.occurred_at.isoformat(), **fields}


async def _link(tx: Transaction, screening_id: str, task_id: str) -> None:
    links = await tx.get("screening_tasks", screening_id) or {"task_ids": []}
    if task_id not in links["task_ids"]:
        links["task_ids"].append(task_id)
        await tx.put("screening_tasks", screening_id, links)


async def unlink(tx: Transaction, settings: ServiceSettings, screening_id: str,
                 keep_reasons: set[str], why: str) -> set[str]:
    """Detach a screening from its open tasks whose reason no longer holds; a task left
    with no screening behind it is cancelled, and the round's reasons that were to be
    made in it get a visit of their own. Returns the reasons of its tasks already
    completed: the home visits made for it."""
    links = await tx.get("screening_tasks", screening_id) or {"task_ids": []}
    visited = set()
    for task_id in list(links["task_ids"]):
        task = await tx.get("tasks", task_id)
        if task is not None and task["status"] == "completed":
            visited.add(task["reason"])
        if task is None or task["status"] != "open" or task["reason"] in keep_reasons:
            continue
        links["task_ids"].remove(task_id)
        task["screening_ids"] = [s for s in task["screening_ids"] if s != screening_id]
        if not task["screening_ids"]:
            await _cancel(tx, settings, task, why)
        await tx.put("tasks", task["task_id"], task)
        if task["status"] == "cancelled":
            await _reopen_joined(tx, settings, task)
    await tx.put("screening_tasks", screening_id, links)
    return visited


async def _reopen_joined(tx: Transaction, settings: ServiceSettings, task: dict[str, Any]) -> None:
    """The reasons a round joined to a cancelled visit are still owed: each opens (or
    joins) a visit as the round would have, soonest due first."""
    joined = sorted(task.get("joined", {}).items(), key=lambda item: item[1]["due_at"])
    for reason, need in joined:
        again = TaskNeed(reason, "kader", need["priority"], datetime.fromisoformat(need["due_at"]))
        if not await join_visit(tx, settings, again, task["person_id"], need["findings"]):
            await open_task(tx, settings, again, person_id=task["person_id"],
                            desa_code=task["desa_code"], posyandu_id=task["posyandu_id"],
                            screening_id=None, findings=need["findings"], rw=task.get("rw"),
                            rt=task.get("rt"))


async def _cancel(tx: Transaction, settings: ServiceSettings, task: dict[str, Any], why: str
                  ) -> None:
    """Cancel an open task (the caller stores it): no longer open for its person and
    reason; its worker and the webhooks are told."""
    task["status"] = "cancelled"
    task["cancel_reason"] = why
    await tx.delete("open_tasks", task_key(task["person_id"], task["reason"]))
    await emit(tx, TaskCancelled(task_id=task["task_id"], reason=why))
    await queue(tx, settings, CANCELLED, task)


async def drop_moot(tx: Transaction, settings: ServiceSettings, person_id: str,
                    reasons: Iterable[str], why: str) -> None:
    """Reasons shown over (she came after all; the child's problems found no more): each
    one's own visit is cancelled – the reasons that joined it still owed –, or it leaves
    the visit it had joined (her open visits looked through once for all of them)."""
    joined = set()
    for reason in reasons:
        if task := await _open_for(tx, person_id, reason):
            await _cancel(tx, settings, task, why)
            await tx.put("tasks", task["task_id"], task)
            await _reopen_joined(tx, settings, task)
        else:
            joined.add(reason)
    for status in ("open", "accepted") if joined else ():
        for task in await tx.find("tasks", Query.of(person_id=person_id, status=status,
                                                    limit=20)):
            if gone := joined.intersection(task.get("also", ())):
                task["also"] = [other for other in task["also"] if other not in gone]
                for reason in gone:
                    task.get("joined", {}).pop(reason, None)
                await tx.put("tasks", task["task_id"], task)


async def _open_for(tx: Transaction, person_id: str, reason: str) -> dict[str, Any] | None:
    """The person's open task for this reason, if there is one."""
    link = await tx.get("open_tasks", task_key(person_id, reason))
    return await tx.get("tasks", link["task_id"]) if link else None


async def cancel_open(tx: Transaction, settings: ServiceSettings, person_id: str, reason: str,
                      why: str) -> None:
    """Cancel the person's open task for this reason, if there is one."""
    if task := await _open_for(tx, person_id, reason):
        await _cancel(tx, settings, task, why)
        await tx.put("tasks", task["task_id"], task)
