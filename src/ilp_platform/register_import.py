"""`ilp import-register`, `ilp import-births` and `ilp import-household`: send a posyandu's
paper register, a bidan's deliveries, or a household data collection (CSV), to the
screening API in chunks, with a progress bar, and print every refused line with its
reasons."""

from __future__ import annotations

from typing import Any

from pathlib import Path

import httpx
from ilp_contracts.text import render
from ilp_kit.errors import InvalidInput, UnprocessableError
from ilp_kit.spreadsheet import by_day, header_span, spreadsheet_sheets
from ilp_screening.register import day_of_visits, months_of
from ilp_screening.register_columns import KNOWN_COLUMNS, column
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import CLI_LANGUAGE, request_headers
from .registry_import import stop_unless_ok

CHUNK_ROWS = 200


def import_register(path: Path, base_url: str, posyandu_id: str | None,
                    token: str | None = None, year: int | None = None,
                    day: int | None = None) -> int:
    """Returns the number of refused rows (0 = all good). Safe to run again: a row is
    known by whom it records, where and when. `year` and `day`: a register by month's, or
    of the month a register without a date column names."""
    _days_known(path, year, day)
    given = {"posyandu_id": posyandu_id, "year": year, "day": day}
    return send_csv(path, f"{base_url}/api/v1/screening/screenings/import",
                    {name: str(value) for name, value in given.items() if value}, token,
                    ("accepted", "diterima"), ("duplicates", "sudah ada"),
                    ("amended", "dikoreksi"), ("empty", "tanpa data"))


# What a register by month needs that it does not write, as this command takes it.
_FLAGS = {"year": "--year TAHUN (judulnya tidak menyebut tahun)",
          "day": "--day TANGGAL (hari buka posyandu tiap bulan)"}


def _days_known(path: Path, year: int | None, day: int | None) -> None:
    """Stop before sending a register whose visits' days are not known – a register by
    month without its year or posyandu day, one without a date column whose title names
    no day – naming the options that give them."""
    try:
        for text in spreadsheet_sheets(path.read_bytes()).values():
            if months_of(text, year, day) is None:
                _one_day_known(path, text, year, day)
    except InvalidInput as exc:
        missing = [_FLAGS[str(problem["loc"][-1])] for problem in exc.detail()]
        raise SystemExit(f"{path.name} adalah register per bulan: beri "
                         f"{' dan '.join(missing)}") from None
    except UnprocessableError:
        return  # the sheet itself is refused by send_csv, saying why


def _one_day_known(path: Path, text: str, year: int | None, day: int | None) -> None:
    try:
        day_of_visits(text, year, day)
    except InvalidInput:
        raise SystemExit(f"{path.name} tidak punya kolom Tanggal: beri --day TANGGAL (hari "
                         "buka posyandu) untuk bulan yang disebut judulnya (BULAN DESEMBER "
                         "2026), atau tambahkan kolom Tanggal") from None


def import_births(path: Path, base_url: str, posyandu_id: str | None,
                  token: str | None = None) -> int:
    """A bidan's deliveries as births; safe to run again. Returns the refused rows."""
    return send_csv(path, f"{base_url}/api/v1/screening/births/import",
                    {"posyandu_id": posyandu_id} if posyandu_id else {}, token,
                    ("accepted", "diterima"), ("duplicates", "sudah ada"),
                    ("amended", "dikoreksi"), ("not_delivered", "belum bersalin"))


def import_household(path: Path, base_url: str, posyandu_id: str, noted_on: str,
                     token: str | None = None) -> int:
    """A household data collection's list; safe to run again (unchanged people are
    reported as such). Returns the number of refused rows."""
    return send_csv(path, f"{base_url}/api/v1/screening/persons/register/import",
                    {"posyandu_id": posyandu_id, "noted_on": noted_on}, token,
                    ("registered", "terdaftar"), ("unchanged", "tidak berubah"))


def send_csv(path: Path, url: str, params: dict[str, str], token: str | None,
             *counted: tuple[str, str]) -> int:
    """Send a CSV – or each sheet with data of a workbook (a register kept a month a sheet)
    – in chunks of rows, each with the header (the services key each row by what it
    records, so sending again records nothing twice); print the refused lines and the
    report's `counted` totals (field, words). Returns the number of refused rows."""
    console = Console()
    data = path.read_bytes()
    try:
        sheets = spreadsheet_sheets(data)
    except UnprocessableError as exc:
        raise SystemExit(f"{path.name}: {render(exc.reason, CLI_LANGUAGE)}") from None
    totals = dict.fromkeys((field for field, _ in counted), 0)
    refused: list[tuple[str, int, list[dict[str, Any]], str | None]] = []
    not_read: set[str] = set()  # columns of other programmes, read past
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    client = httpx.Client(timeout=120, headers=request_headers(token))
    with Progress(*columns, console=console) as progress, client:
        for sheet, text in sheets.items():
            lines = text.splitlines()
            # a title above the header (a register by month's year may be in it); a
            # header of two rows and its column numbers: sent with every chunk
            title, span, names = header_span(lines, column, KNOWN_COLUMNS)
            header, rows = lines[:title + span], lines[title + span:]
            # oldest first, whichever chunk a row is in: a weighing's N or T reads the one
            # before it (an export may list a child's latest month first)
            order = (by_day(rows, lines[title], names.index("screened_on"))
                     if "screened_on" in names else list(range(len(rows))))
            where = f"{sheet} " if len(sheets) > 1 else ""
            task = progress.add_task(f"Mengirim {path.name} {where}", total=len(rows))
            for start in range(0, len(rows), CHUNK_ROWS):
                sent = order[start:start + CHUNK_ROWS]
                chunk = [rows[position] for position in sent]
                reply = client.post(
                    url, params=params or None, content="\n".join([*header, *chunk]).encode(),
                    headers={"Content-Type": "text/csv"})
                stop_unless_ok(reply)
                report = reply.json()
                for field in totals:
                    totals[field] += report[field]
                not_read.update(report.get("columns_not_read", []))
                # A chunk's line is its header's and the row's sent at that place.
                refused += [(where, len(header) + sent[row["line"] - len(header) - 1] + 1,
                             row["detail"], row.get("screened_on"))
                            for row in report["rejected"]]
                progress.advance(task, len(chunk))
    for where, line, detail, visit in refused:
        reasons = "; ".join(_said(problem) for problem in detail)
        on = f" ({visit})" if visit else ""  # which month of a register by month
        console.print(f"[red]{where}baris {line}{on}[/red]: {reasons}")
    if not_read:
        console.print(f"kolom tidak dibaca (program lain): {', '.join(sorted(not_read))}")
    console.print(", ".join([*(f"{words} {totals[field]}" for field, words in counted),
                             f"ditolak {len(refused)}"]))
    return len(refused)


def _said(problem: dict[str, Any]) -> str:
    """A refusal at the column it points to, as the file's reader sees it: `NIK`, or
    `person.nik`, not `body.person.nik` (the request's body is the file); one about the
    whole row (twice in the file, a twin without `Anak ke`) as it is."""
    loc = problem.get("loc", [])
    where = problem.get("column") or ".".join(map(str, loc[1:] if loc[:1] == ["body"] else loc))
    return problem["msg"] if where in ("", "row") else f"{where}: {problem['msg']}"
