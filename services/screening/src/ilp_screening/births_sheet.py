"""Deliveries from a bidan's sheet – a Register Persalinan, or the delivery columns of her
Kohort Ibu (*Tgl Persalinan*, *Tempat Persalinan*, *JK Bayi*, *BB Lahir*) – as births: the
mother, the newborn, where she delivered and what the baby weighed. A row with no day of
delivery is a woman still pregnant, passed over; every column a birth does not hold (her
ANC contacts, the helper, KF visits) is read past and named."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from ilp_contracts.registry import place_name_key
from ilp_contracts.screening import POSTNATAL_WINDOWS, BirthSubmission
from ilp_contracts.text import _
from ilp_kit.errors import explained
from ilp_kit.spreadsheet import blank, csv_rows, iso_day, written_columns, written_day
from pydantic import ValidationError

from .domain.person import nik_birth
from .register import NO_WORDS, YES_WORDS, Places, place_named, ungrouped
from .register_columns import ALIASES, NIFAS_VITAMIN_A, NOT_READ

VISIT = "visit:"  # a postnatal visit's column: "visit:KF1"
# The columns a birth is read from, by the names sheets give them (one a Kohort Ibu puts
# under "Persalinan" or "Bayi" too); each sheet's other columns are read past.
_NAMES = {
    "mother_nik": ("nik_ibu", "nik"),
    "mother_name": ("nama_ibu", "nama", "nama_ibu_hamil", "nama_bumil", "nama_ibu_bersalin"),
    "mother_birth_date": ("tgl_lahir_ibu", "tanggal_lahir_ibu", "tgl_lahir", "tanggal_lahir"),
    "born_on": ("tgl_persalinan", "tanggal_persalinan", "tgl_bersalin", "tanggal_bersalin",
                "persalinan_tanggal", "persalinan_tgl", "tgl_lahir_bayi",
                "tanggal_lahir_bayi", "bayi_tgl_lahir"),
    "baby_sex": ("jk_bayi", "jenis_kelamin_bayi", "l/p_bayi", "bayi_jk", "bayi_l/p",
                 "persalinan_jk_bayi", "jk", "l/p", "jenis_kelamin"),
    "baby_name": ("nama_bayi", "bayi_nama"),
    "baby_nik": ("nik_bayi", "bayi_nik"),
    "birth_weight": ("bb_lahir", "berat_lahir", "bb_bayi", "bb_lahir_bayi", "bayi_bb",
                     "persalinan_bb_lahir", "persalinan_bb_bayi"),
    "place": ("tempat_persalinan", "persalinan_tempat", "tempat_bersalin"),
    "mother_vitamin_a": NIFAS_VITAMIN_A,
    "birth_order": ("anak_ke", "anak_ke-", "bayi_anak_ke"),
    "posyandu_id": ("id_posyandu", "kode_posyandu", "posyandu_id"),
    "posyandu_name": ("posyandu", "nama_posyandu"),
    "rt": ("rt",), "rw": ("rw",),
    # the postnatal visits made, each's day: KF1 … (under "Nifas"), KN1 … (under "Neonatal")
    **{f"{VISIT}{code}": tuple(
        f"{group}{code.lower()[:2]}{gap}{code[2]}"
        for group in ("", "tgl_", "tanggal_", *(f"{word}_" for word in (
            ("nifas", "kunjungan_nifas") if code.startswith("KF") else
            ("neonatal", "kunjungan_neonatal", "bayi", "kunjungan_bayi"))))
        for gap in ("", "_", "-"))
       for code in POSTNATAL_WINDOWS},
}
_COLUMN = {name: field for field, names in _NAMES.items() for name in names}
# Where she delivered, as sheets write it: a health facility of any kind (the SPM's
# persalinan di fasyankes), her home, else elsewhere.
_FACILITY = re.compile(r"\b(puskesmas|pkm|pustu|polindes|poskesdes|rs|rsu|rsud|rsia|rumah "
                       r"sakit|klinik|pmb|bpm|praktik|praktek|bidan|rb|rumah bersalin|"
                       r"faskes|fasyankes)\b")
_HOME = re.compile(r"^(di ?)?rumah( sendiri| ibu| keluarga)?$")
_GRAMS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(g|gr|gram|kg)?$", re.IGNORECASE)
_DIGIT_GROUPS = re.compile(r"(?<=\d)\s+(?=\d)")
# A mother's vitamin A written as what she was given: "2", "2 kapsul", "merah" (200,000 IU)
_RED_CAPSULES = re.compile(r"(?:[12] ?)?(?:kapsul|kaps|kps)? ?(?:merah)?")

Row = tuple[int, BirthSubmission | None, list[Any]]


# What a register drops says nothing of a birth either (the running number, notes, the
# address): dropped, not named as read past.
_DROPPED = frozenset(name for name, field in ALIASES.items() if not field)


def column(name: str) -> str:
    return "" if name in _DROPPED else _COLUMN.get(name, NOT_READ + name)


def columns_not_read(text: str) -> list[str]:
    """The sheet's columns a birth does not hold, as it writes them."""
    return [said for name, said in written_columns(text, column, _COLUMN.values()).items()
            if name.startswith(NOT_READ)]


