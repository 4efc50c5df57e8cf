"""`ilp import-registry`: load master data (a CSV/JSON file, or a directory of them such as
examples/kota-salatiga) through the registry API in chunks, with a progress bar, and
print every refused line of every file with its reasons."""

from __future__ import annotations

from typing import Any

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import httpx
from ilp_contracts.text import reason, render
from ilp_kit.errors import UnprocessableError
from ilp_kit.spreadsheet import spreadsheet_sheets
from ilp_registry.importer import (KINDS, Kind, Row, dependency_rank, detect_kind,
                                   facility_keys, in_the_sheets_words, refused_place,
                                   rows_from_csv, written_columns_of)
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import CLI_LANGUAGE, request_headers

CHUNK_ROWS = 2000
WORKBOOKS = (".xlsx", ".xls", ".ods")  # every sheet with data is read


@dataclass
class _Csv:
    name: str  # the file's, and its sheet's in a workbook
    kind: Kind
    header: list[str]
    rows: list[Row]
    written: dict[str, str]  # each field's column as the sheet writes it


def _sources(path: Path, year: int | None = None) -> list[_Csv | Path]:
    """A directory's files in dependency order – wilayah before the facilities in them,
    facilities before their workers – told by each CSV's or sheet's header
    (`wilayah.csv`, `fasilitas.csv` and `nakes.csv` load as well as `areas.csv`, …; so do
    the sheets of one workbook) and by a JSON file's name; a JSON object of every kind
    first (the registry orders its kinds itself). A list of sasaran without a Tahun
    column is of the `year` given, else its title's, else its file's or sheet's name's."""
    files = [path] if path.is_file() else [
        p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json", *WORKBOOKS)]
    order: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
    sources: list[_Csv | Path] = []
    for file in files:
        if file.suffix.lower() == ".json":
            sources.append(file)
            continue
        try:
            sources += [_csv(f"{file.name} [{sheet}]" if sheet else file.name, text, year)
                        for sheet, text in spreadsheet_sheets(file.read_bytes()).items()]
        except UnprocessableError as exc:
            raise SystemExit(f"{file.name}: {exc.reason}") from None

    def rank(source: _Csv | Path) -> tuple[int, str]:
        if isinstance(source, _Csv):
            return order[source.kind], source.name
        return order.get(source.stem, -1), source.name
    return sorted(sources, key=rank)


def _csv(name: str, text: str, year: int | None) -> _Csv:
    header, rows = rows_from_csv(text, year, file_name=name)
    try:
        return _Csv(name, detect_kind(header), header, rows, written_columns_of(text))
    except ValueError as exc:
        raise SystemExit(f"{name}: {render(reason(exc), CLI_LANGUAGE)}") from None


def import_registry(path: Path, base_url: str, console: Console | None = None,
                    token: str | None = None, year: int | None = None) -> int:
    """Returns the number of refused rows (0 = all good). Safe to repeat: unchanged rows
    are reported as such and emit no events."""
    console = console or Console()
    url = f"{base_url}/api/v1/registry/import"
    refused = 0
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    client = httpx.Client(timeout=600, headers=request_headers(token))
    refused_places: dict[str, tuple[str, int]] = {}  # a facility's name or id: file, line
    with Progress(*columns, console=console) as progress, client:
        for file in _sources(path, year):
            if isinstance(file, _Csv):
                refused += _import_csv(client, url, file, progress, console, refused_places)
                continue
            # JSON: an object with all kinds, or rows named by the file
            reply = client.post(url, content=file.read_bytes(),
                                params={"kind": file.stem} if file.stem in KINDS else None,
                                headers={"Content-Type": "application/json"})
            stop_unless_ok(reply)
            for kind, report in reply.json().items():
                refused += _print_report(console, f"{file.name} ({kind})", report)
    return refused


def _import_csv(client: httpx.Client, url: str, source: _Csv, progress: Progress,
                console: Console, refused_places: dict[str, tuple[str, int]]) -> int:
    """One sheet, in chunks; a facility it names that another file's refused row was is
    said so (that file's line to mend first), and its own refused facilities are kept
    in `refused_places` for the files after it."""
    name, kind, header, rows = source.name, source.kind, source.header, source.rows
    # Sorted so that parents travel in an earlier chunk than their children.
    rows.sort(key=lambda row: dependency_rank(kind, row[1]))
    task = progress.add_task(name, total=len(rows))
    totals: dict[str, Any] = {"created_or_updated": 0, "unchanged": 0,
                              "rejected": [], "taken_without": [], "columns_not_read": []}
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        reply = client.post(url, params={"kind": kind}, content=_as_csv(header, chunk),
                            headers={"Content-Type": "text/csv"})
        stop_unless_ok(reply)
        report = reply.json()[kind]
        for key in ("created_or_updated", "unchanged"):
            totals[key] += report[key]
        totals["columns_not_read"] = sorted({*totals["columns_not_read"], *(
            source.written.get(name, name) for name in report.get("columns_not_read", []))})
        # The chunk's record i sits on line i + 2 of the chunk (after its header); a
        # sasaran table's row, a target a group, is refused once.
        for said in ("rejected", "taken_without"):
            for problem in in_the_sheets_words(report.get(said, []), source.written):
                line, fields = chunk[problem["line"] - 2]
                row = {**problem, "line": line, "errors": [
                    _refused_in(error, fields, refused_places) for error in problem["errors"]]}
                if row not in totals[said]:
                    totals[said].append(row)
                if said == "rejected" and kind == "facilities":
                    refused_places.update(dict.fromkeys(facility_keys(fields), (name, line)))
        progress.advance(task, len(chunk))
    # A sasaran table with a column per group travels as a target a row: the sheet's
    # rows are fewer than what they set.
    totals["rows"], totals["targets"] = len({line for line, _fields in rows}), len(rows)
    if kind == "targets":  # said, as the year may be the title's or the file name's
        totals["years"] = sorted({str(fields["year"]) for _line, fields in rows
                                  if "year" in fields})
    return _print_report(console, name, totals)


def _refused_in(error: dict[str, Any], fields: dict[str, Any],
                refused_places: dict[str, tuple[str, int]]) -> dict[str, Any]:
    """"Not registered" where the facility's own row was refused in an earlier file: that
    file's line to mend first, not the registry to search."""
    if (found := refused_place(error, fields, refused_places)) is None:
        return error
    named, (file, line) = found
    return {**error, "reason": f"fasilitas {named} ditolak di baris {line} {file}: perbaiki "
                               "baris itu lalu impor lagi"}


def _reasons(row: dict[str, Any]) -> str:
    return "; ".join(f"{e.get('column') or e['field']}: {e['reason']}" if e["field"]
                     else e["reason"] for e in row["errors"])


def stop_unless_ok(reply: httpx.Response) -> None:
    """A refused request (no token, wrong role, unreadable file) ends the import with the
    service's reason instead of a traceback."""
    if reply.is_success:
        return
    try:
        detail = reply.json()["detail"]
        reasons = detail if isinstance(detail, str) else "; ".join(  # (404: "Not Found")
            d.get("msg", str(d)) for d in detail)
    except (ValueError, KeyError, TypeError, AttributeError):
        reasons = reply.text[:300]
    raise SystemExit(f"impor ditolak (HTTP {reply.status_code}): {reasons}")


def _as_csv(header: list[str], rows: list[tuple[int, dict[str, Any]]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for _line, fields in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v
                         for k, v in fields.items()})
    return out.getvalue().encode()


def _print_report(console: Console, name: str, report: dict[str, Any]) -> int:
    """Line numbers of a CSV; record numbers (from 1) of a JSON array."""
    for row in report["rejected"]:
        console.print(f"[red]{name} baris {row['line']}[/red]: {_reasons(row)}")
    for row in report.get("taken_without", []):
        console.print(f"[yellow]{name} baris {row['line']}[/yellow]: {_reasons(row)} – "
                      "dicatat tanpa isian ini")
    if not_read := report.get("columns_not_read"):
        console.print(f"{name}: kolom tidak dibaca: {', '.join(not_read)}")
    rows = f"{report['rows']} baris"
    if report.get("targets", report["rows"]) != report["rows"]:
        rows += f" ({report['targets']} sasaran)"
    if years := report.get("years"):
        rows += f" tahun {', '.join(years)}"
    console.print(f"{name}: {rows}, {report['created_or_updated']} baru/diubah, "
                  f"{report['unchanged']} tetap, {len(report['rejected'])} ditolak")
    return len(report["rejected"])

