"""A correction gives only what changes: the rest of the screening stays as recorded."""

from __future__ import annotations

from ilp_contracts.screening import MeasurementsIn, ScreeningSubmission
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening import intake
from ilp_screening.app import SPEC
from ilp_screening.models import AmendmentIn


def codes(screening: dict) -> set[str]:
    return {f["code"] for f in screening["findings"]}


async def test_correcting_one_value_keeps_the_others_and_the_pregnancy(tmp_path) -> None:
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    pregnant = ScreeningSubmission.model_validate({
        "person": {"nik": "9103015405020003", "name": "Ester", "sex": "F",
                   "birth_date": "2002-05-14"},
        "posyandu_id": "psy-1", "screened_on": "2026-12-03",
        "pregnancy": {"gestational_weeks": 24, "anc_visit": 2},
        "measurements": {"weight_kg": 48, "height_cm": 152, "muac_cm": 22.0, "hb": 9.2,
                         "systolic": 148, "diastolic": 96}})
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "91.03.01.2001",
                                           "rw": None, "active": True})
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
    await store.close()
