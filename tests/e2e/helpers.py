"""Helpers for tests that run the whole embedded platform."""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import sqlite3
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import nats
from ilp_contracts import Event, Finding, ScreeningRecorded, new_id
from ilp_kit.messaging import event_headers
from ilp_platform.embedded import Platform

README = Path(__file__).resolve().parents[2] / "README.md"


def free_port_block(size: int) -> int:
    """The first of `size` consecutive free ports, below the ephemeral range: outgoing
    connections take their source ports from that range, and one landing in a block
    between choosing it and a service binding it (a second replica started later, a
    restart) made a test fail now and then."""
    try:
        ephemeral = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral = 32768
    for _ in range(200):
        base = random.randrange(20000, ephemeral - size)
        try:
            for port in range(base, base + size):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no block of free ports")


def eventually(check: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1) -> Any:
    """Poll until `check` returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout}s (last: {result!r})")
        time.sleep(interval)


@contextmanager
def gateway_of(platform: Platform) -> Iterator[None]:
    """The platform's gateway, as `./ilp up` serves it, while the block runs."""
    gateway = platform.gateway()
    thread = threading.Thread(target=gateway.run, daemon=True)
    thread.start()
    eventually(lambda: gateway.started)
    try:
        yield
    finally:
        gateway.should_exit = True
        thread.join(10)


def walkthrough_blocks() -> list[str]:
    """The bash blocks of the README walkthrough, in order."""
    text = README.read_text()
    section = text.split("## Walkthrough", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


def indicator(client: httpx.Client, area: str, period: str, ind_id: str) -> dict:
    body = client.get(f"/pws/areas/{area}/indicators", params={"period": period}).json()
    return next(i for i in body["indicators"] if i["id"] == ind_id)


def tasks(client: httpx.Client, **params: str) -> list[dict]:
    return client.get("/notify/tasks", params=params).json()


def screened_in_october(desa_code: str, posyandu_id: str, person_id: str
                        ) -> ScreeningRecorded:
    """A screening recorded on 1 October with a nutrition finding: a notify applying it
    now (it was down for weeks, or is catching up) finds its kader task already overdue.
    Measured, not weighed: a child weighed in October would also be due a missed-weighing
    visit from 25 November on, and the tests' tasks would depend on the day they run."""
    return ScreeningRecorded(
        occurred_at=datetime(2026, 10, 1, 3, 0, tzinfo=UTC), screening_id=new_id(),
        person_id=person_id, stage="balita", sex="M", age_months=22,
        screened_on=date(2026, 10, 1), period="2026-10", desa_code=desa_code,
        posyandu_id=posyandu_id, measurements={"height_cm": 79.0, "haz": -2.4},
        findings=[Finding(code="stunted", severity="moderate", value=-2.4)])


def publish_events(nats_port: int, events: list[Event]) -> None:
    """Publish events as their service's outbox relay would (headers, de-dup id)."""
    async def send() -> None:
        nc = await nats.connect(f"nats://127.0.0.1:{nats_port}")
        for event in events:
            await nc.jetstream().publish(event.SUBJECT, event.model_dump_json().encode(),
                                         headers=event_headers(event))
        await nc.close()
    asyncio.run(send())


def knows_workers(platform: Platform, *worker_ids: str) -> bool:
    """Notify has applied these workers. (Counting applied events is not enough: the
    platform starts with the sample kota, whose ~200 workers notify applies first.)"""
    with sqlite3.connect(platform.data_dir / "notify.db") as db:
        marks = ",".join("?" * len(worker_ids))
        found = db.execute(f"SELECT count(*) FROM workers WHERE key IN ({marks})",
                           worker_ids).fetchone()
    return bool(found == (len(worker_ids),))


# Debian's chromium, which the dashboard tests drive headless (none: they are skipped).
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def launch_chromium(playwright: Any) -> Any:
    """A headless Chromium that stays off the network but for the page under test."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"])


def read_workbook(path: str | Path) -> list[list[Any]]:
    """A downloaded workbook's first sheet, row by row."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python()


def answering_get(answer: Callable[[BaseHTTPRequestHandler], tuple[int, bytes]]
                  ) -> ThreadingHTTPServer:
    """A real HTTP server on a free local port, in a thread, whose every GET is answered
    (status, body) by `answer` from the request; `shutdown()` it after use."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 – the http.server API
            status, body = answer(self)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
