"""Any delivery order of the same events, with duplicates, gives the projection that a
recount of the final state gives (the consumer applies each event id once): screenings
recorded, amended and voided, home-visit tasks created, completed and cancelled, and
births recorded, corrected and voided.
And coverage against a yearly sasaran is cumulative (PWS "kumulatif s/d bulan ini"):
each person counts once a year, from the month of their first screening, and the target
grows by a twelfth a month."""

from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from ilp_contracts import (BirthAmended, BirthRecorded, BirthVoided, Finding, IndicatorChanged,
                           ScreeningAmended, ScreeningRecorded,
                           ScreeningVoided, TargetSet,
                           TaskCancelled, TaskCompleted, TaskCreated, TaskEscalated)
from ilp_kit.store import Query, SqliteStore
from ilp_pws.app import SPEC
from ilp_pws.domain.indicators import CATALOGUE, birth_flags, evaluate, flags_for, to_date
from ilp_contracts.anc import trimester
from ilp_pws.domain import pregnancy
from ilp_kit.consumer import end_batch
from ilp_pws.handlers import Projector
from ilp_pws.live import LIVE

DESA = ["33.73.04.1001", "33.73.04.1002"]
# p1 and p2 are balita, p3 an adult: nutrition findings count for the children, the PTM
# ones for the adult; "bp" and "glucose" stand for a measure taken without a finding,
# "tb_asked" for the TB symptoms checked, "vitamin_a" for a capsule given (which any visit
# of the month counts for it), and "before_checks" for an event from before the yes/no
# checks were carried.
CODES = ["stunted", "underweight", "gizi_kurang", "hypertension_grade_1", "diabetes_suspected",
         "bp", "glucose", "tb_asked", "vitamin_a", "before_checks"]
NOT_FINDINGS = {"bp", "glucose", "tb_asked", "vitamin_a", "before_checks"}
MEASURED = {"bp": "systolic", "hypertension_grade_1": "systolic",
            "glucose": "glucose_random", "diabetes_suspected": "glucose_random"}


