"""A PWS rebuild split by person over several processes ends in the store a single
replay gives: every count, running total, person-year, task and visit series – over
screenings recorded, amended (to another month or desa) and voided, and home visits
created, done, escalated and cancelled, against a real nats-server."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import nats
import orjson
from ilp_contracts import (AreaUpserted, Event, Finding, ScreeningAmended, ScreeningRecorded,
                           ScreeningVoided, TargetSet, TaskCancelled, TaskCompleted,
                           TaskCreated, TaskEscalated)
from ilp_kit.messaging import ensure_streams, event_headers
from ilp_platform.rebuild import rebuild_into
from ilp_contracts.anc import trimester
from ilp_pws.app import SPEC
from rich.console import Console

DESA = ["33.73.04.1001", "33.73.04.1002", "33.73.04.1003"]
CODES = ["stunted", "underweight", "gizi_kurang", "hypertension_grade_1",
         "diabetes_suspected", "kek"]


def screenings(rng: random.Random) -> list[Event]:
    events: list[Event] = []
    for person in range(60):
        stage = ("usia_dewasa", "ibu_hamil", "balita")[person % 3]
        for n in range(rng.randint(1, 3)):
            desa = rng.choice(DESA)
            on = date(2026, rng.randint(9, 12), rng.randint(1, 28))
            weeks = rng.randint(6, 38)  # her contacts: one pregnancy or more (K1, K6)
            fields = dict(
                screening_id=f"s{person}-{n}", person_id=f"p{person}", stage=stage, sex="F",
                age_months=20 if stage == "balita" else 480, screened_on=on,
                period=on.isoformat()[:7], desa_code=desa, posyandu_id=f"psy-{desa}",
                findings=[Finding(code=c, severity="moderate")
                          for c in rng.sample(CODES, rng.randint(0, 2))],
                measurements={"balita": {"weight_kg": 9.0}, "usia_dewasa": {"systolic": 150.0},
                              "ibu_hamil": {"gestational_weeks": weeks,
                                            "trimester": trimester(weeks)}
                              }[stage],
                checks=rng.choice([None, {}, {"tb_symptoms": False}]))
            recorded = ScreeningRecorded(**fields)
            events.append(recorded)
            fate = rng.random()
            if fate < 0.2:  # amended into another month and desa
                moved = date(2026, rng.randint(9, 12), 15)
                target = rng.choice(DESA)
                events.append(ScreeningAmended(
                    **{**fields, "version": 2, "screened_on": moved,
                       "period": moved.isoformat()[:7], "desa_code": target,
                       "posyandu_id": f"psy-{target}"},
                    reason="koreksi", previous_period=recorded.period,
                    previous_desa_code=recorded.desa_code))
            elif fate < 0.3:
                events.append(ScreeningVoided(
                    screening_id=recorded.screening_id, person_id=recorded.person_id,
                    period=recorded.period, desa_code=recorded.desa_code, reason="salah"))
    return events


def visits(rng: random.Random) -> list[Event]:
    events: list[Event] = []
    for n in range(40):
        created = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 1500))
        reason = rng.choice(["masalah_gizi", "kunjungan_neonatal_kn1", "kunjungan_neonatal_kn2",
                             "kunjungan_neonatal_kn3", "investigasi_kontak_tb"])
        task = f"t{n}"
        events.append(TaskCreated(task_id=task, person_id=f"baby{n % 5}", reason=reason,
                                  role="kader", priority="high", desa_code=rng.choice(DESA),
                                  due_at=created + timedelta(days=7), occurred_at=created))
        fate = rng.random()
        if fate < 0.2:
            events.append(TaskEscalated(task_id=task, level=1, role="bidan", assignee_id=None,
                                        due_at=created + timedelta(days=10)))
        if fate < 0.7:
            events.append(TaskCompleted(task_id=task, worker_id="k", on_time=fate < 0.5,
                                        outcome=rng.choice(["visited", "not_at_home"])))
        elif fate < 0.85:
            events.append(TaskCancelled(task_id=task, reason="screening_voided"))
    return events


async def publish(url: str, events: list[Event]) -> None:
    nc = await nats.connect(url)
    await ensure_streams(nc)
    js = nc.jetstream()
    for event in events:
        await js.publish(event.SUBJECT, event.model_dump_json().encode(),
                         headers=event_headers(event))
    await nc.close()


def contents(path: Path) -> dict[str, object]:
    db = sqlite3.connect(path)
    try:
        every = {name: {key: orjson.loads(doc) for key, doc in
                        db.execute(f'SELECT key, doc FROM "{name}"')}
                 for name in SPEC.collections}
        every["applied_events"] = {row[0] for row in
                                   db.execute("SELECT event_id FROM applied_events")}
        return every
    finally:
        db.close()


def test_a_rebuild_split_by_person_equals_one_replay(nats_server: str, tmp_path: Path) -> None:
    rng = random.Random(7)
    registry: list[Event] = [AreaUpserted(code=d, name=d, level="village",
                                          parent_code=d[:8]) for d in DESA]
    registry += [TargetSet(area_code=d, year=2026, group="balita", count=100) for d in DESA]
    events = registry + screenings(rng) + visits(rng)
    rng.shuffle(events)  # streams interleave; each stream keeps its own order
    asyncio.run(publish(nats_server, events))

    quiet = Console(quiet=True)
    one = rebuild_into(tmp_path / "one.db", nats_server, quiet, parts=1)
    three = rebuild_into(tmp_path / "three.db", nats_server, quiet, parts=3)
    # (the session's nats-server may hold other tests' registry events too: both see them)
    assert one == three and one["applied"] >= len(events)
    alone, merged = contents(tmp_path / "one.db"), contents(tmp_path / "three.db")
    assert alone["person_years"] and alone["desa_years"] and alone["visit_series"]
    assert alone["pregnancies"]
    for name in alone:
        assert merged[name] == alone[name], name
    assert not list(tmp_path.glob("three.db.part*"))  # the parts are gone


def test_replicas_starting_on_a_store_counted_by_older_rules_recount_it_once(
        nats_server: str, tmp_path: Path) -> None:
    """Two PWS replicas start on one store counted by older rules: one recounts, holding
    a lease, the other waits for it; the store then equals a rebuild's."""
    from ilp_kit.recount import MIGRATIONS, recount_if_rules_changed
    from ilp_kit.store import SqliteStore
    from ilp_kit.settings import ServiceSettings
    from ilp_pws.app import COUNTING_RULES

    rng = random.Random(11)
    asyncio.run(publish(nats_server, screenings(rng)))
    rebuilt = tmp_path / "rebuilt.db"
    rebuild_into(rebuilt, nats_server, Console(quiet=True), parts=1)
    live = tmp_path / "live.db"
    rebuild_into(live, nats_server, Console(quiet=True), parts=1)
    db = sqlite3.connect(live)  # as an older release counted it: other counts, no rules
    with db:
        db.execute(f"DELETE FROM {MIGRATIONS}")
        db.execute("UPDATE desa_months SET doc = json_set(doc, '$.counts.stale', 7)")
    db.close()

    async def replicas() -> list[bool]:
        store = SqliteStore(live, SPEC.collections)
        await store.open()
        nc = await nats.connect(nats_server)
        try:
            settings = ServiceSettings(service="pws")
            rules = SPEC.counting_rules
            assert rules is not None
            return await asyncio.gather(*(recount_if_rules_changed(
                nc, store, COUNTING_RULES, SPEC.collections, rules.handlers(settings),
                SPEC.subscriptions) for _ in range(2)))  # type: ignore[arg-type]
        finally:
            await nc.close()
            await store.close()
    assert sorted(asyncio.run(replicas())) == [False, True]
    alone, recounted = contents(rebuilt), contents(live)
    for name in alone:
        if name != "leases":
            assert recounted[name] == alone[name], name
