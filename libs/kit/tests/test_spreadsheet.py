"""Workbooks as Dinkes and posyandu keep them: read as the CSV the importers take, values
as a person typed them, row numbers as the spreadsheet shows them; and downloads as Excel
workbooks that keep each value its type."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from ilp_kit.errors import UnprocessableError
from ilp_kit.spreadsheet import sheet_download, spreadsheet_text, workbook_sheets
from python_calamine import CalamineWorkbook

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_register_sheet_reads_as_typed(workbook) -> None:
    data = workbook(Register=[
        ["NIK", "Nama", "L/P", "Tgl Lahir", "Tgl Periksa", "BB", "Telentang"],
        ["3373041011240001", "Bima  Putra", "L", date(2024, 11, 10),
         datetime(2026, 11, 20), 9.1, False],
        [3373041011240002, "Sari Dewi", "P", "15/03/2025", datetime(2026, 11, 20, 9, 30),
         12.0, True]])
    assert spreadsheet_text(data) == (
        "NIK,Nama,L/P,Tgl Lahir,Tgl Periksa,BB,Telentang\n"
        "3373041011240001,Bima Putra,L,2024-11-10,2026-11-20,9.1,tidak\n"
        # a NIK typed as a number kept 15 digits: as Excel shows it, to be refused
        "3.37304E+15,Sari Dewi,P,15/03/2025,2026-11-20T09:30:00,12,ya\n")


def test_every_sheet_with_something_in_it_by_name_and_rows_as_numbered(workbook) -> None:
    data = workbook(wilayah=[["kode", "nama"], ["34.03", "Gunungkidul"]], kosong=[],
                    fasilitas=[[], ["ID", "Jenis"], [None, None], ["pkm-1", "Puskesmas"]])
    assert workbook_sheets(data) == {"wilayah": "kode,nama\n34.03,Gunungkidul\n",
                                     "fasilitas": "\nID,Jenis\n\npkm-1,Puskesmas\n"}
    with pytest.raises(UnprocessableError, match=r"2 sheets with data \(wilayah, fasilitas\)"):
        spreadsheet_text(data)  # not read in part


def test_an_old_xls_and_an_opendocument_sheet_read_as_an_xlsx() -> None:
    """Excel 97–2003 files are still what many offices save (fixtures made with xlwt
    and odfpy, in tests/fixtures)."""
    for name in ("register.xls", "register.ods"):
        assert spreadsheet_text((FIXTURES / name).read_bytes()) == (
            "NIK,Nama,Tgl Lahir,BB\n3373041011240001,Bima,2024-11-10,9.1\n"), name


def test_a_sheet_spanning_far_more_than_any_list_is_refused(monkeypatch, workbook) -> None:
    from ilp_kit import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 2)
    with pytest.raises(UnprocessableError, match="spans 3 rows and 2 columns: split it"):
        spreadsheet_text(workbook(Sheet=[["kode", "nama"], ["33", "Jawa Tengah"], ["34", "DIY"]]))


@pytest.mark.parametrize("data", [
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),  # a broken .xls
    b"PK\x03\x04" + bytes(100),  # a broken zip, or a .docx
])
def test_what_cannot_be_read_is_refused_saying_so(data: bytes) -> None:
    with pytest.raises(UnprocessableError) as refused:
        spreadsheet_text(data)
    assert "not a workbook (.xlsx, .xls, .ods) nor a CSV file" in refused.value.reason
    assert refused.value.detail()[0]["type"] == "unreadable_spreadsheet"


def test_a_csv_is_still_a_csv() -> None:
    assert spreadsheet_text("kode;nama\n33;Jawa Tengah\n".encode("utf-8-sig")) == \
        "kode;nama\n33;Jawa Tengah\n"


async def test_a_download_as_a_workbook_keeps_each_value_its_type() -> None:
    header = ["nama", "rw", "kode_desa", "tanggal_lahir", "berat_kg", "bb_u_z", "periode"]
    rows = [["Bima", "03", "33.73.04.1001", date(2024, 11, 10), 9.1, -2.4, "2026-11"],
            ["=HYPERLINK(\"http://x\")", None, "33.73.04.1002", "2023-01-31", 12, None,
             "2026-11"]]
    reply = await sheet_download(header, rows, "kohort-balita-33.73.04", "xlsx")
    assert reply.headers["content-disposition"] == \
        'attachment; filename="kohort-balita-33.73.04.xlsx"'
    book = CalamineWorkbook.from_filelike(io.BytesIO(reply.body))
    assert book.get_sheet_by_name("kohort-balita-33.73.04").to_python() == [
        header,
        ["Bima", "03", "33.73.04.1001", date(2024, 11, 10), 9.1, -2.4, "2026-11"],
        ['=HYPERLINK("http://x")', "", "33.73.04.1002", date(2023, 1, 31), 12.0, "",
         "2026-11"]]  # a day as a date, whether given as one or in ISO
    assert b"<f>" not in _sheet_xml(reply.body)  # text, never run as a formula

    as_csv = (await sheet_download(header, rows, "kohort", "csv", excel=True)).body.decode()
    assert as_csv.startswith("\ufeffnama;rw;") and ";9,1;-2,4;" in as_csv
    assert "'=HYPERLINK" in as_csv  # Excel shows it as text, does not run it


def _sheet_xml(xlsx: bytes) -> bytes:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")


def test_a_two_row_header_reads_as_one_and_the_column_numbers_under_it_are_passed() -> None:
    from ilp_kit.spreadsheet import csv_rows

    known = {"code", "name", "rw", "desa"}
    text = ("DAFTAR POSYANDU\n"
            "Kode,Nama,Lokasi,\n"
            ",,Desa,RW\n"
            "1,2,3,4\n"
            "psy-1,Mawar,3403012001,03\n")
    aliases = {"kode": "code", "nama": "name"}
    rows = csv_rows(text, lambda name: aliases.get(name, name), known)
    assert [(rows.line_num, row) for row in rows] == [
        (5, {"code": "psy-1", "name": "Mawar", "desa": "3403012001", "rw": "03"})]
    # one header row: the row below it is data, even when a cell names a column
    rows = csv_rows("Kode,Nama,Lokasi\npsy-1,Mawar,desa\n", lambda name: aliases.get(name, name),
                    known)
    assert [row for row in rows] == [{"code": "psy-1", "name": "Mawar", "lokasi": "desa"}]


def test_a_groups_label_completes_the_names_under_it() -> None:
    """"Tanggal" merged over Lahir | Periksa: the names under it read with it."""
    from ilp_kit.spreadsheet import csv_rows

    aliases = {"nama": "name", "tanggal_lahir": "birth_date", "tanggal": "screened_on",
               "tanggal_periksa": "screened_on", "bb": "weight_kg"}
    known = set(aliases.values())
    text = ("Nama;Tanggal;;BB\n"
            ";Lahir;Periksa;\n"
            "Bima;10/11/2025;05/11/2026;8,9\n")
    rows = csv_rows(text, lambda name: aliases.get(name, name), known)
    assert list(rows) == [{"name": "Bima", "birth_date": "10/11/2025",
                           "screened_on": "05/11/2026", "weight_kg": "8,9"}]
    # a group nothing knows names its columns all the same: "Status Gizi" over Jan | Feb
    # is status_gizi_jan and status_gizi_feb for the reader to refuse or read past, not
    # two columns "jan" and "feb" nobody could find in the sheet
    rows = csv_rows("Nama;Tanggal;;Status Gizi;\n;Lahir;Periksa;Jan;Feb\n"
                    "Bima;10/11/2025;05/11/2026;baik;baik\n",
                    lambda name: aliases.get(name, name), known)
    assert list(rows)[0].keys() == {"name", "birth_date", "screened_on", "status_gizi_jan",
                                    "status_gizi_feb"}


@pytest.mark.parametrize(("header", "name"), [
    ("No. HP", "no_hp"), ("BB (kg)", "bb"), ("Tgl  Lahir", "tgl_lahir"), ("PB / TB (cm)", "pb/tb"),
    ("L / P", "l/p"), ("Nama Ayah / Ibu", "nama_ayah/ibu")])
def test_a_header_as_a_name(header: str, name: str) -> None:
    from ilp_kit.spreadsheet import header_name

    assert header_name(header) == name


MONTH_NAMES = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember"]


@given(st.dates(date(1930, 1, 1), date(2030, 12, 31)),
       st.sampled_from(["{d}/{m}/{y}", "{d:02d}-{m:02d}-{y}", "{d}.{m}.{y}", "{d} {name} {y}",
                        "{d:02d}-{abbr}-{y}", "{y}-{m:02d}-{d:02d}"]))
def test_a_day_as_registers_and_lists_write_it_reads_as_that_day(day: date, shape: str) -> None:
    """Day first, by number or by month name (Indonesian, whole or cut), or already ISO:
    one day, whichever way a register or a Dinkes list writes it."""
    from ilp_kit.spreadsheet import iso_day

    name = MONTH_NAMES[day.month - 1]
    written = shape.format(d=day.day, m=day.month, y=day.year, name=name, abbr=name[:3])
    assert iso_day(written) == day.isoformat(), written


@pytest.mark.parametrize(("text", "year"), [
    ("DATA SASARAN PROGRAM TAHUN 2026", 2026), ("Register Bayi Th. 2025", 2025),
    ("PROYEKSI SASARAN 2027", 2027), ("sasaran-2028.xlsx [Sheet1]", 2028),
    ("PROYEKSI 2020 UNTUK TAHUN 2026", 2026),  # the one said to be the year
    ("SASARAN 2025 DAN 2026", None), ("DATA SASARAN", None), ("RT 12345", None)])
def test_the_year_a_title_or_a_file_name_gives(text: str, year: int | None) -> None:
    from ilp_kit.spreadsheet import year_named

    assert year_named(text) == year
