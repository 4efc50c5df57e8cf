"""Helpers for tests that run the whole embedded platform."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

README = Path(__file__).resolve().parents[2] / "README.md"


def free_port_block(size: int) -> int:
    """The first of `size` consecutive free ports."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + size > 65000:
            continue
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
