"""Screening HTTP API: intake, corrections, voids and a person's history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query as Param, Request, Response
from ilp_contracts import ScreeningSubmission
from ilp_kit.errors import InvalidInput, NotFoundError
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.store import Query

from . import intake
from .domain.person import pseudonym
from .models import (
    AmendmentIn,
    GrowthPoint,
    ImportReport,
    PersonLookup,
    PersonOut,
    ScreeningOut,
    VoidIn,
)
from .register import parse_register

router = APIRouter(tags=["screening"])
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128,
                                       description="Client-generated; a retry returns the "
                                       "first result")]
Limit = Annotated[int, Param(ge=1, le=1000)]


@router.post("/screenings", status_code=201, response_model=ScreeningOut)
async def record_screening(body: ScreeningSubmission, key: IdempotencyKey, rt: RuntimeDep,
                           response: Response) -> dict:
    async with rt.transaction() as tx:
        screening, created = await intake.record(tx, body, f"http:{key}",
                                                 rt.settings.pseudonym_key)
    if not created:
        response.status_code = 200
    return screening


@router.post("/screenings/import", response_model=ImportReport)
async def import_register(request: Request, key: IdempotencyKey, rt: RuntimeDep,
                          posyandu_id: str | None = None) -> dict:
    """Upload a posyandu register as CSV (text/csv). Every row is checked and stored on
    its own, so one bad row does not hold back the rest; the report names the lines.
    Re-uploading the same file with the same key records nothing twice."""
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    report: dict = {"accepted": 0, "duplicates": 0, "rejected": []}
    for line, submission, problems in parse_register(text, posyandu_id):
        if submission is None:
            report["rejected"].append({"line": line, "detail": problems})
            continue
        try:
            async with rt.transaction() as tx:
                _, created = await intake.record(tx, submission, f"csv:{key}:{line}",
                                                 rt.settings.pseudonym_key)
        except InvalidInput as exc:
            report["rejected"].append({"line": line, "detail": exc.detail()})
            continue
        report["accepted" if created else "duplicates"] += 1
    return report


@router.post("/screenings/{screening_id}/amend", response_model=ScreeningOut)
async def amend_screening(screening_id: str, body: AmendmentIn, rt: RuntimeDep) -> dict:
    async with rt.transaction() as tx:
        return await intake.amend(tx, screening_id, body.reason, body.screened_on,
                                  body.pregnancy, body.measurements)


@router.post("/screenings/{screening_id}/void", response_model=ScreeningOut)
async def void_screening(screening_id: str, body: VoidIn, rt: RuntimeDep) -> dict:
    async with rt.transaction() as tx:
        return await intake.void(tx, screening_id, body.reason)


@router.get("/screenings/{screening_id}", response_model=ScreeningOut)
async def get_screening(screening_id: str, rt: RuntimeDep) -> dict:
    screening = await rt.store.get("screenings", screening_id)
    if screening is None:
        raise NotFoundError(f"screening {screening_id}")
    return screening


@router.get("/screenings", response_model=list[ScreeningOut])
async def list_screenings(rt: RuntimeDep, desa_code: str, period: str | None = None,
                          stage: str | None = None, limit: Limit = 100,
                          offset: Annotated[int, Param(ge=0)] = 0) -> list[dict]:
    where = {k: v for k, v in (("period", period), ("stage", stage)) if v}
    return await rt.store.find("screenings", Query.of(
        prefix=("desa_code", desa_code), limit=limit, offset=offset, **where))


@router.post("/persons/lookup", response_model=PersonOut, tags=["persons"])
async def lookup_person(body: PersonLookup, rt: RuntimeDep) -> dict:
    """Find a person by NIK (in the body, never in a URL that logs would keep)."""
    person = await rt.store.get("persons", pseudonym(body.nik, rt.settings.pseudonym_key))
    if person is None:
        raise NotFoundError("person")
    return person


@router.get("/persons/{person_id}/screenings", response_model=list[ScreeningOut],
            tags=["persons"])
async def person_history(person_id: str, rt: RuntimeDep) -> list[dict]:
    return await rt.store.find("screenings", Query.of(person_id=person_id,
                                                      order_by="screened_on", limit=1000))


@router.get("/persons/{person_id}/growth", response_model=list[GrowthPoint], tags=["persons"])
async def growth_trajectory(person_id: str, rt: RuntimeDep) -> list[dict]:
    """A balita's weighings with WHO z-scores, oldest first, ready for a chart."""
    history = await rt.store.find("screenings", Query.of(
        person_id=person_id, stage="balita", status="active", order_by="screened_on",
        limit=1000))
    return [{"screening_id": s["screening_id"], "screened_on": s["screened_on"],
             "age_months": s["age_months"], **s["measurements"]} for s in history]
