"""Recording, amending and voiding screenings inside a store transaction. HTTP and the
ingest subject both come through here, so an integrator's screening is validated,
de-duplicated and classified exactly like a kader's."""

from __future__ import annotations

from typing import Any

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from ilp_contracts import (BirthAmended, BirthCorrection, BirthRecorded, BirthVoided, Event,
                           ScreeningAmended, ScreeningRecorded, ScreeningVoided, new_id)
from ilp_contracts.screening import (WORDS, BirthSnapshot, BirthSubmission, MeasurementsIn,
                                     PersonIn, PregnancyIn, ScreeningSubmission,
                                     TbTreatmentSubmission)
from ilp_contracts.wilayah import home_unit
from ilp_contracts.text import _
from cryptography.fernet import Fernet
from pydantic import BaseModel, ValidationError
from ilp_kit.auth import OPEN, Principal, require_area
from ilp_kit.errors import InvalidInput, NotFoundError, explained
from ilp_kit.outbox import emit
from ilp_kit.store import Query, Reader, Transaction

from .domain import rules
from .domain.classify import PreviousWeighing, ScreeningInput, classify
from .domain.person import age_in_months, pseudonym
from .fhir.export import release_awaiting
from .identity import Identified, identify, keep_link
from .domain.validate import (MAX_GESTATIONAL_WEEKS, Problem, birth_problems,
                              born_on_problems, dated_against, delivered_during,
                              implausible_growth, mother_age_problem,
                              postnatal_visit_problems, problems, screening_problems)
from .models import AmendmentIn

_BIRTH_FIELDS = BirthSnapshot.model_fields.keys() - {"event_id", "occurred_at"}
_SNAPSHOT_ONLY = {"event_id", "occurred_at", "reason", "previous_period", "previous_desa_code"}


def today() -> date:
    return datetime.now(UTC).date()


def fingerprint_of(submission: BaseModel) -> str:
    """What a retry must repeat exactly to be one (its key reused for other content is
    refused)."""
    return hashlib.sha256(submission.model_dump_json().encode()).hexdigest()


HEADER_KEY = ("header", "Idempotency-Key")


def stored_key(way_in: str, key: str) -> str:
    """An idempotency key as stored: per way in (`http` – the single POST and the offline
    sync alike –, `fhir`, `csv`, `birth`, `tb`, or `ingest:<source system>`), so a key one
    system chose never meets another's."""
    return f"{way_in}:{key}"


def ingest_key(source_system: str, key: str) -> str:
    return stored_key(f"ingest:{source_system}", key)




_RECORDS = {"screening_id": _("screening"), "birth_id": _("birth"),
            "treatment_id": _("TB treatment")}


async def _replay(tx: Transaction, key: str, fingerprint: str, key_loc: tuple[str | int, ...],
                  record: tuple[str, str]) -> dict[str, Any] | None:
    """The first result for a retried request; a reused key with other content is an error.
    `record`: the collection of what the key recorded, and its id field."""
    seen = await tx.get("idempotency", key)
    if seen is None:
        return None
    if seen["fingerprint"] != fingerprint:
        raise InvalidInput([(key_loc, _("this key was already used for a different {what}",
                                        what=_RECORDS.get(record[1], record[1])),
                             "idempotency_conflict")])
    return await tx.get(record[0], seen[record[1]])


async def _earlier_visits(tx: Transaction, person_id: str, before: date, exclude: str,
                          all_of_them: bool) -> list[dict[str, Any]]:
    """A balita's visits before this one, latest first: those of the last two months find
    the previous weighing (an older one says nothing here, and a child weighed monthly
    for years would have it read from dozens); all of them (only when this visit gives
    doses) the doses given so far."""
    since = date.min if all_of_them else before - timedelta(
        days=rules.PREVIOUS_WEIGHING_WITHIN_DAYS)
    history = await tx.find("screenings", Query.of(
        person_id=person_id, stage="balita", status="active",
        between=("screened_on", since.isoformat(), before.isoformat()),
        order_by="screened_on", descending=True, limit=500 if all_of_them else 10))
    return [doc for doc in history if doc["screening_id"] != exclude]


