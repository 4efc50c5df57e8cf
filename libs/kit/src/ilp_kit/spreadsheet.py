"""CSV as people's spreadsheets write it, and the Excel workbooks they keep: read for the
bulk imports of every service, and written for their downloads."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime, time
from itertools import pairwise
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import Response
from ilp_contracts.text import _

from .errors import UnprocessableError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = b"PK\x03\x04"  # an .xlsx or .ods is a zip archive
OLE = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 (.xls)


def spreadsheet_text(data: bytes) -> str:
    """A file's one sheet as CSV text (`spreadsheet_sheets`): a workbook of several – a
    month a sheet, say – is refused rather than read in part."""
    sheets = spreadsheet_sheets(data)
    if len(sheets) > 1:
        raise UnprocessableError("body", _(
            "the workbook has {count} sheets with data ({names}): send one at a time, or all "
            "of them with ./ilp import-…", count=len(sheets), names=", ".join(sheets)),
            "several_sheets")
    return next(iter(sheets.values()), "")


def spreadsheet_sheets(data: bytes) -> dict[str, str]:
    """A workbook's sheets with data, by name, as CSV text (`workbook_sheets`), or a CSV
    file's text as one sheet without a name (`""`)."""
    return workbook_sheets(data) if data.startswith((ZIP, OLE)) else {"": _csv_text(data)}


def _csv_text(data: bytes) -> str:
    """A CSV file's text whichever way a spreadsheet saved it: UTF-8 (with or without the
    byte-order mark of Excel's "CSV UTF-8"), else Windows' code page – Excel on Windows
    saves plain "CSV" as Windows-1252 in Indonesian and English set-ups, where the
    apostrophe of "Ni’mah" is the byte 0x92, not broken UTF-8. Read as UTF-8 that file
    used to be refused whole, or its names stored with "�" in them."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # 5 bytes cp1252 leaves unassigned


# A nation's desa are ~84,000 rows, a register a few hundred: a sheet far larger is a
# mistake (a value typed far to the right, say) or a zip bomb, refused before it fills
# the service's memory.
MAX_ROWS = 250_000
MAX_CELLS = 5_000_000


def workbook_sheets(data: bytes) -> dict[str, str]:
    """Each sheet of a workbook – Excel's .xlsx or 97–2003 .xls, or OpenDocument's .ods –
    that has something in it, by name, as CSV text: one line per row from the sheet's
    first, so a refused line's number is the row the spreadsheet shows. Values as a person
    typed them – a date as 2026-11-20, a whole number without ".0" (a code typed as a
    number), TRUE/FALSE as ya/tidak – and what a formula last showed."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {name: book.get_sheet_by_name(name) for name in book.sheet_names}
    except CalamineError as exc:
        raise UnprocessableError("body", _("not a workbook (.xlsx, .xls, .ods) nor a CSV file "
                                           "that can be read ({error})", error=exc),
                                 "unreadable_spreadsheet") from exc
    texts = {}
    for name, sheet in sheets.items():
        if sheet.height > MAX_ROWS or sheet.height * sheet.width > MAX_CELLS:
            raise UnprocessableError("body", _(
                "sheet {name!r} spans {rows:,} rows and {columns:,} columns: split it, or "
                "clear what was typed far below or to the right of its table", name=name,
                rows=sheet.height, columns=sheet.width), "sheet_too_large")
        if text := _as_csv(sheet.to_python(skip_empty_area=False)):
            texts[name] = text
    return texts


