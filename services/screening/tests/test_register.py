from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st
from ilp_screening.register import in_the_sheets_words, parse_register

CSV = """nik,name,sex,birth_date,screened_on,weight_kg,measured_lying,tb_symptoms,immunizations
3373041011240001,Bima,M,2024-11-10,2026-11-20,9.1,tidak,,BCG; MR1
3373041011240001,Bima,X,2024-11-10,2026-11-20,abc,,,
"""


def test_rows_become_submissions_or_located_problems() -> None:
    (line1, ok, none), (line2, bad, problems) = list(parse_register(CSV, "psy-1"))
    assert (line1, none) == (2, [])
    assert ok is not None and ok.posyandu_id == "psy-1"
    assert ok.measurements.measured_lying is False
    assert ok.measurements.immunizations == ["BCG", "MR1"]
    assert line2 == 3 and bad is None
    assert {p["loc"][-1] for p in problems} >= {"sex", "weight_kg"}


# What a kader's spreadsheet in an Indonesian locale exports: `;` between cells, decimal
# commas, day-first dates, L/P, Indonesian headers with units, a byte-order mark, CRLF.
SPREADSHEET = ("\ufeffNIK;Nama;L/P;Tanggal Lahir;RW;Tgl Timbang;BB (kg);TB (cm);LiLA (cm);"
               "Imunisasi\r\n"
               "3373041011240001;Bima;L;10/11/2024;03;20/11/2026;9,1;79,0;;BCG, MR1\r\n"
               "3373045503250002;Sari;P;15-03-2025;03;20-11-2026;7.9;70,5;13,5;\r\n")


def test_a_spreadsheet_in_an_indonesian_locale_reads_as_meant() -> None:
    (_, bima, none1), (_, sari, none2) = list(parse_register(SPREADSHEET, "psy-1"))
    assert none1 == none2 == []
    assert bima is not None and sari is not None
    assert (bima.person.sex, bima.person.birth_date.isoformat(), bima.screened_on.isoformat()
            ) == ("M", "2024-11-10", "2026-11-20")
    assert (bima.measurements.weight_kg, bima.measurements.height_cm) == (9.1, 79.0)
    assert bima.measurements.immunizations == ["BCG", "MR1"]
    assert (sari.person.sex, sari.person.birth_date.isoformat()) == ("F", "2025-03-15")
    assert (sari.measurements.height_cm, sari.measurements.muac_cm) == (70.5, 13.5)


def test_a_register_under_its_sheets_title_reads_from_its_header() -> None:
    """Kemenkes and Dinkes register templates put a title above the header; a refused row
    is still named by the line the spreadsheet shows."""
    text = ("REGISTER BAYI DAN BALITA;;;;;;\n"
            "POSYANDU MAWAR - KELURAHAN BLOTONGAN;;;;;;\n"
            "Bulan: November 2026;;;;;;\n"
            ";;;;;;\n" + SPREADSHEET.lstrip("\ufeff").replace("9,1;79,0", "9,1;abc"))
    (line1, none, problems), (line2, sari, no_problems) = list(parse_register(text, "psy-1"))
    assert (line1, none, line2, no_problems) == (6, None, 7, [])
    assert [p["loc"] for p in problems] == [("measurements", "height_cm")]
    assert sari is not None and sari.person.name == "Sari"
    untitled = list(parse_register("Nama;Umur\nBima;2\n", "psy-1"))  # no known header
    assert untitled[0][0] == 2  # read from the top, the row refused by its columns


def test_a_sheet_of_several_posyandu_names_each_rows() -> None:
    text = ("ID Posyandu;NIK;Nama;L/P;Tanggal Lahir;Tanggal;BB (kg)\n"
            "psy-mawar;3373041011240001;Bima;L;10/11/2024;20/11/2026;9,1\n"
            "psy-melati;3373045503250002;Sari;P;15/03/2025;20/11/2026;7,9\n")
    rows = list(parse_register(text, None))
    assert [(row[1].posyandu_id if row[1] else row[2]) for row in rows] == [
        "psy-mawar", "psy-melati"]


def test_a_numbered_register_with_a_plain_date_column() -> None:
    """Paper registers number their rows ("No.") and head the day's date "Tanggal": the
    number is not a measurement, the date is the screening's; a row without any date
    column says the date is missing."""
    text = ("No.;NIK;Nama;L/P;Tanggal Lahir;Tanggal;BB (kg)\n"
            "1;3373041011240001;Bima;L;10/11/2024;20/11/2026;9,1\n")
    [(_, bima, problems)] = list(parse_register(text, "psy-1"))
    assert problems == [] and bima is not None
    assert (bima.screened_on.isoformat(), bima.measurements.weight_kg) == ("2026-11-20", 9.1)
    [(_, none, problems)] = list(parse_register(text.replace(";Tanggal;", ";Tangal;"), "psy-1"))
    assert none is None
    assert {(tuple(p["loc"]), p["type"]) for p in problems} == {
        (("screened_on",), "missing"), (("column", "tangal"), "unknown_column")}
    assert "column 'tangal' is not one a register has; did you mean 'tanggal'?" in [
        p["msg"] for p in problems]


def test_a_kms_register_with_the_childs_name_how_the_length_was_taken_and_notes() -> None:
    """"Nama Anak" is the name; "Cara Ukur" says lying or standing; the mother's name, the
    age the register worked out and the notes are not the screening's: left out."""
    text = ("No;Nama Anak;NIK Anak;L/P;Tgl Lahir;Umur (bulan);Tgl Timbang;BB (kg);TB (cm);"
            "Cara Ukur;Lingkar Lengan Atas;Nama Ibu;Keterangan\n"
            "1;Debora;9103014702250002;P;07-02-2025;22;02-12-2026;7,1;69;telentang;12,1;"
            "Martha;BGM\n"
            "2;Yonas;9103010506240001;L;05-06-2024;30;02-12-2026;9,8;78,5;berdiri;;Ruth;\n")
    (_, debora, none1), (_, yonas, none2) = list(parse_register(text, "psy-1"))
    assert none1 == none2 == [] and debora is not None and yonas is not None
    assert (debora.person.name, debora.person.nik) == ("Debora", "9103014702250002")
    assert (debora.measurements.measured_lying, debora.measurements.muac_cm) == (True, 12.1)
    assert yonas.measurements.measured_lying is False


def test_a_posbindu_register_with_its_own_headings() -> None:
    """TD as 120/80 in one column, LP for the waist, LK for a baby's head, GDS, gejala TBC."""
    text = ("NIK;Nama;L/P;Tgl Lahir;Tgl Periksa;TD (mmHg);LP (cm);GDS;Kolesterol;Gejala TBC;"
            "Merokok\n"
            "3373041506800003;Budi;L;15/06/1980;20/11/2026;150/95;92,5;210;245;ya;tidak\n"
            "3373045506800004;Ani;P;15/06/1980;20/11/2026;150;;;;;\n")
    (_, budi, none), (_, ani, _) = list(parse_register(text, "psy-1"))
    assert none == [] and budi is not None
    m = budi.measurements
    assert (m.systolic, m.diastolic, m.waist_cm, m.glucose_random, m.cholesterol_total,
            m.tb_symptoms, m.smoking) == (150, 95, 92.5, 210, 245, True, False)
    assert ani is not None and (ani.measurements.systolic, ani.measurements.diastolic) == (
        150, None)  # half a pressure: the screening's own check says what is missing
    [(_, baby, _)] = list(parse_register(
        "nik;nama;jk;tgl lahir;tgl periksa;lk;edema\n"
        "3373041011250001;Bayi;L;10/11/2025;20/11/2026;41,5;ya\n", "psy-1"))
    assert baby is not None and baby.measurements.head_circumference_cm == 41.5
    assert baby.measurements.oedema is True
    [(_, girl, _)] = list(parse_register(
        "nik;nama;jk;tgl lahir;tgl periksa;Kadar Hb (g/dL)\n"
        "3373045203130002;Rina;P;12/03/2013;20/11/2026;11,2\n", "psy-1"))
    assert girl is not None and girl.measurements.hb == 11.2
    [(_, mother, _)] = list(parse_register(
        "nik;nama;jk;tgl lahir;tgl periksa;usia kehamilan;kunjungan anc;TD;Protein Urin\n"
        "3373045203000002;Sari;P;12/03/2000;20/11/2026;30;4;150/95;++\n", "psy-1"))
    assert mother is not None and mother.measurements.protein_urine == 2


def test_what_is_not_a_date_or_a_number_is_still_refused_with_its_column() -> None:
    text = "nik;name;sex;birth_date;screened_on;weight_kg\n" \
           "3373041011240001;Bima;L;31/02/2024;20/11/2026;9,1,5\n"
    [(_, none, problems)] = list(parse_register(text, "psy-1"))
    assert none is None
    assert {p["loc"][-1] for p in problems} == {"birth_date", "weight_kg"}


