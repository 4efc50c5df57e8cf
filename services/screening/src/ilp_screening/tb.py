"""TB treatments (pengobatan TBC): the puskesmas's TB programme records a patient starting
treatment, so that notify sends the kader each month to accompany her medication
(adherence) and a health worker to investigate her household contacts – two DOMAIN.md
home-visit triggers that no screening gives. Its HTTP routes and its store."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from cryptography.fernet import Fernet
from ilp_contracts import (TbTreatmentEnd, TbTreatmentEnded, TbTreatmentStarted,
                           TbTreatmentSubmission, TbTreatmentVoided, new_id)
from ilp_contracts.dates import add_months
from ilp_contracts.wilayah import home_unit
from ilp_contracts.text import _
from ilp_kit.auth import Caller, Principal, require, require_area
from ilp_kit.errors import InvalidInput, NotFoundError
from ilp_kit.outbox import emit
from ilp_kit.params import Limit, Offset
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.store import Query, Reader, Transaction

from .audit import audit
from .domain.validate import tb_end_problems, tb_treatment_problems
from .fhir.export import sealer
from .identity import identify
from .intake import HEADER_KEY, admit, keep_person, mark_voided, stored_key, today
from .models import IdempotencyKey, TbTreatmentOut, VoidIn
from .roles import CARERS

router = APIRouter(tags=["tb"])
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
# A diagnosis is the health workers' (or the TB information system's, as an integrator)
TB_RECORDERS = ("bidan", "perawat", "puskesmas_admin", "integrator")


async def start(tx: Transaction, sub: TbTreatmentSubmission, key: str, pseudonym_key: str,
                scope: Principal, seal: Fernet | None = None,
                loc: tuple[str | int, ...] = (),
                key_loc: tuple[str | int, ...] = HEADER_KEY) -> tuple[dict[str, Any], bool]:
    """Store and announce a treatment; (treatment, created). A retry with the same key
    returns the first record. `loc`, `key_loc`: where the caller gave the treatment and
    its key (a request's body and header, or an ingest event's `treatment` field and
    `idempotency_key`)."""
    first, posyandu, fingerprint = await admit(
        tx, sub, tb_treatment_problems(sub, today()), key, ("tb_treatments", "treatment_id"),
        scope, loc, key_loc)
    if first is not None:
        return first, False
    who = await identify(tx, sub.person, sub.posyandu_id, pseudonym_key, today())
    person_id = who.person_id
    await keep_person(tx, sub.person, who, pseudonym_key, seal)
    event = TbTreatmentStarted(
        treatment_id=new_id(), person_id=person_id, started_on=sub.started_on,
        planned_end_on=add_months(sub.started_on, sub.regimen_months),
        household_contacts=sub.household_contacts, desa_code=posyandu["area_code"],
        posyandu_id=posyandu["id"], rw=home_unit(sub.person.rw, posyandu.get("rw")),
        rt=sub.person.rt)
    treatment = {**event.model_dump(mode="json", exclude={"event_id", "occurred_at"}),
                 "regimen_months": sub.regimen_months, "status": "on_treatment",
                 "recorded_at": event.occurred_at.isoformat()}
    await tx.put("tb_treatments", event.treatment_id, treatment)
    await tx.put("idempotency", key, {"treatment_id": event.treatment_id,
                                      "fingerprint": fingerprint})
    await emit(tx, event)
    return treatment, True


async def end(tx: Transaction, treatment_id: str, body: TbTreatmentEnd, scope: Principal,
              loc: tuple[str | int, ...] = ("body",),
              id_loc: tuple[str | int, ...] = ("path", "treatment_id")) -> dict[str, Any]:
    """Record how a treatment ended; the same end again changes nothing. `loc`, `id_loc`:
    where the caller gave the end and named the treatment (a request's body and path, or
    an ingest event's `end` and `idempotency_key`)."""
    treatment = await _visible(tx, treatment_id, scope)
    if treatment["status"] == "voided":
        raise InvalidInput([(id_loc, _("a voided treatment cannot end; record it again"),
                             "voided")])
    if treatment["status"] == "ended":
        if (treatment["ended_on"], treatment["outcome"]) == (body.ended_on.isoformat(),
                                                             body.outcome):
            return treatment
        raise InvalidInput([((*loc, "outcome"), _(
            "the treatment already ended on {day} ({outcome})",
            day=date.fromisoformat(treatment["ended_on"]),
            outcome=treatment["outcome"]), "invalid_transition")])
    started_on = date.fromisoformat(treatment["started_on"])
    if found := tb_end_problems(body, started_on, today()):
        raise InvalidInput([((*loc, *where), msg, kind) for where, msg, kind in found])
    treatment.update(status="ended", ended_on=body.ended_on.isoformat(), outcome=body.outcome)
    await tx.put("tb_treatments", treatment_id, treatment)
    await emit(tx, TbTreatmentEnded(
        treatment_id=treatment_id, person_id=treatment["person_id"],
        desa_code=treatment["desa_code"], ended_on=body.ended_on, outcome=body.outcome))
    return treatment


async def void(tx: Transaction, treatment_id: str, reason: str, scope: Principal
               ) -> dict[str, Any]:
    """Withdraw a treatment recorded in error; voiding twice changes nothing."""
    treatment = await _visible(tx, treatment_id, scope)
    return await mark_voided(tx, ("tb_treatments", treatment_id), treatment, reason,
                             lambda: TbTreatmentVoided(
                                 treatment_id=treatment_id, person_id=treatment["person_id"],
                                 desa_code=treatment["desa_code"], reason=reason))


async def _visible(tx: Reader, treatment_id: str, scope: Principal) -> dict[str, Any]:
    treatment = await tx.get("tb_treatments", treatment_id)
    require_area(scope, treatment["desa_code"] if treatment else None,
                 _("TB treatment {id}", id=treatment_id))
    if treatment is None:
        raise NotFoundError(_("TB treatment {id}", id=treatment_id))
    return dict(treatment)


@router.post("/tb-treatments", status_code=201, response_model=TbTreatmentOut)
async def start_treatment(body: TbTreatmentSubmission, key: IdempotencyKey, rt: RuntimeDep,
                          response: Response, caller: Caller) -> dict[str, Any]:
    """A TB patient starting treatment: the kader of her posyandu visits her each month
    of the regimen (medication adherence), and the desa's perawat investigates her
    household contacts within two weeks. Sending it again with the same key changes
    nothing."""
    require(caller, *TB_RECORDERS)
    async with rt.transaction() as tx:
        treatment, created = await start(tx, body, stored_key("tb", key),
                                         rt.settings.pseudonym_key, caller, sealer(rt.settings))
    if not created:
        response.status_code = 200
    return treatment


@router.post("/tb-treatments/{treatment_id}/end", response_model=TbTreatmentOut)
async def end_treatment(treatment_id: str, body: TbTreatmentEnd, rt: RuntimeDep,
                        caller: Caller) -> dict[str, Any]:
    """How it ended (cured, completed, failed, lost_to_follow_up, died, moved): the
    kader's monthly visits stop."""
    require(caller, *TB_RECORDERS)
    async with rt.transaction() as tx:
        return await end(tx, treatment_id, body, caller)


@router.post("/tb-treatments/{treatment_id}/void", response_model=TbTreatmentOut)
async def void_treatment(treatment_id: str, body: VoidIn, rt: RuntimeDep, caller: Caller
                         ) -> dict[str, Any]:
    """A treatment recorded in error (the wrong patient, entered twice), with the reason:
    its open visits – the contact investigation too – are cancelled."""
    require(caller, *TB_RECORDERS)
    async with rt.transaction() as tx:
        return await void(tx, treatment_id, body.reason, caller)


@router.get("/tb-treatments/{treatment_id}", response_model=TbTreatmentOut)
async def get_treatment(treatment_id: str, rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    require(caller, *CARERS)
    treatment = await _visible(rt.store, treatment_id, caller)
    await audit(rt, caller, "read_tb_treatment", treatment["person_id"])
    return treatment


@router.get("/tb-treatments", response_model=list[TbTreatmentOut])
async def list_treatments(desa_code: str, rt: RuntimeDep, caller: Caller,
                          status: Literal["on_treatment", "ended", "voided"] | None = None,
                          limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    """A desa's TB patients (or a kecamatan's, by its code), latest first. Audited."""
    require(caller, *CARERS)
    require_area(caller, desa_code)
    where: dict[str, Any] = {"status": status} if status else {}
    treatments = await rt.store.find("tb_treatments", Query.of(
        prefix=("desa_code", desa_code), order_by="started_on", descending=True,
        limit=limit, offset=offset, **where))
    await audit(rt, caller, "list_tb_treatments", *(t["person_id"] for t in treatments))
    return treatments
