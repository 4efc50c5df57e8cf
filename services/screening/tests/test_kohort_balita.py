"""The register of balita, pure: each child under five with her last weighing, status,
this month's D and every dose recorded."""

from __future__ import annotations

from datetime import date

from ilp_screening.domain.kohort_balita import register

TODAY = date(2026, 12, 4)


def visit(person: str, on: str, age: int, n: int = 0, findings: tuple = (),
          doses: tuple = (), **measures: float) -> dict:
    return {"screening_id": f"{person}-{n}", "person_id": person, "screened_on": on,
            "age_months": age, "desa_code": "33.73.04.1001", "posyandu_id": "psy-1",
            "rw": "RW 03", "rt": None, "measurements": measures,
            "immunizations": list(doses), "findings": [{"code": c} for c in findings]}


def test_each_child_with_her_last_weighing_status_and_doses() -> None:
    visits = [visit("bima", "2025-01-10", 1, 0, ("imunisasi_dasar_lengkap",), ("BCG",)),
              visit("bima", "2026-11-20", 23, 1, ("stunted", "weight_gain_adequate"),
                    weight_kg=9.1, height_cm=79.0, waz=-2.5, haz=-2.7, whz=-1.6),
              visit("bima", "2026-12-02", 24, 2, (), ("MR2",))]  # a dose only: no weighing
    [bima] = register(visits, TODAY)
    assert bima["last_seen_on"] == "2026-12-02" and bima["last_weighed_on"] == "2026-11-20"
    assert bima["weighed_this_month"] is False  # December's visit weighed nobody
    assert bima["growth"] == {"weight_kg": 9.1, "height_cm": 79.0, "waz": -2.5, "haz": -2.7,
                              "whz": -1.6}
    assert bima["status"] == ["stunted", "weight_gain_adequate"]
    assert (bima["doses"], bima["idl"]) == (["BCG", "MR2"], True)


def test_a_child_turned_five_leaves_the_register() -> None:
    assert register([visit("sari", "2026-06-01", 54, weight_kg=15.0)], TODAY) == []
    [row] = register([visit("sari", "2026-12-01", 59, weight_kg=15.0)], TODAY)
    assert row["weighed_this_month"] is True
