from __future__ import annotations

from datetime import date

from ilp_screening.domain.person import age_in_months, nik_problem, pseudonym


def test_nik_birth_date_and_sex_must_agree() -> None:
    assert nik_problem("3373041011240001", date(2024, 11, 10), "M") is None
    assert nik_problem("3373045011240001", date(2024, 11, 10), "F") is None
    assert "day" in nik_problem("3373041011240001", date(2024, 11, 10), "F")
    assert "month/year" in nik_problem("3373041012240001", date(2024, 11, 10), "M")
    assert "16 digits" in nik_problem("33730410112400", date(2024, 11, 10), "M")
    assert nik_problem("0573041011240001", date(2024, 11, 10), "M") is not None


def test_pseudonym_is_stable_keyed_and_not_the_nik() -> None:
    nik = "3373041011240001"
    assert pseudonym(nik, "k1") == pseudonym(nik, "k1")
    assert pseudonym(nik, "k1") != pseudonym(nik, "k2")
    assert nik not in pseudonym(nik, "k1") and len(pseudonym(nik, "k1")) == 32


def test_age_in_completed_months() -> None:
    assert age_in_months(date(2024, 11, 10), date(2026, 11, 9)) == 23
    assert age_in_months(date(2024, 11, 10), date(2026, 11, 10)) == 24
    assert age_in_months(date(2026, 1, 31), date(2026, 2, 28)) == 0
