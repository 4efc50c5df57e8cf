"""Bulk import of master data (CSV or JSON): every row validated, every refused row
reported with its line number, accepted rows committed in chunks with their events.

Rows are applied in dependency order (provinces before their kabupaten, puskesmas before
their pustu and posyandu, dusun before RW before RT), so a file need not be sorted.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, cast, get_args

from ilp_kit.auth import OPEN, Principal
from ilp_contracts.registry import (DESA_WORDS, DUSUN_COLUMNS, KECAMATAN_WORDS, TargetGroup,
                                    as_dusun, place_name_key)
from ilp_contracts.text import _
from ilp_contracts.wilayah import InvalidAreaCode, parse_area_code
from ilp_kit.errors import PermanentError, explained, probably_meant
from ilp_kit.spreadsheet import (blank, csv_rows, header_name, header_of, iso_day,
                                  written_columns, year_named)
from ilp_kit.store import DocumentStore, Transaction
from ilp_kit.turns import LoopTurns
from pydantic import BaseModel, ValidationError

from . import commands
from .models import WORDS, AreaIn, FacilityIn, LocalUnitIn, TargetIn, WorkerIn, known_word
from .named_areas import (AREA_FIELD, DESA_NAME, KECAMATAN_NAME, NAMED, PUSKESMAS_NAME,
                          AreaNames, with_area_named)

Kind = Literal["areas", "local_units", "facilities", "workers", "targets"]
KINDS: tuple[Kind, ...] = ("areas", "local_units", "facilities", "workers", "targets")
MODELS: dict[str, type[BaseModel]] = {"areas": AreaIn, "local_units": LocalUnitIn,
                                      "facilities": FacilityIn, "workers": WorkerIn,
                                      "targets": TargetIn}
LIST_COLUMNS = {"working_area", "coverage"}  # "a;b;c" in a CSV cell
# A sasaran as a spreadsheet shows it, its thousands grouped: 1.234 (Indonesian), 1,234
# or 1 234 – a count has no fraction, so the dot is no decimal point.
GROUPED_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$")
DUSUN = "dusun"  # a posyandu's dusun, kept as its RW's label
# Papua's desa, but a hamlet within one in Java: which, the list's other columns say.
KAMPUNG = "kampung"
KAMPUNG_COLUMNS = (KAMPUNG, "nama_kampung", "kampung/kelurahan", "nama_kampung/kelurahan")
PUSKESMAS_COLUMNS = ("puskesmas", "nama_puskesmas", "puskesmas_induk")  # the list says which
PUSTU_COLUMNS = ("pustu", "nama_pustu")
# A facility or worker list's pustu and puskesmas columns: the facility's parent, or the
# worker's workplace – the first the row gives that is not the row itself.
PUSTU, PUSKESMAS = "pustu_of_row", "puskesmas_of_row"


def _or_kelurahan(word: str) -> tuple[str, ...]:
    """A desa's column as lists head it: "Desa", "Desa/Kelurahan", "Kelurahan/Desa"."""
    return word, f"{word}/kelurahan", f"kelurahan/{word}"


# A facility as lists name it: fasilitas (kesehatan), faskes, fasyankes.
FACILITY_WORDS = ("fasilitas", "faskes", "fasyankes")


