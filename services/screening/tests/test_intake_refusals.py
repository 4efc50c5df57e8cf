"""`intake.record` refuses before it writes: bulk intake (offline sync, register CSV)
stores a whole batch in one transaction and relies on a refused screening leaving
nothing behind."""

from __future__ import annotations

import json

import pytest
from ilp_contracts import ScreeningSubmission
from ilp_contracts.screening import MeasurementsIn
from ilp_kit.auth import Principal
from ilp_kit.errors import ForbiddenError, InvalidInput
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening import intake
from ilp_screening.app import SPEC
from ilp_screening.models import AmendmentIn

WRITES = ("put", "delete", "add_outbox")


class Counting:
    """A transaction that counts its writes."""

    def __init__(self, tx) -> None:  # noqa: ANN001 – any store transaction
        self.tx, self.writes = tx, 0

    def __getattr__(self, name: str):  # noqa: ANN204
        attribute = getattr(self.tx, name)
        if name in WRITES:
            self.writes += 1
        return attribute


def balita(**changes) -> ScreeningSubmission:
    body = {"person": {"nik": "3373041011240001", "name": "Bima", "sex": "M",
                       "birth_date": "2024-11-10"},
            "posyandu_id": "psy-1", "screened_on": "2026-11-20",
            "measurements": {"weight_kg": 9.1, "height_cm": 79.0, "measured_lying": False}}
    return ScreeningSubmission.model_validate({**body, **changes})


REFUSALS = {
    "implausible": (balita(measurements={"weight_kg": 95.0}), "k-1", None, InvalidInput),
    "a z-score beyond WHO's limits": (balita(measurements={"weight_kg": 35.0, "height_cm": 79.0}),
                                      "k-5", None, InvalidInput),
    "unknown posyandu": (balita(posyandu_id="psy-x"), "k-2", None, InvalidInput),
    "closed posyandu": (balita(posyandu_id="psy-closed"), "k-3", None, InvalidInput),
    "outside the wilayah": (balita(), "k-4", ("33.74",), ForbiddenError),
    "key used for another screening": (balita(screened_on="2026-11-19"), "k-used", None,
                                       InvalidInput),
}


@pytest.mark.parametrize("case", list(REFUSALS))
async def test_a_refused_screening_writes_nothing(tmp_path, case: str) -> None:
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        for posyandu, active in (("psy-1", True), ("psy-closed", False)):
            await tx.put("posyandu", posyandu, {"id": posyandu, "area_code": "33.73.04.1001",
                                                "rw": None, "active": active})
        await intake.record(tx, balita(), "k-used", "key")
    submission, key, wilayah, refusal = REFUSALS[case]
    scope = Principal("bidan", frozenset({"bidan"}), wilayah) if wilayah else intake.OPEN
    async with store.transaction() as tx:
        counting = Counting(tx)
        with pytest.raises(refusal) as refused:
            await intake.record(counting, submission, key, "key", scope=scope)
        assert counting.writes == 0
    if case == "closed posyandu":  # not "unknown": the kader knows it is there
        assert refused.value.detail()[0]["msg"] == "posyandu psy-closed is closed"
    await store.close()


async def test_the_event_names_the_persons_rw_else_the_posyandus_if_it_has_one(tmp_path) -> None:
    """The kader covering the person's RW – or her RT, a dasawisma's – gets her task: the
    event carries both, and a correction keeps them."""
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": "RW 02", "active": True})
        with_rw = balita(person={"nik": "3373041011240001", "name": "Bima", "sex": "M",
                                 "birth_date": "2024-11-10", "rw": "05", "rt": "003"})
        first, _ = await intake.record(tx, with_rw, "k-rw", "key")
        second, _ = await intake.record(tx, balita(screened_on="2026-11-19"), "k-none", "key")
        corrected = await intake.amend(tx, first["screening_id"], AmendmentIn(
            reason="berat salah tulis", measurements=MeasurementsIn(weight_kg=9.4)))
    assert (first["rw"], second["rw"]) == ("05", "RW 02")
    assert (first["rt"], second["rt"], corrected["rt"], corrected["rw"]) == ("003", None,
                                                                          "003", "05")
    [announced, *_] = [json.loads(r.body) for r in await store.pending_outbox(10)]
    assert (announced["rw"], announced["rt"]) == ("05", "003")
    # A posyandu serving several RWs does not say which is hers.
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-2", {"id": "psy-2", "area_code": "33.73.04.1001",
                                           "rw": "RW 02, 06, 10", "active": True})
        third, _ = await intake.record(tx, balita(posyandu_id="psy-2"), "k-psy-2", "key")
    assert third["rw"] is None
    await store.close()


