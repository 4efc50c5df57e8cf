"""Registry rules without I/O: ILP rollout stages, the pustu staffing minimum, and which
sasaran are still to be set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from ilp_contracts.registry import OPTIONAL_GROUPS, RolloutStatus, TargetGroup, with_derived
from ilp_contracts.text import _

ROLLOUT_ORDER: tuple[RolloutStatus, ...] = get_args(RolloutStatus)
ROLLOUT_LABEL = {"belum": "belum mulai", "sosialisasi": "sosialisasi",
                 "kick_off": "kick-off", "launched": "launching"}

# DOMAIN.md: a pustu has at least 1 bidan, 1 perawat and 2 kader serving every day.
PUSTU_MINIMUM: Mapping[str, int] = {"bidan": 1, "perawat": 1, "kader": 2}


class RolloutError(ValueError):
    pass


def next_rollout(current: RolloutStatus | None, wanted: RolloutStatus) -> RolloutStatus:
    """Rollout moves forward only (a launched puskesmas does not go back to sosialisasi);
    stages may be skipped when a Dinkes records them late."""
    position = ROLLOUT_ORDER.index(current or "belum")
    if ROLLOUT_ORDER.index(wanted) < position:
        raise RolloutError(_("rollout cannot go back from {current} to {wanted}",
                             current=current, wanted=wanted))
    return wanted


@dataclass(frozen=True)
class RolloutSummary:
    area_code: str
    puskesmas: int
    by_status: dict[str, int]

    @property
    def text(self) -> str:
        """E.g. '24 dari 39 puskesmas launching, 15 sosialisasi' (how Dinkes reports it)."""
        launched = self.by_status.get("launched", 0)
        rest = [f"{n} {ROLLOUT_LABEL[s]}" for s in reversed(ROLLOUT_ORDER[:-1])
                if (n := self.by_status.get(s, 0))]
        return ", ".join([f"{launched} dari {self.puskesmas} puskesmas launching", *rest])


def summarise_rollout(area_code: str, statuses: Iterable[RolloutStatus | None]
                      ) -> RolloutSummary:
    counts = Counter(status or "belum" for status in statuses)
    return RolloutSummary(area_code, sum(counts.values()),
                          {status: counts.get(status, 0) for status in ROLLOUT_ORDER})


def pustu_of(facilities: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Facility id → the pustu whose staffing it counts towards: a pustu itself, and a
    posyandu under it – named as its parent, or else the one pustu of its desa (a
    posyandu registered without a parent still serves the pustu of its kelurahan)."""
    facilities = list(facilities)
    pustu = {f["id"]: f["area_code"] for f in facilities if f["type"] == "pustu"}
    by_desa: dict[str, list[str]] = {}
    for pustu_id, desa in pustu.items():
        by_desa.setdefault(desa, []).append(pustu_id)
    served = {pustu_id: pustu_id for pustu_id in pustu}
    for f in facilities:
        if f["type"] != "posyandu":
            continue
        if f.get("parent_facility_id") in pustu:
            served[f["id"]] = f["parent_facility_id"]
        elif not f.get("parent_facility_id") and len(by_desa.get(f["area_code"], ())) == 1:
            served[f["id"]] = by_desa[f["area_code"]][0]
    return served


def staffing_gaps(roles: Iterable[str]) -> dict[str, int]:
    """How many of each required role a pustu still misses ({} = meets the minimum)."""
    have = Counter(roles)
    return {role: need - have[role] for role, need in PUSTU_MINIMUM.items()
            if have[role] < need}


# The groups every desa's sasaran is expected to have: the optional ones are a Dinkes's
# choice, not gaps.
TARGET_GROUPS: tuple[TargetGroup, ...] = tuple(
    group for group in get_args(TargetGroup) if group not in OPTIONAL_GROUPS)


def missing_targets(desa_codes: Iterable[str], targets: Iterable[Mapping[str, Any]]
                    ) -> dict[str, list[str]]:
    """Per desa, the sasaran groups with no target set (desa with all set are left out).
    PWS counts a desa's people in coverage numerators either way, so until these are set
    the coverage of the areas above reads too high."""
    have: dict[str, dict[str, int]] = {}  # which groups are set (not their figures)
    for target in targets:
        have.setdefault(target["area_code"], {})[target["group"]] = 0
    gaps = {code: [str(g) for g in TARGET_GROUPS if g not in with_derived(have.get(code, {}))]
            for code in desa_codes}
    return {code: groups for code, groups in gaps.items() if groups}


def network_gaps(desa_codes: Iterable[str], facilities: Iterable[Mapping[str, Any]]
                 ) -> dict[str, list[str]]:
    """Per desa, what of the ILP network it still lacks (desa with all of it are left
    out): a `pustu` in the desa, a `posyandu`, and a `puskesmas` serving it – one whose
    working area names it, or one without a working area that its pustu or posyandu
    come under (`parent_facility_id`), or that is the only one of its kecamatan. Without
    that, no puskesmas PWS table counts the desa."""
    codes = list(desa_codes)  # read twice: a generator's second pass found no desa at all
    active = {f["id"]: f for f in facilities if f.get("active", True)}
    sole = _sole_puskesmas(active.values())
    have: dict[str, set[str]] = {}
    for code in codes:
        if (alone := sole.get(code.rpartition(".")[0])) and not alone["working_area"]:
            have.setdefault(code, set()).add("puskesmas")
    for f in active.values():
        if f["type"] == "puskesmas":
            for desa in f["working_area"]:
                have.setdefault(desa, set()).add("puskesmas")
            continue
        have.setdefault(f["area_code"], set()).add(f["type"])
        if (above := _puskesmas_above(f, active)) and not above["working_area"]:
            have[f["area_code"]].add("puskesmas")
    gaps = {code: [kind for kind in ("pustu", "posyandu", "puskesmas")
                   if kind not in have.get(code, set())] for code in codes}
    return {code: kinds for code, kinds in gaps.items() if kinds}


def _sole_puskesmas(facilities: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Each kecamatan's puskesmas where it has only one: its working area is the whole
    kecamatan unless it names another (Permenkes 43/2019: a puskesmas serves one
    kecamatan, or part of one where the kecamatan has several)."""
    by_kecamatan: dict[str, list[Mapping[str, Any]]] = {}
    for f in facilities:
        if f["type"] == "puskesmas" and f.get("active", True):
            by_kecamatan.setdefault(f["area_code"], []).append(f)
    return {code: found[0] for code, found in by_kecamatan.items() if len(found) == 1}


def _puskesmas_above(facility: Mapping[str, Any], active: Mapping[str, Mapping[str, Any]]
                     ) -> Mapping[str, Any] | None:
    """The open puskesmas a posyandu or pustu comes under: posyandu → pustu → puskesmas."""
    for _step in range(2):
        found = active.get(facility.get("parent_facility_id") or "")
        if found is None or found["type"] == "puskesmas":
            return found
        facility = found
    return None