def snapshot(sid: str, person: str, version: int, day: int, desa: str, codes: list[str],
             amended: tuple[str, str] | None = None):
    # November, December, or January of the next year (a year's counts start again)
    screened_on = (date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1))[day // 31]
    screened_on = screened_on.replace(day=day % 31 % 30 + 1)
    adult = person == "p3"
    fields = dict(screening_id=sid, version=version, person_id=person,
                  stage="usia_dewasa" if adult else "balita", sex="M",
                  age_months=480 if adult else 20, screened_on=screened_on,
                  period=screened_on.isoformat()[:7], desa_code=desa, posyandu_id="p",
                  findings=[Finding(code=c, severity="moderate") for c in codes
                            if c not in NOT_FINDINGS],
                  measurements={MEASURED[c]: 150.0 for c in codes if c in MEASURED},
                  checks=(None if "before_checks" in codes else {
                      check: value for code, check, value in (("tb_asked", "tb_symptoms", False),
                                                             ("vitamin_a", "vitamin_a", True))
                      if code in codes}))
    if amended:
        return ScreeningAmended(**fields, reason="koreksi", previous_period=amended[0],
                                previous_desa_code=amended[1])
    return ScreeningRecorded(**fields)


screening_story = st.tuples(
    st.sampled_from(["p1", "p2", "p3"]), st.integers(0, 92), st.sampled_from(DESA),
    st.lists(st.sampled_from(CODES), max_size=2),
    st.lists(st.tuples(st.integers(0, 92), st.sampled_from(DESA),
                       st.lists(st.sampled_from(CODES), max_size=2)), max_size=2),
    st.booleans())


def events_of(stories: list) -> tuple[list, dict]:
    """All events, and the final state of each screening (None when voided)."""
    events, final = [], {}
    for n, (person, day, desa, codes, amendments, voided) in enumerate(stories):
        sid = f"s{n}"
        current = snapshot(sid, person, 1, day, desa, codes)
        events.append(current)
        for version, (a_day, a_desa, a_codes) in enumerate(amendments, start=2):
            current = snapshot(sid, person, version, a_day, a_desa, a_codes,
                               amended=(current.period, current.desa_code))
            events.append(current)
        final[sid] = current
        if voided:
            events.append(ScreeningVoided(screening_id=sid, person_id=person,
                                          period=current.period, desa_code=current.desa_code,
                                          reason="salah"))
            final[sid] = None
    return events, final


# A task counts in the month it was created in its desa's own time: Semarang is UTC+7,
# Jayapura UTC+9 (a task created at 16:00 UTC on 31 October is November's there).
TASK_DESA = {"33.73.04.1001": timezone(timedelta(hours=7)),
             "91.71.01.1001": timezone(timedelta(hours=9))}
# (desa, hour of creation: November or December, why, what became of it)
task_story = st.tuples(st.sampled_from(sorted(TASK_DESA)), st.integers(0, 40 * 24),
                       st.sampled_from(["masalah_gizi", "kunjungan_neonatal_kn1",
                                        "investigasi_kontak_tb",
                                        "pendampingan_minum_obat_tb"]),
                       st.sampled_from(["open", "on_time", "late", "not_at_home", "cancelled",
                                        "escalated", "escalated_then_done",
                                        "escalated_then_done_by_the_new_due",
                                        "not_at_home_then_visited",
                                        "not_at_home_by_the_due_time"]))
REVISIT_AFTER = timedelta(days=2)


def task_events(stories: list) -> tuple[list, Counter]:
    """The events of each task, and what a recount gives per (desa, month): each task
    counts once in its month and (`year:`) once in its year."""
    events, counts = [], Counter()
    for n, (desa, hour, reason, fate) in enumerate(stories):
        created_at = datetime(2026, 10, 31, 16, tzinfo=UTC) + timedelta(hours=hour)
        events.append(TaskCreated(task_id=f"t{n}", person_id="p1", reason=reason,
                                  role="kader", priority="high", desa_code=desa,
                                  due_at=created_at + timedelta(days=7),
                                  occurred_at=created_at))
        if fate.startswith("escalated"):
            events.append(TaskEscalated(task_id=f"t{n}", level=1, role="bidan",
                                        assignee_id=None,
                                        due_at=created_at + timedelta(days=10)))
        if fate in ("on_time", "late", "not_at_home") or fate.startswith("escalated_then"):
            events.append(TaskCompleted(
                task_id=f"t{n}", worker_id="k",
                on_time=fate in ("on_time", "escalated_then_done_by_the_new_due"),
                outcome="not_at_home" if fate == "not_at_home" else "visited"))
        elif fate == "not_at_home_by_the_due_time":  # the last try: a visit due, not made
            events.append(TaskCompleted(task_id=f"t{n}", worker_id="k", on_time=True,
                                        outcome="not_at_home"))
        elif fate == "cancelled":
            events.append(TaskCancelled(task_id=f"t{n}", reason="screening_voided"))
        elif fate == "not_at_home_then_visited":  # the visit owed counts once: the second
            events.append(TaskCompleted(task_id=f"t{n}", worker_id="k", on_time=True,
                                        outcome="not_at_home"))
            created_at += REVISIT_AFTER
            events += [TaskCreated(task_id=f"t{n}-2", person_id="p1", reason=reason,
                                   role="kader", priority="high", desa_code=desa,
                                   due_at=created_at + timedelta(days=2),
                                   occurred_at=created_at, follows_task_id=f"t{n}"),
                       TaskCompleted(task_id=f"t{n}-2", worker_id="k", on_time=True,
                                     outcome="visited")]
            fate = "on_time"
        month = (desa, f"{created_at.astimezone(TASK_DESA[desa]):%Y-%m}")
        for flag, counted in (("home_visit_tasks", fate != "cancelled"),
                              ("home_visit_on_time", fate == "on_time"),
                              ("home_visit_overdue", fate in ("late", "not_at_home")
                               or fate.startswith("escalated")),
                              ("kn1_visited", reason == "kunjungan_neonatal_kn1"
                               and (fate in ("on_time", "late")
                                    or fate.startswith("escalated_then"))),
                              # the TB programme's visits, apart as well
                              ("tb_contact_tasks", reason == "investigasi_kontak_tb"
                               and fate != "cancelled"),
                              ("tb_contact_on_time", reason == "investigasi_kontak_tb"
                               and fate == "on_time"),
                              ("tb_adherence_tasks", reason == "pendampingan_minum_obat_tb"
                               and fate != "cancelled"),
                              ("tb_adherence_on_time", reason == "pendampingan_minum_obat_tb"
                               and fate == "on_time")):
            counts[month, flag] += counted
            counts[month, f"year:{flag}"] += counted
    return events, counts


def recount(final: dict, tasks: Counter | None = None) -> dict[tuple[str, str], dict[str, int]]:
    latest: dict[tuple[str, str], ScreeningRecorded] = {}
    for s in filter(None, final.values()):
        key = (s.period, s.person_id)
        if key not in latest or (s.screened_on, s.screening_id) > (
                latest[key].screened_on, latest[key].screening_id):
            latest[key] = s
    counts: dict[tuple[str, str], Counter] = {}
    def flags(s: ScreeningRecorded) -> frozenset[str]:
        return flags_for(s.stage, [f.code for f in s.findings], s.measurements,
                         s.age_months, s.checks)

    for s in latest.values():  # with a capsule given at any of the month's visits
        given = any("balita_vitamin_a" in flags(other) for other in filter(None, final.values())
                    if (other.period, other.person_id) == (s.period, s.person_id))
        counts.setdefault((s.desa_code, s.period), Counter()).update(
            flags(s) | ({"balita_vitamin_a"} if given else set()))
    # Once a year per person and flag: where and when the person first had it.
    first: dict[tuple[str, str, str], ScreeningRecorded] = {}
    by_time = sorted(filter(None, final.values()), key=lambda s: (s.screened_on, s.screening_id))
    for s in by_time:
        for flag in flags(s):
            first.setdefault((s.period[:4], s.person_id, flag), s)
    # Under follow-up: the first re-check in a month after the one the condition was found.
    for (year, person, flag), found in list(first.items()):
        for condition, recheck, followed in (
                ("ptm_hypertension", "ptm_bp_checked", "ptm_hypertension_followed"),
                ("ptm_diabetes", "ptm_glucose_checked", "ptm_diabetes_followed")):
            again = [s for s in by_time if s.person_id == person and s.period[:4] == year
                     and s.period > found.period and recheck in flags(s)]
            if flag == condition and again:
                first[year, person, followed] = again[0]
    for (_, _, flag), s in first.items():
        counts.setdefault((s.desa_code, s.period), Counter())[f"year:{flag}"] += 1
    for (month, flag), n in (tasks or Counter()).items():
        counts.setdefault(month, Counter())[flag] += n
    return {k: +v for k, v in counts.items() if +v}


async def project(events: list, batch_sizes: list[int] | None = None
                  ) -> dict[tuple[str, str], dict[str, int]]:
    """Apply the events in transactions of the given sizes (a consumer's batches; one
    event each by default), with the end-of-batch step the consumer runs."""
    with tempfile.TemporaryDirectory() as scratch:
        store = SqliteStore(Path(scratch) / "pws.db", SPEC.collections)
        await store.open()
        handlers = Projector(CATALOGUE).handlers()
        sizes = iter(batch_sizes or [])
        start = 0
        while start < len(events):
            size = max(1, next(sizes, 1))
            async with store.transaction() as tx:
                for event in events[start:start + size]:
                    if await tx.mark_applied(event.event_id):
                        await handlers[type(event)](tx, event)
                await end_batch(handlers, tx)
            start += size
        months = await store.find("desa_months", Query.of())
        years = await store.find("desa_years", Query.of())
        await store.close()
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for doc in months:
        counts.setdefault((doc["desa_code"], doc["period"]), {}).update(doc["counts"])
    for doc in years:  # the yearly counts, in the month they count in: each month's
        previous: dict[str, int] = {}  # running total less the one before it
        for period, running in sorted(doc["to_date"].items()):
            increment = {k: n - previous.get(k, 0) for k, n in running.items()}
            increment.update({k: -n for k, n in previous.items() if k not in running})
            counts.setdefault((doc["desa_code"], period), {}).update(
                {k: n for k, n in increment.items() if n})
            previous = running
    return {key: c for key, c in counts.items() if c}


def assert_in_any_order(events: list, expected: dict, rnd, duplicates: list[int]) -> None:
    """The events delivered shuffled, some twice, project to `expected` – applied one by
    one and in consumer batches of any size (counts aggregated per batch are exact too)."""
    delivered = events + [events[i % len(events)] for i in duplicates]
    rnd.shuffle(delivered)
    assert asyncio.run(project(delivered)) == expected
    batches = [rnd.randint(1, 6) for _ in delivered]
    assert asyncio.run(project(delivered, batches)) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(screening_story, min_size=1, max_size=5),
       st.lists(task_story, max_size=4), st.randoms(use_true_random=False),
       st.lists(st.integers(0, 100), max_size=4))
