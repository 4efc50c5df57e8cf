"""A TB treatment's home visits: the perawat's contact investigation when it starts, the
kader's monthly adherence visits while it lasts (`domain/tb.py`; the scheduler's rounds
open them as they fall due)."""

from __future__ import annotations

from datetime import date

from ilp_contracts import TbTreatmentEnded, TbTreatmentStarted, TbTreatmentVoided
from ilp_contracts.wilayah import local_zone
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Transaction

from .domain.defaulters import NEVER
from .domain.tasks import TaskNeed
from .domain.tb import (ADHERENCE, CONTACT_INVESTIGATION, SUSPECT, contact_investigation,
                        on_treatment, tb_watch)
from .visits import cancel_open, open_task


async def on_started(tx: Transaction, settings: ServiceSettings, event: TbTreatmentStarted
                     ) -> None:
    findings = [f"treatment_started_{event.started_on}",
                *([f"household_contacts_{event.household_contacts}"]
                  if event.household_contacts is not None else [])]
    need = contact_investigation(event.started_on, event.occurred_at,
                                 local_zone(event.desa_code))
    await open_task(tx, settings, need, person_id=event.person_id, desa_code=event.desa_code,
                    posyandu_id=event.posyandu_id, screening_id=None, findings=findings,
                    rw=event.rw, rt=event.rt)
    await tx.put("tb_watch", event.person_id, {
        **tb_watch(event.treatment_id, event.started_on, event.planned_end_on),
        "person_id": event.person_id, "desa_code": event.desa_code,
        "posyandu_id": event.posyandu_id, "rw": event.rw, "rt": event.rt})
    # diagnosed and treated: the visit to get her sputum examined is owed no more
    await cancel_open(tx, settings, event.person_id, SUSPECT, "tb_treatment_started")


async def still_owed(tx: Transaction, person_id: str, screened_on: date,
                     needs: list[TaskNeed]) -> list[TaskNeed]:
    """A screening's visits, but a TB suspect's sputum visit for a person on treatment."""
    if any(need.reason == SUSPECT for need in needs) and on_treatment(
            await tx.get("tb_watch", person_id), screened_on):
        return [need for need in needs if need.reason != SUSPECT]
    return needs


async def on_ended(tx: Transaction, settings: ServiceSettings, event: TbTreatmentEnded
                   ) -> None:
    """No more adherence visits; the contact investigation stays owed (the household was
    exposed however the treatment ended). The watch stays, ended, so that a treatment
    voided later still finds what it opened."""
    watch = await tx.get("tb_watch", event.person_id)
    if watch is not None and watch["treatment_id"] == event.treatment_id:
        await tx.put("tb_watch", event.person_id, {**watch, "adherence_visit_on": NEVER,
                                                   "ended": True})
        await cancel_open(tx, settings, event.person_id, ADHERENCE,
                          f"tb_treatment_{event.outcome}")


async def on_voided(tx: Transaction, settings: ServiceSettings, event: TbTreatmentVoided
                    ) -> None:
    """Recorded in error: none of its visits is owed. (A person has one TB treatment at a
    time: this cancels her TB visits while it is her latest.)"""
    watch = await tx.get("tb_watch", event.person_id)
    if watch is not None and watch["treatment_id"] == event.treatment_id:
        await tx.delete("tb_watch", event.person_id)
        for reason in (ADHERENCE, CONTACT_INVESTIGATION):
            await cancel_open(tx, settings, event.person_id, reason, "tb_treatment_voided")
