"""Who gets a task, within one transaction (a batch of events): the answer is remembered,
but a worker registered or leaving in the same batch counts for the events after it."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from ilp_contracts import FacilityUpserted, Finding, ScreeningRecorded, WorkerAssigned
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query
from ilp_kit.store.sqlite import SqliteStore
from hypothesis import given
from hypothesis import strategies as st
from ilp_notify.app import SPEC
from ilp_notify.domain.assignment import coverage, pick_kader, rw_number
from ilp_notify.handlers import handlers


def stunted(n: int) -> ScreeningRecorded:
    return ScreeningRecorded(
        screening_id=f"s{n}", person_id=f"p{n}", stage="balita", sex="F", age_months=20,
        screened_on=date(2026, 11, 20), period="2026-11", desa_code="33.73.04.2001",
        posyandu_id="psy-1", measurements={"weight_kg": 8.9, "height_cm": 78.0},
        findings=[Finding(code="stunted", severity="moderate")])


def kader(worker_id: str, active: bool = True, coverage: tuple[str, ...] = ()) -> WorkerAssigned:
    return WorkerAssigned(worker_id=worker_id, name=worker_id, role="kader",
                          facility_id="psy-1", area_code="33.73.04.2001", active=active,
                          coverage=list(coverage))


async def test_a_worker_change_in_the_batch_counts_for_the_events_after_it(tmp_path) -> None:
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    async with store.transaction() as tx:
        await apply[ScreeningRecorded](tx, stunted(1))  # nobody covers psy-1 yet
        await apply[WorkerAssigned](tx, kader("kader-ani"))  # adopts task 1
        await apply[ScreeningRecorded](tx, stunted(2))
        await apply[WorkerAssigned](tx, kader("kader-ani", active=False))
        await apply[WorkerAssigned](tx, kader("kader-umi"))
        await apply[ScreeningRecorded](tx, stunted(3))
    tasks = {t["person_id"]: t["assignee_id"] for t in await store.find("tasks")}
    # ani left: her tasks went to nobody, then umi adopted them with the new one
    assert tasks == {"p1": "kader-umi", "p2": "kader-umi", "p3": "kader-umi"}
    async with store.transaction() as tx:  # a new batch asks afresh
        await apply[WorkerAssigned](tx, kader("kader-umi", active=False))
    async with store.transaction() as tx:
        await apply[ScreeningRecorded](tx, stunted(4))
    tasks = {t["person_id"]: t["assignee_id"] for t in await store.find("tasks")}
    assert tasks["p4"] is None  # waits for the next kader registered at psy-1
    await store.close()


def test_rw_labels_as_registers_write_them() -> None:
    assert {rw_number(x) for x in ("RW 04", "rw 4", "04", "4", "RW.04")} == {4}
    assert rw_number("Dusun Krajan") is None and rw_number(None) is None
    kaders = [{"id": "sri", "coverage": ["RW 01", "RW 02"]},
              {"id": "tini", "coverage": ["03", "4"]}]
    assert pick_kader(kaders, "RW 04") == "tini"
    # nobody covers it: one of the posyandu's, the same for the same person
    assert pick_kader(kaders, "RW 07", person_id="p1") == pick_kader(kaders, "7", None, "p1")
    assert pick_kader(kaders, None) in {"sri", "tini"} and pick_kader([], "RW 01") is None


def rws(label: str) -> set[int]:
    return set(coverage(label)[0] or ())


def test_a_kaders_coverage_as_ranges_and_lists() -> None:
    assert rws("RW 01-03") == rws("rw 1 s/d 3") == {1, 2, 3}
    assert rws("RW 04 – RW 06") == rws("RW 04, 05 dan 06") == {4, 5, 6}
    assert rws("Dusun Krajan") == set() and rws("RW 1-900") == set()
    kaders = [{"id": "sri", "coverage": ["RW 01-03"]}, {"id": "tini", "coverage": ["RW 04 s/d 06"]}]
    assert [pick_kader(kaders, rw) for rw in ("RW 02", "5")] == ["sri", "tini"]


def test_a_coverage_down_to_rts_the_dasawisma_division() -> None:
    assert coverage("RW 03 RT 01-04") == coverage("rw 3 / rt 1 s/d 4") == ({3}, {1, 2, 3, 4})
    assert coverage("RW 3, RT 1, 2 dan 5") == ({3}, {1, 2, 5})
    assert coverage("RT 01-02") == (None, {1, 2})  # in any RW of the posyandu
    assert coverage("RW 03") == ({3}, None)  # the whole RW
    kaders = [{"id": "ani", "coverage": ["RW 03"]},  # the RW's coordinator
              {"id": "sri", "coverage": ["RW 03 RT 01-02"]},
              {"id": "tini", "coverage": ["RT 03, 04"]}]
    assert pick_kader(kaders, "RW 03", "RT 02") == "sri"  # her dasawisma beats the RW
    assert pick_kader(kaders, "03", "4") == "tini"
    assert pick_kader(kaders, "RW 03", "RT 09") == "ani"  # no dasawisma names RT 09
    assert pick_kader(kaders, "RW 05", "RT 01") == pick_kader(kaders, "RW 05", None)
    # A kader without coverage of her own takes those nobody's coverage names.
    with_umi = [*kaders, {"id": "umi", "coverage": []}]
    assert [pick_kader(with_umi, "RW 05", None, f"p{n}") for n in range(20)] == ["umi"] * 20
    assert pick_kader(with_umi, "RW 03", "RT 09") == "ani"  # her RW still beats that


def test_a_desa_of_dusun_names_its_places() -> None:
    """Rural desa have dusun, not numbered RWs: the coverage names them, as registers
    write them."""
    kaders = [{"id": "ani", "coverage": ["Dusun Krajan"]},
              {"id": "sri", "coverage": ["Dsn. Sukamaju", "RW 07"]}]
    assert pick_kader(kaders, "Krajan") == pick_kader(kaders, "DUSUN  KRAJAN") == "ani"
    assert pick_kader(kaders, "dusun sukamaju") == pick_kader(kaders, "RW 7") == "sri"
    assert pick_kader(kaders, "Dusun Ngemplak", None, "p1") in {"ani", "sri"}
    west_java = [{"id": "ani", "coverage": ["Kampung Babakan"]}, {"id": "sri"}]
    assert pick_kader(west_java, "Kp. Babakan") == pick_kader(west_java, "KP BABAKAN") == "ani"
    yogya = [{"id": "ani", "coverage": ["Padukuhan Krapyak"]}, {"id": "sri"}]
    assert pick_kader(yogya, "Padukuhan Krapyak") == pick_kader(yogya, "Dusun Krapyak") == "ani"
    ntt = [{"id": "ani", "coverage": ["Dusun Oe'upu"]}, {"id": "sri", "coverage": ["Ta'ebone"]}]
    assert pick_kader(ntt, "Dsn. Oe’upu") == pick_kader(ntt, "Dusun Oeupu") == "ani"
    assert pick_kader(ntt, "Ta’ebone") == "sri"


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=400, unique=True))
def test_people_nobody_covers_are_spread_over_the_kader(people: list[str]) -> None:
    """Each person always to the same kader; a kader who joins takes people only to
    herself – nobody moves between the others."""
    kaders = [{"id": f"kader-{n}"} for n in range(4)]
    before = {p: pick_kader(kaders, "RW 01", None, p) for p in people}
    assert before == {p: pick_kader(list(reversed(kaders)), "RW 01", None, p) for p in people}
    after = {p: pick_kader([*kaders, {"id": "kader-new"}], "RW 01", None, p) for p in people}
    assert all(after[p] in (before[p], "kader-new") for p in people)


def test_the_spread_is_even() -> None:
    kaders = [{"id": f"kader-{n}"} for n in range(5)]
    shares = Counter(pick_kader(kaders, None, None, f"person-{n}") for n in range(5000))
    assert set(shares) == {k["id"] for k in kaders}
    assert max(shares.values()) < 1.15 * min(shares.values())


async def test_the_kader_of_the_persons_rw_else_the_desas_bidan(tmp_path) -> None:
    """Two kader share posyandu psy-1, one per RW: each gets the children of her RW. At a
    posyandu without a kader, the task goes to the desa's bidan instead of waiting."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    async with store.transaction() as tx:
        for worker_id, rw in (("kader-rw1", "RW 01"), ("kader-rw2", "RW 02")):
            await apply[WorkerAssigned](tx, kader(worker_id, coverage=(rw,)))
        await apply[WorkerAssigned](tx, WorkerAssigned(
            worker_id="bidan-desa", name="Bidan", role="bidan", facility_id="pustu-1",
            area_code="33.73.04.2001"))
        await apply[ScreeningRecorded](tx, stunted(1).model_copy(update={"rw": "02"}))
        await apply[ScreeningRecorded](tx, stunted(2).model_copy(update={"rw": "RW 1"}))
        await apply[ScreeningRecorded](tx, stunted(3).model_copy(update={"posyandu_id": "psy-2"}))
    tasks = {t["person_id"]: t["assignee_id"] for t in await store.find("tasks")}
    assert tasks == {"p1": "kader-rw2", "p2": "kader-rw1", "p3": "bidan-desa"}
    await store.close()