def test_any_interleaving_with_duplicates_matches_a_recount(stories, task_stories, rnd,
                                                            duplicates) -> None:
    events, final = events_of(stories)
    tasks, task_counts = task_events(task_stories)
    assert_in_any_order(events + tasks, recount(final, task_counts), rnd, duplicates)


def test_a_task_counts_in_the_month_of_its_desa_clock() -> None:
    """23:30 WIB on 31 October is 01:30 WIT on 1 November: a Jayapura task created then
    is November's, a Semarang one October's."""
    created_at = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
    events = [TaskCreated(task_id=f"t-{desa}", person_id="p1", reason="masalah_gizi",
                          role="kader", priority="high", desa_code=desa,
                          due_at=created_at + timedelta(days=7), occurred_at=created_at)
              for desa in TASK_DESA]
    counted = {"home_visit_tasks": 1, "year:home_visit_tasks": 1}
    assert asyncio.run(project(events)) == {("33.73.04.1001", "2026-10"): counted,
                                            ("91.71.01.1001", "2026-11"): counted}


def adult(sid: str, person: str, day: date) -> ScreeningRecorded:
    return ScreeningRecorded(screening_id=sid, person_id=person, stage="usia_dewasa", sex="F",
                             age_months=40 * 12, screened_on=day,
                             period=day.isoformat()[:7], desa_code=DESA[0], posyandu_id="p",
                             findings=[])


