"""The monthly PWS review: a desa's health workers hear which of its indicators were still
red when the month ended, once, at the start of the next month where they live."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ilp_contracts import FacilityUpserted, IndicatorChanged, WorkerAssigned
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, SqliteStore
from ilp_notify.app import SPEC
from ilp_notify.domain.delivery import render
from ilp_notify.domain.review import Red, keep_colour, month_to_review, red_indicators
from ilp_notify.handlers import handlers
from ilp_notify.scheduler import send_reviews

SEMARANG = "33.73.04.1001"  # WIB
JAYAPURA = "91.71.01.1001"  # WIT, two hours ahead


def test_the_month_reviewed_is_the_one_that_ended_in_the_first_week_after_it() -> None:
    assert month_to_review(date(2026, 11, 1)) == "2026-10"
    assert month_to_review(date(2026, 1, 7)) == "2025-12"
    assert month_to_review(date(2026, 11, 8)) is None  # its Lokmin has passed


changes = st.lists(st.tuples(st.sampled_from(["balita_ditimbang", "k1"]),
                             st.sampled_from(["green", "yellow", "red", "grey"]),
                             st.integers(min_value=0, max_value=50)), max_size=12,
                   unique_by=lambda c: c[2])


@given(changes, st.randoms())
def test_the_latest_colour_is_kept_whatever_order_changes_arrive_in(chosen, rng) -> None:
    arrived = list(chosen)
    rng.shuffle(arrived)
    doc = None
    for indicator_id, colour, second in arrived:
        doc = keep_colour(doc, desa_code=SEMARANG, period="2026-10", indicator_id=indicator_id,
                          colour=colour, pct=float(second),
                          at=f"2026-10-31T10:00:{second:02d}+00:00")
    latest: dict[str, tuple[str, int]] = {}
    for indicator_id, colour, second in chosen:
        if indicator_id not in latest or second > latest[indicator_id][1]:
            latest[indicator_id] = (colour, second)
    assert red_indicators(doc or {"indicators": {}}) == [
        Red(i, None, float(second)) for i, (colour, second) in sorted(latest.items())
        if colour == "red"]


@pytest.fixture
async def rt(tmp_path) -> AsyncIterator[Runtime]:
    store = SqliteStore(tmp_path / "notify.db", SPEC.collections)
    await store.open()
    yield Runtime(ServiceSettings(service="notify", smtp_host="127.0.0.1", digest_hour=6),
                  store)
    await store.close()


def changed(desa: str, period: str, indicator_id: str, colour: str, at: datetime,
            pct: float | None = 40.0, name: str | None = None) -> IndicatorChanged:
    return IndicatorChanged(desa_code=desa, period=period, indicator_id=indicator_id,
                            indicator_name=name, previous_colour="grey", colour=colour,
                            pct=pct, occurred_at=at)


async def test_health_workers_hear_once_of_what_stayed_red(rt: Runtime) -> None:
    apply = handlers(rt.settings)
    october = datetime(2026, 10, 5, tzinfo=UTC)
    async with rt.store.transaction() as tx:
        for worker_id, role, desa in (("bidan-sari", "bidan", SEMARANG),
                                      ("kader-sri", "kader", SEMARANG),
                                      ("perawat-yan", "perawat", JAYAPURA)):
            await tx.put("workers", worker_id, {"id": worker_id, "role": role, "active": True,
                                                "area_code": desa,
                                                "email": f"{worker_id}@puskesmas.id"})
        for event in (
                # red on the 5th, green by the end: nothing to review
                changed(SEMARANG, "2026-10", "balita_ditimbang", "red", october),
                changed(SEMARANG, "2026-10", "balita_ditimbang", "green",
                        october.replace(day=28)),
                # red at the end; an older yellow arriving late changes nothing
                changed(SEMARANG, "2026-10", "k1", "red", october.replace(day=20), 33.3,
                        "Cakupan K1 ibu hamil"),
                changed(SEMARANG, "2026-10", "k1", "yellow", october.replace(day=10)),
                changed(SEMARANG, "2026-11", "k1", "red", october.replace(month=11)),  # not over
                changed(SEMARANG, "2026-09", "k1", "red", october.replace(month=9)),  # reviewed
                changed(JAYAPURA, "2026-10", "balita_stunting", "red", october, None)):
            await apply[IndicatorChanged](tx, event)

    # A platform first started after the first week sends no review of the month before.
    assert await send_reviews(rt, datetime(2026, 11, 8, 0, 0, tzinfo=UTC)) == 0
    # 06:00 of the 1st where each desa is: Jayapura (WIT) two hours before Semarang.
    assert await send_reviews(rt, datetime(2026, 10, 31, 20, 0, tzinfo=UTC)) == 0  # 05:00 WIT
    assert await send_reviews(rt, datetime(2026, 10, 31, 21, 30, tzinfo=UTC)) == 1  # 06:30 WIT
    assert await send_reviews(rt, datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == 1  # 06:30 WIB
    assert await send_reviews(rt, datetime(2026, 11, 2, 3, 0, tzinfo=UTC)) == 0  # once
    # Months before the one reviewed are kept no longer; it and the month now counted are.
    assert sorted(d["period"] for d in await rt.store.find("desa_colours")) == [
        "2026-10", "2026-10", "2026-11"]
    told = {d["url"]: json.loads(d["body"]) for d in await rt.store.find(
        "deliveries", Query.of(kind="pws.review"))}
    assert sorted(told) == ["mailto:bidan-sari@puskesmas.id",  # not the kader
                            "mailto:perawat-yan@puskesmas.id"]
    semarang = told["mailto:bidan-sari@puskesmas.id"]
    assert (semarang["period"], semarang["red"]) == ("2026-10", [
        {"indicator_id": "k1", "name": "Cakupan K1 ibu hamil", "pct": 33.3}])
    subject, text, sms = render(semarang)
    assert subject == f"PWS 2026-10 desa {SEMARANG}: 1 indikator merah"
    # by the name the dashboard shows, with a decimal comma
    assert "- Cakupan K1 ibu hamil (33,3 %)" in text and "Cakupan K1 ibu hamil (33,3 %)" in sms
    jayapura = render(told["mailto:perawat-yan@puskesmas.id"])  # from a PWS that sent no name
    assert jayapura[0].endswith("1 indikator merah") and "- balita_stunting\n" in jayapura[1]


async def test_a_desa_without_a_pustu_has_its_review_sent_to_the_puskesmas_bidan(
        rt: Runtime) -> None:
    apply = handlers(rt.settings)
    desa = "91.03.01.2001"
    async with rt.store.transaction() as tx:
        await apply[FacilityUpserted](tx, FacilityUpserted(
            facility_id="pkm-sentani", type="puskesmas", name="Puskesmas Sentani",
            area_code="91.03.01", working_area=[desa]))
        for worker_id, role in (("bidan-maria", "bidan"), ("dokter-yan", "dokter")):
            await apply[WorkerAssigned](tx, WorkerAssigned(
                worker_id=worker_id, name=worker_id, role=role, facility_id="pkm-sentani",
                area_code="91.03.01", email=f"{worker_id}@puskesmas.id"))
        await apply[IndicatorChanged](tx, changed(desa, "2026-10", "k1", "red",
                                                  datetime(2026, 10, 5, tzinfo=UTC)))
    assert await send_reviews(rt, datetime(2026, 10, 31, 21, 30, tzinfo=UTC)) == 1
    told = [d["url"] for d in await rt.store.find("deliveries", Query.of(kind="pws.review"))]
    assert told == ["mailto:bidan-maria@puskesmas.id"]
