"""Request and response bodies of the registry API (and the rows of a bulk import)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from ilp_contracts.registry import (
    AreaLevel,
    FacilityType,
    LocalUnitKind,
    RolloutStatus,
    TargetGroup,
    WorkerRole,
)
from ilp_contracts.text import _, refusal
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

_ID = r"^[A-Za-z0-9._:-]+$"
_PHONE_MARKS = re.compile(r"[\s().-]")
_MORE_NUMBERS = re.compile(r"\s*(?:[/,;]|\batau\b|\bdan\b)\s*", re.IGNORECASE)


def _e164(value: object) -> object:
    """A phone number as a worker list writes it – 0812-3456-7890, +62 812 3456 7890,
    62812…, or 812… whose leading 0 a spreadsheet dropped – as +62812…, the form SMS and
    WhatsApp gateways take; of two in a cell, the first."""
    if not isinstance(value, str):
        return value
    # two numbers in one cell ("0812… / 0813…"): the first, the one lists put first
    digits = _PHONE_MARKS.sub("", _MORE_NUMBERS.split(value.strip())[0])
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62") or (digits.startswith("8") and 9 <= len(digits) <= 12):
        digits = "+" + (digits if digits.startswith("62") else "62" + digits)
    if not re.fullmatch(r"\+[1-9][0-9]{7,14}", digits):
        raise refusal("phone_format", _("a phone number as +6281234567890 or 081234567890, "
                                        "not '{value}'", value=value))
    return digits


Phone = Annotated[str, BeforeValidator(_e164),
                  WithJsonSchema({"type": "string", "pattern": r"^\+?[0-9 ().-]{8,20}$",
                                  "examples": ["+6281234567890", "0812-3456-7890"]})]


# Facility types, worker roles and sasaran groups as Dinkes lists write them: any case,
# and the usual longer names. Posbindu is one with the posyandu in ILP (DOMAIN.md).
WORDS = {
    "puskesmas pembantu": "pustu", "posyandu ilp": "posyandu", "posbindu": "posyandu",
    "posbindu ptm": "posyandu", "posyandu lansia": "posyandu", "posyandu remaja": "posyandu",
    "bidan desa": "bidan", "bidan koordinator": "bidan", "perawat desa": "perawat",
    "kader posyandu": "kader", "kader kesehatan": "kader", "dokter umum": "dokter",
    "tenaga gizi": "gizi", "nutrisionis": "gizi", "ahli gizi": "gizi",
    "tenaga sanitasi": "sanitarian", "kesling": "sanitarian",
    # sasaran groups as Pusdatin and Dinkes tables name them
    "ibu hamil": "ibu_hamil", "bumil": "ibu_hamil", "usia 15+": "usia_15_plus",
    "usia 15 tahun ke atas": "usia_15_plus", "usia ≥ 15": "usia_15_plus",
    "usia >= 15": "usia_15_plus", "usia 15 plus": "usia_15_plus", "rematri": "remaja_putri",
    "remaja putri": "remaja_putri",
    **dict.fromkeys(("ibu bersalin", "bulin", "sasaran ibu bersalin", "jumlah ibu bersalin"),
                    "ibu_bersalin"),
    **dict.fromkeys(("ibu nifas", "bufas", "sasaran ibu nifas", "jumlah ibu nifas"),
                    "ibu_nifas"),
    **dict.fromkeys(("lahir hidup", "lh", "jumlah lahir hidup", "bayi lahir hidup",
                     "bayi baru lahir", "bbl"), "lahir_hidup"),
    **dict.fromkeys(("anak balita", *(f"balita {age}" for age in (
        "12-59 bulan", "12–59 bulan", "12-59 bln", "usia 12-59 bulan", "1-4 tahun"))),
                    "anak_balita"),
    **dict.fromkeys(("usia pendidikan dasar", "anak usia pendidikan dasar", "usia dikdas",
                     "siswa kelas 1-9", "siswa kelas 1–9", "siswa sd dan smp"),
                    "usia_pendidikan_dasar"),
    **dict.fromkeys(("usia produktif", "usia 15-59", "usia 15–59", "usia 15-59 tahun",
                     "usia 15–59 tahun", "penduduk usia produktif"), "usia_produktif"),
    **dict.fromkeys((f"{what}{condition}" for what in ("", "penderita ", "estimasi penderita ")
                     for condition in ("hipertensi", "ht")), "penderita_hipertensi"),
    **dict.fromkeys((f"{what}{condition}" for what in ("", "penderita ", "estimasi penderita ")
                     for condition in ("dm", "diabetes melitus", "diabetes mellitus",
                                       "diabetes")), "penderita_dm"),
    # ILP rollout stages as Dinkes reports say them ("4 puskesmas sudah launching")
    "launching": "launched", "sudah launching": "launched", "launch": "launched",
    "peluncuran": "launched", "sudah peluncuran": "launched", "sudah ilp": "launched",
    "kick off": "kick_off", "kick-off": "kick_off", "kickoff": "kick_off",
    "sudah kick off": "kick_off", "sudah sosialisasi": "sosialisasi",
    "belum ilp": "belum", "belum sosialisasi": "belum",
    # preparing – advocacy and sosialisasi – before the kick-off (Juknis ILP's persiapan)
    "persiapan": "sosialisasi", "tahap persiapan": "sosialisasi",
    # a Status ILP column of yes and no: "Sudah" is ILP running, "Belum" not yet
    "sudah": "launched", "implementasi": "launched", "sudah implementasi": "launched"}


def known_word(value: object) -> object:
    """A type, role or group in the platform's word ("Bidan Desa" → bidan, "Ibu Hamil" →
    ibu_hamil); others as they are, lower-cased, for the validation to refuse with the
    words it knows."""
    if not isinstance(value, str):
        return value
    said = " ".join(value.split()).lower()
    return WORDS.get(said, said)



class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AreaIn(_Body):
    code: str = Field(examples=["33.73.04.1001"], description="Kemendagri code, dotted or not")
    name: str = Field(min_length=1, max_length=200)


class AreaRename(_Body):
    name: str = Field(min_length=1, max_length=200)


class Area(BaseModel):
    code: str
    name: str
    level: AreaLevel
    parent_code: str | None
    kind: str | None = Field(default=None, description="kabupaten/kota, desa/kelurahan")


class LocalUnitIn(_Body):
    desa_code: str = Field(examples=["33.73.04.1001"])
    kind: LocalUnitKind
    name: str = Field(min_length=1, max_length=60, examples=["03"])
    parent_unit_id: str | None = Field(
        default=None, description="The dusun/RW an RT (or an RW) lies in",
        examples=["33.73.04.1001/rw:03"])


class LocalUnit(BaseModel):
    unit_id: str
    desa_code: str
    kind: LocalUnitKind
    name: str
    parent_unit_id: str | None = None


class FacilityIn(_Body):
    id: str | None = Field(default=None, max_length=64, pattern=_ID,
                           description="Opaque id (e.g. SATUSEHAT); derived from type, area "
                                       "and name if absent, so a re-import finds it again")
    type: Annotated[FacilityType, BeforeValidator(known_word)] = Field(
        description="Any case; Posbindu and Posyandu ILP are posyandu, Puskesmas Pembantu pustu")
    name: str = Field(min_length=1, max_length=200)
    area_code: str = Field(description="Kecamatan for a puskesmas; desa/kelurahan otherwise")
    rw: str | None = Field(default=None, max_length=40, description="RW/dusun of a posyandu")
    parent_facility_id: str | None = None
    working_area: list[str] = Field(default_factory=list, max_length=200,
                                    description="Puskesmas: desa/kelurahan codes it serves")
    rollout_status: Annotated[RolloutStatus | None, BeforeValidator(known_word)] = Field(
        default=None, description="Puskesmas: ILP rollout stage (Launching, Kick off, "
                                  "Sosialisasi in any case too)")
    rollout_date: date | None = None


class HistoryEntry(BaseModel):
    on: date
    change: str
    reason: str | None = None


class Facility(BaseModel):
    id: str
    type: FacilityType
    name: str
    area_code: str
    rw: str | None
    parent_facility_id: str | None
    working_area: list[str] = []
    active: bool = True
    rollout_status: RolloutStatus | None = None
    rollout_dates: dict[str, date] = {}
    history: list[HistoryEntry] = []


class Announced(BaseModel):
    announced: int = Field(description="Facilities announced again")


class AnnouncedAll(BaseModel):
    announced: dict[str, int] = Field(description="How many of each kind were announced "
                                      "again: areas, local_units, facilities, workers, "
                                      "targets")


class StatusChange(_Body):
    active: bool
    reason: str | None = Field(default=None, max_length=300)
    on: date | None = Field(default=None, description="Defaults to today")


class RolloutChange(_Body):
    status: Annotated[RolloutStatus, BeforeValidator(known_word)]
    on: date | None = Field(default=None, description="Defaults to today")


class RolloutSummaryOut(BaseModel):
    area_code: str
    puskesmas: int
    by_status: dict[str, int]
    text: str


class WorkerIn(_Body):
    id: str | None = Field(default=None, max_length=64, pattern=_ID)
    name: str = Field(min_length=1, max_length=200)
    role: Annotated[WorkerRole, BeforeValidator(known_word)] = Field(
        description="Any case; Bidan Desa is bidan, Tenaga Gizi gizi, Kesling sanitarian, …")
    facility_id: str
    email: str | None = Field(default=None, max_length=200,
                              pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                              description="For notices of new home-visit tasks")
    phone: Phone | None = Field(default=None, description="For SMS/WhatsApp notices: "
                                "+6281234567890, 0812-3456-7890 or 62812… (kept as +62…)")
    coverage: list[str] = Field(default_factory=list, max_length=500,
                                description="Kader: the RW/RT or dusun labels she covers. "
                                "A puskesmas's bidan or perawat: the desa codes she serves "
                                "as bidan desa")
    daily_digest: bool = Field(default=False, description="Task notices as one daily digest")


class Worker(BaseModel):
    id: str
    name: str
    role: WorkerRole
    facility_id: str
    area_code: str
    email: str | None = None
    phone: str | None = None
    coverage: list[str] = []
    daily_digest: bool = False
    active: bool = True


class PustuStaffing(BaseModel):
    facility_id: str
    name: str
    area_code: str
    staff: dict[str, int]
    missing: dict[str, int] = Field(description="Role → how many more are needed")


class TargetIn(_Body):
    area_code: str
    year: int = Field(ge=2000, le=2100)
    group: Annotated[TargetGroup, BeforeValidator(known_word)] = Field(
        description="Any case; Ibu Hamil/Bumil is ibu_hamil, Usia 15+ usia_15_plus")
    count: int = Field(ge=0, le=10_000_000)


class Target(BaseModel):
    area_code: str
    year: int
    group: TargetGroup
    count: int


class DesaGaps(BaseModel):
    """A desa and what it still lacks: sasaran groups, or parts of the ILP network."""

    area_code: str
    area_name: str
    missing: list[str]
