"""Registry HTTP API: thin over `commands` (writes) and the store (reads). Every change is
stored and announced (outbox) in one transaction; a refused request writes nothing."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi import Query as Param
from ilp_contracts.registry import FacilityType, LocalUnitKind, WorkerRole
from ilp_contracts.text import _, reason
from ilp_kit.auth import Caller, Principal, require, require_area
from ilp_kit.errors import Language, NotFoundError, UnprocessableError, said_in
from ilp_kit.params import Limit, Offset
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.spreadsheet import XLSX, spreadsheet_text
from ilp_kit.store import Query, Transaction

from . import commands, importer
from .commands import canonical_code
from .domain import (missing_targets, network_gaps, pustu_of, staffing_gaps,
                     summarise_rollout)
from .models import (
    Announced,
    AnnouncedAll,
    Area,
    AreaIn,
    AreaRename,
    Facility,
    FacilityIn,
    LocalUnit,
    LocalUnitIn,
    DesaGaps,
    PustuStaffing,
    RolloutChange,
    RolloutSummaryOut,
    StatusChange,
    Target,
    TargetIn,
    Worker,
    WorkerIn,
)

router = APIRouter()
# Master data (codes, names, facilities, targets) is public information and readable by
# every authenticated caller; writes are scoped by wilayah (commands check each code).
AREA_EDITORS = ("dinkes_admin", "operator")
EDITORS = ("dinkes_admin", "puskesmas_admin", "operator")
READERS_OF_WORKERS = ("kader", "bidan", "perawat", "puskesmas_admin", "dinkes_admin", "operator")
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]


def _page(request: Request, response: Response, items: list[Any], limit: int,
          offset: int) -> list[Any]:
    """A full page gets a `Link: …; rel="next"` header (RFC 8288); the last page none."""
    if len(items) == limit:
        url = request.url.include_query_params(offset=offset + limit)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return items


async def _upserted(rt: Runtime, response: Response,
                    change: Callable[[Transaction], Awaitable[commands.Outcome]]) -> dict[str, Any]:
    """Run one command in its own transaction: 201 when it changed something, else 200."""
    async with rt.transaction() as tx:
        doc, changed = await change(tx)
    response.status_code = 201 if changed else 200
    return doc


# --- wilayah ----------------------------------------------------------------------------

@router.post("/areas", status_code=201, response_model=Area, tags=["wilayah"],
             responses={200: {"description": "Already registered with this name"}})
async def upsert_area(body: AreaIn, rt: RuntimeDep, response: Response, caller: Caller
                      ) -> dict[str, Any]:
    require(caller, *AREA_EDITORS)
    return await _upserted(rt, response, lambda tx: commands.upsert_area(tx, body, caller))


@router.put("/areas/{code}", response_model=Area, tags=["wilayah"])
async def rename_area(code: str, body: AreaRename, rt: RuntimeDep, caller: Caller
                      ) -> dict[str, Any]:
    require(caller, *AREA_EDITORS)
    async with rt.transaction() as tx:
        area, _changed = await commands.rename_area(tx, code, body.name, caller)
    return area


@router.get("/areas", response_model=list[Area], tags=["wilayah"])
async def list_areas(request: Request, response: Response, rt: RuntimeDep,
                     parent: str | None = None,
                     level: Literal["province", "regency", "district", "village"] | None = None,
                     within: Annotated[str | None, Param(
                         description="All areas below this code, any depth")] = None,
                     limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    where: dict[str, Any] = {"level": level} if level else {}
    if parent:
        where["parent_code"] = canonical_code(parent, ("query", "parent"))
    prefix = ("code", canonical_code(within, ("query", "within")) + ".") if within else None
    items = await rt.store.find("areas", Query.of(prefix=prefix, order_by="code", limit=limit,
                                                  offset=offset, **where))
    return _page(request, response, items, limit, offset)


@router.get("/areas/{code}", response_model=Area, tags=["wilayah"])
async def get_area(code: str, rt: RuntimeDep) -> dict[str, Any]:
    area = await rt.store.get("areas", canonical_code(code, ("path", "code")))
    if area is None:
        raise NotFoundError(_("area {id}", id=code))
    return area


@router.post("/local-units", status_code=201, response_model=LocalUnit, tags=["wilayah"])
async def upsert_local_unit(body: LocalUnitIn, rt: RuntimeDep, response: Response,
                            caller: Caller) -> dict[str, Any]:
    require(caller, *EDITORS)
    return await _upserted(rt, response,
                           lambda tx: commands.upsert_local_unit(tx, body, caller))


@router.get("/local-units", response_model=list[LocalUnit], tags=["wilayah"])
async def list_local_units(rt: RuntimeDep, desa_code: str,
                           kind: LocalUnitKind | None = None) -> list[dict[str, Any]]:
    where: dict[str, Any] = {"kind": kind} if kind else {}
    return await rt.store.find("local_units", Query.of(
        desa_code=canonical_code(desa_code, ("query", "desa_code")), order_by="unit_id",
        limit=5000, **where))


# --- facilities and ILP rollout ---------------------------------------------------------

@router.post("/facilities", status_code=201, response_model=Facility, tags=["facilities"])
async def upsert_facility(body: FacilityIn, rt: RuntimeDep, response: Response,
                          caller: Caller) -> dict[str, Any]:
    require(caller, *EDITORS)
    return await _upserted(
        rt, response, lambda tx: commands.upsert_facility(tx, body, date.today(), caller))


@router.post("/facilities/announce", response_model=Announced, tags=["facilities"],
             summary="Announce the area's facilities again (after an upgrade)")
async def announce_facilities(area_code: Annotated[str, Param(
                                  description="Facilities in this area or below")],
                              rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    """For a release whose services keep more facilities than before: they learn of
    those registered earlier and not changed since."""
    require(caller, *AREA_EDITORS)
    async with rt.transaction() as tx:
        announced = await commands.announce(tx, area_code, ("facilities",), caller)
    return {"announced": announced["facilities"]}


@router.post("/announce", response_model=AnnouncedAll, tags=["master data"],
             summary="Announce the area's master data again (after an upgrade)")
async def announce(area_code: Annotated[str, Param(
                       description="Master data of this area and below")],
                   rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    """Areas, dusun/RW/RT, facilities, workers and targets, as they are: for a release
    whose services keep more of them in their read copies than before."""
    require(caller, *AREA_EDITORS)
    async with rt.transaction() as tx:
        return {"announced": await commands.announce(tx, area_code, scope=caller)}


@router.get("/facilities", response_model=list[Facility], tags=["facilities"])
async def list_facilities(request: Request, response: Response, rt: RuntimeDep,
                          area_code: Annotated[str | None, Param(
                              description="Facilities in this area or below")] = None,
                          type: FacilityType | None = None, active: bool | None = None,
                          parent_facility_id: str | None = None,
                          limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    where: dict[str, Any] = {k: v for k, v in (("type", type), ("active", active),
                               ("parent_facility_id", parent_facility_id)) if v is not None}
    prefix = ("area_code", canonical_code(area_code, ("query", "area_code"))
              ) if area_code else None
    items = await rt.store.find("facilities", Query.of(prefix=prefix, order_by="id",
                                                       limit=limit, offset=offset, **where))
    return _page(request, response, items, limit, offset)


@router.get("/facilities/{facility_id}", response_model=Facility, tags=["facilities"])
async def get_facility(facility_id: str, rt: RuntimeDep) -> dict[str, Any]:
    return await commands.existing_facility(rt.store, facility_id)


@router.put("/facilities/{facility_id}/status", response_model=Facility,
            tags=["facilities"], summary="Activate or deactivate (kept in the history)")
async def set_facility_status(facility_id: str, body: StatusChange, rt: RuntimeDep,
                              caller: Caller) -> dict[str, Any]:
    require(caller, *EDITORS)
    async with rt.transaction() as tx:
        facility, _changed = await commands.set_facility_active(
            tx, facility_id, body.active, body.reason, body.on or date.today(), caller)
    return facility


@router.put("/facilities/{facility_id}/rollout", response_model=Facility, tags=["rollout"],
            summary="Record the puskesmas' ILP rollout stage (forward only)")
async def set_rollout(facility_id: str, body: RolloutChange, rt: RuntimeDep,
                      caller: Caller) -> dict[str, Any]:
    require(caller, *AREA_EDITORS)  # rollout is the Dinkes's record
    async with rt.transaction() as tx:
        facility, _changed = await commands.set_rollout(
            tx, facility_id, body.status, body.on or date.today(), caller,
            dated=body.on is not None)
    return facility


@router.get("/rollout/summary", response_model=RolloutSummaryOut, tags=["rollout"],
            summary="ILP rollout of the puskesmas in a province or kab/kota")
async def rollout_summary(rt: RuntimeDep, area_code: str) -> dict[str, Any]:
    code = canonical_code(area_code, ("query", "area_code"))
    puskesmas = await rt.store.find("facilities", Query.of(
        prefix=("area_code", code), type="puskesmas", active=True))
    summary = summarise_rollout(code, (p["rollout_status"] for p in puskesmas))
    return {**summary.__dict__, "text": summary.text}


# --- workforce --------------------------------------------------------------------------

@router.post("/workers", status_code=201, response_model=Worker, tags=["workforce"])
async def assign_worker(body: WorkerIn, rt: RuntimeDep, response: Response,
                        caller: Caller) -> dict[str, Any]:
    require(caller, *EDITORS)
    return await _upserted(rt, response, lambda tx: commands.upsert_worker(tx, body, caller))


@router.put("/workers/{worker_id}/status", response_model=Worker, tags=["workforce"],
            summary="A worker leaves (or returns); notify re-assigns their open tasks")
async def set_worker_status(worker_id: str, body: StatusChange, rt: RuntimeDep,
                            caller: Caller) -> dict[str, Any]:
    require(caller, *EDITORS)
    async with rt.transaction() as tx:
        worker, _changed = await commands.set_worker_active(tx, worker_id, body.active, caller)
    return worker


@router.get("/workers", response_model=list[Worker], tags=["workforce"])
async def list_workers(request: Request, response: Response, rt: RuntimeDep, caller: Caller,
                       facility_id: str | None = None, role: WorkerRole | None = None,
                       area_code: str | None = None, active: bool | None = None,
                       limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    """Workers' contact details are personal data: only within the caller's wilayah."""
    require(caller, *READERS_OF_WORKERS)
    if facility_id:
        async with rt.transaction() as tx:
            await commands.existing_facility(tx, facility_id, caller)
    else:
        require_area(caller, area_code and canonical_code(area_code, ("query", "area_code")))
    where: dict[str, Any] = {k: v for k, v in (("facility_id", facility_id), ("role", role),
                               ("active", active)) if v is not None}
    prefix = ("area_code", canonical_code(area_code, ("query", "area_code"))
              ) if area_code else None
    items = await rt.store.find("workers", Query.of(prefix=prefix, order_by="id", limit=limit,
                                                    offset=offset, **where))
    return _page(request, response, items, limit, offset)


@router.get("/staffing/pustu", response_model=list[PustuStaffing], tags=["workforce"],
            summary="Pustu and their staff against the minimum (1 bidan, 1 perawat, 2 kader)")
async def pustu_staffing(rt: RuntimeDep, caller: Caller, area_code: str,
                         only_gaps: bool = True) -> list[dict[str, Any]]:
    """Kader of the posyandu under a pustu count towards it: they serve its area (see
    `pustu_of`)."""
    require(caller, *READERS_OF_WORKERS)
    prefix = ("area_code", canonical_code(area_code, ("query", "area_code")))
    require_area(caller, prefix[1])
    facilities = await rt.store.find("facilities", Query.of(prefix=prefix, active=True))
    workers = await rt.store.find("workers", Query.of(prefix=prefix, active=True))
    served = pustu_of(facilities)
    staff: dict[str, Counter[str]] = {pid: Counter() for pid in served.values()}
    for worker in workers:
        if (pustu := served.get(worker["facility_id"])) is not None:
            staff[pustu][worker["role"]] += 1
    rows = [{"facility_id": f["id"], "name": f["name"], "area_code": f["area_code"],
             "staff": dict(staff[f["id"]]), "missing": staffing_gaps(staff[f["id"]].elements())}
            for f in facilities if f["type"] == "pustu"]
    return [r for r in rows if r["missing"] or not only_gaps]


@router.get("/network/gaps", response_model=list[DesaGaps], tags=["facilities"],
            summary="Desa still without a pustu, a posyandu or a puskesmas serving them")
async def list_network_gaps(rt: RuntimeDep, area_code: str) -> list[dict[str, Any]]:
    """ILP brings a pustu to every desa/kelurahan and posyandu below it; each desa is
    served by one puskesmas (its PWS table, its bidan where the pustu has none): by its
    working area, or without one through the parents of the desa's pustu and posyandu.
    Puskesmas are read from the whole kab/kota: one of the next kecamatan may serve it."""
    prefix = canonical_code(area_code, ("query", "area_code"))
    desa = await _desa_under(rt, prefix)
    around = ".".join(prefix.split(".")[:2])
    facilities = [
        *await rt.store.find("facilities", Query.of(prefix=("area_code", prefix),
                                                    limit=None)),
        *await rt.store.find("facilities", Query.of(prefix=("area_code", around),
                                                    type="puskesmas", limit=None))]
    return _gaps_of(desa, network_gaps((d["code"] for d in desa), facilities))


async def _desa_under(rt: Runtime, prefix: str) -> list[dict[str, Any]]:
    return await rt.store.find("areas", Query.of(prefix=("code", prefix), level="village",
                                                 order_by="code", limit=None))


def _gaps_of(desa: list[dict[str, Any]], gaps: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Each desa with something missing, in code order, with what."""
    return [{"area_code": d["code"], "area_name": d["name"], "missing": gaps[d["code"]]}
            for d in desa if d["code"] in gaps]


