"""The scheduler: every interval, overdue tasks move up the ladder, people who missed
their monitoring get a visit (hypertensive adults without a BP check for a month,
prediabetic or obese ones not re-evaluated for three, pregnant women late for ANC, balita
not weighed this month, missed immunisation doses, the vitamin A capsule not given in its
month, lansia who did not come, the yearly PTM screening), KEK pregnancies their monthly
accompaniment, mothers and newborns get their postnatal visits as each window opens, once
a day the workers who chose it get their digest, and once a month each desa's health
workers hear which of its indicators were still red when the month ended.

Several replicas may run it; a lease document in the shared store lets one of them work
per round (the others see a live lease and skip), and each escalation is a store change
plus its event in one transaction, so a crash mid-round leaves nothing half-done.
"""

from __future__ import annotations

from typing import Any

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import product
from datetime import UTC, date, datetime, timedelta, tzinfo

from ilp_contracts import TaskEscalated
from ilp_contracts.wilayah import ZONES, local_zone
from ilp_kit.outbox import emit
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.lease import hold_lease
from ilp_kit.store import Query, Transaction

from .domain.defaulters import (
    LAPSE_VISITS,
    NEVER,
    immunization_follow_up,
    missed_anc,
    missed_recheck,
    missed_doses,
    missed_pmt,
    missed_posyandu_lansia,
    missed_ptm_screening,
    missed_weighing,
    next_dose_check,
    next_pmt_visit,
    recheck_followed_up,
    vitamin_a_next_check,
    vitamin_a_sweeping,
)
from .domain.escalation import TOP_RUNG, next_rung
from .domain.household import never_screened, pregnancy_unexamined
from .domain.tb import adherence_visit, next_adherence_visit
from .domain.tasks import TaskNeed
from .delivery import add_deliveries, personal_addresses, queue, webhook_urls
from .domain.delivery import digest_payload, review_payload
from .domain.review import month_to_review, red_indicators
from .handlers import open_postnatal_visits
from .visits import assignee_for, desa_health_workers, join_visit, open_task

log = logging.getLogger(__name__)
# A task's due time is written in its own zone's offset (WIB +07:00 … WIT +09:00), so the
# store orders due times by local clock: one read after another may fall due up to this
# much earlier. A round reads on until it is past "now" by that much.
ZONE_SPREAD = max(z.utcoffset(None) for z in ZONES) - min(z.utcoffset(None) for z in ZONES)


async def escalate_overdue(rt: Runtime, now: datetime) -> int:
    """One round; returns how many tasks were escalated."""
    ttl = timedelta(seconds=rt.settings.escalation_interval_s * 2)
    escalated = 0
    async with rt.transaction() as tx:
        if not await hold_lease(tx, "escalation", now, ttl):
            return 0
        # By rung below the top: tasks the puskesmas already holds stay overdue and would
        # otherwise fill every round's first reads.
        for status, level in product(("open", "accepted"), range(TOP_RUNG)):
            for task in await tx.find("tasks", Query.of(status=status, escalation_level=level,
                                                        order_by="due_at", limit=500)):
                due = datetime.fromisoformat(task["due_at"])
                if due >= now + ZONE_SPREAD:
                    break  # the rest are not overdue (see ZONE_SPREAD)
                step = next_rung(task["role"], level, due, now, local_zone(task["desa_code"]))
                if step is None:
                    continue
                assignee = await assignee_for(tx, step.role, task)
                task.update(role=step.role, escalation_level=step.level, assignee_id=assignee,
                            due_at=step.due_at.isoformat(), status="open")
                await tx.put("tasks", task["task_id"], task)
                await queue(tx, rt.settings, "task.escalated", task)
                await emit(tx, TaskEscalated(task_id=task["task_id"], level=step.level,
                                             role=step.role, assignee_id=assignee,
                                             due_at=step.due_at))
                escalated += 1
    return escalated


