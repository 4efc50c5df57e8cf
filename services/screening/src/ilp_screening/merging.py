"""Two records of one person made one: a child weighed by her mother's NIK at some visits
and by her own at others, an adult whose NIK was mistyped once. The duplicate's
screenings move to the person kept (each voided for the one and re-issued for the other,
so PWS counts her once and her visits follow her), hers since the first of them are
classified again in one history, whatever identified the duplicate identifies her from
now on, and notify ends what followed the duplicate."""

from __future__ import annotations

from typing import Any

from ilp_contracts import PersonsMerged
from ilp_contracts.text import _
from ilp_kit.auth import Principal, require_area
from ilp_kit.errors import InvalidInput, NotFoundError
from ilp_kit.outbox import emit
from ilp_kit.store import Query, Transaction

from . import intake
from .household import keep_registered
from .identity import ALIASES

DUPLICATE = ("body", "duplicate_id")


async def merge(tx: Transaction, person_id: str, duplicate_id: str, reason: str,
                scope: Principal) -> dict[str, Any]:
    """Merge `duplicate_id` into `person_id`; returns the person kept. Refused: one person
    with herself, records of different birth dates or sexes (not one person), a duplicate
    a birth, a TB treatment or a linked NIK names (merge the other way: those stay where
    they are), and one with screenings outside the caller's wilayah."""
    kept, duplicate = await _both(tx, person_id, duplicate_id)
    if await _named_elsewhere(tx, duplicate_id):
        raise InvalidInput([(DUPLICATE, _(
            "a birth, a TB treatment or a linked NIK names {id}: merge {other} into it instead",
            id=duplicate_id, other=person_id), "merge_the_other_way")])
    moved = await tx.find("screenings", Query.of(person_id=duplicate_id, status="active",
                                                 order_by="screened_on", limit=10_000))
    for screening in moved:
        require_area(scope, screening["desa_code"], _("screening {id}",
                                                      id=screening["screening_id"]))
    why = f"{duplicate_id} merged into {person_id}: {reason}"  # each new version's reason
    for screening in await _in_one_history(tx, person_id, moved):
        # oldest first, hers since the first moved among them: each classified again
        # against the visits before it (a weighing now has last month's, N or T)
        await intake.move(tx, screening, person_id, why)
    await _identified_as_kept(tx, duplicate_id, person_id)
    await _household_moved(tx, duplicate_id, kept)
    await tx.put("persons", duplicate_id, {**duplicate, "merged_into": person_id})
    await tx.put("persons", person_id, {
        **{k: v for k, v in duplicate.items() if v is not None and k != "merged_into"},
        **{k: v for k, v in kept.items() if v is not None}})
    await emit(tx, PersonsMerged(person_id=person_id, merged_id=duplicate_id, reason=reason))
    return await tx.get("persons", person_id) or kept


async def part(tx: Transaction, person_id: str, duplicate_id: str, reason: str,
               scope: Principal) -> dict[str, Any]:
    """Undo a merge made in error (twins taken for one child): the screenings that came
    from `duplicate_id` go back to it, each person's classified again in her own history,
    and what identified the duplicate identifies it again. A household entry moved stays
    with the person kept. Returns the duplicate's record."""
    duplicate = await tx.get("persons", duplicate_id)
    if duplicate is None or duplicate.get("merged_into") != person_id:
        raise InvalidInput([(DUPLICATE, _("{id} was not merged into {into}",
                                          id=duplicate_id, into=person_id), "not_merged")])
    back = await tx.find("screenings", Query.of(person_id=person_id, moved_from=duplicate_id,
                                                status="active", order_by="screened_on",
                                                limit=10_000))
    for screening in back:
        require_area(scope, screening["desa_code"], _("screening {id}",
                                                      id=screening["screening_id"]))
    why = f"{duplicate_id} parted from {person_id}: {reason}"
    for screening in back:
        await intake.move(tx, screening, duplicate_id, why)
    for screening in await _since(tx, person_id, back):  # hers, now without them
        await intake.move(tx, screening, person_id, why)
    if (alias := await tx.get(ALIASES, duplicate_id)) and alias.get("merged"):
        await tx.delete(ALIASES, duplicate_id)
    parted = {k: v for k, v in duplicate.items() if k != "merged_into"}
    await tx.put("persons", duplicate_id, parted)
    return parted


async def _in_one_history(tx: Transaction, person_id: str, moved: list[dict[str, Any]]
                          ) -> list[dict[str, Any]]:
    """The screenings moved and the person's own from the first of them on, by day."""
    hers = await _since(tx, person_id, moved)
    return sorted([*moved, *hers], key=lambda screening: screening["screened_on"])


async def _since(tx: Transaction, person_id: str, moved: list[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
    """The person's screenings from the first of those `moved` (oldest first) on."""
    if not moved:
        return []
    return await tx.find("screenings", Query.of(
        person_id=person_id, status="active", order_by="screened_on", limit=10_000,
        between=("screened_on", moved[0]["screened_on"], "9999-12-31")))


async def _both(tx: Transaction, person_id: str, duplicate_id: str
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two records, if they can be one person's."""
    if person_id == duplicate_id:
        raise InvalidInput([(DUPLICATE, _("a person cannot be merged into herself"),
                             "same_person")])
    kept = await tx.get("persons", person_id)
    if kept is None or kept.get("merged_into"):
        raise NotFoundError(_("person"))
    duplicate = await tx.get("persons", duplicate_id)
    if duplicate is None:
        raise InvalidInput([(DUPLICATE, _("no person {id} is recorded", id=duplicate_id),
                             "unknown_person")])
    if into := duplicate.get("merged_into"):
        raise InvalidInput([(DUPLICATE, _("{id} was merged into {into} already",
                                          id=duplicate_id, into=into), "merged_already")])
    if (kept["birth_date"], kept["sex"]) != (duplicate["birth_date"], duplicate["sex"]):
        raise InvalidInput([(DUPLICATE, _(
            "born {born} ({sex}), where {id} was born {other_born} ({other_sex}): not one "
            "person", born=duplicate["birth_date"], sex=duplicate["sex"], id=person_id,
            other_born=kept["birth_date"], other_sex=kept["sex"]), "not_one_person")])
    return kept, duplicate


async def _named_elsewhere(tx: Transaction, person_id: str) -> bool:
    """Whether a birth (as mother or baby), a TB treatment or a NIK linked to her names
    the person."""
    return any([await tx.find("births", Query.of(mother_id=person_id, limit=1)),
                await tx.find("births", Query.of(baby_id=person_id, limit=1)),
                await tx.find("tb_treatments", Query.of(person_id=person_id, limit=1)),
                await tx.find(ALIASES, Query.of(person_id=person_id, limit=1))])


async def _identified_as_kept(tx: Transaction, duplicate_id: str, person_id: str) -> None:
    """What identified the duplicate – its NIK, or her mother's and which child she is –
    identifies the person kept (as she is recorded: `merged`)."""
    await tx.put(ALIASES, duplicate_id, {"person_id": person_id, "merged": True,
                                         "linked_on": intake.today().isoformat()})


async def _household_moved(tx: Transaction, duplicate_id: str, kept: dict[str, Any]) -> None:
    """The duplicate's place in a household data collection is hers, unless hers is
    newer; announced, so a person never screened is still looked for."""
    registered = await tx.get("household", duplicate_id)
    if registered is None:
        return
    await tx.delete("household", duplicate_id)
    own = await tx.get("household", kept["person_id"])
    if own is not None and own["noted_on"] >= registered["noted_on"]:
        return
    await keep_registered(tx, {**registered, "person_id": kept["person_id"]})
