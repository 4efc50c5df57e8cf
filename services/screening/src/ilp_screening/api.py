"""Screening intake over HTTP: validate, classify, store and announce in one transaction."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from ilp_contracts import ScreeningRecorded
from ilp_kit.errors import NotFoundError, UnprocessableError
from ilp_kit.outbox import emit
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.store import Query

from .domain import rules
from .domain.growth import classify_balita
from .domain.person import age_in_months, nik_problem, pseudonym
from .models import BalitaScreeningIn, ScreeningOut

router = APIRouter(tags=["screening"])
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128,
                                       description="Client-generated; a retry returns the "
                                       "first result")]


def _check(body: BalitaScreeningIn) -> int:
    """Plausibility and consistency; returns the age in months."""
    person = body.person
    if problem := nik_problem(person.nik, person.birth_date, person.sex):
        raise UnprocessableError(("person", "nik"), problem, "nik_mismatch")
    if body.screened_on < person.birth_date:
        raise UnprocessableError("screened_on", "screening date is before the birth date")
    age = age_in_months(person.birth_date, body.screened_on)
    if age > rules.BALITA_MAX_MONTHS:
        raise UnprocessableError(("person", "birth_date"),
                                 f"a balita is 0–59 months old; this child is {age} months",
                                 "wrong_stage")
    low, high = rules.BALITA_WEIGHT_KG
    if not low <= body.weight_kg <= high:
        raise UnprocessableError("weight_kg", f"{body.weight_kg} kg is outside {low}–{high} kg "
                                 "for a balita", "implausible")
    low, high = rules.BALITA_HEIGHT_CM
    if body.height_cm is not None and not low <= body.height_cm <= high:
        raise UnprocessableError("height_cm", f"{body.height_cm} cm is outside {low}–{high} cm "
                                 "for a balita", "implausible")
    return age


def _fingerprint(body: BalitaScreeningIn) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


@router.post("/screenings", status_code=201, response_model=ScreeningOut)
async def record_screening(body: BalitaScreeningIn, key: IdempotencyKey, rt: RuntimeDep,
                           response: Response) -> dict:
    age = _check(body)
    async with rt.transaction() as tx:
        seen = await tx.get("idempotency", key)
        if seen is not None:
            if seen["fingerprint"] != _fingerprint(body):
                raise UnprocessableError(("header", "Idempotency-Key"), "this key was used for "
                                         "a different screening", "idempotency_conflict")
            response.status_code = 200
            return await tx.get("screenings", seen["screening_id"]) or {}
        posyandu = await tx.get("posyandu", body.posyandu_id)
        if posyandu is None:
            raise UnprocessableError("posyandu_id", f"posyandu {body.posyandu_id} is not "
                                     "registered", "unknown_posyandu")
        measurements, findings = classify_balita(
            body.person.sex, body.person.birth_date, body.screened_on, age, body.weight_kg,
            body.height_cm, body.measured_lying)
        person_id = pseudonym(body.person.nik, rt.settings.pseudonym_key)
        record = ScreeningRecorded(
            screening_id=str(uuid.uuid4()), person_id=person_id, stage="balita",
            sex=body.person.sex, age_months=age, screened_on=body.screened_on,
            period=body.screened_on.strftime("%Y-%m"), desa_code=posyandu["area_code"],
            rw=posyandu.get("rw") or body.person.rw, posyandu_id=body.posyandu_id,
            measurements=measurements, findings=findings)
        screening = record.model_dump(mode="json", exclude={"event_id", "occurred_at"})
        person = body.person.model_dump(mode="json", exclude={"nik"})
        await tx.put("persons", person_id, {**person, "person_id": person_id})
        await tx.put("screenings", record.screening_id, screening)
        await tx.put("idempotency", key, {"screening_id": record.screening_id,
                                          "fingerprint": _fingerprint(body)})
        await emit(tx, record)
    return screening


@router.get("/screenings/{screening_id}", response_model=ScreeningOut)
async def get_screening(screening_id: str, rt: RuntimeDep) -> dict:
    screening = await rt.store.get("screenings", screening_id)
    if screening is None:
        raise NotFoundError(f"screening {screening_id}")
    return screening


@router.get("/screenings", response_model=list[ScreeningOut])
async def list_screenings(rt: RuntimeDep, desa_code: str, period: str | None = None,
                          limit: int = 100, offset: int = 0) -> list[dict]:
    where = {"period": period} if period else {}
    return await rt.store.find("screenings", Query.of(
        prefix=("desa_code", desa_code), limit=min(limit, 1000), offset=offset, **where))
