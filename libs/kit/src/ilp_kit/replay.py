"""Rebuild a service's derived state by replaying streams from their first message.

Used by `ilp pws-rebuild`/`pws-check`: an ephemeral consumer reads the whole stream
(no acks, nothing changes on the server), events are applied in batches through the
same handlers the live consumer uses, and their ids are recorded, so when the rebuilt
store is put in place the live durable consumer skips what the replay already applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ilp_contracts import EVENTS, Event
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import ValidationError

from .consumer import end_batch, Handler, read_event
from .pull import BatchPuller
from .store import DocumentStore, Transaction


async def replay(nc: Client, store: DocumentStore, handlers: dict[type[Event], Handler],
                 subscriptions: list[tuple[str, str]], batch: int = 2000,
                 commit_every: int = 20_000,
                 progress: Callable[[int], None] = lambda _: None,
                 mine: Callable[[Msg], bool] = lambda _: True) -> dict[str, int]:
    """Apply every event of `subscriptions` (stream, subject) in stream order; returns
    counts of applied, skipped (not handled here) and invalid events. `mine`: the messages
    this replay applies, when several share the work (the rest are left before parsing).

    One transaction spans several fetches (`commit_every` events): the store is a fresh
    file nobody else writes, and handlers that aggregate per transaction (`BatchEnd`)
    write each aggregate once per transaction, so bigger ones mean fewer writes."""
    counts = {"applied": 0, "skipped": 0, "invalid": 0}
    js = nc.jetstream()
    for stream, subject in subscriptions:
        info = await js.stream_info(stream)
        if info.state.messages == 0:
            continue
        consumer = await js.add_consumer(stream, ConsumerConfig(
            ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL,
            inactive_threshold=60.0, filter_subject=subject))
        puller = BatchPuller(nc, stream, consumer.name)
        await puller.start()
        position = _Position(last=info.state.last_seq)
        while not position.done:
            async with store.transaction() as tx:
                in_tx = 0
                while not position.done and in_tx < commit_every:
                    messages = await puller.fetch(batch, timeout=2.0)
                    position.exhausted = not messages  # nothing more for this filter
                    await _apply_all(tx, handlers, messages, position, counts, mine)
                    in_tx += len(messages)
                    progress(len(messages))
                await end_batch(handlers, tx)
        await puller.stop()
        await js.delete_consumer(stream, consumer.name)  # not left to linger until it times out
    return counts


@dataclass
class _Position:
    """How far a replay has read a stream (it ends at the last sequence seen at start)."""

    last: int
    seen: int = 0
    exhausted: bool = False

    @property
    def done(self) -> bool:
        return self.exhausted or self.seen >= self.last


async def _apply_all(tx: Transaction, handlers: dict[type[Event], Handler], messages: list[Msg],
                     position: _Position, counts: dict[str, int],
                     mine: Callable[[Msg], bool]) -> None:
    if messages:  # (parsing a message's metadata is not free: only the last one's)
        last = messages[-1].metadata
        position.seen = last.sequence.stream if last else position.last
    for msg in messages:
        if not mine(msg):
            continue
        cls = EVENTS.get(msg.subject)
        if cls is None or cls not in handlers:
            counts["skipped"] += 1
            continue
        try:
            event = read_event(cls, msg.data)
        except ValidationError:
            counts["invalid"] += 1  # it went to the dead letters live, too
            continue
        if await tx.mark_applied(event.event_id):
            await handlers[cls](tx, event)
        counts["applied"] += 1


async def stream_sizes(js: JetStreamContext, subscriptions: list[tuple[str, str]]) -> int:
    total = 0
    for stream, _ in subscriptions:
        total += (await js.stream_info(stream)).state.messages
    return total