# Headers of the wilayah lists in circulation (Kemendagri's `kode`/`nama`), and of the
# facility, worker and sasaran lists a Dinkes keeps in Indonesian.
ALIASES = {"kode": "code", "kode_wilayah": "code", "nama": "name", "nama_wilayah": "name",
           **dict.fromkeys(("jenis", "tipe", *(f"{what}_{facility}" for what in ("jenis", "tipe")
                                                for facility in FACILITY_WORDS)), "type"),
           **{f"kode_{word}": "area_code" for word in (*DESA_WORDS, *KECAMATAN_WORDS)},
           **{f"kode_{written}": "area_code" for word in DESA_WORDS
              for written in _or_kelurahan(word)},
           **dict.fromkeys(("induk", "fasilitas_induk"), "parent_facility_id"),
           "wilayah_kerja": "working_area",
           # where a posyandu is in a desa of dusun rather than numbered RWs
           **dict.fromkeys(DUSUN_COLUMNS, DUSUN),
           **dict.fromkeys(("status_ilp", "status_integrasi", "tahap_ilp"), "rollout_status"),
           **dict.fromkeys(("tanggal_ilp", "tanggal_status", "tanggal_status_ilp", "tgl_status",
                            "tanggal_launching", "tgl_launching"), "rollout_date"),
           **dict.fromkeys(("peran", "jabatan", "profesi"), "role"),
           **dict.fromkeys(("fasilitas", "tempat_tugas", "posyandu", "nama_posyandu",
                            "unit_kerja", "tempat_kerja"), "facility_id"),
           **dict.fromkeys(("nama_kader", "nama_petugas", "nama_nakes"), "name"),
           **dict.fromkeys(("no_hp", "nomor_hp", "hp", "telepon", "no_telepon", "no_telp",
                            "telp", "no_wa", "whatsapp"), "phone"),
           **dict.fromkeys(("cakupan", "wilayah_binaan"), "coverage"),
           # a worker's own number (a civil servant's NIP; a kader's number at the puskesmas)
           **dict.fromkeys(("nip", "nip/id", "id_petugas", "kode_petugas", "kode_kader"), "id"),
           "tahun": "year", **dict.fromkeys(("kelompok", "kelompok_sasaran", "sasaran"), "group"),
           **dict.fromkeys(("jumlah", "jumlah_sasaran"), "count"),
           # a wilayah by its name where a list gives no code (named_areas.py)
           **{name: DESA_NAME for word in DESA_WORDS if word != KAMPUNG
              for written in _or_kelurahan(word) for name in (written, f"nama_{written}")},
           **{name: KECAMATAN_NAME for word in (*KECAMATAN_WORDS, "kec")
              for name in (word, f"nama_{word}")},
           # a list's running number and notes say nothing about what it lists
           **dict.fromkeys(("no", "nomor", "no_urut", "keterangan", "catatan", "ket"), "")}
CHUNK_ROWS = 500
TYPO = 0.8  # how alike a column's name and a field's must be to be taken for a misspelling

Row = tuple[int, dict[str, Any]]  # (line or record number, fields)


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created_or_updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    # A spreadsheet's columns no field is (an address, coordinates, the head's name): read
    # past, each row still taken, and named here so nobody believes them kept.
    columns_not_read: list[str] = field(default_factory=list)
    # Rows taken without a contact detail nobody could read (a mistyped No. HP): the
    # worker is the Dinkes's all the same, and gets her visits; the cell is said here.
    taken_without: list[dict[str, Any]] = field(default_factory=list)


# What a row may be taken without when it cannot be read: how to reach a worker, not who
# or where she is.
CONTACT_DETAILS = frozenset({"phone", "email"})


def detect_kind(columns: Iterable[str]) -> Kind:
    """The kind whose required fields are all among the columns (most specific first)."""
    present = set(columns)
    if present & set(NAMED):  # a wilayah by name is where the row lies, as a code would be
        present |= set(AREA_FIELD.values())
    for kind in ("workers", "facilities", "local_units", "targets", "areas"):
        required = {n for n, f in MODELS[kind].model_fields.items() if f.is_required()}
        if required <= present:
            return kind
    if {"group", "count"} <= present and "year" not in present:
        raise ValueError(_("a list of sasaran names no year: add a Tahun column, write the "
                           "year in its title (DATA SASARAN TAHUN 2026) or give it "
                           "(--year 2026)"))
    raise ValueError(_("cannot tell what the columns {columns} describe",
                       columns=", ".join(sorted(name for name in present if name))))


# What a header may name: every kind's fields (a sheet's title above it is passed over).
COLUMNS = frozenset({*(name for model in MODELS.values() for name in model.model_fields),
                     *NAMED, *KAMPUNG_COLUMNS, *PUSKESMAS_COLUMNS, *PUSTU_COLUMNS})


# A Data Sasaran's "Balita (12-59 bln)" is the anak balita: the range in its brackets –
# read past elsewhere, as a unit is – says so.
_ANAK_BALITA = re.compile(r"(?<!anak )\bbalita\s*\(\s*12\s*[-–]\s*59\b[^)]*\)",
                          re.IGNORECASE)


def _headed(text: str) -> str:
    """A sheet with its headers as the columns they are (`_ANAK_BALITA`)."""
    return _ANAK_BALITA.sub("Anak Balita", text)