def as_of(months: dict, period: str) -> dict[str, object]:
    """Indicators as of a month, from `project`'s counts (month and yearly together)."""
    month = {k: n for k, n in months.get((DESA[0], period), {}).items()
             if not k.startswith("year:")}
    running, total = {}, Counter()
    for (_, p), c in sorted(months.items(), key=lambda item: item[0][1]):
        if p[:4] == period[:4]:
            total.update({k: n for k, n in c.items() if k.startswith("year:")})
            running[p] = dict(total)
    counts = to_date(month, running, period)
    return {v.id: v for v in evaluate(counts, {"usia_15_plus": 12}, CATALOGUE,
                                      month=int(period[5:]))}


def test_a_person_screened_in_several_months_counts_once_a_year() -> None:
    events = [adult("s1", "p1", date(2026, 3, 10)), adult("s2", "p1", date(2026, 5, 2)),
              adult("s3", "p2", date(2026, 5, 20)), adult("s4", "p1", date(2027, 1, 8))]
    months = asyncio.run(project(events))
    march, may, january = (as_of(months, p)["ptm_skrining"]
                           for p in ("2026-03", "2026-05", "2027-01"))
    assert (march.numerator, may.numerator, january.numerator) == (1, 2, 1)
    # the month's own count still counts whoever was screened that month
    assert months[DESA[0], "2026-05"]["ptm_screened"] == 2
    # 70 % a year: 29.2 % due by May; 2 of 12 (16.7 %) is below 80 % of that
    assert (may.target_pct, may.pct, may.colour, may.period) == (29.2, 16.7, "red",
                                                                 "year_to_date")
    assert as_of(months, "2026-12")["ptm_skrining"].target_pct == 70.0


def test_voiding_the_first_screening_moves_the_person_to_the_next() -> None:
    events = [adult("s1", "p1", date(2026, 3, 10)), adult("s2", "p1", date(2026, 5, 2)),
              ScreeningVoided(screening_id="s1", person_id="p1", period="2026-03",
                              desa_code=DESA[0], reason="salah orang")]
    months = asyncio.run(project(events))
    assert months[DESA[0], "2026-05"]["year:ptm_screened"] == 1
    assert (DESA[0], "2026-03") not in months
    assert as_of(months, "2026-04")["ptm_skrining"].numerator == 0


def moved(screening: ScreeningRecorded, to: str, version: int) -> ScreeningAmended:
    fields = screening.model_dump(exclude={"event_id", "occurred_at", "version", "person_id"})
    return ScreeningAmended(**fields, person_id=to, version=version, reason="merged",
                            previous_period=screening.period,
                            previous_desa_code=screening.desa_code)


