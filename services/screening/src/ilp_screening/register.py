"""A posyandu day's paper register as CSV (one row per person screened) → submissions.

Columns (header names, any order; empty cells are "not measured"): nik, name, sex,
birth_date, rt, rw, screened_on, posyandu_id (or given for the whole file),
gestational_weeks, anc_visit, weight_kg, height_cm, measured_lying, muac_cm,
head_circumference_cm, waist_cm, systolic, diastolic, glucose_random, glucose_fasting, hb,
srq20, adl, sdq_total, kpsp, tb_symptoms, smoking, skilas_positive, immunizations
(separated by ";"). Yes/no cells accept ya/tidak, y/n, true/false, 1/0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ilp_contracts.screening import ScreeningSubmission
from pydantic import ValidationError

PERSON = ("nik", "name", "sex", "birth_date", "rt", "rw", "household_id")
PREGNANCY = ("gestational_weeks", "anc_visit")
_YES = {"ya", "y", "yes", "true", "1"}
_NO = {"tidak", "t", "n", "no", "false", "0"}

Row = tuple[int, ScreeningSubmission | None, list[dict]]


def _cell(name: str, value: str) -> object:
    if name in ("measured_lying", "tb_symptoms", "smoking", "skilas_positive"):
        lowered = value.lower()
        return True if lowered in _YES else False if lowered in _NO else value
    if name == "immunizations":
        return [v.strip() for v in value.split(";") if v.strip()]
    return value


def parse_register(text: str, posyandu_id: str | None = None) -> Iterator[Row]:
    """(line number, submission or None, problems) per data row; never raises on content."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        line = reader.line_num
        cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        given = {k: _cell(k, v) for k, v in cells.items() if v != ""}
        pregnancy = {k: given.pop(k) for k in PREGNANCY if k in given}
        try:  # one validation of the whole row, so every bad cell is reported at once
            submission = ScreeningSubmission.model_validate({
                "person": {k: given.pop(k) for k in PERSON if k in given},
                "posyandu_id": given.pop("posyandu_id", posyandu_id or ""),
                "screened_on": given.pop("screened_on", None),
                "pregnancy": pregnancy or None,
                "measurements": given})
        except ValidationError as exc:
            yield line, None, exc.errors(include_url=False, include_input=False,
                                         include_context=False)
            continue
        yield line, submission, []