def test_a_refused_cell_is_named_by_the_column_the_sheet_writes() -> None:
    """"BB (kg)" under "Pengukuran", "Tgl Periksa", "TD" – not weight_kg, screened_on and
    diastolic, which the kader never typed."""
    text = ("REGISTER BALITA\n"
            "No;Nama;NIK;JK;Tgl Lahir;Tgl Periksa;Pengukuran;;Imunisasi;TD\n"
            ";;;;;;BB (kg);PB/TB (cm);Polio 1;\n"
            "(1);(2);(3);(4);(5);(6);(7);(8);(9);(10)\n"
            "1;Wulan;3373045911250001;P;19/11/2025;20/11/2031;8,x;72,5;01/01/2020;120\n")
    rows = [{"line": line, "detail": problems}
            for line, _submission, problems in parse_register(text, "psy-1")]
    [row] = in_the_sheets_words(rows, text)
    assert {(p["column"], p["loc"][-1]) for p in row["detail"]} == {
        ("BB (kg)", "weight_kg"), ("Polio 1", "OPV1")}
    screened = [{"line": 5, "detail": [{"loc": ["body", "screened_on"], "msg": "…"},
                                       {"loc": ["body", "measurements", "diastolic"]},
                                       {"loc": ["row"], "msg": "twins"}]}]
    assert [p.get("column") for p in in_the_sheets_words(screened, text)[0]["detail"]] == [
        "Tgl Periksa", "TD", None]


@settings(max_examples=200, deadline=None)
@given(weight=st.floats(1, 150).map(lambda w: round(w, 1)),
       height=st.floats(40, 200).map(lambda h: round(h, 1)),
       born=st.dates(date(1930, 1, 1), date(2026, 1, 1)),
       screened=st.dates(date(2026, 1, 1), date(2026, 11, 1)),
       sex=st.sampled_from("MF"))
def test_both_spreadsheet_conventions_give_the_same_submission(
        weight: float, height: float, born: date, screened: date, sex: str) -> None:
    nik = "3373041011240001"
    plain = ("nik,name,sex,birth_date,screened_on,weight_kg,height_cm\n"
             f"{nik},A,{sex},{born},{screened},{weight},{height}\n")
    local = ("NIK;Nama;Jenis Kelamin;Tanggal Lahir;Tanggal Periksa;BB (kg);TB (cm)\n"
             f"{nik};A;{'L' if sex == 'M' else 'P'};{born:%d/%m/%Y};{screened:%d-%m-%Y};"
             f"{str(weight).replace('.', ',')};{str(height).replace('.', ',')}\n")
    [(_, a, _)] = list(parse_register(plain, "psy-1"))
    [(_, b, _)] = list(parse_register(local, "psy-1"))
    assert a is not None and a == b


def test_school_screening_columns_for_sight_hearing_and_teeth() -> None:
    school = ("nik;nama;jk;tanggal_lahir;tanggal;gangguan penglihatan;pendengaran;"
              "gigi berlubang\n"
              "3373045503140002;Sari;P;15-03-2014;20-11-2026;ya;tidak;Ya\n")
    [(_, sari, none)] = list(parse_register(school, "psy-1"))
    assert none == [] and sari is not None
    m = sari.measurements
    assert (m.vision_problem, m.hearing_problem, m.dental_caries) == (True, False, True)


def test_a_child_weighed_again_is_marked_so_in_its_own_column() -> None:
    """An implausible growth z-score is kept when the register says the child was
    measured again (`diukur ulang`)."""
    text = ("NIK;Nama;L/P;Tanggal Lahir;Tgl Timbang;BB (kg);TB (cm);Diukur ulang\n"
            "3373041011240001;Bima;L;10/11/2024;20/11/2026;35;79;ya\n")
    [(_, bima, problems)] = list(parse_register(text, "psy-1"))
    assert problems == [] and bima is not None and bima.measurements.rechecked is True


def test_what_a_spreadsheet_does_to_a_nik_and_to_its_last_lines() -> None:
    """A NIK typed in groups or behind the apostrophe that keeps it text is the NIK; one the
    spreadsheet made a number of is refused saying so; TD may say mmHg; an empty line and
    a "Jumlah" line with nothing but its label are not rows."""
    text = ("No.;NIK;Nama;L/P;Tgl Lahir;Tanggal;TD;No. KK\n"
            "1;'3373041506800003;Budi;L;15/06/1980;20/11/2026;150/95 mmHg;3373 0415 0680 0001\n"
            "2;3373 0455 0680 0004;Ani;P;15/06/1980;20/11/2026;140/90;\n"
            "3;3,37305E+15;Tuti;P;15/06/1980;20/11/2026;150/;\n"
            ";;;;;;;\n"
            "Jumlah;;;;;;;\n")
    (_, budi, none1), (_, ani, none2), (line, tuti, problems) = list(
        parse_register(text, "psy-1"))
    assert none1 == none2 == [] and budi is not None and ani is not None
    assert (budi.person.nik, budi.person.household_id) == ("3373041506800003",
                                                            "3373041506800001")
    assert (budi.measurements.systolic, budi.measurements.diastolic) == (150, 95)
    assert ani.person.nik == "3373045506800004"
    assert line == 4 and tuti is None
    [rounded] = [p for p in problems if p["loc"] == ["person", "nik"]]
    assert rounded["type"] == "rounded_by_spreadsheet" and "as text" in rounded["msg"]
    assert not [p for p in problems if p["loc"][-1] == "diastolic"]  # "150/" is half a TD


@pytest.mark.parametrize(("written", "read"), [
    ("20/11/2026", "2026-11-20"), ("20-11-26", "2026-11-20"), ("20.11.2026", "2026-11-20"),
    ("20 Nov 2026", "2026-11-20"), ("20-Nop-26", "2026-11-20"), ("20 November 2026",
                                                                  "2026-11-20"),
    ("3 Agustus 2026", "2026-08-03"), ("3-Agt-2026", "2026-08-03"), ("1 Mei 2026", "2026-05-01"),
    ("01 Okt 2026", "2026-10-01"), ("2026-11-20", "2026-11-20")])
def test_a_date_as_a_spreadsheet_shows_it(written: str, read: str) -> None:
    """Excel writes a date cell in a CSV as it shows it: two-digit years, month names."""
    [(_, row, problems)] = list(parse_register(
        f"nik;nama;jk;tgl lahir;tgl periksa;bb\n3373041011240001;Bima;L;10/11/24;{written};9\n",
        "psy-1"))
    assert problems == [] and row is not None and row.screened_on.isoformat() == read
    assert row.person.birth_date.isoformat() == "2024-11-10"


def test_a_two_digit_birth_year_still_to_come_is_last_centurys_and_a_bad_date_says_so(
        ) -> None:
    [(_, budi, _), (_, ani, problems)] = list(parse_register(
        "nik;nama;jk;tgl lahir;tgl periksa;td\n"
        "3373041506450001;Budi;L;15/06/45;20/11/26;150/90\n"
        "3373045911240001;Ani;P;19/11/24;kemarin;\n", "psy-1"))
    assert budi is not None and budi.person.birth_date.isoformat() == "1945-06-15"
    assert ani is None and [(p["loc"], p["msg"]) for p in problems] == [
        (("screened_on",), "'kemarin' is not a date: write it day first, as 20/11/2026 or "
                           "20 Nov 2026")]


def test_cells_with_their_units_ticks_and_words_for_yes_and_no() -> None:
    """As registers are typed: "62,5 kg", "13,1 g/dL", "ada" for a symptom there, a tick,
    Pria/Wanita. Only the column's own unit is taken off: 950 g under BB (kg) is refused
    in words, and so is a "-" where ya or tidak was asked."""
    [(_, budi, none), (_, siti, none_either), (_, wrong, problems)] = list(parse_register(
        "NIK;Nama;JK;Tgl Lahir;Tgl Periksa;BB;TB;Hb;Gejala TBC;Merokok;GDS;TD\n"
        "3373041506800001;Budi;Pria;15/06/80;20/11/26;62,5 kg;165 cm;13,1 g/dL;ada;tdk;"
        "145 mg/dl;150/90 mmHg\n"
        "3373045506800002;Siti;Wanita;15/06/80;20/11/26;55;;;√;tidak ada;;\n"
        "3373041506800001;Budi;L;15/06/80;20/11/26;950 g;;;-;;;\n", "psy-1"))
    assert none == none_either == [] and budi is not None and siti is not None
    m = budi.measurements
    assert (budi.person.sex, m.weight_kg, m.height_cm, m.hb, m.tb_symptoms, m.smoking,
            m.glucose_random, m.systolic) == ("M", 62.5, 165, 13.1, True, False, 145, 150)
    assert (siti.person.sex, siti.measurements.tb_symptoms, siti.measurements.smoking) == (
        "F", True, False)
    assert wrong is None and sorted((p["loc"], p["msg"]) for p in problems) == [
        (("measurements", "tb_symptoms"),
         "'-' is neither ya nor tidak; leave the cell empty if it was not asked"),
        (("measurements", "weight_kg"), "'950 g' is not a number in kg")]


def kemenkes_style_register(rows: list[list[object]]) -> dict[str, list[list[object]]]:
    """A register's sheet as district templates lay it out: a title, a two-row header with
    merged cells ("Pengukuran" over BB | PB/TB, "Imunisasi" over each dose; "Nama" down
    both rows), the row of column numbers under it, and a status the kader worked out."""
    down = [(name, 2, 1) for name in ("No", "Nama", "NIK", "JK", "Tgl Lahir", "Tanggal")]
    return {"November": [
        ["REGISTER BAYI DAN BALITA – POSYANDU MAWAR"],
        [*down, ("Pengukuran", 1, 2), None, ("Status Gizi", 2, 1), ("Imunisasi", 1, 3)],
        [None] * 6 + ["BB (kg)", "PB/TB (cm)", None, "HB-0", "Polio 1", "DPT-HB-Hib 1"],
        [f"({n})" for n in range(1, 13)], *rows]}


