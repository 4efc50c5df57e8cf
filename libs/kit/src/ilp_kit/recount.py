"""Recount a projection from its streams when the rules that count it change.

A service whose state is derived from events only (PWS) names the version of its
counting rules. A release that counts differently – K1 by pregnancy instead of by the
year a woman was seen in – would otherwise leave the counts made by the old rules in
place and add new ones beside them. At start, before consuming, such a service compares
the version its store was counted by with its own; when they differ it empties its
collections and replays every event it subscribes to through the new rules (as
`ilp pws-rebuild` does into a fresh file), then notes the version. Interrupted, the next
start does it again from the beginning: the version is noted only at the end. (In a
rolling update, replicas of the old release would go on counting by the old rules beside
it: such a service is replaced, not rolled – Kubernetes' `Recreate`.)
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Iterable
from datetime import timedelta

from ilp_contracts import Event
from ilp_contracts.envelope import utcnow
from nats.aio.client import Client

from .consumer import Handler
from .lease import LEASES, hold_lease
from .replay import replay
from .store import DocumentStore

log = logging.getLogger(__name__)

MIGRATIONS = "migrations"  # the collection that holds what a start did to kept data
RULES = "counting_rules"
# Of several replicas starting on one store (a shared MongoDB), one recounts, holding a
# lease, while the others wait for the rules it notes at the end.
RECOUNT = "recount"
LEASE = timedelta(seconds=30)  # renewed every quarter of it: a crashed one is soon replaced
WAIT_S = 2.0
_AFTER_EVERY_KEY = "\U0010ffff"  # sorts after any key a collection holds


async def counted_by(store: DocumentStore) -> str | None:
    doc = await store.get(MIGRATIONS, RULES)
    return None if doc is None else str(doc["version"])


async def note_rules(store: DocumentStore, version: str) -> None:
    async with store.transaction() as tx:
        await tx.put(MIGRATIONS, RULES, {"version": version})


async def needs_recount(store: DocumentStore, version: str, collections: Iterable[str]
                        ) -> bool:
    """Whether the store was counted by other rules. A new one is counted by these from
    the start: noted so, nothing to recount."""
    before = await counted_by(store)
    if before == version:
        return False
    if before is None and not any([await store.count(name) for name in collections
                                   if name not in (MIGRATIONS, LEASES)]):
        await note_rules(store, version)
        return False
    return True


async def recount_if_rules_changed(nc: Client, store: DocumentStore, version: str,
                                   collections: Iterable[str],
                                   handlers: dict[type[Event], Handler],
                                   subscriptions: list[tuple[str, str]]) -> bool:
    """Recount `collections` from `subscriptions` unless the store was counted by rules
    `version`; True when it recounted."""
    names = list(collections)
    if not await needs_recount(store, version, names):
        return False
    before = await counted_by(store)
    kept = [name for name in names if name not in (MIGRATIONS, LEASES)]
    while not await _hold(store):  # another replica recounts: its counts will do
        await asyncio.sleep(WAIT_S)
        if await counted_by(store) == version:
            return False
    if await counted_by(store) == version:  # (one finished while this one looked)
        return False
    renewing = asyncio.create_task(_keep_holding(store))
    try:
        log.info("recounting from the streams: counted by rules %s, these are %s",
                 before or "from before rules were noted", version)
        started = time.monotonic()
        for name in kept:
            await store.delete_keys_before(name, _AFTER_EVERY_KEY)
        await store.prune_applied(math.inf)  # every event is to be applied again
        counts = await replay(nc, store, handlers, subscriptions)
        await note_rules(store, version)
    finally:
        renewing.cancel()
    log.info("recounted %d events in %.1f s", counts["applied"], time.monotonic() - started)
    return True


async def _hold(store: DocumentStore) -> bool:
    async with store.transaction() as tx:
        return await hold_lease(tx, RECOUNT, utcnow(), LEASE)


async def _keep_holding(store: DocumentStore) -> None:
    """Renew the lease while recounting (a national store takes many minutes)."""
    while True:
        await asyncio.sleep(LEASE.total_seconds() / 4)
        await _hold(store)
