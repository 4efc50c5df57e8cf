"""The batch puller against a real nats-server: batch sizes, no latency on a quiet
stream, an empty answer when nothing comes, and a clear error when the consumer is gone."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import nats
import pytest
from ilp_kit.pull import BatchPuller, PullError
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
async def stream(nats_server: str) -> AsyncIterator[tuple[Client, str]]:
    client = await nats.connect(nats_server)
    name = f"PULL{uuid.uuid4().hex[:6].upper()}"
    await client.jetstream().add_stream(StreamConfig(name=name, subjects=[f"{name}.>"]))
    yield client, name
    await client.jetstream().delete_stream(name)
    await client.close()


async def puller_for(nc: Client, stream: str) -> BatchPuller:
    info = await nc.jetstream().add_consumer(stream, ConsumerConfig(
        durable_name="reader", ack_policy=AckPolicy.EXPLICIT))
    puller = BatchPuller(nc, stream, info.name)
    await puller.start()
    return puller


async def publish(nc: Client, stream: str, count: int) -> None:
    for i in range(count):
        await nc.jetstream().publish(f"{stream}.event", str(i).encode())


async def test_batches_in_stream_order_and_acks_stick(stream: tuple[Client, str]) -> None:
    nc, name = stream
    await publish(nc, name, 25)
    puller = await puller_for(nc, name)
    sizes, seen = [], []
    for _ in range(3):
        batch = await puller.fetch(10, timeout=1.0)
        sizes.append(len(batch))
        seen += [int(m.data) for m in batch]
        for message in batch:
            await message.ack()
    assert sizes == [10, 10, 5] and seen == list(range(25))
    assert await puller.fetch(10, timeout=0.3) == []  # acked: nothing is redelivered
    await puller.stop()


async def test_a_quiet_stream_answers_when_the_first_message_comes(
        stream: tuple[Client, str]) -> None:
    nc, name = stream
    puller = await puller_for(nc, name)
    started = time.monotonic()
    fetch = asyncio.create_task(puller.fetch(200, timeout=5.0))
    await asyncio.sleep(0.3)
    await publish(nc, name, 1)
    batch = await fetch
    assert [m.data for m in batch] == [b"0"]
    assert time.monotonic() - started < 2.0  # not the 5 s timeout, nor a full batch
    await publish(nc, name, 3)  # the request still waiting on the server delivers these
    later: list[bytes] = []
    started = time.monotonic()
    while len(later) < 3 and time.monotonic() - started < 2.0:
        later += [m.data for m in await puller.fetch(200, timeout=1.0)]
    assert later == [b"0", b"1", b"2"]
    await puller.stop()


async def test_a_deleted_consumer_is_an_error_not_an_endless_wait(
        stream: tuple[Client, str]) -> None:
    nc, name = stream
    puller = await puller_for(nc, name)
    await nc.jetstream().delete_consumer(name, "reader")
    with pytest.raises(PullError):
        for _ in range(3):  # the first answer may still be the server's "no messages"
            await puller.fetch(10, timeout=0.5)
    await puller.stop()


async def test_a_full_batch_asks_for_the_next_and_stop_hands_it_back(
        stream: tuple[Client, str]) -> None:
    nc, name = stream
    await publish(nc, name, 25)
    puller = await puller_for(nc, name)
    first = await puller.fetch(10, timeout=1.0)
    info = None
    for _ in range(20):  # the next batch comes while this one would be applied
        await asyncio.sleep(0.05)
        info = await nc.jetstream().consumer_info(name, "reader")
        if info.num_ack_pending == 20:
            break
    assert len(first) == 10 and info is not None and info.num_ack_pending == 20
    for message in first:
        await message.ack()
    await puller.stop()  # the ten asked ahead go back now, not after the 30 s ack wait
    again = BatchPuller(nc, name, "reader")
    await again.start()
    seen: list[int] = []
    for _ in range(4):
        batch = await again.fetch(10, timeout=0.5)
        seen += [int(m.data) for m in batch]
        for message in batch:
            await message.ack()
    assert sorted(seen) == list(range(10, 25))
    await again.stop()


async def test_not_asking_ahead_keeps_only_the_batch_taken(stream: tuple[Client, str]) -> None:
    """What a consumer whose batches are slow asks: nothing waits in its ack wait."""
    nc, name = stream
    await publish(nc, name, 25)
    puller = await puller_for(nc, name)
    first = await puller.fetch(10, timeout=1.0, ask_ahead=False)
    await asyncio.sleep(0.3)
    info = await nc.jetstream().consumer_info(name, "reader")
    assert len(first) == 10 and info.num_ack_pending == 10 and info.num_pending == 15
    await puller.stop()