def _previous_weighing(visits: list[dict[str, Any]]) -> PreviousWeighing | None:
    for doc in visits:
        m = doc["measurements"]
        if weight := m.get("weight_kg"):
            return PreviousWeighing(date.fromisoformat(doc["screened_on"]), weight,
                                    m.get("waz"), m.get("whz"),
                                    frozenset(f["code"] for f in doc["findings"]))
    return None


def _measures(m: MeasurementsIn) -> tuple[dict[str, float], dict[str, bool]]:
    values = m.model_dump(exclude_none=True, exclude={*WORDS, "immunizations"})
    flags = {k: v for k, v in values.items() if isinstance(v, bool)}
    return {k: float(v) for k, v in values.items() if k not in flags}, flags


async def _snapshot(tx: Transaction, *, screening_id: str, person_id: str, sex: str,
                    birth_date: date, screened_on: date, stage: str,
                    pregnancy: PregnancyIn | None, m: MeasurementsIn, posyandu: dict[str, Any],
                    rw: str | None, rt: str | None, loc: tuple[str | int, ...]
                    ) -> dict[str, Any]:
    """The screening as stored and announced; refused (at `loc`) when its growth
    z-scores are beyond WHO's plausibility limits and it was not measured again."""
    if pregnancy is not None:
        refuse([*await _delivered_since(tx, person_id, pregnancy, screened_on),
                *await _dated_otherwise(tx, person_id, screening_id, pregnancy, screened_on)],
               loc)
    measures, flags = _measures(m)
    visits = (await _earlier_visits(tx, person_id, screened_on, screening_id,
                                    all_of_them=bool(m.immunizations))
              if stage == "balita" else [])
    result = classify(ScreeningInput(
        stage=stage, sex=sex, age_days=(screened_on - birth_date).days, screened_on=screened_on,
        measures=measures, flags=flags, kpsp=m.kpsp, capsule=m.vitamin_a_capsule,
        previous=_previous_weighing(visits),
        gestational_weeks=pregnancy.weeks_on(screened_on) if pregnancy else None,
        doses=frozenset(m.immunizations),
        earlier_doses=frozenset(dose for doc in visits for dose in doc.get("immunizations", []))))
    refuse(implausible_growth(result.summary, bool(m.rechecked)), loc)
    return {
        "screening_id": screening_id, "person_id": person_id, "stage": stage, "sex": sex,
        "age_months": age_in_months(birth_date, screened_on), "screened_on": screened_on,
        "period": screened_on.isoformat()[:7], "desa_code": posyandu["area_code"],
        "rw": rw, "rt": rt, "posyandu_id": posyandu["id"],
        "measurements": result.summary, "checks": flags, "immunizations": list(m.immunizations),
        "kpsp": m.kpsp,
        "anc_visit": pregnancy.anc_visit if pregnancy else None, "findings": result.findings,
    }


async def _delivered_since(tx: Transaction, person_id: str, pregnancy: PregnancyIn,
                           screened_on: date) -> list[Problem]:
    """An ANC contact of a mother whose delivery is recorded within the pregnancy it
    dates (a postpartum visit ticked as pregnant): refused, naming the delivery."""
    weeks = pregnancy.weeks_on(screened_on) or 0
    deliveries = [date.fromisoformat(birth["born_on"]) for birth in await tx.find(
        "births", Query.of(mother_id=person_id)) if birth.get("status") != "voided"]
    if (born := delivered_during(weeks, screened_on, deliveries)) is None:
        return []
    return [(("pregnancy",), _(
        "her delivery on {day} is recorded: a pregnancy of {weeks} weeks on {on} would have "
        "begun before it – a visit after the delivery is not an ANC contact",
        day=born, weeks=weeks, on=screened_on), "after_delivery")]