def rows_from_csv(text: str, year: int | None = None, file_name: str = ""
                  ) -> tuple[list[str], list[Row]]:
    """The rows of a sheet; a list of sasaran without a Tahun column is of the `year`
    given, else of the year its title names, else of the one its `file_name` does."""
    text = _headed(text)
    reader = csv_rows(text, _column, HEADERS)
    written = list(reader.fieldnames or [])
    named = _named_by_context(written)
    header = [named.get(name, name) for name in written]
    place_field = "facility_id" if "role" in header else "parent_facility_id"
    rows = []
    for record in reader:
        cells = {named.get(k, k): _cell(named.get(k, k), v) for k, v in record.items()
                 if k and v is not None and not blank(v)}
        if (dusun := cells.pop(DUSUN, None)) and "rw" not in cells:  # a posyandu's place
            cells["rw"] = as_dusun(dusun)
        if cells:
            rows.append((reader.line_num, _placed(cells, place_field)))
    if DUSUN in header and "rw" not in header:
        header = ["rw" if name == DUSUN else name for name in header]
    if {PUSTU, PUSKESMAS} & set(header):
        header = list(dict.fromkeys(
            place_field if name in (PUSTU, PUSKESMAS) else name for name in header))
    if named.get("code") == "area_code" and header_name(
            written_columns(text, _column, HEADERS).get("code", "")) == "kode":
        header, rows = _own_codes(header, rows)
    header, rows = _targets_by_group(header, rows)
    if {"group", "count"} <= set(header) and "year" not in header:
        title = header_of(text, _column, HEADERS)[0]
        if year := year or year_named(title) or year_named(file_name):
            return [*header, "year"], [(line, {**cells, "year": year}) for line, cells in rows]
    return header, rows


def _own_codes(header: list[str], rows: list[Row]) -> tuple[list[str], list[Row]]:
    """A bare `Kode` beside the columns of a facility or worker list is where the row lies –
    unless it is no wilayah code on any row (PKM-KB, P6171050101) and another on every
    row that has one: then it is each row's own code, its id, and the rows lie where their
    Kelurahan or Kecamatan name says (read as wilayah, it refused every row). A code rows
    share (their puskesmas's) is no row's own: read as one id, it would make them one
    facility."""
    codes = [str(cells["area_code"]) for _line, cells in rows if cells.get("area_code")]
    if "id" in header or not codes or any(map(_is_area_code, codes)) or \
            len(set(codes)) < len(codes):
        return header, rows
    return (["id" if name == "area_code" else name for name in header],
            [(line, {("id" if k == "area_code" else k): v for k, v in cells.items()})
             for line, cells in rows])


def _is_area_code(value: object) -> bool:
    try:
        parse_area_code(str(value))
    except InvalidAreaCode:
        return False
    return True


def _column(name: str) -> str:
    return ALIASES.get(name, name)


# A sasaran table as a Dinkes keeps it (Pusdatin's "Data Sasaran"): a desa a row, a column
# per target group – each cell one target.
TARGET_COLUMNS = {
    **{name: group for group in get_args(TargetGroup)
       for name in (group, f"sasaran_{group}", f"jumlah_{group}")},
    **dict.fromkeys(("bumil", "sasaran_bumil", "jumlah_bumil"), "ibu_hamil"),
    **dict.fromkeys(("usia_lanjut", "sasaran_lansia_60", "lansia_60"), "lansia"),
    # and as a list of targets names its groups ("Usia 15+", "Ibu Hamil")
    **{header_name(word): group for word, group in WORDS.items()
       if group in get_args(TargetGroup)}}


# What a sheet's header row is told by (a title above it is passed over).
HEADERS = COLUMNS | TARGET_COLUMNS.keys()


def _targets_by_group(header: list[str], rows: list[Row]) -> tuple[list[str], list[Row]]:
    """A sasaran table with a column per group as rows of one target each (the list form
    every kind is read in); any other list as it is."""
    groups = {name: TARGET_COLUMNS[name] for name in header if name in TARGET_COLUMNS}
    if not groups or not {"area_code", *NAMED} & set(header) or "group" in header:
        return header, rows
    others = [name for name in header if name not in groups]
    return [*others, "group", "count"], [
        (line, {**{k: v for k, v in cells.items() if k not in groups},
                "group": group, "count": _cell("count", str(cells[name]))})
        for line, cells in rows for name, group in groups.items() if name in cells]


# A facility's code as lists write it: the row's own in a list of facilities, the workplace's
# in a list of workers.
FACILITY_CODE_COLUMNS = frozenset({*(f"kode_{word}" for word in FACILITY_WORDS),
                                   "id_fasilitas"})
