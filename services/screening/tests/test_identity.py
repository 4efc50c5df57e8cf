"""Babies get their NIK months after birth. A child weighed by her mother's NIK and a local
id, then by her own, stays one person: one history (her previous weighing found, her
doses counted), one id in every event."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ilp_contracts import ScreeningSubmission
from ilp_kit.errors import InvalidInput
from ilp_screening import intake
from ilp_screening.identity import ALIASES, link_nik, person_known_as, unlink_nik

TODAY = date.today()
BORN = TODAY - timedelta(days=200)
MOTHER = "3373044107950001"
NIK = f"337304{BORN.day + 40:02d}{BORN.month:02d}{BORN.year % 100:02d}0002"  # a girl's
KEY = "pseudonym-key"


def weighing(days_ago: int, kg: float, **who: str) -> ScreeningSubmission:
    return ScreeningSubmission.model_validate({
        "person": {"name": "Wulan", "sex": "F", "birth_date": BORN.isoformat(), **who},
        "posyandu_id": "psy-1", "screened_on": (TODAY - timedelta(days=days_ago)).isoformat(),
        "measurements": {"weight_kg": kg, "height_cm": 64.0, "measured_lying": True,
                         "immunizations": ["OPV1"] if days_ago == 60 else []}})


async def test_the_visit_that_gives_both_links_her_nik_to_her_first_id(store) -> None:
    async with store.transaction() as tx:
        first, _ = await intake.record(tx, weighing(60, 6.0, mother_nik=MOTHER,
                                                    local_id="anak-2"), "k-1", KEY)
        linking, _ = await intake.record(tx, weighing(30, 6.6, nik=NIK, mother_nik=MOTHER,
                                                      local_id="anak-2"), "k-2", KEY)
        by_nik, _ = await intake.record(tx, weighing(0, 7.1, nik=NIK), "k-3", KEY)
    assert first["person_id"] == linking["person_id"] == by_nik["person_id"]
    # one history: each weighing read against the one before
    assert linking["measurements"]["weight_gain_g"] == 600
    assert by_nik["measurements"]["weight_gain_g"] == 500
    assert await person_known_as(store, NIK, KEY) == first["person_id"]
    person = await store.get("persons", first["person_id"])
    assert person["local_id"] == "anak-2" and person["mother_id"]  # kept, not wiped


async def test_a_nik_linked_by_hand_is_hers_from_then_on(store) -> None:
    async with store.transaction() as tx:
        first, _ = await intake.record(tx, weighing(30, 6.6, mother_nik=MOTHER,
                                                    local_id="anak-2"), "k-1", KEY)
        person = await tx.get("persons", first["person_id"])
        wrong_day = NIK[:6] + f"{(BORN.day % 28) + 41:02d}" + NIK[8:]
        a_boys = NIK[:6] + f"{BORN.day:02d}" + NIK[8:]
        for nik in (wrong_day, a_boys):  # not hers: her birth day, her sex
            with pytest.raises(InvalidInput) as refused:
                await link_nik(tx, person, nik, KEY, TODAY)
            assert refused.value.detail()[0]["type"] == "nik_mismatch"
        assert await link_nik(tx, person, NIK, KEY, TODAY) is True
        assert await link_nik(tx, person, NIK, KEY, TODAY) is False  # already: no change
        later, _ = await intake.record(tx, weighing(0, 7.1, nik=NIK), "k-2", KEY)
    assert later["person_id"] == first["person_id"]
    assert later["measurements"]["weight_gain_g"] == 500
    # linked in error (her twin's NIK): undone, the NIK is its own person again
    async with store.transaction() as tx:
        person = await tx.get("persons", first["person_id"])
        with pytest.raises(InvalidInput) as refused:
            await unlink_nik(tx, person, MOTHER, KEY)
        assert refused.value.detail()[0]["type"] == "not_linked"
        await unlink_nik(tx, person, NIK, KEY)
        again, _ = await intake.record(tx, weighing(0, 7.0, nik=NIK), "k-3", KEY)
    assert again["person_id"] != first["person_id"]
    assert await person_known_as(store, NIK, KEY) == again["person_id"]


async def test_a_nik_with_its_own_history_is_not_linked(store) -> None:
    async with store.transaction() as tx:
        first, _ = await intake.record(tx, weighing(60, 6.0, mother_nik=MOTHER,
                                                    local_id="anak-2"), "k-1", KEY)
        own, _ = await intake.record(tx, weighing(30, 6.6, nik=NIK), "k-2", KEY)
        with pytest.raises(InvalidInput) as refused:
            await link_nik(tx, await tx.get("persons", first["person_id"]), NIK, KEY, TODAY)
        assert refused.value.detail()[0]["type"] == "nik_has_record"
        with pytest.raises(InvalidInput) as refused:  # known by her NIK already
            await link_nik(tx, await tx.get("persons", own["person_id"]), NIK, KEY, TODAY)
        assert refused.value.detail()[0]["type"] == "has_nik"
        # both given at a later visit: her NIK's own record stays hers, nothing linked
        later, _ = await intake.record(tx, weighing(0, 7.1, nik=NIK, mother_nik=MOTHER,
                                                    local_id="anak-2"), "k-3", KEY)
    assert later["person_id"] == own["person_id"] != first["person_id"]
    assert await store.find(ALIASES) == []


async def test_an_adults_nik_reads_one_link(store) -> None:
    """Only a child is recorded without a NIK, but any record may be merged into another
    (a NIK mistyped once): an adult's screening reads the links once, and nothing more."""
    adult = ScreeningSubmission.model_validate({
        "person": {"nik": "3373044107800001", "name": "Siti", "sex": "F",
                   "birth_date": "1980-07-01"},
        "posyandu_id": "psy-1", "screened_on": TODAY.isoformat(),
        "measurements": {"systolic": 120, "diastolic": 80}})

    class Counting:
        def __init__(self, tx) -> None:  # noqa: ANN001
            self.tx, self.gets = tx, []

        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(self.tx, name)

        async def get(self, collection, key):  # noqa: ANN001, ANN201
            self.gets.append(collection)
            return await self.tx.get(collection, key)

    async with store.transaction() as tx:
        counting = Counting(tx)
        await intake.record(counting, adult, "k-1", KEY)
    assert counting.gets.count(ALIASES) == 1