async def test_the_event_says_a_development_check_was_made_whatever_it_found(tmp_path) -> None:
    """The SPM counts a balita's development checked twice a year: a KPSP as expected
    finds nothing, and the event says it was made all the same; a correction keeps it."""
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": None, "active": True})
        checked, _ = await intake.record(tx, balita(measurements={
            "weight_kg": 11.2, "kpsp": "sesuai"}), "k-kpsp", "key")
        weighed, _ = await intake.record(tx, balita(screened_on="2026-11-19"), "k-w", "key")
        corrected = await intake.amend(tx, checked["screening_id"], AmendmentIn(
            reason="berat salah tulis", measurements=MeasurementsIn(weight_kg=11.4,
                                                                    kpsp="sesuai")))
    assert (checked["kpsp"], weighed["kpsp"], corrected["kpsp"]) == ("sesuai", None, "sesuai")
    assert not checked["findings"]
    announced = [json.loads(r.body) for r in await store.pending_outbox(10)]
    assert [event.get("kpsp") for event in announced] == ["sesuai", None, "sesuai"]
    # the answer and the history show it – from the submission, for one stored before
    from ilp_screening.models import ScreeningOut
    older = {k: v for k, v in corrected.items() if k != "kpsp"}
    assert ScreeningOut.model_validate(corrected).kpsp == "sesuai"
    assert ScreeningOut.model_validate(older).kpsp == "sesuai"
    await store.close()


async def test_the_visit_completing_basic_immunisation_is_marked(tmp_path) -> None:
    """Doses come over a year of visits: the one that completes the set says so."""
    from ilp_screening.domain.rules import IDL_DOSES

    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    baby = {"nik": "3373045009250001", "name": "Ayu", "sex": "F", "birth_date": "2025-09-10"}
    visits = [("2025-10-10", sorted(IDL_DOSES - {"MR1", "IPV1"})), ("2026-01-10", ["IPV1"]),
              ("2026-06-10", ["MR1"]), ("2026-07-10", ["PCV3"])]
    marked = []
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": None, "active": True})
        for n, (day, doses) in enumerate(visits):
            sub = balita(person=baby, screened_on=day,
                         measurements={"weight_kg": 6.0 + n, "immunizations": doses})
            screening, _ = await intake.record(tx, sub, f"k-{day}", "key")
            marked.append("imunisasi_dasar_lengkap" in {f["code"] for f in screening["findings"]})
    assert marked == [False, False, True, False]
    await store.close()


async def test_a_birth_is_corrected_but_not_against_the_babys_nik(tmp_path) -> None:
    """A baby known by the mother's NIK and a local id: her day and weight are corrected,
    and her own record follows. A baby recorded by NIK keeps the day and sex the NIK says:
    refused, nothing written."""
    from datetime import timedelta

    from ilp_contracts import BirthCorrection, BirthSubmission

    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    born = intake.today() - timedelta(days=3)
    mother = {"nik": "3373045203960001", "name": "Sari", "sex": "F", "birth_date": "1996-03-12"}

    def birth(baby: dict) -> BirthSubmission:
        return BirthSubmission.model_validate({
            "mother": mother, "posyandu_id": "psy-1", "birth_weight_g": 3100,
            "baby": {"name": "Bayi", "sex": "F", "birth_date": born.isoformat(), **baby}})

    day_before = BirthCorrection(reason="salah tanggal", born_on=born - timedelta(days=1),
                                 birth_weight_g=2400)
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": None, "active": True})
        local, _ = await intake.record_birth(
            tx, birth({"mother_nik": mother["nik"], "local_id": "anak-1"}), "b-1", "key")
        corrected = await intake.amend_birth(tx, local["birth_id"], day_before)
        assert (corrected["born_on"], corrected["birth_weight_g"], corrected["version"]) == (
            str(born - timedelta(days=1)), 2400, 2)
        assert (await tx.get("persons", local["baby_id"]))["birth_date"] == str(
            born - timedelta(days=1))
        nik = f"337304{born.day + 40:02d}{born:%m%y}0001"
        by_nik, _ = await intake.record_birth(tx, birth({"nik": nik}), "b-2", "key")
        counting = Counting(tx)
        with pytest.raises(InvalidInput) as refused:
            await intake.amend_birth(counting, by_nik["birth_id"], day_before)
        assert counting.writes == 0
        assert {d["type"] for d in refused.value.detail()} == {"nik_mismatch"}
        with pytest.raises(InvalidInput) as refused:
            await intake.amend_birth(tx, by_nik["birth_id"], BirthCorrection(
                reason="salah jenis kelamin", baby_sex="M"))
        assert [d["loc"] for d in refused.value.detail()] == [["body", "baby_sex"]]
        boy = await intake.amend_birth(tx, local["birth_id"], BirthCorrection(
            reason="salah jenis kelamin", baby_sex="M"))
        assert (await tx.get("persons", boy["baby_id"]))["sex"] == "M"
        weight_only = BirthCorrection(reason="salah timbang", birth_weight_g=2400)
        assert (await intake.amend_birth(tx, by_nik["birth_id"], weight_only))["version"] == 2
    await store.close()


