"""Response and request bodies of the screening API beyond the shared contracts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ilp_contracts import Finding
from ilp_contracts.screening import (KpspResult, MeasurementsIn, Nik, PregnancyIn,
                                     ScreeningSubmission, Sex, Stage, TbOutcome, numbered_at)
from fastapi import Header
from pydantic import BaseModel, ConfigDict, Field, SkipValidation, model_validator

from .domain.classify import not_read
from ilp_contracts.findings import finding_label
from ilp_contracts.text import _

IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128,
                                       description="Client-generated; a retry returns the "
                                       "first result")]


class FindingOut(Finding):
    label: str = Field(default="", description="The finding in words (Bahasa Indonesia), "
                       "as an app shows it: `stunted` is *Pendek / stunting (TB/U)*")


class ScreeningOut(BaseModel):
    screening_id: str
    version: int
    status: Literal["active", "voided"]
    person_id: str
    stage: Stage
    sex: Sex
    age_months: int
    screened_on: date
    period: str
    desa_code: str
    rw: str | None
    rt: str | None = None
    posyandu_id: str
    measurements: dict[str, float]
    checks: dict[str, bool] | None = Field(
        default=None, description="The yes/no checks made (TB symptoms, smoking, …) and what "
        "they found; None for screenings recorded before checks were kept")
    immunizations: list[str]
    kpsp: KpspResult | None = Field(default=None, description="The development check's "
                                    "result, where one was made")
    anc_visit: int | None
    findings: list[FindingOut]
    not_read: list[str] = Field(
        default_factory=list, description="Measurements and checks given that nothing at "
        "this stage and age reads (e.g. a balita's blood pressure, a man's LiLA): kept with "
        "the screening, not classified")

    @model_validator(mode="before")
    @classmethod
    def _in_words(cls, doc: Any) -> Any:
        """The findings' names and what was not read, worked out from the stored screening
        and its submission: for screenings stored before either existed too."""
        if not isinstance(doc, dict):
            return doc
        if "findings" in doc:
            doc = {**doc, "findings": [{**f, "label": finding_label(f["code"])}
                                       if isinstance(f, dict) else f for f in doc["findings"]]}
        if given := (doc.get("submission") or {}).get("measurements"):
            doc["not_read"] = not_read(doc["stage"], doc["sex"], doc["age_months"], [
                name for name, value in given.items() if value not in (None, [])])
            doc.setdefault("kpsp", given.get("kpsp"))  # (stored before it was kept apart)
        return doc


class BirthOut(BaseModel):
    birth_id: str
    mother_id: str
    baby_id: str
    baby_sex: Sex
    born_on: date
    birth_weight_g: int | None
    place: str | None
    mother_vitamin_a: bool | None = None
    postnatal_visits: dict[str, date] = Field(default_factory=dict)
    desa_code: str
    rw: str | None
    posyandu_id: str
    status: Literal["active", "voided"] = "active"
    version: int = 1
    reason: str | None = Field(default=None, description="Why it was last corrected")
    recorded_at: datetime


class AmendmentIn(BaseModel):
    """Only what changes: the measurements given replace those the screening had and the
    others stay (`null` takes one out); without `pregnancy` its pregnancy stays as it
    was (`"pregnancy": null`: recorded in error); without `screened_on`, its day."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500, description="Why it is corrected")
    screened_on: date | None = None
    pregnancy: PregnancyIn | None = None
    measurements: MeasurementsIn = Field(default_factory=MeasurementsIn)


class VoidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500)


class NikIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nik: Nik


class PersonLookup(BaseModel):
    """Whom to find: her NIK, or – without one – her number in a posyandu's register."""

    model_config = ConfigDict(extra="forbid")

    nik: Nik | None = None
    posyandu_id: str | None = Field(default=None, min_length=1, max_length=64)
    local_id: str | None = Field(default=None, min_length=1, max_length=40,
                                 description="With posyandu_id: her number in its register")

    @model_validator(mode="after")
    def _whom(self) -> PersonLookup:
        if not self.nik and not (self.posyandu_id and self.local_id):
            raise ValueError(_("give nik, or posyandu_id and local_id (her number in its "
                               "register)"))
        return self

    def identity(self) -> str:
        """As `PersonIn.identity_at` derives it."""
        return self.nik or numbered_at(str(self.posyandu_id), str(self.local_id))


class MergeIn(BaseModel):
    """Two records of one person: the duplicate's history goes to the person kept."""

    model_config = ConfigDict(extra="forbid")

    duplicate_id: str = Field(min_length=1, max_length=64,
                              description="The record merged into the person kept")
    reason: str = Field(min_length=3, max_length=500,
                        description="Why they are one person (her NIK mistyped on 12/3, …)")


class PersonsRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_ids: list[str] = Field(min_length=1, max_length=100)


class PersonOut(BaseModel):
    person_id: str
    name: str
    sex: Sex
    birth_date: date
    rt: str | None = None
    rw: str | None = None
    local_id: str | None = Field(default=None, description="Without a NIK: which of her "
                                 "mother's children (anak-2), or her number in the register "
                                 "of the posyandu that sees her (CDW-012)")
    merged_into: str | None = Field(default=None, description="Found to be one person with "
                                    "this one (`POST /persons/{id}/merge`): read her there")


