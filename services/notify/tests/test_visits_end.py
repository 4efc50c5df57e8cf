"""When a home visit is not sent (again): a corrected screening is not a new finding, and
a delivery ends the visits of the pregnancy."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ilp_contracts import (BirthRecorded, Finding, PersonsMerged, ScreeningAmended,
                           ScreeningRecorded, ScreeningVoided, WorkerAssigned)
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query
from ilp_kit.store.sqlite import SqliteStore
from ilp_notify.app import SPEC
from ilp_notify.domain.tasks import task_key
from ilp_notify.handlers import handlers

STUNTED = [Finding(code="stunted", severity="moderate")]
SEVERELY = [Finding(code="severely_stunted", severity="severe")]


def recorded() -> ScreeningRecorded:
    return ScreeningRecorded(
        screening_id="s1", person_id="p1", stage="balita", sex="F", age_months=20,
        screened_on=date(2026, 11, 20), period="2026-11", desa_code="33.73.04.2001",
        posyandu_id="psy-1", measurements={"height_cm": 78.0}, findings=STUNTED)


def amended(on: date, findings: list[Finding], version: int) -> ScreeningAmended:
    fields = recorded().model_dump(exclude={"event_id", "occurred_at", "version"})
    return ScreeningAmended(**{**fields, "screened_on": on, "period": on.isoformat()[:7],
                               "findings": findings}, version=version, reason="koreksi",
                            previous_period="2026-11", previous_desa_code="33.73.04.2001")


async def test_a_visit_made_is_not_sent_again_by_a_correction(tmp_path) -> None:
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, WorkerAssigned(
            worker_id="kader-1", name="Kader", role="kader", facility_id="psy-1",
            area_code="33.73.04.2001"))
        await apply[ScreeningRecorded](tx, recorded())
    [task] = await store.find("tasks")
    async with store.transaction() as tx:  # the kader visits (as POST /tasks/{id}/complete)
        await tx.put("tasks", task["task_id"], {**task, "status": "completed"})
        await tx.delete("open_tasks", task_key("p1", task["reason"]))
        # the bidan then corrects the date: the same child, the same finding
        await apply[ScreeningAmended](tx, amended(date(2026, 11, 19), STUNTED, 2))
    assert [t["status"] for t in await store.find("tasks")] == ["completed"]
    async with store.transaction() as tx:  # a correction of the height: now severe
        await apply[ScreeningAmended](tx, amended(date(2026, 11, 19), SEVERELY, 3))
    reasons = sorted((t["reason"], t["status"]) for t in await store.find("tasks"))
    assert reasons == [("gizi_buruk_balita", "open"), ("masalah_gizi_balita", "completed"),
                       ("pendampingan_gizi_buruk", "open")]
    await store.close()


async def test_a_birth_ends_the_pregnancy_watch_and_its_visits(tmp_path) -> None:
    """Born at 31 weeks, before her expected date: no visit for a missed ANC contact
    after that, her KEK accompaniment ends; the hypertensive pregnancy's referral stays,
    and a birth does not end a pregnancy screened after it."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    pregnant = recorded().model_copy(update={
        "person_id": "ibu-1", "stage": "ibu_hamil", "age_months": 300,
        "measurements": {"gestational_weeks": 30, "muac_cm": 22.0, "systolic": 150},
        "findings": [Finding(code="kek", severity="moderate"),
                     Finding(code="hypertension_pregnancy", severity="moderate")]})

    def birth(born_on: date) -> BirthRecorded:
        return BirthRecorded(birth_id=f"b-{born_on}", mother_id="ibu-1", baby_id="bayi-1",
                             baby_sex="F", born_on=born_on, desa_code="33.73.04.2001",
                             posyandu_id="psy-1", occurred_at=datetime(2026, 11, 28, 3, tzinfo=UTC))

    async with store.transaction() as tx:
        await apply[ScreeningRecorded](tx, pregnant)
        await apply[BirthRecorded](tx, birth(date(2026, 11, 15)))  # an earlier child's, late
    assert await store.get("pregnancies", "ibu-1") is not None
    async with store.transaction() as tx:
        await apply[BirthRecorded](tx, birth(date(2026, 11, 27)))
    assert await store.get("pregnancies", "ibu-1") is None
    status = {t["reason"]: (t["status"], t.get("cancel_reason")) for t in await store.find("tasks")
              if t["person_id"] == "ibu-1" and not t["reason"].startswith("kunjungan_nifas")}
    assert status == {"pendampingan_ibu_hamil_kek": ("cancelled", "delivered"),
                      "hipertensi_kehamilan": ("open", None)}
    await store.close()


async def test_a_merged_record_leaves_her_visits_with_the_person_kept(tmp_path) -> None:
    """Two records of one stunted child, a visit each: merged (her screening voided under
    the duplicate and amended under her, then PersonsMerged), she has one open visit and
    nothing watches the duplicate."""
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    apply = handlers(ServiceSettings(service="notify"))
    kept = recorded().model_copy(update={"screening_id": "s2", "person_id": "p2"})
    async with store.transaction() as tx:
        await apply[WorkerAssigned](tx, WorkerAssigned(
            worker_id="kader-1", name="Kader", role="kader", facility_id="psy-1",
            area_code="33.73.04.2001"))
        await apply[ScreeningRecorded](tx, recorded())
        await apply[ScreeningRecorded](tx, kept)
    assert len(await store.find("tasks", Query.of(status="open"))) == 2
    assert await store.get("child_watch", "p1") is not None
    moved = amended(date(2026, 11, 20), STUNTED, 2).model_copy(update={"person_id": "p2"})
    async with store.transaction() as tx:
        await apply[ScreeningVoided](tx, ScreeningVoided(
            screening_id="s1", person_id="p1", period="2026-11", desa_code="33.73.04.2001",
            reason="merged into p2"))
        await apply[ScreeningAmended](tx, moved)
        await apply[PersonsMerged](tx, PersonsMerged(person_id="p2", merged_id="p1",
                                                     reason="satu anak"))
    assert [(t["person_id"], t["reason"]) for t in await store.find(
        "tasks", Query.of(status="open"))] == [("p2", "masalah_gizi_balita")]
    assert await store.get("child_watch", "p1") is None
    assert await store.get("child_watch", "p2") is not None
    await store.close()
