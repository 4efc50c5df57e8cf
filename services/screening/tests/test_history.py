"""A balita's earlier visits as a screening reads them: only the last two months find the
previous weighing, however long the child has been weighed; a visit recorded late is
read against the weighing before it, not those after."""

from __future__ import annotations

from datetime import date, timedelta

from ilp_contracts import ScreeningSubmission
from ilp_kit.store.sqlite import SqliteStore
from ilp_screening import intake
from ilp_screening.app import SPEC

BIRTH = date(2022, 1, 15)


def weighing(on: date, kg: float) -> ScreeningSubmission:
    return ScreeningSubmission.model_validate({
        "person": {"nik": "3373041501220001", "name": "Bima", "sex": "M",
                   "birth_date": BIRTH.isoformat()},
        "posyandu_id": "psy-1", "screened_on": on.isoformat(),
        "measurements": {"weight_kg": kg, "height_cm": 95.0, "measured_lying": False}})


class ReadCounting:
    """A transaction that counts the documents its finds return."""

    def __init__(self, tx) -> None:  # noqa: ANN001 – any store transaction
        self.tx, self.read = tx, 0

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.tx, name)

    async def find(self, collection, query):  # noqa: ANN001, ANN201
        found = await self.tx.find(collection, query)
        self.read += len(found)
        return found


async def test_years_of_monthly_weighings_read_only_the_last_two_months(tmp_path) -> None:
    store = SqliteStore(tmp_path / "screening.db", SPEC.collections)
    await store.open()
    months = [date(2024, 1, 10) + timedelta(days=30 * n) for n in range(30)]
    async with store.transaction() as tx:
        await tx.put("posyandu", "psy-1", {"id": "psy-1", "area_code": "33.73.04.1001",
                                           "rw": None, "active": True})
        for n, day in enumerate(months[:-1]):
            await intake.record(tx, weighing(day, 12.0 + n * 0.1), f"k-{n}", "key")
        counting = ReadCounting(tx)
        latest, _ = await intake.record(counting, weighing(months[-1], 14.9), "k-last", "key")
        # recorded late: 28 days after months[10] (13.0 kg), 2 before months[11]
        late, _ = await intake.record(tx, weighing(months[10] + timedelta(days=28), 13.2),
                                      "k-late", "key")
    assert counting.read <= 3  # not the 29 visits before
    assert latest["measurements"]["weight_gain_g"] == 100  # 14.8 kg the month before
    assert late["measurements"]["weight_gain_g"] == 200
    await store.close()
