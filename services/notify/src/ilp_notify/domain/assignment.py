"""Which kader of a posyandu gets a person's task (pure): the one whose working area – the
RW labels the registry keeps as their coverage – names the person's RW, else the first
kader of the posyandu. Registers and apps write an RW as "RW 04", "RW 4", "04" or "4":
one number."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_RW = re.compile(r"(?:rw\.?\s*)?0*(\d+)")


def rw_number(label: str | None) -> int | None:
    match = _RW.fullmatch((label or "").strip().lower())
    return int(match.group(1)) if match else None


def pick_kader(kaders: Sequence[dict[str, Any]], rw: str | None) -> str | None:
    if not kaders:
        return None
    wanted = rw_number(rw)
    if wanted is not None:
        for kader in kaders:
            if wanted in {rw_number(label) for label in kader.get("coverage") or []}:
                return str(kader["id"])
    return str(kaders[0]["id"])