class RegisteredPerson(PersonOut):
    """One of the people a posyandu should see (household data collection)."""

    pregnant: bool
    noted_on: date = Field(description="The day of the data collection")
    last_screened_on: date | None = Field(description="None: never screened")


class GrowthPoint(BaseModel):
    screening_id: str
    screened_on: date
    age_months: int
    weight_kg: float | None = None
    height_cm: float | None = None
    head_circumference_cm: float | None = None
    waz: float | None = None
    haz: float | None = None
    whz: float | None = None
    hcz: float | None = Field(default=None, description="Head circumference-for-age z")


class RowProblem(BaseModel):
    line: int
    detail: list[dict[str, Any]]
    screened_on: date | None = Field(default=None, description="In a register by month (a "
                                     "row, a visit a month) or a Kohort Ibu by contact (K1 "
                                     "… K6): which visit of the row")


class ImportReport(BaseModel):
    accepted: int
    duplicates: int
    amended: int = Field(default=0, description="Rows changed since they were taken (the "
                         "register corrected and sent again): their screenings amended")
    empty: int = Field(default=0, description="Rows naming a person with nothing recorded – "
                       "a class list's pupil given no dose, a child not weighed that day –: "
                       "passed over")
    rejected: list[RowProblem]
    columns_not_read: list[str] = Field(
        default_factory=list, description="Columns the register keeps for other programmes "
        "(Vitamin A, obat cacing, ASI eksklusif, BB lahir, TFU, …), read past: not recorded "
        "here")


class BirthImportReport(BaseModel):
    accepted: int
    duplicates: int
    amended: int = Field(default=0, description="Rows changed since they were sent (the "
                         "sheet corrected and sent again): their births amended")
    not_delivered: int = Field(default=0, description="Rows without a day of delivery – a "
                               "Kohort Ibu's women still pregnant –: passed over")
    rejected: list[RowProblem]
    columns_not_read: list[str] = Field(
        default_factory=list, description="The sheet's columns a birth does not hold (a "
        "Kohort Ibu's ANC contacts, the helper, KF visits), read past")


class AuditEntry(BaseModel):
    at: str
    subject: str
    roles: list[str]
    action: str
    person_id: str


ExportStatus = Literal["pending", "exported", "failed", "awaiting_nik"]


class FhirExport(BaseModel):
    screening_id: str
    status: ExportStatus = Field(description="awaiting_nik: of a person known by neither her "
                                 "NIK nor her mother's, sent once hers is linked")
    kind: str = Field(description="Which version: ScreeningRecorded, …Amended, …Voided")
    next_at: str
    attempts: list[dict[str, Any]]


class SyncItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    idempotency_key: str = Field(min_length=8, max_length=128,
                                 description="Made by the app when the screening was taken; "
                                 "the same key as a single POST's Idempotency-Key")
    screening: ScreeningSubmission


class SyncBatch(BaseModel):
    """What a kader app collected offline at a posyandu session, sent in one request."""

    model_config = ConfigDict(extra="forbid")

    # Each is validated on its own (in the handler): one mistyped NIK is that screening's
    # refusal, not the whole session's.
    screenings: list[SkipValidation[SyncItem]] = Field(min_length=1, max_length=500)


class SyncResult(BaseModel):
    index: int
    idempotency_key: str
    status: Literal["created", "duplicate", "rejected"]
    screening_id: str | None = None
    screening: ScreeningOut | None = Field(
        default=None, description="As stored, with its findings, so the app can show the "
        "kader what each child or adult needs without asking again")
    detail: list[dict[str, Any]] | None = None


class SyncReport(BaseModel):
    created: int
    duplicates: int
    rejected: int
    results: list[SyncResult]


class HouseholdResult(BaseModel):
    index: int
    status: Literal["registered", "unchanged", "rejected"]
    person_id: str | None = None
    detail: list[dict[str, Any]] | None = None


class HouseholdReport(BaseModel):
    registered: int
    unchanged: int
    rejected: int
    results: list[HouseholdResult]


class HouseholdImportReport(BaseModel):
    registered: int
    unchanged: int
    rejected: list[dict[str, Any]] = Field(description="Each refused line with its reasons")
    columns_not_read: list[str] = Field(
        default_factory=list, description="Columns read past: civil registration (agama, "
        "pekerjaan, …) and other programmes', not recorded here")


class SubmissionOut(BaseModel):
    """What became of a submission, by its key."""

    idempotency_key: str
    source_system: str | None
    screening_id: str | None = Field(description="The screening it recorded")
    birth_id: str | None = Field(default=None, description="Or the birth it recorded")
    treatment_id: str | None = Field(default=None,
                                     description="Or the TB treatment it recorded")
    status: Literal["active", "voided", "on_treatment", "ended"]


class TbTreatmentOut(BaseModel):
    treatment_id: str
    person_id: str
    started_on: date
    planned_end_on: date
    regimen_months: int
    household_contacts: int | None
    desa_code: str
    posyandu_id: str
    rw: str | None
    rt: str | None
    status: Literal["on_treatment", "ended", "voided"]
    ended_on: date | None = None
    outcome: TbOutcome | None = None
    void_reason: str | None = None
    recorded_at: datetime