def _local_today(now: datetime, area_code: str) -> tuple[date, tzinfo]:
    zone = local_zone(area_code)
    return now.astimezone(zone).date(), zone


async def visit_defaulters(rt: Runtime, now: datetime) -> int:
    """One round; returns how many defaulter tasks were opened. Each person's days are
    those of their desa's time zone. Every watch read is moved past today (visited, or
    nothing to do), so the next round reaches the next ones, however many there are."""
    ttl = timedelta(seconds=rt.settings.escalation_interval_s * 2)
    latest = now.astimezone(ZONES[-1]).date().isoformat()  # today in the east (WIT)
    async with rt.transaction() as tx:
        if not await hold_lease(tx, "defaulters", now, ttl):
            return 0
        opened = await _rechecks_missed(tx, rt, now, latest)
        for lapse in LAPSES:
            opened += await _lapsed(tx, rt, now, latest, lapse)
        opened += await _postnatal(tx, rt, now, latest)
        opened += await _vitamin_a_unswept(tx, rt, now, latest)
        return opened + await _missed_immunizations(tx, rt, now, latest)


async def _due(tx: Transaction, collection: str, day_field: str, now: datetime, latest: str,
               limit: int = 500, **where: Any) -> list[tuple[dict[str, Any], date, tzinfo]]:
    """Watches whose day (`day_field`) has come where the person lives, with their local
    today and zone. Read in the order of that day, stopping at the first that has not come
    anywhere yet (`latest`: today in the east); one that has come only in the east waits."""
    due = []
    for doc in await tx.find(collection, Query.of(order_by=day_field, limit=limit, **where)):
        if doc[day_field] > latest:
            break
        today, zone = _local_today(now, doc["desa_code"])
        if doc[day_field] <= today.isoformat():
            due.append((doc, today, zone))
    return due


async def _visit(tx: Transaction, rt: Runtime, need: TaskNeed | None, watch: dict[str, Any],
                 findings: list[str]) -> int:
    if need is None or await join_visit(tx, rt.settings, need, watch["person_id"], findings):
        return 0
    return await open_task(tx, rt.settings, need, person_id=watch["person_id"],
                           desa_code=watch["desa_code"], posyandu_id=watch["posyandu_id"],
                           screening_id=None, findings=findings, rw=watch.get("rw"),
                           rt=watch.get("rt"))


async def _rechecks_missed(tx: Transaction, rt: Runtime, now: datetime, latest: str) -> int:
    opened = 0
    for watch, today, zone in await _due(tx, "rechecks", "check_on", now, latest,
                                         under_watch=True):
        opened += await _visit(tx, rt, missed_recheck(watch, today, zone), watch,
                               [f"last_checked_{watch['last_checked_on']}"])
        await tx.put("rechecks", f"{watch['person_id']}|{watch['condition']}",
                     recheck_followed_up(watch, today))
    return opened


def _once(watch: dict[str, Any], today: date) -> str:
    return NEVER


@dataclass(frozen=True)
class Lapse:
    """A watch visited when its day comes: once (the person's next contact – an ANC visit,
    a weighing – sets the next day), or on the day `after` gives."""

    collection: str
    day_field: str
    last_field: str  # the last contact, named in the task's findings
    need: Callable[[dict[str, Any], date, tzinfo], TaskNeed | None]
    limit: int
    after: Callable[[dict[str, Any], date], str] = _once


def _lapsing(collection: str, need: Callable[[dict[str, Any], date, tzinfo], TaskNeed | None],
             limit: int) -> Lapse:
    """A watch whose visit a later contact makes moot: its fields as `LAPSE_VISITS` has
    them, for the handlers to find it over."""
    watch = LAPSE_VISITS[collection]
    return Lapse(collection, watch.day_field, watch.last_field, need, limit)


