"""Work that leaves the platform – webhooks, e-mail, SMS, FHIR exports: rows in the store,
sent in rounds by one replica at a time (a lease), each attempt recorded, retried with
exponential backoff and given up after a limit. Nothing is lost when a receiver is down
or a replica dies between rounds: the row stays pending until a round succeeds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .lease import hold_lease
from .service import Runtime
from .store import Query

log = logging.getLogger("ilp.outgoing")

BACKOFF_S = (5, 30, 120, 600, 1800)  # after attempt 1, 2, …; the last repeats

Send = Callable[[dict[str, Any]], Awaitable[str | None]]  # None = sent, else the problem


def next_attempt(attempts: int, now: datetime, max_attempts: int) -> datetime | None:
    """When to try again after `attempts` failures, or None to give up."""
    if attempts >= max_attempts:
        return None
    return now + timedelta(seconds=BACKOFF_S[min(attempts, len(BACKOFF_S)) - 1])


async def send_due(rt: Runtime, collection: str, key: str, send: Send, max_attempts: int,
                   done: str = "delivered", limit: int = 100) -> int:
    """One round: send every pending row whose time has come; returns how many."""
    now = datetime.now(UTC)

    async def pending() -> list[dict[str, Any]]:
        rows = await rt.store.find(collection, Query.of(status="pending", order_by="next_at",
                                                        limit=limit))
        return [row for row in rows if row["next_at"] <= now.isoformat()]

    if not await pending():
        return 0  # idle rounds only read: no lease write every interval
    async with rt.transaction() as tx:  # one replica sends per round: nothing twice
        if not await hold_lease(tx, collection, now,
                                timedelta(seconds=max(30, 3 * rt.settings.delivery_interval_s))):
            return 0
    due = await pending()  # again, now that this replica holds the lease
    results = await asyncio.gather(*(send(row) for row in due))
    async with rt.transaction() as tx:
        for row, problem in zip(due, results, strict=True):
            current = await tx.get(collection, row[key])
            if current is not None and current.get("revision") != row.get("revision"):
                continue  # replaced while in flight (e.g. an amendment): send the new one
            row["attempts"].append({"at": now.isoformat(), "error": problem})
            if problem is None:
                row["status"] = done
            elif (retry := next_attempt(len(row["attempts"]), now, max_attempts)) is None:
                row["status"] = "failed"
                log.warning("%s %s: gave up after %d attempts: %s", collection, row[key],
                            len(row["attempts"]), problem)
            else:
                row["next_at"] = retry.isoformat()
            await tx.put(collection, row[key], row)
    return len(due)


async def sent_log(rt: Runtime, collection: str, status: str | None, limit: int
                   ) -> list[dict[str, Any]]:
    """The rows with every attempt (time and error), newest first; of one status or all:
    what an operator reads when a receiver seems not to get anything."""
    where: dict[str, Any] = {"status": status} if status else {}
    return await rt.store.find(collection, Query.of(order_by="next_at", descending=True,
                                                    limit=limit, **where))


async def run_rounds(rt: Runtime, round_: Callable[[], Awaitable[int]], name: str) -> None:
    """A job: one round every `delivery_interval_s`, surviving a failed round."""
    while True:
        await asyncio.sleep(rt.settings.delivery_interval_s)
        try:
            await round_()
        except Exception:  # noqa: BLE001 – try again next round
            log.exception("%s round failed", name)
