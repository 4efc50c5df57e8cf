"""Long transactions share the event loop.

SQLite statements run on the event-loop thread, so a transaction of many screenings or
events holds the loop from its first statement to its commit unless it gives turns. Given
every few milliseconds, a turn lets the outbox relay send what earlier commits emitted
(and take the acks), health checks and dashboards answer, and waiting writers queue up.
Without them, an offline sync of 50 screenings held screening's loop for ~16 ms, eight
queued syncs kept the relay from NATS for ~0.1 s at a time, and PWS and notify sat idle
between bursts: end to end ran 11–17 % behind intake (docs/benchmarks.md, Round 16).
"""

from __future__ import annotations

import asyncio
import time

# How long a transaction works before it lets the loop run what is ready.
PAUSE_EVERY_S = 0.005


class LoopTurns:
    """Call `give()` between the items of a long transaction."""

    def __init__(self) -> None:
        self._every = PAUSE_EVERY_S
        self._since = time.monotonic()

    async def give(self) -> bool:
        """A turn for the event loop if the transaction has worked long enough since the
        last one; True when it gave one."""
        if time.monotonic() - self._since <= self._every:
            return False
        await asyncio.sleep(0)
        self._since = time.monotonic()
        return True
