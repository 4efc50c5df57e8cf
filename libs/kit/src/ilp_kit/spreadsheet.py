"""CSV as people's spreadsheets write it: read for the bulk imports of every service, and
written for their downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi.responses import Response


def spreadsheet_text(data: bytes) -> str:
    """A CSV file's text whichever way a spreadsheet saved it: UTF-8 (with or without the
    byte-order mark of Excel's "CSV UTF-8"), else Windows' code page – Excel on Windows
    saves plain "CSV" as Windows-1252 in Indonesian and English set-ups, where the
    apostrophe of "Ni’mah" is the byte 0x92, not broken UTF-8. Read as UTF-8 that file
    used to be refused whole, or its names stored with "�" in them."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # 5 bytes cp1252 leaves unassigned


_UNIT = re.compile(r"\s*\(.*?\)")


def header_name(header: str) -> str:
    """A column's header as a name: its unit in brackets left out, in any case, its words
    joined by `_` – "No. HP", "BB (kg)" and "Tgl Lahir" are no_hp, bb and tgl_lahir."""
    return "_".join(_UNIT.sub("", header).replace(".", " ").lower().split())


def csv_rows(text: str, aliases: Mapping[str, str]) -> csv.DictReader[str]:
    """Rows of a CSV file keyed by its header: each header's name (`header_name`), or the
    field an importer's `aliases` give for it ("" drops the column). The byte-order mark
    Excel writes is dropped, and the separator is the one the header line uses most: `,`;
    `;`, which Excel writes where the decimal mark is a comma (an Indonesian locale); or a
    tab (pasted cells)."""
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text),
                            delimiter=max((",", ";", "\t"), key=header.count))
    reader.fieldnames = [aliases.get(name, name)
                         for name in map(header_name, reader.fieldnames or [])]
    return reader


def csv_download(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str,
                 excel: bool = False) -> Response:
    """A CSV file to download. `excel`: as Excel in an Indonesian locale opens it by
    double-click – `;` between cells, decimal commas and a byte-order mark (so "–" and
    names stay UTF-8). None is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",")
    writer.writerow(header)
    for row in rows:
        writer.writerow([str(v).replace(".", ",") if excel and isinstance(v, float) else v
                         for v in row])
    return Response(("\ufeff" if excel else "") + out.getvalue(),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