def parse_births(text: str, posyandu_id: str | None, places: Places, today: date
                 ) -> Iterator[Row | int]:
    """(line, birth or None, problems) per row with a day of delivery; the line number
    alone of a row without one (still pregnant – a Kohort Ibu's row –, or empty)."""
    reader = csv_rows(text, column, _COLUMN.values())
    # A Kohort Bayi's "Tgl Lahir" beside the baby's name or sex is the baby's: the day of
    # delivery (a Kohort Ibu's, beside Tgl Persalinan, is the mother's).
    babys = "born_on" not in (names := reader.fieldnames or ()) and bool(
        {"baby_name", "baby_sex"} & set(names))
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items()
                 if k in _NAMES and not blank(v or "")}
        if babys and "mother_birth_date" in cells:
            cells["born_on"] = cells.pop("mother_birth_date")
        if "born_on" in cells:
            yield _birth(reader.line_num, cells, posyandu_id, places, today)
        elif any(cells.values()):
            yield reader.line_num


def _birth(line: int, cells: dict[str, str], posyandu_id: str | None, places: Places,
           today: date) -> Row:
    place_id: object = cells.get("posyandu_id") or posyandu_id or ""
    if "posyandu_id" not in cells and (name := cells.get("posyandu_name")):
        found = place_named(name, places)
        if isinstance(found, dict):
            return line, None, [found]
        place_id = found
    if not place_id:
        return line, None, [{"type": "missing", "loc": ["column", "posyandu_name"], "msg": _(
            "which posyandu: choose it for the whole file (--posyandu), or give each row's "
            "in an 'ID Posyandu' or 'Posyandu' column")}]
    mother: dict[str, Any] = {"name": cells.get("mother_name", ""), "sex": "F",
                              "rt": cells.get("rt"), "rw": cells.get("rw")}
    if nik := ungrouped(cells.get("mother_nik", "")):
        mother["nik"] = nik
    if written := cells.get("mother_birth_date"):
        mother["birth_date"] = iso_day(written)
    elif nik and (from_nik := nik_birth(nik, today)):
        mother["birth_date"] = from_nik[0].isoformat()
    born_on = iso_day(cells["born_on"])
    baby = {"name": cells.get("baby_name") or f"Bayi Ny. {mother['name']}".strip(),
            "sex": cells.get("baby_sex", ""), "birth_date": born_on,
            **({"nik": cells["baby_nik"]} if "baby_nik" in cells else {}),
            **({"local_id": f"anak-{cells['birth_order']}"} if "birth_order" in cells else {})}
    if not baby["sex"]:
        return line, None, [{"type": "missing", "loc": ["column", "baby_sex"], "msg": _(
            "the baby's sex (JK Bayi: L or P) is needed to record the birth")}]
    try:
        return line, BirthSubmission.model_validate({
            "mother": {k: v for k, v in mother.items() if v is not None}, "baby": baby,
            "posyandu_id": place_id, "birth_weight_g": _grams(cells.get("birth_weight")),
            "place": _place(cells.get("place")),
            "mother_vitamin_a": _capsules_given(cells.get("mother_vitamin_a")),
            "postnatal_visits": _visits_made(cells, born_on)}), []
    except ValidationError as exc:
        return line, None, explained(exc.errors(include_url=False, include_input=False), None)