LAPSES = (_lapsing("pregnancies", missed_anc, 500),
          _lapsing("child_watch", missed_weighing, 2000),
          _lapsing("lansia_watch", missed_posyandu_lansia, 2000),
          _lapsing("ptm_watch", missed_ptm_screening, 2000),
          Lapse("pmt_watch", "pmt_visit_on", "last_lila_on", missed_pmt, 500, next_pmt_visit),
          Lapse("household", "ptm_check_on", "noted_on", never_screened, 2000),
          Lapse("household", "anc_check_on", "noted_on", pregnancy_unexamined, 500),
          Lapse("tb_watch", "adherence_visit_on", "treatment_started_on", adherence_visit, 500,
                next_adherence_visit))


async def _lapsed(tx: Transaction, rt: Runtime, now: datetime, latest: str, lapse: Lapse
                  ) -> int:
    opened = 0
    for watch, today, zone in await _due(tx, lapse.collection, lapse.day_field, now, latest,
                                         limit=lapse.limit):
        last = f"{lapse.last_field.removesuffix('_on')}_{watch[lapse.last_field]}"
        need = lapse.need(watch, today, zone)
        opened += await _visit(tx, rt, need, watch, [last])
        watch[lapse.day_field] = lapse.after(watch, today) if need else NEVER
        await tx.put(lapse.collection, watch["person_id"], watch)
    return opened


async def _postnatal(tx: Transaction, rt: Runtime, now: datetime, latest: str) -> int:
    """Births whose next postnatal visit window has opened."""
    opened = 0
    for watch, today, zone in await _due(tx, "births", "visit_check_on", now, latest):
        count, moved = await open_postnatal_visits(tx, rt.settings, watch, today, zone)
        opened += count
        await tx.put("births", watch["birth_id"], moved)
    return opened


async def _missed_immunizations(tx: Transaction, rt: Runtime, now: datetime, latest: str
                                ) -> int:
    opened = 0
    for child, today, zone in await _due(tx, "child_watch", "next_dose_check", now, latest,
                                         tracks_doses=True):
        doses = missed_doses(child, today)
        if doses:
            opened += await _visit(tx, rt, immunization_follow_up(today, zone), child,
                                   [f"missed_{dose}" for dose in doses])
        child["flagged_doses"] = sorted({*child["flagged_doses"], *doses})
        child["next_dose_check"] = next_dose_check(child) if doses else NEVER  # aged out
        await tx.put("child_watch", child["person_id"], child)
    return opened


async def _vitamin_a_unswept(tx: Transaction, rt: Runtime, now: datetime, latest: str) -> int:
    """Children without the bulan vitamin A's capsule once its posyandu days are over: the
    kader's sweeping, where the child's posyandu records the capsules (it gave or
    declined one that round) – elsewhere nobody can tell a capsule not given from one
    not written here."""
    opened = 0
    # (watches from before the capsules were followed have no such day: not read)
    for child, today, zone in await _due(tx, "child_watch", "vitamin_a_check_on", now, latest,
                                         limit=2000, between=("vitamin_a_check_on", "0", NEVER)):
        start = child["vitamin_a_round"]
        recorded = await tx.get("capsule_rounds", f"{child['posyandu_id']}|{start}") is not None
        if recorded:
            opened += await _visit(tx, rt, vitamin_a_sweeping(child, today, zone), child,
                                   [f"vitamin_a_{start[:7]}"])
        child["vitamin_a_check_on"] = vitamin_a_next_check(child, recorded)
        await tx.put("child_watch", child["person_id"], child)
    return opened


Send = Callable[[Transaction, ServiceSettings, tzinfo, str], Awaitable[int]]