async def _dated_otherwise(tx: Transaction, person_id: str, screening_id: str,
                           pregnancy: PregnancyIn, screened_on: date) -> list[Problem]:
    """An ANC contact whose weeks (or HPHT) contradict another contact of hers within a
    pregnancy's length either side: refused, naming the other one."""
    weeks = pregnancy.weeks_on(screened_on) or 0
    span = timedelta(weeks=MAX_GESTATIONAL_WEEKS)
    others = [(date.fromisoformat(doc["screened_on"]),
               int(doc["measurements"]["gestational_weeks"])) for doc in await tx.find("screenings", Query.of(
                  person_id=person_id, stage="ibu_hamil", status="active",
                  between=("screened_on", (screened_on - span).isoformat(),
                           (screened_on + span).isoformat()), limit=100))
              if doc["screening_id"] != screening_id
              and "gestational_weeks" in doc["measurements"]]
    if (other := dated_against(weeks, screened_on, others)) is None:
        return []
    day, its_weeks = other
    field = "last_period" if pregnancy.gestational_weeks is None else "gestational_weeks"
    return [(("pregnancy", field), _(
        "her contact on {day} was at {its_weeks} weeks: {weeks} weeks on {on} dates another "
        "pregnancy, which would have begun before that contact – correct the weeks (or HPHT) "
        "of one of them", day=day, its_weeks=its_weeks, weeks=weeks, on=screened_on),
        "dating_conflict")]


def refuse(found: list[Problem], loc: tuple[str | int, ...]) -> None:
    """Problems found are refused together, at their fields under `loc` (where the
    submission was given: the body, a sync's item, an event's field)."""
    if found:
        raise InvalidInput([((*loc, *where), msg, kind) for where, msg, kind in found])


# Where screenings are made: a posyandu, or a pustu (a bidan's ANC or an adult's PTM check
# there). Both are kept in the collection named for the first, which came first.
SCREENING_PLACES = ("posyandu", "pustu")
PLACES = "posyandu"


async def posyandu_of(tx: Transaction, posyandu_id: str, loc: tuple[str | int, ...]
                      ) -> dict[str, Any]:
    """The posyandu or pustu a submission's `posyandu_id` names, open."""
    posyandu = await tx.get(PLACES, posyandu_id)
    if posyandu is None or not posyandu.get("active", True):
        raise InvalidInput([(loc, _("no posyandu or pustu {id} is registered", id=posyandu_id)
                             if posyandu is None else
                             _("{type} {id} is closed", type=posyandu.get("type", "posyandu"),
                               id=posyandu_id), "unknown_posyandu")])
    return posyandu


Submission = ScreeningSubmission | BirthSubmission | TbTreatmentSubmission


async def admit(tx: Transaction, sub: Submission, found: list[Problem], key: str,
                record: tuple[str, str], scope: Principal, loc: tuple[str | int, ...],
                key_loc: tuple[str | int, ...]
                ) -> tuple[dict[str, Any] | None, dict[str, Any], str]:
    """What every submission passes before it is kept: its problems (`found`) refused at
    `loc`; a retry of its key answered with the first `record` (collection, id field);
    else its posyandu, registered and in the caller's wilayah. (first record or None,
    posyandu, the fingerprint its key is kept with)."""
    refuse(found, loc)
    fingerprint = fingerprint_of(sub)
    if (first := await _replay(tx, key, fingerprint, key_loc, record)) is not None:
        return first, {}, fingerprint
    posyandu = await posyandu_of(tx, sub.posyandu_id, (*loc, "posyandu_id"))
    require_area(scope, posyandu["area_code"], _("posyandu {id}", id=sub.posyandu_id))
    return None, posyandu, fingerprint