async def test_a_screening_at_the_pustu_goes_to_the_desas_kader_of_her_rw(tmp_path) -> None:
    """A child weighed at the desa's pustu, not at a posyandu: the kader of the desa who
    covers her RW, whichever posyandu she works at. In a desa with no kader yet the task
    waits, and the first kader registered there takes it."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    other = "33.73.04.2002"
    async with store.transaction() as tx:
        for place, desa in (("pustu-1", "33.73.04.2001"), ("pustu-2", other)):
            await apply[FacilityUpserted](tx, FacilityUpserted(
                facility_id=place, type="pustu", name=place, area_code=desa))
        await apply[WorkerAssigned](tx, kader("kader-rw1", coverage=("RW 01",)))
        await apply[WorkerAssigned](tx, kader("kader-rw2", coverage=("RW 02",)).model_copy(
            update={"facility_id": "psy-2"}))
        for n, rw in ((1, "02"), (2, "1")):
            await apply[ScreeningRecorded](tx, stunted(n).model_copy(
                update={"posyandu_id": "pustu-1", "rw": rw}))
        await apply[ScreeningRecorded](tx, stunted(3).model_copy(
            update={"posyandu_id": "pustu-2", "desa_code": other}))
    tasks = {t["person_id"]: t["assignee_id"] for t in await store.find("tasks")}
    assert tasks == {"p1": "kader-rw2", "p2": "kader-rw1", "p3": None}
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, kader("kader-x").model_copy(
            update={"facility_id": "psy-9", "area_code": other}))
    assert (await store.find("tasks", Query.of(person_id="p3")))[0]["assignee_id"] == "kader-x"
    await store.close()


async def test_the_kader_of_the_persons_dasawisma(tmp_path) -> None:
    """Two kader share RW 02 by RT: each gets the children of her RTs, and when one
    leaves, the other kader of the posyandu takes hers."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    async with store.transaction() as tx:
        for worker_id, rts in (("kader-a", "RW 02 RT 01-03"), ("kader-b", "RW 02 RT 04-06")):
            await apply[WorkerAssigned](tx, kader(worker_id, coverage=(rts,)))
        for n, rt in ((1, "005"), (2, "RT 2"), (3, "RT 06")):
            await apply[ScreeningRecorded](tx, stunted(n).model_copy(update={"rw": "02",
                                                                             "rt": rt}))
    tasks = {t["person_id"]: (t["assignee_id"], t["rt"]) for t in await store.find("tasks")}
    assert tasks == {"p1": ("kader-b", "005"), "p2": ("kader-a", "RT 2"),
                     "p3": ("kader-b", "RT 06")}
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, kader("kader-b", active=False,
                                              coverage=("RW 02 RT 04-06",)))
    assert {t["assignee_id"] for t in await store.find("tasks")} == {"kader-a"}
    await store.close()


