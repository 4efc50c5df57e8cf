"""A kader records a mental-health questionnaire but reads no one's results back; the
bidan and perawat who follow them up do. Every way a screening is read keeps the line."""

from __future__ import annotations

from datetime import date

from ilp_contracts.screening import ScreeningSubmission
from ilp_kit.auth import Principal
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import SqliteStore
from ilp_screening import api, intake, persons
from ilp_screening.app import SPEC
from ilp_screening.models import ScreeningOut

DESA = "33.73.04.1001"
KADER = Principal("kader-1", frozenset({"kader"}), (DESA,), worker_id="kader-1")
BIDAN = Principal("bidan-1", frozenset({"bidan"}), (DESA,), worker_id="bidan-1")
KADER_AND_BIDAN = Principal("b-2", frozenset({"kader", "bidan"}), (DESA,))


def adult(srq20: int, born: int = 1980) -> ScreeningSubmission:
    return ScreeningSubmission.model_validate({
        "person": {"nik": f"3373044107{born % 100:02d}0001", "name": "Siti", "sex": "F",
                   "birth_date": f"{born}-07-01"},
        "posyandu_id": "psy-1", "screened_on": date.today().isoformat(),
        "measurements": {"srq20": srq20, "systolic": 150, "diastolic": 95}})


async def test_a_kader_reads_no_mental_health_result_a_health_worker_does(tmp_path) -> None:
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    rt = Runtime(ServiceSettings(service="screening"), store)
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": DESA, "rw": None,
                                           "active": True})
        recorded, _ = await intake.record(tx, adult(srq20=12), "k-1", "key")
    assert {f["code"] for f in recorded["findings"]} >= {"mental_health_risk",
                                                         "hypertension_grade_1"}

    def seen(reads: list[dict]) -> list[tuple[set[str], set[str]]]:
        shown = [ScreeningOut.model_validate(r) for r in reads]
        return [(set(s.measurements), {f.code for f in s.findings}) for s in shown]

    for caller in (KADER, BIDAN, KADER_AND_BIDAN):
        reads = [await api.get_screening(recorded["screening_id"], rt, caller),
                 *await persons.person_history(recorded["person_id"], rt, caller),
                 *await api.list_screenings(rt, caller, DESA, limit=10, offset=0)]
        for measures, findings in seen(reads):
            assert "systolic" in measures and "hypertension_grade_1" in findings
            hidden = caller is KADER
            assert ("srq20" in measures, "mental_health_risk" in findings) == (
                not hidden, not hidden), caller
    await store.close()


async def test_the_kohort_ibu_shows_a_kader_no_mental_health_risk(tmp_path) -> None:
    from ilp_screening import registers

    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    rt = Runtime(ServiceSettings(service="screening"), store)
    pregnant = ScreeningSubmission.model_validate({
        **adult(srq20=12, born=1998).model_dump(mode="json"),
        "pregnancy": {"gestational_weeks": 20, "anc_visit": 2},
        "measurements": {"srq20": 12, "muac_cm": 22.0}})
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": DESA, "rw": None,
                                           "active": True})
        await intake.record(tx, pregnant, "k-1", "key")
    for caller, risks in ((BIDAN, ["kek", "mental_health_risk"]), (KADER, ["kek"])):
        (row,) = await registers._pregnancies(rt, caller, DESA)
        assert row["risks"] == risks
    await store.close()