def _stored(event: ScreeningRecorded | ScreeningAmended, submission: dict[str, Any]
            ) -> dict[str, Any]:
    return {**event.model_dump(mode="json", exclude=_SNAPSHOT_ONLY), "status": "active",
            "submission": submission}


async def record(tx: Transaction, sub: ScreeningSubmission, key: str, pseudonym_key: str,
                 loc: tuple[str | int, ...] = (), scope: Principal = OPEN,
                 seal: Fernet | None = None,
                 key_loc: tuple[str | int, ...] = HEADER_KEY) -> tuple[dict[str, Any], bool]:
    """Store and announce a new screening; (screening, created). A retry with the same
    key returns the first record and creates nothing; `key_loc` is where the caller gave
    the key, for the error when it was used for another screening."""
    stage, found = problems(sub, today())
    first, posyandu, fingerprint = await admit(
        tx, sub, found, key, ("screenings", "screening_id"), scope, loc, key_loc)
    if first is not None:
        return first, False
    assert stage is not None, "problems() names why a screening has no stage"
    person = sub.person
    who = await identify(tx, person, sub.posyandu_id, pseudonym_key, today())
    person_id = who.person_id
    event = ScreeningRecorded(**await _snapshot(
        tx, screening_id=new_id(), person_id=person_id, sex=person.sex,
        birth_date=person.birth_date, screened_on=sub.screened_on, stage=stage,
        pregnancy=sub.pregnancy, m=sub.measurements, posyandu=posyandu,
        # the person's RW picks the kader who covers it
        rw=home_unit(person.rw, posyandu.get("rw")), rt=person.rt, loc=loc))
    await keep_person(tx, person, who, pseudonym_key, seal)
    stored = _stored(event, sub.model_dump(mode="json", include={"pregnancy", "measurements"}))
    await tx.put("screenings", event.screening_id, stored)
    await tx.put("idempotency", key, {"screening_id": event.screening_id,
                                      "fingerprint": fingerprint})
    await emit(tx, event)
    return stored, True


async def keep_person(tx: Transaction, person: PersonIn, who: Identified, pseudonym_key: str,
                      seal: Fernet | None) -> None:
    """Demographics stay here; NIKs only as keyed hashes – and sealed for the FHIR export
    when (and only when) that export is configured. A child now known by her NIK (`who`
    to merge) keeps what her record had that this submission does not give (her mother,
    which child she is), and a link found for her NIK is made."""
    person_id = who.person_id
    await keep_link(tx, who, today())
    doc = {
        **person.model_dump(mode="json", exclude={"nik", "mother_nik"}),
        "person_id": person_id,
        "mother_id": pseudonym(person.mother_nik, pseudonym_key) if person.mother_nik else None,
        **({f"{k}_sealed": seal.encrypt(v.encode()).decode()
            for k, v in (("nik", person.nik), ("mother_nik", person.mother_nik)) if v}
           if seal else {})}
    if who.merge and (earlier := await tx.get("persons", person_id)):
        given = {k: v for k, v in doc.items() if v is not None}
        doc = {**given, **earlier} if who.as_kept else {**earlier, **given}
    await tx.put("persons", person_id, doc)
    if seal and who.link_from:
        await release_awaiting(tx, person_id)


