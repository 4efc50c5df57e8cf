"""CSV as people's spreadsheets write it, for the bulk imports of every service."""

from __future__ import annotations

import csv
import io


def csv_rows(text: str) -> csv.DictReader[str]:
    """Rows of a CSV file keyed by its header. The byte-order mark Excel writes is dropped,
    and the separator is the one the header line uses most: `,`; `;`, which Excel writes
    where the decimal mark is a comma (an Indonesian locale); or a tab (pasted cells)."""
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    return csv.DictReader(io.StringIO(text), delimiter=max((",", ";", "\t"), key=header.count))
