"""Excel workbooks as Dinkes and posyandu keep their lists: read as the CSV the importers
take, values as a person typed them, row numbers as Excel shows them."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from ilp_kit.errors import UnprocessableError
from ilp_kit.spreadsheet import spreadsheet_text, workbook_sheets
from openpyxl import Workbook


def workbook(**sheets: list[list[object]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_register_sheet_reads_as_typed() -> None:
    data = workbook(Register=[
        ["NIK", "Nama", "L/P", "Tgl Lahir", "Tgl Periksa", "BB", "Telentang"],
        ["3373041011240001", "Bima  Putra", "L", date(2024, 11, 10),
         datetime(2026, 11, 20), 9.1, False],
        [3373041011240002, "Sari\nDewi", "P", "15/03/2025", datetime(2026, 11, 20, 9, 30),
         12.0, True],
        [None] * 7, [None] * 7])  # formatting far below the data
    assert spreadsheet_text(data) == (
        "NIK,Nama,L/P,Tgl Lahir,Tgl Periksa,BB,Telentang\n"
        "3373041011240001,Bima Putra,L,2024-11-10,2026-11-20,9.1,tidak\n"
        # a NIK typed as a number kept 15 digits: as Excel shows it, to be refused
        "3.37304E+15,Sari Dewi,P,15/03/2025,2026-11-20T09:30:00,12,ya\n")


def test_every_sheet_with_something_in_it_by_name() -> None:
    data = workbook(wilayah=[["kode", "nama"], ["34.03", "Gunungkidul"]], kosong=[],
                    fasilitas=[["ID", "Jenis"], [None, None], ["pkm-1", "Puskesmas"]])
    assert workbook_sheets(data) == {"wilayah": "kode,nama\n34.03,Gunungkidul\n",
                                     "fasilitas": "ID,Jenis\n\npkm-1,Puskesmas\n"}
    assert spreadsheet_text(data) == "kode,nama\n34.03,Gunungkidul\n"  # the first


def test_a_used_range_stated_to_column_xfd_pads_no_row(monkeypatch) -> None:
    """Formatting applied to whole rows makes a writer state the sheet's range as
    A1:XFD…: read as stated, every row was 16,384 cells. A sheet longer than any list the
    platform takes is refused before it fills the memory."""
    from ilp_kit import spreadsheet

    book = Workbook()
    sheet = book.active
    sheet.append(["kode", "nama"])
    sheet.append(["33.73", "Kota Salatiga"])
    sheet.cell(row=3, column=16384, value=" ")  # a stray space far to the right
    out = io.BytesIO()
    book.save(out)
    assert spreadsheet_text(out.getvalue()) == "kode,nama\n33.73,Kota Salatiga\n"
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 2)
    with pytest.raises(UnprocessableError, match="more than 2 rows: split it"):
        spreadsheet_text(workbook(Sheet=[["kode", "nama"], ["33", "Jawa Tengah"], ["34", "DIY"]]))


@pytest.mark.parametrize(("data", "said"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "(.xls) cannot be read"),
    (b"PK\x03\x04" + bytes(100), "not an Excel workbook"),  # a broken or other zip (.ods)
])
def test_what_cannot_be_read_is_refused_with_what_to_save_it_as(data: bytes,
                                                                  said: str) -> None:
    with pytest.raises(UnprocessableError) as refused:
        spreadsheet_text(data)
    assert said in refused.value.reason and "save it as .xlsx or CSV" in refused.value.reason
    assert refused.value.detail()[0]["type"] == "unreadable_spreadsheet"


def test_a_csv_is_still_a_csv() -> None:
    assert spreadsheet_text("kode;nama\n33;Jawa Tengah\n".encode("utf-8-sig")) == \
        "kode;nama\n33;Jawa Tengah\n"


def test_a_download_as_a_workbook_keeps_each_value_its_type() -> None:
    from ilp_kit.spreadsheet import sheet_download
    from openpyxl import load_workbook

    header = ["nama", "rw", "kode_desa", "tanggal_lahir", "berat_kg", "bb_u_z", "periode"]
    rows = [["Bima", "03", "33.73.04.1001", "2024-11-10", 9.1, -2.4, "2026-11"],
            ["=HYPERLINK(\"http://x\")", None, "33.73.04.1002", None, 12, None, "2026-11"]]
    reply = sheet_download(header, rows, "kohort-balita-33.73.04", "xlsx")
    assert reply.headers["content-disposition"] == \
        'attachment; filename="kohort-balita-33.73.04.xlsx"'
    sheet = load_workbook(io.BytesIO(reply.body)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert list(sheet.values) == [
        tuple(header),
        ("Bima", "03", "33.73.04.1001", datetime(2024, 11, 10), 9.1, -2.4, "2026-11"),
        ('=HYPERLINK("http://x")', None, "33.73.04.1002", None, 12, None, "2026-11")]
    assert sheet["A3"].data_type == "s"  # text, never run as a formula

    as_csv = sheet_download(header, rows, "kohort", "csv", excel=True).body.decode()
    assert as_csv.startswith("\ufeffnama;rw;") and ";9,1;-2,4;" in as_csv
    assert "'=HYPERLINK" in as_csv  # Excel shows it as text, does not run it
