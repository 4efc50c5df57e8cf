"""A paper register's rows as screenings: each row one screening of a person at a
posyandu on a day – recorded, known already (the register sent before, the kader's app
that day), or amended to the row when the register was corrected since –, a births
sheet's rows as births likewise; and the posyandu a district's sheet names by name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet
from ilp_contracts.dates import add_months
from ilp_contracts.registry import place_name_key
from ilp_contracts.screening import (BirthCorrection, BirthSubmission, MeasurementsIn,
                                     ScreeningSubmission)
from ilp_contracts.text import _
from ilp_kit.auth import Principal
from ilp_kit.errors import InvalidInput
from ilp_kit.store import Query, Reader, Transaction, chunks

from .domain.person import pseudonym
from .domain.validate import problems
from .identity import Identified, identify
from .intake import (PLACES, amend, amend_birth, fingerprint_of, keep_person, record,
                     record_birth, refuse, stored_key, today, visible_screening)
from .models import AmendmentIn
from .register import Places, place_named
from .roles import CORRECTORS


async def places_named(reader: Reader, keys: set[str], scope: Principal) -> Places:
    """The posyandu and pustu in the caller's wilayah by their names' keys: one each for
    a name that says which, more for one several share (each desa has its Mawar)."""
    named: Places = {key: [] for key in keys}
    for some in chunks(sorted(keys)):
        for place in await reader.find(PLACES, Query.of(one_of=("name_key", some))):
            if scope.covers(place["area_code"]) and place.get("active", True):
                named[place["name_key"]].append((place["id"], place["area_code"],
                                                 place.get("desa_key")))
    return named


async def place_given(reader: Reader, given: str | None, scope: Principal) -> str | None:
    """The posyandu (or pustu) a register or list is sent for: by its id, or – as a kader
    knows it – by its name ("Posyandu Cendrawasih"), when one of the caller's wilayah has
    it. Several so named are refused naming their ids; a name none has is left for each
    row to refuse."""
    if given is None or await reader.get(PLACES, given) is not None:
        return given
    found = place_named(given, await places_named(reader, {place_name_key(given)}, scope))
    if isinstance(found, str):
        return found
    if found["type"] == "ambiguous_posyandu":
        raise InvalidInput([(("query", "posyandu_id"), found["msg"], found["type"])])
    return given


def register_key(sub: ScreeningSubmission, pseudonym_key: str) -> str:
    """A register row's key: one screening of a person at a posyandu on a day. A register
    corrected and sent again, or a row copied twice, records each screening once – a key
    of the file and the row's place in it made every row new in the corrected file."""
    who = pseudonym(sub.person.identity_at(sub.posyandu_id), pseudonym_key)
    return stored_key("register", f"{sub.posyandu_id}:{who}:{sub.screened_on}")


def birth_key(birth: BirthSubmission, pseudonym_key: str) -> str:
    """A births sheet's row's key: one baby of a mother on the day of delivery – the sheet
    sent again records none twice."""
    mother = pseudonym(birth.mother.identity_at(birth.posyandu_id), pseudonym_key)
    baby = birth.baby.nik or birth.baby.local_id or ""
    return stored_key("birth", f"sheet:{mother}:{birth.born_on}:{baby}")


def written_twice(rows: list[tuple[int, ScreeningSubmission]], pseudonym_key: str
                  ) -> dict[int, InvalidInput]:
    """Rows of one register that name a screening an earlier row of it names (a person at
    a posyandu on a day) with other values, by their index: refused naming that row.
    Taken in turn, the later would amend the earlier away – a height lost to a row
    copied without it – and which of the two is right only the kader knows. A row
    copied as it was is harmless (*sudah ada*)."""
    first: dict[str, tuple[int, str]] = {}
    twice = {}
    for index, (line, row) in enumerate(rows):
        fingerprint = fingerprint_of(row)
        earlier = first.setdefault(register_key(row, pseudonym_key), (line, fingerprint))
        if earlier[1] != fingerprint:
            twice[index] = InvalidInput([(("row",), _(
                "line {line} has this person at this posyandu on this day already, with other "
                "values: keep one of the two rows", line=earlier[0]), "written_twice")])
    return twice


REGISTER_CORRECTED = "dikoreksi dari register yang dikirim ulang"


async def record_birth_row(tx: Transaction, birth: BirthSubmission, pseudonym_key: str,
                           scope: Principal, seal: Fernet | None) -> str:
    """A births sheet's row (`birth_key`): recorded ("created"), recorded by the sheet sent
    before as it was ("duplicate"), or with another weight, place, sex or capsules – the
    sheet corrected –: that birth amended ("amended") by one who may correct; anyone else
    is refused the changed row."""
    key, fingerprint = birth_key(birth, pseudonym_key), fingerprint_of(birth)
    seen = await tx.get("idempotency", key)
    if seen is None or seen["fingerprint"] == fingerprint:
        _stored, created = await record_birth(tx, birth, key, pseudonym_key, scope=scope,
                                              seal=seal, key_loc=("row",))
        return "created" if created else "duplicate"
    if not scope.has(*CORRECTORS):
        raise InvalidInput([(("row",), _(
            "this birth is already recorded with other values: correct it (amend it) rather "
            "than send the row again"), "idempotency_conflict")])
    await amend_birth(tx, seen["birth_id"], BirthCorrection(
        reason=REGISTER_CORRECTED, birth_weight_g=birth.birth_weight_g, place=birth.place,
        baby_sex=birth.baby.sex, mother_vitamin_a=birth.mother_vitamin_a,
        postnatal_visits=birth.postnatal_visits), scope)
    await tx.put("idempotency", key, {**seen, "fingerprint": fingerprint})
    return "amended"