def test_a_register_with_a_two_row_header_and_a_column_per_dose(workbook) -> None:
    from ilp_kit.spreadsheet import spreadsheet_text

    text = spreadsheet_text(workbook(**kemenkes_style_register([
        [1, "Bima", "3373041011250001", "L", "10/01/2026", "05/11/2026", 7.9, 66.5, "Baik",
         None, "√", "05/11/2026"],
        [2, "Sari", "3373045501260002", "P", "15/01/2026", "05/11/2026", 7.1, 64, "Baik",
         None, "01/10/2026", None],
        [3, "Tono", "3373041002260003", "L", "10/02/2026", "05/11/2026", 6.8, 63, "Kurang",
         "tidak", "ya", "Polio 1"]])))
    (line1, bima, none), (line2, sari, dated), (line3, tono, unread) = list(
        parse_register(text, "psy-1"))
    assert (line1, line2, line3, none) == (5, 6, 7, [])  # as the spreadsheet numbers them
    assert bima is not None and bima.person.name == "Bima"
    assert (bima.measurements.weight_kg, bima.measurements.height_cm) == (7.9, 66.5)
    assert bima.measurements.immunizations == ["OPV1", "DPT-HB-Hib1"]
    # a dose dated another day is not this visit's: refused with the row, not moved
    assert sari is None and [p["type"] for p in dated] == ["dose_not_this_visit"]
    assert "2026-10-01" in dated[0]["msg"] and dated[0]["loc"] == ["column", "OPV1"]
    assert tono is None and [p["loc"] for p in unread] == [["column", "DPT-HB-Hib1"]]


def test_a_data_row_is_never_taken_for_the_headers_second_row() -> None:
    """A row whose cells under the header's known columns are values, not names."""
    text = ("Nama,NIK,JK,Tgl Lahir,Tanggal,BB,Keterangan\n"
            "Bima,3373041011250001,L,10/01/2026,05/11/2026,7.9,bb\n")
    ((line, bima, none),) = list(parse_register(text, "psy-1"))
    assert (line, none) == (2, []) and bima is not None and bima.person.name == "Bima"


def test_a_district_sheet_names_each_rows_posyandu_by_its_name() -> None:
    """A puskesmas's sheet of several posyandu writes their names, not the registry's ids:
    a name one place in the caller's wilayah has is that place; one no place has, or
    several do (each desa may have its Mawar), refuses the row saying which."""
    from ilp_screening.register import Places, posyandu_names

    text = ("Nama,NIK,JK,Tgl Lahir,Tanggal,BB,Posyandu,ID Posyandu\n"
            "Bima,3373041011250001,L,10/01/2026,05/11/2026,7.9,Posyandu Anggrek,\n"
            "Sari,3373045501260002,P,15/01/2026,05/11/2026,7.1,MAWAR,\n"
            "Tono,3373041002260003,L,10/02/2026,05/11/2026,6.8,Melati 2,\n"
            "Tini,3373045002260004,P,10/02/2026,05/11/2026,6.8,Mawar,psy-mawar-1\n"
            "Dewi,3373045002260005,P,10/02/2026,05/11/2026,6.8,,\n")
    assert posyandu_names(text) == {"anggrek", "mawar", "melati 2"}
    places: Places = {
        "anggrek": [("psy-anggrek", "33.73.04.1001", "blotongan")], "melati 2": [],
        "mawar": [("psy-mawar-1", "33.73.04.1001", "blotongan"),
                  ("psy-mawar-2", "33.73.04.1002", "sidorejo lor")]}
    bima, sari, tono, tini, dewi = list(parse_register(text, "psy-file", places))
    assert bima[1] is not None and bima[1].posyandu_id == "psy-anggrek"
    assert sari[1] is None and sari[2][0]["type"] == "ambiguous_posyandu"
    assert "psy-mawar-1 (desa 33.73.04.1001), psy-mawar-2" in sari[2][0]["msg"]
    assert tono[1] is None and tono[2][0]["type"] == "unknown_posyandu"
    assert "'Melati 2'" in tono[2][0]["msg"]
    assert tini[1] is not None and tini[1].posyandu_id == "psy-mawar-1"  # its ID says
    assert dewi[1] is not None and dewi[1].posyandu_id == "psy-file"  # the file's


def test_a_child_without_a_nik_is_known_by_her_mothers_and_which_child_she_is() -> None:
    """Babies get their NIK months after birth: the register gives the mother's (NIK Ibu)
    and, for twins, Anak ke; without it the child is her birth date, the same each month."""
    text = ("Nama;NIK;NIK Ibu;Anak ke;L/P;Tgl Lahir;Tanggal;BB\n"
            "Bayi Wulan;;3373 0459 1195 0001;2;P;19/11/2025;20/11/2026;8,2\n"
            "Bayi Sekar;;3373045911950001;;P;19/11/2025;20/11/2026;8,0\n"
            "Bima;3373041011250001;3373045911950001;1;L;10/11/2025;20/11/2026;8,9\n"
            "Tanpa NIK;;;;L;10/11/2025;20/11/2026;8,9\n")
    wulan, sekar, bima, nobody = list(parse_register(text, "psy-1"))
    with_numbers = ("Nama;NIK;NIK Ibu;No. Register;L/P;Tgl Lahir;Tanggal;BB\n"
                    "Yakob;;;CDW-012;L;02/04/1958;20/11/2026;58\n"
                    "Bayi Sekar;;3373045911950001;CDW-101;P;19/11/2025;20/11/2026;8,0\n"
                    "Bima;3373041011250001;;CDW-102;L;10/11/2025;20/11/2026;8,9\n")
    yakob, by_mother, by_nik = list(parse_register(with_numbers, "psy-1"))
    assert yakob[1] is not None and yakob[1].person.local_id == "CDW-012"  # no NIK at all
    assert by_mother[1] is not None and by_mother[1].person.local_id == "lahir-2025-11-19"
    assert by_nik[1] is not None and by_nik[1].person.local_id is None
    assert wulan[1] is not None and (wulan[1].person.mother_nik, wulan[1].person.local_id) == (
        "3373045911950001", "anak-2")
    assert sekar[1] is not None and sekar[1].person.local_id == "lahir-2025-11-19"
    assert bima[1] is not None and (bima[1].person.nik, bima[1].person.local_id) == (
        "3373041011250001", None)  # by her own NIK
    assert nobody[1] is None and [(p["loc"], p["msg"]) for p in nobody[2]] == [
        (["column", "nik"], "no NIK: give the person's NIK; for a child without one yet, her "
                            "mother's (NIK Ibu); for anyone else without one, her number in "
                            "the posyandu's register (No. Register)")]


def test_columns_other_programmes_keep_are_read_past_and_named() -> None:
    """KMS, BB lahir, No. HP: a posyandu register keeps them, no screening here records
    them – each row is still taken, and the report names the columns not read. A misspelt
    measurement is still refused."""
    from ilp_screening.register import columns_not_read

    text = ("Nama;NIK;JK;Tgl Lahir;Tanggal;BB (kg);Vitamin A;Obat Cacing;KMS;BB Lahir (gram);"
            "No. HP\n"
            "Bima;3373041011250001;L;10/11/2024;05/11/2026;9,1;merah;ya;ya;3200;0812\n")
    ((_, bima, none),) = list(parse_register(text, "psy-1"))
    assert none == [] and bima is not None and bima.measurements.weight_kg == 9.1
    assert bima.measurements.vitamin_a is True  # the capsule, by its colour
    assert bima.measurements.vitamin_a_capsule == "merah"
    assert bima.measurements.deworming is True
    assert columns_not_read(text) == ["KMS", "BB Lahir (gram)", "No. HP"]
    pmt = text.replace("KMS", "PMT")  # supplementary food given: read
    ((_, fed, none),) = list(parse_register(pmt, "psy-1"))
    assert none == [] and fed is not None and fed.measurements.supplementary_food is True
    assert columns_not_read(pmt) == ["BB Lahir (gram)", "No. HP"]
    ((_, refused, problems),) = list(parse_register(text.replace("BB (kg)", "Brat"), "psy-1"))
    assert refused is None and problems[0]["type"] == "unknown_column"


