"""Rebuild a service's derived state by replaying streams from their first message.

Used by `ilp pws-rebuild`/`pws-check`: an ephemeral consumer reads the whole stream
(no acks, nothing changes on the server), events are applied in batches through the
same handlers the live consumer uses, and their ids are recorded, so when the rebuilt
store is put in place the live durable consumer skips what the replay already applied.
"""

from __future__ import annotations

from collections.abc import Callable

from ilp_contracts import EVENTS, Event
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import ValidationError

from .consumer import end_batch, Handler
from .store import DocumentStore


async def replay(js: JetStreamContext, store: DocumentStore, handlers: dict[type[Event], Handler],
                 subscriptions: list[tuple[str, str]], batch: int = 2000,
                 progress: Callable[[int], None] = lambda _: None) -> dict[str, int]:
    """Apply every event of `subscriptions` (stream, subject) in stream order; returns
    counts of applied, skipped (not handled here) and invalid events."""
    counts = {"applied": 0, "skipped": 0, "invalid": 0}
    for stream, subject in subscriptions:
        info = await js.stream_info(stream)
        last = info.state.last_seq
        if info.state.messages == 0:
            continue
        sub = await js.pull_subscribe(subject, stream=stream, config=ConsumerConfig(
            ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL,
            inactive_threshold=60.0, filter_subject=subject))
        seen_seq = 0
        while seen_seq < last:
            try:
                messages = await sub.fetch(batch, timeout=2.0)
            except TimeoutError:
                break  # nothing more for this filter
            async with store.transaction() as tx:
                for msg in messages:
                    seen_seq = msg.metadata.sequence.stream if msg.metadata else last
                    cls = EVENTS.get(msg.subject)
                    if cls is None or cls not in handlers:
                        counts["skipped"] += 1
                        continue
                    try:
                        event = cls.model_validate_json(msg.data)
                    except ValidationError:
                        counts["invalid"] += 1  # it went to the dead letters live, too
                        continue
                    if await tx.mark_applied(event.event_id):
                        await handlers[cls](tx, event)
                    counts["applied"] += 1
                await end_batch(handlers, tx)
            progress(len(messages))
        consumer = (await sub.consumer_info()).name
        await sub.unsubscribe()
        await js.delete_consumer(stream, consumer)  # not left to linger until it times out
    return counts


async def stream_sizes(js: JetStreamContext, subscriptions: list[tuple[str, str]]) -> int:
    total = 0
    for stream, _ in subscriptions:
        total += (await js.stream_info(stream)).state.messages
    return total