async def test_a_kader_who_joins_takes_the_open_visits_of_her_places(tmp_path) -> None:
    """A kader's visit the bidan stood in for goes to the first kader who joins. Kader Maria
    joins covering Dusun 2: the open visits of its children move to her from Ani, who
    held them only by the spread – not one of Ani's own Dusun 1, one Ani accepted, nor
    one given to her by hand."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    in_dusun = {1: "Dusun 2", 2: "Dsn. 2", 3: "Dusun 2", 4: "Dusun 1", 5: "Dusun 2"}
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, WorkerAssigned(
            worker_id="bidan-desa", name="Bidan", role="bidan", facility_id="pustu-1",
            area_code="33.73.04.2001"))
        await apply[ScreeningRecorded](tx, stunted(5).model_copy(update={"rw": "Dusun 2"}))
    [stood_in] = await store.find("tasks")
    assert stood_in["assignee_id"] == "bidan-desa"  # no kader yet: the bidan stands in
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, kader("kader-ani", coverage=("Dusun 1",)))
        for n in (1, 2, 3, 4):
            await apply[ScreeningRecorded](tx, stunted(n).model_copy(update={"rw": in_dusun[n]}))
    held = {t["person_id"]: t for t in await store.find("tasks")}
    assert {p: t["assignee_id"] for p, t in held.items()} == {
        "p1": "kader-ani", "p2": "kader-ani", "p3": "kader-ani", "p4": "kader-ani",
        "p5": "kader-ani"}  # the first kader takes the bidan's stand-in visit
    async with store.transaction() as tx:
        await tx.put("tasks", held["p2"]["task_id"], {**held["p2"], "status": "accepted"})
        await tx.put("tasks", held["p3"]["task_id"], {**held["p3"], "assigned_by": "bidan"})
        await apply[WorkerAssigned](tx, kader("kader-maria", coverage=("Dusun 2",)))
    tasks = {t["person_id"]: t["assignee_id"] for t in await store.find("tasks")}
    assert tasks == {"p1": "kader-maria", "p2": "kader-ani", "p3": "kader-ani",
                     "p4": "kader-ani", "p5": "kader-maria"}
    await store.close()


async def test_the_other_health_worker_of_the_desa_before_a_kader(tmp_path) -> None:
    """A desa with a bidan and no perawat: the hypertensive adult's BP follow-up goes to
    the bidan, not to the kader; a desa with only a perawat: a hypertensive pregnancy goes
    to the perawat."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))

    def worker(worker_id: str, role: str, desa: str, facility: str) -> WorkerAssigned:
        return WorkerAssigned(worker_id=worker_id, name=worker_id, role=role,
                              facility_id=facility, area_code=desa)

    def found(n: int, desa: str, stage: str, code: str) -> ScreeningRecorded:
        return stunted(n).model_copy(update={
            "desa_code": desa, "stage": stage, "age_months": 400, "posyandu_id": f"psy-{desa}",
            "findings": [Finding(code=code, severity="severe")]})

    async with store.transaction() as tx:
        for event in (worker("bidan-a", "bidan", "A", "pustu-a"),
                      worker("kader-a", "kader", "A", "psy-A"),
                      worker("perawat-b", "perawat", "B", "pustu-b"),
                      worker("kader-b", "kader", "B", "psy-B")):
            await apply[WorkerAssigned](tx, event)
        await apply[ScreeningRecorded](tx, found(1, "A", "usia_dewasa", "hypertension_grade_2"))
        await apply[ScreeningRecorded](tx, found(2, "B", "ibu_hamil", "hypertension_pregnancy"))
        await apply[ScreeningRecorded](tx, found(3, "A", "lansia", "adl_severe_dependence"))
    tasks = {t["person_id"]: (t["role"], t["assignee_id"]) for t in await store.find("tasks")}
    assert tasks == {"p1": ("perawat", "bidan-a"), "p2": ("bidan", "perawat-b"),
                     "p3": ("home_care", "bidan-a")}
    await store.close()