async def record_row(tx: Transaction, sub: ScreeningSubmission, key: str, pseudonym_key: str,
                     scope: Principal, seal: Fernet | None, by_month: bool = False
                     ) -> tuple[dict[str, Any], str]:
    """A register row (`key`: `register_key`): one screening of a person at a posyandu on
    a day. Recorded ("created"); or it is one recorded already – by this register sent
    before, or that day another way (the kader's app) – as it was ("duplicate") or with
    other values: the register corrected, that screening is amended to the row
    ("amended", the person's name, RT and RW too) by one who may correct; anyone else
    is refused the changed row. A register by month (`by_month`) writes no day – the
    posyandu's day is given with it –: its month's visit recorded as it was on another
    day (the register sent again with another day, or the app's visit) is that visit."""
    fingerprint = fingerprint_of(sub)
    seen = await tx.get("idempotency", key) or await _recorded_already(
        tx, sub, pseudonym_key, fingerprint, by_month)
    if seen is None:
        stored, _created = await record(tx, sub, key, pseudonym_key, scope=scope, seal=seal,
                                 key_loc=("row",))
        return stored, "created"
    current = await visible_screening(tx, seen["screening_id"], scope)
    await _not_a_twin(tx, sub, current["person_id"])
    if seen["fingerprint"] == fingerprint:
        await tx.put("idempotency", key, {**seen, "fingerprint": fingerprint})
        return current, "duplicate"
    if not scope.has(*CORRECTORS):
        raise InvalidInput([(("row",), _(
            "this person is already recorded at this posyandu on this day with other values: "
            "correct that screening (amend it) rather than send the row again"),
            "idempotency_conflict")])
    refuse(problems(sub, today())[1], ())
    await keep_person(tx, sub.person, Identified(current["person_id"], merge=True),
                      pseudonym_key, seal)
    given = sub.measurements.model_dump(mode="json", exclude_none=True)
    dropped = {name: None for name in current["submission"]["measurements"] if name not in given}
    stored = await amend(tx, seen["screening_id"], AmendmentIn(
        reason=REGISTER_CORRECTED, pregnancy=sub.pregnancy,
        measurements=MeasurementsIn.model_validate({**dropped, **given})), scope)
    await tx.put("idempotency", key, {"screening_id": seen["screening_id"],
                                      "fingerprint": fingerprint})
    return stored, "amended"


async def _not_a_twin(tx: Transaction, sub: ScreeningSubmission, person_id: str) -> None:
    """A child known by her mother's NIK whose row names another child than the one
    recorded (twins, born that day, given no `Anak ke`) is refused, not made her sibling."""
    if sub.person.nik:
        return
    recorded = await tx.get("persons", person_id)
    if recorded and " ".join(recorded["name"].lower().split()) != " ".join(
            sub.person.name.lower().split()):
        raise InvalidInput([(("row",), _(
            "{name} is recorded as this mother's child born that day: for twins, give each "
            "an 'Anak ke'", name=recorded["name"]), "twin_without_local_id")])


async def _recorded_already(tx: Transaction, sub: ScreeningSubmission, pseudonym_key: str,
                            fingerprint: str, whole_month: bool) -> dict[str, Any] | None:
    """The screening of the row's person at its posyandu on its day recorded another way
    (the kader's app, a sync), as an idempotency record would name it: its fingerprint
    the row's when its values are the row's. `whole_month`: one of its month with the
    row's values, on any day – another is no correction of it, but a visit of its own."""
    person_id = (await identify(tx, sub.person, sub.posyandu_id, pseudonym_key,
                                today())).person_id
    first = sub.screened_on.replace(day=1)
    days = (first.isoformat(), add_months(first, 1).isoformat()) if whole_month else (
        sub.screened_on.isoformat(), (sub.screened_on + timedelta(days=1)).isoformat())
    found = await tx.find("screenings", Query.of(
        person_id=person_id, between=("screened_on", *days), posyandu_id=sub.posyandu_id,
        status="active"))
    values = sub.model_dump(mode="json", include={"pregnancy", "measurements"})
    same = [doc for doc in found if doc.get("submission") == values]
    if same or (found and not whole_month):
        return {"screening_id": (same or found)[0]["screening_id"],
                "fingerprint": fingerprint if same else "recorded otherwise"}
    return None