def test_a_register_of_pregnant_women_reads_as_a_bidan_keeps_it() -> None:
    """A Kohort Ibu: her name under "Nama Ibu", no sex column, how far along from her HPHT,
    her contact as K2; its TT her Td given (TT2: she is T2); its ANC columns not kept here
    (TFU, DJJ) read past. In a
    balita's register "Nama Ibu" is the child's mother and "Kunjungan ke" no ANC."""
    from ilp_screening.register import columns_not_read

    text = ("Nama Ibu;NIK;Tgl Lahir;Tanggal;HPHT;Kunjungan ke;LiLA (cm);TD;Hb;TFU;TT\n"
            "Siti;3373044107980001;01/07/1998;05/11/2026;10/06/2026;K2;24;110/70;11,5;20;TT2\n")
    ((_, siti, none),) = list(parse_register(text, "psy-1"))
    assert none == [] and siti is not None
    assert (siti.person.name, siti.person.sex) == ("Siti", "F")
    assert siti.pregnancy is not None
    assert (siti.pregnancy.last_period, siti.pregnancy.anc_visit) == (date(2026, 6, 10), 2)
    assert siti.pregnancy.weeks_on(siti.screened_on) == 21
    assert (siti.measurements.muac_cm, siti.measurements.systolic) == (24.0, 110.0)
    assert (siti.measurements.immunizations, siti.measurements.tetanus_status) == (["Td"], 2)
    assert columns_not_read(text) == ["TFU"]
    balita = ("Nama;Nama Ibu;NIK;JK;Tgl Lahir;Tanggal;Kunjungan ke;BB\n"
              "Bima;Siti;3373041011250001;L;10/11/2025;05/11/2026;3;9,1\n")
    ((_, bima, none),) = list(parse_register(balita, "psy-1"))
    assert none == [] and bima is not None
    assert (bima.person.name, bima.pregnancy) == ("Bima", None)


def test_a_posbindu_register_keeps_its_behaviours_and_follow_up_apart() -> None:
    from ilp_screening.register import columns_not_read

    text = ("Nama;NIK;JK;Tgl Lahir;Tanggal;TD;GDS;Asam Urat;Kurang Aktivitas Fisik;"
            "Konsumsi Alkohol;Tindak Lanjut\n"
            "Budi;3373041011800001;L;10/11/1980;05/11/2026;150/95;180;7,1;ya;tidak;konseling\n")
    ((_, budi, none),) = list(parse_register(text, "psy-1"))
    assert none == [] and budi is not None and budi.measurements.glucose_random == 180
    assert columns_not_read(text) == ["Asam Urat", "Kurang Aktivitas Fisik",
                                      "Konsumsi Alkohol", "Tindak Lanjut"]


def test_a_household_list_with_civil_registration_columns_is_read() -> None:
    """A Pendataan Keluarga sheet carries Dukcapil's columns (hubungan dengan KK, agama,
    pendidikan, pekerjaan, …): read past, named; a baby without a NIK by her mother's."""
    from ilp_screening.register import columns_not_read, parse_household

    text = ("No KK;NIK;NIK Ibu;Nama;JK;Tgl Lahir;Hubungan dengan KK;Agama;Pekerjaan;"
            "Nama Ibu;Hamil\n"
            "3373040101200001;3373044107980001;;Siti;P;01/07/1998;Istri;Islam;IRT;Sri;ya\n"
            "3373040101200001;;3373044107980001;Bayi;P;01/09/2026;Anak;Islam;;Siti;\n")
    (_, siti, none), (_, baby, nothing) = list(parse_household(text))
    assert none == nothing == [] and siti is not None and baby is not None
    assert siti.pregnant and (siti.person.name, siti.person.household_id) == (
        "Siti", "3373040101200001")
    assert (baby.person.mother_nik, baby.person.local_id) == (
        "3373044107980001", "lahir-2026-09-01")
    assert columns_not_read(text) == ["Hubungan dengan KK", "Agama", "Pekerjaan"]


def test_a_persons_dusun_is_her_rws_label_where_a_desa_has_dusun() -> None:
    """Outside Java most desa have dusun, not numbered RWs: a Dusun column is where the
    person lives – said as a dusun ("1" is Dusun 1, not RW 1), for the kader covering it
    to visit – unless the row gives her RW too."""
    from ilp_screening.register import parse_household

    text = ("NIK;Nama;JK;Tgl Lahir;Dusun;RW\n"
            "5318010101800013;Petrus;L;01/01/1980;1;\n"
            "5318015506980002;Ina;P;15/06/1998;Dsn. Wee Londa;\n"
            "5318014101500004;Oma;P;01/01/1950;Krajan;\n"
            "5318016003950020;Dada;P;20/03/1995;Dusun 2;04\n")
    rows = [row.person.rw for _line, row, problems in parse_household(text)
            if row is not None and not problems]
    assert rows == ["Dusun 1", "Dsn. Wee Londa", "Dusun Krajan", "04"]
    ((_, visit, none),) = list(parse_register(
        "Nama;NIK;JK;Tgl Lahir;Tanggal;BB;Nama Dusun\n"
        "Bima;5318011011250001;L;10/11/2025;05/11/2026;9,1;Kalembu\n", "psy-1"))
    assert none == [] and visit is not None and visit.person.rw == "Dusun Kalembu"


def test_a_row_with_no_posyandu_says_where_to_give_it() -> None:
    text = "Nama;NIK;JK;Tgl Lahir;Tanggal;BB\nBima;3373041011250001;L;10/11/2025;05/11/2026;9,1\n"
    ((_, none, problems),) = list(parse_register(text, None))
    assert none is None and problems[0]["loc"] == ("posyandu_id",)
    assert problems[0]["msg"].startswith("which posyandu: choose it for the whole file")


@pytest.mark.parametrize(("written", "key"), [
    ("Posyandu Mawar 3", "mawar 3"), ("POSYANDU  MAWAR 3", "mawar 3"), ("Mawar 3", "mawar 3"),
    ("Posyandu ILP Mawar 3", "mawar 3"), ("Pos. Mawar 3", "mawar 3"),
    ("Pustu Blotongan", "pustu blotongan"), ("Posko Mawar", "posko mawar")])
def test_a_places_name_as_sheets_write_it(written: str, key: str) -> None:
    from ilp_contracts.registry import place_name_key

    assert place_name_key(written) == key


def test_a_kohort_ibu_with_her_hpl_counts_her_weeks_from_it() -> None:
    """HPL (taksiran persalinan) 17/03/2027: her HPHT 280 days before, 10 June 2026 – 21
    weeks on 5 November. An HPL nobody can read is refused at its column, saying so."""
    text = ("Nama Ibu;NIK;Tgl Lahir;Tanggal;Taksiran Persalinan;Kunjungan ke;LiLA (cm)\n"
            "Siti;3373044107980001;01/07/1998;05/11/2026;17/03/2027;K2;24\n"
            "Ani;3373044107980002;01/07/1998;05/11/2026;bulan maret;K1;24\n")
    (_, siti, none), (line, ani, problems) = list(parse_register(text, "psy-1"))
    assert none == [] and siti is not None and siti.pregnancy is not None
    assert siti.pregnancy.last_period == date(2026, 6, 10)
    assert siti.pregnancy.weeks_on(siti.screened_on) == 21
    assert ani is None
    [said] = in_the_sheets_words([{"line": line, "detail": problems}], text)[0]["detail"]
    assert (said["column"], said["type"]) == ("Taksiran Persalinan", "date_from_datetime_parsing")
    assert "'bulan maret' is not a date" in said["msg"]


def test_a_kohort_ibu_without_k_numbers_gives_her_contacts_all_the_same() -> None:
    """Her K number is hers to write where the register keeps it, not needed: K1 and K6
    are counted from her contacts (a register with no `Kunjungan ke` refused every row)."""
    text = ("Nama Ibu;NIK;Tgl Lahir;Tanggal;UK (minggu);LiLA;Hb\n"
            "Siti;3373044107980001;01/07/1998;05/11/2026;21;24;11,5\n")
    ((_, siti, none),) = list(parse_register(text, "psy-1"))
    assert none == [] and siti is not None and siti.pregnancy is not None
    assert (siti.pregnancy.gestational_weeks, siti.pregnancy.anc_visit) == (21, None)


def test_an_hpht_nobody_can_read_refuses_its_row_saying_so() -> None:
    text = ("Nama Ibu;NIK;Tgl Lahir;Tanggal;HPHT;LiLA\n"
            "Siti;3373044107980001;01/07/1998;05/11/2026;bulan lalu;24\n")
    ((line, none, problems),) = list(parse_register(text, "psy-1"))
    assert none is None and [(p["loc"], p["type"]) for p in problems] == [
        (("pregnancy", "last_period"), "date_from_datetime_parsing")]
    [said] = in_the_sheets_words([{"line": line, "detail": problems}], text)
    assert said["detail"][0]["column"] == "HPHT"
    assert "'bulan lalu' is not a date" in said["detail"][0]["msg"]


def test_a_kohort_ibu_kept_by_contact_gives_a_contact_each_day() -> None:
    """A Kohort Ibu a woman a row, a column per contact (K1 … K6, the day of each): a
    contact each day, each dated by her HPHT – the row's LiLA and Hb with its latest, the
    earlier ones with nothing measured, as copied from her Buku KIA."""
    text = ("Nama Ibu;NIK;Tgl Lahir;HPHT;K1;K2;K3;K4;K5;K6;LiLA (cm);Hb\n"
            "Siti;3373044107980001;01/07/1998;02/03/2026;11/05/2026;22/06/2026;03/08/2026;"
            "21/09/2026;19/10/2026;09/11/2026;24;11,5\n")
    rows = list(parse_register(text, "psy-1"))
    assert [problems for *_, problems in rows] == [[]] * 6
    contacts = [sub for _, sub, _ in rows if sub is not None]
    assert [(c.pregnancy.anc_visit, c.pregnancy.weeks_on(c.screened_on)) for c in contacts] == [
        (1, 10), (2, 16), (3, 22), (4, 29), (5, 33), (6, 36)]
    assert {c.person.name for c in contacts} == {"Siti"}
    assert [c.measurements.model_dump(exclude_none=True, exclude={"immunizations"})
            for c in contacts] == [{}] * 5 + [{"muac_cm": 24.0, "hb": 11.5}]