async def test_a_desa_without_a_pustu_has_the_bidan_of_its_puskesmas(tmp_path) -> None:
    """Desa A has no health worker of its own: its pregnant woman's urgent referral goes to
    the bidan of the puskesmas whose working area names A – the one whose coverage names A
    when it has several –, not to the kader. Desa B's posyandu comes under a puskesmas
    with no working area given: its bidan. Desa C is nobody's: the kader brings one."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))

    def facility(facility_id: str, kind: str, area: str, parent: str | None = None,
                 serves: tuple[str, ...] = ()) -> FacilityUpserted:
        return FacilityUpserted(facility_id=facility_id, type=kind, name=facility_id,
                                area_code=area, parent_facility_id=parent,
                                working_area=list(serves))

    def worker(worker_id: str, role: str, facility_id: str, area: str,
               covers: tuple[str, ...] = ()) -> WorkerAssigned:
        return WorkerAssigned(worker_id=worker_id, name=worker_id, role=role,
                              facility_id=facility_id, area_code=area, coverage=list(covers))

    def pregnant(n: int, desa: str, posyandu: str) -> ScreeningRecorded:
        return stunted(n).model_copy(update={
            "desa_code": desa, "stage": "ibu_hamil", "age_months": 300,
            "posyandu_id": posyandu,
            "findings": [Finding(code="hypertension_pregnancy", severity="severe")]})

    a, b, c = "91.03.01.2001", "91.03.02.2001", "91.03.03.2001"
    async with store.transaction() as tx:
        for event in (facility("pkm-1", "puskesmas", "91.03.01", serves=(a,)),
                      facility("pkm-2", "puskesmas", "91.03.02"),
                      facility("psy-1", "posyandu", a, parent="pkm-1"),
                      facility("psy-1b", "posyandu", b, parent="pkm-2"),
                      facility("psy-1c", "posyandu", c)):
            await apply[FacilityUpserted](tx, event)
        for event in (worker("bidan-koordinator", "bidan", "pkm-1", "91.03.01"),
                      worker("bidan-maria", "bidan", "pkm-1", "91.03.01", covers=("9103012001",)),
                      worker("bidan-2", "bidan", "pkm-2", "91.03.02"),
                      worker("kader-a", "kader", "psy-1", a),
                      worker("kader-b", "kader", "psy-1b", b),
                      worker("kader-c", "kader", "psy-1c", c)):
            await apply[WorkerAssigned](tx, event)
        for n, (desa, posyandu) in enumerate(((a, "psy-1"), (b, "psy-1b"), (c, "psy-1c"))):
            await apply[ScreeningRecorded](tx, pregnant(n, desa, posyandu))
    tasks = {t["desa_code"]: t["assignee_id"] for t in await store.find("tasks")}
    assert tasks == {a: "bidan-maria", b: "bidan-2", c: "kader-c"}
    async with store.transaction() as tx:  # the puskesmas no longer serves desa A
        await apply[FacilityUpserted](tx, facility("pkm-1", "puskesmas", "91.03.01"))
    assert await store.get("desa_puskesmas", a) is None
    await store.close()


async def test_a_health_workers_visit_a_kader_stood_in_for_goes_to_the_bidan_who_comes(
        tmp_path) -> None:
    """The registry's events come after the screening's: the hypertensive pregnancy's
    referral first goes to the kader, and moves to the desa's bidan once she is known –
    the kader's own visit stays hers."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    desa = "33.73.04.2001"
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, kader("kader-ani"))
        await apply[ScreeningRecorded](tx, stunted(1).model_copy(update={
            "stage": "ibu_hamil", "age_months": 300,
            "findings": [Finding(code="hypertension_pregnancy", severity="severe"),
                         Finding(code="kek", severity="moderate")]}))
    before = {t["role"]: t["assignee_id"] for t in await store.find("tasks")}
    assert before == {"bidan": "kader-ani", "kader": "kader-ani"}
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, WorkerAssigned(
            worker_id="bidan-desa", name="Bidan", role="bidan", facility_id="pustu-1",
            area_code=desa))
    after = {t["role"]: t["assignee_id"] for t in await store.find("tasks")}
    assert after == {"bidan": "bidan-desa", "kader": "kader-ani"}
    # In the next desa, the bidan of the puskesmas is there first, and then the puskesmas
    # is given the desa as its working area: the same. (The kecamatan has two puskesmas:
    # neither serves it whole.)
    async with store.transaction() as tx:
        await _puskesmas_bidan_then_a_pregnancy(apply, tx, "pkm-1", "pkm-2")
    [next_desa] = await store.find("tasks", Query.of(person_id="p2"))
    assert next_desa["assignee_id"] == "kader-ani"  # psy-1 is nobody's posyandu yet
    async with store.transaction() as tx:
        await apply[FacilityUpserted](tx, FacilityUpserted(
            facility_id="pkm-1", type="puskesmas", name="Puskesmas", area_code="33.73.04",
            working_area=["33.73.04.2002"]))
    [next_desa] = await store.find("tasks", Query.of(person_id="p2"))
    assert next_desa["assignee_id"] == "bidan-pkm"
    await store.close()