def _as_csv(rows: Iterable[Sequence[Any]]) -> str:
    """The rows up to the last one with something in it, each up to its last filled
    cell."""
    lines: list[list[str]] = []
    for row in rows:
        cells = [_typed(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        lines.append(cells)
    while lines and not lines[-1]:
        lines.pop()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(lines)
    return out.getvalue()


def _typed(value: Any) -> str:
    """A cell's value as the person typed it (one line: a CSV line is a sheet's row)."""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, datetime):
        return (value.date() if value.time() == time(0) else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float) and abs(value) >= 1e15:
        # Excel keeps 15 significant digits: a NIK typed as a number lost its last one.
        # Written as Excel shows it, for the importer to refuse saying so.
        return f"{value:.5E}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


_UNIT = re.compile(r"\s*\(.*?\)")
_SLASH = re.compile(r"\s*/\s*")
# An age's unit says what the column is: "Umur (bln)", a child's months, is not "Umur (th)".
_AGE_UNIT = re.compile(r"\(\s*(?:(bl|bln|bulan)|(th|thn|tahun))\s*\.?\)", re.IGNORECASE)


def header_name(header: str) -> str:
    """A column's header as a name: its unit in brackets left out – but an age's, which
    becomes a word (`Umur (bln)` is umur_bulan) –, in any case, its words joined by `_` –
    "No. HP", "BB (kg)", "Tgl Lahir" and "PB / TB" are no_hp, bb, tgl_lahir and pb/tb."""
    header = _AGE_UNIT.sub(lambda unit: " bulan" if unit.group(1) else " tahun", header)
    return "_".join(_SLASH.sub("/", _UNIT.sub("", header)).replace(".", " ").lower().split())


# How far down a sheet's title may reach before its header: "REGISTER POSYANDU MAWAR",
# "DESA BLOTONGAN", "BULAN: NOVEMBER 2026", an empty line.
TITLE_LINES = 10
Names = Callable[[str], str]  # a header's name (`header_name`) → the importer's column


def csv_rows(text: str, column: Names, known: Collection[str] = ()) -> csv.DictReader[str]:
    """Rows of a CSV file keyed by its header: each header's name (`header_name`) as the
    importer's `column` gives it ("" drops the column). The byte-order mark Excel writes
    is dropped, and the separator is the one the header line uses most: `,`; `;`, which
    Excel writes where the decimal mark is a comma (an Indonesian locale); or a tab
    (pasted cells). With the columns an importer `known`s, the header is found under a
    title and may take two rows (`header_span`); `line_num` still counts from the file's
    top."""
    text = text.lstrip("\ufeff")
    lines = _header_lines(text)
    first, span, names = header_span(lines, column, known)
    reader = csv.DictReader(io.StringIO(text), delimiter=_separator(lines[first]))
    for _skipped in range(first + span):
        next(reader.reader, None)
    reader.fieldnames = names
    return reader


def written_columns(text: str, column: Names, known: Collection[str] = ()) -> dict[str, str]:
    """Each column's name as the sheet writes it ("BB (kg)", "Tgl Periksa"), by what the
    importer reads it as (`column`): what a report names, so whoever typed the sheet finds
    the cell. Under a group label, the label below it ("Pengukuran" over BB | PB/TB: "BB"),
    with the group where it was read with it ("BB (kg)" over Jan | Feb: "BB (kg) Feb")."""
    lines = _header_lines(text.lstrip("\ufeff"))
    first, span, names = header_span(lines, column, known)
    delimiter = _separator(lines[first])
    rows = [cells for cells in (_cells(line, delimiter) for line in lines[first:first + span])
            if not _column_numbers(cells)]
    written: dict[str, str] = {}
    group = ""
    for index, name in enumerate(names):
        labels = [row[index].strip() if index < len(row) else "" for row in rows]
        group = labels[0] or group  # a merged label covers the cells to its right
        said = next((label for label in reversed(labels) if label), "")
        if len(labels) > 1 and labels[-1] and column(header_name(labels[-1])) != name:
            said = f"{group} {labels[-1]}"
        if name and said:
            written.setdefault(name, said)
    return written


def header_of(text: str, column: Names, known: Collection[str]) -> tuple[str, list[str]]:
    """A sheet's title – the lines above its header, joined ("REGISTER BAYI … TAHUN
    2026") – and the columns its header names."""
    lines = _header_lines(text.lstrip("\ufeff"))
    first, _span, names = header_span(lines, column, known)
    return " ".join(lines[:first]), names


# Months as registers and spreadsheets write them, in Indonesian or English, whole or cut.
MONTHS = {name: number for number, names in enumerate((
    ("januari", "january", "jan"), ("februari", "pebruari", "february", "feb", "peb"),
    ("maret", "march", "mar"), ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"),
    ("juli", "july", "jul"), ("agustus", "august", "agu", "agt", "ags", "aug"),
    ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
    ("november", "nopember", "nov", "nop"), ("desember", "december", "des", "dec")), 1)
    for name in names}
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[\s/.-]+([a-z]+)\.?[\s/.-]+(\d{4}|\d{2})$",
                             re.IGNORECASE)


# What a sheet writes in a cell for "none", "not done": a dash, or the words.
_DASHES = re.compile(r"^[-–—.]+$")
_NONE_SAID = frozenset({"tidak ada", "belum ada", "tidak punya", "tidak diukur",
                        "tidak diperiksa", "n/a", "na", "nil"})


def blank(value: str) -> bool:
    """A cell that says nothing: empty, a dash, or "tidak ada" (a measure not taken, a
    phone she has none of) – not in a yes/no column, where they are its no or unclear."""
    said = " ".join(value.split()).lower()
    return not said or bool(_DASHES.match(said)) or said in _NONE_SAID


