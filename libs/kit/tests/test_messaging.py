"""Outbox relay and consumers against a real nats-server: de-duplication, exactly-once
effects, dead letters and trace continuity."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any
from collections.abc import AsyncIterator, Awaitable, Callable

import nats
import pytest
from ilp_contracts import AreaUpserted, TargetSet
from ilp_contracts.text import _
from ilp_kit import dead_letters
from ilp_kit import turns as turns_module
from ilp_kit.consumer import EventConsumer
from ilp_kit.errors import UnprocessableError
from ilp_kit.messaging import ensure_streams
from ilp_kit.outbox import OutboxRelay, emit
from ilp_kit.store import SqliteStore, Transaction
from ilp_kit.telemetry import setup_tracing
from nats.aio.client import Client
from nats.js.errors import NoStreamResponseError
from opentelemetry import trace

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def nc(nats_server: str) -> AsyncIterator[Client]:
    client = await nats.connect(nats_server)
    await ensure_streams(client)
    yield client
    await client.close()


def area(code: str = "33.73") -> AreaUpserted:
    return AreaUpserted(code=code, name="Kota Salatiga", level="regency", parent_code="33")


async def start_consumer(nc: Client, tmp_path, handler, max_deliver: int = 5
                         ) -> tuple[EventConsumer, SqliteStore]:
    store = SqliteStore(tmp_path / f"consumer-{uuid.uuid4().hex[:6]}.db", {"seen": []})
    await store.open()
    consumer = EventConsumer(f"test-{uuid.uuid4().hex[:6]}", store, {AreaUpserted: handler},
                             max_deliver=max_deliver)
    await consumer.start(nc, "REGISTRY", "ilp.registry.>", batch=50)
    return consumer, store


async def test_relay_publishes_with_cloudevents_headers_and_dedup(nc: Client, tmp_path) -> None:
    store = SqliteStore(tmp_path / "relay.db", {})
    await store.open()
    event = area("33.71")
    async with store.transaction() as tx:
        await emit(tx, event)
    relay = OutboxRelay(store, nc.jetstream())
    assert await relay.flush() == 1
    assert await store.outbox_backlog() == 0

    # A crash after publish but before removal re-publishes: the stream drops it.
    again = await nc.jetstream().publish(event.SUBJECT, event.model_dump_json().encode(),
                                         headers={"Nats-Msg-Id": event.event_id})
    assert again.duplicate is True

    sub = await nc.jetstream().pull_subscribe("ilp.registry.area.upserted.v1",
                                              durable=f"probe-{uuid.uuid4().hex[:6]}")
    messages = [m for m in await sub.fetch(100, timeout=2)
                if m.headers and m.headers.get("ce-id") == event.event_id]
    assert len(messages) == 1
    headers = messages[0].headers
    assert headers["Nats-Msg-Id"] == event.event_id
    assert headers["ce-type"] == "ilp.registry.area.upserted.v1"
    assert headers["ce-source"] == "ilp/registry" and headers["ce-subject"] == "33.71"
    assert headers["ce-specversion"] == "1.0"
    assert AreaUpserted.model_validate_json(messages[0].data) == event
    await store.close()


async def test_consumer_applies_each_event_once(nats_server: str, nc: Client, tmp_path) -> None:
    applied: list[str] = []

    async def handler(tx: Transaction, event: AreaUpserted) -> None:
        applied.append(event.event_id)
        await tx.put("seen", event.event_id, {"code": event.code})

    consumer, store = await start_consumer(nc, tmp_path, handler)
    event = area("33.72")
    body = event.model_dump_json().encode()
    js = nc.jetstream()
    # The same event delivered twice past the de-dup window (different Nats-Msg-Id).
    await js.publish(event.SUBJECT, body, headers={"Nats-Msg-Id": "copy-1-" + event.event_id})
    await js.publish(event.SUBJECT, body, headers={"Nats-Msg-Id": "copy-2-" + event.event_id})

    async def both_seen() -> bool:  # the stream also holds earlier tests' events
        return event.event_id in applied and consumer.stats.skipped_duplicates >= 1
    await eventually(both_seen)
    assert applied.count(event.event_id) == 1
    await consumer.stop()
    await store.close()


async def test_poison_and_failing_events_go_to_dead_letters(nats_server: str, nc: Client,
                                                            tmp_path) -> None:
    async def handler(tx: Transaction, event: AreaUpserted) -> None:
        if event.name == "explode":
            raise RuntimeError("store write failed")
        await tx.put("seen", event.event_id, {"code": event.code})

    consumer, store = await start_consumer(nc, tmp_path, handler,
                                                   max_deliver=2)
    dlq = await nc.jetstream().pull_subscribe(f"ilp.dlq.{consumer.service}",
                                              durable=f"dlq-{uuid.uuid4().hex[:6]}")
    js = nc.jetstream()
    subject = AreaUpserted.SUBJECT
    await js.publish(subject, b"{not json", headers={"Nats-Msg-Id": uuid.uuid4().hex})
    bad = AreaUpserted(code="33.70", name="explode", level="regency", parent_code="33")
    await js.publish(subject, bad.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": bad.event_id})
    good = area("33.79")
    await js.publish(subject, good.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": good.event_id})

    async def good_applied() -> bool:
        return await store.get("seen", good.event_id) is not None
    await eventually(good_applied)
    letters = []
    while len(letters) < 2:
        letters += await dlq.fetch(2 - len(letters), timeout=10)
    reasons = {r["type"]: r["detail"] for r in
               (json.loads(m.headers["ilp-dlq-reason"]) for m in letters)}
    assert reasons["invalid_event"][0]["type"] == "json_invalid"
    assert "store write failed" in reasons["failed"][0]["msg"]
    assert all(m.headers["ilp-dlq-subject"] == subject for m in letters)
    assert consumer.stats.dead_lettered == 2
    await consumer.stop()
    await store.close()


async def test_a_version_it_cannot_read_is_parked_and_other_events_pass(
        nc: Client, tmp_path) -> None:
    seen: list[str] = []

    async def handler(tx: Transaction, event: AreaUpserted) -> None:
        seen.append(event.code)

    consumer, store = await start_consumer(nc, tmp_path, handler)
    dlq = await nc.jetstream().pull_subscribe(f"ilp.dlq.{consumer.service}",
                                              durable=f"dlq-{uuid.uuid4().hex[:6]}")
    js = nc.jetstream()
    ahead = AreaUpserted.SUBJECT.removesuffix(".v1") + ".v2"
    await js.publish(ahead, area("94.71").model_dump_json().encode(),
                     headers={"Nats-Msg-Id": uuid.uuid4().hex})
    other = TargetSet(area_code="33.73.04.1001", year=2026, group="balita", count=5)
    await js.publish(other.SUBJECT, other.model_dump_json().encode(),  # not its event type
                     headers={"Nats-Msg-Id": other.event_id})
    last = area("94.72")
    await js.publish(last.SUBJECT, last.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": last.event_id})
    async def the_readable_one() -> bool:  # (the stream also holds other tests' events)
        return "94.72" in seen
    await eventually(the_readable_one)
    assert "94.71" not in seen
    letters = await dlq.fetch(100, timeout=10)
    [letter] = [m for m in letters if m.headers["ilp-dlq-subject"] == ahead]
    reason = json.loads(letter.headers["ilp-dlq-reason"])
    assert (reason["type"], reason["detail"][0]["supported"]) == (
        "unsupported_version", [AreaUpserted.SUBJECT])
    assert not [m for m in letters if m.headers["ilp-dlq-subject"] == other.SUBJECT]
    await consumer.stop()
    await store.close()


async def test_a_field_a_newer_publisher_added_is_left_aside(nc: Client, tmp_path) -> None:
    """A service upgraded first publishes an event with a field this one does not know
    yet (an additive change within v1): applied as it reads it, not dead-lettered – so
    services can be upgraded in any order."""
    seen: list[str] = []

    async def handler(tx: Transaction, event: AreaUpserted) -> None:
        seen.append(event.code)

    consumer, store = await start_consumer(nc, tmp_path, handler)
    newer = json.loads(area("94.73").model_dump_json()) | {"population": 12_000}
    await nc.jetstream().publish(AreaUpserted.SUBJECT, json.dumps(newer).encode(),
                                 headers={"Nats-Msg-Id": newer["event_id"]})

    async def applied() -> bool:
        return "94.73" in seen
    await eventually(applied)  # (dead-lettered, it would never be seen)
    await consumer.stop()
    await store.close()


async def test_what_integrators_publish_is_read_strictly() -> None:
    """An unknown field in an integrator's submission is most likely a typo: refused
    (and dead-lettered with the field meant), never silently dropped."""
    from ilp_contracts import IngestScreening
    from ilp_kit.consumer import read_event
    from pydantic import ValidationError

    submission = {"idempotency_key": "simpus-0001", "source_system": "simpus",
                  "screening": {"person": {"nik": "3373041011240999", "name": "X", "sex": "M",
                                           "birth_date": "2024-11-10"},
                                "posyandu_id": "psy-1", "screened_on": "2026-11-20",
                                "measurements": {}}}
    assert read_event(IngestScreening, json.dumps(submission).encode())
    with pytest.raises(ValidationError, match="idempotencykey"):
        read_event(IngestScreening, json.dumps({**submission, "idempotencykey": "x"}).encode())


async def letters_of(js: Any, service: str, event: AreaUpserted
                     ) -> list[dead_letters.DeadLetter]:
    """The service's dead letters of this event (the stream holds other tests' too)."""
    return [letter for letter in await dead_letters.read(js, service)
            if event.event_id.encode() in letter.data]


async def parked(js: Any, service: str, event: AreaUpserted) -> dead_letters.DeadLetter:
    """The event's one dead letter, once the service has parked it."""
    async def there() -> bool:
        return bool(await letters_of(js, service, event))
    await eventually(there)
    [letter] = await letters_of(js, service, event)
    return letter