# A birth's field by the sheet's column it was read from.
_READ_AS: dict[tuple[str, ...], str] = {
    ("mother", "nik"): "mother_nik", ("mother", "name"): "mother_name",
    ("mother", "birth_date"): "mother_birth_date", ("baby", "birth_date"): "born_on",
    ("baby", "sex"): "baby_sex", ("baby", "name"): "baby_name",
    ("baby", "nik"): "baby_nik", ("baby", "local_id"): "birth_order",
    ("birth_weight_g",): "birth_weight", ("place",): "place",
    ("mother_vitamin_a",): "mother_vitamin_a",
    **{("postnatal_visits", code): f"{VISIT}{code}" for code in POSTNATAL_WINDOWS}}


def in_the_sheets_words(rejected: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Refused rows whose problems name the column as the sheet writes it."""
    written = written_columns(text, column, _COLUMN.values())

    def named(problem: dict[str, Any]) -> dict[str, Any]:
        loc = tuple(part for part in problem.get("loc", ()) if isinstance(part, str))
        field = _READ_AS.get(loc[-2:], _READ_AS.get(loc[-1:], loc[-1] if loc else ""))
        return {**problem, "column": written[field]} if field in written else problem
    return [{**row, "detail": [named(problem) for problem in row["detail"]]}
            for row in rejected]


def posyandu_names(text: str) -> set[str]:
    """The keys of the posyandu the sheet names by name (`places_named`)."""
    return {place_name_key(row["posyandu_name"])
            for row in csv_rows(text, column, _COLUMN.values())
            if (row.get("posyandu_name") or "").strip()}


def _grams(written: str | None) -> object:
    """A birth weight in grams, as written in grams ("3200", "3.200 gr") or kilograms
    ("3,2", "3,2 kg"); anything else left for the validation to refuse."""
    if written is None:
        return None
    given = _GRAMS.match(_DIGIT_GROUPS.sub("", written))  # "3 200" is 3200
    if not given:
        return written
    number, unit = given.group(1), (given.group(2) or "").lower()
    if unit != "kg" and re.fullmatch(r"\d{1,2}\.\d{3}", number):  # 3.200: grouped grams
        number = number.replace(".", "")
    value = float(number.replace(",", "."))
    return round(value * 1000) if unit == "kg" or value < 10 else round(value)


def _capsules_given(written: str | None) -> object:
    """The mother's capsules: ticked, *ya*, dated or counted (*2 kapsul merah*) – given –,
    *tidak* not; anything else left for the validation to refuse."""
    if written is None:
        return None
    said = " ".join(written.lower().split())
    if said in YES_WORDS or written_day(written) or _RED_CAPSULES.fullmatch(said):
        return True
    return False if said in NO_WORDS else written


def _visits_made(cells: dict[str, str], born_on: str) -> dict[str, object]:
    """The postnatal visits the row shows made: each's day, or – ticked, its day not
    written – the first of its window (the month PWS counts it in); *tidak*, not made."""
    made: dict[str, object] = {}
    for code, (opens, _closes) in POSTNATAL_WINDOWS.items():
        written = cells.get(f"{VISIT}{code}")
        if written is None or written.lower() in NO_WORDS:
            continue
        if written.lower() in YES_WORDS and written_day(born_on):
            made[code] = (date.fromisoformat(born_on) + timedelta(days=opens)).isoformat()
        else:
            made[code] = iso_day(written)
    return made


def _place(written: str | None) -> str | None:
    if not written:
        return None
    said = " ".join(written.lower().replace(".", " ").split())
    if _HOME.match(said):
        return "rumah"
    return "fasyankes" if _FACILITY.search(said) else "lainnya"
