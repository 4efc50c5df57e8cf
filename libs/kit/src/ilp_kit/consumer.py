"""Durable pull consumers that apply events exactly once and never stop on bad input.

A batch is applied in one store transaction (one commit for many events, which is what
makes projections cheap). Each event id is recorded in the same transaction, so a
redelivery is skipped. If the batch fails, its events are retried one by one so a single
poison event cannot hold the others back; an event that still fails after `max_deliver`
attempts, or cannot even be parsed, goes to `ilp.dlq.<service>` with the reason.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ilp_contracts import EVENTS, Event, dlq_subject, from_integrators
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import ConnectionClosedError
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import NotFoundError
from opentelemetry import context as otel_context, propagate, trace
from pydantic import ValidationError

from .dead_letters import reason_header
from .errors import PermanentError, explained
from .pull import BatchPuller, PullError
from .store import DocumentStore, Transaction
from .telemetry import exporting
from .turns import LoopTurns

log = logging.getLogger(__name__)
tracer = trace.get_tracer("ilp.consumer")

Handler = Callable[[Transaction, Any], Awaitable[None]]


class BatchEnd:
    """A handler table may map this to `async (tx) -> None`: called once per transaction,
    after its events and before the commit – e.g. to write counts aggregated over a batch
    once instead of once per event."""


async def end_batch(handlers: dict[Any, Handler], tx: Transaction) -> None:
    if (end := handlers.get(BatchEnd)) is not None:
        await end(tx, None)


def read_event(cls: type[Event], data: bytes) -> Event:
    """An event as a consumer reads it. The platform's own events are read tolerantly: a
    field a newer publisher added (an additive change within a version) is left aside, so
    services can be upgraded in any order. What integrators publish (`ilp.ingest.*`) is
    read strictly: an unknown field there is most likely a typo, refused with the field
    meant. (Events built in code are strict either way: `Event` forbids extra fields.)"""
    return cls.model_validate_json(
        data, extra="forbid" if from_integrators(cls.SUBJECT) else "ignore")


def _family(subject: str) -> str:
    """`ilp.ingest.screening.v1` → `ilp.ingest.screening`: the event without its version."""
    head, _, version = subject.rpartition(".")
    return head if version[:1] == "v" and version[1:].isdigit() else subject


def _matches(subject_filter: str, subject: str) -> bool:
    """NATS subject matching: `*` one token, `>` one or more at the end."""
    wanted, tokens = subject_filter.split("."), subject.split(".")
    for i, token in enumerate(wanted):
        if token == ">":
            return len(tokens) > i
        if i >= len(tokens) or token not in ("*", tokens[i]):
            return False
    return len(wanted) == len(tokens)


# The consumer's metadata names the subjects its code handled when it last started, so
# the next release knows which event types it gains (`_catch_up`).
HANDLED = "ilp-handled"
REDELIVERY_DELAYS_S = (1, 5, 15, 60)
# Events fetched by a consumer that dies are redelivered after this; a batch must be
# applied well within it.
ACK_WAIT_S = 10


@dataclass
class ConsumerStats:
    applied: int = 0
    skipped_duplicates: int = 0
    dead_lettered: int = 0
    retried: int = 0
    # Seconds from an event's occurrence to its effect being committed here (the last
    # 10,000: bounded, enough for percentiles).
    lags: deque[float] = field(default_factory=lambda: deque(maxlen=10_000))
    # Wall-clock time of the last commit that applied events: when a backlog was done.
    last_applied_at: float | None = None

    def snapshot(self) -> dict[str, Any]:
        lags = sorted(self.lags)

        def pick(q: float) -> float | None:
            return round(lags[min(len(lags) - 1, int(q * len(lags)))] * 1000, 1) if lags else None
        return {"applied": self.applied, "skipped_duplicates": self.skipped_duplicates,
                "dead_lettered": self.dead_lettered, "retried": self.retried,
                "last_applied_at": self.last_applied_at,
                "lag_ms": {"p50": pick(0.5), "p95": pick(0.95), "p99": pick(0.99),
                           "max": pick(1.0)}}


@dataclass
class EventConsumer:
    """Applies the events a service handles; unknown subjects on its streams are ignored."""

    service: str
    store: DocumentStore
    handlers: dict[type[Event], Handler]
    max_deliver: int = 5
    after_commit: Callable[[], None] = lambda: None
    stats: ConsumerStats = field(default_factory=ConsumerStats)

    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _pullers: list[BatchPuller] = field(default_factory=list)
    _running: bool = False

    async def start(self, nc: Client, stream: str, subject: str, batch: int = 1000) -> None:
        """Bind the durable pull consumer `<service>-<stream>` and start pulling."""
        durable = f"{self.service}-{stream.lower()}"
        handled = ",".join(self._handled_on(subject))
        # The server may redeliver once more than we try, so our last attempt can still
        # dead-letter the event itself instead of the server silently giving up.
        config = ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT,
                                max_deliver=self.max_deliver + 1, ack_wait=ACK_WAIT_S,
                                max_ack_pending=20_000, filter_subject=subject,
                                metadata={HANDLED: handled})
        js = nc.jetstream()
        try:
            current: ConsumerConfig | None = (await js.consumer_info(stream, durable)).config
        except NotFoundError:
            current = None
        known = (current.metadata or {}).get(HANDLED) if current else None
        if known is not None:
            await self._catch_up(nc, stream, sorted(set(handled.split(",")) -
                                                    set(known.split(","))))
        if current is None or (current.filter_subject, known) != (subject, handled):
            await js.add_consumer(stream, config)  # the code now reads more (or less)
        puller = BatchPuller(nc, stream, durable)
        await puller.start()
        self._pullers.append(puller)
        self._running = True
        self._tasks.append(asyncio.create_task(self._pull(puller, batch),
                                               name=f"consume-{durable}"))

    def _handled_on(self, subject_filter: str) -> list[str]:
        """The subjects this consumer handles among those the filter takes."""
        return sorted(cls.SUBJECT for cls in self.handlers
                      if isinstance(cls, type) and issubclass(cls, Event)
                      and _matches(subject_filter, cls.SUBJECT))

    async def _catch_up(self, nc: Client, stream: str, subjects: list[str]) -> None:
        """A release that handles an event type this consumer used to pass over (acked
        unread) first applies that type's events already in the stream – once: their
        ids are recorded as applied, so the live consumer skips any it is sent too. A
        durable consumer from before it recorded what it handles is not caught up:
        nothing says which types it passed over."""
        if not subjects:
            return
        from .replay import replay  # (replay reads events with this module's helpers)

        every: dict[Any, Handler] = dict(self.handlers)  # with BatchEnd's, if any
        new = {cls: handler for cls, handler in every.items()
               if cls is BatchEnd or getattr(cls, "SUBJECT", None) in subjects}
        counts = await replay(nc, self.store, new, [(stream, s) for s in subjects],
                              commit_every=2000)
        log.info("%s now handles %s: %d earlier events applied", self.service,
                 ", ".join(subjects), counts["applied"])

    async def stop(self, timeout: float = 15.0) -> None:
        """Let the batches in hand finish (they are acked), then stop pulling."""
        self._running = False
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=timeout)
            for task in pending:
                task.cancel()
        self._tasks.clear()
        for puller in self._pullers:
            await puller.stop()
        self._pullers.clear()

    async def _pull(self, puller: BatchPuller, batch: int) -> None:
        # A fetch returns as soon as messages are there, so a quiet stream costs no
        # latency and a busy one fills whole batches. The next batch is asked for while
        # this one is applied only while batches are quick: its ack wait runs meanwhile
        # (a slow store, e.g. a remote MongoDB, would see it redelivered).
        ask_ahead = True
        while self._running:
            try:
                messages = await puller.fetch(batch, timeout=1.0, ask_ahead=ask_ahead)
            except (ConnectionClosedError, PullError) as exc:
                log.warning("%s: waiting for NATS: %s", self.service, exc)
                await asyncio.sleep(1.0)
                continue
            except Exception:  # noqa: BLE001 – the loop must survive anything
                log.exception("%s: fetch failed", self.service)
                await asyncio.sleep(1.0)
                continue
            started = time.monotonic()
            try:
                await self.process(messages)
            except Exception:  # noqa: BLE001 – unacked events are redelivered later
                log.exception("%s: batch not processed; it will be redelivered", self.service)
            ask_ahead = time.monotonic() - started < ACK_WAIT_S / 4

    async def process(self, raws: list[Msg]) -> None:
        ready: list[tuple[Msg, Event]] = []
        for raw in raws:
            event = await self._parse(raw)
            if event is not None:
                ready.append((raw, event))
        while ready:
            ready = ready[await self._apply_some(ready):]

    async def _apply_some(self, ready: list[tuple[Msg, Event]]) -> int:
        """Apply, commit and ack events from the start of `ready` in one transaction;
        returns how many. All of them, unless somebody waits to write meanwhile: every
        few milliseconds the event loop gets a turn (dashboards read, kader requests come
        in) and, if a request then waits for the store, the batch commits what it has."""
        chunk, turns = ready, LoopTurns()
        try:
            async with self.store.transaction() as tx:
                # A batch of 1,000 events holds the store's single writer for up to ~0.3 s
                # (screening): a request waiting for it gets in at the next turn, so
                # batches can stay large for throughput.
                for done, (raw, event) in enumerate(ready, 1):
                    await self._apply(tx, raw, event)
                    if await turns.give() and self.store.contended:
                        chunk = ready[:done]
                        break
                await end_batch(self.handlers, tx)
        except Exception as exc:  # noqa: BLE001 – isolate the failing event below
            log.warning("%s: a batch of %d failed (%s); applying its events one by one",
                        self.service, len(chunk), exc)
            for raw, event in chunk:
                await self._process_one(raw, event)
            return len(chunk)
        self.after_commit()
        self._record_lags(event for _, event in chunk)
        for raw, _ in chunk:
            await raw.ack()
        return len(chunk)

    def _record_lags(self, events: Iterable[Event]) -> None:
        now = self.stats.last_applied_at = time.time()
        self.stats.lags.extend(now - e.occurred_at.timestamp() for e in events)

    async def _parse(self, raw: Msg) -> Event | None:
        cls = EVENTS.get(raw.subject)
        if cls is None or cls not in self.handlers:
            if readable := self._versions.get(_family(raw.subject)):
                # A version of an event we handle that this code cannot read (a publisher
                # ahead of us, or an integrator's typo): parked with the versions we read,
                # not dropped as if it were somebody else's event.
                await self._dead_letter(raw, "unsupported_version", [{
                    "msg": f"{raw.subject} is not a version this service reads "
                           f"({', '.join(readable)})", "supported": readable}])
                return None
            await raw.ack()  # not ours to handle (another consumer's event type)
            return None
        try:
            return read_event(cls, raw.data)
        except ValidationError as exc:
            # (with its context: a validator's own message is said in the reader's language)
            await self._dead_letter(raw, "invalid_event", explained(exc.errors(
                include_url=False, include_input=False), cls))
            return None

    async def _apply(self, tx: Transaction, raw: Msg, event: Event) -> None:
        with self._traced(raw, event):
            if not await tx.mark_applied(event.event_id):
                self.stats.skipped_duplicates += 1
                return
            await self.handlers[type(event)](tx, event)
            self.stats.applied += 1

    @cached_property
    def _versions(self) -> dict[str, list[str]]:
        """The subjects this consumer reads, by event without its version."""
        versions: dict[str, list[str]] = {}
        for cls in self.handlers:
            if isinstance(cls, type) and issubclass(cls, Event):
                versions.setdefault(_family(cls.SUBJECT), []).append(cls.SUBJECT)
        return {family: sorted(subjects) for family, subjects in versions.items()}

    @contextmanager
    def _traced(self, raw: Msg, event: Event) -> Iterator[None]:
        """The handler runs in the publisher's trace: in a consumer span when spans are
        exported, else in the incoming context itself (events it emits carry it on)."""
        context = propagate.extract(raw.headers or {})
        if not exporting():
            token = otel_context.attach(context)
            try:
                yield
            finally:
                otel_context.detach(token)
            return
        with tracer.start_as_current_span(f"{raw.subject} process", context=context,
                                          kind=trace.SpanKind.CONSUMER) as span:
            span.set_attribute("messaging.message.id", event.event_id)
            span.set_attribute("messaging.consumer.group.name", self.service)
            yield

    async def _process_one(self, raw: Msg, event: Event) -> None:
        try:
            async with self.store.transaction() as tx:
                await self._apply(tx, raw, event)
                await end_batch(self.handlers, tx)
        except PermanentError as exc:
            # at the event's fields (`screening.posyandu_id`), as an unreadable event's
            await self._dead_letter(raw, "rejected", exc.detail(in_body=False))
            return
        except Exception as exc:  # noqa: BLE001 – decide between retry and dead letter
            attempt = raw.metadata.num_delivered if raw.metadata else 1
            if attempt >= self.max_deliver:
                await self._dead_letter(raw, "failed", [{"msg": f"{type(exc).__name__}: {exc}",
                                                         "attempts": attempt}])
            else:
                self.stats.retried += 1
                log.warning("retrying %s (attempt %d): %s", event.event_id, attempt, exc)
                delay = REDELIVERY_DELAYS_S[min(attempt, len(REDELIVERY_DELAYS_S)) - 1]
                await raw.nak(delay=delay)
            return
        self.after_commit()
        self._record_lags([event])
        await raw.ack()

    async def _dead_letter(self, raw: Msg, kind: str, detail: list[dict[str, Any]]) -> None:
        """Park the event on `ilp.dlq.<service>` with a machine-readable reason: a JSON
        object {"type": invalid_event|rejected|failed, "detail": [...]} in a header."""
        reason = reason_header(kind, detail)
        headers = dict(raw.headers or {})
        original_id = headers.pop("Nats-Msg-Id", "")
        seq = raw.metadata.sequence.stream if raw.metadata else 0
        headers.update({
            "Nats-Msg-Id": f"dlq:{self.service}:{raw.subject}:{original_id or seq}",
            "ilp-dlq-reason": reason,
            "ilp-dlq-subject": raw.subject,
            "ilp-dlq-service": self.service,
            "ilp-dlq-stream-seq": str(seq),
        })
        await raw._client.jetstream().publish(dlq_subject(self.service), raw.data,
                                               headers=headers)
        await raw.ack()
        self.stats.dead_lettered += 1
        log.error("dead-lettered %s from %s: %s", original_id or seq, raw.subject, reason[:300])