async def record_birth(tx: Transaction, sub: BirthSubmission, key: str, pseudonym_key: str,
                       loc: tuple[str | int, ...] = (), scope: Principal = OPEN,
                       seal: Fernet | None = None,
                       key_loc: tuple[str | int, ...] = HEADER_KEY) -> tuple[dict[str, Any], bool]:
    """Store and announce a birth – the start of the mother's and the newborn's postnatal
    visits; (birth, created). A retry with the same key returns the first record."""
    first, posyandu, fingerprint = await admit(tx, sub, birth_problems(sub, today()), key,
                                               ("births", "birth_id"), scope, loc, key_loc)
    if first is not None:
        return first, False
    # The baby's record names the mother (a newborn without NIK yet is known by hers).
    baby = sub.baby.model_copy(update={"mother_nik": sub.mother.nik})
    known = {who: await identify(tx, person, sub.posyandu_id, pseudonym_key, today())
             for who, person in (("mother", sub.mother), ("baby", baby))}
    ids = {who: identified.person_id for who, identified in known.items()}
    if await _born_already(tx, ids["mother"], ids["baby"], sub.born_on):
        raise InvalidInput([((*loc, "baby", "local_id"), _(
            "a baby of this mother born that day is recorded already: twins each need their "
            "local_id (anak-1, anak-2)"), "twin_without_local_id")])
    for who, person in (("mother", sub.mother), ("baby", baby)):
        await keep_person(tx, person, known[who], pseudonym_key, seal)
    event = BirthRecorded(
        birth_id=new_id(), mother_id=ids["mother"], baby_id=ids["baby"], baby_sex=baby.sex,
        born_on=sub.born_on, birth_weight_g=sub.birth_weight_g, place=sub.place,
        mother_vitamin_a=sub.mother_vitamin_a, postnatal_visits=sub.postnatal_visits,
        desa_code=posyandu["area_code"], rw=home_unit(sub.mother.rw, posyandu.get("rw")),
        posyandu_id=posyandu["id"])
    stored = {**event.model_dump(mode="json", exclude={"event_id", "occurred_at"}),
              "status": "active", "recorded_at": event.occurred_at.isoformat()}
    await tx.put("births", event.birth_id, stored)
    await tx.put("idempotency", key, {"birth_id": event.birth_id, "fingerprint": fingerprint})
    await emit(tx, event)
    return stored, True


async def void_birth(tx: Transaction, birth_id: str, reason: str, scope: Principal = OPEN
                     ) -> dict[str, Any]:
    """Withdraw a birth recorded in error; voiding twice changes nothing."""
    birth = await tx.get("births", birth_id)
    require_area(scope, birth["desa_code"] if birth else None, _("birth {id}", id=birth_id))
    if birth is None:
        raise NotFoundError(_("birth {id}", id=birth_id))
    return await mark_voided(tx, ("births", birth_id), birth, reason, lambda: BirthVoided(
        birth_id=birth_id, mother_id=birth["mother_id"], baby_id=birth["baby_id"],
        desa_code=birth["desa_code"], reason=reason))


async def mark_voided(tx: Transaction, where: tuple[str, str], record: dict[str, Any],
                      reason: str, event: Callable[[], Event]) -> dict[str, Any]:
    """A record withdrawn as entered in error, kept with its reason, and its event; one
    voided already is left as it is (voiding twice changes nothing)."""
    if record.get("status") != "voided":
        record.update(status="voided", void_reason=reason)
        await tx.put(*where, record)
        await emit(tx, event())
    return record


async def amend_birth(tx: Transaction, birth_id: str, correction: BirthCorrection,
                      scope: Principal = OPEN) -> dict[str, Any]:
    """Correct the day, weight, place, the baby's sex, the mother's capsules or the
    postnatal visits made of a birth and publish the new version; the baby's own record
    follows the corrected day."""
    birth = await tx.get("births", birth_id)
    require_area(scope, birth["desa_code"] if birth else None, _("birth {id}", id=birth_id))
    if birth is None:
        raise NotFoundError(_("birth {id}", id=birth_id))
    if birth.get("status") == "voided":
        raise InvalidInput([(("path", "birth_id"), _("a voided birth cannot be corrected; "
                                                     "record it again"), "voided")])
    changes = correction.model_dump(exclude_none=True, exclude={"reason"})
    moved = [field for field in ("born_on", "baby_sex")
             if field in changes and str(changes[field]) != birth[field]]
    baby = await tx.get("persons", birth["baby_id"]) or {}
    mother = await tx.get("persons", birth["mother_id"]) if "born_on" in moved else None
    _check_correction(moved, changes, baby, mother)
    snapshot = {k: v for k, v in birth.items() if k in _BIRTH_FIELDS}  # not its status
    event = BirthAmended(**{**snapshot, **changes, "version": birth.get("version", 1) + 1,
                            "reason": correction.reason})
    if found := postnatal_visit_problems(event.postnatal_visits, event.born_on, today()):
        raise InvalidInput([(("body", *loc), reason, kind) for loc, reason, kind in found])
    stored = {**birth, **event.model_dump(mode="json", exclude={"event_id", "occurred_at"})}
    await tx.put("births", birth_id, stored)
    if baby and moved:
        await tx.put("persons", birth["baby_id"], {**baby, "birth_date": str(event.born_on),
                                                   "sex": event.baby_sex})
    await emit(tx, event)
    return stored


