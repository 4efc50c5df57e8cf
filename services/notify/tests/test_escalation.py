from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ilp_contracts.wilayah import WIB, WIT
from ilp_notify.domain.escalation import next_rung
from ilp_notify.domain.lifecycle import transition_problem

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_overdue_tasks_climb_the_ladder_and_stop_at_the_top() -> None:
    overdue = NOW - timedelta(hours=1)
    step = next_rung("kader", 0, overdue, NOW, WIB)  # 19:00 WIB on the 23rd
    assert (step.level, step.role) == (1, "bidan")
    assert step.due_at == datetime(2026, 11, 25, 23, 59, tzinfo=WIB)  # 23rd, 24th, 25th
    step = next_rung("bidan", 1, overdue, NOW, WIB)
    assert (step.level, step.role) == (2, "puskesmas")
    assert next_rung("puskesmas", 2, overdue, NOW, WIB) is None


def test_an_escalated_task_is_due_at_the_end_of_a_local_day() -> None:
    """Overdue from midnight in Jayapura (15:00 UTC): the bidan's three days are the 24th
    to the 26th there – an SMS saying "batas 2026-11-26" means what it says."""
    midnight_wit = datetime(2026, 11, 23, 15, 1, tzinfo=UTC)
    step = next_rung("kader", 0, datetime(2026, 11, 23, 23, 59, tzinfo=WIT), midnight_wit, WIT)
    assert step.due_at == datetime(2026, 11, 26, 23, 59, tzinfo=WIT)
    assert step.due_at.isoformat()[:10] == "2026-11-26"


def test_tasks_not_yet_due_or_for_health_workers_start_at_their_rung() -> None:
    assert next_rung("kader", 0, NOW + timedelta(minutes=1), NOW, WIB) is None
    step = next_rung("bidan", 0, NOW - timedelta(days=1), NOW, WIB)  # a bidan task: next is puskesmas
    assert step.role == "puskesmas"
    for role in ("perawat", "home_care"):  # the pustu's other health worker: same rung
        step = next_rung(role, 0, NOW - timedelta(days=1), NOW, WIB)
        assert (step.level, step.role) == (2, "puskesmas")


def test_lifecycle_transitions() -> None:
    assert transition_problem("accept", "open") is None
    assert transition_problem("complete", "accepted") is None
    assert transition_problem("cancel", "completed") is not None
    assert transition_problem("accept", "cancelled") is not None


def test_hypertensive_adults_without_a_bp_check_for_a_month_get_a_visit() -> None:
    from datetime import date

    from ilp_contracts.wilayah import WIB
    from ilp_notify.domain.defaulters import (RECHECK_OF, missed_recheck, recheck_followed_up,
                                              recheck_watch)

    bp = RECHECK_OF["hipertensi"]
    state = recheck_watch(bp, None, date(2026, 10, 1), {"hypertension_grade_1"}, {"systolic"})
    assert state == {"condition": "hipertensi", "last_checked_on": "2026-10-01",
                     "under_watch": True, "check_on": "2026-11-01"}
    assert recheck_watch(bp, state, date(2026, 9, 1), set(), {"systolic"}) is None  # older
    assert recheck_watch(bp, state, date(2026, 10, 5), set(), {"weight_kg"}) is None  # no BP
    assert missed_recheck(state, date(2026, 10, 31), WIB) is None
    need = missed_recheck(state, date(2026, 11, 1), WIB)
    assert (need.reason, need.role) == ("kontrol_hipertensi", "perawat")
    visited = recheck_followed_up(state, date(2026, 11, 3))  # and still no BP check recorded
    assert missed_recheck(visited, date(2026, 12, 3), WIB) is None
    assert missed_recheck(visited, date(2026, 12, 4), WIB) is not None  # another month
    normal = recheck_watch(bp, state, date(2026, 10, 20), set(), {"systolic"})
    assert missed_recheck(normal, date(2027, 1, 1), WIB) is None