# A facility's name: the row's own in a list of facilities, the workplace in one of workers.
FACILITY_NAME_COLUMNS = frozenset(f"nama_{word}" for word in FACILITY_WORDS)
# Columns only a list of facilities, workers or targets has: beside one of them, "Kode
# (wilayah)" is where the row lies, not the code of a wilayah the row is.
_NOT_AN_AREA_LIST = frozenset({"type", "parent_facility_id", "working_area", "rollout_status",
                               "rw", "role", "facility_id", "year", "group", "count"})


def written_columns_of(text: str) -> dict[str, str]:
    """Each field's column as the sheet writes it ("Kode Wilayah", "Jenis")."""
    written = written_columns(_headed(text), _column, HEADERS)
    named = _named_by_context(list(written))
    said = {named.get(field, field): name for field, name in written.items()}
    if places := [said.pop(field) for field in (PUSTU, PUSKESMAS) if field in said]:
        said.setdefault("facility_id" if "role" in said else "parent_facility_id",
                        " / ".join(places))  # the row's place is read from them
    return said


def in_the_sheets_words(rejected: list[dict[str, Any]], written: dict[str, str]
                        ) -> list[dict[str, Any]]:
    """Refused rows whose errors name each field's column as the sheet writes it."""
    return [{**row, "errors": [{**error, "column": name} if (name := written.get(
        str(error["field"]).split(".")[0])) else error for error in row["errors"]]}
        for row in rejected]


def _named_by_context(header: list[str]) -> dict[str, str]:
    """Columns read by what the others say the list is: `code` as `area_code` in a list
    that is not of wilayah; "Nama Fasilitas" (Faskes) as the facility's own name in a list of
    facilities, where a worker list has the worker's "Nama" beside it; "Tanggal" beside
    "Status ILP" as the day of that stage; "Kampung" as the desa (Papua's) where no other
    column names it, else as the posyandu's hamlet (Java's "Kp. Cibodas" in a desa);
    "Puskesmas" as the area of a Data Sasaran per puskesmas's row, else – with "Pustu" –
    as where a facility or worker belongs (`_placed`)."""
    named = {}
    kampung = [name for name in KAMPUNG_COLUMNS if name in header]
    named.update(dict.fromkeys(kampung, DUSUN if DESA_NAME in header else DESA_NAME))
    columns = set(header)
    if (set(TARGET_COLUMNS) | {"group"}) & columns:  # Data Sasaran per puskesmas
        if not {"area_code", DESA_NAME, KECAMATAN_NAME} & columns:
            named.update(dict.fromkeys(PUSKESMAS_COLUMNS, PUSKESMAS_NAME))
    elif {"type", "role"} & columns:  # a list of facilities or of workers
        named.update({**dict.fromkeys(PUSTU_COLUMNS, PUSTU),
                      **dict.fromkeys(PUSKESMAS_COLUMNS, PUSKESMAS)})
    if "code" in header and "area_code" not in header and _NOT_AN_AREA_LIST & set(header):
        named["code"] = "area_code"
    for code in FACILITY_CODE_COLUMNS & columns:  # the row's own in a list of facilities
        named[code] = "facility_id" if "role" in columns else "id"
    for name in FACILITY_NAME_COLUMNS & columns:
        named[name] = "facility_id" if "name" in header else "name"
    if "rollout_status" in header and "rollout_date" not in header:
        # beside the ILP stage, the day the facility reached it
        named.update((date_, "rollout_date") for date_ in ("tanggal", "tgl") if date_ in header)
    return named


def _cell(column: str, value: str) -> Any:
    value = value.strip()
    if column in LIST_COLUMNS:
        # `;` between items, or `,` in a file that itself uses `;` between cells.
        return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]
    if column == "count" and GROUPED_THOUSANDS.match(value):
        return re.sub(r"\D", "", value)
    if column == "rollout_date":  # as an Indonesian list writes a day: 10/02/2026
        return iso_day(value)
    return value


def rows_from_json(data: Any) -> list[Row]:
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValueError(_("expected a JSON array of objects"))
    return [(number, record) for number, record in enumerate(data, start=1)]


def dependency_rank(kind: str, fields: dict[str, Any]) -> int:
    value = {"areas": lambda: len(str(fields.get("code", "")).replace(".", "")),
             "local_units": lambda: ("dusun", "rw", "rt").index(fields.get("kind", "rt")),
             "facilities": lambda: ("puskesmas", "pustu", "posyandu").index(
                 str(known_word(fields.get("type", "posyandu"))))}.get(kind)
    try:
        return value() if value else 0
    except ValueError:
        return 99  # unknown type: sorted last, refused by validation with its line