def iso_day(value: str) -> str:
    """A date as registers and lists write it, day first – 20/11/2026, 20-11-26, 20 Nov 2026,
    20-Nop-26, 20 Agustus 2026 – as ISO. Excel writes a date cell as it shows it, often
    with two digits for the year: this century's unless that is still to come (a birth
    year 45 is 1945). Anything else is left for the validation to refuse."""
    if numbers := _DAY_FIRST.match(value):
        day, month, year = numbers.groups()
    elif (named := _DAY_MONTH_NAME.match(value)) and named.group(2).lower() in MONTHS:
        day, month, year = named.group(1), str(MONTHS[named.group(2).lower()]), named.group(3)
    else:
        return value
    if len(year) == 2:
        year = str((2000 if int(year) <= date.today().year % 100 else 1900) + int(year))
    return f"{year}-{int(month):02d}-{int(day):02d}"


# A year as titles and file names say it: "TAHUN 2026", "Th. 2026", else the one year named
# ("SASARAN 2026", "register-mawar-2026.xlsx").
_YEAR_SAID = re.compile(r"\b(?:tahun|th)\b\W{0,3}((?:19|20)\d\d)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def written_day(value: str) -> date | None:
    """The day a cell writes (`iso_day`), or None when it writes none."""
    try:
        return date.fromisoformat(iso_day(value))
    except ValueError:
        return None


def year_named(text: str) -> int | None:
    """The year a sheet's title or a file's name gives ("… TAHUN 2026"), or the only year
    it names; None when it names none, or several without saying which is the year."""
    if said := _YEAR_SAID.search(text):
        return int(said.group(1))
    years = set(_YEAR.findall(text))
    return int(years.pop()) if len(years) == 1 else None


# A day or a month as a title says it: "TANGGAL 4 DESEMBER 2026", "04/12/2026"; "BULAN
# DESEMBER 2026", "Bulan: Des", "NOVEMBER 2026".
_DAY_SAID = re.compile(r"(?<![\d/.-])(\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d|\d{1,2}\s+[a-z]+\.?\s+"
                       r"(?:19|20)\d\d)(?![\d/.-])", re.IGNORECASE)
_MONTH_SAID = re.compile(r"\bbulan\W{0,3}([a-z]+)|\b([a-z]+)\.?\s+(?:19|20)\d\d\b", re.IGNORECASE)


def day_named(text: str) -> str | None:
    """The one day (ISO) a title names, or None."""
    days = {iso_day(" ".join(found.split())) for found in _DAY_SAID.findall(text)}
    days = {day for day in days if re.fullmatch(r"\d{4}-\d\d-\d\d", day)}
    return days.pop() if len(days) == 1 else None


def month_named(text: str) -> int | None:
    """The month (1–12) a title names ("BULAN DESEMBER 2026"), or None."""
    months = {MONTHS[name.lower()] for found in _MONTH_SAID.findall(text)
              for name in found if name and name.lower() in MONTHS}
    return months.pop() if len(months) == 1 else None


def _header_lines(text: str) -> list[str]:
    """The lines a header may be among: a title's, the header's two, its column numbers."""
    return text.split("\n", TITLE_LINES + 3)[:TITLE_LINES + 3]


def header_span(lines: Sequence[str], column: Names, known: Collection[str] = ()
                ) -> tuple[int, int, list[str]]:
    """Where a sheet's header is among its first lines, as (first line, lines it takes,
    the columns it names): under a title (`header_index`), on one row or two
    (`_sub_header`), with the row of column numbers official forms put under it
    ((1) (2) (3) …) taken as part of it."""
    first = header_index(lines, column, known) if known else 0
    delimiter = _separator(lines[first])
    top = _cells(lines[first], delimiter)
    names = [column(header_name(cell)) for cell in top]
    below = [_cells(line, delimiter) for line in lines[first + 1:first + 3]]
    span = 1
    if known and below and (sub := _sub_header(top, below[0], column, known)):
        names, span, below = sub, 2, below[1:]
    if below and _column_numbers(below[0]):
        span += 1
    return first, span, names


def header_index(lines: Sequence[str], column: Names, known: Collection[str]) -> int:
    """Which of a sheet's first lines is its header: the first naming two or more of the
    `known` columns, the lines above it a title; 0 when none does, for the importer to
    refuse the first line's columns by name."""
    for index, line in enumerate(lines[:TITLE_LINES + 1]):
        cells = _cells(line, _separator(line))
        if sum(column(header_name(cell)) in known for cell in cells) >= 2:
            return index
    return 0


def _sub_header(top: list[str], below: list[str], column: Names, known: Collection[str]
                ) -> list[str] | None:
    """The header's columns when the row below is the second of a two-row header: a
    group's label merged over its columns ("Pengukuran" over BB | TB, "Imunisasi" over
    each dose, "Tanggal" over Lahir | Periksa, "Jan" over BB | TB: a name read with its
    group's where that names a column, else alone), the other headers spanning both rows.
    Such a row names known columns, and under a header already known – where a data row
    has its values – nothing else."""
    width = max(len(top), len(below))
    top, below = top + [""] * (width - len(top)), below + [""] * (width - len(below))
    names, group, sub_header = [], "", False
    for over, under in zip(top, below, strict=True):
        group = over.strip() or group  # a merged label covers the cells to its right
        name = column(header_name(over))
        if under.strip():
            alone = column(header_name(under))
            together = header_name(f"{group} {under}")
            grouped = column(together)
            if name in known and alone not in known and grouped not in known:
                return None  # a value under a known header: a data row
            # with its group where that names a column – or one the importer reads past
            # ("Vitamin A" over Feb | Agu, "Nifas" over KF1 | KF2): the name alone ("Feb")
            # would be unknown
            with_group = grouped in known or grouped not in ("", together)
            # neither known: named with its group ("Status Perkembangan" over Feb), as the
            # sheet's reader will look for it, not as a bare "Feb"
            name = grouped if with_group or alone not in known else alone
            sub_header = sub_header or with_group or name in known
        names.append(name)
    return names if sub_header else None


_COLUMN_NUMBER = re.compile(r"^\(?\d{1,3}\)?$")


def _column_numbers(cells: list[str]) -> bool:
    """Whether a row is the one official forms put under the header: (1) (2) (3) …"""
    filled = [cell.strip() for cell in cells if cell.strip()]
    if len(filled) < 3 or not all(_COLUMN_NUMBER.match(cell) for cell in filled):
        return False
    numbers = [int(cell.strip("()")) for cell in filled]
    return numbers[0] == 1 and all(a < b for a, b in pairwise(numbers))


def by_day(rows: Sequence[str], header: str, index: int) -> list[int]:
    """The rows' positions in the order of the day their `index`th cell writes (as
    `iso_day` reads it); those without one first, each in its place."""
    delimiter = _separator(header)

    def day(position: int) -> str:
        cells = _cells(rows[position], delimiter)
        written = iso_day(cells[index].strip()) if index < len(cells) else ""
        return written if _ISO_DAY.match(written) else ""
    return sorted(range(len(rows)), key=day)


def _cells(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line.rstrip("\r")], delimiter=delimiter), [])