def test_a_known_patient_in_range_stays_under_monthly_watch() -> None:
    """A diagnosed hypertensive whose reading is in range (controlled) is still checked
    monthly – the SPM's standard service –, and so is a diagnosed diabetic's glucose."""
    from datetime import date

    from ilp_notify.domain.defaulters import RECHECK_OF, missed_recheck, recheck_watch

    bp = recheck_watch(RECHECK_OF["hipertensi"], None, date(2026, 10, 1),
                       {"hypertension_controlled"}, {"systolic"})
    need = missed_recheck(bp, date(2026, 11, 1), WIB)
    assert (need.reason, need.role) == ("kontrol_hipertensi", "perawat")
    for found in ({"diabetes_controlled"}, {"diabetes_uncontrolled"}):
        sugar = recheck_watch(RECHECK_OF["diabetes"], None, date(2026, 10, 1), found,
                              {"glucose_random"})
        assert missed_recheck(sugar, date(2026, 10, 31), WIB) is None
        need = missed_recheck(sugar, date(2026, 11, 1), WIB)
        assert (need.reason, need.role) == ("kontrol_diabetes", "perawat")
    suspected = recheck_watch(RECHECK_OF["diabetes"], None, date(2026, 10, 1),
                              {"diabetes_suspected"}, {"glucose_random"})
    assert missed_recheck(suspected, date(2027, 1, 1), WIB) is None  # confirmed first


def test_prediabetes_and_obesity_are_re_evaluated_every_three_months() -> None:
    from datetime import date

    from ilp_contracts.wilayah import WIB
    from ilp_notify.domain.defaulters import RECHECK_OF, missed_recheck, recheck_watch

    sugar = recheck_watch(RECHECK_OF["prediabetes"], None, date(2026, 8, 1), {"prediabetes"},
                          {"glucose_fasting", "systolic"})
    assert missed_recheck(sugar, date(2026, 10, 30), WIB) is None  # 90 days
    need = missed_recheck(sugar, date(2026, 10, 31), WIB)
    assert (need.reason, need.role) == ("evaluasi_prediabetes", "kader")
    weight = RECHECK_OF["obesitas"]
    obese = recheck_watch(weight, None, date(2026, 8, 1), {"obese_1"},
                          {"weight_kg", "height_cm"})
    assert missed_recheck(obese, date(2026, 10, 31), WIB).reason == "evaluasi_obesitas"
    # a weight without a height is no BMI: not a re-evaluation
    assert recheck_watch(weight, obese, date(2026, 9, 1), set(), {"weight_kg"}) is None
    slimmer = recheck_watch(weight, obese, date(2026, 9, 1), {"bmi_overweight"},
                            {"weight_kg", "height_cm"})
    assert missed_recheck(slimmer, date(2027, 1, 1), WIB) is None


async def test_tasks_held_by_the_puskesmas_do_not_stop_the_others_climbing(tmp_path) -> None:
    """Overdue tasks at the top rung stay overdue (nobody above to hand them to); six
    hundred of them – more than a round reads – must not hide a kader's overdue task."""
    from ilp_kit.service import Runtime
    from ilp_kit.settings import ServiceSettings
    from ilp_kit.store import SqliteStore
    from ilp_notify.app import SPEC
    from ilp_notify.scheduler import escalate_overdue

    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    rt = Runtime(ServiceSettings(service="notify", escalation_interval_s=60), store)
    overdue = (NOW - timedelta(days=30)).isoformat()
    task = {"reason": "masalah_gizi_balita", "person_id": "p", "priority": "high",
            "desa_code": "33.73.04.1001", "posyandu_id": "psy-1", "status": "open"}
    async with store.transaction() as tx:
        for n in range(600):
            await tx.put("tasks", f"top-{n}", {**task, "task_id": f"top-{n}", "role": "puskesmas",
                                               "escalation_level": 2, "due_at": overdue})
        await tx.put("tasks", "kader-1", {**task, "task_id": "kader-1", "role": "kader",
                                          "escalation_level": 0,
                                          "due_at": (NOW - timedelta(days=1)).isoformat()})
    assert await escalate_overdue(rt, NOW) == 1
    climbed = await store.get("tasks", "kader-1")
    assert (climbed["role"], climbed["escalation_level"]) == ("bidan", 1)
    assert await escalate_overdue(rt, NOW) == 0  # due again in three days
    await store.close()


