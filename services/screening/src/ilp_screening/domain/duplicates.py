"""Records that may be one person (pure): born the same day, of one sex, and either a
child of one mother – not twins told apart – or named alike ("Bayu" and "Bayu Pratama",
"Markus W." and "Markus Wenda", "Siti Aminah" and "Siti Aminnah"). What a data steward
looks at before she merges two; a suggestion, never merged by itself."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

SAME_MOTHER, NAMED_ALIKE = "same_mother", "named_alike"
# "Siti Aminah" / "Siti Aminnah", a letter or two typed otherwise (ratio of the whole names)
ALIKE = 0.85


def likely_duplicates(persons: Iterable[dict[str, Any]]) -> Iterator[tuple[dict[str, Any],
                                                                     dict[str, Any], str]]:
    """(one, other, why) for each pair of records that may be one person, among persons
    (`birth_date`, `sex`, `name`, `mother_id`, `local_id`); those merged already left out."""
    born: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for person in persons:
        if not person.get("merged_into"):
            born.setdefault((person["birth_date"], person["sex"]), []).append(person)
    for alike in born.values():
        for one, other in combinations(sorted(alike, key=lambda p: p["person_id"]), 2):
            if why := why_one(one, other):
                yield one, other, why


def why_one(one: dict[str, Any], other: dict[str, Any]) -> str | None:
    """Why two records born the same day of one sex may be one person, or None."""
    mother = one.get("mother_id")
    if mother and mother == other.get("mother_id"):
        # twins are told apart by which child each is: two such are two children
        if not (_which_child(one) and _which_child(other)):
            return SAME_MOTHER
        return None
    name, other_name = (" ".join(_NOT_A_LETTER.sub(" ", str(p.get("name", ""))).lower().split())
                        for p in (one, other))
    words, other_words = name.split(), other_name.split()
    if not (words and other_words):
        return None
    if _within(words, other_words) or _within(other_words, words) or \
            SequenceMatcher(None, name, other_name).ratio() >= ALIKE:
        return NAMED_ALIKE
    return None


def _which_child(person: dict[str, Any]) -> str | None:
    """Which of her mother's children a record says she is ("anak-2"). A child given no
    local id is known as her mother's child born that day (`lahir-<day>`): that tells no
    twin apart – her birth recorded without one, and the kader's app weighing her as
    "anak-1", are one child."""
    local_id = person.get("local_id")
    return None if not local_id or str(local_id).startswith("lahir-") else str(local_id)


_NOT_A_LETTER = re.compile(r"[^\w]|\d|_")


def _within(words: list[str], other: list[str]) -> bool:
    """Every word of a name is one of the other's, or its initial ("Markus W." in "Markus
    Wenda")."""
    return all(any(word == its or len(word) == 1 and its.startswith(word) for its in other)
               for word in words)