def test_a_screening_moved_to_another_person_and_back_counts_once_where_it_is() -> None:
    """Two records of one person merged (voided for the one as version 2 moves to the
    other), then parted again (version 3 back under the first): counted once, where it
    is; a void for good stays final."""
    first = adult("s1", "p1", date(2026, 3, 10))

    def withdrawn(person: str, version: int | None) -> ScreeningVoided:
        return ScreeningVoided(screening_id="s1", person_id=person, period="2026-03",
                               desa_code=DESA[0], reason="merged", version=version)
    merged = [first, adult("s2", "p2", date(2026, 3, 20)), withdrawn("p1", 2),
              moved(first, "p2", 2)]
    assert asyncio.run(project(merged))[DESA[0], "2026-03"]["ptm_screened"] == 1
    parted = [*merged, withdrawn("p2", 3), moved(first, "p1", 3)]
    assert asyncio.run(project(parted))[DESA[0], "2026-03"]["ptm_screened"] == 2
    for_good = [first, withdrawn("p1", None), moved(first, "p1", 5)]
    assert (DESA[0], "2026-03") not in asyncio.run(project(for_good))


def test_monthly_indicators_are_unchanged() -> None:
    counts = to_date({"balita_weighed": 6}, {"2026-04": {"year:balita_weighed": 5},
                                             "2026-05": {"year:balita_weighed": 6}},
                     "2026-05")
    values = {v.id: v for v in evaluate(counts, {"balita": 10}, CATALOGUE, month=5)}
    assert (values["balita_ditimbang"].numerator, values["balita_ditimbang"].target_pct) == (
        6, 80.0)


def postnatal_tasks(person: str, visits: list[tuple[str, date]], done: bool = True,
                    birth: str | None = None, recorded_made: bool = False) -> list:
    """A task per visit, created at 03:00 UTC on its day (10:00 WIB), completed as visited
    (`recorded_made`: a visit a register showed made)."""
    events = []
    for reason, day in visits:
        task_id = f"{person}-{reason}-{birth}"
        created = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
        events.append(TaskCreated(task_id=task_id, person_id=person, reason=reason, role="bidan",
                                  priority="high", desa_code=DESA[0], due_at=created,
                                  occurred_at=created, birth_id=birth,
                                  recorded_made=recorded_made))
        if done:
            events.append(TaskCompleted(task_id=task_id, worker_id="b", outcome="visited",
                                        on_time=True))
    return events


KN = [f"kunjungan_neonatal_kn{n}" for n in range(1, 4)]
BORN = date(2026, 11, 20)
KN_DAYS = [BORN, BORN + timedelta(days=5), BORN + timedelta(days=15)]


@given(st.randoms(use_true_random=False))
@settings(max_examples=20, deadline=None)
def test_kn_lengkap_counts_once_in_the_month_of_the_last_visit_whatever_the_order(rnd) -> None:
    events = (postnatal_tasks("bayi", list(zip(KN, KN_DAYS, strict=True)))
              + postnatal_tasks("bayi-2", list(zip(KN, KN_DAYS, strict=True))[:2]))  # no KN3
    rnd.shuffle(events)  # completions may come before creations
    months = asyncio.run(project(events))
    lengkap = {month: c["kn_lengkap"] for (_, month), c in months.items() if "kn_lengkap" in c}
    assert lengkap == {"2026-12": 1}  # KN3 of the first baby on 5 December
    assert months[DESA[0], "2026-12"]["year:kn_lengkap"] == 1
    assert months[DESA[0], "2026-11"]["kn1_visited"] == 2


def test_kn_lengkap_needs_every_visit_made_not_only_opened() -> None:
    visits = list(zip(KN, KN_DAYS, strict=True))
    events = postnatal_tasks("bayi", visits[:2]) + postnatal_tasks("bayi", visits[2:], False)
    months = asyncio.run(project(events))
    assert not any(c.get("kn_lengkap") for c in months.values())


KF = [f"kunjungan_nifas_kf{n}" for n in range(1, 5)]
KF_DAYS = [BORN, BORN + timedelta(days=5), BORN + timedelta(days=15), BORN + timedelta(days=35)]


