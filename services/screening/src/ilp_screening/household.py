"""The people a posyandu should see, from the kader's household data collection (pendataan
keluarga): known here before any screening, so that notify can send the kader to those
who never came – an adult never screened for PTM, a pregnancy with no ANC contact yet.
Its HTTP routes (a list as JSON, or the collection's spreadsheet as CSV) and its store."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Any

from cryptography.fernet import Fernet
from fastapi import APIRouter, Depends, Query as Param, Request
from ilp_contracts import HouseholdRegister, PersonRegistered
from ilp_contracts.screening import HouseholdMember
from ilp_contracts.wilayah import home_unit
from ilp_contracts.text import _
from ilp_kit.auth import Caller, Principal, require, require_area
from ilp_kit.errors import InvalidInput, Language, NotFoundError, said_in
from ilp_kit.outbox import emit
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.spreadsheet import spreadsheet_text
from ilp_kit.params import Limit, Offset
from ilp_kit.store import Query, Transaction
from ilp_kit.turns import LoopTurns

from .domain.person import age_in_months
from .domain.validate import collection_problem, member_problems
from .fhir.export import sealer
from .identity import identify
from .audit import audit
from .intake import PLACES, keep_person, posyandu_of, today
from .models import HouseholdImportReport, HouseholdReport, RegisteredPerson
from .register import columns_not_read, in_the_sheets_words, parse_household
from .register_intake import place_given
from .roles import CARERS, CORRECTORS

router = APIRouter(tags=["persons"])
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]

# What makes a registration news for notify; the day alone does not.
_COMPARED = ("posyandu_id", "rw", "rt", "pregnant", "sex", "birth_date")


async def register(tx: Transaction, posyandu: dict[str, Any], member: HouseholdMember,
                   noted_on: date, pseudonym_key: str, seal: Fernet | None,
                   loc: tuple[str | int, ...] = ()) -> tuple[str, str]:
    """Keep one person of a household data collection; (person_id, "registered" or
    "unchanged"). Announced only when new or changed, so a repeated upload is harmless,
    and an older collection never overrides a newer one."""
    if found := member_problems(member, noted_on):
        raise InvalidInput([((*loc, *where), msg, kind) for where, msg, kind in found])
    person = member.person
    who = await identify(tx, person, posyandu["id"], pseudonym_key, noted_on)
    person_id = who.person_id
    entry = {"person_id": person_id, "posyandu_id": posyandu["id"],
             "desa_code": posyandu["area_code"], "rw": home_unit(person.rw, posyandu.get("rw")),
             "rt": person.rt, "pregnant": member.pregnant, "sex": person.sex,
             "birth_date": person.birth_date.isoformat(), "noted_on": noted_on.isoformat()}
    known = await tx.get("household", person_id)
    if known is not None and (known["noted_on"] > entry["noted_on"] or all(
            known.get(field) == entry[field] for field in _COMPARED)):
        return person_id, "unchanged"
    await keep_person(tx, person, who, pseudonym_key, seal)
    await keep_registered(tx, entry)
    return person_id, "registered"


async def keep_registered(tx: Transaction, entry: dict[str, Any]) -> None:
    """A person's place in a household data collection, kept and announced."""
    await tx.put("household", entry["person_id"], entry)
    noted_on = date.fromisoformat(entry["noted_on"])
    await emit(tx, PersonRegistered(
        person_id=entry["person_id"], sex=entry["sex"],
        age_months=age_in_months(date.fromisoformat(entry["birth_date"]), noted_on),
        noted_on=noted_on, desa_code=entry["desa_code"], posyandu_id=entry["posyandu_id"],
        rw=entry["rw"], rt=entry["rt"], pregnant=entry["pregnant"]))


@router.post("/persons/register", response_model=HouseholdReport)
async def register_household(body: HouseholdRegister, rt: RuntimeDep, caller: Caller,
                             language: Language) -> dict[str, Any]:
    """The people of a posyandu's area from the kader's household data collection
    (pendataan keluarga), up to 500 at once: whom the posyandu should see. One never
    screened from 15, or a pregnancy with no ANC contact, then gets the kader's visit if
    they do not come. A person refused (a mistyped NIK, a man marked pregnant) is reported
    with the reasons and the rest are kept; sending the list again changes nothing."""
    require(caller, *CORRECTORS)
    _check_day(body.noted_on, ("body", "noted_on"))
    members: list[tuple[int, tuple[str | int, ...], HouseholdMember]] = [
        (index, ("body", "members", index), member) for index, member in enumerate(body.members)]
    results = await _register_each(rt, caller, (body.posyandu_id, ("body", "posyandu_id")),
                                   body.noted_on, members)
    counts = Counter(result["status"] for result in results)
    return said_in({"registered": counts["registered"], "unchanged": counts["unchanged"],
                    "rejected": counts["rejected"],
                    "results": [{"index": result.pop("at"), **result} for result in results]},
                   language)


