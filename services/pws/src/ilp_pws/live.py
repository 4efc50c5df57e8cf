"""Live dashboard updates: handlers announce which desa changed; every open
server-sent-event stream whose area contains it is told to refresh.

Per replica: each replica's consumer applies part of the stream, so with several
replicas a dashboard connected to one replica hears only that replica's changes (it
still refreshes on its periodic poll). Fanning out through NATS is the next step.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass
class Broadcaster:
    _listeners: set[tuple[str, asyncio.Queue[tuple[str, str]]]] = field(default_factory=set)

    def changed(self, desa_code: str, period: str) -> None:
        for prefix, queue in list(self._listeners):
            if desa_code.startswith(prefix):
                try:
                    queue.put_nowait((desa_code, period))
                except asyncio.QueueFull:
                    pass  # a slow client: it will see the state on its next refresh

    def listen(self, prefix: str) -> tuple[str, asyncio.Queue[tuple[str, str]]]:
        entry = (prefix, asyncio.Queue(maxsize=100))
        self._listeners.add(entry)
        return entry

    def stop(self, entry: tuple[str, asyncio.Queue[tuple[str, str]]]) -> None:
        self._listeners.discard(entry)


LIVE = Broadcaster()
