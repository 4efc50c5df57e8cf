"""A posyandu day's paper register as CSV (one row per person screened) → submissions, or
a register kept by month (a child a row, a column per month's weighing: a submission each
month weighed); and a household data collection's list (one row per person,
`parse_household`).

Columns (header names, any order, any case; empty cells are "not measured"): nik, name,
sex, birth_date, rt, rw, screened_on, posyandu_id (or given for the whole file),
gestational_weeks, anc_visit, weight_kg, height_cm, measured_lying, rechecked, muac_cm,
oedema, head_circumference_cm, waist_cm, systolic, diastolic, glucose_random,
glucose_fasting, cholesterol_total, hb, protein_urine (a dipstick: negatif, +1 … +4),
srq20, adl, sdq_total, kpsp, tb_symptoms, smoking, skilas_positive, vision_problem,
hearing_problem, dental_caries, immunizations.
The usual Indonesian headers are understood too (nama, jenis_kelamin, tanggal_lahir,
tanggal, bb, tb, lila, lk, lp, …: `register_columns`), blood pressure in one column (`TD` or
`tekanan darah`, written 120/80), and a running number (`No.`), notes, the parents'
names, the address, a worked-out age and worked-out statuses (BB/U, N/T, …) are left
out. Doses are read as the Buku KIA writes them, in one column or a column per dose
(ticked, or dated the visit's day) under a two-row header. Any other column is refused by
name, with the one probably meant: a measurement under a header nobody reads would be
lost.

Registers are typed into spreadsheets, so what a spreadsheet in an Indonesian locale
writes is read as meant: `;`-separated files (Excel's CSV where the decimal mark is a
comma), decimal commas (`9,1`), dates day first (20/11/2026, 20-11-26, 20 Nov 2026), sex
as L/P, yes/no as ya/tidak (also y/n, ada/tidak ada, a tick, 1/0), units the column
names in a cell (9,1 kg), immunisations separated by `;`, `,`, `/` or `|`.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from ilp_contracts.immunization import written_tetanus_status
from ilp_contracts.registry import area_name_key, as_dusun, place_name_key
from ilp_contracts.screening import HouseholdMember, ScreeningSubmission
from ilp_contracts.text import Text, _
from ilp_kit.errors import InvalidInput, explained, probably_meant
from ilp_kit.spreadsheet import (blank, csv_rows, day_named, header_name, header_of, iso_day,
                                  month_named, written_columns, written_day, year_named)
from pydantic import ValidationError

from .domain.classify import CANCER_REFERRALS, SENSE_REFERRALS, SKILAS_DOMAINS
from .domain.person import age_in_months, nik_birth
from .domain.registers import TERM_DAYS
from .register_columns import (AGE, AGE_YEARS, BIRTH_ORDER, BLOOD_PRESSURE, BREASTFED, CAPSULE,
                               CONTACT, DATES, DESA_NAME, DOSE, DUE_DATE, DUSUN, FLAGS, IRON,
                               IRON_BATCH_TABLETS, KNOWN_COLUMNS, KNOWN_CONDITIONS,
                               LAST_PERIOD, MONTHLY, MONTHLY_FIELDS, MOTHER_NAME,
                               NCD_HISTORY, NOT_READ, NUMBERS, PERSON, POSYANDU_NAME,
                               PREGNANCY, REGISTER_NUMBER, RT_RW, TETANUS, VISIT_NUMBER,
                               column, contact_column, iron_column, monthly, tetanus_column)

# How the length was taken, as a register writes it: lying down (under two) or standing.
_LYING = {"telentang": True, "terlentang": True, "berbaring": True, "baring": True,
          "berdiri": False}
# A paper register's ticks and words: "ada" (a symptom there), "positif", a tick mark.
YES_WORDS = {"ya", "y", "yes", "true", "1", "ada", "positif", "v", "√", "✓"}
NO_WORDS = {"tidak", "t", "n", "no", "false", "0", "tidak ada", "tdk", "negatif"}
_CAPSULES = {"biru", "merah"}  # a vitamin A capsule written by its colour: given
# An examination's result as a list writes it ("Visus: normal", "IVA: positif"): a problem
# or not.
_EXAMINED = {*SENSE_REFERRALS, *CANCER_REFERRALS}
_FOUND = {"normal": False, "baik": False, "tidak normal": True, "abnormal": True,
          "kurang": True, "gangguan": True, "ada gangguan": True, "ada benjolan": True,
          "tidak ada benjolan": False}
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_LIST = re.compile(r"[;,/|]")
_MMHG = re.compile(r"\s*mm\s*hg\s*$", re.IGNORECASE)  # "140/90 mmHg"
# A NIK or No. KK typed in groups ("5203 0141 0175 0008", "5203.01…") or behind the
# apostrophe that keeps a spreadsheet from reading it as a number; and one it did read as
# a number, its last digits rounded away (5,20301E+15), which nobody can recover here.
IDENTIFIERS = ("nik", "mother_nik", "household_id")
_GROUPING = re.compile(r"[\s.'’-]")
_ROUNDED = re.compile(r"^\d([.,]\d+)?e\+?\d+$", re.IGNORECASE)

Row = tuple[int, ScreeningSubmission | None, list[Any]]  # pydantic's error details
# name key → (id, desa code, desa name key) of each place so named
Places = dict[str, list[tuple[str, str, str | None]]]


def ungrouped(identifier: str) -> str:
    """A NIK or No. KK as typed in groups, or behind a spreadsheet's apostrophe: its
    digits."""
    return _GROUPING.sub("", identifier)


def _not_a_date(cell: object) -> Text:
    return _("{cell!r} is not a date: write it day first, as 20/11/2026 or 20 Nov 2026",
             cell=cell)


def _cell(name: str, value: str) -> object:
    if name.startswith(MONTHLY):  # a month's measure reads as the measure
        name = name.removeprefix(MONTHLY).partition(":")[0]
    if name.startswith(CONTACT):  # the day of an ANC contact, or this row's visit ticked
        return True if value.lower() in YES_WORDS else iso_day(value)
    if name.startswith((DOSE, IRON, TETANUS)):  # ticked, or the day it was given
        return _yes_no(value, iso_day(value))
    if name in FLAGS or name.startswith((CAPSULE, BREASTFED)):
        lowered = value.lower()
        if name == "measured_lying" and lowered in _LYING:
            return _LYING[lowered]
        if name == "vitamin_a" and (colour := lowered.removeprefix("kapsul ")) in _CAPSULES:
            return colour  # given, of this colour (`_capsule_given`)
        if name in _EXAMINED and lowered in _FOUND:
            return _FOUND[lowered]
        return _yes_no(value, value)
    if name in IDENTIFIERS and (digits := ungrouped(value)).isdigit():
        return digits
    if name == "kpsp":  # "Sesuai", as e-PPGBM exports it, or a register's S, M or P
        return _KPSP.get(value.lower(), value.lower())
    if name == "immunizations":
        return [v.strip() for v in _LIST.split(value) if v.strip()]
    if name in NUMBERS:
        value = _without_unit(name, value)
        return value.replace(",", ".") if _DECIMAL_COMMA.match(value) else value
    if name in DATES:
        return iso_day(value)
    return value


_KPSP = {"s": "sesuai", "m": "meragukan", "p": "penyimpangan"}


def _yes_no(value: str, otherwise: object) -> object:
    """A tick's yes or no as a register writes it, else `otherwise`."""
    lowered = value.lower()
    return True if lowered in YES_WORDS else False if lowered in NO_WORDS else otherwise


