"""Which screening counts for a person in a month, and in a year (pure).

A person-month keeps an entry per screening (its order, desa and flags). The latest
active entry is the *effective* one: it alone is counted, in its desa (with what any of
the month's visits gave: a vitamin A capsule). Recording,
amending and voiding only change entries; the count change is the difference between
the effective state before and after, so any order of those events ends in the same
counts as a recount from scratch.

Coverage against a yearly sasaran (K1, PTM screening, lansia screened…) counts a person
once a year: each flag as `year:<flag>` in the month and desa of the person's first
screening of the year that had it. Summed from January, these give the cumulative
coverage PWS charts ("s/d bulan ini") without counting a person screened in several
months more than once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ilp_contracts import spm

from .indicators import (BALITA_SERVED, FOLLOW_UPS, OF_ANY_VISIT, POSTNATAL_VISITED,
                         PROGRAMME_VISITS, YEAR, flag_delta)

# {"order", "version", "desa_code", "posyandu_id", "flags"} and, a balita's, what it gave
# towards the SPM's service ("services", "aged")
Entry = Mapping[str, Any]
Unit = tuple[str, str]  # (desa code, posyandu id): counted in both, the posyandu below
Effective = tuple[Unit, frozenset[str]] | None
# A void is final: no version of that screening may count again, whatever arrives late.
VOIDED = 2**31


def tombstone(version: int) -> dict[str, Any]:
    """Marks a screening gone from this person-month (voided, or moved to another month
    by an amendment) so an older version arriving late cannot bring it back."""
    return {"version": version, "gone": True}


def effective(entries: Mapping[str, Entry]) -> Effective:
    """The latest active entry's unit and flags, with those any active entry of the month
    has (`OF_ANY_VISIT`)."""
    live = [e for e in entries.values() if not e.get("gone")]
    if not live:
        return None
    latest = max(live, key=lambda e: e["order"])
    return _unit(latest), frozenset(latest["flags"]).union(
        *(OF_ANY_VISIT.intersection(e["flags"]) for e in live))


First = Mapping[str, tuple[Unit, str]]  # year flag -> (unit, period) where it counts


def firsts(months: Mapping[str, Mapping[str, Entry]]) -> dict[str, tuple[Unit, str]]:
    """For each flag of a person's year, where and in which month it first appeared
    (earliest active screening with it; the id breaks ties as in `effective`)."""
    live = sorted(((e["order"], period, e) for period, entries in months.items()
                   for e in entries.values() if not e.get("gone")), key=lambda x: x[0])
    where: dict[str, tuple[Unit, str]] = {}  # each flag's first (a person's year: ~12 × 15)
    for _, period, entry in live:
        at = (_unit(entry), period)
        for flag in entry["flags"]:
            if flag not in where:
                where[flag] = at
    first = {YEAR + flag: at for flag, at in where.items()}
    for found, recheck, followed in FOLLOW_UPS:  # the first re-check after the finding's month
        if (start := first.get(YEAR + found)) is not None:
            later = (x for x in live if x[1] > start[1] and recheck in x[2]["flags"])
            if (hit := next(later, None)) is not None:
                first[YEAR + followed] = (_unit(hit[2]), hit[1])
    if (served := _balita_served(live)) is not None:
        first[YEAR + BALITA_SERVED] = served
    return first


def _balita_served(live: list[tuple[Any, str, Entry]]) -> tuple[Unit, str] | None:
    """Where and in which month a child's year of visits reached the SPM's balita
    service (`indicators.services_of`)."""
    if len(live) < max(spm.BALITA_SERVICES.values()) or \
            not any(entry.get("aged") for _, _, entry in live):
        return None  # (most years: too few visits yet, or none of its age)
    done = spm.completed_at([(order[0], entry.get("services", ()), bool(entry.get("aged")))
                             for order, _, entry in live], spm.BALITA_SERVICES)
    if done is None:
        return None
    _order, period, entry = live[done]
    return _unit(entry), period


def _unit(entry: Entry) -> Unit:
    return entry["desa_code"], entry.get("posyandu_id", "")


def first_changes(before: First, after: First
                  ) -> list[tuple[Unit, str, dict[str, int]]]:
    """Per (unit, month) count deltas that move each year flag from `before` to `after`."""
    deltas: dict[tuple[Unit, str], dict[str, int]] = {}
    for flag in before.keys() | after.keys():
        old, new = before.get(flag), after.get(flag)
        if old == new:
            continue
        if old:
            deltas.setdefault(old, {})[flag] = -1
        if new:
            deltas.setdefault(new, {})[flag] = 1
    return [(unit, period, delta) for (unit, period), delta in deltas.items()]


def count_changes(before: Effective, after: Effective) -> list[tuple[Unit, dict[str, int]]]:
    """Per-unit count deltas that turn `before` into `after`."""
    if before == after:
        return []
    if before and after and before[0] == after[0]:
        return [(after[0], flag_delta(before[1], after[1]))]
    changes = []
    if before:
        changes.append((before[0], flag_delta(before[1], ())))
    if after:
        changes.append((after[0], flag_delta((), after[1])))
    return changes


def task_flags(task: Mapping[str, Any]) -> frozenset[str]:
    """What one home-visit task counts in its desa-month (that of its creation), as flags
    like a person's: a visit due unless it was cancelled (its finding corrected away, or
    withdrawn by a health worker) or superseded (a visit not made that another follows: it
    counts there), a visit done on time (made: somebody was at home), one that went past
    its due time (escalated, or done late), a postnatal visit made, and a programme's visits
    (TB) apart as well. A visit a register showed made (`recorded_made`) counts as made
    only: no worker was sent, so it is none of the visits due or on time. Its events may
    arrive in any order: until its creation is known (desa and month), it counts nothing."""
    if "desa_code" not in task or task.get("cancelled") or task.get("superseded"):
        return frozenset()
    reason = task.get("reason", "")
    if task.get("recorded_made"):
        visited = POSTNATAL_VISITED.get(reason)
        return frozenset([visited] if visited and task.get("visited") else [])
    flags = {"home_visit_tasks"}
    # On time by the first due time: an escalated task done by its new rung's is not.
    if task.get("escalated") or task.get("on_time") is False:
        flags.add("home_visit_overdue")
    elif task.get("on_time") and not task.get("nobody_home"):
        flags.add("home_visit_on_time")
    if task.get("visited") and (visited := POSTNATAL_VISITED.get(reason)):
        flags.add(visited)
    if programme := PROGRAMME_VISITS.get(reason):
        flags.add(f"{programme}_tasks")
        if "home_visit_on_time" in flags:
            flags.add(f"{programme}_on_time")
    return frozenset(flags)


def series_complete(series: frozenset[str], made: dict[str, list[str]], visit: str,
                    where: list[str]) -> tuple[list[str] | None, dict[str, list[str]]]:
    """The visits of a series made so far (flag -> [desa, month] of its task) after one
    more: (where the series counts as complete if this visit completed it – the
    desa-month of its latest visit, whatever order the visits arrive in –, the visits made)."""
    before = series <= made.keys()
    made = {**made, visit: where}
    if before or not series <= made.keys():
        return None, made
    return max((made[flag] for flag in series), key=lambda at: at[1]), made