def _separator(line: str) -> str:
    return max((",", ";", "\t"), key=line.count)


Format = Literal["csv", "xlsx"]
Excel = Annotated[bool, Query(description="CSV only: as Excel in an Indonesian locale opens "
                              "it by double-click (`;`, decimal commas, a byte-order mark); "
                              "an .xlsx opens in any")]
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A cell Excel would run as a formula (a name typed as "=HYPERLINK(…)" by anyone who
# records a person): kept as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def sheet_download(header: Sequence[str], rows: Iterable[Sequence[Any]], stem: str,
                         fmt: Format = "csv", excel: bool = False) -> Response:
    """A table to download as `stem.csv` or `stem.xlsx`. CSV with `excel`: as Excel in an
    Indonesian locale opens it by double-click – `;` between cells, decimal commas and a
    byte-order mark (so "–" and names stay UTF-8). An .xlsx opens the same in every
    locale: numbers as numbers, ISO days as dates, codes and RT/RW as text ("03" keeps its
    zero), the header frozen. None is an empty cell; text that would start a formula
    stays text."""
    if fmt == "xlsx":  # a kota's Kohort Balita is seconds of work: not on the event loop
        workbook = await asyncio.to_thread(_workbook, header, [list(r) for r in rows], stem)
        return _download(workbook, XLSX, f"{stem}.xlsx")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",")
    writer.writerow(header)
    for row in rows:
        writer.writerow([str(v).replace(".", ",") if excel and isinstance(v, float)
                         else _inert(v) for v in row])
    return _download((("\ufeff" if excel else "") + out.getvalue()).encode(),
                     "text/csv; charset=utf-8", f"{stem}.csv")


def _inert(value: Any) -> Any:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) \
        else value


def _workbook(header: Sequence[str], table: list[list[Any]], title: str) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(title[:31])  # Excel's limit for a sheet's name
    day, bold = book.add_format({"num_format": "dd/mm/yyyy"}), book.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    for column, name in enumerate(header):
        longest = max((len(str(row[column])) for row in table[:500]
                       if row[column] is not None), default=0)
        sheet.set_column(column, column, min(max(len(name), longest) + 2, 50))
    for line, row in enumerate(table, 1):
        for column, value in enumerate(row):
            if isinstance(value, str) and _ISO_DAY.match(value):
                value = date.fromisoformat(value)  # (stored days: valid)
            if isinstance(value, date):
                sheet.write_datetime(line, column, value, day)
            elif value is not None:
                sheet.write(line, column, value)  # text stays text: no formula, no link
    book.close()
    return out.getvalue()


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