# A cell that repeats its column's unit ("9,5 kg", "11,2 g/dL") – only that unit: "950 g"
# under BB (kg) stays a cell nobody can read, not 950 kg.
_UNITS = {"weight_kg": ("kg",), "hb": ("g/dl", "gr/dl"), "gestational_weeks": ("minggu", "mgg"),
          "iron_tablets": ("tablet", "tab", "butir"),
          **dict.fromkeys(("height_cm", "muac_cm", "head_circumference_cm", "waist_cm"),
                          ("cm",)),
          **dict.fromkeys(("systolic", "diastolic"), ("mmhg",)),
          **dict.fromkeys(("glucose_random", "glucose_fasting", "cholesterol_total"),
                          ("mg/dl",))}
_NUMBER_AND_UNIT = re.compile(r"^(-?\d+(?:[.,]\d+)?)\s*([a-z/%]+)\.?$", re.IGNORECASE)


def _without_unit(name: str, value: str) -> str:
    given = _NUMBER_AND_UNIT.match(value)
    if given and given.group(2).lower() in _UNITS.get(name, ()):
        return given.group(1)
    return value


def columns_not_read(text: str) -> list[str]:
    """The columns of other programmes a register has (as it writes them), which its
    import reads past – in a Kohort Ibu, its Vitamin A too (the mother's after delivery,
    which `_visit` drops from a pregnancy's row)."""
    written = written_columns(text, column, KNOWN_COLUMNS)
    kohort = any(name in _OF_A_PREGNANCY or name.startswith(CONTACT) for name in written)
    return [said for name, said in written.items()
            if name.startswith(NOT_READ) or kohort and name == "vitamin_a"]


