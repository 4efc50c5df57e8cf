"""Registry HTTP API: every change is stored and announced (outbox) in one transaction."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query as Param, Response
from ilp_contracts import AreaUpserted, FacilityUpserted, TargetSet, WorkerAssigned
from ilp_kit.errors import NotFoundError, UnprocessableError
from ilp_kit.outbox import emit
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.store import Query, Reader

from ilp_contracts.wilayah import InvalidAreaCode, parse_area_code
from .models import Area, AreaIn, Facility, FacilityIn, Target, TargetIn, Worker, WorkerIn

router = APIRouter()
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
Limit = Annotated[int, Param(ge=1, le=1000)]
Offset = Annotated[int, Param(ge=0)]

# Which level of wilayah each facility type sits in.
FACILITY_LEVEL = {"puskesmas": "district", "pustu": "village", "posyandu": "village"}


def _canonical(code: str, field: str | tuple[str | int, ...]) -> str:
    try:
        return parse_area_code(code).code
    except InvalidAreaCode as exc:
        raise UnprocessableError(field, str(exc), "invalid_area_code") from exc


async def _existing_area(reader: Reader, code: str, field: str | tuple[str | int, ...]) -> dict:
    canonical = _canonical(code, field)
    area = await reader.get("areas", canonical)
    if area is None:
        raise UnprocessableError(field, f"area {canonical} is not registered", "unknown_area")
    return area


@router.post("/areas", status_code=201, response_model=Area, tags=["wilayah"])
async def upsert_area(body: AreaIn, rt: RuntimeDep, response: Response) -> dict:
    code = _canonical(body.code, "code")
    parsed = parse_area_code(code)
    async with rt.transaction() as tx:
        if parsed.parent and await tx.get("areas", parsed.parent) is None:
            raise UnprocessableError("code", f"parent area {parsed.parent} is not registered",
                                     "unknown_parent")
        existing = await tx.get("areas", code)
        if existing is not None and existing["name"] == body.name:
            response.status_code = 200
            return existing
        area = {"code": code, "name": body.name, "level": parsed.level,
                "parent_code": parsed.parent}
        await tx.put("areas", code, area)
        await emit(tx, AreaUpserted(**area))
    return area


@router.get("/areas", response_model=list[Area], tags=["wilayah"])
async def list_areas(rt: RuntimeDep, parent: str | None = None, level: str | None = None,
                     limit: Limit = 100, offset: Offset = 0) -> list[dict]:
    where = {"level": level} if level else {}
    if parent:
        where["parent_code"] = _canonical(parent, "parent")
    return await rt.store.find("areas", Query.of(limit=limit, offset=offset, **where))


@router.get("/areas/{code}", response_model=Area, tags=["wilayah"])
async def get_area(code: str, rt: RuntimeDep) -> dict:
    area = await rt.store.get("areas", _canonical(code, "code"))
    if area is None:
        raise NotFoundError(f"area {code}")
    return area


@router.post("/facilities", status_code=201, response_model=Facility, tags=["facilities"])
async def upsert_facility(body: FacilityIn, rt: RuntimeDep) -> dict:
    async with rt.transaction() as tx:
        area = await _existing_area(tx, body.area_code, "area_code")
        if area["level"] != FACILITY_LEVEL[body.type]:
            raise UnprocessableError(
                "area_code", f"a {body.type} belongs to a {FACILITY_LEVEL[body.type]}, "
                f"not a {area['level']}", "wrong_area_level")
        if body.parent_facility_id and await tx.get("facilities",
                                                    body.parent_facility_id) is None:
            raise UnprocessableError("parent_facility_id",
                                     f"facility {body.parent_facility_id} is not registered",
                                     "unknown_facility")
        if body.working_area and body.type != "puskesmas":
            raise UnprocessableError("working_area", "only a puskesmas has a working area",
                                     "not_applicable")
        working_area = []
        for i, code in enumerate(body.working_area):
            desa = await _existing_area(tx, code, ("working_area", i))
            if desa["level"] != "village":
                raise UnprocessableError(("working_area", i), f"{desa['code']} is not a "
                                         "desa/kelurahan", "wrong_area_level")
            working_area.append(desa["code"])
        facility = {**body.model_dump(), "id": body.id or f"{body.type}-{uuid.uuid4().hex[:12]}",
                    "area_code": area["code"], "working_area": working_area, "active": True}
        await tx.put("facilities", facility["id"], facility)
        await emit(tx, FacilityUpserted(
            facility_id=facility["id"], type=body.type, name=body.name,
            area_code=area["code"], rw=body.rw, parent_facility_id=body.parent_facility_id,
            working_area=working_area))
    return facility


@router.get("/facilities", response_model=list[Facility], tags=["facilities"])
async def list_facilities(rt: RuntimeDep, area_code: str | None = None,
                          type: str | None = None, limit: Limit = 100,
                          offset: Offset = 0) -> list[dict]:
    where = {"type": type} if type else {}
    prefix = ("area_code", _canonical(area_code, "area_code")) if area_code else None
    return await rt.store.find("facilities",
                               Query.of(prefix=prefix, limit=limit, offset=offset, **where))


@router.get("/facilities/{facility_id}", response_model=Facility, tags=["facilities"])
async def get_facility(facility_id: str, rt: RuntimeDep) -> dict:
    facility = await rt.store.get("facilities", facility_id)
    if facility is None:
        raise NotFoundError(f"facility {facility_id}")
    return facility


@router.post("/workers", status_code=201, response_model=Worker, tags=["workforce"])
async def assign_worker(body: WorkerIn, rt: RuntimeDep) -> dict:
    async with rt.transaction() as tx:
        facility = await tx.get("facilities", body.facility_id)
        if facility is None:
            raise UnprocessableError("facility_id", f"facility {body.facility_id} is not "
                                     "registered", "unknown_facility")
        worker = {**body.model_dump(), "id": body.id or f"{body.role}-{uuid.uuid4().hex[:12]}",
                  "area_code": facility["area_code"], "active": True}
        await tx.put("workers", worker["id"], worker)
        await emit(tx, WorkerAssigned(worker_id=worker["id"], name=body.name, role=body.role,
                                      facility_id=body.facility_id,
                                      area_code=facility["area_code"], email=body.email,
                                      phone=body.phone))
    return worker


@router.get("/workers", response_model=list[Worker], tags=["workforce"])
async def list_workers(rt: RuntimeDep, facility_id: str | None = None,
                       role: str | None = None, limit: Limit = 100,
                       offset: Offset = 0) -> list[dict]:
    where = {k: v for k, v in (("facility_id", facility_id), ("role", role)) if v}
    return await rt.store.find("workers", Query.of(limit=limit, offset=offset, **where))


@router.put("/targets", response_model=Target, tags=["targets"])
async def set_target(body: TargetIn, rt: RuntimeDep) -> dict:
    async with rt.transaction() as tx:
        area = await _existing_area(tx, body.area_code, "area_code")
        target = {**body.model_dump(), "area_code": area["code"]}
        await tx.put("targets", f"{area['code']}|{body.year}|{body.group}", target)
        await emit(tx, TargetSet(**target))
    return target


@router.get("/targets", response_model=list[Target], tags=["targets"])
async def list_targets(rt: RuntimeDep, area_code: str, year: int | None = None) -> list[dict]:
    where = {"year": year} if year else {}
    return await rt.store.find("targets", Query.of(
        prefix=("area_code", _canonical(area_code, "area_code")), limit=1000, **where))