def test_a_kohort_ibu_by_contact_dated_by_the_rows_uk_and_its_problems_at_their_columns() -> None:
    """Her HPL dates them as her HPHT does; without either, the row's UK on its own day;
    without any, the row says what is missing; a contact's day nobody can read, or one before
    her HPHT, is refused at its K column and the rest of the row taken."""
    by_hpl = ("Nama Ibu;NIK;Tgl Lahir;HPL;K1;K2\n"
              "Ani;3373044107980002;01/07/1998;07/12/2026;11/05/2026;22/06/2026\n")
    assert [(sub.pregnancy.anc_visit, sub.pregnancy.weeks_on(sub.screened_on))
            for _, sub, _ in parse_register(by_hpl, "psy-1")] == [(1, 10), (2, 16)]
    text = ("Nama Ibu;NIK;Tgl Lahir;Tanggal;UK;K1;K2;K3\n"
            "Ani;3373044107980002;01/07/1998;03/08/2026;22;11/05/2026;22/06/2026;03/08/2026\n"
            "Rina;3373044107980003;01/07/1998;03/08/2026;;11/05/2026;;03/08/2026\n"
            "Eka;3373044107980004;01/07/1998;03/08/2026;22;01/01/2026;besok;03/08/2026\n")
    rows = list(parse_register(text, "psy-1"))
    ani = [sub for line, sub, _ in rows if line == 2]
    assert [(c.pregnancy.anc_visit, c.pregnancy.weeks_on(c.screened_on)) for c in ani] == [
        (1, 10), (2, 16), (3, 22)]
    refused = [{"line": line, "detail": problems} for line, sub, problems in rows if sub is None]
    said = {row["line"]: [(p.get("column"), p["loc"], p["type"]) for p in row["detail"]]
            for row in in_the_sheets_words(refused, text)}
    assert said[3] == [(None, ["column", "last_period"], "missing")]  # no HPHT column
    assert said[4] == [("K2", ["column", "contact:2"], "date_from_datetime_parsing")]
    assert [sub.screened_on for line, sub, _ in rows if line == 4 and sub] == [
        date(2026, 1, 1), date(2026, 8, 3)]  # (K1 before her HPHT: refused at intake)


def test_a_kohort_ibu_ticking_which_k_the_rows_visit_is() -> None:
    """Some registers tick the row's contact under K1 … K6 rather than date each: the row
    is one visit, that K."""
    text = ("Nama Ibu;NIK;Tgl Lahir;Tanggal;UK;K1;K2;K3;K4;K5;K6;LiLA\n"
            "Siti;3373044107980001;01/07/1998;05/11/2026;21;;;v;;;;24\n")
    ((_, siti, none),) = list(parse_register(text, "psy-1"))
    assert none == [] and siti is not None and siti.pregnancy is not None
    assert (siti.screened_on, siti.pregnancy.anc_visit, siti.pregnancy.gestational_weeks) == (
        date(2026, 11, 5), 3, 21)


def test_a_row_without_a_birth_date_has_its_niks_or_an_adults_age() -> None:
    """A lansia register often has no Tgl Lahir: the NIK writes the day (a woman's + 40,
    and so her sex); without one, an adult's `Umur` puts her birth in the middle of that
    year. A child's age in years cannot be read as a birth date (her growth needs it)."""
    text = ("Nama;NIK;No. Register;L/P;Tgl Lahir;Umur;Tanggal;TD\n"
            "Agustina;9171034502580001;;;;;04/12/2026;150/90\n"
            "Yakob;;CDW-012;L;;70 th;04/12/2026;176/94\n"
            "Yakob;;CDW-012;L;;70;03/03/2026;170/90\n"
            "Nelly;;CDW-201;P;;3;04/12/2026;\n"
            "Oktovina;9171034107500002;;P;01/07/1950;99;04/12/2026;120/80\n"
            "Silas;9171031003250003;;L;;;04/12/2026;130/80\n"
            "Silas;9171031003250003;;L;;101;04/12/2026;130/80\n")
    agustina, december, march, child, given, old, aged = list(parse_register(text, "psy-1"))
    assert agustina[1] is not None
    assert (agustina[1].person.birth_date, agustina[1].person.sex) == (date(1958, 2, 5), "F")
    assert december[1] is not None and december[1].person.birth_date == date(1956, 7, 1)
    assert march[1] is not None and march[1].person.birth_date == date(1955, 7, 1)
    assert child[1] is None and [p["msg"] for p in child[2] if "birth_date" in p["loc"]] == [
        "no birth date: give Tgl Lahir, her NIK, or – from 15 years – her age (Umur)"]
    assert given[1] is not None and given[1].person.birth_date == date(1950, 7, 1)
    assert old[1] is not None and old[1].person.birth_date == date(2025, 3, 10)  # latest century
    assert aged[1] is not None and aged[1].person.birth_date == date(1925, 3, 10)  # as his age


def test_a_register_without_a_date_column_is_of_the_day_its_title_or_the_posyandu_says() -> None:
    """A month's Posbindu or lansia register often has no Tanggal column: its title names
    the day, or the month – and the posyandu's day is given, as for a register by month."""
    from ilp_kit.errors import InvalidInput
    from ilp_screening.register import day_of_visits

    rows = "No;NIK;Nama;L/P;Tgl Lahir;TD\n1;9171034502580001;Agustina;P;05/02/1958;150/90\n"
    month = "REGISTER POSBINDU CENDRAWASIH;;;\nBULAN DESEMBER 2026;;;\n" + rows
    assert day_of_visits(month, None, 4) == "2026-12-04"
    assert day_of_visits("REGISTER POSBINDU BULAN FEBRUARI;;\n" + rows, 2026, 30) == "2026-02-28"
    assert day_of_visits("POSBINDU TANGGAL 3 Desember 2026\n" + rows, None, None) == "2026-12-03"
    assert day_of_visits("Nama;Tanggal;TD\nA;04/12/2026;120/80\n", None, None) is None
    for unknown in (month, "REGISTER POSBINDU 2026\n" + rows):
        with pytest.raises(InvalidInput) as refused:
            day_of_visits(unknown, None, None if unknown == month else 4)
        assert refused.value.detail()[0]["loc"] == ["query", "day"]
    [(_line, visit, problems)] = parse_register(month, "psy-1", on="2026-12-04")
    assert problems == [] and visit is not None and visit.screened_on == date(2026, 12, 4)


def test_skilas_columns_domain_by_domain() -> None:
    """A lansia register heads SKILAS as its form does, a column per domain."""
    text = ("Nama;NIK;L/P;Tgl Lahir;Tanggal;Penurunan Kognitif;Keterbatasan Mobilisasi;"
            "Malnutrisi;Gangguan Penglihatan;Gangguan Pendengaran;Gejala Depresi\n"
            "Agustina;9171034502580001;P;05/02/1958;04/12/2026;ya;tidak;tidak;ya;tidak;ya\n")
    [(_line, visit, problems)] = parse_register(text, "psy-1")
    assert problems == [] and visit is not None
    m = visit.measurements
    assert (m.cognitive_decline, m.limited_mobility, m.malnutrition_risk, m.vision_problem,
            m.hearing_problem, m.depressive_symptoms) == (True, False, False, True, False, True)


def test_a_dash_is_a_measure_not_taken() -> None:
    """Registers write "-" (or "tidak diukur") where a measure was not taken: the row is
    recorded with what was; a yes/no column's "-" stays unclear (refused, as before)."""
    text = ("Nama;NIK;L/P;Tgl Lahir;Tanggal;BB;TB;LiLA;RT;Gejala TBC\n"
            "Bima;3373041011240001;L;10/11/2024;20/11/2026;9,1;-;tidak diukur;—;tidak ada\n"
            "Sari;3373045011240002;P;10/11/2024;20/11/2026;9,0;80;;;-\n")
    bima, sari = list(parse_register(text, "psy-1"))
    assert bima[2] == [] and bima[1] is not None
    measured = bima[1].measurements.model_dump(exclude_none=True, exclude={"immunizations"})
    assert measured == {"weight_kg": 9.1, "tb_symptoms": False}
    assert sari[1] is None and sari[2][0]["loc"][-1] == "tb_symptoms"


def test_a_bare_umur_is_years_only_where_it_cannot_be_a_balitas_months() -> None:
    """`Umur (th)` 34 is 34 years; a bare `Umur` 20 may be a balita's 20 months – no
    birth date is made of it – and 68 cannot be; `Umur (bln)` is months, never years."""
    def born(header: str, age: str) -> object:
        text = f"Nama;No. Register;L/P;{header};Tanggal;BB\nA;R-1;P;{age};04/12/2026;9\n"
        [(_line, visit, _problems)] = parse_register(text, "psy-1")
        return visit.person.birth_date if visit else None
    assert born("Umur (th)", "34") == date(1992, 7, 1)
    assert born("Umur", "34 tahun") == date(1992, 7, 1)
    assert born("Umur", "20") is None and born("Umur (bln)", "20") is None
    assert born("Umur", "68") == date(1958, 7, 1)


