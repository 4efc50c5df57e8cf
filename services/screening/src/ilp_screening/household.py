"""The people a posyandu should see, from the kader's household data collection (pendataan
keluarga): known here before any screening, so that notify can send the kader to those
who never came – an adult never screened for PTM, a pregnancy with no ANC contact yet."""

from __future__ import annotations

from datetime import date

from cryptography.fernet import Fernet
from ilp_contracts import PersonRegistered
from ilp_contracts.screening import HouseholdMember
from ilp_kit.errors import InvalidInput
from ilp_kit.outbox import emit
from ilp_kit.store import Transaction

from .domain.person import age_in_months, pseudonym
from .domain.validate import member_problems
from .intake import keep_person, today

# What makes a registration news for notify; the day alone does not.
_COMPARED = ("posyandu_id", "rw", "rt", "pregnant", "sex", "birth_date")


async def register(tx: Transaction, posyandu: dict, member: HouseholdMember, noted_on: date,
                   pseudonym_key: str, seal: Fernet | None,
                   loc: tuple[str | int, ...] = ()) -> tuple[str, str]:
    """Keep one person of a household data collection; (person_id, "registered" or
    "unchanged"). Announced only when new or changed, so a repeated upload is harmless,
    and an older collection never overrides a newer one."""
    if found := member_problems(member, noted_on, today()):
        raise InvalidInput([((*loc, *where), msg, kind) for where, msg, kind in found])
    person = member.person
    person_id = pseudonym(person.identity, pseudonym_key)
    entry = {"person_id": person_id, "posyandu_id": posyandu["id"],
             "desa_code": posyandu["area_code"], "rw": person.rw or posyandu.get("rw"),
             "rt": person.rt, "pregnant": member.pregnant, "sex": person.sex,
             "birth_date": person.birth_date.isoformat(), "noted_on": noted_on.isoformat()}
    known = await tx.get("household", person_id)
    if known is not None and (known["noted_on"] > entry["noted_on"] or all(
            known.get(field) == entry[field] for field in _COMPARED)):
        return person_id, "unchanged"
    await keep_person(tx, person, person_id, pseudonym_key, seal)
    await tx.put("household", person_id, entry)
    await emit(tx, PersonRegistered(
        person_id=person_id, sex=person.sex, age_months=age_in_months(person.birth_date, noted_on),
        noted_on=noted_on, desa_code=entry["desa_code"], posyandu_id=entry["posyandu_id"],
        rw=entry["rw"], rt=entry["rt"], pregnant=member.pregnant))
    return person_id, "registered"
