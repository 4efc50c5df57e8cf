"""Screening HTTP API: intake, corrections, voids and a person's history."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from cryptography.fernet import Fernet
from fastapi import APIRouter, Depends, Query as Param, Request, Response
from ilp_contracts import BirthCorrection, BirthSubmission, ScreeningSubmission
from ilp_contracts.findings import FINDING_LABELS
from ilp_contracts.screening import Stage
from ilp_contracts.text import _
from ilp_kit.auth import HEALTH_STAFF, Caller, Principal, require, require_area
from ilp_kit.errors import (ForbiddenError, InvalidInput, Language, NotFoundError, explained,
                            json_safe, said_in)
from ilp_kit.outgoing import sent_log
from ilp_kit.params import Limit, Offset, Period
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.spreadsheet import spreadsheet_text
from ilp_kit.store import Query, Transaction
from ilp_kit.turns import LoopTurns
from pydantic import ValidationError

from . import births_sheet, household, intake, persons, register_intake, registers, tb
from .audit import audit
from .fhir import inbound
from .fhir.export import bundle_for, sealer
from .models import (
    AmendmentIn,
    BirthImportReport,
    BirthOut,
    FhirExport,
    ExportStatus,
    IdempotencyKey,
    ImportReport,
    ScreeningOut,
    SubmissionOut,
    SyncBatch,
    SyncItem,
    SyncReport,
    VoidIn,
)
from .register import (columns_not_read, day_of_visits, in_its_month, in_the_sheets_words,
                       months_of, once_a_row, parse_register, posyandu_names,
                       recorded_something)
from .roles import CARERS, CORRECTORS, RECORDERS

router = APIRouter(tags=["screening"])
router.include_router(household.router)  # the household data collection
router.include_router(tb.router)  # TB treatments: adherence and contact visits
router.include_router(registers.router)  # the registers of pregnant women and of balita
router.include_router(persons.router)  # person-level reads, audited; a child's NIK linked
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
T = TypeVar("T")


@router.post("/screenings", status_code=201, response_model=ScreeningOut)
async def record_screening(body: ScreeningSubmission, key: IdempotencyKey, rt: RuntimeDep,
                           response: Response, caller: Caller) -> dict[str, Any]:
    require(caller, *RECORDERS)
    return await _record_one(rt, caller, body, intake.stored_key("http", key), response)


async def _record_one(rt: Runtime, caller: Principal, submission: ScreeningSubmission,
                      key: str, response: Response) -> dict[str, Any]:
    """201 with the new screening, or 200 with the first one for a repeated key."""
    async with rt.transaction() as tx:
        screening, created = await intake.record(tx, submission, key,
                                                 rt.settings.pseudonym_key, scope=caller,
                                                 seal=sealer(rt.settings))
    if not created:
        response.status_code = 200
    return screening


@router.post("/births", status_code=201, response_model=BirthOut)
async def record_birth(body: BirthSubmission, key: IdempotencyKey, rt: RuntimeDep,
                       response: Response, caller: Caller) -> dict[str, Any]:
    """A birth (persalinan): the bidan's postpartum visits to the mother (KF1 by day 2,
    KF2 3–7, KF3 8–28, KF4 29–42) and neonatal visits to the baby (KN1 by day 2, KN2 3–7,
    KN3 8–28) fall due from it. A newborn without NIK is given by the mother's NIK and a
    local id, like at the posyandu; their later screenings link up with it."""
    require(caller, *RECORDERS)
    async with rt.transaction() as tx:
        birth, created = await intake.record_birth(
            tx, body, intake.stored_key("birth", key), rt.settings.pseudonym_key,
            scope=caller, seal=sealer(rt.settings))
    if not created:
        response.status_code = 200
    return birth


@router.post("/births/{birth_id}/void", response_model=BirthOut)
async def void_birth(birth_id: str, body: VoidIn, rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    """A birth recorded in error: its postnatal visits not yet made are cancelled."""
    require(caller, *CORRECTORS)
    async with rt.transaction() as tx:
        return await intake.void_birth(tx, birth_id, body.reason, caller)


@router.post("/births/{birth_id}/amend", response_model=BirthOut)
async def amend_birth(birth_id: str, body: BirthCorrection, rt: RuntimeDep,
                      caller: Caller) -> dict[str, Any]:
    """Correct a birth's day, weight, place or the baby's sex, with the reason: the
    postnatal visits not yet made follow the corrected birth (a baby now under 2,500 g is
    visited urgently), those made stay made."""
    require(caller, *CORRECTORS)
    async with rt.transaction() as tx:
        return await intake.amend_birth(tx, birth_id, body, caller)


@router.post("/births/import", response_model=BirthImportReport)
async def import_births(request: Request, rt: RuntimeDep, caller: Caller, language: Language,
                        posyandu_id: str | None = None) -> dict[str, Any]:
    """Deliveries from a sheet as CSV or a workbook – a Register Persalinan, or a Kohort
    Ibu's delivery columns (Tgl Persalinan, Tempat Persalinan, JK Bayi, BB Lahir) – each a
    birth, as `POST /births` records one; a row with no day of delivery (still pregnant)
    is passed over. Sending the sheet again records none twice; a row corrected since
    (weight, place, the baby's sex) amends its birth."""
    require(caller, *RECORDERS)
    text = spreadsheet_text(await request.body())
    posyandu_id = await register_intake.place_given(rt.store, posyandu_id, caller)
    places = await register_intake.places_named(rt.store, births_sheet.posyandu_names(text),
                                                caller)
    parsed = list(births_sheet.parse_births(text, posyandu_id, places, intake.today()))
    rows = [row for row in parsed if not isinstance(row, int)]
    valid = [(line, birth) for line, birth, _problems in rows if birth is not None]

    async def record_row(tx: Transaction, item: tuple[int, BirthSubmission],
                         seal: Fernet | None) -> dict[str, Any]:
        return {"status": await register_intake.record_birth_row(
            tx, item[1], rt.settings.pseudonym_key, caller, seal)}
    outcomes = await _in_one_transaction(rt, valid, record_row)
    rejected = [{"line": line, "detail": problems}
                for line, birth, problems in rows if birth is None]
    rejected += [{"line": line, "detail": outcome["detail"]}
                 for (line, _birth), outcome in zip(valid, outcomes, strict=True)
                 if outcome["status"] == "rejected"]
    counts = Counter(outcome["status"] for outcome in outcomes)
    return said_in({"accepted": counts["created"], "duplicates": counts["duplicate"],
                    "amended": counts["amended"], "not_delivered": len(parsed) - len(rows),
                    "rejected": births_sheet.in_the_sheets_words(
                        sorted(rejected, key=lambda row: row["line"]), text),
                    "columns_not_read": births_sheet.columns_not_read(text)}, language)


RegisterYear = Annotated[int | None, Param(
    ge=2000, le=2100, description="A register by month's year, or the year of the month a "
    "register without a date column names, where its title names none")]
PosyanduDay = Annotated[int | None, Param(
    ge=1, le=31, description="The day of the month its posyandu meets (the last day of a "
    "shorter month for 29–31): of each month in a register by month; of the month its "
    "title names in a register without a date column")]


@router.post("/screenings/import", response_model=ImportReport)
async def import_register(request: Request, rt: RuntimeDep, caller: Caller, language: Language,
                          posyandu_id: str | None = None, year: RegisterYear = None,
                          day: PosyanduDay = None) -> dict[str, Any]:
    """Upload a posyandu register as CSV (text/csv) or a workbook (.xlsx, .xls, .ods) of one
    sheet with data. Every row is checked on its own, so one bad row does not hold back the rest;
    the report names the lines (an Excel row's number). A row is one screening of a
    person at a posyandu on a day – or, in a register by month (a child a row, a column
    per month's weighing), one each month it has a measure for, on the posyandu's `day`:
    the register sent again – as it was, or corrected – records none twice, and a row
    changed since amends its screening; no `Idempotency-Key` is needed."""
    require(caller, *RECORDERS)
    text = spreadsheet_text(await request.body())
    by_month = months_of(text, year, day)
    on = None if by_month else day_of_visits(text, year, day)
    posyandu_id = await register_intake.place_given(rt.store, posyandu_id, caller)
    places = await register_intake.places_named(rt.store, posyandu_names(text), caller)
    rows = list(parse_register(text, posyandu_id, places, by_month, on))
    named = [(line, submission) for line, submission, _problems in rows if submission is not None]
    valid = [(line, submission) for line, submission in named if recorded_something(submission)]
    key = rt.settings.pseudonym_key
    twice = register_intake.written_twice(valid, key)

    async def record_row(tx: Transaction, item: tuple[int, ScreeningSubmission],
                         seal: Fernet | None) -> dict[str, Any]:
        index, row = item
        if index in twice:
            raise twice[index]
        _screening, status = await register_intake.record_row(
            tx, row, register_intake.register_key(row, key), key, caller, seal,
            by_month=by_month is not None)
        return {"status": status}
    # Oldest first, wherever its row is: a weighing's N or T reads the one before it (an
    # export may list a child's latest month first).
    order = sorted(range(len(valid)), key=lambda index: valid[index][1].screened_on)
    in_order = await _in_one_transaction(rt, [(index, valid[index][1]) for index in order],
                                         record_row)
    outcomes = [outcome for _index, outcome in sorted(zip(order, in_order, strict=True),
                                                      key=lambda pair: pair[0])]
    rejected = [{"line": line, "detail": problems}
                for line, submission, problems in rows if submission is None]
    refused = [(line, submission, outcome["detail"])
               for (line, submission), outcome in zip(valid, outcomes, strict=True)
               if outcome["status"] == "rejected"]
    visits = Counter(line for line, _submission in valid)  # which of a row's, if several
    rejected += once_a_row([  # (a register by month: a visit each month)
        {"line": line, "screened_on": visit.screened_on, "detail": in_its_month(detail, visit)}
        for line, visit, detail in refused]) if by_month else [
        {"line": line, "detail": detail,
         **({"screened_on": visit.screened_on} if visits[line] > 1 else {})}
        for line, visit, detail in refused]
    counts = Counter(outcome["status"] for outcome in outcomes)
    return said_in({"accepted": counts["created"], "duplicates": counts["duplicate"],
                    "amended": counts["amended"], "empty": len(named) - len(valid),
                    "rejected": in_the_sheets_words(sorted(rejected, key=lambda r: r["line"]),
                                                    text),
                    "columns_not_read": columns_not_read(text)}, language)


@router.post("/screenings/batch", response_model=SyncReport)
async def sync_screenings(body: SyncBatch, rt: RuntimeDep, caller: Caller, language: Language
                          ) -> dict[str, Any]:
    """Up to 500 screenings at once, as a kader app sends what it took offline. A
    screening that is refused (implausible values, unknown posyandu, outside the caller's
    wilayah, a key reused for other content) is reported with its reasons and the rest are
    stored. Re-sending the batch creates nothing twice."""
    require(caller, *RECORDERS)
    items = [_sync_item(raw, index) for index, raw in enumerate(body.screenings)]
    valid = [(index, item) for index, item in enumerate(items) if isinstance(item, SyncItem)]
    outcomes = await _record_each(rt, caller, [
        Bulk(item.screening, intake.stored_key("http", item.idempotency_key),
             loc=("body", "screenings", index, "screening"),
             key_loc=("body", "screenings", index, "idempotency_key"))
        for index, item in valid])
    recorded = dict(zip((index for index, _item in valid), outcomes, strict=True))
    results = [{"index": index, "idempotency_key": _key_of(raw),
                **recorded.get(index, item if isinstance(item, dict) else {})}
               for index, (raw, item) in enumerate(zip(body.screenings, items, strict=True))]
    counts = Counter(result["status"] for result in results)
    return said_in({"created": counts["created"], "duplicates": counts["duplicate"],
                    "rejected": counts["rejected"], "results": results}, language)


def _sync_item(raw: Any, index: int) -> SyncItem | dict[str, Any]:
    """One screening of a sync, validated on its own: the item, or its refusal."""
    try:
        return SyncItem.model_validate(raw)
    except ValidationError as exc:
        return {"status": "rejected", "detail": [
            json_safe({**error, "loc": ["body", "screenings", index, *error["loc"]]})
            for error in explained(exc.errors(include_url=False), SyncItem)]}


def _key_of(raw: Any) -> str:
    key = raw.get("idempotency_key") if isinstance(raw, dict) else None
    return key if isinstance(key, str) else ""


@dataclass(frozen=True)
class Bulk:
    """One screening of a bulk intake, with where its parts were given (for errors)."""

    submission: ScreeningSubmission
    key: str
    loc: tuple[str | int, ...] = ()
    key_loc: tuple[str | int, ...] = intake.HEADER_KEY


async def _record_each(rt: Runtime, caller: Principal, items: list[Bulk]) -> list[dict[str, Any]]:
    """Screenings each under its own key, in one transaction – `intake.record` refuses
    before it writes anything (tests/test_intake_refusals.py holds it to that)."""
    async def record(tx: Transaction, item: Bulk, seal: Fernet | None) -> dict[str, Any]:
        screening, created = await intake.record(
            tx, item.submission, item.key, rt.settings.pseudonym_key, loc=item.loc,
            scope=caller, seal=seal, key_loc=item.key_loc)
        return {"status": "created" if created else "duplicate",
                "screening_id": screening["screening_id"], "screening": screening}
    return await _in_one_transaction(rt, items, record)


async def _in_one_transaction(
        rt: Runtime, items: Sequence[T],
        step: Callable[[Transaction, T, Fernet | None], Awaitable[dict[str, Any]]]
        ) -> list[dict[str, Any]]:
    """Each item's outcome, all in one transaction (one commit, not one per screening): a
    refused one is reported with its reasons and the rest are stored."""
    outcomes: list[dict[str, Any]] = []
    seal, turns = sealer(rt.settings), LoopTurns()
    async with rt.transaction() as tx:
        for item in items:
            await turns.give()  # the relay sends what earlier bulks recorded meanwhile
            try:
                outcomes.append(await step(tx, item, seal))
            except (InvalidInput, ForbiddenError) as exc:
                outcomes.append({"status": "rejected", "detail": exc.detail()})
    return outcomes


@router.post("/screenings/{screening_id}/amend", response_model=ScreeningOut)
async def amend_screening(screening_id: str, body: AmendmentIn, rt: RuntimeDep,
                          caller: Caller) -> dict[str, Any]:
    require(caller, *CORRECTORS)
    async with rt.transaction() as tx:
        return await intake.amend(tx, screening_id, body, caller)


@router.post("/screenings/{screening_id}/void", response_model=ScreeningOut)
async def void_screening(screening_id: str, body: VoidIn, rt: RuntimeDep,
                         caller: Caller) -> dict[str, Any]:
    require(caller, *CORRECTORS)
    async with rt.transaction() as tx:
        return await intake.void(tx, screening_id, body.reason, caller)


@router.get("/screenings/{screening_id}", response_model=ScreeningOut)
async def get_screening(screening_id: str, rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    require(caller, *CARERS)
    screening = await intake.visible_screening(rt.store, screening_id, caller)
    await audit(rt, caller, "read_screening", screening["person_id"])
    return persons.shown_to(caller, screening)


@router.get("/findings", response_model=dict[str, str])
async def finding_names(caller: Caller) -> dict[str, str]:
    """Every finding a screening may give, by code, with its name in words (Bahasa
    Indonesia): what an app shows for `stunted` or `kek`. Each screening's findings carry
    their `label` too."""
    return FINDING_LABELS


# What an idempotency key may have recorded: (collection, id field)
_RECORDED = (("screenings", "screening_id"), ("births", "birth_id"),
             ("tb_treatments", "treatment_id"))


@router.get("/submissions/{idempotency_key}", response_model=SubmissionOut)
async def get_submission(idempotency_key: str, rt: RuntimeDep, caller: Caller,
                         source_system: str | None = None) -> dict[str, Any]:
    """What became of a submission, by the key it was sent with (the `Idempotency-Key`
    header, a batch item's key, or an ingest event's `idempotency_key` with its
    `source_system`): the screening, birth or TB treatment it recorded. Lets an
    integrating system reconcile without reading person data."""
    require(caller, *RECORDERS, *CARERS)
    keys = ([intake.ingest_key(source_system, idempotency_key)] if source_system else
            [intake.stored_key(way_in, idempotency_key)
             for way_in in ("http", "fhir", "birth", "tb")])
    record = None
    for key in keys:
        if seen := await rt.store.get("idempotency", key):
            collection, id_field = next(kind for kind in _RECORDED if kind[1] in seen)
            record = await rt.store.get(collection, seen[id_field])
            break
    if not record:
        raise NotFoundError(
            _("submission {key!r} from {source}", key=idempotency_key, source=source_system)
            if source_system else _("submission {key!r}", key=idempotency_key),
            _("nothing is recorded under it (yet); an ingest event that was refused is on "
              "ilp.dlq.screening with its reasons"))
    require_area(caller, record["desa_code"], _("submission {key!r}", key=idempotency_key))
    return {"idempotency_key": idempotency_key, "source_system": source_system,
            "screening_id": record.get("screening_id"), "birth_id": record.get("birth_id"),
            "treatment_id": record.get("treatment_id"), "status": record.get("status", "active")}



@router.get("/screenings", response_model=list[ScreeningOut])
async def list_screenings(rt: RuntimeDep, caller: Caller, desa_code: str,
                          period: Period | None = None, stage: Stage | None = None,
                          limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    require(caller, *CARERS)
    require_area(caller, desa_code)
    where: dict[str, Any] = {k: v for k, v in (("period", period), ("stage", stage)) if v}
    return [persons.shown_to(caller, screening) for screening in await rt.store.find(
        "screenings", Query.of(prefix=("desa_code", desa_code), limit=limit, offset=offset,
                               **where))]


@router.post("/fhir/Bundle", status_code=201, response_model=ScreeningOut, tags=["fhir"],
             openapi_extra={"requestBody": {"content": {
                 "application/fhir+json": {"schema": {"type": "object"}},
                 "application/json": {"schema": {"type": "object"}}}}})
async def import_fhir_bundle(request: Request, rt: RuntimeDep, response: Response,
                             caller: Caller) -> dict[str, Any]:
    """A Bundle of Patient, Encounter, Observations (LOINC/UCUM) and Immunizations from an
    integrating system, recorded like any screening. The Bundle identifier makes a re-sent
    Bundle return the first result."""
    require(caller, *RECORDERS)
    try:
        data = json.loads(await request.body())
    except ValueError as exc:
        raise InvalidInput([(("body",), f"not JSON: {exc}", "invalid_json")]) from exc
    submission, key = inbound.submission_from_bundle(data)
    return await _record_one(rt, caller, submission, intake.stored_key("fhir", key), response)


@router.get("/screenings/{screening_id}/fhir", tags=["fhir"],
            summary="The FHIR R4 transaction Bundle this screening is exported as")
async def screening_as_fhir(screening_id: str, rt: RuntimeDep, caller: Caller) -> dict[str, Any]:
    """For health workers and the Dinkes: the Bundle carries every result, and the NIK."""
    require(caller, *HEALTH_STAFF)
    screening = await intake.visible_screening(rt.store, screening_id, caller)
    bundle = await bundle_for(rt.store, rt.settings, screening_id)
    await audit(rt, caller, "read_fhir_bundle", screening["person_id"])
    return bundle or {}


@router.get("/fhir/exports", response_model=list[FhirExport], tags=["fhir"])
async def fhir_exports(rt: RuntimeDep, caller: Caller,
                       status: ExportStatus | None = None,
                       limit: Limit = 100) -> list[dict[str, Any]]:
    """Export status per screening, with every attempt (time and error)."""
    require(caller, "operator", "dinkes_admin")
    return await sent_log(rt, "fhir_exports", status, limit)
