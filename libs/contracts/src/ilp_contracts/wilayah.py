"""Kemendagri administrative codes (Permendagri 137/2017 and successors).

`PP.KK.CC.DDDD`: province, kabupaten (01–69) or kota (71–99), kecamatan, and the
village part, which starts with 1 for a kelurahan and 2 for a desa. SATUSEHAT writes the
same codes without dots; both forms are accepted and the dotted form is canonical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from .text import _

# Indonesia's three time zones (Keppres 41/1987; no daylight saving, so fixed offsets).
# A place's dates – a task's due day, the month it counts in, a worker's digest hour – are
# its own local dates: a Jayapura task due "Friday 23:59" is due at 23:59 WIT.
WIB = timezone(timedelta(hours=7), "WIB")
WITA = timezone(timedelta(hours=8), "WITA")
WIT = timezone(timedelta(hours=9), "WIT")
ZONES = (WIB, WITA, WIT)  # west to east
# By province code. Bali, Nusa Tenggara, South/East Kalimantan and Sulawesi are WITA;
# Maluku and Papua WIT; the rest WIB. Provinces formed since 1987 keep the zone of the
# province they were split from (Kaltara 65 from Kaltim; Sulbar 76 from Sulsel; Malut 82
# from Maluku; Papua Barat 92 and the Papua provinces of 2022, 93–96, from Papua).
_PROVINCE_ZONE = {**dict.fromkeys(("51", "52", "53", "63", "64", "65",
                                   "71", "72", "73", "74", "75", "76"), WITA),
                  **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96"), WIT)}


def local_zone(code: str | None) -> timezone:
    """The time zone of an area, by its Kemendagri code at any level (dotted or plain);
    WIB when the code is unknown."""
    return _PROVINCE_ZONE.get((code or "")[:2], WIB)


def local_date(moment: datetime, code: str | None) -> date:
    """The calendar day `moment` falls on in the area."""
    return moment.astimezone(local_zone(code)).date()

Level = Literal["province", "regency", "district", "village"]
LEVELS: tuple[Level, ...] = ("province", "regency", "district", "village")
_SEGMENT_WIDTHS = (2, 2, 2, 4)
_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_PLAIN = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{10})$")


class InvalidAreaCode(ValueError):
    pass


@dataclass(frozen=True)
class AreaCode:
    code: str  # canonical, dotted

    @property
    def segments(self) -> list[str]:
        return self.code.split(".")

    @property
    def level(self) -> Level:
        return LEVELS[len(self.segments) - 1]

    @property
    def parent(self) -> str | None:
        segments = self.segments
        return ".".join(segments[:-1]) if len(segments) > 1 else None

    @property
    def village_kind(self) -> Literal["kelurahan", "desa"] | None:
        if self.level != "village":
            return None
        return "kelurahan" if self.segments[3][0] == "1" else "desa"

    @property
    def regency_kind(self) -> Literal["kabupaten", "kota"] | None:
        if self.level != "regency":  # a kecamatan of a kota is a kecamatan, not a kota
            return None
        return "kota" if int(self.segments[1]) >= 71 else "kabupaten"


def parse_area_code(raw: str) -> AreaCode:
    """Validate a code in dotted or plain form and return its canonical dotted form."""
    text = raw.strip()
    if _PLAIN.match(text):
        segments, start = [], 0
        for width in _SEGMENT_WIDTHS:
            if start >= len(text):
                break
            segments.append(text[start:start + width])
            start += width
        text = ".".join(segments)
    elif not _DOTTED.match(text):
        raise InvalidAreaCode(_("{raw!r} is not a Kemendagri code (PP, PP.KK, PP.KK.CC or "
                                "PP.KK.CC.DDDD)", raw=raw))
    segments = text.split(".")
    if not 11 <= int(segments[0]) <= 99:
        raise InvalidAreaCode(_("province code {code} is out of range 11–99",
                                code=segments[0]))
    if len(segments) > 1:
        regency = int(segments[1])
        if not (1 <= regency <= 69 or 71 <= regency <= 99):
            raise InvalidAreaCode(_("kabupaten/kota code {code} must be 01–69 (kabupaten) or "
                                    "71–99 (kota)", code=segments[1]))
    if len(segments) > 2 and int(segments[2]) == 0:
        raise InvalidAreaCode(_("kecamatan code 00 does not exist"))
    if len(segments) > 3 and segments[3][0] not in "12":
        raise InvalidAreaCode(_("village code {code} must start with 1 (kelurahan) or 2 "
                                "(desa)", code=segments[3]))
    return AreaCode(text)


def local_unit_number(label: str | None, unit: Literal["rw", "rt"]) -> int | None:
    """The number of an RW or RT as registers and apps write it – "RW 04", "rw.4", "04"
    and "4" are 4 –; None for a label without one (a dusun's name)."""
    match = _LOCAL_UNIT[unit].fullmatch((label or "").strip().lower())
    return int(match.group(1)) if match else None


_LOCAL_UNIT = {unit: re.compile(rf"(?:{unit}\.?\s*)?0*(\d+)") for unit in ("rw", "rt")}


def home_unit(person_label: str | None, posyandu_label: str | None) -> str | None:
    """Where a person lives below the desa (RW or dusun): her own label, else the
    posyandu's when it names one place ("RW 03", "Dusun Krajan") – not when it lists or
    spans several ("RW 02, 06, 10", "RW 01-03"): then it is not known, and a kader's
    coverage, the person lists and SATUSEHAT's address get no RW rather than a wrong one."""
    if person_label:
        return person_label
    if posyandu_label and not _SEVERAL.search(posyandu_label):
        return posyandu_label
    return None


_SEVERAL = re.compile(r"[,;&/+]|\bdan\b|\d\s*(?:-|–|s/?d|sampai)", re.IGNORECASE)
