"""Records that may be one person: born the same day, of one sex, and a child of one
mother (not twins told apart) or named alike."""

from __future__ import annotations

from hypothesis import given, strategies as st
from ilp_screening.domain.duplicates import NAMED_ALIKE, SAME_MOTHER, likely_duplicates


def person(person_id: str, name: str, born: str = "2024-11-12", sex: str = "M",
           **more: object) -> dict:
    return {"person_id": person_id, "name": name, "birth_date": born, "sex": sex, **more}


def pairs(*persons: dict) -> list[tuple[str, str, str]]:
    return [(a["person_id"], b["person_id"], why) for a, b, why in likely_duplicates(persons)]


def test_one_mothers_child_or_one_name_written_otherwise() -> None:
    assert pairs(person("a", "Bayu", mother_id="m1"), person("b", "Anak", mother_id="m1"),
                 person("c", "Bayu Pratama"), person("d", "Bima"),
                 person("e", "bayu  pratama", sex="F"),
                 person("f", "Siti Aminah", born="1980-07-01", sex="F"),
                 person("g", "Siti Aminnah", born="1980-07-01", sex="F"),
                 person("h", "Siti Aminah", born="1980-07-02", sex="F"),
                 person("i", "Markus Wenda", born="1981-03-15"),
                 person("j", "Markus W.", born="1981-03-15"),
                 person("k", "Marten W.", born="1981-03-15")) == [
        ("a", "b", SAME_MOTHER), ("a", "c", NAMED_ALIKE), ("f", "g", NAMED_ALIKE),
        ("i", "j", NAMED_ALIKE)]


def test_twins_told_apart_and_records_merged_already_are_not_suggested() -> None:
    assert pairs(person("a", "Hasan", mother_id="m1", local_id="anak-1"),
                 person("b", "Husein", mother_id="m1", local_id="anak-2"),
                 person("c", "Hasan", merged_into="a")) == []


def test_a_child_born_that_day_and_a_child_said_to_be_anak_1_may_be_one() -> None:
    """Her birth recorded without a local id (known as born that day), the kader's app
    weighing her as "anak-1": one child, suggested; two children each told apart are
    not."""
    assert pairs(person("a", "Bayi Ny. Siti", mother_id="m1", local_id="lahir-2024-11-12"),
                 person("b", "Aisyah", mother_id="m1", local_id="anak-1"),
                 person("c", "Bayi Ny. Ani", mother_id="m2", local_id="anak-1"),
                 person("d", "Putri", mother_id="m2", local_id="anak-2")) == [
        ("a", "b", SAME_MOTHER)]


names = st.text(alphabet="abcdeiou ", min_size=1, max_size=12)


@given(st.lists(st.tuples(names, st.sampled_from(["2024-01-01", "2024-01-02"]),
                          st.sampled_from("MF"), st.sampled_from([None, "m1", "m2"])),
                max_size=8))
def test_a_pair_is_always_of_one_birth_date_and_sex_and_said_once(records: list) -> None:
    people = [person(str(i), name, born, sex, mother_id=mother)
              for i, (name, born, sex, mother) in enumerate(records)]
    found = list(likely_duplicates(people))
    assert all((a["birth_date"], a["sex"]) == (b["birth_date"], b["sex"]) for a, b, _ in found)
    ids = [(a["person_id"], b["person_id"]) for a, b, _ in found]
    assert len(ids) == len(set(ids)) and all(a < b for a, b in ids)