async def test_a_dead_letter_is_read_with_its_reason_and_sent_again_once_fixed(
        nats_server: str, nc: Client, tmp_path) -> None:
    registered = {"33"}  # what the "registry" knows so far

    async def handler(tx: Transaction, event: AreaUpserted) -> None:
        if event.parent_code not in registered:
            raise UnprocessableError("parent_code", _("area {code} is not registered",
                                                      code=event.parent_code), "unknown_parent")
        await tx.put("seen", event.event_id, {"code": event.code})

    consumer, store = await start_consumer(nc, tmp_path, handler)
    js = nc.jetstream()
    event = AreaUpserted(code="34.71", name="Kota Yogyakarta", level="regency",
                         parent_code="34")
    await js.publish(event.SUBJECT, event.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": event.event_id})

    letter = await parked(js, consumer.service, event)
    assert (letter.subject, letter.service, letter.reason["type"]) == (
        event.SUBJECT, consumer.service, "rejected")
    assert letter.summary == "parent_code: area 34 is not registered"  # the event's field
    # as `ilp dlq` says it to a Dinkes operator
    assert letter.summary_in("id") == "parent_code: wilayah 34 tidak terdaftar"
    assert letter in await dead_letters.read(js)  # all services' dead letters

    registered.add("34")  # the cause is fixed
    await dead_letters.send_again(js, letter)
    await dead_letters.send_again(js, letter)  # e.g. a retry after a lost reply: once

    async def applied() -> bool:
        return await store.get("seen", event.event_id) is not None
    await eventually(applied)
    assert await letters_of(js, consumer.service, event) == []
    dead_lettered = consumer.stats.dead_lettered
    await asyncio.sleep(0.3)
    assert consumer.stats.dead_lettered == dead_lettered  # the second send did nothing
    assert await dead_letters.drop(js, letter.seq) is False  # already gone
    await consumer.stop()
    await store.close()


async def test_trace_continues_from_publisher_to_handler(nats_server: str, nc: Client,
                                                         tmp_path) -> None:
    setup_tracing("test")
    seen_trace: dict[str, int] = {}

    async def handler(tx: Transaction, event: AreaUpserted) -> None:
        seen_trace[event.event_id] = trace.get_current_span().get_span_context().trace_id

    consumer, store = await start_consumer(nc, tmp_path, handler)
    outbox = SqliteStore(tmp_path / "producer.db", {})
    await outbox.open()
    with trace.get_tracer("test").start_as_current_span("POST /areas") as span:
        producer_trace = span.get_span_context().trace_id
        event = area("33.76")
        async with outbox.transaction() as tx:
            await emit(tx, event)
    await OutboxRelay(outbox, nc.jetstream()).flush()  # outside the span, like the relay

    async def handled() -> bool:
        return event.event_id in seen_trace
    await eventually(handled)
    assert seen_trace[event.event_id] == producer_trace
    await consumer.stop()
    await store.close()
    await outbox.close()



async def test_streams_holding_nik_expire(nc: Client) -> None:
    """Integrators' raw submissions and dead letters carry NIKs: kept only for a while."""
    js = nc.jetstream()
    assert (await js.stream_info("INGEST")).config.max_age == 7 * 24 * 3600
    assert (await js.stream_info("DLQ")).config.max_age == 30 * 24 * 3600
    assert not (await js.stream_info("SCREENING")).config.max_age  # the source of truth


async def test_an_ingest_subject_nobody_reads_is_refused_at_the_publisher(nc: Client) -> None:
    js = nc.jetstream()
    with pytest.raises(NoStreamResponseError):  # no stream: no PubAck that would mean "taken"
        await js.publish("ilp.ingest.registry.v1", b"{}", timeout=2)
    ack = await js.publish("ilp.ingest.screening.v2", b"{}")  # read, and dead-lettered
    assert ack.stream == "INGEST"


class _Delivered:
    """A message as a pull consumer hands it over, without a server behind it."""

    def __init__(self, event: AreaUpserted):
        self.subject, self.data, self.headers = event.SUBJECT, event.model_dump_json().encode(), {}
        self.acked = False

    async def ack(self) -> None:
        self.acked = True


async def test_a_long_batch_lets_a_waiting_request_in_and_still_applies_all_once(
        tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(turns_module, "PAUSE_EVERY_S", 0.0)  # a pause after every event
    store = SqliteStore(tmp_path / "busy.db", {"seen": []})
    await store.open()
    order: list[str] = []

    async def handler(tx: Transaction, event: AreaUpserted) -> None:
        order.append(event.code)
        await tx.put("seen", event.event_id, {"code": event.code})

    commits = []
    consumer = EventConsumer("busy", store, {AreaUpserted: handler},
                             after_commit=lambda: commits.append(len(order)))
    messages = [_Delivered(area(f"33.{i:02d}")) for i in range(10)]

    async def kader_request() -> None:
        async with store.transaction() as tx:
            order.append("request")
            await tx.put("seen", "request", {})

    batch = asyncio.create_task(consumer.process(messages))  # type: ignore[arg-type]
    await asyncio.sleep(0)  # the batch holds the writer and applies its first event
    await kader_request()
    await batch
    # The request got in after the first event, not after the whole batch.
    assert order.index("request") == 1 and len(commits) == 2
    assert all(m.acked for m in messages) and await store.count("seen") == 11
    assert [c for c in order if c != "request"] == [f"33.{i:02d}" for i in range(10)]
    await store.close()


async def test_without_anybody_waiting_a_batch_is_one_transaction(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(turns_module, "PAUSE_EVERY_S", 0.0)
    store = SqliteStore(tmp_path / "quiet.db", {"seen": []})
    await store.open()

    async def handler(tx: Transaction, event: AreaUpserted) -> None:
        await tx.put("seen", event.event_id, {})

    commits = []
    consumer = EventConsumer("quiet", store, {AreaUpserted: handler},
                             after_commit=lambda: commits.append(1))
    messages = [_Delivered(area(f"33.{i:02d}")) for i in range(10)]
    await consumer.process(messages)  # type: ignore[arg-type]
    assert len(commits) == 1 and all(m.acked for m in messages)
    await store.close()


async def test_a_release_that_handles_a_new_event_type_applies_those_already_sent(
        nc: Client, tmp_path) -> None:
    """Version 1 of a service handles areas only and passes targets over (acked unread);
    version 2 handles targets too: it first applies the targets already in the stream,
    once, and the areas are not applied again. A third start changes nothing."""
    service, code = f"test-{uuid.uuid4().hex[:6]}", f"33.{uuid.uuid4().int % 60 + 10}"
    store = SqliteStore(tmp_path / "upgrade.db", {"seen": []})
    await store.open()
    applied: list[str] = []

    async def seen(tx: Transaction, event: AreaUpserted | TargetSet) -> None:
        applied.append(event.event_id)

    target = TargetSet(area_code=code, year=2026, group="balita", count=40)
    sent = [area(code), target]
    for event in sent:
        await nc.jetstream().publish(event.SUBJECT, event.model_dump_json().encode(),
                                     headers={"Nats-Msg-Id": event.event_id})
    for release in ({AreaUpserted: seen}, {AreaUpserted: seen, TargetSet: seen},
                    {AreaUpserted: seen, TargetSet: seen}):
        consumer = EventConsumer(service, store, release)  # type: ignore[arg-type]
        await consumer.start(nc, "REGISTRY", "ilp.registry.>", batch=50)

        async def area_applied() -> bool:
            return sent[0].event_id in applied
        await eventually(area_applied)
        await asyncio.sleep(0.3)  # anything more would have come by now
        await consumer.stop()
    assert applied.count(sent[0].event_id) == 1
    assert applied.count(target.event_id) == 1
    await store.close()


async def test_a_validators_own_message_is_said_in_the_operators_language(
        nc: Client, tmp_path, monkeypatch) -> None:
    """An event refused by a validator of its contract: pydantic wraps the validator's
    message ("Value error, …"); `ilp dlq` says the message itself in Indonesian, not the
    English under an Indonesian frame."""
    from pydantic import field_validator

    class Checked(AreaUpserted):
        @field_validator("name")
        @classmethod
        def _known(cls, name: str) -> str:
            if name == "unknown":
                raise ValueError(_("area {code} is not registered", code="99"))
            return name

    from ilp_kit import consumer as consuming
    monkeypatch.setitem(consuming.EVENTS, AreaUpserted.SUBJECT, Checked)
    store = SqliteStore(tmp_path / "checked.db", {"seen": []})
    await store.open()
    consumer = EventConsumer(f"test-{uuid.uuid4().hex[:6]}", store,
                             {Checked: lambda tx, event: asyncio.sleep(0)})
    await consumer.start(nc, "REGISTRY", "ilp.registry.>", batch=50)
    js = nc.jetstream()
    event = AreaUpserted(code="99.01", name="unknown", level="regency", parent_code="99")
    await js.publish(event.SUBJECT, event.model_dump_json().encode(),
                     headers={"Nats-Msg-Id": event.event_id})
    letter = await parked(js, consumer.service, event)
    assert letter.summary == "name: Value error, area 99 is not registered"
    assert letter.summary_in("id") == "name: wilayah 99 tidak terdaftar"
    await consumer.stop()
    await store.close()
