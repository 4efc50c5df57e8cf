"""Projections kept from events: area tree and targets (read copies) and monthly counts
per desa, with colour-change events and live-update notices."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from weakref import WeakKeyDictionary

from ilp_contracts import (
    AreaUpserted,
    BirthAmended,
    BirthRecorded,
    BirthVoided,
    Event,
    FacilityUpserted,
    IndicatorChanged,
    ScreeningAmended,
    ScreeningRecorded,
    ScreeningSnapshot,
    ScreeningVoided,
    TargetSet,
    TaskCancelled,
    TaskCompleted,
    TaskCreated,
    TaskEscalated,
)
from ilp_contracts.envelope import utcnow
from ilp_contracts.screening import BirthSnapshot
from ilp_contracts.wilayah import local_date
from ilp_kit.consumer import BatchEnd
from ilp_kit.outbox import emit
from ilp_kit.store import Query, Reader, Transaction

from .domain import pregnancy
from .domain.indicators import (VISIT_SERIES, YEAR, Indicator, Running, add_to_date, area_targets,
                                apply_delta, birth_flags, colour_changes, flag_delta,
                                flags_for, services_of, split_yearly, to_date)
from .domain.projection import (VOIDED, Unit, count_changes, effective, first_changes, firsts,
                                series_complete, task_flags, tombstone)
from .live import LIVE




async def target_docs(reader: Reader, area_prefix: str, year: int) -> list[dict[str, Any]]:
    return await reader.find("targets", Query.of(prefix=("area_code", area_prefix), year=year))


@dataclass(frozen=True)
class _Counted:
    """Where a level (desa, posyandu) keeps its counts: by month, and by year as running
    totals from January (so a month to date is two documents whatever the month)."""

    months: str
    years: str
    id_field: str


DESA, POSYANDU = (_Counted("desa_months", "desa_years", "desa_code"),
                  _Counted("posyandu_months", "posyandu_years", "posyandu_id"))
Written = tuple[Running, Running,
                dict[str, tuple[dict[str, Any], dict[str, Any], Counter[str]]]]


async def _write_counts(tx: Transaction, level: _Counted, ident: dict[str, str], year: str,
                        deltas: Mapping[str, Counter[str]]) -> Written:
    """Add a batch's count changes of one desa or posyandu and year, each document read
    and written once: (running totals before, after, {month: (its counts before, after,
    its change)})."""
    unit = ident[level.id_field]
    year_key = f"{unit}|{year}"
    doc = await tx.get(level.years, year_key) or {**ident, "year": year, "to_date": {}}
    running_before = {month: dict(counts) for month, counts in doc["to_date"].items()}
    yearly, months = {}, {}
    for period, delta in deltas.items():
        monthly, yearly[period] = split_yearly(delta)
        key = f"{unit}|{period}"
        month = await tx.get(level.months, key) or {**ident, "period": period, "counts": {}}
        before = month["counts"]
        if monthly:
            month["counts"] = apply_delta(before, monthly)
            await tx.put(level.months, key, month)
        months[period] = (before, month["counts"], delta)
    if moved := {period: delta for period, delta in yearly.items() if delta}:
        add_to_date(doc["to_date"], moved)
        await tx.put(level.years, year_key, doc)
    return running_before, doc["to_date"], months


def _by_year(pending: Mapping[tuple[Any, ...], Counter[str]]
             ) -> dict[tuple[Any, ...], dict[str, Counter[str]]]:
    """(…, period) → delta, as (…, year) → {period: delta}: a year document is read and
    written once a batch however many of its months moved."""
    grouped: dict[tuple[Any, ...], dict[str, Counter[str]]] = {}
    for (*unit, period), delta in pending.items():
        grouped.setdefault((*unit, period[:4]), {})[period] = delta
    return grouped


def _sum_into(counts: Counter[str], delta: Mapping[str, int]) -> None:
    # Counter.update checks its argument's type with an ABC first: twice an event, a
    # tenth of a live batch's time.
    for flag, n in delta.items():
        counts[flag] = counts.get(flag, 0) + n


@dataclass
class _Pending:
    """Count changes of one transaction, written once per desa-month at its end."""

    # defaultdicts: a Counter is made once per desa-month, not on every event's lookup
    desa: defaultdict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))
    posyandu: defaultdict[tuple[str, str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))


async def _desa_targets(tx: Transaction, desa_code: str, year: int,
                        indicators: list[Indicator]) -> Counter[str]:
    """The sasaran these indicators divide by, read by key (cheap inside a batch)."""
    groups = {i.denominator.removeprefix("target:") for i in indicators
              if i.denominator.startswith("target:")}
    targets: Counter[str] = Counter()
    for group in groups:
        if doc := await tx.get("targets", f"{desa_code}|{year}|{group}"):
            targets[group] = doc["count"]
    return targets


@dataclass(frozen=True)
class Projector:
    catalogue: tuple[Indicator, ...]
    # Live: announce colour changes. A rebuild replays history whose changes were
    # announced when they happened, so it only counts.
    announce: bool = True
    # Per transaction (a consumer batch), so a desa-month touched by many events of the
    # batch is read, written and checked for colour changes once; gone with the
    # transaction object, so a rolled-back batch leaves nothing behind.
    _pending: WeakKeyDictionary[Any, Any] = field(default_factory=WeakKeyDictionary,
                                                  compare=False)

    def handlers(self) -> dict[type[Event], Any]:
        return {AreaUpserted: self.on_area, FacilityUpserted: self.on_facility,
                TargetSet: self.on_target,
                ScreeningRecorded: self.on_recorded, ScreeningAmended: self.on_amended,
                ScreeningVoided: self.on_voided, TaskCreated: self.on_task_created,
                TaskCompleted: self.on_task_completed, TaskCancelled: self.on_task_cancelled,
                TaskEscalated: self.on_task_escalated,
                BirthRecorded: self.on_birth, BirthAmended: self.on_birth,
                BirthVoided: self.on_birth_voided,
                BatchEnd: self.flush}

    async def on_area(self, tx: Transaction, event: AreaUpserted) -> None:
        await tx.put("areas", event.code, {"code": event.code, "name": event.name,
                                            "level": event.level,
                                            "parent_code": event.parent_code})

    async def on_facility(self, tx: Transaction, event: FacilityUpserted) -> None:
        if event.type in ("posyandu", "pustu"):  # where screenings are made: a desa's rows
            await tx.put("posyandu", event.facility_id, {
                "code": event.facility_id, "name": event.name, "desa_code": event.area_code,
                "rw": event.rw, "type": event.type,
                "parent_facility_id": event.parent_facility_id, "active": event.active})
        elif event.type == "puskesmas":
            await tx.put("puskesmas", event.facility_id, {
                "code": event.facility_id, "name": event.name, "kecamatan": event.area_code,
                "working_area": event.working_area, "active": event.active})

    async def on_target(self, tx: Transaction, event: TargetSet) -> None:
        key = f"{event.area_code}|{event.year}|{event.group}"
        previous = await tx.get("targets", key)
        if previous is not None and previous["count"] == event.count:
            return
        target = {"area_code": event.area_code, "year": event.year, "group": event.group,
                  "count": event.count}
        await tx.put("targets", key, target)
        if self.announce and event.area_code.count(".") == 3:  # a desa's colours may change
            others = [doc for doc in await target_docs(tx, event.area_code, event.year)
                      if doc["group"] != event.group]
            await self._announce_target_change(
                tx, event, self._sasaran(event, [*others, *([previous] if previous else [])]),
                self._sasaran(event, [*others, target]))

    @staticmethod
    def _sasaran(event: TargetSet, docs: list[dict[str, Any]]) -> Counter[str]:
        return area_targets(docs, event.area_code, [event.area_code])[0]

    async def _announce_target_change(self, tx: Transaction, event: TargetSet,
                                      before: Counter[str], after: Counter[str]) -> None:
        """A desa's sasaran is the denominator of its indicators: announce the colours the
        new figure changes – its group's, and those derived from it (a 15+ it completes,
        the anak balita, the ibu nifas or live births it stands in for) –, month by month
        of that year."""
        changed = {group for group in before.keys() | after.keys()
                   if before.get(group) != after.get(group)}
        touched = [i for i in self.catalogue
                   if i.denominator.removeprefix("target:") in changed]
        if not touched:
            return
        months = {doc["period"]: doc["counts"] for doc in await tx.find(
            "desa_months", Query.of(desa_code=event.area_code))
            if doc["period"].startswith(f"{event.year}-")}
        year = await tx.get("desa_years", f"{event.area_code}|{event.year}") or {"to_date": {}}
        for period in months:
            counts = to_date(months[period], year["to_date"], period)
            for indicator_id, old, new in colour_changes(counts, counts, before, touched, after,
                                                         month=int(period[5:])):
                await emit(tx, IndicatorChanged(
                    desa_code=event.area_code, period=period, indicator_id=indicator_id,
                    indicator_name=new.name, previous_colour=old.colour, colour=new.colour,
                    pct=new.pct))
            LIVE.changed(event.area_code, period)

    async def on_recorded(self, tx: Transaction, event: ScreeningRecorded) -> None:
        await self._upsert(tx, event)

    async def on_amended(self, tx: Transaction, event: ScreeningAmended) -> None:
        if event.previous_period != event.period:
            await self._change(tx, event.previous_period, event.person_id,
                               event.screening_id, tombstone(event.version))
        if event.stage != "ibu_hamil":  # (corrected to another stage: no ANC contact now)
            await self._anc_contact(tx, event.person_id, event.screening_id,
                                    tombstone(event.version))
        await self._upsert(tx, event)

    async def on_voided(self, tx: Transaction, event: ScreeningVoided) -> None:
        gone = tombstone(event.version or VOIDED)  # moved on, or for good
        await self._change(tx, event.period, event.person_id, event.screening_id, gone)
        await self._anc_contact(tx, event.person_id, event.screening_id, gone)

    async def _upsert(self, tx: Transaction, event: ScreeningSnapshot) -> None:
        # Latest screening of the month wins; the id only breaks ties deterministically.
        entry = {"order": [event.screened_on.isoformat(), event.screening_id],
                 "version": event.version, "desa_code": event.desa_code,
                 "posyandu_id": event.posyandu_id,
                 "flags": sorted(flags_for(event.stage, (f.code for f in event.findings),
                                           event.measurements, event.age_months,
                                           event.checks, event.sex, event.immunizations)),
                 **services_of(event.stage, event.measurements, event.kpsp, event.checks,
                               event.age_months)}
        await self._change(tx, event.period, event.person_id, event.screening_id, entry)
        if event.stage == "ibu_hamil":
            contact = pregnancy.contact_of(event.screened_on, event.measurements,
                                           event.desa_code, event.posyandu_id, event.version)
            await self._anc_contact(tx, event.person_id, event.screening_id, contact)

    async def _change(self, tx: Transaction, period: str, person_id: str, screening_id: str,
                      entry: dict[str, Any]) -> None:
        """Set one screening's entry (or its tombstone) and move the counts: the month's
        and the year's (`year:` flags, in the month the person first had them)."""
        key = f"{period[:4]}|{person_id}"
        year = await tx.get("person_years", key) or {"year": period[:4], "months": {}}
        entries = year["months"].setdefault(period, {})
        old = entries.get(screening_id)
        if old is not None and old["version"] >= entry["version"]:
            return  # a stale version arriving late (even after a void) changes nothing
        before, first_before = effective(entries), firsts(year["months"])
        entries[screening_id] = entry
        for unit, delta in count_changes(before, effective(entries)):
            self._count(tx, unit, period, delta)
        for unit, month, delta in first_changes(first_before, firsts(year["months"])):
            self._count(tx, unit, month, delta)
        await tx.put("person_years", key, year)

    async def _anc_contact(self, tx: Transaction, person_id: str, screening_id: str,
                           contact: dict[str, Any]) -> None:
        """Set one screening's ANC contact (or its tombstone) among the woman's, and move
        the counts of her pregnancies' K1 and K6."""
        doc = await tx.get("pregnancies", person_id) or {"contacts": {}}
        old = doc["contacts"].get(screening_id)
        if old is not None and old["version"] >= contact["version"]:
            return  # a stale version arriving late (even after a void) changes nothing
        before = pregnancy.counted(doc["contacts"])
        doc["contacts"][screening_id] = contact
        for unit, period, delta in pregnancy.count_changes(before,
                                                           pregnancy.counted(doc["contacts"])):
            self._count(tx, unit, period, delta)
        await tx.put("pregnancies", person_id, doc)

    async def on_task_created(self, tx: Transaction, event: TaskCreated) -> None:
        """A visit that follows one not made (nobody at home, the kader turned away) takes
        its place: the visit owed counts once, by how it ends."""
        period = local_date(event.occurred_at, event.desa_code).isoformat()[:7]
        await self._task(tx, event.task_id, desa_code=event.desa_code, period=period,
                         reason=event.reason, person_id=event.person_id,
                         birth_id=event.birth_id,
                         **({"recorded_made": True} if event.recorded_made else {}))
        if event.follows_task_id:
            await self._task(tx, event.follows_task_id, superseded=True)

    async def on_task_completed(self, tx: Transaction, event: TaskCompleted) -> None:
        """Visits done on time count in the month their task was created; one nobody was
        at home for was not made."""
        await self._task(tx, event.task_id, on_time=event.on_time,
                         visited=event.outcome in ("visited", "referred"),
                         nobody_home=event.outcome == "not_at_home")

    async def on_task_cancelled(self, tx: Transaction, event: TaskCancelled) -> None:
        await self._task(tx, event.task_id, cancelled=True)

    async def on_task_escalated(self, tx: Transaction, event: TaskEscalated) -> None:
        """Escalated: its due time passed with the visit not done (overdue, even if it is
        done later)."""
        await self._task(tx, event.task_id, escalated=True)

    async def _task(self, tx: Transaction, task_id: str, **change: Any) -> None:
        """Merge what an event says about a task, and move the counts by the difference."""
        before = await tx.get("tasks", task_id) or {}
        after = {**before, **change}
        await tx.put("tasks", task_id, after)
        if "desa_code" in after:
            delta = flag_delta(task_flags(before), task_flags(after))
            # each task is its own: counted once a year as it is once a month
            self._count(tx, (after["desa_code"], ""), after["period"],
                        {**delta, **{YEAR + flag: n for flag, n in delta.items()}})
            for visit in (flag for flag, n in delta.items() if n > 0):
                for series, (visits, owner) in VISIT_SERIES.items():
                    if visit in visits and after.get(owner):
                        await self._series_visit(tx, series, f"{series}|{after[owner]}",
                                                 after, visit)

    async def on_birth(self, tx: Transaction, event: BirthSnapshot) -> None:
        await self._birth(tx, event.birth_id, {
            "version": event.version, "desa_code": event.desa_code,
            "posyandu_id": event.posyandu_id, "period": event.born_on.isoformat()[:7],
            "flags": sorted(birth_flags(event.place, event.birth_weight_g,
                                        event.mother_vitamin_a))})

    async def on_birth_voided(self, tx: Transaction, event: BirthVoided) -> None:
        await self._birth(tx, event.birth_id, tombstone(VOIDED))

    async def _birth(self, tx: Transaction, birth_id: str, entry: dict[str, Any]) -> None:
        """A birth counts in the desa and month the baby was born, each once (a month's
        count and the year's); a correction moves it, a void takes it out for good."""
        before = await tx.get("births", birth_id)
        if before is not None and before["version"] >= entry["version"]:
            return  # a stale version arriving late (even after the void) changes nothing
        await tx.put("births", birth_id, entry)
        for birth, sign in ((before, -1), (entry, 1)):
            if birth is not None and not birth.get("gone"):
                self._count(tx, (birth["desa_code"], birth["posyandu_id"]), birth["period"],
                            {key: sign for flag in birth["flags"]
                             for key in (flag, YEAR + flag)})

    async def _series_visit(self, tx: Transaction, series: str, key: str, task: dict[str, Any],
                            visit: str) -> None:
        """Remember a visit made of a series (a newborn's KN, a delivery's KF); count the
        series when this one completes it."""
        doc = await tx.get("visit_series", key) or {"made": {}}
        complete_at, doc["made"] = series_complete(VISIT_SERIES[series][0], doc["made"], visit,
                                                   [task["desa_code"], task["period"]])
        await tx.put("visit_series", key, doc)
        if complete_at is not None:
            desa_code, period = complete_at
            self._count(tx, (desa_code, ""), period, {series: 1, YEAR + series: 1})

    def _count(self, tx: Transaction, unit: Unit, period: str, delta: dict[str, int]) -> None:
        """Collect a count change for the end of the batch (desa, and posyandu below it)."""
        if not delta:
            return
        desa_code, posyandu_id = unit
        pending = self._pending.get(tx)
        if pending is None:
            pending = self._pending[tx] = _Pending()
        _sum_into(pending.desa[desa_code, period], delta)
        if posyandu_id:
            _sum_into(pending.posyandu[posyandu_id, desa_code, period], delta)

    async def flush(self, tx: Transaction, _: None = None) -> None:
        """End of a batch: write each touched month and year document once, and announce
        the colours that changed over the whole batch."""
        pending = self._pending.pop(tx, None)
        if pending is None:
            return
        for (posyandu_id, desa_code, year), deltas in _by_year(pending.posyandu).items():
            await _write_counts(tx, POSYANDU, {"posyandu_id": posyandu_id,
                                               "desa_code": desa_code}, year, deltas)
        for (desa_code, year), deltas in _by_year(pending.desa).items():
            written = await _write_counts(tx, DESA, {"desa_code": desa_code}, year, deltas)
            if self.announce:
                await self._announce_desa(tx, desa_code, year, written)

    async def _announce_desa(self, tx: Transaction, desa_code: str, year: str,
                             written: Written) -> None:
        """Colour changes of the months a batch wrote, and of the later months of the year
        up to the current one: a month's yearly counts move their figures to date too
        (data for November typed in on 2 December can turn December's K1 green)."""
        running_before, running_after, months = written
        yearly = {period: moved for period, (*_, delta) in months.items()
                  if (moved := split_yearly(delta)[1])}
        later = ([f"{year}-{month:02d}" for month in range(int(min(yearly)[5:]) + 1, 13)]
                 if yearly else [])
        this_month = local_date(utcnow(), desa_code).isoformat()[:7]
        # carried: yearly counts moved in earlier months
        announced: list[Any] = []
        carried: set[str] = set()
        for period in sorted({*months, *(p for p in later if p <= this_month)}):
            before, after, delta = months.get(period, ({}, {}, Counter()))
            announced.append((period, self._touched(carried.union(delta)), before, after))
            carried.update(yearly.get(period, ()))
        targets = await _desa_targets(tx, desa_code, int(year), [
            indicator for _, touched, *_ in announced for indicator in touched])
        for period, touched, before, after in announced:
            await self._announce(tx, desa_code, period, touched, targets,
                                 to_date(before, running_before, period),
                                 to_date(after, running_after, period))
        for period in later:
            if period > this_month:  # no colours yet; a dashboard showing it refreshes
                LIVE.changed(desa_code, period)

    @cached_property
    def _reads(self) -> list[tuple[Indicator, frozenset[str]]]:
        """Each indicator with the counts it reads."""
        return [(i, frozenset({i.key(i.numerator), i.key(i.denominator)}))
                for i in self.catalogue]

    def _touched(self, moved: set[str]) -> list[Indicator]:
        """Only indicators built on a count that moved can change colour."""
        return [indicator for indicator, reads in self._reads if not reads.isdisjoint(moved)]

    async def _announce(self, tx: Transaction, desa_code: str, period: str,
                        touched: list[Indicator], targets: Mapping[str, int],
                        before: Counter[str], after: Counter[str]) -> None:
        """Colour changes of a desa-month (counts as of it before and after a batch)."""
        for indicator_id, old, new in colour_changes(before, after, targets, touched,
                                                     month=int(period[5:])):
            await emit(tx, IndicatorChanged(
                desa_code=desa_code, period=period, indicator_id=indicator_id,
                indicator_name=new.name, previous_colour=old.colour, colour=new.colour,
                pct=new.pct))
        # Told before commit: a rolled-back batch only costs dashboards a needless refresh.
        LIVE.changed(desa_code, period)