async def test_a_sibling_given_the_same_local_id_is_not_linked(store) -> None:
    """"anak-1" given again to the next baby: her NIK is not her sister's history."""
    async with store.transaction() as tx:
        sister, _ = await intake.record(tx, weighing(60, 6.0, mother_nik=MOTHER,
                                                    local_id="anak-2"), "k-1", KEY)
        await tx.put("persons", sister["person_id"], {
            **await tx.get("persons", sister["person_id"]), "birth_date": "2020-01-01"})
        her, _ = await intake.record(tx, weighing(0, 7.1, nik=NIK, mother_nik=MOTHER,
                                                  local_id="anak-2"), "k-2", KEY)
    assert her["person_id"] != sister["person_id"]
    assert await store.find(ALIASES) == []


async def test_a_baby_born_and_then_weighed_by_her_mothers_nik_is_one_person(store) -> None:
    """Neither the bidan's birth record nor the posyandu's register gives a local id: the
    child born that day to that mother is one person from her birth on."""
    from ilp_contracts.screening import BirthSubmission

    birth = BirthSubmission.model_validate({
        "mother": {"nik": MOTHER, "name": "Sri", "sex": "F", "birth_date": "1995-07-01"},
        "baby": {"mother_nik": MOTHER, "name": "Bayi Sri", "sex": "F",
                 "birth_date": BORN.isoformat()},
        "posyandu_id": "psy-1", "birth_weight_g": 3100})
    async with store.transaction() as tx:
        born, _ = await intake.record_birth(tx, birth, "b-1", KEY)
        weighed, _ = await intake.record(tx, weighing(0, 6.0, mother_nik=MOTHER), "k-1", KEY)
    assert weighed["person_id"] == born["baby_id"]