@given(st.randoms(use_true_random=False))
@settings(max_examples=20, deadline=None)
def test_kf_lengkap_counts_a_mothers_four_visits_of_one_delivery_once(rnd) -> None:
    """KF1–KF4 of one birth, in any order: once, in the month of KF4. A mother's visits
    of an earlier delivery do not complete this one's series."""
    kf = list(zip(KF, KF_DAYS, strict=True))
    earlier = [(reason, day - timedelta(days=400)) for reason, day in kf]
    events = (postnatal_tasks("ibu", kf, birth="b2")
              + postnatal_tasks("ibu", earlier[:1] + earlier[2:], birth="b1")  # no KF2
              + postnatal_tasks("ibu-2", kf[:3], birth="b3"))  # no KF4
    rnd.shuffle(events)
    months = asyncio.run(project(events))
    lengkap = {month: c["kf_lengkap"] for (_, month), c in months.items() if c.get("kf_lengkap")}
    assert lengkap == {"2026-12": 1}  # KF4 of b2 on 25 December
    assert months[DESA[0], "2026-12"]["year:kf_lengkap"] == 1


def test_visits_a_register_showed_made_count_as_made_not_among_the_visits_due() -> None:
    """A Kohort's KF1–KF4 recorded after the fact: KF1 and KF lengkap as the app's would,
    but no home visit due or on time – nobody was sent."""
    months = asyncio.run(project(postnatal_tasks(
        "ibu", list(zip(KF, KF_DAYS, strict=True)), birth="b1", recorded_made=True)))
    assert (months[DESA[0], "2026-11"]["kf1_visited"],
            months[DESA[0], "2026-12"]["kf_lengkap"]) == (1, 1)
    assert not any(c.get("home_visit_tasks") or c.get("home_visit_on_time")
                   for c in months.values())


def test_kf_lengkap_is_not_counted_for_tasks_that_name_no_birth() -> None:
    """Tasks from before births were named cannot be told apart by delivery: not counted."""
    months = asyncio.run(project(postnatal_tasks("ibu", list(zip(KF, KF_DAYS, strict=True)))))
    assert not any(c.get("kf_lengkap") for c in months.values())
    assert months[DESA[0], "2026-11"]["kf1_visited"] == 1


def test_a_late_month_refreshes_the_dashboards_of_the_months_after_it() -> None:
    """A March screening typed in in May changes May's figures to date: a dashboard
    showing May is told to refresh, not only one showing March."""
    listener = LIVE.listen(DESA[0][:8])
    try:
        asyncio.run(project([adult("s1", "p1", date(2026, 3, 10))]))
        told, heard = set(), listener[1]
        while not heard.empty():
            told.add(heard.get_nowait())
    finally:
        LIVE.stop(listener)
    assert {(DESA[0], "2026-03"), (DESA[0], "2026-05"), (DESA[0], "2026-12")} <= told
    assert (DESA[0], "2026-02") not in told


def test_a_late_month_announces_the_colours_it_changed_in_the_months_after_it() -> None:
    """PTM screening to date, sasaran 10: two adults by January are 20 %. A third screened
    in March but typed in later makes May 30 % – green against May's 29.2 % (5/12 of
    70 %), yellow in June (35 %) – and announces those months, not only March's."""
    async def colour_changes() -> list[tuple[str, str, str]]:
        with tempfile.TemporaryDirectory() as scratch:
            store = SqliteStore(Path(scratch) / "pws.db", SPEC.collections)
            await store.open()
            handlers = Projector(CATALOGUE).handlers()
            for event in [TargetSet(area_code=DESA[0], year=2026, group="usia_15_plus",
                                    count=10),
                          adult("s1", "p1", date(2026, 1, 5)),
                          adult("s2", "p2", date(2026, 1, 6)),
                          adult("s3", "p3", date(2026, 3, 10))]:
                # what the earlier batches announced is not this test's
                await store.mark_sent([r.seq for r in await store.pending_outbox(1000)])
                async with store.transaction() as tx:
                    await handlers[type(event)](tx, event)
                    await end_batch(handlers, tx)
            sent = await store.pending_outbox(1000)
            await store.close()
        changes = [IndicatorChanged.model_validate_json(r.body) for r in sent]
        return [(c.period, c.previous_colour, c.colour) for c in changes
                if c.indicator_id == "ptm_skrining" and c.period >= "2026-03"
                and c.previous_colour != "grey"]

    changed = asyncio.run(colour_changes())
    assert ("2026-05", "red", "green") in changed
    assert ("2026-06", "red", "yellow") in changed
    assert not [c for c in changed if c[0] == "2026-03"]  # 20 % was green already


