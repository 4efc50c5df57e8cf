"""Request and response bodies of the screening API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ilp_contracts import Finding
from ilp_contracts.screening import Stage
from pydantic import BaseModel, ConfigDict, Field


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    nik: str = Field(min_length=16, max_length=16, pattern=r"^\d{16}$",
                     description="16-digit NIK; stored only as a keyed hash")
    name: str = Field(min_length=1, max_length=200)
    sex: Literal["M", "F"]
    birth_date: date
    rt: str | None = Field(default=None, max_length=10)
    rw: str | None = Field(default=None, max_length=40)


class BalitaScreeningIn(BaseModel):
    """A posyandu weighing/measurement of a child under five."""

    model_config = ConfigDict(extra="forbid")

    stage: Literal["balita"] = "balita"
    person: PersonIn
    posyandu_id: str
    screened_on: date
    weight_kg: float = Field(gt=0, description="Berat badan, kg")
    height_cm: float | None = Field(default=None, gt=0, description="Panjang/tinggi badan, cm")
    measured_lying: bool = Field(default=False, description="Measured lying (panjang badan)")


class ScreeningOut(BaseModel):
    screening_id: str
    person_id: str
    stage: Stage
    screened_on: date
    period: str
    desa_code: str
    rw: str | None
    posyandu_id: str
    age_months: int
    measurements: dict[str, float]
    findings: list[Finding]
