"""NATS for benchmarks: a throw-away nats-server with JetStream in a temporary directory,
and a publisher of events as fast as nats-py allows (acks collected as futures)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from contextlib import contextmanager
from pathlib import Path

from ilp_platform.embedded import wait_for_port
from tests.e2e.helpers import free_port_block


@contextmanager
def scratch_nats() -> Iterator[tuple[int, Path]]:
    """(port, scratch directory); the server is stopped before the directory goes."""
    with tempfile.TemporaryDirectory() as scratch:
        port = free_port_block(1)
        server = subprocess.Popen([str(Path(sys.executable).parent / "nats-server"), "-js",
                                   "-sd", scratch, "-p", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port)
            yield port, Path(scratch)
        finally:
            server.terminate()
            server.wait(10)


async def publish(js, events: Iterable, window: int = 2000) -> None:
    """Events (contract models) onto their subjects, a window of them in flight at once;
    `events` may be a generator, so a million need not be in memory at once."""
    events = iter(events)
    while chunk := list(islice(events, window)):
        await publish_raw(js, [(e.SUBJECT, e.model_dump_json().encode(), e.event_id)
                               for e in chunk], window)


async def publish_raw(js, messages: list[tuple[str, bytes, str]], window: int = 2000) -> None:
    """(subject, body, message id) triples, a window of them in flight at once."""
    for start in range(0, len(messages), window):
        acks = [await js.publish_async(subject, body, headers={"Nats-Msg-Id": msg_id})
                for subject, body, msg_id in messages[start:start + window]]
        await asyncio.gather(*acks)