# --- targets ----------------------------------------------------------------------------

@router.put("/targets", response_model=Target, tags=["targets"])
async def set_target(body: TargetIn, rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    require(caller, *EDITORS)
    async with rt.transaction() as tx:
        target, _changed = await commands.set_target(tx, body, caller)
    return target


@router.get("/targets", response_model=list[Target], tags=["targets"])
async def list_targets(rt: RuntimeDep, area_code: str, year: int | None = None
                       ) -> list[dict[str, Any]]:
    where: dict[str, Any] = {"year": year} if year else {}
    return await rt.store.find("targets", Query.of(
        prefix=("area_code", canonical_code(area_code, ("query", "area_code"))),
        limit=5000, **where))


@router.get("/targets/missing", response_model=list[DesaGaps], tags=["targets"])
async def list_missing_targets(rt: RuntimeDep, area_code: str, year: int) -> list[dict[str, Any]]:
    """Desa under an area still without a sasaran for some group in `year`: what the
    Dinkes still has to enter before PWS coverage there can be trusted."""
    prefix = canonical_code(area_code, ("query", "area_code"))
    desa = await _desa_under(rt, prefix)
    targets = await rt.store.find("targets", Query.of(prefix=("area_code", prefix),
                                                      year=year, limit=None))
    return _gaps_of(desa, missing_targets((d["code"] for d in desa), targets))


# --- bulk import ------------------------------------------------------------------------

@router.post("/import", tags=["import"], summary="Bulk import from CSV, Excel or JSON",
             openapi_extra={"requestBody": {"content": {
                 "text/csv": {"schema": {"type": "string"}},
                 XLSX: {"schema": {"type": "string", "format": "binary"}},
                 "application/json": {"schema": {"type": ["array", "object"]}}}}})
async def bulk_import(request: Request, rt: RuntimeDep, caller: Caller, language: Language,
                      kind: importer.Kind | None = None,
                      year: Annotated[int | None, Param(ge=2000, le=2100)] = None
                      ) -> dict[str, Any]:
    """A CSV or a workbook of one sheet (.xlsx, .xls, .ods) whose header tells the kind (or
    `kind=`), a JSON array of rows of `kind`, or a JSON object with one array per kind.
    A list of sasaran without a Tahun column is of `year=`, else of the year its title
    names ("DATA SASARAN TAHUN 2026").
    Valid rows are stored even when others are refused; each refused row is reported with
    its line (record) number and reasons. Importing the same file again changes nothing
    and emits no events. Rows outside the caller's wilayah are refused (type
    `forbidden`); wilayah themselves only for a Dinkes admin or operator (a puskesmas
    admin imports her facilities, workers, dusun/RW/RT and sasaran)."""
    require(caller, *EDITORS)
    text = spreadsheet_text(await request.body())
    content_type = request.headers.get("content-type", "text/csv")
    try:
        if "json" in content_type and isinstance(document := json.loads(text), dict):
            _may_import(caller, document)
            reports = await importer.import_document(rt.store, document, date.today(), caller)
        else:
            detected, rows = importer.parse_upload(text, content_type, year)
            chosen = kind or detected
            if chosen is None:
                raise ValueError(_("say which kind the JSON rows are (?kind=areas, …)"))
            _may_import(caller, [chosen])
            report = await importer.import_rows(
                rt.store, chosen, rows, date.today(), caller, sheet="json" not in content_type)
            if "json" not in content_type:
                written = importer.written_columns_of(text)
                report.rejected = importer.in_the_sheets_words(report.rejected, written)
                report.taken_without = importer.in_the_sheets_words(report.taken_without,
                                                                    written)
                report.columns_not_read = [written.get(name, name)
                                           for name in report.columns_not_read]
            reports = {chosen: report}
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnprocessableError("body", reason(exc), "unreadable_import") from exc
    return said_in({kind: report.__dict__ for kind, report in reports.items()}, language)


def _may_import(caller: Principal, kinds: Iterable[str]) -> None:
    """Each kind as its own endpoint allows it: wilayah are the Dinkes's."""
    if "areas" in kinds:
        require(caller, *AREA_EDITORS)
