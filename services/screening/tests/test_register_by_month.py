"""A register kept a child a row, a column per month's weighing (the posyandu's Register
Bayi/Balita): each month with a measure is a visit on the posyandu's day, checked on its
own, and a refused cell is named by its month's column."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st
from ilp_kit.errors import InvalidInput
from ilp_kit.spreadsheet import spreadsheet_text
from ilp_screening.register import (columns_not_read, in_the_sheets_words, months_of, once_a_row,
                                    parse_register)

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
TITLE = "REGISTER BAYI DAN BALITA POSYANDU CENDRAWASIH – KAMPUNG KOYA KOSO TAHUN 2026"


def register_by_month(rows: list[list[object]], title: str = TITLE
                      ) -> dict[str, list[list[object]]]:
    """As a posyandu keeps it: a title, "BB (kg)" merged over the twelve months,
    "Imunisasi" over each dose and "Vitamin A" over its two months; the other headers
    down both rows."""
    down = [(name, 2, 1) for name in ("No", "Nama Anak", "NIK", "NIK Ibu", "Tgl Lahir", "L/P")]
    return {"Register": [
        [title],
        [*down, ("BB (kg)", 1, 12), *[None] * 11, ("Imunisasi", 1, 2), None,
         ("Vitamin A", 1, 2), None],
        [None] * 6 + MONTHS + ["BCG", "Polio 1", "Feb", "Agu"], *rows]}


NIUS = [1, "Nius", "9171031010250004", None, "10/10/2025", "L"]


def visits(text: str, year: int | None = None, day: int | None = 12) -> list:
    return list(parse_register(text, "psy-1", {}, months_of(text, year, day)))


def test_each_month_weighed_is_a_visit_on_the_posyandus_day(workbook) -> None:
    text = spreadsheet_text(workbook(**register_by_month([
        [*NIUS, 7.0, 7.3, "7,6", None, None, 8.1, *[None] * 6, "12/02/2026", "12/03/2026"],
        [2, "Bayi Ester", None, "9171035204090001", "05/02/2026", "P", None, 3.4,
         *[None] * 10, None, None]])))
    found = visits(text)
    assert [(line, s.person.name, s.screened_on, s.measurements.weight_kg, p)
            for line, s, p in found] == [
        (4, "Nius", date(2026, 1, 12), 7.0, []), (4, "Nius", date(2026, 2, 12), 7.3, []),
        (4, "Nius", date(2026, 3, 12), 7.6, []), (4, "Nius", date(2026, 6, 12), 8.1, []),
        (5, "Bayi Ester", date(2026, 2, 12), 3.4, [])]
    # a dose with the weighing of the month it is dated in
    assert [s.measurements.immunizations for _l, s, _p in found[:4]] == [
        [], ["BCG"], ["OPV1"], []]
    assert found[4][1].person.mother_nik == "9171035204090001"
    assert columns_not_read(text) == []


def test_a_months_vitamin_a_tick_goes_with_its_weighing_or_is_a_visit_of_its_own(workbook
                                                                               ) -> None:
    """"Vitamin A" over Feb | Agu: the capsule given at February's weighing; August's
    without a weighing is a visit for the capsule alone (the kader's sweeping, recorded
    on the posyandu's day); "tidak" alone is no visit at all."""
    text = spreadsheet_text(workbook(**register_by_month([
        [*NIUS, None, 7.3, *[None] * 10, None, None, "v", "v"],
        [2, "Ana", "9171035010240001", None, "10/10/2024", "P", None, 9.0, *[None] * 10,
         None, None, "tidak", "tidak"]])))
    found = [(s.person.name, s.screened_on.month, s.measurements.weight_kg,
              s.measurements.vitamin_a) for _l, s, _p in visits(text)]
    assert found == [("Nius", 2, 7.3, True), ("Nius", 8, None, True), ("Ana", 2, 9.0, False)]


def test_a_months_deworming_tick_goes_with_its_weighing_beside_the_capsule(workbook) -> None:
    """"Obat Cacing" over Feb | Agu, as many posyandu give it with the capsule: read with
    that month's weighing (read past before)."""
    sheet = register_by_month([[*NIUS, None, 7.3, *[None] * 5, 8.0, *[None] * 4, None, None,
                                "v", "v", "v", "tidak"]])
    sheet["Register"][1] += [("Obat Cacing", 1, 2), None]
    sheet["Register"][2] += ["Feb", "Agu"]
    text = spreadsheet_text(workbook(**sheet))
    found = [(s.screened_on.month, s.measurements.vitamin_a, s.measurements.deworming)
             for _l, s, _p in visits(text)]
    assert found == [(2, True, True), (8, True, False)]
    assert columns_not_read(text) == []
    sheet["Register"][1][-2] = ("PMT", 1, 2)  # supplementary food, the months it was given
    fed = [(s.screened_on.month, s.measurements.supplementary_food)
           for _l, s, _p in visits(spreadsheet_text(workbook(**sheet)))]
    assert fed == [(2, True), (8, False)]


def test_a_months_development_check_and_length_go_with_its_weighing(workbook) -> None:
    """"Perkembangan" (the KPSP's S, M or P) and "TB (cm)" over the months they were
    checked – twice a year, as the SPM asks: read with that month's weighing, or a visit of
    their own; a word no KPSP gives refused at its month's column."""
    sheet = register_by_month([[*NIUS, 7.0, 7.3, *[None] * 5, 8.0, *[None] * 4, None, None,
                                None, None, "S", "m", 68.5, 71.0]])
    sheet["Register"][1] += [("Perkembangan", 1, 2), None, ("TB (cm)", 1, 2), None]
    sheet["Register"][2] += ["Feb", "Okt", "Feb", "Agu"]
    text = spreadsheet_text(workbook(**sheet))
    found = [(s.screened_on.month, s.measurements.weight_kg, s.measurements.height_cm,
              s.measurements.kpsp) for _l, s, _p in visits(text)]
    assert found == [(1, 7.0, None, None), (2, 7.3, 68.5, "sesuai"), (8, 8.0, 71.0, None),
                     (10, None, None, "meragukan")]
    assert columns_not_read(text) == []
    sheet["Register"][1][-4] = ("Status Perkembangan", 1, 2)  # as some registers head it
    assert [s.measurements.kpsp for _l, s, _p in visits(spreadsheet_text(workbook(**sheet)))
            ] == [None, "sesuai", None, "meragukan"]
    sheet["Register"][3][-3] = "baik"
    [*_visits, (_line, refused, problems)] = visits(spreadsheet_text(workbook(**sheet)))
    assert refused is None and [(p["loc"], p["type"]) for p in problems] == [
        (["measurements", "month:kpsp:10"], "literal_error")]


def test_a_months_bad_cell_refuses_that_month_only_named_by_its_column(workbook) -> None:
    text = spreadsheet_text(workbook(**register_by_month([
        [*NIUS, 7.0, "tujuh", 7.6, *[None] * 9, "v", None]])))
    found = visits(text)
    assert [s.screened_on.month for _l, s, _p in found if s is not None] == [1, 3]
    [(line, refused, problems)] = [row for row in found if row[1] is None]
    named = in_the_sheets_words([{"line": line, "detail": problems}], text)[0]["detail"]
    assert [(p["column"], p["msg"]) for p in named] == [
        ("BCG", "a register by month records a dose with the weighing of the month it is "
                "dated in: write the day it was given, not a tick"),
        ("BB (kg) Feb", "'tujuh' is not a number in kg")]


def test_a_row_whose_person_is_wrong_says_so_once(workbook) -> None:
    text = spreadsheet_text(workbook(**register_by_month([
        [1, "Nius", "9171031010250004", None, "31/02/2025", "L", 7.0, 7.3, *[None] * 12]])))
    [(line, refused, problems)] = visits(text)
    assert refused is None and [p["loc"] for p in problems] == [["person", "birth_date"]]
    # and refused when recorded (her NIK another day's), every month alike: once
    nik = [{"loc": ["person", "nik"], "msg": "…", "type": "nik_mismatch"}]
    jan, feb = ({"line": 4, "screened_on": date(2026, month, 12), "detail": nik}
                for month in (1, 2))
    assert once_a_row([jan, feb]) == [{"line": 4, "detail": nik}]
    apart = {**feb, "detail": [{**nik[0], "type": "implausible"}]}
    assert once_a_row([jan, apart]) == [jan, apart]


def test_the_year_and_the_day_a_register_by_month_needs(workbook) -> None:
    text = spreadsheet_text(workbook(**register_by_month(
        [[*NIUS, 7.0, 7.3, *[None] * 12]], title="REGISTER BAYI POSYANDU CENDRAWASIH")))
    with pytest.raises(InvalidInput) as missing:
        months_of(text, None, None)
    assert [(p["loc"], p["type"]) for p in missing.value.detail()] == [
        (["query", "year"], "missing"), (["query", "day"], "missing")]
    # given, a day past a shorter month's end is its last
    assert [s.screened_on for _l, s, _p in visits(text, year=2025, day=31)] == [
        date(2025, 1, 31), date(2025, 2, 28)]
    assert months_of("nama,nik,bb,tanggal\nBima,3373041011250001,9,20/11/2026\n",
                     None, None) is None  # a row per visit needs neither


def test_months_over_their_measures_and_one_row_headers() -> None:
    """"Jan" merged over BB | TB | N/T (the kader's N/T read past), or "BB Jan" in one row."""
    month_first = ("Nama,NIK,Tgl Lahir,L/P,Jan,,,Feb,,\n"
                   ",,,,BB,TB,N/T,BB,TB,N/T\n"
                   "Nius,9171031010250004,10/10/2025,L,7.0,61,N,7.3,62.5,N\n")
    one_row = ("Tahun 2026\nNama,NIK,Tgl Lahir,L/P,BB Jan,BB Feb,PB Feb\n"
               "Nius,9171031010250004,10/10/2025,L,7.0,7.3,62.5\n")
    for text, year in ((month_first, 2026), (one_row, None)):
        found = visits(text, year=year, day=5)
        assert [(s.screened_on, s.measurements.weight_kg, s.measurements.height_cm)
                for _l, s, _p in found] == [
            (date(2026, 1, 5), 7.0, 61.0 if text is month_first else None),
            (date(2026, 2, 5), 7.3, 62.5)]


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.integers(1, 11), st.floats(6.0, 12.0).map(lambda w: round(w, 1)),
                       max_size=11), st.integers(1, 31))
