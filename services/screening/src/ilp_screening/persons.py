"""Person-level reads – who a visit is for, a person's history and growth, the audit of
those reads – and a child's NIK linked once she has one. Every read is audited; a kader
reads no one's mental-health results back (`domain.disclosure`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from ilp_contracts.text import _
from fastapi import APIRouter, Depends, Response
from ilp_kit.auth import Caller, Principal, require
from ilp_kit.errors import ForbiddenError, NotFoundError
from ilp_kit.params import Limit
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.store import Query, Transaction

from . import intake, merging
from .audit import audit
from .domain.disclosure import without_mental_health
from .fhir.export import sealer
from .identity import link_nik, person_known_as, unlink_nik
from .models import (AuditEntry, GrowthPoint, MergeIn, NikIn, PersonLookup, PersonOut,
                     PersonsRead, ScreeningOut)
from .roles import CARERS, CORRECTORS, MERGERS

router = APIRouter(tags=["persons"])
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]


def shown_to(caller: Principal, screening: dict[str, Any]) -> dict[str, Any]:
    """A kader reads no one's mental-health results back (`domain.disclosure`)."""
    return without_mental_health(screening) if caller.kader_only else screening


@router.post("/persons/lookup", response_model=PersonOut)
async def lookup_person(body: PersonLookup, rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    """Find a person by NIK (in the body, never in a URL that logs would keep) – or one
    without a NIK by her number in a posyandu's register."""
    return await _person(rt, caller, await person_known_as(rt.store, body.identity(),
                                                           rt.settings.pseudonym_key),
                         "lookup_person")


@router.post("/persons/{person_id}/nik", response_model=PersonOut)
async def link_nik_to_person(person_id: str, body: NikIn, rt: RuntimeDep, caller: Caller,
                             response: Response) -> dict[str, Any]:
    """A person recorded without a NIK – a child by her mother's and a local id, anyone
    by her number at the posyandu – now has hers: from now on a screening, birth or
    household list giving her NIK is hers, in one history with those before – as is one
    that gives her NIK with what she was known by (the link is then made by itself), and
    her screenings go to SATUSEHAT. 201 when linked, 200 when it already was; refused
    for a NIK that cannot be hers (birth date, sex) or has a record of its own."""
    async with _record_to_correct(rt, caller, person_id) as (tx, person):
        if await link_nik(tx, person, body.nik, rt.settings.pseudonym_key, intake.today(),
                          sealer(rt.settings)):
            response.status_code = 201
    await audit(rt, caller, "link_nik", person_id)
    return person


@router.post("/persons/{person_id}/nik/unlink", response_model=PersonOut)
async def unlink_nik_from_person(person_id: str, body: NikIn, rt: RuntimeDep,
                                 caller: Caller) -> dict[str, Any]:
    """Undo a NIK linked in error (a twin's given to her sister): the NIK is its own
    person again from now on; what was recorded under the link stays where it is."""
    async with _record_to_correct(rt, caller, person_id) as (tx, person):
        await unlink_nik(tx, person, body.nik, rt.settings.pseudonym_key)
    await audit(rt, caller, "unlink_nik", person_id)
    return person


@router.post("/persons/{person_id}/merge", response_model=PersonOut)
async def merge_person(person_id: str, body: MergeIn, rt: RuntimeDep, caller: Caller
                       ) -> dict[str, Any]:
    """Two records of one person made one – a child weighed by her mother's NIK and by
    her own, a NIK mistyped once: the duplicate's screenings become hers (PWS counts her
    once, her visits follow her), what identified the duplicate identifies her from now
    on, and the duplicate's visits still due end. Both must be of one birth date and sex
    and within the caller's wilayah; a duplicate a birth, a TB treatment or a linked NIK
    names is refused (merge the other way)."""
    require(caller, *MERGERS)
    for whom in (person_id, body.duplicate_id):
        await _visible_person(rt, caller, whom)
    async with rt.transaction() as tx:
        kept = await merging.merge(tx, person_id, body.duplicate_id, body.reason, caller)
    await audit(rt, caller, "merge_person", person_id, body.duplicate_id)
    return kept


@router.post("/persons/{person_id}/unmerge", response_model=PersonOut)
async def unmerge_person(person_id: str, body: MergeIn, rt: RuntimeDep, caller: Caller
                         ) -> dict[str, Any]:
    """Undo a merge made in error (twins taken for one child): the duplicate's screenings
    go back to it, each person's classified again in her own history, and what identified
    the duplicate identifies it again. Returns the duplicate's record."""
    require(caller, *MERGERS)
    await _visible_person(rt, caller, person_id)
    async with rt.transaction() as tx:
        parted = await merging.part(tx, person_id, body.duplicate_id, body.reason, caller)
    await audit(rt, caller, "unmerge_person", person_id, body.duplicate_id)
    return parted


@asynccontextmanager
async def _record_to_correct(rt: Runtime, caller: Principal, person_id: str
                        ) -> AsyncIterator[tuple[Transaction, dict[str, Any]]]:
    """A transaction and the record of a person of the caller's wilayah whom she may
    correct."""
    require(caller, *CORRECTORS)
    await _visible_person(rt, caller, person_id)
    async with rt.transaction() as tx:
        person = await tx.get("persons", person_id)
        if person is None:
            raise NotFoundError(_("person"))
        yield tx, person


@router.get("/persons/{person_id}", response_model=PersonOut)
async def read_person(person_id: str, rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    """Who a home-visit task is for: tasks carry only the pseudonymous id, and the kader
    needs the name and RT/RW to find the house (audited like every person read)."""
    return await _person(rt, caller, person_id, "read_person")


async def _person(rt: Runtime, caller: Principal, person_id: str, action: str) -> dict[str, Any]:
    await _visible_person(rt, caller, person_id)
    person = await rt.store.get("persons", person_id)
    if person is None:
        raise NotFoundError(_("person"))
    await audit(rt, caller, action, person_id)
    return person


@router.post("/persons/read", response_model=list[PersonOut])
async def read_persons(body: PersonsRead, rt: RuntimeDep, caller: Caller) -> list[dict[str, Any]]:
    """Many at once – a kader's task list in one round trip over a slow connection. Those
    unknown or outside the caller's wilayah are left out (alike: no existence leak)."""
    require(caller, *CARERS)  # a caller of another role is refused, not given []
    found = []
    for person_id in dict.fromkeys(body.person_ids):
        try:
            await _visible_person(rt, caller, person_id)
        except ForbiddenError:
            continue
        if person := await rt.store.get("persons", person_id):
            found.append(person)
    await audit(rt, caller, "read_person", *(p["person_id"] for p in found))
    return found


@router.get("/persons/{person_id}/screenings", response_model=list[ScreeningOut])
async def person_history(person_id: str, rt: RuntimeDep, caller: Caller) -> list[dict[str, Any]]:
    history = await _visible_person(rt, caller, person_id)
    await audit(rt, caller, "read_history", person_id)
    return [shown_to(caller, screening) for screening in history]


GROWTH_MEASURES = frozenset({"weight_kg", "height_cm", "head_circumference_cm"})


@router.get("/persons/{person_id}/growth", response_model=list[GrowthPoint])
async def growth_trajectory(person_id: str, rt: RuntimeDep, caller: Caller) -> list[dict[str, Any]]:
    """A balita's weighings and measurements with WHO z-scores, oldest first, ready for a
    chart (a visit for her LiLA, a KPSP or a dose alone has no point on it)."""
    history = [s for s in await _visible_person(rt, caller, person_id)
               if s["stage"] == "balita" and s["status"] == "active"
               and not GROWTH_MEASURES.isdisjoint(s["measurements"])]
    await audit(rt, caller, "read_growth", person_id)
    return [{"screening_id": s["screening_id"], "screened_on": s["screened_on"],
             "age_months": s["age_months"], **s["measurements"]} for s in history]


async def _visible_person(rt: Runtime, caller: Principal, person_id: str) -> list[dict[str, Any]]:
    """A person's screenings, if the caller cares for someone screened – or registered by
    a household data collection, a mother or baby of a birth, a patient on TB treatment
    – in their wilayah: whom a visit is for. Unknown and out-of-scope persons get the
    same 403 (no existence leak)."""
    require(caller, *CARERS)
    history = await rt.store.find("screenings", Query.of(person_id=person_id,
                                                         order_by="screened_on", limit=1000))
    if not any(caller.covers(s["desa_code"]) for s in history) and not (
            (known := await rt.store.get("household", person_id))
            and caller.covers(known["desa_code"])) and not await _recorded_in(rt, caller,
                                                                                person_id):
        # a record merged into another is seen by those who see the one it went to
        merged = await rt.store.get("persons", person_id)
        if not (merged and merged.get("merged_into")):
            raise ForbiddenError(_("this person is not within your wilayah (or unknown)"))
        await _visible_person(rt, caller, merged["merged_into"])
    return history


async def _recorded_in(rt: Runtime, caller: Principal, person_id: str) -> bool:
    """Whether a birth (as mother or baby) or a TB treatment of the caller's wilayah names
    the person: the KF and KN visits, the TB adherence visits are for them before any
    screening."""
    named = [*await rt.store.find("births", Query.of(mother_id=person_id)),
             *await rt.store.find("births", Query.of(baby_id=person_id)),
             *await rt.store.find("tb_treatments", Query.of(person_id=person_id))]
    return any(record.get("status") != "voided" and caller.covers(record["desa_code"])
               for record in named)


@router.get("/audit", response_model=list[AuditEntry])
async def audit_log(rt: RuntimeDep, caller: Caller, person_id: str | None = None,
                    subject: str | None = None, limit: Limit = 100) -> list[dict[str, Any]]:
    """Reads of person-level records, newest first."""
    require(caller, "dinkes_admin", "operator")
    where: dict[str, Any] = {k: v for k, v in (("person_id", person_id), ("subject", subject)) if v}
    return await rt.store.find("audit", Query.of(order_by="at", descending=True, limit=limit,
                                                 **where))


# --- FHIR R4 (SATUSEHAT) ----------------------------------------------------------------