async def test_her_nik_with_her_mothers_links_a_child_known_as_born_that_day(store) -> None:
    async with store.transaction() as tx:
        first, _ = await intake.record(tx, weighing(30, 6.0, mother_nik=MOTHER), "k-1", KEY)
        later, _ = await intake.record(tx, weighing(0, 6.5, nik=NIK, mother_nik=MOTHER),
                                       "k-2", KEY)
    assert later["person_id"] == first["person_id"]
    assert later["measurements"]["weight_gain_g"] == 500


async def test_a_refused_screening_links_nothing(store) -> None:
    async with store.transaction() as tx:
        await intake.record(tx, weighing(30, 6.0, mother_nik=MOTHER), "k-1", KEY)
        with pytest.raises(InvalidInput) as refused:  # refused: nothing of it kept
            await intake.record(tx, weighing(0, 15.0, nik=NIK, mother_nik=MOTHER), "k-2", KEY)
        assert refused.value.detail()[0]["type"] == "implausible_z"  # found after her id
    assert await store.find(ALIASES) == []


async def test_twins_without_local_ids_are_refused_not_made_one(store) -> None:
    from ilp_contracts.screening import BirthSubmission

    def birth(name: str, local_id: str | None = None) -> BirthSubmission:
        return BirthSubmission.model_validate({
            "mother": {"nik": MOTHER, "name": "Sri", "sex": "F", "birth_date": "1995-07-01"},
            "baby": {"mother_nik": MOTHER, "name": name, "sex": "F",
                     "birth_date": BORN.isoformat(),
                     **({"local_id": local_id} if local_id else {})},
            "posyandu_id": "psy-1"})
    async with store.transaction() as tx:
        first, _ = await intake.record_birth(tx, birth("Kembar 1"), "b-1", KEY)
        with pytest.raises(InvalidInput) as refused:
            await intake.record_birth(tx, birth("Kembar 2"), "b-2", KEY)
        assert refused.value.detail()[0]["type"] == "twin_without_local_id"
        second, _ = await intake.record_birth(tx, birth("Kembar 2", "anak-2"), "b-3", KEY)
    assert second["baby_id"] != first["baby_id"]


async def test_an_adult_without_a_nik_is_known_by_her_number_at_the_posyandu(store) -> None:
    """Dukcapil has not reached everyone (in Papua many adults have no NIK): a lansia is
    screened by her number in the posyandu's register, found again by it there, and
    keeps her history when her NIK comes – given with that number, or linked by hand."""
    born = date(1958, 4, 2)
    nik = f"917103{born.day:02d}{born.month:02d}{born.year % 100:02d}0001"

    def check(days_ago: int, place: str = "psy-1", **who: str) -> ScreeningSubmission:
        return ScreeningSubmission.model_validate({
            "person": {"name": "Yakob", "sex": "M", "birth_date": born.isoformat(), **who},
            "posyandu_id": place, "screened_on": (TODAY - timedelta(days=days_ago)).isoformat(),
            "measurements": {"systolic": 168, "diastolic": 96}})
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-2", {"id": "psy-2", "area_code": "33.73.04.1001",
                                           "rw": None, "active": True})
        first, _ = await intake.record(tx, check(60, local_id="CDW-012"), "k-1", KEY)
        again, _ = await intake.record(tx, check(30, local_id="CDW-012"), "k-2", KEY)
        elsewhere, _ = await intake.record(tx, check(30, "psy-2", local_id="CDW-012"), "k-3",
                                           KEY)
        linking, _ = await intake.record(tx, check(0, nik=nik, local_id="CDW-012"), "k-4", KEY)
        by_nik, _ = await intake.record(tx, check(0, "psy-2", nik=nik), "k-5", KEY)
    assert first["person_id"] == again["person_id"] == linking["person_id"] == by_nik["person_id"]
    assert elsewhere["person_id"] != first["person_id"]  # another posyandu's number 12
    assert "hypertension_grade_2" in {f["code"] for f in first["findings"]}
    async with store.transaction() as tx:  # the other posyandu's record: her NIK by hand
        person = await tx.get("persons", elsewhere["person_id"])
        with pytest.raises(InvalidInput) as refused:
            await link_nik(tx, person, nik, KEY, TODAY)
        assert refused.value.detail()[0]["type"] == "nik_linked"
