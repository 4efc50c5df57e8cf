"""`ilp sample-screenings` shows a new user the platform at work: every made-up screening
must be one the intake takes, or the first thing they see is refusals of our own data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ilp_contracts.screening import ScreeningSubmission
from ilp_kit.errors import InvalidInput
from ilp_kit.store import SqliteStore
from ilp_platform.samples import Place, sample_screenings
from ilp_screening import intake
from ilp_screening.app import SPEC


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_every_sample_screening_is_one_the_intake_takes(tmp_path, seed: int) -> None:
    places = [Place(f"psy-{n}", f"33.73.0{n % 4 + 1}.100{n % 7}") for n in range(80)]
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    refused = []
    today = date.today()
    async with store.transaction() as tx:
        for place in places:
            await tx.put("posyandu", place.id, {"id": place.id, "area_code": place.area_code,
                                                "rw": None, "active": True})
        for n, body in enumerate(sample_screenings(places, today, months=3, seed=seed)):
            try:
                await intake.record(tx, ScreeningSubmission.model_validate(body), f"k-{n}",
                                    "key")
            except InvalidInput as exc:
                refused.append(str(exc))
    await store.close()
    assert n > 2000 and refused == [], refused[:3]
    assert today - timedelta(days=100) < date.fromisoformat(str(body["screened_on"]))


async def test_a_year_of_samples_the_intake_takes_and_the_spms_balita_service_reached(
        tmp_path) -> None:
    """`--months 12`, the CLI's most: a child born nearly five years before the year began
    turns five in it (the WHO tables end there – it crashed), and a year of weighings,
    lengths, KPSP at the SDIDTK ages and capsules reaches the SPM's balita service for
    many children, not all."""
    from ilp_screening.domain.registers import balita

    places = [Place(f"psy-{n}", f"33.73.0{n % 4 + 1}.100{n % 7}") for n in range(10)]
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    today, stored, refused = date(2026, 12, 4), [], []
    async with store.transaction() as tx:
        for place in places:
            await tx.put("posyandu", place.id, {"id": place.id, "area_code": place.area_code,
                                                "rw": None, "active": True})
        for n, body in enumerate(sample_screenings(places, today, months=12)):
            try:
                screening, _ = await intake.record(
                    tx, ScreeningSubmission.model_validate(body), f"k-{n}", "key")
                stored.append(screening)
            except InvalidInput as exc:
                refused.append(str(exc))
    await store.close()
    assert refused == [], refused[:3]
    children = balita([s for s in stored if s["stage"] == "balita"], today)
    served = sum(child["spm_balita"]["served"] for child in children)
    assert 0.2 * len(children) < served < 0.8 * len(children), (served, len(children))


@pytest.mark.parametrize("seed", [1, 2])
async def test_every_sample_birth_is_one_the_intake_takes(tmp_path, seed: int) -> None:
    """A birth a month at each posyandu, in that month and not after today; most at a
    facility, a few babies small."""
    from ilp_contracts.screening import BirthSubmission
    from ilp_platform.samples import sample_births

    places = [Place(f"psy-{n}", f"33.73.0{n % 4 + 1}.100{n % 7}") for n in range(40)]
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    today = date.today()
    births = list(sample_births(places, today, months=3, seed=seed))
    async with store.transaction() as tx:
        for place in places:
            await tx.put("posyandu", place.id, {"id": place.id, "area_code": place.area_code,
                                                "rw": None, "active": True})
        for n, body in enumerate(births):
            await intake.record_birth(tx, BirthSubmission.model_validate(body), f"b-{n}", "key")
    await store.close()
    days = [date.fromisoformat(str(b["baby"]["birth_date"])) for b in births]  # type: ignore[index]
    assert len(births) == 120 and max(days) <= today
    assert sum(day.month == today.month for day in days) == 40
    assert 90 < sum(b["place"] == "fasyankes" for b in births) < 120
    assert 0 < sum(b["birth_weight_g"] < 2500 for b in births) < 25  # type: ignore[operator]


def test_some_sample_pregnancies_reach_k6_and_others_not_yet() -> None:
    """The sample's pregnant women bring their earlier contacts from their Buku KIA, so K6
    is not a bare 0 % on a new platform – nor everybody's: a woman seen first early in her
    pregnancy has not had her trimester 3 contacts yet."""
    from collections import defaultdict

    from ilp_contracts.anc import by_pregnancy, completing_k6, implied_hpht, trimester

    places = [Place(f"psy-{n}", f"33.73.0{n % 4 + 1}.100{n % 7}") for n in range(40)]
    women: dict[str, list[dict]] = defaultdict(list)
    for body in sample_screenings(places, date(2026, 12, 5), months=3):
        if "pregnancy" in body:
            women[body["person"]["nik"]].append(body)  # type: ignore[index]

    def weeks(contact: dict) -> int:
        return int(contact["pregnancy"]["gestational_weeks"])
    complete = 0
    for contacts in women.values():
        contacts.sort(key=lambda c: str(c["screened_on"]))
        [pregnancy] = by_pregnancy(contacts, lambda c: implied_hpht(
            date.fromisoformat(str(c["screened_on"])), weeks(c)))
        complete += completing_k6(pregnancy, lambda c: trimester(weeks(c)),
                                  lambda c: str(c["screened_on"])) is not None
    assert 0 < complete < len(women) / 2
