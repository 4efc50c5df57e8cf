from __future__ import annotations

from ilp_screening.register import parse_register

CSV = """nik,name,sex,birth_date,screened_on,weight_kg,measured_lying,tb_symptoms,immunizations
3373041011240001,Bima,M,2024-11-10,2026-11-20,9.1,tidak,,BCG; MR1
3373041011240001,Bima,X,2024-11-10,2026-11-20,abc,,,
"""


def test_rows_become_submissions_or_located_problems() -> None:
    (line1, ok, none), (line2, bad, problems) = list(parse_register(CSV, "psy-1"))
    assert (line1, none) == (2, [])
    assert ok is not None and ok.posyandu_id == "psy-1"
    assert ok.measurements.measured_lying is False
    assert ok.measurements.immunizations == ["BCG", "MR1"]
    assert line2 == 3 and bad is None
    assert {p["loc"][-1] for p in problems} >= {"sex", "weight_kg"}