async def _once_per_zone(rt: Runtime, now: datetime, job: str,
                         when: Callable[[date], str | None], send: Send) -> dict[str, int]:
    """Run `send` once per time zone and day or month (`when` of the local date: a day's
    and a month's never look alike; None: not today), from `ILP_DIGEST_HOUR` there; a
    marker in `digests` keeps it to once. Returns what `send` counted, by the zones it ran
    for this time."""
    counted: dict[str, int] = {}
    async with rt.transaction() as tx:
        if not await hold_lease(tx, job, now,
                                timedelta(seconds=rt.settings.escalation_interval_s * 2)):
            return counted
        for zone in ZONES:
            local = now.astimezone(zone)
            label = when(local.date())
            key = f"{label} {zone.tzname(None)}"  # as daily digests were marked before
            if (label is None or local.hour < rt.settings.digest_hour
                    or await tx.get("digests", key)):
                continue  # not yet there, or that zone's went out already
            sent = await send(tx, rt.settings, zone, label)
            await tx.put("digests", key, {"job": job, "when": label,
                                          "zone": zone.tzname(None), "sent": sent})
            counted[zone.tzname(None)] = sent
    return counted


async def send_digests(rt: Runtime, now: datetime) -> int:
    """Once a day from `ILP_DIGEST_HOUR` of their own time zone: each worker who chose the
    daily digest gets one message listing their open tasks (instead of one per task).
    Returns how many."""
    if not (rt.settings.smtp_host or rt.settings.sms_url):
        return 0
    return sum((await _once_per_zone(rt, now, "digest", date.isoformat, _send_digests)
                ).values())


async def _send_digests(tx: Transaction, settings: ServiceSettings, zone: tzinfo, day: str
                        ) -> int:
    sent = 0
    for worker in await tx.find("workers", Query.of(daily_digest=True, active=True,
                                                    limit=10_000)):
        if local_zone(worker.get("area_code")) is not zone:
            continue
        addresses = personal_addresses(settings, worker)
        tasks = [task for status in ("open", "accepted") for task in await tx.find(
            "tasks", Query.of(assignee_id=worker["id"], status=status, limit=200))]
        if addresses and tasks:
            await add_deliveries(tx, addresses, "digest", digest_payload(day, tasks))
            sent += 1
    return sent


async def send_reviews(rt: Runtime, now: datetime) -> int:
    """Once a month, from `ILP_DIGEST_HOUR` of the 1st in each time zone: the health
    workers (bidan, perawat) of each desa with indicators still red when the month ended
    get one notice listing them – with the webhooks – for the puskesmas's monthly review.
    Returns how many desa were told."""
    told = await _once_per_zone(rt, now, "review", month_to_review, _send_reviews)
    # Once the last zone (WIB) has had its review, the colours of the months before the one
    # reviewed are of no more use: the store stays bounded.
    if (west := ZONES[0]).tzname(None) in told:
        reviewed = month_to_review(now.astimezone(west).date())
        await rt.store.delete_keys_before("desa_colours", f"{reviewed}|")
    return sum(told.values())


async def _send_reviews(tx: Transaction, settings: ServiceSettings, zone: tzinfo,
                        period: str) -> int:
    told, offset, page = 0, 0, 2000
    while months := await tx.find("desa_colours", Query.of(period=period, limit=page,
                                                           offset=offset)):
        offset += len(months)
        for month in months:
            if local_zone(month["desa_code"]) is not zone or not (reds := red_indicators(month)):
                continue
            addresses = webhook_urls(settings) + [
                address for worker in await desa_health_workers(tx, month["desa_code"])
                for address in personal_addresses(settings, worker)]
            if addresses:
                await add_deliveries(tx, addresses, "pws.review",
                                     review_payload(month["desa_code"], period, reds))
                told += 1
    return told


async def escalation_job(rt: Runtime) -> None:
    while True:
        await asyncio.sleep(rt.settings.escalation_interval_s)
        now = datetime.now(UTC)
        try:
            escalated = await escalate_overdue(rt, now)
            opened = await visit_defaulters(rt, now)
            digests = await send_digests(rt, now)
            reviews = await send_reviews(rt, now)
            if escalated or opened or digests or reviews:
                log.info("scheduler: %d tasks escalated, %d defaulter visits opened, "
                         "%d daily digests, %d desa told of their month's review",
                         escalated, opened, digests, reviews)
        except Exception:  # noqa: BLE001 – try again next round
            log.exception("scheduler round failed")