async def test_a_round_escalates_by_the_clock_not_by_the_written_time(tmp_path) -> None:
    """Due times keep their zone's offset, so the store orders them by local clock:
    23:59 WIT (14:59 UTC) sorts after 23:00 WIB (16:00 UTC). At 15:30 UTC only the
    Jayapura task is overdue, and it must not wait behind the Semarang one."""
    from ilp_kit.service import Runtime
    from ilp_kit.settings import ServiceSettings
    from ilp_kit.store import SqliteStore
    from ilp_notify.app import SPEC
    from ilp_notify.scheduler import escalate_overdue

    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    rt = Runtime(ServiceSettings(service="notify", escalation_interval_s=60), store)
    task = {"reason": "masalah_gizi_balita", "person_id": "p", "priority": "high",
            "posyandu_id": "psy-1", "status": "open", "role": "kader", "escalation_level": 0}
    async with store.transaction() as tx:
        await tx.put("tasks", "semarang", {**task, "task_id": "semarang",
                                           "desa_code": "33.73.04.1001",
                                           "due_at": "2026-11-27T23:00:00+07:00"})
        await tx.put("tasks", "jayapura", {**task, "task_id": "jayapura",
                                           "desa_code": "91.71.03.2001",
                                           "due_at": "2026-11-27T23:59:00+09:00"})
    assert await escalate_overdue(rt, datetime(2026, 11, 27, 15, 30, tzinfo=UTC)) == 1
    assert (await store.get("tasks", "jayapura"))["role"] == "bidan"
    assert (await store.get("tasks", "semarang"))["role"] == "kader"
    await store.close()


async def test_the_puskesmas_rung_goes_to_its_bidan_or_perawat(tmp_path) -> None:
    """A visit past the desa's bidan goes to a health worker of the puskesmas serving the
    desa – not back to the puskesmas bidan who stood in for the desa and let it lapse,
    while there is another –, and one waiting for the puskesmas's first health worker
    goes to her when she is registered."""
    from ilp_contracts import FacilityUpserted, WorkerAssigned
    from ilp_kit.service import Runtime
    from ilp_kit.settings import ServiceSettings
    from ilp_kit.store import SqliteStore
    from ilp_notify.app import SPEC
    from ilp_notify.handlers import handlers
    from ilp_notify.scheduler import escalate_overdue

    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    rt = Runtime(ServiceSettings(service="notify", escalation_interval_s=60), store)
    apply = handlers(rt.settings)
    served, unstaffed = "33.73.04.1001", "33.73.05.1001"

    def staff(worker_id: str, role: str, puskesmas: str) -> WorkerAssigned:
        return WorkerAssigned(worker_id=worker_id, name=worker_id, role=role,
                              facility_id=puskesmas, area_code=puskesmas[-8:])

    overdue = (NOW - timedelta(days=1)).isoformat()
    async with store.transaction() as tx:
        for puskesmas, desa in (("pkm-33.73.04", served), ("pkm-33.73.05", unstaffed)):
            await apply[FacilityUpserted](tx, FacilityUpserted(
                facility_id=puskesmas, type="puskesmas", name=puskesmas,
                area_code=puskesmas[-8:], working_area=[desa]))
        await apply[WorkerAssigned](tx, staff("bidan-pkm", "bidan", "pkm-33.73.04"))
        await apply[WorkerAssigned](tx, staff("perawat-pkm", "perawat", "pkm-33.73.04"))
        for task_id, desa, role in (("gizi", served, "bidan"), ("hipertensi", served, "perawat"),
                                    ("waiting", unstaffed, "bidan")):
            await tx.put("tasks", task_id, {
                "task_id": task_id, "reason": "masalah_gizi_balita", "person_id": task_id,
                "priority": "high", "desa_code": desa, "posyandu_id": "psy-1",
                "status": "open", "role": role, "escalation_level": 1, "due_at": overdue,
                "assignee_id": "bidan-pkm"})
    assert await escalate_overdue(rt, NOW) == 3
    held = {t["task_id"]: (t["role"], t["assignee_id"]) for t in await store.find("tasks")}
    assert held == {"gizi": ("puskesmas", "perawat-pkm"),  # not bidan-pkm again
                    "hipertensi": ("puskesmas", "perawat-pkm"),
                    "waiting": ("puskesmas", None)}  # that puskesmas has nobody yet
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, staff("bidan-lima", "bidan", "pkm-33.73.05"))
    assert (await store.get("tasks", "waiting"))["assignee_id"] == "bidan-lima"
    assert (await store.get("tasks", "gizi"))["assignee_id"] == "perawat-pkm"
    await store.close()