# (day of birth from 1 November, desa, place, weight in g, the mother's vitamin A), then
# its corrections, voided?
birth_state = st.tuples(st.integers(0, 92), st.sampled_from(DESA),
                        st.sampled_from(["fasyankes", "rumah", "lainnya", None]),
                        st.sampled_from([1900, 2499, 2500, 3200, None]),
                        st.sampled_from([True, False, None]))
birth_story = st.tuples(birth_state, st.lists(birth_state, max_size=2), st.booleans())


def birth_events(stories: list) -> tuple[list, Counter]:
    """Each birth's events, and what a recount of its final state gives per (desa,
    month): the month and the year it was born in, once each."""
    events, counts = [], Counter()
    for n, (first, corrections, voided) in enumerate(stories):
        final = None
        for version, (day, desa, place, weight, capsules) in enumerate([first, *corrections],
                                                                       start=1):
            fields = dict(birth_id=f"b{n}", version=version, mother_id="m", baby_id=f"c{n}",
                          baby_sex="F", born_on=date(2026, 11, 1) + timedelta(days=day),
                          birth_weight_g=weight, place=place, mother_vitamin_a=capsules,
                          desa_code=desa, posyandu_id="p")
            final = (BirthAmended(**fields, reason="koreksi") if version > 1
                     else BirthRecorded(**fields))
            events.append(final)
        if voided:
            events.append(BirthVoided(birth_id=f"b{n}", mother_id="m", baby_id=f"c{n}",
                                      desa_code=final.desa_code, reason="dobel"))
            continue
        month = (final.desa_code, final.born_on.isoformat()[:7])
        for flag in birth_flags(final.place, final.birth_weight_g, final.mother_vitamin_a):
            counts[month, flag] += 1
            counts[month, f"year:{flag}"] += 1
    return events, counts


@settings(max_examples=60, deadline=None)
@given(st.lists(birth_story, min_size=1, max_size=4), st.randoms(use_true_random=False),
       st.lists(st.integers(0, 100), max_size=4))
def test_births_in_any_order_with_duplicates_match_a_recount(stories, rnd, duplicates) -> None:
    """A birth counts in the desa and month the baby was born (where, and her weight):
    corrected to another day or desa it moves; voided it is gone for good, whatever
    arrives after."""
    events, counts = birth_events(stories)
    assert_in_any_order(events, recount({}, counts), rnd, duplicates)


def test_births_give_delivery_at_a_facility_and_low_birth_weight() -> None:
    born = dict(mother_id="m", baby_sex="M", born_on=date(2026, 11, 3),
                desa_code=DESA[0], posyandu_id="p")
    events = [BirthRecorded(birth_id="b1", baby_id="c1", place="fasyankes",
                            birth_weight_g=2400, mother_vitamin_a=True, **born),
              BirthRecorded(birth_id="b2", baby_id="c2", place="rumah", birth_weight_g=3100,
                            mother_vitamin_a=False, **born),
              BirthRecorded(birth_id="b3", baby_id="c3", **born)]  # place and weight unknown
    counts = asyncio.run(project(events))[DESA[0], "2026-11"]
    values = {v.id: v for v in evaluate(counts, {"ibu_bersalin": 4}, month=11)}
    assert (values["persalinan_fasyankes"].numerator,
            values["persalinan_fasyankes"].denominator) == (1, 2)
    # the SPM's: against the Data Sasaran's ibu bersalin, from January
    assert (values["spm_ibu_bersalin"].numerator, values["spm_ibu_bersalin"].pct) == (1, 25.0)
    assert (values["bayi_bblr"].pct, values["bayi_bblr"].colour) == (50.0, "red")
    # the mother's capsules after delivery, among every birth (a birth that says nothing
    # of them counts as one without: the PWS KIA's ibu nifas)
    assert (values["ibu_nifas_vitamin_a"].numerator,
            values["ibu_nifas_vitamin_a"].denominator) == (1, 3)


# An ANC contact: (day from 1 November 2026 – into March 2027 –, desa, her HPHT 0–3 months
# after 1 June 2026: a month apart is one pregnancy, two apart another), then its
# corrections (the same, and whether it was corrected to another stage), voided?
contact_state = st.tuples(st.integers(0, 150), st.sampled_from(DESA), st.integers(0, 3))
contact_story = st.tuples(st.sampled_from(["w1", "w2"]), contact_state,
                          st.lists(st.tuples(contact_state, st.booleans()), max_size=2),
                          st.booleans())