async def test_a_corrected_birth_day_is_checked_against_the_mothers_age(tmp_path) -> None:
    """The mother's age at the birth is checked on a correction as on recording: a day
    that makes a mother just 10 at the birth younger than 10 is refused, nothing written."""
    from datetime import timedelta

    from ilp_contracts import BirthCorrection, BirthSubmission

    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    born = intake.today() - timedelta(days=3)
    mother_born = born.replace(year=born.year - 10) - timedelta(days=3)  # 10 at the birth
    mother = {"nik": f"337304{mother_born.day + 40:02d}{mother_born:%m%y}0001", "name": "Ani",
              "sex": "F", "birth_date": mother_born.isoformat()}
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": None, "active": True})
        recorded, _ = await intake.record_birth(tx, BirthSubmission.model_validate({
            "mother": mother, "posyandu_id": "psy-1", "birth_weight_g": 3000,
            "baby": {"name": "Bayi", "sex": "M", "birth_date": born.isoformat(),
                     "mother_nik": mother["nik"], "local_id": "anak-1"}}), "b-1", "key")
        counting = Counting(tx)
        with pytest.raises(InvalidInput) as refused:
            await intake.amend_birth(counting, recorded["birth_id"], BirthCorrection(
                reason="salah tanggal", born_on=born - timedelta(days=7)))
        assert counting.writes == 0
        assert [(d["loc"], d["type"]) for d in refused.value.detail()] == [
            (["body", "born_on"], "implausible")]
        later = await intake.amend_birth(tx, recorded["birth_id"], BirthCorrection(
            reason="salah tanggal", born_on=born - timedelta(days=1)))
        assert later["version"] == 2
    await store.close()


async def test_an_implausible_growth_z_score_is_kept_once_measured_again(tmp_path) -> None:
    """35 kg at two years: refused at the weight (a slip of the keyboard is likelier than
    the child). Weighed again and confirmed, it is kept and says so; a correction into the
    implausible is refused the same way."""
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    heavy = {"weight_kg": 35.0, "height_cm": 79.0}
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": None, "active": True})
        with pytest.raises(InvalidInput) as refused:
            await intake.record(tx, balita(measurements=heavy), "k-heavy", "key",
                                loc=("screening",))
        [detail] = refused.value.detail()
        assert (detail["loc"], detail["type"]) == (
            ["body", "screening", "measurements", "weight_kg"], "implausible_z")
        kept, created = await intake.record(
            tx, balita(measurements={**heavy, "rechecked": True}), "k-heavy-2", "key")
        assert created and kept["checks"] == {"rechecked": True}
        assert kept["measurements"]["waz"] > 5
        usual, _ = await intake.record(tx, balita(screened_on="2026-11-19"), "k-usual", "key")
        with pytest.raises(InvalidInput):
            await intake.amend(tx, usual["screening_id"], AmendmentIn(
                reason="salah tulis", measurements=MeasurementsIn(**heavy)))
    await store.close()
