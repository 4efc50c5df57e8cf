"""A correction gives only what changes: the rest of the screening stays as recorded."""

from __future__ import annotations

import pytest
from ilp_contracts.screening import MeasurementsIn, ScreeningSubmission
from ilp_screening import intake
from ilp_screening.models import AmendmentIn


def codes(screening: dict) -> set[str]:
    return {f["code"] for f in screening["findings"]}


SITI = {"nik": "6307055203980003", "name": "Siti", "sex": "F", "birth_date": "1998-03-12"}


def anc_contact(on: str, **pregnancy: object) -> ScreeningSubmission:
    """An ANC contact of Siti's, her LiLA taken."""
    return ScreeningSubmission.model_validate({
        "person": SITI, "posyandu_id": "psy-1", "screened_on": on,
        "pregnancy": {"anc_visit": 1, **pregnancy}, "measurements": {"muac_cm": 24.0}})


async def test_correcting_one_value_keeps_the_others_and_the_pregnancy(store) -> None:
    pregnant = ScreeningSubmission.model_validate({
        "person": {"nik": "9103015405020003", "name": "Ester", "sex": "F",
                   "birth_date": "2002-05-14"},
        "posyandu_id": "psy-1", "screened_on": "2026-12-03",
        "pregnancy": {"gestational_weeks": 24, "anc_visit": 2},
        "measurements": {"weight_kg": 48, "height_cm": 152, "muac_cm": 22.0, "hb": 9.2,
                         "systolic": 148, "diastolic": 96}})
    async with store.transaction() as tx:
        first, _ = await intake.record(tx, pregnant, "k-ester", "key")
        assert codes(first) == {"kek", "anaemia_pregnancy", "hypertension_pregnancy"}

        def amend(**correction: object) -> AmendmentIn:
            return AmendmentIn.model_validate({"reason": "salah tulis", **correction})
        # the Hb was mistyped: the LiLA, the BP and the pregnancy stay
        hb = await intake.amend(tx, first["screening_id"], amend(measurements={"hb": 11.5}))
        assert (hb["stage"], hb["measurements"]["systolic"]) == ("ibu_hamil", 148.0)
        assert codes(hb) == {"kek", "hypertension_pregnancy"}
        # a LiLA measured on the wrong arm is taken out
        muac = await intake.amend(tx, first["screening_id"],
                                  amend(measurements={"muac_cm": None}))
        assert "muac_cm" not in muac["measurements"] and codes(muac) == {
            "hypertension_pregnancy"}
        # the pregnancy was recorded in error: an adult's screening, its BP still read
        adult = await intake.amend(tx, first["screening_id"], amend(pregnancy=None))
        assert adult["stage"] == "usia_dewasa" and "hypertension_grade_1" in codes(adult)
        assert adult["version"] == 4
    assert MeasurementsIn.model_validate(adult["submission"]["measurements"]).hb == 11.5


async def test_weeks_by_her_last_period_follow_a_corrected_day(store) -> None:
    """Her HPHT is kept as given: corrected to the day she really came, the visit is read
    at the weeks of that day – here past 20, so her hypertension with protein in the urine
    is pre-eclampsia, referred at once."""
    pregnant = ScreeningSubmission.model_validate({
        "person": {"nik": "6307055203980003", "name": "Siti", "sex": "F",
                   "birth_date": "1998-03-12"},
        "posyandu_id": "psy-1", "screened_on": "2026-09-20",
        "pregnancy": {"last_period": "2026-05-20", "anc_visit": 2},
        "measurements": {"systolic": 150, "diastolic": 96, "protein_urine": 2}})
    async with store.transaction() as tx:
        first, _ = await intake.record(tx, pregnant, "k-siti", "key")
        assert first["measurements"]["gestational_weeks"] == 17
        assert "preeclampsia" not in codes(first)  # before 20 weeks
        later = await intake.amend(tx, first["screening_id"], AmendmentIn.model_validate(
            {"reason": "tanggal salah tulis", "screened_on": "2026-11-20"}))
    assert later["measurements"]["gestational_weeks"] == 26
    assert "preeclampsia" in codes(later)
    assert later["submission"]["pregnancy"]["last_period"] == "2026-05-20"


async def test_an_anc_contact_after_her_recorded_delivery_is_refused(store) -> None:
    """A mother seen with her newborn, ticked as pregnant: her delivery is recorded, so an
    ANC contact dating a pregnancy from before it is refused naming it. A new pregnancy,
    begun after it, is not."""
    from ilp_contracts.screening import BirthSubmission
    from ilp_kit.errors import InvalidInput

    birth = BirthSubmission.model_validate({
        "mother": SITI, "baby": {"mother_nik": SITI["nik"], "name": "Bayi Ny. Siti",
                                 "sex": "F", "birth_date": "2026-09-03"},
        "posyandu_id": "psy-1", "place": "fasyankes"})
    async with store.transaction() as tx:
        await intake.record_birth(tx, birth, "b-1", "key")
    async with store.transaction() as tx:
        with pytest.raises(InvalidInput) as refused:
            await intake.record(tx, anc_contact("2026-09-10", last_period="2026-01-01"), "k-1",
                                "key")
        [said] = refused.value.detail()
        assert (said["loc"], said["type"]) == (["body", "pregnancy"], "after_delivery")
        assert "2026-09-03" in said["msg"]
        again, _ = await intake.record(tx, anc_contact("2026-12-04", last_period="2026-10-20"),
                                       "k-2", "key")
    assert again["measurements"]["gestational_weeks"] == 6


async def test_a_contact_whose_weeks_contradict_her_other_contacts_is_refused(store) -> None:
    """20 weeks on 4 August, then '12' on 1 September (24 was meant): refused naming the
    August contact – counted, it would be a pregnancy of its own. With the weeks right
    it is taken, and so is the same woman's next pregnancy a year on; correcting the
    first contact's weeks is checked against the others too."""
    from ilp_kit.errors import InvalidInput

    def contact(on: str, weeks: int) -> ScreeningSubmission:
        return anc_contact(on, gestational_weeks=weeks)
    async with store.transaction() as tx:
        first, _ = await intake.record(tx, contact("2025-08-04", 20), "k-1", "key")
        with pytest.raises(InvalidInput) as refused:
            await intake.record(tx, contact("2025-09-01", 12), "k-2", "key")
        [said] = refused.value.detail()
        assert (said["loc"], said["type"]) == (["body", "pregnancy", "gestational_weeks"],
                                               "dating_conflict")
        assert "2025-08-04" in said["msg"] and said["msg"].render("id").startswith(
            "kontaknya pada 4 Agustus 2025")
        await intake.record(tx, contact("2025-09-01", 24), "k-3", "key")
        await intake.record(tx, contact("2026-06-01", 8), "k-4", "key")  # the next one
        with pytest.raises(InvalidInput):
            await intake.amend(tx, first["screening_id"], AmendmentIn.model_validate(
                {"reason": "salah tulis", "pregnancy": {"gestational_weeks": 30,
                                                         "anc_visit": 1}}))