Apply = Callable[[Transaction, Any], Awaitable[commands.Outcome]]


def _command(kind: str, today: date, scope: Principal) -> Apply:
    if kind == "facilities":
        return lambda tx, body: commands.upsert_facility(tx, body, today, scope)
    by_kind: dict[str, Callable[[Transaction, Any, Principal], Awaitable[commands.Outcome]]] = {
        "areas": commands.upsert_area, "local_units": commands.upsert_local_unit,
        "workers": commands.upsert_worker, "targets": commands.set_target}
    command = by_kind[kind]
    return lambda tx, body: command(tx, body, scope)


async def import_rows(store: DocumentStore, kind: Kind, rows: list[Row], today: date,
                      scope: Principal = OPEN, chunk_rows: int = CHUNK_ROWS,
                      sheet: bool = False) -> ImportReport:
    """Rows outside the caller's wilayah are refused like any other bad row. A `sheet`'s
    columns that are no field are read past (`columns_not_read`) – unless one is probably
    a field misspelt, which is refused naming it; a JSON row's unknown field is refused."""
    # the sheet's rows: a sasaran table's row of a desa holds a target per group
    report = ImportReport(kind, rows=len({line for line, _cells in rows}))
    model, apply = MODELS[kind], _command(kind, today, scope)
    used = set(NAMED) if kind in AREA_FIELD else set()  # read for the area's code
    if sheet and (past := _read_past(model, rows) - used):
        report.columns_not_read = sorted(past)
        rows = [(line, {k: v for k, v in fields.items() if k not in past})
                for line, fields in rows]
    ordered = sorted(rows, key=lambda row: dependency_rank(kind, row[1]))
    names = AreaNames(store, scope)

    async def named(fields: dict[str, Any]) -> dict[str, Any]:
        return await with_area_named(names, kind, fields)
    turns = LoopTurns()  # the relay sends the earlier chunks' events meanwhile
    refused_places: dict[str, int] = {}  # a facility refused above, by name key: its line
    for start in range(0, len(ordered), chunk_rows):
        async with store.transaction() as tx:  # a chunk's rows and events commit together
            for line, fields in ordered[start:start + chunk_rows]:
                await turns.give()
                problems = await _apply_row(tx, model, apply, dict(fields), named)
                if problems and (unread := _unread_contacts(problems, fields)):
                    unread_problems, problems = problems, await _apply_row(tx, model, apply, {
                        k: v for k, v in fields.items() if k not in unread}, named)
                    if not problems:
                        report.taken_without.append({"line": line, "errors": unread_problems})
                if problems is None:
                    report.unchanged += 1
                elif problems:
                    report.rejected.append({"line": line, "errors": [
                        _refused_above(problem, fields, refused_places) for problem in problems]})
                    if kind == "facilities":
                        refused_places.update(dict.fromkeys(facility_keys(fields), line))
                else:
                    report.created_or_updated += 1
    report.rejected.sort(key=lambda r: r["line"])
    # a sasaran table's row is a target per group: its refusal said once
    report.rejected = [r for n, r in enumerate(report.rejected)
                       if n == 0 or report.rejected[n - 1] != r]
    return report


def facility_keys(fields: Mapping[str, Any]) -> list[str]:
    """What other rows may name a facility's row by: its name and its id, as written."""
    return [place_name_key(str(fields[said])) for said in ("name", "id") if fields.get(said)]


def refused_place(problem: Mapping[str, Any], fields: Mapping[str, Any],
                  refused: Mapping[str, Any]) -> tuple[str, Any] | None:
    """(the name a row gave, where it was refused) when the facility the row names is
    unknown because its own row was refused – else None."""
    named = str(fields.get(str(problem["field"]), ""))
    if problem.get("type") != "unknown_facility" or not named:
        return None
    where = refused.get(place_name_key(named))
    return None if where is None else (named, where)


def _refused_above(problem: dict[str, Any], fields: dict[str, Any],
                   refused_places: dict[str, int]) -> dict[str, Any]:
    """A facility the row names that is not registered because its own row above was
    refused: said so, that row to mend first – not only that it is unknown."""
    if (found := refused_place(problem, fields, refused_places)) is None:
        return problem
    named, line = found
    return {**problem, "reason": _("facility {name} was refused on line {line} of this file: "
                                   "mend that line and import again", name=named, line=line)}


