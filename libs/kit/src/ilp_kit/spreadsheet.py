"""CSV as people's spreadsheets write it, for the bulk imports of every service."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable


def csv_rows(text: str, column: Callable[[str], str] = str.strip) -> csv.DictReader[str]:
    """Rows of a CSV file keyed by its header, each header name passed through `column`
    once (e.g. an importer's aliases). The byte-order mark Excel writes is dropped, and the
    separator is the one the header line uses most: `,`; `;`, which Excel writes where the
    decimal mark is a comma (an Indonesian locale); or a tab (pasted cells)."""
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text),
                            delimiter=max((",", ";", "\t"), key=header.count))
    reader.fieldnames = [column(name) for name in reader.fieldnames or []]
    return reader
