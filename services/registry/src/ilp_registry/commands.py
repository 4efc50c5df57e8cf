"""Registry changes inside one store transaction: validate, store, announce (outbox).

Shared by the HTTP API (one change per request) and the bulk import (many per
transaction). Every check runs before the first write, so a rejected change leaves
nothing behind. Each command returns the stored document and whether anything changed:
an unchanged re-import emits no event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from typing import Any

from ilp_contracts import (
    AreaUpserted,
    Event,
    FacilityUpserted,
    LocalUnitUpserted,
    TargetSet,
    WorkerAssigned,
)
from ilp_contracts.registry import RolloutStatus, place_name_key
from ilp_contracts.wilayah import InvalidAreaCode, parse_area_code
from ilp_contracts.text import _, reason
from ilp_kit.auth import OPEN, Principal, require_area, require_facility
from ilp_kit.errors import NotFoundError, UnprocessableError
from ilp_kit.outbox import emit
from ilp_kit.store import Query, Reader, Transaction
from ilp_kit.service import Runtime
from ilp_kit.turns import LoopTurns

from .domain import RolloutError, next_rollout
from .models import AreaIn, FacilityIn, LocalUnitIn, TargetIn, WorkerIn

Doc = dict[str, Any]
Outcome = tuple[Doc, bool]
Field = str | tuple[str | int, ...]

# Which wilayah level each facility type sits in, and which facility types may be a parent.
FACILITY_LEVEL = {"puskesmas": "district", "pustu": "village", "posyandu": "village"}
PARENT_TYPES = {"puskesmas": (), "pustu": ("puskesmas",), "posyandu": ("pustu", "puskesmas")}
# An RT lies in an RW or dusun; an RW may lie in a dusun; a dusun directly in the desa.
UNIT_PARENTS = {"dusun": (), "rw": ("dusun",), "rt": ("rw", "dusun")}


def canonical_code(code: str, field: Field) -> str:
    try:
        return parse_area_code(code).code
    except InvalidAreaCode as exc:
        raise UnprocessableError(field, reason(exc), "invalid_area_code") from exc


async def existing_area(reader: Reader, code: str, field: Field, level: str | None = None,
                        scope: Principal = OPEN) -> Doc:
    canonical = canonical_code(code, field)
    require_area(scope, canonical)
    area = await reader.get("areas", canonical)
    if area is None:
        raise UnprocessableError(field, _("area {code} is not registered", code=canonical),
                                 "unknown_area")
    if level and area["level"] != level:
        raise UnprocessableError(field, _("{code} is a {level}, not a {wanted}", code=canonical,
                                          level=area["level"], wanted=level),
                                 "wrong_area_level")
    return area


def stable_id(prefix: str, *parts: str | None) -> str:
    """An id derived from what identifies a record, so importing a file twice (or a client
    retrying a POST without an id) finds the same record instead of a copy."""
    digest = hashlib.sha256("|".join(p or "" for p in parts).encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


# --- wilayah ----------------------------------------------------------------------------

async def upsert_area(tx: Transaction, body: AreaIn, scope: Principal = OPEN) -> Outcome:
    parsed = parse_area_code(canonical_code(body.code, "code"))
    # Above her wilayah an admin may register only what is missing – the province of a
    # kota whose Dinkes starts on an empty platform, from its wilayah file – and never
    # rename it; that stays with whoever holds the province.
    if not scope.sees(parsed.code):
        require_area(scope, parsed.code)
    if parsed.parent and await tx.get("areas", parsed.parent) is None:
        raise UnprocessableError("code", _("parent area {code} is not registered",
                                           code=parsed.parent), "unknown_parent")
    existing = await tx.get("areas", parsed.code)
    if existing is not None:
        if existing["name"] != body.name:
            require_area(scope, parsed.code)
            raise UnprocessableError("name", _(
                "{code} is already registered as {name!r}; rename it with PUT /areas/{{code}}",
                code=parsed.code, name=existing["name"]), "duplicate_code")
        return existing, False
    area = {"code": parsed.code, "name": body.name, "level": parsed.level,
            "parent_code": parsed.parent, "kind": parsed.village_kind or parsed.regency_kind}
    await _store_area(tx, area)
    return area, True


async def rename_area(tx: Transaction, code: str, name: str, scope: Principal = OPEN
                      ) -> Outcome:
    canonical = canonical_code(code, ("path", "code"))
    require_area(scope, canonical)
    area = await tx.get("areas", canonical)
    if area is None:
        raise NotFoundError(_("area {id}", id=code))
    if area["name"] == name:
        return area, False
    area = {**area, "name": name}
    await _store_area(tx, area)
    for facility in await tx.find("facilities", Query.of(area_code=canonical)):
        await emit(tx, await _facility_event(tx, facility))  # with the desa's new name
    return area, True


async def _store_area(tx: Transaction, area: Doc) -> None:
    await tx.put("areas", area["code"], area)
    await emit(tx, _area_event(area))


def _area_event(area: Doc) -> AreaUpserted:
    return AreaUpserted(code=area["code"], name=area["name"], level=area["level"],
                        parent_code=area["parent_code"])


async def upsert_local_unit(tx: Transaction, body: LocalUnitIn, scope: Principal = OPEN
                            ) -> Outcome:
    desa = await existing_area(tx, body.desa_code, "desa_code", "village", scope)
    base = desa["code"]
    if body.parent_unit_id:
        parent = await tx.get("local_units", body.parent_unit_id)
        if parent is None or parent["desa_code"] != desa["code"]:
            raise UnprocessableError("parent_unit_id", _(
                "{unit} is not a unit of {desa}", unit=body.parent_unit_id, desa=desa["code"]),
                "unknown_unit")
        if parent["kind"] not in UNIT_PARENTS[body.kind]:
            raise UnprocessableError("parent_unit_id", _(
                "a {kind} cannot lie in a {parent}", kind=body.kind, parent=parent["kind"]),
                "wrong_parent")
        base = parent["unit_id"]
    unit = {"unit_id": f"{base}/{body.kind}:{body.name}", "desa_code": desa["code"],
            "kind": body.kind, "name": body.name, "parent_unit_id": body.parent_unit_id}
    if await tx.get("local_units", unit["unit_id"]) == unit:
        return unit, False
    await tx.put("local_units", unit["unit_id"], unit)
    await emit(tx, LocalUnitUpserted(**unit))
    return unit, True


# --- facilities -------------------------------------------------------------------------

async def upsert_facility(tx: Transaction, body: FacilityIn, today: date,
                          scope: Principal = OPEN) -> Outcome:
    area = await existing_area(tx, body.area_code, "area_code", scope=scope)
    if area["level"] != FACILITY_LEVEL[body.type]:
        raise UnprocessableError("area_code", _(
            "a {type} belongs to a {level}, not a {given}", type=body.type,
            level=FACILITY_LEVEL[body.type], given=area["level"]), "wrong_area_level")
    parent = await _check_parent(tx, body, scope)
    if body.type != "puskesmas" and (body.working_area or body.rollout_status):
        field = "working_area" if body.working_area else "rollout_status"
        raise UnprocessableError(field, _("only a puskesmas has a working area and a rollout "
                                          "status"), "not_applicable")
    working_area = [
        (await existing_area(tx, code, ("working_area", i), "village", scope))["code"]
        for i, code in enumerate(body.working_area)]
    facility_id = body.id or stable_id(body.type, area["code"], body.name, body.rw)
    existing = await tx.get("facilities", facility_id)
    if existing is not None and existing["type"] != body.type:
        raise UnprocessableError("id", _("{id} is a {type}, not a {given}", id=facility_id,
                                         type=existing["type"], given=body.type),
                                 "type_mismatch")
    facility = {
        "id": facility_id, "type": body.type, "name": body.name,
        "name_key": place_name_key(body.name), "area_code": area["code"],
        "rw": body.rw, "parent_facility_id": parent,
        "working_area": working_area, "active": True, "rollout_status": None,
        "rollout_dates": {}, "history": [{"on": today.isoformat(), "change": "registered"}]}
    if existing is not None:  # status and history are changed by their own commands
        facility |= {k: existing[k] for k in ("active", "rollout_status", "rollout_dates",
                                              "history")}
        if facility != existing:
            facility["history"] = [*existing["history"],
                                   {"on": today.isoformat(), "change": "updated"}]
    if body.rollout_status:
        _advance_rollout(facility, body.rollout_status, body.rollout_date or today,
                         "rollout_status", dated=body.rollout_date is not None)
    if facility == existing:
        return existing, False
    await store_facility(tx, facility)
    return facility, True


async def _check_parent(tx: Transaction, body: FacilityIn, scope: Principal) -> str | None:
    """The id of the facility a posyandu or pustu belongs to (given by id or by name)."""
    if body.parent_facility_id is None:
        return None
    parent = await facility_named(tx, body.parent_facility_id, "parent_facility_id", scope)
    if parent["type"] not in PARENT_TYPES[body.type]:
        raise UnprocessableError("parent_facility_id", _(
            "a {type} cannot belong to a {parent}", type=body.type, parent=parent["type"]),
            "wrong_parent")
    return str(parent["id"])


async def facility_named(tx: Reader, written: str, field: Field, scope: Principal) -> Doc:
    """The facility `written` names: by its id, or – as a Dinkes's lists write it – by its
    name ("Posyandu Mawar 3", "Puskesmas Cebongan", any case) when one facility of the
    caller's wilayah has it. Refused: none has, or several do (each desa has its Mawar:
    their ids are named, to write instead)."""
    if (facility := await tx.get("facilities", written)) is not None:
        return facility
    found = [f for f in await tx.find("facilities", Query.of(name_key=place_name_key(written)))
             if scope.covers(f["area_code"])]
    if len(found) == 1:
        return found[0]
    if not found:
        raise UnprocessableError(field, _("facility {id} is not registered", id=written),
                                 "unknown_facility")
    which = ", ".join(f"{f['id']} ({f['area_code']})" for f in found[:5])
    raise UnprocessableError(field, _("{count} facilities are named {name!r}: {which}; write "
                                      "its id", count=len(found), name=written, which=which),
                             "ambiguous_facility")


async def announce_facilities_after_upgrade(rt: Runtime, page: int = 2000) -> None:
    """The first start of a release whose services keep more of each facility announces
    every facility again, a page at a time – with its name as a key, for those registered
    before it was kept –, so their copies hold it without anybody's call: the screening
    service its name and its desa's (a register naming its posyandu, the registers'
    sheets), notify its kecamatan (the only puskesmas of a desa's kecamatan), PWS whether
    a puskesmas is open. Later starts read only that it was done."""
    if await rt.store.get("migrations", FACILITIES_ANNOUNCED) is not None:
        return
    offset = 0
    while facilities := await rt.store.find("facilities", Query.of(
            order_by="id", limit=page, offset=offset)):
        offset += len(facilities)
        async with rt.transaction() as tx:
            for facility in facilities:
                await store_facility(
                    tx, {**facility, "name_key": place_name_key(facility["name"])})
    async with rt.transaction() as tx:
        await tx.put("migrations", FACILITIES_ANNOUNCED, {"done_on": date.today().isoformat()})


# Bumped by a release whose services keep more of a facility than the one before, or
# key its name otherwise (since 2026-12-05, without its apostrophes; then with its desa's
# name; then without its UPT/UPTD – a facility registered as "UPTD Puskesmas X" was found
# by no name at all until its key was made again).
FACILITIES_ANNOUNCED = "facilities_announced_2026_12_05_upt"


def _advance_rollout(facility: Doc, status: RolloutStatus, on: date, field: Field,
                     dated: bool = True) -> None:
    """The stage reached `on`. A stage already reached keeps its day unless `dated`
    otherwise: a Dinkes list giving the day corrects one recorded without it (on the
    day of an import) or mistyped."""
    try:
        facility["rollout_status"] = next_rollout(facility["rollout_status"], status)
    except RolloutError as exc:
        raise UnprocessableError(field, reason(exc), "rollout_backwards") from exc
    dates, day = facility["rollout_dates"], on.isoformat()
    if status not in dates:
        change = f"rollout {status}"
    elif dated and dates[status] != day:
        change = f"rollout {status} dated {day} (was {dates[status]})"
    else:
        return
    facility["rollout_dates"] = {**dates, status: day}
    facility["history"] = [*facility["history"], {"on": day, "change": change}]


async def existing_facility(tx: Reader, facility_id: str, scope: Principal = OPEN) -> Doc:
    facility = await tx.get("facilities", facility_id)
    # Out of scope and unknown look the same to a scoped caller: no existence leak.
    require_facility(scope, facility_id, facility["area_code"] if facility else None)
    if facility is None:
        raise NotFoundError(_("facility {id}", id=facility_id))
    return facility


async def set_rollout(tx: Transaction, facility_id: str, status: RolloutStatus, on: date,
                      scope: Principal = OPEN, dated: bool = True) -> Outcome:
    facility = await existing_facility(tx, facility_id, scope)
    if facility["type"] != "puskesmas":
        raise UnprocessableError("status", _("rollout is tracked per puskesmas"),
                                 "not_applicable")
    changed = {**facility}
    _advance_rollout(changed, status, on, "status", dated)
    if changed == facility:
        return facility, False
    await store_facility(tx, changed)
    return changed, True


async def set_facility_active(tx: Transaction, facility_id: str, active: bool,
                              reason: str | None, on: date, scope: Principal = OPEN
                              ) -> Outcome:
    facility = await existing_facility(tx, facility_id, scope)
    if facility["active"] == active:
        return facility, False
    entry = {"on": on.isoformat(), "change": "activated" if active else "deactivated",
             "reason": reason}
    facility = {**facility, "active": active, "history": [*facility["history"], entry]}
    await store_facility(tx, facility)
    return facility, True


async def store_facility(tx: Transaction, facility: Doc) -> None:
    await tx.put("facilities", facility["id"], facility)
    await emit(tx, await _facility_event(tx, facility))


async def _facility_event(tx: Reader, facility: Doc) -> FacilityUpserted:
    """The facility as announced, with its area's name (by which a list tells same-named
    posyandu apart)."""
    area = await tx.get("areas", facility["area_code"])
    return FacilityUpserted(
        facility_id=facility["id"], type=facility["type"], name=facility["name"],
        area_code=facility["area_code"], area_name=area["name"] if area else None,
        rw=facility["rw"],
        parent_facility_id=facility["parent_facility_id"],
        working_area=facility["working_area"], active=facility["active"],
        rollout_status=facility["rollout_status"])


# --- workforce and targets --------------------------------------------------------------

async def upsert_worker(tx: Transaction, body: WorkerIn, scope: Principal = OPEN) -> Outcome:
    # Facilities are public master data, so an unknown one is a mistyped field (422),
    # not a record whose existence a 403 must hide.
    facility = await facility_named(tx, body.facility_id, "facility_id", scope)
    facility_id = facility["id"]
    require_facility(scope, facility_id, facility["area_code"])
    if not facility["active"]:
        raise UnprocessableError("facility_id", _("facility {id} is inactive", id=facility_id),
                                 "inactive_facility")
    worker_id = body.id or stable_id(body.role, facility_id, body.name)
    # Whether she still works is changed by its own command, as a facility's status is:
    # the month's list, which still names a kader who left, does not bring her back.
    existing = await tx.get("workers", worker_id)
    worker = {**body.model_dump(), "facility_id": facility_id, "id": worker_id,
              "area_code": facility["area_code"],
              "active": existing["active"] if existing else True}
    return worker, await _store_worker(tx, worker, existing)


async def set_worker_active(tx: Transaction, worker_id: str, active: bool,
                            scope: Principal = OPEN) -> Outcome:
    worker = await tx.get("workers", worker_id)
    require_area(scope, worker["area_code"] if worker else None, _("worker {id}", id=worker_id))
    if worker is None:
        raise NotFoundError(_("worker {id}", id=worker_id))
    changed = {**worker, "active": active}
    return changed, await _store_worker(tx, changed, worker)


async def _store_worker(tx: Transaction, worker: Doc, before: Doc | None) -> bool:
    """Stored and announced, unless it is as it was (`before`)."""
    if before == worker:
        return False
    await tx.put("workers", worker["id"], worker)
    await emit(tx, _worker_event(worker))
    return True


def _worker_event(worker: Doc) -> WorkerAssigned:
    return WorkerAssigned(
        worker_id=worker["id"], name=worker["name"], role=worker["role"],
        facility_id=worker["facility_id"], area_code=worker["area_code"],
        email=worker["email"], phone=worker["phone"], coverage=worker["coverage"],
        daily_digest=worker.get("daily_digest", False), active=worker["active"])


async def set_target(tx: Transaction, body: TargetIn, scope: Principal = OPEN) -> Outcome:
    area = await existing_area(tx, body.area_code, "area_code", scope=scope)
    target = {**body.model_dump(), "area_code": area["code"]}
    key = f"{area['code']}|{body.year}|{body.group}"
    if await tx.get("targets", key) == target:
        return target, False
    await tx.put("targets", key, target)
    await emit(tx, TargetSet(**target))
    return target, True


# --- announcing again -------------------------------------------------------------------

def _as_read(event_of: Callable[[Doc], Event]) -> Callable[[Reader, Doc], Awaitable[Event]]:
    """An event made of its document alone, as one that may read more."""
    async def announced(_tx: Reader, doc: Doc) -> Event:
        return event_of(doc)
    return announced


# Master data by kind: the field naming its area, and the event that announces one.
ANNOUNCED: dict[str, tuple[str, Callable[[Reader, Doc], Awaitable[Event]]]] = {
    "areas": ("code", _as_read(_area_event)),
    "local_units": ("desa_code", _as_read(lambda unit: LocalUnitUpserted(**unit))),
    "facilities": ("area_code", _facility_event),
    "workers": ("area_code", _as_read(_worker_event)),
    "targets": ("area_code", _as_read(lambda target: TargetSet(**target))),
}


async def announce(tx: Transaction, area_code: str, kinds: Iterable[str] = tuple(ANNOUNCED),
                   scope: Principal = OPEN) -> dict[str, int]:
    """Announce the area's master data again, as it is (new events, nothing changed here):
    a service whose new release keeps more of it in its read copy than the old one did –
    notify the puskesmas, screening and PWS the pustu, notify a worker's daily digest –
    learns of what did not change since. Idempotent for every consumer: each only puts
    what it is told. How many of each kind were announced."""
    area = await existing_area(tx, area_code, "area_code", scope=scope)
    turns, announced = LoopTurns(), {}
    for kind in kinds:
        field, event_of = ANNOUNCED[kind]
        announced[kind] = 0
        while page := await tx.find(kind, Query.of(prefix=(field, area["code"]), order_by=field,
                                                   limit=1000, offset=announced[kind])):
            for doc in page:
                await emit(tx, await event_of(tx, doc))
                await turns.give()
            announced[kind] += len(page)
    return announced