def test_diy_and_sumatera_barat_write_their_dusun_their_own_way() -> None:
    """DIY's padukuhan and Sumatera Barat's jorong are the desa's dusun: the person's
    place, which the kader covering it visits."""
    for column, place in (("Padukuhan", "Krapyak"), ("Jorong", "Koto Tuo")):
        text = f"Nama;NIK;L/P;Tgl Lahir;Tanggal;BB;{column}\n" \
               f"Bima;3373041011240001;L;10/11/2024;20/11/2026;9,1;{place}\n"
        [(_line, visit, _problems)] = parse_register(text, "psy-1")
        assert visit is not None and visit.person.rw == f"Dusun {place}"


def test_a_vitamin_a_capsule_is_read_ticked_by_its_colour_or_under_its_colour() -> None:
    """The bulan vitamin A's column: ticked, "ya", or the capsule's colour is given (and
    kept: a red one to a baby is a finding); "tidak" not given; a column per colour (Biru |
    Merah) given, of its colour, where either is ticked.
    A cell neither is refused at its column, as any yes/no."""
    head = "Nama;NIK;JK;Tgl Lahir;Tanggal;BB (kg);{}\n"
    row = "Bima;3373041011250001;L;10/11/2025;05/02/2026;9,1;{}\n"
    for cell, capsule, colour in (("v", True, None), ("Kapsul Biru", True, "biru"),
                                  ("tidak", False, None), ("", None, None)):
        ((_, bima, none),) = list(parse_register(head.format("Vit. A") + row.format(cell),
                                                 "psy-1"))
        assert none == [] and bima is not None and bima.measurements.vitamin_a is capsule, cell
        assert bima.measurements.vitamin_a_capsule == colour, cell
    for cells, capsule, colour in ((";v", True, "merah"), ("v;", True, "biru"),
                                   ("tidak;tidak", False, None), (";", None, None)):
        ((_, bima, none),) = list(parse_register(
            head.format("Vitamin A Biru;Vitamin A Merah") + row.format(cells), "psy-1"))
        assert none == [] and bima is not None and bima.measurements.vitamin_a is capsule, cells
        assert bima.measurements.vitamin_a_capsule == colour, cells
    ((_, refused, problems),) = list(parse_register(
        head.format("Vitamin A") + row.format("kuning"), "psy-1"))
    assert refused is None and [(p["loc"], p["msg"]) for p in problems] == [
        (("measurements", "vitamin_a"), "'kuning' is neither ya nor tidak; leave the cell "
                                        "empty if it was not asked")]


def test_a_schools_screening_list_is_read_as_its_pupils_visits() -> None:
    """Penjaringan kesehatan anak sekolah: the pupil under "Nama Siswa", the school's own
    columns (NISN, Kelas, Nama Sekolah) read past and named, her eyes' acuity as
    "Visus: normal" or "kurang", her teeth and hearing so too."""
    from ilp_screening.register import columns_not_read

    text = ("PENJARINGAN KESEHATAN SD INPRES OEBESA TAHUN 2026\n"
            "No;Nama Siswa;NISN;NIK;JK;Tgl Lahir;Kelas;Nama Sekolah;Tgl Pemeriksaan;BB (kg);"
            "TB (cm);Visus;Pendengaran;Karies Gigi\n"
            "1;Desi Benu;0123456789;5302065503180001;P;15/03/2018;1;SD Inpres Oebesa;"
            "10/11/2026;19,5;112;normal;baik;ya\n"
            "2;Roni Tse;0123456790;5302061207180002;L;12/07/2018;1;SD Inpres Oebesa;"
            "10/11/2026;17;110;kurang;;tidak\n")
    (_, desi, none), (_, roni, nothing) = list(parse_register(text, "psy-1"))
    assert none == nothing == [] and desi is not None and roni is not None
    assert (desi.person.name, desi.measurements.weight_kg) == ("Desi Benu", 19.5)
    assert (desi.measurements.vision_problem, desi.measurements.hearing_problem,
            desi.measurements.dental_caries) == (False, False, True)
    assert (roni.measurements.vision_problem, roni.measurements.hearing_problem) == (True, None)
    assert columns_not_read(text) == ["NISN", "Kelas", "Nama Sekolah"]
    ((_, refused, problems), _roni) = list(parse_register(text.replace("normal", "6/9"),
                                                          "psy-1"))
    assert refused is None and [p["msg"] for p in problems] == [
        "'6/9': write the examination's result – normal, or tidak normal (kurang) –, or "
        "ya/tidak for a problem found; leave the cell empty if it was not examined"]


def test_a_posbindus_iva_and_sadanis_are_read_in_its_words() -> None:
    """The Posbindu's early detection of cancer: IVA positif/negatif, SADANIS normal or
    "ada benjolan"; its PPOK screening's PUMA score."""
    text = ("Nama;NIK;JK;Tgl Lahir;Tanggal;TD;IVA;SADANIS;Skor PUMA\n"
            "Maria;5302064503850001;P;05/03/1985;10/11/2026;120/80;positif;normal;\n"
            "Yuli;5302065204880002;P;12/04/1988;10/11/2026;118/76;negatif;ada benjolan;7\n")
    (_, maria, none), (_, yuli, nothing) = list(parse_register(text, "psy-1"))
    assert none == nothing == [] and maria is not None and yuli is not None
    assert (maria.measurements.puma, yuli.measurements.puma) == (None, 7)
    assert (maria.measurements.iva_positive, maria.measurements.breast_lump) == (True, False)
    assert (yuli.measurements.iva_positive, yuli.measurements.breast_lump) == (False, True)


def test_exclusive_breastfeeding_is_read_and_not_read_past_any_more() -> None:
    """"ASI Eksklusif" (ya/tidak) is the baby's exclusive breastfeeding; for a child of 6
    months or more it is kept and named as not read."""
    from ilp_screening.domain.classify import not_read
    from ilp_screening.register import columns_not_read

    text = ("Nama;NIK;JK;Tgl Lahir;Tanggal;BB (kg);ASI Eksklusif\n"
            "Bayi;3373041011260001;L;10/08/2026;05/11/2026;6,1;ya\n")
    ((_, baby, none),) = list(parse_register(text, "psy-1"))
    assert none == [] and baby is not None and baby.measurements.exclusive_breastfeeding is True
    assert columns_not_read(text) == []
    assert not_read("balita", "M", 2, ["exclusive_breastfeeding"]) == []
    assert not_read("balita", "M", 8, ["exclusive_breastfeeding"]) == ["exclusive_breastfeeding"]


def test_iron_tablets_and_deworming_are_read_as_registers_write_them() -> None:
    """A Kohort Ibu's TTD (or older registers' Fe) is how many tablets were given – "30",
    "30 tablet" –; a tick says nothing of how many and is refused saying what to write. A
    posyandu's Obat Cacing is ticked (read past before)."""
    text = ("Nama Ibu;NIK;Tgl Lahir;Tanggal;UK (minggu);TTD (tablet);LiLA\n"
            "Sari;3373045508950002;15/08/1995;05/11/2026;20;30;24\n"
            "Rina;3373045508950003;15/08/1995;05/11/2026;24;30 tablet;24\n")
    sari, rina = list(parse_register(text, "psy-1"))
    assert sari[1] is not None and sari[1].measurements.iron_tablets == 30
    assert rina[1] is not None and rina[1].measurements.iron_tablets == 30
    ((_, refused, problems), _rina) = list(parse_register(text.replace(";30;", ";v;"),
                                                          "psy-1"))
    assert refused is None and [p["msg"] for p in problems] == [
        "'v': write how many iron tablets were given (30 at an ANC contact, 4 for a month of "
        "weekly tablets), 0 if none; leave the cell empty if not known"]
    for header in ("Fe", "Tablet Tambah Darah", "Jumlah TTD"):
        ((_, fe, none), _r) = list(parse_register(text.replace("TTD (tablet)", header),
                                                  "psy-1"))
        assert none == [] and fe is not None and fe.measurements.iron_tablets == 30, header
    balita = ("Nama;NIK;JK;Tgl Lahir;Tanggal;BB (kg);Obat Cacing (Albendazol)\n"
              "Bima;3373041011240001;L;10/11/2024;05/08/2026;9,1;ya\n"
              "Ana;3373045011240002;P;10/11/2024;05/08/2026;9,0;tidak\n")
    given = [row[1].measurements.deworming for row in parse_register(balita, "psy-1")
             if row[1] is not None]
    assert given == [True, False]
    from ilp_screening.domain.classify import not_read
    assert not_read("ibu_hamil", "F", 25 * 12, ["iron_tablets"]) == not_read(
        "anak_remaja", "F", 13 * 12, ["iron_tablets", "deworming"]) == []
    assert not_read("usia_dewasa", "M", 40 * 12, ["iron_tablets", "deworming",
                                                   "supplementary_food"]) == [
        "deworming", "iron_tablets", "supplementary_food"]  # (a man's tablets refused)
    assert not_read("ibu_hamil", "F", 25 * 12, ["supplementary_food"]) == not_read(
        "balita", "F", 20, ["supplementary_food"]) == []