def _unread_contacts(problems: list[dict[str, Any]], fields: dict[str, Any]) -> set[str]:
    """The contact details a row's every problem is about – it is taken without them –;
    none when anything else is wrong too."""
    named = {str(problem["field"]) for problem in problems}
    return named if named <= CONTACT_DETAILS & fields.keys() else set()


def _placed(cells: dict[str, Any], field: str) -> dict[str, Any]:
    """Where a facility belongs (`field`: its parent) or a worker works: its *Induk* or
    *Tempat Tugas* where given, else its *Pustu*, else its *Puskesmas* – not the row
    itself (a list writing each row's pustu and puskesmas names a pustu's own, and a
    puskesmas's)."""
    pustu, puskesmas = cells.pop(PUSTU, None), cells.pop(PUSKESMAS, None)
    own = _said(cells.get("name")) if field == "parent_facility_id" else ""
    for place in (cells.get(field), pustu, puskesmas):
        if place and _said(place) != own:
            return {**cells, field: place}
    return {k: v for k, v in cells.items() if k != field}


def _said(name: object) -> str:
    return " ".join(str(name or "").lower().split())


def _reason(model: type[BaseModel], error: Any) -> str:
    """Pydantic's reason, and for a column no field is, the field it probably meant – in
    the reader's language."""
    if error["type"] != "extra_forbidden" or not error["loc"]:
        return cast(str, error["msg"])  # a Text (`explained`): str() would lose its translations
    name = str(error["loc"][-1])
    meant = probably_meant(name, [*model.model_fields, *(
        alias for alias, field in ALIASES.items() if field in model.model_fields)])
    if meant:
        return _("unknown column {name!r}; did you mean {meant!r}?", name=name, meant=meant)
    return _("unknown column {name!r}", name=name)


def _read_past(model: type[BaseModel], rows: list[Row]) -> set[str]:
    """The columns of `rows` no field of `model` is, nor one misspelt (close to a field's
    name or an Indonesian header for it: `Jnis`, `Wilayah Kerj`). Only close: an `Alamat`
    or a `Dusun` beside `Kode Desa` is another column, not a typo."""
    fields = set(model.model_fields)
    names = fields | {alias for alias, name in ALIASES.items() if name in fields}
    columns = {name for _line, row in rows for name in row}
    return {name for name in columns - fields
            if not difflib.get_close_matches(name, names, n=1, cutoff=TYPO)}


async def _apply_row(tx: Transaction, model: type[BaseModel], apply: Apply,
                     fields: dict[str, Any],
                     named: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
                     ) -> list[dict[str, Any]] | None:
    """[] when stored, None when unchanged, else the row's problems (nothing written).
    `named`: the row with the wilayah it names by name as codes."""
    try:
        _stored, changed = await apply(tx, model.model_validate(await named(fields)))
    except ValidationError as exc:
        return [{"field": ".".join(map(str, e["loc"])), "reason": _reason(model, e),
                 "type": e["type"]} for e in explained(exc.errors(include_url=False), model)]
    except PermanentError as exc:
        return [{"field": ".".join(map(str, d.get("loc", []))), "reason": d["msg"],
                 "type": d.get("type", "invalid")} for d in exc.detail(in_body=False)]
    return [] if changed else None


def parse_upload(text: str, content_type: str, year: int | None = None
                 ) -> tuple[Kind | None, list[Row]]:
    """A CSV (kind from its header) or a JSON array; JSON may also be an object with one
    array per kind, handled by `import_document`. `year`: of a list of sasaran that has
    no Tahun column."""
    if "json" in content_type:
        return None, rows_from_json(json.loads(text))
    columns, rows = rows_from_csv(text, year)
    return detect_kind(columns), rows


async def import_document(store: DocumentStore, document: dict[str, Any], today: date,
                          scope: Principal = OPEN) -> dict[str, ImportReport]:
    """A JSON object {"areas": [...], "facilities": [...], …} in dependency order."""
    unknown = set(document) - set(KINDS)
    if unknown:
        raise ValueError(_("unknown sections {unknown}; expected some of {kinds}",
                           unknown=", ".join(sorted(unknown)), kinds=", ".join(KINDS)))
    return {kind: await import_rows(store, kind, rows_from_json(document[kind]), today, scope)
            for kind in KINDS if kind in document}