def test_a_visit_for_every_month_weighed_and_no_other(weights: dict[int, float],
                                                      day: int) -> None:
    header = "TAHUN 2025\nNama,NIK,Tgl Lahir,L/P," + ",".join(f"BB {m}" for m in MONTHS)
    cells = [str(weights.get(month, "")) for month in range(1, 13)]
    text = f"{header}\nNius,9171031010240004,10/10/2024,L,{','.join(cells)}\n"
    found = visits(text, day=day)
    assert {s.screened_on.month: s.measurements.weight_kg for _l, s, _p in found} == weights
    assert all(s.screened_on.day == min(day, monthrange(2025, s.screened_on.month)[1])
               for _l, s, _p in found)


def test_the_sip_register_of_bayi_and_balita_reads_asi_by_her_age_each_month(workbook
                                                                             ) -> None:
    """The SIP's Register Bayi dan Anak Balita: "ASI Eksklusif" over E1 … E6 – each
    month's visit the E of her age that month –, "Pemberian Oralit" and "Meninggal" read
    past, "Nama Bapak/Ibu" dropped (every row was refused)."""
    down = [(name, 2, 1) for name in ("No", "Nama Anak", "NIK", "L/P", "Tgl Lahir",
                                      "Nama Bapak/Ibu")]
    text = spreadsheet_text(workbook(Register=[
        ["REGISTER BAYI DAN ANAK BALITA TAHUN 2026"],
        [*down, ("Hasil Penimbangan (BB)", 1, 12), *[None] * 11, ("Pemberian Oralit", 2, 1),
         ("ASI Eksklusif", 1, 6), *[None] * 5, ("Meninggal", 2, 1)],
        [None] * 6 + MONTHS + [None, "E1", "E2", "E3", "E4", "E5", "E6", None],
        [1, "Rizki", "9171031203260001", "L", "12/03/2026", "Ahmad/Siti", None, None, None,
         3.9, 4.8, 5.6, *[None] * 6, "v", "v", "tidak", "v", None, None, None, None]]))
    found = [(s.screened_on.month, s.measurements.exclusive_breastfeeding)
             for _l, s, _p in visits(text)]
    assert found == [(4, True), (5, False), (6, True)]  # aged 1, 2 and 3 months
    assert columns_not_read(text) == ["Pemberian Oralit", "Meninggal"]