async def _puskesmas_bidan_then_a_pregnancy(apply: dict, tx: object, *puskesmas: str) -> None:
    """The puskesmas of kecamatan 33.73.04 (none with a working area), the bidan of the
    first, then a hypertensive pregnancy in its desa 2002, which has no pustu."""
    for pkm in puskesmas:
        await apply[FacilityUpserted](tx, FacilityUpserted(
            facility_id=pkm, type="puskesmas", name=pkm, area_code="33.73.04"))
    await apply[WorkerAssigned](tx, WorkerAssigned(
        worker_id="bidan-pkm", name="Bidan", role="bidan", facility_id=puskesmas[0],
        area_code="33.73.04"))
    await apply[ScreeningRecorded](tx, stunted(2).model_copy(update={
        "stage": "ibu_hamil", "age_months": 300, "desa_code": "33.73.04.2002",
        "posyandu_id": "psy-1",
        "findings": [Finding(code="hypertension_pregnancy", severity="severe")]}))


async def test_who_is_given_a_task_is_told(tmp_path) -> None:
    """A kader who adopts a task waiting for her, or takes over from one who left, gets
    its notice (as she would a new task's): else she learns of it only from her list."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify", webhook_urls="http://hook.test/ilp"))

    async def notices() -> list[tuple[str, str | None, str]]:
        found = [json.loads(d["body"]) for d in await store.find("deliveries")]
        return sorted((n["type"], n["task"]["assignee_id"], n["task"]["person_id"])
                      for n in found)
    async with store.transaction() as tx:
        await apply[ScreeningRecorded](tx, stunted(1))  # nobody covers psy-1 yet
        await apply[WorkerAssigned](tx, kader("kader-ani"))
    assert await notices() == [("task.assigned", "kader-ani", "p1"),
                               ("task.created", None, "p1")]
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, kader("kader-umi"))
        await apply[WorkerAssigned](tx, kader("kader-ani", active=False))
    assert (await notices())[1] == ("task.assigned", "kader-umi", "p1")
    [task] = await store.find("tasks")
    assert (task["assignee_id"], task["status"]) == ("kader-umi", "open")
    await store.close()


async def test_the_only_puskesmas_of_the_kecamatan_stands_in_for_a_desa_without_pustu(
        tmp_path) -> None:
    """Named with no working area, the only puskesmas of its kecamatan serves all of it
    (Permenkes 43/2019): its bidan comes to a desa without a pustu, whatever posyandu the
    screening was made at."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, kader("kader-ani"))
        await _puskesmas_bidan_then_a_pregnancy(apply, tx, "pkm-1")
    [visit] = await store.find("tasks", Query.of(person_id="p2"))
    assert visit["assignee_id"] == "bidan-pkm"
    await store.close()
