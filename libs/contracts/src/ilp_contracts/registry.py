"""Events published by the registry service (master data)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar, Literal

from pydantic import Field

from .envelope import Event

AreaLevel = Literal["province", "regency", "district", "village"]
FacilityType = Literal["puskesmas", "pustu", "posyandu"]
WorkerRole = Literal["kader", "bidan", "perawat", "dokter", "gizi", "sanitarian", "other"]
# remaja: 10–18 (Permenkes 25/2014); remaja_putri: its girls, the iron tablets' sasaran;
# ibu_nifas: the PWS KIA's mothers after delivery ("Bufas"), the KF visits' sasaran;
# lahir_hidup: the live births ("LH"), the newborns the KN visits and the SPM's are for;
# the SPM's (Permenkes 4/2019): ibu_bersalin (a Data Sasaran's "Bulin"), anak_balita
# 12–59 months (the balita without the bayi),
# usia_pendidikan_dasar 7–15 (grades 1–9), usia_produktif 15–59, and the estimated
# penderita hipertensi and penderita DM from 15 it gives for its two services.
TargetGroup = Literal["balita", "bayi", "ibu_hamil", "usia_15_plus", "lansia", "remaja",
                      "remaja_putri", "ibu_bersalin", "ibu_nifas", "lahir_hidup", "anak_balita",
                      "usia_pendidikan_dasar", "usia_produktif", "penderita_hipertensi",
                      "penderita_dm"]
# Groups a Dinkes may keep or not: a desa without one lacks it only where the Dinkes keeps
# it for others (the shipped PWS counts the remaja putri's iron tablets among the girls
# seen; the SPM's are for a Dinkes that reports the SPM from its Data Sasaran).
OPTIONAL_GROUPS = frozenset({"remaja_putri", "ibu_bersalin", "ibu_nifas", "lahir_hidup",
                             "anak_balita", "usia_pendidikan_dasar", "usia_produktif",
                             "penderita_hipertensi", "penderita_dm"})
# A group a Data Sasaran may give only as its parts: 15+ is the SPM's 15–59 and the 60+.
SUMMED_GROUPS: dict[str, tuple[str, ...]] = {"usia_15_plus": ("usia_produktif", "lansia")}
# A group the sasaran give as the rest of a wider one: the anak balita are the balita (0–59
# months) who are no longer bayi (0–11).
REST_GROUPS: dict[str, tuple[str, str]] = {"anak_balita": ("balita", "bayi")}
# A group the sasaran may give as another: the mothers after delivery are those who
# deliver, else (as before the group was kept) one a baby; the live births, the bayi.
STANDING_IN: dict[str, tuple[str, ...]] = {"ibu_nifas": ("ibu_bersalin", "bayi"),
                                           "lahir_hidup": ("bayi",)}


def with_derived(counts: Mapping[str, int]) -> dict[str, int]:
    """An area's sasaran by group, with a group its parts sum to, the rest of a wider
    group, or the first group standing in for it, where it sets none."""
    summed = {group: sum(counts[part] for part in parts)
              for group, parts in SUMMED_GROUPS.items() if all(p in counts for p in parts)}
    rest = {group: counts[wider] - counts[part]
            for group, (wider, part) in REST_GROUPS.items()
            if wider in counts and part in counts and counts[wider] >= counts[part]}
    standing = {group: counts[first] for group, others in STANDING_IN.items()
                if (first := next((g for g in others if g in counts), None)) is not None}
    return {**summed, **rest, **standing, **counts}


LocalUnitKind = Literal["dusun", "rw", "rt"]
# ILP rollout per puskesmas, in order (DOMAIN.md: sosialisasi → kick-off → launched).
RolloutStatus = Literal["belum", "sosialisasi", "kick_off", "launched"]

# "Posyandu ILP Mawar" is Mawar; "UPTD Puskesmas Sidorejo" – the puskesmas as a unit of
# the Dinkes – is Puskesmas Sidorejo.
_PLACE_WORD = re.compile(r"^(uptd?\.?\s+)?((posyandu|pos)\b\.?\s*(ilp\b\s*)?)?")
# NTT's and Maluku's names keep a glottal stop (Oe'ekam, Ta'ebone): written with any
# apostrophe – a spreadsheet turns ' into ’ – or none at all.
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")


def name_key(name: str) -> str:
    """A name as lists differ in writing it: in any case and spacing, with or without
    its apostrophes."""
    return " ".join(_APOSTROPHES.sub("", name).lower().split())


def place_name_key(name: str) -> str:
    """A facility's name as a sheet may write it: "Posyandu Mawar 3", "POSYANDU  MAWAR
    3", "Posyandu ILP Mawar 3" and "Mawar 3" are one, as are "UPT Puskesmas Sidorejo"
    and "Puskesmas Sidorejo" (a pustu keeps its word: "Pustu Blotongan" is not the
    desa's Posyandu Blotongan)."""
    return _PLACE_WORD.sub("", name_key(name))


# What a province calls its desa and kecamatan: Papua's kampung and distrik, Aceh's
# gampong, Sumatera Barat's nagari, DIY's kalurahan and kapanewon (kemantren in the
# city), Lampung's pekon, Toraja's lembang, Maluku's negeri – each a desa or kecamatan
# in the Kemendagri code. (Java's kampung is a hamlet within a desa: importer.py.)
DESA_WORDS = ("desa", "kelurahan", "kampung", "gampong", "nagari", "kalurahan", "pekon",
              "lembang", "negeri")
KECAMATAN_WORDS = ("kecamatan", "distrik", "kapanewon", "kemantren")
_LEVEL_WORDS = re.compile(
    rf"^({'|'.join((*DESA_WORDS, *KECAMATAN_WORDS, 'kel', 'ds', 'kp', 'kec'))})\b\.?\s*")


def area_name_key(name: str) -> str:
    """A wilayah's name as lists differ in writing it: "Desa Rarang", "RARANG", "Kec.
    Sakra" and "Sakra" alike, "Kampung Koya Koso" and "Koya Koso", "OE'EKAM", "Oe’ekam"
    and "Oeekam"."""
    return _LEVEL_WORDS.sub("", name_key(name))


# Java's kampung ("Kp. Babakan") is a desa's hamlet too; Papua's is the desa itself, named
# by its code, never here.
_DUSUN_WORD = re.compile(
    r"^(?:(?:dusun|dukuh|padukuhan|lingkungan|banjar|jorong|korong|kampung)\b"
    r"|(?:dsn|ling|kp)\b\.?)\s*")


# A list's column naming the dusun (a register's person's, a facility list's posyandu's).
# (DIY's padukuhan, Sumatera Barat's jorong and korong are its dusun.)
DUSUN_COLUMNS = ("dusun", "nama_dusun", "dsn", "dukuh", "lingkungan", "banjar",
                 "dusun/lingkungan", "padukuhan", "jorong", "korong")


def dusun_name(label: str | None) -> str | None:
    """A place by name where a desa has dusun instead of numbered RWs – "Dusun Krajan",
    "Dsn. Krajan", "DUKUH KRAJAN", "Kp. Krajan" – as one key ("krajan"); None for a
    label that does not say it is a dusun ("Krajan", "RW 03")."""
    said = name_key(label or "")
    return _DUSUN_WORD.sub("", said) if _DUSUN_WORD.match(said) else None


def as_dusun(label: str) -> str:
    """What a `Dusun` column names, said as a dusun: "1" there is Dusun 1, not RW 1."""
    label = " ".join(label.split())
    return label if dusun_name(label) is not None else f"Dusun {label}"


class AreaUpserted(Event):
    SUBJECT: ClassVar[str] = "ilp.registry.area.upserted.v1"
    ABOUT: ClassVar[str | None] = "code"

    code: str = Field(description="Canonical Kemendagri code with dots, e.g. 33.73.04.1001")
    name: str
    level: AreaLevel
    parent_code: str | None = None


class FacilityUpserted(Event):
    SUBJECT: ClassVar[str] = "ilp.registry.facility.upserted.v1"
    ABOUT: ClassVar[str | None] = "facility_id"

    facility_id: str
    type: FacilityType
    name: str
    area_code: str = Field(description="The desa/kelurahan (pustu, posyandu) or kecamatan code")
    area_name: str | None = Field(default=None, description="That area's name, for a list "
                                  "that tells same-named posyandu apart by their desa")
    rw: str | None = Field(default=None, description="RW/dusun a posyandu serves (local label)")
    parent_facility_id: str | None = None
    working_area: list[str] = Field(default_factory=list,
                                    description="Puskesmas: the desa/kelurahan it serves")
    active: bool = True
    rollout_status: RolloutStatus | None = Field(
        default=None, description="Puskesmas only: ILP rollout stage")


class LocalUnitUpserted(Event):
    """Dusun/RW/RT: local units under a desa/kelurahan (no national code exists)."""

    SUBJECT: ClassVar[str] = "ilp.registry.local_unit.upserted.v1"
    ABOUT: ClassVar[str | None] = "unit_id"

    unit_id: str = Field(description="desa code + path of labels, e.g. 33.73.04.1001/RW 03/RT 02")
    desa_code: str
    kind: LocalUnitKind
    name: str
    parent_unit_id: str | None = None


class WorkerAssigned(Event):
    SUBJECT: ClassVar[str] = "ilp.registry.worker.assigned.v1"
    ABOUT: ClassVar[str | None] = "worker_id"

    worker_id: str
    name: str
    role: WorkerRole
    facility_id: str
    area_code: str = Field(description="Desa/kelurahan of the facility the worker serves")
    email: str | None = Field(default=None, description="Where task notices are e-mailed")
    phone: str | None = Field(default=None, description="For SMS/WhatsApp task notices")
    coverage: list[str] = Field(default_factory=list,
                                description="Kader: RW/dusun labels or household ids covered")
    daily_digest: bool = Field(default=False,
                               description="One message a day with all open tasks instead "
                                           "of one per task")
    active: bool = Field(default=True, description="False when the worker left the facility")


class TargetSet(Event):
    SUBJECT: ClassVar[str] = "ilp.registry.target.set.v1"
    ABOUT: ClassVar[str | None] = "area_code"

    area_code: str
    year: int
    group: TargetGroup
    count: int = Field(ge=0)
