"""Which kader of a posyandu gets a person's task (pure): the one whose working area – the
labels the registry keeps as her coverage – names the person's RT (her dasawisma's), else
her RW (or her dusun, by name), else a kader without coverage of her own (who takes the
rest); among several such kader, or when none is, the person's tasks are spread over
them, each person always to the same kader.

Registers and apps write an RW as "RW 04", "RW 4", "04" or "4": one number; a coverage
label names RWs as one, a range ("RW 01-03", "RW 1 s/d 3") or a list ("RW 01, 02"), and
may go down to RTs ("RW 03 RT 01-04", "RW 3 / RT 1, 2"; "RT 01-04" alone: in any RW of the
posyandu). DOMAIN.md: households per kader and the dasawisma division are configuration.
"""

from __future__ import annotations

from ilp_contracts.text import Text, _

import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from ilp_contracts.registry import dusun_name, name_key
from ilp_contracts.wilayah import local_unit_number

_LIST = re.compile(r"[,;]|\bdan\b")
_RT_PART = re.compile(r"\brt\.?(?=\s*\d)")
_WIDEST = 50  # a kader's range of RW or RT, not a typo spanning a whole kecamatan


_RANGE = {unit: re.compile(rf"(?:{unit}\.?\s*)?0*(\d+)\s*(?:-|–|s/d|sd|sampai)\s*"
                          rf"(?:{unit}\.?\s*)?0*(\d+)") for unit in ("rw", "rt")}


def rw_number(label: str | None) -> int | None:
    return local_unit_number(label, "rw")


def _numbers(text: str, unit: Literal["rw", "rt"]) -> set[int]:
    """The numbers a label names: one, a range or a list of them."""
    numbers: set[int] = set()
    for part in _LIST.split(text.strip().lower()):
        if span := _RANGE[unit].fullmatch(part.strip()):
            first, last = int(span.group(1)), int(span.group(2))
            if 0 <= last - first < _WIDEST:
                numbers.update(range(first, last + 1))
        elif (number := local_unit_number(part, unit)) is not None:
            numbers.add(number)
    return numbers


@lru_cache(maxsize=4096)  # a district's labels; bounded, as a nation's would not be
def coverage(label: str) -> tuple[frozenset[int] | None, frozenset[int] | None]:
    """(RWs, RTs) a coverage label names; None: any (no RW before its RTs), or no RT
    part (the whole RW)."""
    lowered = label.strip().lower()
    split = _RT_PART.search(lowered)
    rw_text = (lowered[:split.start()] if split else lowered).strip(" /,;-")
    rws = frozenset(_numbers(rw_text, "rw")) if rw_text else None
    rts = frozenset(_numbers(lowered[split.start():], "rt")) if split else None
    return rws, rts


def _closeness(labels: Sequence[str], rw: int | None, rt: int | None, dusun: str) -> int:
    """3: a label names the person's RT (in her RW); 2: her RW, or her dusun by name;
    1: the kader has no coverage of her own (she takes those nobody's coverage names);
    0: none of these."""
    if not labels:
        return 1
    best = 0
    for label in labels:
        rws, rts = coverage(label)
        if rts is not None:
            best = max(best, 3 if rt in rts and (rws is None or rw in rws) else 0)
        elif (rws and rw in rws) or (dusun and _dusun(label) == dusun):
            best = max(best, 2)
    return best


def _dusun(label: str | None) -> str:
    """A place by name where a desa has dusun instead of numbered RWs: "Dusun Krajan",
    "Dsn. Krajan" and "krajan" are one."""
    return dusun_name(label) or name_key(label or "")


def _place(rw: str | None, rt: str | None) -> tuple[int | None, int | None, str]:
    """A person's RW and RT numbers, and her dusun by name where the RW has no number."""
    rw_n = rw_number(rw)
    return rw_n, local_unit_number(rt, "rt"), _dusun(rw) if rw_n is None else ""


def covers(kader: Mapping[str, Any], rw: str | None, rt: str | None = None) -> bool:
    """Whether the kader's coverage names the person's place (her RT, RW or dusun)."""
    return bool(kader.get("coverage")) and _closeness(kader["coverage"], *_place(rw, rt)) > 1


def pick_kader(kaders: Sequence[dict[str, Any]], rw: str | None, rt: str | None = None,
               person_id: str | None = None) -> str | None:
    if not kaders:
        return None
    place = _place(rw, rt)
    close = {str(k["id"]): _closeness(k.get("coverage") or [], *place) for k in kaders}
    nearest = max(close.values())
    return _spread([k for k, c in close.items() if c == nearest], person_id or "")


def pick_for_desa(staff: Sequence[dict[str, Any]], desa_code: str) -> str | None:
    """A puskesmas's bidan (or perawat) for a desa with none of its own: the one whose
    coverage names the desa's code – her desa as bidan desa –, else one of them spread by
    desa, each desa always to the same one."""
    digits = desa_code.replace(".", "")
    named = [str(w["id"]) for w in staff
             if any(re.sub(r"\D", "", label) == digits for label in w.get("coverage") or ())]
    return _spread(named or [str(w["id"]) for w in staff], desa_code) if staff else None


def _spread(worker_ids: list[str], key: str) -> str:
    """Each person (or desa) to one worker, evenly, and the same one every time
    (rendezvous hashing: a worker who joins takes her share from each of the others; the
    rest stay put)."""
    return max(worker_ids, key=lambda w: hashlib.blake2b(f"{key}|{w}".encode(),
                                                         digest_size=8).digest())


# The pustu's health workers: they make the health workers' visits (KF/KN, a BP follow-up,
# home care), may be given any visit by hand, and hear of their desa's monthly review.
HEALTH_WORKERS = frozenset({"bidan", "perawat"})


def handover_problem(task: dict[str, Any], worker: dict[str, Any] | None, worker_id: str
                     ) -> tuple[Text, str] | None:
    """Why the task cannot be given to this worker – (message, kind) – or None. She must
    be registered and active, of a role that makes this visit, and work where the person
    lives: her desa, or a puskesmas area around it."""
    if worker is None:
        return _("worker {id} is not registered", id=worker_id), "unknown_worker"
    if not worker.get("active", True):
        return _("worker {id} no longer works here (inactive)", id=worker_id), "inactive_worker"
    makers = HEALTH_WORKERS | ({"kader"} if task["role"] == "kader" else set())
    if worker["role"] not in makers:
        return _("a {role} visit is made by a {makers}, not by a {worker_role}",
                 role=task["role"], makers=" / ".join(sorted(makers)),
                 worker_role=worker["role"]), "wrong_role"
    area, desa = worker.get("area_code") or "", task["desa_code"]
    if not (desa == area or desa.startswith(area + ".")):
        return _("worker {id} works in {area}, not in desa {desa}", id=worker_id, area=area,
                 desa=desa) if area else _("worker {id} has no working area; the visit is "
                                           "in desa {desa}", id=worker_id, desa=desa), \
            "outside_area"
    return None
