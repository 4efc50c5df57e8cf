"""NIK checks and pseudonymous person ids.

NIK (16 digits) = 6-digit kecamatan code + birth date DDMMYY (day + 40 for women) +
4-digit sequence (Dukcapil). The NIK never leaves this service: events carry a keyed
HMAC of it, so records of one person link up without revealing who they are.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from ilp_contracts.text import _


CHILD_YEARS = 18  # known by her mother's NIK until then (an adult is nobody's child here)


def nik_problem(nik: str, birth_date: date, sex: str) -> str | None:
    """Why `nik` cannot belong to a person born on `birth_date` of `sex`, or None."""
    if len(nik) != 16 or not nik.isdigit():
        return _("NIK must be 16 digits")
    if int(nik[0:2]) < 11:
        return _("NIK region prefix is not a valid province code")
    day, month, year = _birth_written(nik)
    expected_day = birth_date.day + (40 if sex == "F" else 0)
    if day != expected_day:
        if sex == "F":
            return _("NIK birth day {day:02d} does not match birth date and sex (women: day "
                     "+ 40)", day=day)
        return _("NIK birth day {day:02d} does not match birth date and sex", day=day)
    if (month, year) != (birth_date.month, birth_date.year % 100):
        return _("NIK birth month/year does not match birth date")
    return None


def _birth_written(nik: str) -> tuple[int, int, int]:
    """The DDMMYY a NIK writes after its kecamatan code (a woman's day + 40)."""
    return int(nik[6:8]), int(nik[8:10]), int(nik[10:12])


def nik_birth(nik: str, on: date) -> tuple[date, str] | None:
    """The birth date and sex a NIK writes (its century the latest not after `on`), or
    None for digits that name no day."""
    if len(nik) != 16 or not nik.isdigit():
        return None
    day, month, year = _birth_written(nik)
    sex = "F" if day > 40 else "M"
    try:
        born = date(2000 + year, month, day - (40 if sex == "F" else 0))
        return (born if born <= on else born.replace(year=1900 + year)), sex
    except ValueError:  # no such day (29 February of a century's other year included)
        return None


def pseudonym(nik: str, key: str) -> str:
    """Stable pseudonymous person id: HMAC-SHA256(key, NIK), hex, 32 chars."""
    return hmac.new(key.encode(), nik.encode(), hashlib.sha256).hexdigest()[:32]


def age_in_months(birth: date, on: date) -> int:
    months = (on.year - birth.year) * 12 + on.month - birth.month
    return months - (1 if on.day < birth.day else 0)
