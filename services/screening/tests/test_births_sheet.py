"""Deliveries from a bidan's sheet – a Register Persalinan, or her Kohort Ibu's delivery
columns – as births (pure parsing)."""

from __future__ import annotations

from datetime import date

from ilp_screening.births_sheet import (columns_not_read, in_the_sheets_words, parse_births,
                                        _grams, _place)

TODAY = date(2026, 12, 5)
KOHORT = ("KOHORT IBU 2026\n"
          "Nama Ibu;NIK;Tgl Lahir;HPHT;K1;K2;LiLA;Persalinan;;;;Nifas;\n"
          ";;;;;;;Tanggal;Tempat;JK Bayi;BB Lahir;KF1;Vit A\n"
          "Sari;3373044107980001;01/07/1998;02/03/2026;11/05/2026;22/06/2026;24;;;;;;\n"
          "Ani;3373044107980002;01/07/1998;02/01/2026;11/03/2026;22/04/2026;24;05/10/2026;"
          "PMB Bd. Rohani;P;3,1;06/10/2026;v\n"
          "Rina;3373044107980003;;02/01/2026;;;;04/10/2026;Rumah;L;2.400;;\n"
          "Eka;3373044107980004;01/07/1998;02/01/2026;;;;04/10/2026;Rumah;;2400;;\n")


def test_a_kohort_ibus_deliveries_are_births_and_its_pregnant_women_passed_over() -> None:
    """Sari is still pregnant (no day of delivery): no birth. Ani delivered at a bidan's
    practice (a health facility), a girl of 3.1 kg, had her vitamin A capsules (the
    Nifas's Vit A ticked) and her KF1 the next day; Rina at home, her birth date from
    her NIK, no capsules said; Eka's baby has no sex written: refused saying so, at its
    column."""
    parsed = list(parse_births(KOHORT, "psy-1", {}, TODAY))
    assert parsed[0] == 4  # Sari's line, passed over
    rows = [row for row in parsed if not isinstance(row, int)]
    assert [line for line, _birth, _problems in rows] == [5, 6, 7]
    ani, rina, eka = (birth for _line, birth, _problems in rows)
    assert ani is not None and rina is not None and eka is None
    assert (ani.born_on, ani.baby.sex, ani.baby.name, ani.birth_weight_g, ani.place,
            ani.mother_vitamin_a) == (date(2026, 10, 5), "F", "Bayi Ny. Ani", 3100,
                                      "fasyankes", True)
    assert (ani.postnatal_visits, rina.postnatal_visits) == ({"KF1": date(2026, 10, 6)}, {})
    assert (rina.mother.birth_date, rina.birth_weight_g, rina.place,
            rina.mother_vitamin_a) == (date(1998, 7, 1), 2400, "rumah", None)
    [said] = in_the_sheets_words([{"line": 7, "detail": rows[2][2]}], KOHORT)
    assert [(p["column"], p["msg"]) for p in said["detail"]] == [
        ("JK Bayi", "the baby's sex (JK Bayi: L or P) is needed to record the "
                    "birth")]
    assert columns_not_read(KOHORT) == ["HPHT", "K1", "K2", "LiLA"]


def test_weights_and_places_as_sheets_write_them() -> None:
    assert [_grams(w) for w in ("3200", "3.200", "3 200", "3,2", "3,2 kg", "2900 gr",
                                "berat")] == [3200, 3200, 3200, 3200, 3200, 2900, "berat"]
    assert [_place(p) for p in ("Puskesmas Selong", "RSUD dr. R. Soedjono", "PMB", "Rumah",
                                "di rumah", "Polindes", "perjalanan", "")] == [
        "fasyankes", "fasyankes", "fasyankes", "rumah", "rumah", "fasyankes", "lainnya", None]


def test_the_mothers_capsules_as_sheets_write_them() -> None:
    """Her vitamin A after delivery ticked, *ya*, dated or as what she had (*2 kapsul
    merah*) – given –, *tidak* not; a blue capsule, a child's, is refused at its
    column."""
    def capsules(written: str) -> tuple[object, list[str]]:
        text = ("NIK Ibu;Nama Ibu;Tgl Persalinan;JK Bayi;Vit A Nifas\n"
                f"3373044107980002;Ani;05/10/2026;P;{written}\n")
        [(_line, birth, problems)] = list(parse_births(text, "psy-1", {}, TODAY))
        said = in_the_sheets_words([{"line": 2, "detail": problems}], text)[0]["detail"]
        return birth and birth.mother_vitamin_a, [p.get("column") for p in said]
    assert capsules("v") == capsules("Ya") == capsules("05/10/2026") == (True, [])
    assert capsules("2 kapsul merah") == capsules("Merah") == capsules("2") == (True, [])
    assert capsules("tidak") == (False, [])
    assert capsules("biru") == (None, ["Vit A Nifas"])


def test_the_postnatal_visits_a_kohort_shows_made() -> None:
    """KF1 … KF4 under Nifas, KN1 … KN3 under Neonatal (or flat, "Tgl KF1"), each the day
    it was made – ticked, the first day of its window –; *tidak*, not made. A day outside
    the 42 days after the birth is refused at its column when recorded."""
    text = ("Nama Ibu;NIK;Tgl Persalinan;JK Bayi;Nifas;;;;Neonatal;;\n"
            ";;;;KF1;KF2;KF3;KF4;KN1;KN2;KN3\n"
            "Ani;3373044107980002;05/10/2026;P;06/10/2026;v;;;06/10/2026;tidak;20/10/2026\n")
    [(_line, birth, problems)] = list(parse_births(text, "psy-1", {}, TODAY))
    assert problems == [] and birth is not None
    assert birth.postnatal_visits == {"KF1": date(2026, 10, 6), "KF2": date(2026, 10, 8),
                                      "KN1": date(2026, 10, 6), "KN3": date(2026, 10, 20)}
    assert columns_not_read(text) == []
    flat = ("NIK Ibu;Nama Ibu;Tgl Persalinan;JK Bayi;Tgl KN1\n"
            "3373044107980002;Ani;05/10/2026;P;v\n")
    [(_line, birth, _problems)] = list(parse_births(flat, "psy-1", {}, TODAY))
    assert birth is not None and birth.postnatal_visits == {"KN1": date(2026, 10, 5)}


def test_a_sheet_for_no_posyandu_says_which_to_choose() -> None:
    [(_line, birth, problems)] = list(parse_births(
        "NIK Ibu;Nama Ibu;Tgl Persalinan;JK Bayi\n3373044107980002;Ani;05/10/2026;P\n",
        None, {}, TODAY))
    assert birth is None and [p["msg"] for p in problems] == [
        "which posyandu: choose it for the whole file (--posyandu), or give each row's in an "
        "'ID Posyandu' or 'Posyandu' column"]


def test_a_kohort_bayis_birth_date_is_the_day_of_delivery() -> None:
    """A Kohort Bayi: "Tgl Lahir" beside the baby's name and sex is hers, the mother by her
    NIK (her birth date from it)."""
    text = ("KOHORT BAYI 2026\nNama Bayi;JK;Tgl Lahir;BB Lahir;Nama Ibu;NIK Ibu;KN1\n"
            "Bayi Ani;P;05/10/2026;3100;Ani;3373044107980002;06/10/2026\n")
    [(_line, birth, problems)] = list(parse_births(text, "psy-1", {}, TODAY))
    assert problems == [] and birth is not None
    assert (birth.born_on, birth.baby.name, birth.mother.birth_date) == (
        date(2026, 10, 5), "Bayi Ani", date(1998, 7, 1))
