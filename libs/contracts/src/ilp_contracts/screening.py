"""Events published by the screening service. They carry a pseudonymous person id only."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from .envelope import Event

Stage = Literal["ibu_hamil", "balita", "anak_remaja", "usia_dewasa", "lansia"]
Severity = Literal["info", "mild", "moderate", "severe"]


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="e.g. stunted, severely_underweight, kek, hypertension_grade_2")
    severity: Severity
    follow_up: str = Field(default="", description="Hint for the follow-up action")
    value: float | None = Field(default=None, description="The z-score or measure behind it")


class ScreeningRecorded(Event):
    SUBJECT: ClassVar[str] = "ilp.screening.recorded.v1"
    SOURCE: ClassVar[str] = "ilp/screening"

    screening_id: str
    person_id: str = Field(description="Keyed HMAC of the NIK; never the NIK itself")
    stage: Stage
    sex: Literal["M", "F"]
    age_months: int = Field(ge=0)
    screened_on: date
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM of screened_on")
    desa_code: str
    rw: str | None = None
    posyandu_id: str
    measurements: dict[str, float] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)

    @property
    def ce_subject(self) -> str:
        return self.screening_id