def anc_contact(sid: str, woman: str, version: int, state: tuple, not_anc: bool = False,
                amended: tuple[str, str] | None = None) -> ScreeningRecorded:
    day, desa, months_later = state
    screened_on = date(2026, 11, 1) + timedelta(days=day)
    weeks = (screened_on - date(2026, 6, 1)).days // 7 - 4 * months_later
    fields = dict(screening_id=sid, version=version, person_id=woman,
                  stage="usia_dewasa" if not_anc else "ibu_hamil", sex="F", age_months=300,
                  screened_on=screened_on, period=screened_on.isoformat()[:7],
                  desa_code=desa, posyandu_id="p", findings=[],
                  measurements={"gestational_weeks": weeks,
                                "trimester": trimester(weeks)})
    if amended:
        return ScreeningAmended(**fields, reason="koreksi", previous_period=amended[0],
                                previous_desa_code=amended[1])
    return ScreeningRecorded(**fields)


def anc_events(stories: list) -> tuple[list, dict, Counter]:
    """The contacts' events, their final states, and what the pregnancies of the final
    states count per (desa, month): K1 and K6, in the month and once in the year."""
    events, final = [], {}
    for n, (woman, first, corrections, voided) in enumerate(stories):
        current = anc_contact(f"a{n}", woman, 1, first)
        events.append(current)
        for version, (state, not_anc) in enumerate(corrections, start=2):
            current = anc_contact(f"a{n}", woman, version, state, not_anc,
                                  amended=(current.period, current.desa_code))
            events.append(current)
        final[f"a{n}"] = current
        if voided:
            events.append(ScreeningVoided(screening_id=f"a{n}", person_id=woman,
                                          period=current.period, desa_code=current.desa_code,
                                          reason="salah"))
            final[f"a{n}"] = None
    counts: Counter = Counter()
    for woman in ("w1", "w2"):
        contacts = {s.screening_id: pregnancy.contact_of(s.screened_on, s.measurements, s.desa_code,
                                               s.posyandu_id, s.version)
                    for s in final.values()
                    if s and s.person_id == woman and s.stage == "ibu_hamil"}
        for (flag, (desa, _), period), n in pregnancy.counted(contacts).items():
            counts[(desa, period), flag] += n
            counts[(desa, period), f"year:{flag}"] += n
    return events, final, counts


@settings(max_examples=80, deadline=None)
@given(st.lists(contact_story, min_size=1, max_size=7), st.randoms(use_true_random=False),
       st.lists(st.integers(0, 100), max_size=4))
def test_anc_contacts_in_any_order_with_duplicates_count_each_pregnancy_once(
        stories, rnd, duplicates) -> None:
    """K1 and K6 count pregnancies, as the final contacts group them: moved, corrected to
    another stage or voided, a contact takes its pregnancy's counts with it, whatever
    order the events arrive in."""
    events, final, counts = anc_events(stories)
    assert_in_any_order(events, recount(final, counts), rnd, duplicates)


def test_k6_counts_a_pregnancy_once_in_the_month_its_spread_was_complete() -> None:
    """One contact in trimester 1, two in 2, three in 3: K6 in the month of the sixth,
    once in its year too; K1 once, in the month of the first, though the pregnancy ran
    into the next year."""
    hpht = date(2026, 6, 1)
    contacts = [anc_contact(f"a{week}", "w1", 1, ((hpht + timedelta(weeks=week)
                                                   - date(2026, 11, 1)).days, DESA[0], 0))
                for week in (22, 26, 29, 33, 36)]
    early = ScreeningRecorded(**{**contacts[0].model_dump(exclude={"event_id", "occurred_at"}),
                                 "screening_id": "a10", "screened_on": date(2026, 8, 10),
                                 "period": "2026-08",
                                 "measurements": {"gestational_weeks": 10, "trimester": 1}})
    months = asyncio.run(project([*contacts, early]))
    k6 = {period: c["ibu_hamil_k6"] for (_, period), c in months.items() if "ibu_hamil_k6" in c}
    assert k6 == {"2027-02": 1}  # week 36: 8 February 2027
    assert months[DESA[0], "2027-02"]["year:ibu_hamil_k6"] == 1
    k1 = {period: c["year:ibu_hamil_k1"] for (_, period), c in months.items()
          if "year:ibu_hamil_k1" in c}
    assert k1 == {"2026-08": 1}