def test_a_kohort_ibus_fe1_fe2_fe3_are_her_tablets_at_the_contacts_of_their_days() -> None:
    """The old PWS KIA's Fe1 | Fe2 | Fe3 under "Tablet Fe / TTD": the day she had had 30,
    60, 90 tablets – 30 more each (Fe1 | Fe3 alone: 30, then 60) –, with the contact of
    that day, or ticked at the row's visit; a day with no contact in the row is refused at
    its column (as a contact of its own it would count towards her K6)."""
    def kohort(*rows: str, fe: str = "Fe1;Fe2;Fe3") -> str:
        under = ";" * 7 + fe
        return "\n".join(["KOHORT IBU HAMIL 2026",
                          "Nama Ibu;NIK;Tgl Lahir;HPHT;K1;K2;K3;Tablet Fe / TTD;;",
                          under, *rows]) + "\n"
    text = kohort("Sari;3373044107980001;01/07/1998;02/03/2026;11/05/2026;22/06/2026;"
                  "03/08/2026;11/05/2026;22/06/2026;03/08/2026",
                  "Ani;3373044107980002;01/07/1998;02/03/2026;11/05/2026;;03/08/2026;"
                  "11/05/2026;;v")
    found = [(sub.person.name, sub.screened_on.isoformat(), sub.measurements.iron_tablets)
             for _, sub, _ in parse_register(text, "psy-1") if sub is not None]
    assert found == [("Sari", "2026-05-11", 30), ("Sari", "2026-06-22", 30),
                     ("Sari", "2026-08-03", 30), ("Ani", "2026-05-11", 30),
                     ("Ani", "2026-08-03", 60)]
    assert [p for *_, p in parse_register(text, "psy-1")] == [[]] * 5
    elsewhere = kohort("Sari;3373044107980001;01/07/1998;02/03/2026;11/05/2026;22/06/2026;;"
                       "01/06/2026;;", fe="Fe1;Fe3")
    rows = list(parse_register(elsewhere, "psy-1"))
    assert [sub.measurements.iron_tablets for _, sub, _ in rows if sub is not None] == [
        None, None]
    refused = [{"line": line, "detail": p} for line, sub, p in rows if sub is None]
    [said] = in_the_sheets_words(refused, elsewhere)
    assert [(p["column"], p["msg"]) for p in said["detail"]] == [
        ("Fe1", "'01/06/2026' is neither a tick nor the day of a contact in this row: iron "
                "tablets are recorded with the contact they were given at")]


def test_an_eppgbm_export_is_read_its_desa_telling_same_named_posyandu_apart() -> None:
    """e-PPGBM's measurements export: where the row lies above its desa (Prov … Pukesmas)
    and the year's capsules counted read past; its ages, statuses, z-scores and N/T worked
    out again here; KPSP as it writes it ("Sesuai"). Its Desa/Kel tells the Posyandu
    Melati of Pancor from Selong's; a name one desa has needs none."""
    from ilp_contracts.registry import place_name_key
    from ilp_screening.register import columns_not_read

    text = (
        "No;NIK;Nama;JK;Tgl Lahir;BB Lahir;TB Lahir;Nama Ortu;Prov;Kab/Kota;Kec;Pukesmas;"
        "Desa/Kel;Posyandu;RT;RW;Alamat;Usia Saat Ukur;Tanggal Pengukuran;Berat;Tinggi;LiLA;"
        "BB/U;ZS BB/U;TB/U;ZS TB/U;BB/TB;ZS BB/TB;Naik Berat Badan;Jml Vit A;KPSP;KIA\n"
        "1;5203071203240001;M. RIZKI;L;2024-03-12;3,1;49;BAIQ R;NTB;LOMBOK TIMUR;SELONG;"
        "SELONG;PANCOR;MELATI;001;002;GUBUK TIMUR;2 Tahun - 8 Bulan - 0 Hari;2026-11-12;11,5;"
        "86,2;14,5;Berat Badan Normal;-1,21;Pendek;-2,35;Gizi Baik;-0,15;N;2;Sesuai;Ya\n"
        "2;5203075510250002;BAIQ AULIA;P;2025-10-15;2,9;48;LALE F;NTB;LOMBOK TIMUR;SELONG;"
        "SELONG;Kel. Selong;Posyandu Melati;003;001;;1 Tahun - 0 Bulan - 28 Hari;2026-11-12;"
        "8,0;72,1;;Normal;-1,05;Normal;-1,50;Gizi Baik;-0,35;T;1;;Ya\n"
        "3;5203075510250003;LALU AHMAD;L;2023-01-20;;;;NTB;LOMBOK TIMUR;SELONG;SELONG;"
        "Sandubaya;Melati;;;;;2026-11-12;13,2;;;;;;;;;;;;\n"
        "4;5203075510250004;BAIQ SARI;P;2023-01-20;;;;NTB;LOMBOK TIMUR;SELONG;SELONG;"
        "Pancor;Dahlia;;;;;2026-11-12;12,0;;;;;;;;;;;;\n")
    places = {place_name_key("Posyandu Melati"): [("psy-pancor", "52.03.07.1001", "pancor"),
                                                  ("psy-selong", "52.03.07.1002", "selong")],
              place_name_key("Dahlia"): [("psy-dahlia", "52.03.07.2001", "kelayu jorong")]}
    rizki, aulia, ahmad, sari = list(parse_register(text, None, places))
    assert rizki[1] is not None and aulia[1] is not None and sari[1] is not None
    assert (rizki[1].posyandu_id, aulia[1].posyandu_id, sari[1].posyandu_id) == (
        "psy-pancor", "psy-selong", "psy-dahlia")
    assert rizki[1].measurements.model_dump(exclude_none=True, exclude={"immunizations"}) == {
        "weight_kg": 11.5, "height_cm": 86.2, "muac_cm": 14.5, "kpsp": "sesuai"}
    assert ahmad[1] is None and [p["type"] for p in ahmad[2]] == ["ambiguous_posyandu"]
    assert columns_not_read(text) == ["BB Lahir", "TB Lahir", "Prov", "Kab/Kota", "Kec",
                                      "Pukesmas", "Jml Vit A", "KIA"]


@pytest.mark.parametrize("header", [
    "Nama Ibu;NIK;Tgl Lahir;HPHT;K1;K2;K3;LiLA;Tgl Persalinan;Penolong;Tempat Persalinan;KF1;"
    "KF2;KF3;Vit A\n",
    "Nama Ibu;NIK;Tgl Lahir;HPHT;K1;K2;K3;LiLA;Persalinan;;;Nifas;;;\n"
    ";;;;;;;;Tanggal;Penolong;Tempat;KF1;KF2;KF3;Vit A\n"])
def test_a_kohort_ibus_delivery_and_nifas_columns_are_read_past(header: str) -> None:
    """The whole Kohort Ibu – its delivery (Persalinan: Tanggal, Penolong, Tempat) and its
    nifas (KF1 … KF3, Vit A: her capsules after delivery) beside the ANC contacts, flat or
    under their groups: the contacts taken, those columns read past and named (every
    woman's own visit was refused: unknown columns, a woman's vitamin A)."""
    from ilp_screening.register import columns_not_read

    text = header + ("Ani;3373044107980002;01/07/1998;02/01/2026;11/03/2026;22/04/2026;"
                     "03/06/2026;24;05/10/2026;Bidan;Puskesmas;06/10/2026;10/10/2026;;v\n")
    rows = list(parse_register(text, "psy-1"))
    assert [problems for *_, problems in rows] == [[]] * 3
    assert [sub.screened_on for _, sub, _ in rows if sub is not None] == [
        date(2026, 3, 11), date(2026, 4, 22), date(2026, 6, 3)]
    assert rows[-1][1] is not None and rows[-1][1].measurements.vitamin_a is None
    assert len(columns_not_read(text)) == 7


def test_asi_eksklusif_ticked_by_the_babys_month_of_age_is_read_at_hers() -> None:
    """The Register Bayi's E0 … E6 under "ASI Eksklusif" (its second header row was taken
    for a data row, and E0's cell for the answer): at a visit, the E of her month of age –
    ticked, breast milk only; "tidak", not; empty, not asked."""
    text = ("REGISTER BAYI 2026\n"
            "Nama;NIK;JK;Tgl Lahir;Tanggal;BB;ASI Eksklusif;;;;;;\n"
            ";;;;;;E0;E1;E2;E3;E4;E5;E6\n"
            "Bima;3373041011250001;L;10/06/2026;05/11/2026;7,1;v;v;v;v;v;;\n"
            "Ana;3373045011250002;P;10/07/2026;05/11/2026;6,1;v;v;v;tidak;;;\n"
            "Tia;3373045011250003;P;10/04/2026;05/11/2026;7,0;v;v;v;;;;\n")
    rows = list(parse_register(text, "psy-1"))
    assert [problems for *_, problems in rows] == [[]] * 3
    assert [sub.measurements.exclusive_breastfeeding for _, sub, _ in rows if sub] == [
        True, False, None]  # 4 months: E4; 3 months: E3; 6 months, E6 empty: not asked


