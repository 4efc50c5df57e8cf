"""Where a running `./ilp up` listens, kept in its data directory so the other commands
given the same --data-dir reach it without being told its ports."""

from __future__ import annotations

import json
from pathlib import Path

FILE = "endpoints.json"
DEFAULTS = {"gateway": "http://127.0.0.1:8000", "nats": "nats://127.0.0.1:4222"}


def write(data_dir: Path, gateway: str, nats: str) -> None:
    (data_dir / FILE).write_text(json.dumps({"gateway": gateway, "nats": nats}))


def read(data_dir: Path) -> dict[str, str]:
    """The data directory's endpoints, else the defaults of `./ilp up`."""
    try:
        return {**DEFAULTS, **json.loads((data_dir / FILE).read_text())}
    except (OSError, ValueError):
        return dict(DEFAULTS)
