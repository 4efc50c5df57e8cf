"""Which kader of a posyandu gets a person's task (pure): the one whose working area – the
RW labels the registry keeps as their coverage – names the person's RW, else the first
kader of the posyandu. Registers and apps write an RW as "RW 04", "RW 4", "04" or "4":
one number; a kader's coverage also as a range ("RW 01-03", "RW 1 s/d 3") or a list
("RW 01, 02")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_RW = re.compile(r"(?:rw\.?\s*)?0*(\d+)")
_RANGE = re.compile(r"(?:rw\.?\s*)?0*(\d+)\s*(?:-|–|s/d|sd|sampai)\s*(?:rw\.?\s*)?0*(\d+)")
_LIST = re.compile(r"[,;]|\bdan\b")
_WIDEST = 50  # a kader's range of RW, not a typo spanning a whole kecamatan


def rw_number(label: str | None) -> int | None:
    match = _RW.fullmatch((label or "").strip().lower())
    return int(match.group(1)) if match else None


def covered_rws(label: str) -> set[int]:
    """The RW numbers one coverage label names: one, a range or a list of them."""
    numbers: set[int] = set()
    for part in _LIST.split(label.strip().lower()):
        if span := _RANGE.fullmatch(part.strip()):
            first, last = int(span.group(1)), int(span.group(2))
            if 0 <= last - first < _WIDEST:
                numbers.update(range(first, last + 1))
        elif (number := rw_number(part)) is not None:
            numbers.add(number)
    return numbers


def pick_kader(kaders: Sequence[dict[str, Any]], rw: str | None) -> str | None:
    if not kaders:
        return None
    wanted = rw_number(rw)
    if wanted is not None:
        for kader in kaders:
            if any(wanted in covered_rws(label) for label in kader.get("coverage") or []):
                return str(kader["id"])
    return str(kaders[0]["id"])


# The pustu's health workers: they make the health workers' visits (KF/KN, a BP follow-up,
# home care), may be given any visit by hand, and hear of their desa's monthly review.
HEALTH_WORKERS = frozenset({"bidan", "perawat"})


def handover_problem(task: dict[str, Any], worker: dict[str, Any] | None, worker_id: str
                     ) -> tuple[str, str] | None:
    """Why the task cannot be given to this worker – (message, kind) – or None. She must
    be registered and active, of a role that makes this visit, and work where the person
    lives: her desa, or a puskesmas area around it."""
    if worker is None:
        return f"worker {worker_id} is not registered", "unknown_worker"
    if not worker.get("active", True):
        return f"worker {worker_id} no longer works here (inactive)", "inactive_worker"
    makers = HEALTH_WORKERS | ({"kader"} if task["role"] == "kader" else set())
    if worker["role"] not in makers:
        return (f"a {task['role']} visit is made by a {' or '.join(sorted(makers))}, "
                f"not by a {worker['role']}"), "wrong_role"
    area, desa = worker.get("area_code") or "", task["desa_code"]
    if not (desa == area or desa.startswith(area + ".")):
        return f"worker {worker_id} works in {area or 'no area'}, not in desa {desa}", \
            "outside_area"
    return None
