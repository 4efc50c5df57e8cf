"""Turns screening findings into home-visit tasks for the responsible worker, and keeps
them right when a screening is amended or voided."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, tzinfo
from typing import Any

from ilp_contracts import (
    BirthAmended,
    BirthRecorded,
    BirthVoided,
    Event,
    FacilityUpserted,
    PTM_FROM_YEARS,
    IndicatorChanged,
    PersonRegistered,
    PersonsMerged,
    ScreeningAmended,
    ScreeningRecorded,
    ScreeningSnapshot,
    ScreeningVoided,
    TbTreatmentEnded,
    TbTreatmentStarted,
    TbTreatmentVoided,
    WorkerAssigned,
    vitamin_a,
)
from ilp_contracts.monitoring import ncd_monitored
from ilp_contracts.screening import POSTPARTUM_DAYS, PostnatalCode
from ilp_contracts.wilayah import local_zone
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, Transaction

from .domain.defaulters import (
    KEK,
    NUTRITION_VISITS,
    POSTNATAL_VISITS,
    RECHECKS,
    child_watch,
    corrected_birth,
    ended_by_birth,
    lansia_watch,
    nutrition_followed,
    postnatal_need,
    postnatal_visits,
    visits_made,
    postnatal_watch,
    pmt_watch,
    pregnancy_watch,
    ptm_watch,
    recheck_watch,
    visits_over,
)
from .domain.assignment import HEALTH_WORKERS
from .domain.household import came, contact_voided, household_watch
from .domain.household import visits_over as household_visits_over
from .domain.reasons import REASON_LABELS
from .domain.review import keep_colour
from .domain.tasks import PREGNANCY_ONLY, TaskNeed, task_key, tasks_needed
from . import tb
from .visits import (adopt_covered, adopt_held_by_puskesmas, adopt_stood_in, adopt_unassigned,
                     cancel_open, drop_moot, forget_assignees, hand_over, keep_facility,
                     made_already, open_task, record_visit_made, unlink)


async def on_worker(tx: Transaction, settings: ServiceSettings, event: WorkerAssigned
                    ) -> None:
    forget_assignees(tx)
    worker = {"id": event.worker_id, "name": event.name, "role": event.role,
              "facility_id": event.facility_id, "area_code": event.area_code,
              "email": event.email, "phone": event.phone, "coverage": event.coverage,
              "daily_digest": event.daily_digest, "active": event.active}
    await tx.put("workers", event.worker_id, worker)
    if event.role == "kader" and event.active:
        await adopt_unassigned(tx, settings, event.area_code)
        await adopt_covered(tx, settings, worker)
    if event.role in HEALTH_WORKERS and event.active:
        await adopt_stood_in(tx, settings, event.area_code)
        await adopt_held_by_puskesmas(tx, settings, event.facility_id)
    if not event.active:
        await hand_over(tx, settings, event.worker_id)


async def _open(tx: Transaction, settings: ServiceSettings, event: ScreeningSnapshot,
                need: TaskNeed) -> None:
    await open_task(tx, settings, need, person_id=event.person_id, desa_code=event.desa_code,
                    posyandu_id=event.posyandu_id, screening_id=event.screening_id,
                    findings=[f.code for f in event.findings], rw=event.rw, rt=event.rt)


def _watches(person_id: str) -> list[tuple[str, str]]:
    """(collection, key) of the watches a screening of an adult, a remaja or a pregnant
    woman sets (a balita's growth and doses are watched apart: `child_watch`)."""
    return [("pregnancies", person_id), ("pmt_watch", person_id), ("lansia_watch", person_id),
            ("ptm_watch", person_id),
            *(("rechecks", f"{person_id}|{rule.condition}") for rule in RECHECKS)]


async def forget_person(tx: Transaction, settings: ServiceSettings, person_id: str, why: str
                        ) -> None:
    """A person who moved away or died: no watch opens another visit, and their open
    visits are cancelled. After a birth only theirs: a mother whose baby died still has
    her postpartum visits."""
    for collection, key in [*_watches(person_id), ("child_watch", person_id),
                            ("household", person_id), ("tb_watch", person_id)]:
        await tx.delete(collection, key)
    for who in ("mother", "baby"):
        parent: dict[str, Any] = {f"{who}_id": person_id}
        for birth in await tx.find("births", Query.of(**parent)):
            await tx.put("births", birth["birth_id"],
                         {**birth, "gone": sorted({*birth.get("gone", ()), who})})
    for reason in REASON_LABELS:  # every reason a visit is opened for (test-enforced)
        await cancel_open(tx, settings, person_id, reason, why)


def _whereabouts(event: ScreeningSnapshot) -> dict[str, str | None]:
    """Who a watch is about, where a visit finds them, and the screening that set it last
    (a void drops the ANC and re-check watches it set)."""
    return {"person_id": event.person_id, "desa_code": event.desa_code,
            "posyandu_id": event.posyandu_id, "rw": event.rw, "rt": event.rt,
            "screening_id": event.screening_id}


async def _watch_rechecks(tx: Transaction, event: ScreeningSnapshot) -> None:
    """Remember each adult's latest re-evaluation per watched condition (BP, glucose,
    weight and height), for the missed-monitoring defaulter round."""
    if not ncd_monitored(event.stage, event.age_months):
        return
    measures, codes = set(event.measurements), {f.code for f in event.findings}
    for rule in RECHECKS:
        if not rule.measured(measures):
            continue  # nothing changes (and no read for every weighing)
        key = f"{event.person_id}|{rule.condition}"
        state = recheck_watch(rule, await tx.get("rechecks", key), event.screened_on, codes,
                              measures)
        if state is not None:
            await tx.put("rechecks", key, {**state, **_whereabouts(event)})


async def _watch(tx: Transaction, settings: ServiceSettings, event: ScreeningSnapshot
                 ) -> None:
    """Every watch a screening sets or moves on, for the defaulter rounds."""
    await _watch_rechecks(tx, event)
    on, codes = event.screened_on, {f.code for f in event.findings}
    weeks = event.measurements.get("gestational_weeks")
    if event.stage == "ibu_hamil" and weeks is not None:
        # Her last ANC contact. The watch ends at her expected delivery, not at a later
        # screening without pregnancy data: a posbindu check of a pregnant woman is no sign
        # that she delivered, and a missed follow-up is worse than one visit too many.
        await _keep_watch(tx, settings, "pregnancies", event,
                          lambda watch: pregnancy_watch(watch, on, int(weeks)))
    lila = "muac_cm" in event.measurements
    if event.stage == "ibu_hamil" and (KEK in codes or lila):  # her PMT while KEK
        await _keep_watch(tx, settings, "pmt_watch", event,
                          lambda watch: pmt_watch(watch, on, codes, lila))
    if event.stage == "balita":  # the last weighing, the doses, the vitamin A capsule and
        # the nutrition problems still open
        capsule, rounds = (event.checks or {}).get("vitamin_a"), settings.vitamin_a_months
        await _keep_watch(tx, settings, "child_watch", event, lambda watch: nutrition_followed(
            child_watch(watch, on, event.age_months, "weight_kg" in event.measurements,
                        list(event.immunizations), bool(capsule), rounds),
            on, codes, event.measurements))
        if capsule is not None:  # her posyandu records the capsules: its kader sweeps
            key = f"{event.posyandu_id}|{vitamin_a.round_of(on, rounds).isoformat()}"
            if await tx.get("capsule_rounds", key) is None:  # (written once a round)
                await tx.put("capsule_rounds", key, {"recorded": True})
    if event.stage == "lansia":  # when she last came
        await _keep_watch(tx, settings, "lansia_watch", event,
                          lambda watch: lansia_watch(watch, on, codes))
    if ncd_monitored(event.stage, event.age_months):  # the yearly PTM screening
        await _keep_watch(tx, settings, "ptm_watch", event, lambda watch: ptm_watch(watch, on))
    await _came(tx, settings, event.person_id, event.screening_id,
                ptm=event.age_months >= PTM_FROM_YEARS * 12, anc=event.stage == "ibu_hamil")


async def _watch_household(tx: Transaction, settings: ServiceSettings, event: PersonRegistered
                           ) -> None:
    """A person of the household data collection: a visit if they never come."""
    state = household_watch(
        await tx.get("household", event.person_id), event.noted_on, event.age_months,
        event.pregnant, screened=await tx.get("ptm_watch", event.person_id) is not None,
        examined=await tx.get("pregnancies", event.person_id) is not None)
    await tx.put("household", event.person_id, {
        **state, "person_id": event.person_id, "desa_code": event.desa_code,
        "posyandu_id": event.posyandu_id, "rw": event.rw, "rt": event.rt})
    if not event.pregnant:  # no longer (delivered elsewhere, or a mistake corrected)
        await cancel_open(tx, settings, event.person_id, "ibu_hamil_belum_periksa",
                          "not_pregnant")


async def _came(tx: Transaction, settings: ServiceSettings, person_id: str, by: str, ptm: bool,
                anc: bool) -> None:
    """A registered person came (screened from 15; an ANC contact, or a delivery – `by`):
    no visit for never having come, and the round's visit, if it was opened, moot."""
    checks = [*(["ptm_check_on"] if ptm else []), *(["anc_check_on"] if anc else [])]
    watch = await tx.get("household", person_id) if checks else None
    if watch is None:
        return
    await drop_moot(tx, settings, person_id, household_visits_over(watch, checks), "came")
    if (state := came(watch, checks, by)) is not None:
        await tx.put("household", person_id, state)


async def _came_not(tx: Transaction, person_id: str, by: str) -> None:
    """A contact voided: the checks it had ended are open again."""
    watch = await tx.get("household", person_id)
    if watch is not None and (state := contact_voided(watch, by)) is not None:
        await tx.put("household", person_id, state)


async def _keep_watch(tx: Transaction, settings: ServiceSettings, collection: str,
                      event: ScreeningSnapshot,
                      update: Callable[[dict[str, Any] | None], dict[str, Any] | None]) -> None:
    """A person's watch in `collection` as `update` makes it from what it was (None:
    this screening changes nothing, e.g. an older one arriving late); a round's visit for
    the lapse this screening shows over, or a nutrition problem's it found no more, is
    cancelled (`visits_over`)."""
    before = await tx.get(collection, event.person_id)
    state = update(before)
    if state is not None:
        await tx.put(collection, event.person_id, {**state, **_whereabouts(event)})
        moot = visits_over(collection, before, state)
        for why, reasons in (("resolved", [r for r in moot if r in NUTRITION_VISITS]),
                             ("came", [r for r in moot if r not in NUTRITION_VISITS])):
            await drop_moot(tx, settings, event.person_id, reasons, why)


async def _forget_watches(tx: Transaction, event: ScreeningVoided) -> None:
    """A voided screening (the wrong person, a session entered twice) no longer keeps
    anybody under watch: the watches it set last are dropped – the person's next
    screening sets them again – rather than sending a visit on its word."""
    for collection, key in _watches(event.person_id):
        watch = await tx.get(collection, key)
        if watch is not None and watch.get("screening_id") == event.screening_id:
            await tx.delete(collection, key)
    await _came_not(tx, event.person_id, event.screening_id)


async def open_postnatal_visits(tx: Transaction, settings: ServiceSettings, watch: dict[str, Any],
                                today: date, zone: tzinfo,
                                made: Mapping[PostnatalCode, date] | None = None
                                ) -> tuple[int, dict[str, Any]]:
    """Record the postnatal visits a register shows `made`, and open those (KF to the
    mother, KN to the baby) whose window has opened by `today`; (how many opened, the
    watch moved past them)."""
    recorded, watch = visits_made(watch, made or {})
    for visit, day in recorded:
        await record_visit_made(tx, postnatal_need(visit, watch, zone), day, zone,
                                **await _postnatal_task(tx, watch, visit.who))
    due, moved = postnatal_visits(watch, today, zone)
    opened = 0
    for visit, need in due:
        task = await _postnatal_task(tx, watch, visit.who)
        # (a mother's, of twins, may have been recorded made with the other twin's birth)
        if visit.who == "baby" or not await made_already(tx, task["person_id"],
                                                         visit.reason, task["birth_id"]):
            opened += await open_task(tx, settings, need, screening_id=None, **task)
    return opened, moved


async def _postnatal_task(tx: Transaction, watch: dict[str, Any], who: str) -> dict[str, Any]:
    """Whom a postnatal visit is of, where, and the birth it follows (a mother's: of
    twins, the delivery's first record)."""
    return {"person_id": watch[f"{who}_id"], "desa_code": watch["desa_code"],
            "posyandu_id": watch["posyandu_id"], "rw": watch.get("rw"),
            "findings": [f"born_{watch['born_on']}",
                         *(["low_birth_weight"] if watch["low_birth_weight"] else [])],
            "birth_id": await _delivery(tx, watch) if who == "mother" else watch["birth_id"]}


async def _twins(tx: Transaction, mother_id: str, born_on: date) -> list[dict[str, Any]]:
    """The mother's other births in the same postpartum weeks (a twin's record)."""
    return [b for b in await tx.find("births", Query.of(mother_id=mother_id))
            if abs((date.fromisoformat(b["born_on"]) - born_on).days) <= POSTPARTUM_DAYS]


async def _delivery(tx: Transaction, watch: dict[str, Any]) -> str:
    """The birth a mother's visits follow: of twins, the first recorded (ids are ordered
    by creation), so all her KF visits of one delivery name the same birth whichever
    twin's record opened each."""
    twins = await _twins(tx, watch["mother_id"], date.fromisoformat(watch["born_on"]))
    return str(min([watch["birth_id"], *(b["birth_id"] for b in twins)]))


async def _watch_birth(tx: Transaction, settings: ServiceSettings, event: BirthRecorded
                       ) -> None:
    """A birth: the visits whose window is open when it is recorded now, the later ones
    from the scheduler's rounds (the watch keeps the day the next window opens)."""
    zone = local_zone(event.desa_code)
    watch = {**postnatal_watch(event.born_on, event.birth_weight_g),
             "birth_id": event.birth_id, "mother_id": event.mother_id,
             "baby_id": event.baby_id, "desa_code": event.desa_code,
             "posyandu_id": event.posyandu_id, "rw": event.rw}
    _, watch = await open_postnatal_visits(tx, settings, watch,
                                           event.occurred_at.astimezone(zone).date(), zone,
                                           event.postnatal_visits)
    await tx.put("births", event.birth_id, watch)
    await _came(tx, settings, event.mother_id, event.birth_id, ptm=False, anc=True)
    await _end_pregnancy(tx, settings, event)


async def _correct_birth(tx: Transaction, settings: ServiceSettings, event: BirthAmended
                         ) -> None:
    """A corrected birth: its open visits follow the corrected day and weight (due by the
    end of their window, urgent for a baby now under 2,500 g), visits made stay made, and
    those whose window the corrected day has opened are opened now."""
    watch = await tx.get("births", event.birth_id)
    if watch is None or watch.get("version", 1) >= event.version:
        return  # voided, or an older correction arriving late
    zone = local_zone(watch["desa_code"])
    watch = {**corrected_birth(watch, event.born_on, event.birth_weight_g),
             "version": event.version}
    for visit in POSTNATAL_VISITS[:watch["next_visit"]]:
        await _reschedule(tx, watch[f"{visit.who}_id"], postnatal_need(visit, watch, zone))
    _, watch = await open_postnatal_visits(tx, settings, watch,
                                           event.occurred_at.astimezone(zone).date(), zone,
                                           event.postnatal_visits)
    await tx.put("births", event.birth_id, watch)


async def _reschedule(tx: Transaction, person_id: str, need: TaskNeed) -> None:
    """An open task's due time and priority, as its rule now says (done ones stay)."""
    link = await tx.get("open_tasks", task_key(person_id, need.reason))
    task = await tx.get("tasks", link["task_id"]) if link else None
    if task is not None:
        await tx.put("tasks", task["task_id"], {**task, "due_at": need.due_at.isoformat(),
                                                "priority": need.priority})


async def _end_pregnancy(tx: Transaction, settings: ServiceSettings, event: BirthRecorded
                         ) -> None:
    """A delivery ends the mother's ANC and supplementary-food watches (no visits for
    missed ANC after it, e.g. a preterm birth before her expected date) and cancels her
    pregnancy-only visits."""
    if not ended_by_birth(await tx.get("pregnancies", event.mother_id), event.born_on):
        return  # screened pregnant after this birth: a new pregnancy, still watched
    await tx.delete("pregnancies", event.mother_id)
    await tx.delete("pmt_watch", event.mother_id)
    for reason in PREGNANCY_ONLY:
        await cancel_open(tx, settings, event.mother_id, reason, "delivered")


async def _forget_birth(tx: Transaction, settings: ServiceSettings, event: BirthVoided
                        ) -> None:
    """A birth recorded in error: no further visits, and its open ones are cancelled –
    the mother's only if no other birth of hers in the same postpartum weeks (a twin's
    record) still needs them."""
    watch = await tx.get("births", event.birth_id)
    if watch is None:
        return
    await tx.delete("births", event.birth_id)
    await _came_not(tx, event.mother_id, event.birth_id)
    others = await _twins(tx, event.mother_id, date.fromisoformat(watch["born_on"]))
    for visit in POSTNATAL_VISITS:
        if visit.who == "mother" and others:
            continue
        person_id = event.mother_id if visit.who == "mother" else event.baby_id
        await cancel_open(tx, settings, person_id, visit.reason, "birth_voided")


async def _owed(tx: Transaction, event: ScreeningSnapshot) -> list[TaskNeed]:
    """The visits a screening's findings call for, but those already moot (a TB suspect
    on treatment)."""
    if not event.findings:  # most screenings: no rule to look through
        return []
    needs = tasks_needed((f.code for f in event.findings), event.screened_on,
                         local_zone(event.desa_code), event.occurred_at,
                         severe_codes=(f.code for f in event.findings if f.severity == "severe"))
    return await tb.still_owed(tx, event.person_id, event.screened_on, needs)


async def on_colour(tx: Transaction, event: IndicatorChanged) -> None:
    """Keep each desa-month's latest colours for the month's review (scheduler); keyed by
    month first, so months reviewed are removed in one range."""
    key = f"{event.period}|{event.desa_code}"
    await tx.put("desa_colours", key, keep_colour(
        await tx.get("desa_colours", key), desa_code=event.desa_code, period=event.period,
        indicator_id=event.indicator_id, name=event.indicator_name, colour=event.colour,
        pct=event.pct, at=event.occurred_at.isoformat()))


def handlers(settings: ServiceSettings) -> dict[type[Event], Any]:
    async def on_recorded(tx: Transaction, event: ScreeningRecorded) -> None:
        await _watch(tx, settings, event)
        for need in await _owed(tx, event):
            await _open(tx, settings, event, need)

    async def on_amended(tx: Transaction, event: ScreeningAmended) -> None:
        await _watch(tx, settings, event)
        needs = await _owed(tx, event)
        done = await unlink(tx, settings, event.screening_id, {n.reason for n in needs},
                            "screening_amended")
        for need in needs:
            if need.reason not in done:  # a correction is not a new finding
                await _open(tx, settings, event, need)

    async def on_voided(tx: Transaction, event: ScreeningVoided) -> None:
        await unlink(tx, settings, event.screening_id, set(), "screening_voided")
        await _forget_watches(tx, event)

    async def on_merged(tx: Transaction, event: PersonsMerged) -> None:
        # Her screenings came again under the person kept (voided, then amended there),
        # which watches her and opens her visits; nothing follows the duplicate any more.
        await forget_person(tx, settings, event.merged_id, "person_merged")

    def given_settings(handle: Callable[[Transaction, ServiceSettings, Any], Awaitable[None]]
                       ) -> Callable[[Transaction, Any], Awaitable[None]]:
        async def handler(tx: Transaction, event: Any) -> None:
            await handle(tx, settings, event)
        return handler

    return {ScreeningRecorded: on_recorded, ScreeningAmended: on_amended,
            ScreeningVoided: on_voided, PersonsMerged: on_merged, IndicatorChanged: on_colour,
            **{event: given_settings(handle) for event, handle in (
                (WorkerAssigned, on_worker), (FacilityUpserted, keep_facility),
                (BirthRecorded, _watch_birth), (BirthAmended, _correct_birth),
                (BirthVoided, _forget_birth), (PersonRegistered, _watch_household),
                (TbTreatmentStarted, tb.on_started), (TbTreatmentEnded, tb.on_ended),
                (TbTreatmentVoided, tb.on_voided))}}