def in_the_sheets_words(rejected: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Refused rows whose problems name the column as the sheet writes it (`column`:
    "BB (kg)", "Tgl Periksa") beside the field it was read as, so the kader finds the cell."""
    written = written_columns(text, column, KNOWN_COLUMNS)
    return [{**row, "detail": [_column_named(problem, written) for problem in row["detail"]]}
            for row in rejected]


# A problem's field read from a column of another name: "TD" gives systolic and diastolic.
_READ_FROM = {"systolic": BLOOD_PRESSURE, "diastolic": BLOOD_PRESSURE,
              "posyandu": POSYANDU_NAME, "gestational_weeks": LAST_PERIOD,
              "last_period": DUE_DATE}


def _column_named(problem: dict[str, Any], written: dict[str, str]) -> dict[str, Any]:
    fields = [part for part in problem.get("loc", []) if isinstance(part, str)]
    field = fields[-1] if fields else ""
    for name in (field, f"{DOSE}{field}", _READ_FROM.get(field, "")):
        if name in written:
            return {**problem, "column": written[name]}
    return problem


def posyandu_names(text: str) -> set[str]:
    """The keys (`place_name_key`) of the posyandu a register names by name, for the
    caller to look up (`places_named`) before `parse_register`."""
    return {place_name_key(row[POSYANDU_NAME]) for row in csv_rows(text, column, KNOWN_COLUMNS)
            if (row.get(POSYANDU_NAME) or "").strip() and not (row.get("posyandu_id") or "").strip()}


def recorded_something(visit: ScreeningSubmission) -> bool:
    """Whether a row records anything of the person's visit – a measure, a check, a dose,
    her pregnancy (an ANC contact is one) –: a class list's pupil given no dose, or a
    child a register lists and did not weigh that day, records nothing."""
    return visit.pregnancy is not None or bool(
        visit.measurements.model_dump(exclude_none=True, exclude_defaults=True))


def parse_register(text: str, posyandu_id: str | None = None, places: Places | None = None,
                   by_month: ByMonth | None = None, on: str | None = None) -> Iterator[Row]:
    """(line number, submission or None, problems) per visit; never raises on content.
    A row's posyandu is its `ID Posyandu`, else the one its `Posyandu` names among
    `places` (the caller's, by `posyandu_names`), else `posyandu_id`. A row is one visit,
    `on` its day where it writes none (`day_of_visits`); in a register by month
    (`by_month`: its year and the posyandu's day, `months_of`) a visit each month it has
    a measure for."""
    for line, cells, given in _filled_rows(text):
        if on is not None:
            given.setdefault("screened_on", on)
        if by_month is not None:
            yield from _months(line, cells, given, posyandu_id, places, by_month)
        elif any(name.startswith(CONTACT) for name in given):
            yield from _contacts(line, cells, given, posyandu_id, places)
        else:
            yield _visit(line, cells, given, posyandu_id, places)


def _visit(line: int, cells: dict[str, str], given: dict[str, object], posyandu_id: str | None,
           places: Places | None) -> Row:
    desa = given.pop(DESA_NAME, None)
    if (name := given.pop(POSYANDU_NAME, None)) is not None and "posyandu_id" not in given:
        found = place_named(str(name), places or {}, None if desa is None else str(desa))
        if isinstance(found, dict):
            return line, None, [found]
        given["posyandu_id"] = found
    _td_ticked(given)
    if (pressure := given.pop(BLOOD_PRESSURE, None)) is not None:
        systolic, _slash, diastolic = _MMHG.sub("", str(pressure)).partition("/")
        given["systolic"] = systolic.strip()
        if diastolic.strip():  # else the missing diastolic is reported as such
            given["diastolic"] = diastolic.strip()
    _ncd_history(given)
    _skilas_found(given)
    _pregnant_woman(given)
    pregnancy = {k: given.pop(k) for k in PREGNANCY if k in given}
    if pregnancy:  # a Kohort Ibu's Vitamin A: her capsules after delivery (ibu nifas)
        given.pop("vitamin_a", None)
    _identified_without_nik(given)
    _birth_date_unwritten(given, given.get("screened_on"))
    _capsule_given(given)
    _breastfed_at_her_age(given)
    reached = _tetanus_reached(given)  # (a row of one visit; a Kohort's contacts took theirs)
    _tetanus_at(given, reached, str(given.get("screened_on")))
    doses, refused = _doses_given(given)
    refused += _tetanus_left(reached, {str(given.get("screened_on"))}, cells)
    if doses:
        given["immunizations"] = [*given.get("immunizations", []), *doses]  # type: ignore[misc]
    refused += _iron_left(_iron_given(given, _iron_batches(given), given.get("screened_on")),
                          cells)
    early = refused
    try:  # one validation of the whole row, so every bad cell is reported at once
        submission = ScreeningSubmission.model_validate({
            "person": {k: given.pop(k) for k in PERSON if k in given},
            "posyandu_id": given.pop("posyandu_id", posyandu_id or ""),
            **({"screened_on": day} if (day := given.pop("screened_on", None)) else {}),
            "pregnancy": pregnancy or None,
            "measurements": given})
    except ValidationError as exc:
        return line, None, [*early, *_problems(exc, cells)]
    return line, None if early else submission, early


ByMonth = tuple[int, int]  # a register by month's year, and the posyandu's day of the month


def months_of(text: str, year: int | None, day: int | None) -> ByMonth | None:
    """A register by month's year – given, else its title's ("REGISTER BAYI … TAHUN
    2026") – and the day its posyandu meets (given: a register by month writes no day);
    None for a register a row per visit. Raises InvalidInput when one is not known."""
    title, names = header_of(text, column, KNOWN_COLUMNS)
    if not any(name.startswith(MONTHLY) for name in names):
        return None
    year = year or year_named(title)
    if year is not None and day is not None:
        return year, day
    missing: list[tuple[tuple[str | int, ...], str, str]] = []
    if year is None:
        missing.append((("query", "year"), _(
            "a register by month names no year in its title: give the year (year=2026)"),
            "missing"))
    if day is None:
        missing.append((("query", "day"), _(
            "a register by month writes no day: give the day of the month its posyandu "
            "meets (day=12)"), "missing"))
    raise InvalidInput(missing)


def day_of_visits(text: str, year: int | None, day: int | None) -> str | None:
    """The day (ISO) of a register a row per visit that writes none – no `Tanggal`
    column, as a month's Posbindu or lansia register often has: the one its title names
    ("TANGGAL 4 DESEMBER 2026"), else the posyandu's `day` of the month its title names
    ("BULAN DESEMBER 2026", its year or the one given). None where rows date themselves;
    InvalidInput when nothing says the day."""
    title, names = header_of(text, column, KNOWN_COLUMNS)
    if "screened_on" in names or any(name.startswith((MONTHLY, CONTACT)) for name in names):
        return None
    if said := day_named(title):
        return said
    month, year = month_named(title), year or year_named(title)
    if month is not None and year is not None and day is not None:
        return date(year, month, min(day, monthrange(year, month)[1])).isoformat()
    raise InvalidInput([(("query", "day"), _(
        "the register writes no day of its visits: add a Tanggal column, or name the month "
        "in its title (BULAN DESEMBER 2026) and give the day its posyandu met (day=4)"),
        "missing")])


def _months(line: int, cells: dict[str, str], given: dict[str, object], posyandu_id: str | None,
            places: Places | None, by_month: ByMonth) -> Iterator[Row]:
    """A child's row of a register by month: a visit on the posyandu's day of each month
    with a measure, each checked on its own (a month's bad cell refuses that month; the
    row's problems are reported once). A dose goes with the visit of the month it is
    dated in – a register by month keeps no row for the day it was given."""
    year, day = by_month
    measured: dict[int, dict[str, object]] = {}
    for name in [name for name in given if name.startswith(MONTHLY)]:
        field, number = name.removeprefix(MONTHLY).split(":")
        measured.setdefault(int(number), {})[field] = given.pop(name)
    for month in [m for m, measures in measured.items()  # "tidak" alone: no visit then
                  if all(value is False for value in measures.values())]:
        del measured[month]
    doses, refused = _doses_by_month(given, year, set(measured))
    for month, measures in sorted(measured.items()):
        on = date(year, month, min(day, monthrange(year, month)[1])).isoformat()
        visit = {**given, **measures, "screened_on": on,
                 **{f"{DOSE}{code}": True for code in doses.get(month, [])}}
        in_cells = {**cells, **{field: cells[monthly(field, month)] for field in measures}}
        _line, submission, found = _visit(line, in_cells, visit, posyandu_id, places)
        if submission is not None:
            yield line, submission, []
        refused += [_in_its_month(problem, month, measures) for problem in found]
    if refused:
        yield line, None, _each_once(refused)  # the row's own problems, once


# What dates every contact of a Kohort Ibu's row: who she is, where, and her HPHT (or HPL).
# A Kohort Ibu's columns: a sheet of pregnancies.
_OF_A_PREGNANCY = frozenset({*PREGNANCY, DUE_DATE, VISIT_NUMBER})
_OF_EVERY_CONTACT = (*PERSON, MOTHER_NAME, "posyandu_id", POSYANDU_NAME, DESA_NAME, LAST_PERIOD,
                     DUE_DATE)


def _contacts(line: int, cells: dict[str, str], given: dict[str, object],
              posyandu_id: str | None, places: Places | None) -> Iterator[Row]:
    """A Kohort Ibu's row with a column per ANC contact (K1 … K6, the day each was made):
    a contact each day, dated by her HPHT (or HPL; or by the row's UK on the row's own
    day); a K ticked instead of dated is the row's own visit. The row's measurements are its own visit's – its `Tanggal`, else its latest
    contact; the others were recorded with nothing measured, as the Buku KIA copies them."""
    days = {int(name.removeprefix(CONTACT)): given.pop(name)
            for name in [name for name in given if name.startswith(CONTACT)]}
    ticked = [number for number, day in days.items() if day is True]  # (this row's visit)
    if ticked and VISIT_NUMBER not in given and "anc_visit" not in given:
        given[VISIT_NUMBER] = max(ticked)
    refused = [_not_a_contact_day(number, cells) for number, day in days.items()
               if day is not True and _iso_day(day) is None]
    dated = {number: str(day) for number, day in days.items() if _iso_day(day) is not None}
    if not dated and not refused:  # a register ticking which K the row's visit is
        yield _visit(line, cells, given, posyandu_id, places)
        return
    own = str(given.get("screened_on") or max(dated.values(), default=""))
    if own and "screened_on" not in given:
        given["screened_on"] = own
    if VISIT_NUMBER not in given and "anc_visit" not in given:
        given[VISIT_NUMBER] = max((n for n, day in dated.items() if day == own), default=None)
    dating = {key: given[key] for key in _OF_EVERY_CONTACT if key in given}
    if LAST_PERIOD not in dating and DUE_DATE not in dating:
        dating[LAST_PERIOD] = _last_period_by_weeks(own, given.get("gestational_weeks"))
    if dating.get(LAST_PERIOD, dating.get(DUE_DATE)) is None:
        yield line, None, [*refused, {"type": "missing", "loc": ["column", LAST_PERIOD],
                                      "msg": _("the days of her contacts (K1, K2 …) are "
                                               "dated by her HPHT: give it, or her HPL, or "
                                               "how far along she was on the row's day (UK)")}]
        return
    earlier = {number: day for number, day in dated.items() if day != own}
    batches = _iron_batches(given)  # (with the contact of their day)
    reached = _tetanus_reached(given)  # her status T at each contact, a Td with its day's
    refused += _tetanus_left(reached, {*earlier.values(), own}, cells)
    for number, day in sorted(earlier.items()):
        contact_day = {**dating, "screened_on": day, VISIT_NUMBER: number}
        _tetanus_at(contact_day, reached, day)
        batches = _iron_given(contact_day, batches, day, ticked=False)
        _line, contact, found = _visit(line, cells, contact_day, posyandu_id, places)
        refused += [_at_its_column(problem, number) for problem in found]
        if contact is not None:
            yield line, contact, []
    refused += _iron_left(_iron_given(given, batches, own), cells)
    _tetanus_at(given, reached, own)
    _line, visit, found = _visit(line, cells, {k: v for k, v in given.items() if v is not None},
                                 posyandu_id, places)
    if visit is not None:
        yield line, visit, []
    if found or refused:
        yield line, None, _each_once([*refused, *found])


def _last_period_by_weeks(day: str, weeks: object) -> object:
    """Her HPHT as the row's UK on the row's own day implies it (None if it cannot)."""
    try:
        return (date.fromisoformat(day) - timedelta(weeks=int(str(weeks)))).isoformat()
    except ValueError:
        return None


def _not_a_contact_day(number: int, cells: dict[str, str]) -> dict[str, Any]:
    return {"type": "date_from_datetime_parsing", "loc": ["column", contact_column(number)],
            "msg": _not_a_date(cells.get(contact_column(number), ""))}


def _at_its_column(problem: dict[str, Any], number: int) -> dict[str, Any]:
    """An earlier contact's problem with its day (in the future, before her HPHT) at its
    K column."""
    loc = list(problem.get("loc", []))
    if loc and loc[-1] in ("screened_on", "last_period", "gestational_weeks"):
        loc[-1] = contact_column(number)
    return {**problem, "loc": loc}


def _each_once(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [problem for index, problem in enumerate(problems) if problem not in problems[:index]]


def _doses_by_month(given: dict[str, object], year: int, months: set[int]
                    ) -> tuple[dict[int, list[str]], list[dict[str, Any]]]:
    """A register by month's doses by the month they are dated in (one with a visit that
    year), and the problems of those that are not: ticked without a day, or dated where
    the row has no visit."""
    doses: dict[int, list[str]] = {}
    refused = []
    for name in [name for name in given if name.startswith(DOSE)]:
        value, code = given.pop(name), name.removeprefix(DOSE)
        if value is False:
            continue
        on = _iso_day(value)
        if on is not None and on.year == year and on.month in months:
            doses.setdefault(on.month, []).append(code)
            continue
        refused.append({"type": "dose_without_visit", "loc": ["column", code], "msg": _(
            "a register by month records a dose with the weighing of the month it is dated "
            "in: write the day it was given, not a tick") if value is True else _(
            "{value!r}: a register by month records a dose with the weighing of the month "
            "it is dated in, and this row has none then", value=value)})
    return doses, refused


def _iso_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def in_its_month(problems: list[dict[str, Any]], visit: ScreeningSubmission
                 ) -> list[dict[str, Any]]:
    """A register by month's visit refused when it was recorded, its problems at the
    month's columns."""
    measures = visit.measurements.model_dump(exclude_none=True, include=set(MONTHLY_FIELDS))
    return [_in_its_month(problem, visit.screened_on.month, measures) for problem in problems]


def once_a_row(rejected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A register by month's refused visits (`line`, `screened_on`, `detail`), a row's
    said once where every visit of it was refused alike (her NIK not her birth date's)."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for visit in rejected:
        by_line.setdefault(visit["line"], []).append(visit)
    said = []
    for line, refused in by_line.items():
        alike = len(refused) > 1 and all(v["detail"] == refused[0]["detail"] for v in refused)
        said += [{"line": line, "detail": refused[0]["detail"]}] if alike else refused
    return said


def _in_its_month(problem: dict[str, Any], month: int, measures: dict[str, object]
                  ) -> dict[str, Any]:
    """A month's problem at its column ("BB (kg) Mar"): a measure's at the month's column
    of it, the day's (in the future, before birth) at the month's first."""
    loc = list(problem.get("loc", []))
    if loc and loc[-1] in measures:
        loc[-1] = monthly(str(loc[-1]), month)
    elif loc and loc[-1] == "screened_on":
        loc[-1] = monthly(next(iter(measures)), month)
    return {**problem, "loc": loc}


def _pregnant_woman(given: dict[str, object]) -> None:
    """A Kohort Ibu's row as its columns give it: "Nama Ibu" is her own name where no
    other name is given (in a balita register it is the child's mother's, left out);
    a register of pregnant women writes no sex; "Kunjungan ke" K2 is her second contact
    (in a balita's row it counts posyandu days, not read). How far along she is, where
    the register gives her HPHT and no UK, the submission tells from the HPHT."""
    mother_name = given.pop(MOTHER_NAME, None)
    visit = given.pop(VISIT_NUMBER, None)
    if (due := given.pop(DUE_DATE, None)) is not None and LAST_PERIOD not in given:
        given[LAST_PERIOD] = _last_period_before(due)
    pregnant = any(k in given for k in PREGNANCY)
    if pregnant and visit is not None and "anc_visit" not in given:
        given["anc_visit"] = visit
    if mother_name and "name" not in given and pregnant:
        given["name"] = mother_name
    if pregnant and "sex" not in given:
        given["sex"] = "F"
    if isinstance(visit := given.get("anc_visit"), str) and visit[:1] in "kK":
        given["anc_visit"] = visit[1:].strip()


def _last_period_before(due: object) -> object:
    """Her HPHT from her HPL (Naegele's rule backwards: 280 days); a cell nobody can
    read as a day is handed on, for the validation to refuse at its column."""
    try:
        return (date.fromisoformat(str(due)) - timedelta(days=TERM_DAYS)).isoformat()
    except ValueError:
        return due


def _identified_without_nik(given: dict[str, object]) -> None:
    """Who a row without her own NIK is. A child the register gives her mother's NIK:
    which of the mother's children (`Anak ke` 2: "anak-2", as kader apps name her);
    without that column, the child born that day (the submission's own rule), twins
    apart only by the column. Someone with neither NIK: her number in the register
    (`No. Register`)."""
    order, number = given.pop(BIRTH_ORDER, None), given.pop(REGISTER_NUMBER, None)
    if given.get("nik") or given.get("local_id"):
        return
    if order and given.get("mother_nik"):
        given["local_id"] = f"anak-{order}"
    elif number and not given.get("mother_nik"):
        given["local_id"] = number


ADULT_YEARS = 15  # from here an age in years reads as a birth date does (the PTM screening's)


def _birth_date_unwritten(given: dict[str, object], on: object) -> None:
    """A row without a birth date (`Tgl Lahir`) has the one its NIK writes (DDMMYY, a
    woman's day + 40; her sex too where the row gives none; the century her `Umur`
    says, else the latest not after the visit). Without a NIK, from 15
    years – where no rule reads an age to the day – the middle of the year her age in
    years (`_years`) says she was born in: many lansia know no more."""
    years = _years(given.pop(AGE_YEARS, None), given.pop(AGE, None))
    if given.get("birth_date"):
        return
    try:
        day = date.fromisoformat(str(on)) if on else date.today()
    except ValueError:
        return  # the visit's own day is refused at its column
    if (read := nik_birth(str(given.get("nik") or ""), day)) is not None:
        born, sex = read
        # her age says the NIK's earlier century (not 29 February: 1900 had none)
        if years is not None and abs((day - born).days / 365.25 - years) > 1 \
                and born.year >= 2000 and (born.month, born.day) != (2, 29):
            born = born.replace(year=born.year - 100)
        given["birth_date"] = born.isoformat()
        given.setdefault("sex", sex)
    elif years is not None and years >= ADULT_YEARS:
        born = date(day.year - years, 7, 1)
        given["birth_date"] = (born if (7, 1) <= (day.month, day.day) else
                               born.replace(year=born.year - 1)).isoformat()


_AGE_SAID = re.compile(r"\s*(\d{1,3})\s*(th|thn|tahun)?\.?\s*$", re.IGNORECASE)
BALITA_MONTHS = 60  # a bare age from here cannot be a balita's months


def _years(in_years: object, bare: object) -> int | None:
    """An age in years as a register writes it: under `Umur (th)` (70, "70 th"), or
    under a bare `Umur` where it says years ("70 tahun") or cannot be a balita's months
    (60 and over) – a balita register's `Umur` is her months."""
    if in_years is not None and (said := _AGE_SAID.match(str(in_years))):
        return int(said.group(1))
    if bare is not None and (said := _AGE_SAID.match(str(bare))) and (
            said.group(2) or int(said.group(1)) >= BALITA_MONTHS):
        return int(said.group(1))
    return None


def place_named(name: str, places: Places, desa: str | None = None) -> str | dict[str, Any]:
    """The id of the one place so named – of those, the one in `desa` (its name) –, or the
    problem: none, or several (each desa may have its Posyandu Mawar)."""
    found = places.get(place_name_key(name), [])
    if len(found) > 1 and desa is not None:
        found = [place for place in found if place[2] == area_name_key(desa)] or found
    if len(found) == 1:
        return found[0][0]
    which = ", ".join(f"{place_id} (desa {code})" for place_id, code, _desa in found[:5])
    return {"type": "unknown_posyandu" if not found else "ambiguous_posyandu",
            "loc": ["column", "posyandu"],
            "msg": _("no posyandu or pustu named {name!r} is registered in your wilayah",
                     name=name)
                   if not found else _("{count} posyandu in your wilayah are named {name!r}: "
                                       "{which}; write its ID in an 'ID Posyandu' column",
                                       count=len(found), name=name, which=which)}


def _breastfed_at_her_age(given: dict[str, object]) -> None:
    """Her E0 … E6 (`BREASTFED`): at this visit, the one of her month of age – ticked,
    breast milk only; "tidak", not; empty, not asked."""
    months = {int(name.removeprefix(BREASTFED)): given.pop(name)
              for name in [n for n in given if n.startswith(BREASTFED)]}
    if not months or "exclusive_breastfeeding" in given:
        return
    try:
        age = age_in_months(date.fromisoformat(str(given.get("birth_date"))),
                            date.fromisoformat(str(given.get("screened_on"))))
    except ValueError:
        return  # a day nobody can read: refused at its column
    if (said := months.get(age)) is not None:
        given["exclusive_breastfeeding"] = said


def _capsule_given(given: dict[str, object]) -> None:
    """A vitamin A capsule written by its colour ("merah"), or ticked under it (Biru |
    Merah), is given, of that colour; both columns answered and neither ticked, not given.
    A cell neither ya nor tidak is refused at the capsule's column, as any yes/no."""
    if given.get("vitamin_a") in _CAPSULES:
        given["vitamin_a_capsule"], given["vitamin_a"] = given["vitamin_a"], True
    colours = {name: given.pop(name) for name in [n for n in given if n.startswith(CAPSULE)]}
    if "vitamin_a" in given or not colours:
        return
    if ticked := [name for name, value in colours.items() if value is True]:
        given["vitamin_a"] = True
        if len(ticked) == 1:
            given["vitamin_a_capsule"] = ticked[0].removeprefix(CAPSULE)
    elif unread := [value for value in colours.values() if value is not False]:
        given["vitamin_a"] = unread[0]
    else:
        given["vitamin_a"] = False


IronBatch = tuple[int, object, int]  # (its Fe column's number, its day or True, tablets)


def _iron_batches(given: dict[str, object]) -> list[IronBatch]:
    """Her Fe1 | Fe2 | Fe3 columns (`IRON`), taken out of the row: each the 30 tablets
    more that brought her to 30, 60, 90 – given on its day, or at the row's visit when
    ticked; "tidak", none."""
    batches, before = [], 0
    for number, when in sorted((int(name.removeprefix(IRON)), given.pop(name))
                               for name in [n for n in given if n.startswith(IRON)]):
        if when is not False:
            batches.append((number, when, IRON_BATCH_TABLETS * (number - before)))
            before = number
    return batches


def _iron_given(visit: dict[str, object], batches: list[IronBatch], day: object,
                ticked: bool = True) -> list[IronBatch]:
    """The batches given at this visit – on its day, or (its row's own) ticked – added
    to its iron tablets; the others, left."""
    here = [b for b in batches if b[1] == day or (ticked and b[1] is True)]
    if here and "iron_tablets" not in visit:
        visit["iron_tablets"] = sum(batch[2] for batch in here)
    return [b for b in batches if b not in here]


def _iron_left(batches: list[IronBatch], cells: dict[str, str]) -> list[dict[str, Any]]:
    """Batches of a day with no contact in the row: refused at their column (recorded as a
    contact of their own, they would count towards her K6)."""
    return [{"type": "iron_not_at_a_contact", "loc": ["column", iron_column(number)],
             "msg": _("{value!r} is neither a tick nor the day of a contact in this row: "
                      "iron tablets are recorded with the contact they were given at",
                      value=cells.get(iron_column(number), when))}
            for number, when, _tablets in batches]


Reached = dict[int, object]  # her status T → the day she reached it (or True: ticked)


def _tetanus_reached(given: dict[str, object]) -> Reached:
    """Her T1 … T5 columns (`TETANUS`), taken out of the row: "tidak", not reached."""
    reached = {}
    for name in [name for name in given if name.startswith(TETANUS)]:
        if (when := given.pop(name)) is not False:
            reached[int(name.removeprefix(TETANUS))] = when
    return reached


def _tetanus_at(visit: dict[str, object], reached: Reached, day: str) -> None:
    """Her status T at a visit on `day` – the highest reached by then, ticked or dated that
    day or before –, and a Td given there where a status was reached that day."""
    by_then = [status for status, when in reached.items()
               if when is True or (_iso_day(when) is not None and str(when) <= day)]
    if by_then and "tetanus_status" not in visit:
        visit["tetanus_status"] = max(by_then)
    if day in reached.values():
        visit[f"{DOSE}Td"] = day


def _tetanus_left(reached: Reached, days: set[str], cells: dict[str, str]
                  ) -> list[dict[str, Any]]:
    """A status T's cell that is neither a tick nor a day, or whose day is after her first
    visit in the row and none of its visits': refused at its column (before it, she
    reached it before she came here: her history)."""
    first = min(days)
    return [{"type": "tetanus_not_at_a_visit", "loc": ["column", tetanus_column(status)],
             "msg": _("{value!r} is neither a tick, a day before her first visit in this "
                      "row, nor the day of one of its visits: a Td is recorded with the "
                      "visit it was given at", value=cells.get(tetanus_column(status), when))}
            for status, when in reached.items() if when is not True and (
                _iso_day(when) is None or (str(when) > first and str(when) not in days))]


_LISTED = re.compile(r"\s*(?:[,;/+&]|\bdan\b)\s*")


def _ncd_history(given: dict[str, object]) -> None:
    """"Riwayat PTM: Hipertensi, DM": a diagnosis of each listed; any cell written – "tidak
    ada", "Jantung" – says neither of those that it does not list. A column of its own
    ("Riwayat Hipertensi") says it over the list."""
    cell = given.pop(NCD_HISTORY, None)
    if cell is None:
        return
    listed = {" ".join(part.split()) for part in _LISTED.split(str(cell).lower())}
    for field, words in KNOWN_CONDITIONS.items():
        given.setdefault(field, bool(listed & set(words)))


# What a SKILAS cell may list: its domains, and sight and hearing (asked with them).
_SKILAS_LISTED = {*SKILAS_DOMAINS, "vision_problem", "hearing_problem"}


def _skilas_found(given: dict[str, object]) -> None:
    """"SKILAS: Penurunan kognitif, Gejala depresi" – the domains it found, in the words
    their own columns are headed with: each a decline, SKILAS positive. A cell naming
    anything else stays as written, refused as no yes or no."""
    cell = given.get("skilas_positive")
    if not isinstance(cell, str):
        return
    domains = {column(header_name(part)) for part in _LISTED.split(cell) if part.strip()}
    if domains and domains <= _SKILAS_LISTED:
        for domain in domains:
            given.setdefault(domain, True)
        given["skilas_positive"] = True


def _td_ticked(given: dict[str, object]) -> None:
    """"Td" ticked or dated, as a school's BIAS list heads its dose: the dose, not a blood
    pressure – what most registers head "TD" (tekanan darah)."""
    cell = given.get(BLOOD_PRESSURE)
    if isinstance(cell, str) and (cell.lower() in YES_WORDS or written_day(cell)):
        given.pop(BLOOD_PRESSURE)
        given[f"{DOSE}Td"] = True if cell.lower() in YES_WORDS else iso_day(cell)


def _doses_given(given: dict[str, object]) -> tuple[list[str], list[Any]]:
    """The doses a register's dose columns say were given at this visit (ticked, or dated
    the visit's day), and those dated another day: a register keeps a row per visit, so a
    dose given on another day belongs on that day's row, not counted at this one."""
    doses, refused = [], []
    day = given.get("screened_on")
    for name in [name for name in given if name.startswith(DOSE)]:
        value, code = given.pop(name), name.removeprefix(DOSE)
        if value is True or value == day:
            doses.append(code)
        elif code == "Td" and isinstance(value, str) and \
                (status := written_tetanus_status(value)) is not None:
            doses.append(code)  # "TT2": her second dose, given today – she is T2 now,
            # whatever a status column says from before it
            before = given.get("tetanus_status", "")
            if (earlier := written_tetanus_status(str(before))) is not None or not before:
                given["tetanus_status"] = max(status, earlier or 0)
        elif value is not False:
            refused.append({"type": "dose_not_this_visit", "loc": ["column", code],
                            "msg": _("{value!r} is neither a tick nor this visit's day "
                                     "({day}); a dose given on another day goes on that "
                                     "visit's row", value=value, day=day)})
    return doses, refused


def _filled_rows(text: str) -> Iterator[tuple[int, dict[str, str], dict[str, object]]]:
    """(line number, cells, the filled cells read) of each row with something in it: not
    an empty line, nor a "Jumlah" line with nothing but its label in the No. column."""
    reader = csv_rows(text, column, KNOWN_COLUMNS)
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k and k[0] != NOT_READ}
        # (a yes/no column's "-" or "tidak ada" says something: its no, or is refused)
        if given := {k: _cell(k, v) for k, v in cells.items()
                     if (v if k in FLAGS or k == NCD_HISTORY else not blank(v))}:
            yield reader.line_num, cells, _dusun_as_rw(_rt_rw(given))


_RT_RW = re.compile(r"^(?:rt\.?\s*)?(\w+)\s*[/-]\s*(?:rw\.?\s*)?(\w+)$", re.IGNORECASE)


def _rt_rw(given: dict[str, object]) -> dict[str, object]:
    """"RT/RW" in one cell – 003/004, 3-4, RT 3 / RW 4 – as her RT and RW (where the row
    gives neither on its own); a cell read otherwise is her RT as written."""
    cell = str(given.pop(RT_RW, "")).strip()
    if cell and not {"rt", "rw"} & given.keys():
        if found := _RT_RW.match(cell):
            given.update(rt=found.group(1), rw=found.group(2))
        else:
            given["rt"] = cell
    return given


def _dusun_as_rw(given: dict[str, object]) -> dict[str, object]:
    """A row's dusun as her RW's label where the row gives no RW (a desa of dusun), said
    as a dusun – "1" under "Dusun" is Dusun 1, not RW 1 – so whoever covers it visits."""
    dusun = str(given.pop(DUSUN, "")).strip()
    if dusun and "rw" not in given:
        given["rw"] = as_dusun(dusun)
    return given


def _problems(exc: ValidationError, cells: dict[str, str]) -> list[Any]:
    return _cells_named(_rounded_named(_columns_named(explained(exc.errors(
        include_url=False, include_input=False), None)), cells), cells)


def _cells_named(errors: list[Any], cells: dict[str, str]) -> list[Any]:
    """A date, a yes/no or a measure nobody could read is refused saying how to write it,
    not as pydantic's "input is too short"."""
    def named(error: Any) -> Any:
        column = str(error["loc"][-1]) if error.get("loc") else ""
        kind = str(error.get("type", ""))
        # (an HPHT counted back from the HPL is the HPL's cell)
        cell = cells.get(column) or cells.get(_READ_FROM.get(column, ""), "")
        if column in DATES and kind.startswith(("date_", "datetime_")):
            return {**error, "msg": _not_a_date(cell)}
        if column in _EXAMINED and kind.startswith("bool_"):  # "Visus: 6/9"
            return {**error, "msg": _("{cell!r}: write the examination's result – normal, "
                                      "or tidak normal (kurang) –, or ya/tidak for a problem "
                                      "found; leave the cell empty if it was not examined",
                                      cell=cell)}
        if column in FLAGS and kind.startswith("bool_"):
            return {**error, "msg": _("{cell!r} is neither ya nor tidak; leave the cell "
                                      "empty if it was not asked", cell=cell)}
        if column == "iron_tablets" and kind == "int_parsing":  # ticked: how many?
            return {**error, "msg": _("{cell!r}: write how many iron tablets were given "
                                      "(30 at an ANC contact, 4 for a month of weekly "
                                      "tablets), 0 if none; leave the cell empty if not "
                                      "known",
                                      cell=cell)}
        if column in _UNITS and kind in ("float_parsing", "int_parsing"):
            return {**error, "msg": _("{cell!r} is not a number in {unit}", cell=cell,
                                      unit=_UNITS[column][0])}
        if tuple(error.get("loc", ())) == ("posyandu_id",) and kind == "string_too_short":
            return {**error, "msg": _("which posyandu: choose it for the whole file "
                                      "(--posyandu), or give each row's in an 'ID Posyandu' "
                                      "or 'Posyandu' column")}
        if tuple(error.get("loc", ())) == ("person", "birth_date") and kind == "missing":
            return {**error, "msg": _("no birth date: give Tgl Lahir, her NIK, or – from 15 "
                                      "years – her age (Umur)")}
        if tuple(error.get("loc", ())) == ("person",) and kind == "value_error":
            return {**error, "loc": ["column", "nik"],
                    "msg": _("no NIK: give the person's NIK; for a child without one yet, "
                             "her mother's (NIK Ibu); for anyone else without one, her number "
                             "in the posyandu's register (No. Register)")}
        return error
    return [named(error) for error in errors]


def _rounded_named(errors: list[Any], cells: dict[str, str]) -> list[Any]:
    """A NIK the spreadsheet turned into a number is named as such, with what to do."""
    def named(error: Any) -> Any:
        loc = tuple(error.get("loc", ()))
        if loc[:1] == ("person",) and loc[1:] and loc[1] in IDENTIFIERS \
                and _ROUNDED.match(value := cells.get(str(loc[1]), "")):
            return {"type": "rounded_by_spreadsheet", "loc": list(loc),
                    "msg": _("{value} is the number a spreadsheet made of it, its last digits "
                             "lost: format the column as text and type it again", value=value)}
        return error
    return [named(error) for error in errors]


def _columns_named(errors: list[Any]) -> list[Any]:
    """A column the register has and no field is named as such – with the column probably
    meant – instead of as an unknown field of the measurements."""
    named = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "extra_forbidden" and len(loc) == 2:
            meant = probably_meant(str(loc[1]), KNOWN_COLUMNS)
            error = {"type": "unknown_column", "loc": ["column", loc[1]],
                     "msg": _("column {name!r} is not one a register has; did you mean "
                              "{meant!r}?", name=loc[1], meant=meant) if meant else
                            _("column {name!r} is not one a register has; rename it "
                              "(docs/guide.md, Paper registers) or leave it out", name=loc[1])}
        named.append(error)
    return named


HouseholdRow = tuple[int, HouseholdMember | None, list[Any]]


def parse_household(text: str) -> Iterator[HouseholdRow]:
    """(line number, member or None, problems) per row of a household data collection:
    the person's columns (as in a register) and whether she is pregnant (`hamil`)."""
    for line, cells, given in _filled_rows(text):
        pregnant = given.pop("pregnant", False)
        given.pop(POSYANDU_NAME, None)  # a list is one posyandu's: the one it is sent for
        for screening_only in (MOTHER_NAME, LAST_PERIOD, DUE_DATE, VISIT_NUMBER):
            given.pop(screening_only, None)
        _identified_without_nik(given)
        _birth_date_unwritten(given, None)
        try:
            member = HouseholdMember.model_validate({"person": given, "pregnant": pregnant})
        except ValidationError as exc:
            yield line, None, _problems(exc, cells)
            continue
        yield line, member, []