@router.post("/persons/register/import", response_model=HouseholdImportReport)
async def import_household(request: Request, rt: RuntimeDep, caller: Caller, language: Language,
                           posyandu_id: Annotated[str, Param(min_length=1, max_length=64)],
                           noted_on: date) -> dict[str, Any]:
    """The household data collection as CSV (text/csv) or a workbook of one sheet:
    a register's person columns (NIK, nama, L/P, tanggal lahir, RT, RW, no. KK) and
    `hamil` (ya/tidak). Every row is checked on its own; the report names the lines
    refused. Sending it again changes nothing."""
    require(caller, *CORRECTORS)
    _check_day(noted_on, ("query", "noted_on"))
    text = spreadsheet_text(await request.body())
    rows = list(parse_household(text))
    posyandu_id = await place_given(rt.store, posyandu_id, caller) or posyandu_id
    results = await _register_each(
        rt, caller, (posyandu_id, ("query", "posyandu_id")), noted_on,
        [(line, (), member) for line, member, _problems in rows if member is not None])
    rejected = [{"line": line, "detail": problems}
                for line, member, problems in rows if member is None]
    rejected += [{"line": result["at"], "detail": result["detail"]}
                 for result in results if result["status"] == "rejected"]
    counts = Counter(result["status"] for result in results)
    return said_in({"registered": counts["registered"], "unchanged": counts["unchanged"],
                    "rejected": in_the_sheets_words(
                        sorted(rejected, key=lambda r: r["line"]), text),
                    "columns_not_read": columns_not_read(text)}, language)


def _check_day(noted_on: date, loc: tuple[str, ...]) -> None:
    if reason := collection_problem(noted_on, today()):
        raise InvalidInput([(loc, reason, "future_date")])


async def _register_each(rt: Runtime, caller: Principal,
                         posyandu_given: tuple[str, tuple[str, ...]], noted_on: date,
                         members: list[tuple[int, tuple[str | int, ...], HouseholdMember]]
                         ) -> list[dict[str, Any]]:
    """One transaction; `posyandu_given`: its id and where it was given; `members`: (where
    each was given – index or line –, its field path, the member). A person refused is
    reported with the reasons, the rest are kept."""
    results: list[dict[str, Any]] = []
    seal, turns = sealer(rt.settings), LoopTurns()
    posyandu_id, posyandu_loc = posyandu_given
    async with rt.transaction() as tx:
        posyandu = await posyandu_of(tx, posyandu_id, posyandu_loc)
        require_area(caller, posyandu["area_code"], _("posyandu {id}", id=posyandu_id))
        for at, loc, member in members:
            await turns.give()
            try:
                person_id, status = await register(
                    tx, posyandu, member, noted_on, rt.settings.pseudonym_key, seal, loc=loc)
            except InvalidInput as exc:
                results.append({"at": at, "status": "rejected", "detail": exc.detail()})
                continue
            results.append({"at": at, "status": status, "person_id": person_id})
    return results


@router.get("/persons", response_model=list[RegisteredPerson])
async def registered_at(posyandu_id: str, rt: RuntimeDep, caller: Caller, limit: Limit = 100,
                        offset: Offset = 0) -> list[dict[str, Any]]:
    """The people a posyandu should see, from its household data collection, by RT, each
    with the day last screened (none: never came) – the kader's list for the posyandu day.
    Audited like every read of a person."""
    require(caller, *CARERS)
    posyandu = await rt.store.get(PLACES, posyandu_id)
    require_area(caller, posyandu["area_code"] if posyandu else None, _("posyandu {id}", id=posyandu_id))
    if posyandu is None:
        raise NotFoundError(_("posyandu {id}", id=posyandu_id))
    entries = await rt.store.find("household", Query.of(
        posyandu_id=posyandu_id, order_by="rt", limit=limit, offset=offset))
    people, persons = [], await rt.store.get_many("persons",
                                                  {e["person_id"] for e in entries})
    for entry in entries:
        person = persons.get(entry["person_id"], {})
        last = await rt.store.find("screenings", Query.of(
            person_id=entry["person_id"], status="active", order_by="screened_on",
            descending=True, limit=1))
        people.append({**person, **entry,
                       "last_screened_on": last[0]["screened_on"] if last else None})
    await audit(rt, caller, "list_registered", *(p["person_id"] for p in people))
    return people