async def _born_already(tx: Transaction, mother_id: str, baby_id: str, born_on: date) -> bool:
    """Whether another birth (another key) recorded this baby: a twin given no local id is
    her mother's child born that day, as her sibling is."""
    return any(birth["baby_id"] == baby_id and birth.get("status") != "voided"
               for birth in await tx.find("births", Query.of(
                   mother_id=mother_id, born_on=born_on.isoformat())))


def _check_correction(moved: Sequence[str], changes: dict[str, Any], baby: dict[str, Any],
                      mother: dict[str, Any] | None) -> None:
    """A corrected day (`moved`: the baby's fields that change) must be one a birth can be
    recorded with, the mother's age included; a baby recorded by NIK keeps the day and sex
    the NIK holds."""
    found: list[Problem] = [(("body", "born_on"), msg, kind) for msg, kind in (
        born_on_problems(changes["born_on"], today()) if "born_on" in moved else [])]
    if mother and (reason := mother_age_problem(date.fromisoformat(mother["birth_date"]),
                                                changes["born_on"])):
        found.append((("body", "born_on"), reason, "implausible"))
    if baby and not baby.get("local_id"):
        found += [(("body", field), "the baby was recorded by NIK, which holds the birth "
                   "date and sex: void the birth and record it again with both corrected",
                   "nik_mismatch") for field in moved]
    if found:
        raise InvalidInput(found)


async def amend(tx: Transaction, screening_id: str, correction: AmendmentIn,
                scope: Principal = OPEN) -> dict[str, Any]:
    """Correct a screening: re-validate, re-classify and publish the new version."""
    current = await _active(tx, screening_id, scope)
    screened_on = correction.screened_on or date.fromisoformat(current["screened_on"])
    pregnancy, measurements = _corrected(current["submission"], correction)
    return await _reissue(tx, current, current["person_id"], screened_on, pregnancy,
                          measurements, correction.reason, current.get("moved_from"))


async def move(tx: Transaction, current: dict[str, Any], person_id: str, reason: str
               ) -> dict[str, Any]:
    """A screening moved to the person it was of (two records of one person merged, or
    parted again): voided for the one it was under – whatever it counted or opened there
    ends –, and its next version published under hers, classified against her history;
    one already hers is classified again. It remembers whom it came from (`moved_from`)
    until it goes back."""
    origin = current.get("moved_from")
    if current["person_id"] != person_id:
        await emit(tx, ScreeningVoided(
            screening_id=current["screening_id"], person_id=current["person_id"],
            period=current["period"], desa_code=current["desa_code"], reason=reason,
            version=current["version"] + 1))  # withdrawn from her only, as it moves on
        origin = None if person_id == origin else current["person_id"]
    submitted = current["submission"]
    pregnancy = submitted.get("pregnancy")
    return await _reissue(
        tx, current, person_id, date.fromisoformat(current["screened_on"]),
        PregnancyIn.model_validate(pregnancy) if pregnancy else None,
        MeasurementsIn.model_validate(submitted["measurements"]), reason, origin)


