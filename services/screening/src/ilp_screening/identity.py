"""Who a submission is about. A person's pseudonymous id is a keyed hash of her NIK or –
a child who has none yet – of her mother's NIK and which child she is, or – anyone else
without one – of her number in the register of the posyandu that sees her. Babies get
their NIK months after birth, others when Dukcapil reaches them: once a person recorded
without one is known by hers, the NIK's id is linked to the id she was first given
(`person_aliases`), so her weighings, doses and visits before and after stay one
history, and events keep naming one person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cryptography.fernet import Fernet
from ilp_contracts.screening import PersonIn, numbered_at
from ilp_contracts.text import _
from ilp_kit.errors import InvalidInput
from ilp_kit.store import Reader, Transaction

from .domain.person import CHILD_YEARS, nik_problem, pseudonym
from .fhir.export import release_awaiting

# The id of a NIK → the id its child was first given; and the id of a record merged into
# another (two records of one person) → the one kept.
ALIASES = "person_aliases"


@dataclass(frozen=True)
class Identified:
    person_id: str
    # her record merged, not replaced: she is known by a NIK linked to her earlier id,
    # or a register row corrects her
    merge: bool
    # The id of her NIK, to link to `person_id` once what she came with is taken (nothing
    # is written for a submission refused)
    link_from: str | None = None
    # known by a record merged into hers: what the submission says of her (a mistyped NIK,
    # her mother's) changes nothing her record has
    as_kept: bool = False


async def identify(tx: Transaction, person: PersonIn, place_id: str, pseudonym_key: str,
                   today: date) -> Identified:
    """The person id a submission at the posyandu `place_id` is recorded under: her NIK's,
    or the id her NIK was linked to. A submission that gives her NIK with what she was
    known by before – a child's mother's NIK (and her local id, if she had one), or her
    number in this posyandu's register – makes that link when her earlier id has a record
    and her NIK none."""
    own = pseudonym(person.identity_at(place_id), pseudonym_key)
    if (link := await tx.get(ALIASES, own)) is not None:  # linked, or merged into another
        return Identified(link["person_id"], True, as_kept=bool(link.get("merged")))
    if person.nik and (before := _known_before(person, place_id, today)):
        earlier = pseudonym(before, pseudonym_key)
        record = await tx.get("persons", earlier)
        # the same person: born that day, that sex (not a sibling given her local id later)
        same = record is not None and (record["birth_date"], record["sex"]) == (
            person.birth_date.isoformat(), person.sex)
        if same and not await tx.get("persons", own):
            return Identified(earlier, True, link_from=own)
    return Identified(own, False)


def _known_before(person: PersonIn, place_id: str, today: date) -> str | None:
    """What a person who now gives her NIK was known by without it, if she says."""
    if person.mother_nik:  # which child she was: her local id, or born that day
        if person.birth_date < today - timedelta(days=366 * CHILD_YEARS):
            return None
        return f"{person.mother_nik}:{person.local_id or f'lahir-{person.birth_date}'}"
    return numbered_at(place_id, person.local_id) if person.local_id else None


async def keep_link(tx: Transaction, who: Identified, today: date) -> None:
    """The link `identify` found to make, made (with what it was found for)."""
    if who.link_from:
        await tx.put(ALIASES, who.link_from, {"person_id": who.person_id,
                                               "linked_on": today.isoformat()})


async def person_known_as(reader: Reader, identity: str, pseudonym_key: str) -> str:
    """The person id a NIK (or another `PersonIn.identity_at`) is known by: a lookup."""
    own = pseudonym(identity, pseudonym_key)
    link = await reader.get(ALIASES, own)
    return str(link["person_id"]) if link else own


async def link_nik(tx: Transaction, person: dict[str, Any], nik: str, pseudonym_key: str,
                   today: date, seal: Fernet | None = None) -> bool:
    """Link `nik` to a person recorded without one (`person`: her record; with `seal`, her
    NIK sealed into it for the FHIR export, as a screening would); True when linked now,
    False when it already was. Refused: a person known by a NIK already, a NIK that
    cannot be hers (birth date, sex), a NIK linked to another person or with a record of
    its own (two histories are not merged here)."""
    loc = ("body", "nik")
    if not person.get("local_id"):
        raise InvalidInput([(loc, _("this person is already known by her NIK"), "has_nik")])
    if reason := nik_problem(nik, date.fromisoformat(person["birth_date"]), person["sex"]):
        raise InvalidInput([(loc, reason, "nik_mismatch")])
    own = pseudonym(nik, pseudonym_key)
    if (link := await tx.get(ALIASES, own)) is not None:
        if link["person_id"] == person["person_id"]:
            return False
        raise InvalidInput([(loc, _("this NIK is already linked to another person"),
                             "nik_linked")])
    if await tx.get("persons", own) is not None:
        raise InvalidInput([(loc, _("this NIK already has a record of its own: her screenings "
                                    "under it and under the id she had without it stay "
                                    "apart"),
                             "nik_has_record")])
    await tx.put(ALIASES, own, {"person_id": person["person_id"],
                                "linked_on": today.isoformat()})
    if seal:
        await tx.put("persons", person["person_id"], {
            **person, "nik_sealed": seal.encrypt(nik.encode()).decode()})
        await release_awaiting(tx, person["person_id"])
    return True


async def unlink_nik(tx: Transaction, person: dict[str, Any], nik: str,
                     pseudonym_key: str) -> None:
    """Undo a link made in error (a twin's NIK given to her sister): from now on the NIK
    is its own person again. What was recorded under the link stays with the child it
    was recorded for – void and record again what was not hers."""
    own = pseudonym(nik, pseudonym_key)
    link = await tx.get(ALIASES, own)
    if link is None or link["person_id"] != person["person_id"]:
        raise InvalidInput([(("body", "nik"), _("this NIK is not linked to this person"),
                             "not_linked")])
    await tx.delete(ALIASES, own)
    if "nik_sealed" in person:  # her export goes by her mother's NIK again
        await tx.put("persons", person["person_id"],
                     {k: v for k, v in person.items() if k != "nik_sealed"})