def test_a_schools_bias_list_gives_each_pupil_her_doses() -> None:
    """The BIAS at school: MR and DT in grade 1, Td in grades 2 and 5, HPV 1 and 2 to the
    girls of grades 5 and 6 – each under its column (flat, or under "BIAS"), ticked; "Td"
    ticked is the dose, where a register's "TD" is a blood pressure; the day under "Tgl
    Imunisasi"."""
    text = ("LAPORAN BIAS SD NEGERI 2 PALLANGGA TAHUN 2026\n"
            "No;Nama Siswa;NIK;JK;Tgl Lahir;Kelas;Tgl Imunisasi;MR;DT;Td;HPV 1;HPV 2\n"
            "1;Andi Fajar;7306011203190001;L;12/03/2019;1;11/08/2026;v;v;;;\n"
            "2;Nurul Aini;7306015508150002;P;15/08/2015;5;10/11/2026;;;v;v;\n"
            "3;Sitti Rahma;7306014201140003;P;02/01/2014;6;10/11/2026;;;;;10/11/2026\n")
    read = [(sub.person.name, sub.screened_on, sub.measurements.immunizations)
            for _, sub, problems in parse_register(text, "psy-1") if sub and not problems]
    assert read == [("Andi Fajar", date(2026, 8, 11), ["MR", "DT"]),
                    ("Nurul Aini", date(2026, 11, 10), ["HPV1", "Td"]),
                    ("Sitti Rahma", date(2026, 11, 10), ["HPV2"])]
    grouped = ("No;Nama;NIK;JK;Tgl Lahir;Tanggal;BIAS;;\n"
               ";;;;;;MR;DT;Td\n"
               "1;Andi Fajar;7306011203190001;L;12/03/2019;11/08/2026;v;v;\n")
    [(_, andi, none)] = list(parse_register(grouped, "psy-1"))
    assert none == [] and andi is not None and andi.measurements.immunizations == ["MR", "DT"]
    posbindu = ("Nama;NIK;JK;Tgl Lahir;Tanggal;TD\n"
                "Maria;5302064503850001;P;05/03/1985;10/11/2026;120/80\n")
    [(_, maria, none)] = list(parse_register(posbindu, "psy-1"))
    assert (maria.measurements.systolic, maria.measurements.immunizations) == (120, [])


def test_a_kohort_ibus_tetanus_status_and_the_td_given() -> None:
    """Her status T (T0–T5, "TT3" as older Kohorts write it) and the Td given at the visit:
    ticked, or written as the status it brought her to ("TT2": her second dose today –
    T2 now, whatever the status column had from before it)."""
    text = ("Nama Ibu;NIK;Tgl Lahir;Tgl Periksa;UK (mgg);LiLA;TD;Status T;Imunisasi TT\n"
            "Hasnah;7306016205980001;22/05/1998;03/10/2026;14;24;110/70;T1;TT2\n"
            "Rosmini;7306014708010002;07/08/2001;03/10/2026;20;25;120/80;TT3;\n"
            "Ani;7306014708010003;07/08/2001;03/10/2026;20;25;120/80;;v\n"
            "Wati;7306014708010004;07/08/2001;03/10/2026;20;25;120/80;T6;\n")
    rows = list(parse_register(text, "psy-1"))
    read = [(sub.person.name, sub.measurements.immunizations, sub.measurements.tetanus_status,
             sub.pregnancy is not None) for _, sub, _problems in rows if sub]
    assert read == [("Hasnah", ["Td"], 2, True), ("Rosmini", [], 3, True),
                    ("Ani", ["Td"], None, True)]
    [(_, wati, problems)] = rows[3:]
    assert wati is None and [(p["loc"], p["type"]) for p in problems] == [
        (("measurements", "tetanus_status"), "unknown_tetanus_status")]


def test_a_kohort_ibus_t1_to_t5_give_her_status_at_each_visit_and_the_td_of_its_day() -> None:
    """The Kohort's "Status Imunisasi TT" over T1 … T5 (or TT1 … TT5), each the day she
    reached it: her status at a visit is the highest reached by then – a day before her
    first visit here is her history (a BIAS, a bride's Td) –, and a status reached on a
    visit's day is the Td given at it. A day that is no visit's, after her first, is
    refused at its column, as a Td given elsewhere in the pregnancy would be lost."""
    text = ("Nama Ibu;NIK;Tgl Lahir;Tgl Periksa;UK;LiLA;Status Imunisasi TT;;;;\n"
            ";;;;;;T1;T2;T3;T4;T5\n"
            "Ani;7306016205980001;22/05/1998;03/08/2026;12;24;01/03/2019;03/08/2026;;;\n"
            "Bea;7306016205980002;22/05/1998;03/08/2026;12;24;v;v;v;;\n"
            "Cici;7306016205980003;22/05/1998;03/08/2026;12;24;01/03/2019;05/09/2026;;;\n")
    rows = list(parse_register(text, "psy-1"))
    assert [(sub.measurements.tetanus_status, sub.measurements.immunizations)
            for _, sub, _problems in rows if sub] == [(2, ["Td"]), (3, [])]
    [said] = in_the_sheets_words([{"line": 5, "detail": rows[2][2]}], text)[0]["detail"]
    assert (said["msg"], said.get("column")) == (
        "'05/09/2026' is neither a tick, a day before her first visit in this row, nor the "
        "day of one of its visits: a Td is recorded with the visit it was given at",
        "Status Imunisasi TT T2")
    by_contact = ("Nama Ibu;NIK;Tgl Lahir;HPHT;K1;K2;K3;LiLA;TT1;TT2;TT3\n"
                  "Dewi;7306016205980004;22/05/1998;10/05/2026;03/07/2026;07/08/2026;"
                  "02/10/2026;24;03/07/2026;07/08/2026;\n")
    assert [(sub.screened_on, sub.measurements.tetanus_status, sub.measurements.immunizations)
            for _, sub, _problems in parse_register(by_contact, "psy-1") if sub] == [
        (date(2026, 7, 3), 1, ["Td"]), (date(2026, 8, 7), 2, ["Td"]), (date(2026, 10, 2), 2, [])]


def test_a_posbindus_known_hypertension_and_diabetes_as_it_asks_them() -> None:
    """A diagnosis made before: a column each (Riwayat Hipertensi, Minum Obat DM) or one
    "Riwayat PTM" listing them – what was not listed there is no diagnosis of it; a
    column of its own says it over the list."""
    text = ("NIK;Nama;L/P;Tgl Lahir;Tgl Periksa;TD;GDS;Riwayat PTM;Minum Obat DM\n"
            "3373041506800003;Budi;L;15/06/1980;20/11/2026;130/80;150;Hipertensi, DM;\n"
            "3373045506800004;Ani;P;15/06/1980;20/11/2026;150/95;;Darah tinggi dan jantung;\n"
            "3373041506800005;Joko;L;15/06/1980;20/11/2026;120/80;;tidak ada;ya\n"
            "3373041506800006;Dedi;L;15/06/1980;20/11/2026;120/80;;;\n")
    known = [(row.measurements.known_hypertension, row.measurements.known_diabetes)
             for _line, row, problems in parse_register(text, "psy-1")
             if row is not None and not problems]
    assert known == [(True, True), (True, False), (False, True), (None, None)]
    [(_line, ratna, problems)] = list(parse_register(
        "nik;nama;jk;tgl lahir;tgl periksa;td;Riwayat Hipertensi;Penderita DM\n"
        "3373045506800007;Ratna;P;15/06/1980;20/11/2026;135/85;ya;tidak\n", "psy-1"))
    assert problems == [] and ratna is not None
    assert (ratna.measurements.known_hypertension, ratna.measurements.known_diabetes) == (
        True, False)


def test_a_lansia_register_with_its_own_headings() -> None:
    """Nama Lansia, one RT/RW column, Skor AKS, and a SKILAS cell listing the domains it
    found in their own words (Penurunan kognitif, Gejala depresi) – each read; "Tidak
    ada" is SKILAS without a decline; a cell naming no domain stays refused."""
    text = ("REGISTER POSYANDU LANSIA MELATI\n"
            "No;NIK;Nama Lansia;JK;Tgl Lahir;RT/RW;Tgl Kunjungan;TD;Skor AKS;SKILAS\n"
            "1;6171050304500011;Hj. Aminah;P;03/04/1950;003/003;10/11/2026;170/95;17;"
            "Penurunan kognitif\n"
            "2;6171051208480012;M. Saleh;L;12/08/1948;RT 4 / RW 3;10/11/2026;130/80;10;"
            "Keterbatasan mobilisasi, Gejala depresi dan gangguan penglihatan\n"
            "3;6171054406580013;Juriah;P;04/06/1958;4-4;10/11/2026;125/80;20;Tidak ada\n"
            "4;6171054406580014;Sarmi;P;04/06/1958;;10/11/2026;125/80;20;Pikun\n")
    rows = list(parse_register(text, "psy-1"))
    read = [(row.person.name, row.person.rt, row.person.rw, row.measurements.adl,
             row.measurements.skilas_positive) for _line, row, problems in rows[:3]
            if row is not None and not problems]
    assert read == [("Hj. Aminah", "003", "003", 17, True), ("M. Saleh", "4", "3", 10, True),
                    ("Juriah", "4", "4", 20, False)]
    aminah, saleh = rows[0][1].measurements, rows[1][1].measurements
    assert (aminah.cognitive_decline, aminah.limited_mobility) == (True, None)
    assert (saleh.limited_mobility, saleh.depressive_symptoms, saleh.vision_problem) == (
        True, True, True)
    _line, _row, problems = rows[3]
    assert [p["loc"][-1] for p in problems] == ["skilas_positive"]