async def _reissue(tx: Transaction, current: dict[str, Any], person_id: str, screened_on: date,
                   pregnancy: PregnancyIn | None, measurements: MeasurementsIn, reason: str,
                   moved_from: str | None) -> dict[str, Any]:
    """A screening's next version: re-validated and re-classified, stored and published."""
    person = await tx.get("persons", person_id) or {}
    birth_date = date.fromisoformat(person["birth_date"])
    stage, found = screening_problems(person["sex"], birth_date, screened_on, pregnancy,
                                      measurements, today())
    if found or stage is None:
        raise InvalidInput(found)
    posyandu = await tx.get(PLACES, current["posyandu_id"]) or {
        "id": current["posyandu_id"], "area_code": current["desa_code"], "rw": current["rw"]}
    snapshot = await _snapshot(
        tx, screening_id=current["screening_id"], person_id=person_id, sex=person["sex"],
        birth_date=birth_date, screened_on=screened_on, stage=stage, pregnancy=pregnancy,
        m=measurements, posyandu=posyandu, rw=current["rw"], rt=current.get("rt"),
        loc=())
    event = ScreeningAmended(**snapshot, version=current["version"] + 1, reason=reason,
                             previous_period=current["period"],
                             previous_desa_code=current["desa_code"])
    stored = _stored(event, {"pregnancy": pregnancy.model_dump(mode="json") if pregnancy else None,
                             "measurements": measurements.model_dump(mode="json")})
    if moved_from:
        stored["moved_from"] = moved_from
    await tx.put("screenings", current["screening_id"], stored)
    await emit(tx, event)
    return stored


def _corrected(submitted: dict[str, Any], correction: AmendmentIn
               ) -> tuple[PregnancyIn | None, MeasurementsIn]:
    """The screening as corrected: the measurements the correction gives over those it had
    (`null` takes one out), so correcting a weight does not lose the height; its
    pregnancy as it was unless the correction gives `pregnancy` (`null`: none)."""
    given = correction.measurements.model_dump(mode="json", exclude_unset=True)
    merged = {k: v for k, v in {**submitted["measurements"], **given}.items() if v is not None}
    try:
        measurements = MeasurementsIn.model_validate(merged)
    except ValidationError as exc:  # kept under older rules, refused by today's
        raise InvalidInput([(("measurements", *e["loc"]), e["msg"], e["type"])
                            for e in explained(exc.errors(), MeasurementsIn)]) from exc
    if "pregnancy" in correction.model_fields_set:
        return correction.pregnancy, measurements
    kept = submitted.get("pregnancy")
    return (PregnancyIn.model_validate(kept) if kept else None), measurements


async def void(tx: Transaction, screening_id: str, reason: str, scope: Principal = OPEN
               ) -> dict[str, Any]:
    """Withdraw a screening recorded in error; voiding twice changes nothing."""
    current = await visible_screening(tx, screening_id, scope)
    return await mark_voided(tx, ("screenings", screening_id), current, reason,
                             lambda: ScreeningVoided(
                                 screening_id=screening_id, person_id=current["person_id"],
                                 period=current["period"], desa_code=current["desa_code"],
                                 reason=reason))


async def visible_screening(tx: Reader, screening_id: str, scope: Principal = OPEN
                            ) -> dict[str, Any]:
    """The screening if it exists within the caller's wilayah. A scoped caller gets the
    same 403 for unknown and out-of-scope ids, so nobody learns what exists elsewhere."""
    current = await tx.get("screenings", screening_id)
    require_area(scope, current["desa_code"] if current else None, _("screening {id}", id=screening_id))
    if current is None:
        raise NotFoundError(_("screening {id}", id=screening_id))
    return current


async def _active(tx: Transaction, screening_id: str, scope: Principal) -> dict[str, Any]:
    current = await visible_screening(tx, screening_id, scope)
    if current["status"] != "active":
        raise InvalidInput([(("path", "screening_id"), _("a voided screening cannot be "
                                                         "amended"), "voided")])
    return current

