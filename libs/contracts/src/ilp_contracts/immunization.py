"""The national immunisation schedule's doses, and a dose as the Buku KIA, a register or
a kader writes it, read as the schedule's code.

After the balita's schedule (DOMAIN.md) come the *imunisasi lanjutan* (Permenkes 12/2017):
at school, in the *Bulan Imunisasi Anak Sekolah* (BIAS), MR and DT in grade 1 and Td in
grades 2 and 5 – and, in the national programme since 2023, HPV for girls in grades 5 and
6 –; and Td for women of childbearing age (WUS, 15–49) and at a pregnant woman's ANC
contact, by her *status T*: T0 (none known) to T5, each dose one step once its interval
has passed. From T2 a mother's antibodies protect her newborn from tetanus (T2 three years,
T3 five, T4 ten, T5 twenty-five and more), so ANC screens the status and gives Td below T5.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator

from .text import _, refusal

BALITA_DOSES = ("HB0", "BCG", "OPV1", "OPV2", "OPV3", "OPV4", "DPT-HB-Hib1", "DPT-HB-Hib2",
                "DPT-HB-Hib3", "DPT-HB-Hib4", "RV1", "RV2", "RV3", "PCV1", "PCV2", "PCV3",
                "IPV1", "IPV2", "MR1", "MR2")
# The BIAS's doses (MR is its one of measles-rubella, without a number), HPV's two, and
# Td – the tetanus-diphtheria of school grades 2 and 5, of WUS and of ANC alike.
LATER_DOSES = ("MR", "DT", "Td", "HPV1", "HPV2")
IMMUNIZATIONS = (*BALITA_DOSES, *LATER_DOSES)
WUS_YEARS = (15, 50)  # women of childbearing age: from 15, under 50
TETANUS_PROTECTED_FROM = 2  # status T2: her newborn is protected
MAX_TETANUS_STATUS = 5
Immunization = Literal[IMMUNIZATIONS]  # type: ignore[valid-type]

# A dose as the Buku KIA, a register or a kader writes it: "Polio 1", "bOPV 2",
# "DPT-HB-Hib 1" (or "Pentabio 1", "DPT 1"), "Campak Rubella 1", "HB-0" (or "HB O"),
# "Rotavirus 2", a booster as "lanjutan" (DPT-HB-Hib 4 and MR 2 at 18 months).
_VACCINES = {**dict.fromkeys(("OPV", "BOPV", "POLIO", "POLIOTETES"), "OPV"),
             **dict.fromkeys(("DPTHBHIB", "DPTHB", "DPT", "PENTABIO", "PENTAVALEN"),
                             "DPT-HB-Hib"),
             **dict.fromkeys(("RV", "ROTA", "ROTAVIRUS"), "RV"),
             **dict.fromkeys(("PCV", "PNEUMOKOKUS"), "PCV"), "IPV": "IPV",
             **dict.fromkeys(("MR", "CAMPAK", "CAMPAKRUBELLA", "MEASLESRUBELLA"), "MR"),
             **dict.fromkeys(("HB", "HEPB", "HEPATITISB"), "HB"),
             # Td replaced TT (tetanus toxoid) in 2017; registers still write TT
             **dict.fromkeys(("TD", "TT"), "Td"), "DT": "DT", "HPV": "HPV"}
# Doses read without a number: the one the schedule has (a balita's MR is refused at her
# stage, which names her MR 1 and lanjutan).
_UNNUMBERED = frozenset({"MR", "DT", "Td"})
_BOOSTER = {"DPT-HB-Hib": 4, "MR": 2}
_WRITTEN_DOSE = re.compile(r"([A-Z]+?)(\d|O|LANJUTAN|BOOSTER)?")
_NOT_IN_A_NAME = re.compile(r"[\s\-_./]")


def dose_code(written: str) -> str | None:
    """The schedule's code (`IMMUNIZATIONS`) of a dose as written, or None: a vaccine
    written without its dose ("Polio", "HPV") is none, since it could be any – but for
    those given once (the BIAS's MR and DT) and Td, whose number is her status."""
    if written in IMMUNIZATIONS:
        return written
    key = _NOT_IN_A_NAME.sub("", written.upper()).removeprefix("BIAS")
    if key == "BCG":
        return key
    parts = _WRITTEN_DOSE.fullmatch(key)
    if parts is None or (vaccine := _VACCINES.get(parts[1])) is None:
        return None
    dose = parts[2]
    if vaccine in _UNNUMBERED and (dose is None or vaccine == "Td"):
        return vaccine  # (TT2 is her second tetanus dose: status T2, `tetanus_status`)
    if vaccine == "HB":  # hepatitis B at birth; later doses are in DPT-HB-Hib
        return "HB0" if dose in ("0", "O") else None
    code = f"{vaccine}{_BOOSTER.get(vaccine) if dose in ('LANJUTAN', 'BOOSTER') else dose}"
    return code if code in IMMUNIZATIONS else None


def _dose(value: object) -> object:
    if not isinstance(value, str) or value in IMMUNIZATIONS:
        return value
    if code := dose_code(value):
        return code
    raise refusal("unknown_dose", _(
        "'{value}' is not a dose of the national schedule: write the vaccine and its dose, "
        "as HB0, BCG, Polio 1–4, DPT-HB-Hib 1–3 or lanjutan, PCV 1–3, RV 1–3, IPV 1–2, MR "
        "(Campak Rubella) 1 or lanjutan; at school MR, DT, Td, HPV 1–2; Td for women",
        value=value))


DoseIn = Annotated[Immunization, BeforeValidator(_dose)]


def doses_for(stage: str, sex: str, age_months: int) -> tuple[str, ...]:
    """The doses a visit at this stage gives: a balita's schedule; a school child's or a
    remaja's BIAS (HPV to girls); Td to a pregnant woman and to women of childbearing
    age."""
    if stage == "balita":
        return BALITA_DOSES
    if stage == "anak_remaja":
        return tuple(dose for dose in LATER_DOSES if sex == "F" or not dose.startswith("HPV"))
    return ("Td",) if tetanus_screened(stage, sex, age_months) else ()


def tetanus_screened(stage: str, sex: str, age_months: int) -> bool:
    """Whose tetanus status (T0–T5) is screened: a pregnant woman's, a WUS's."""
    return stage == "ibu_hamil" or (
        sex == "F" and WUS_YEARS[0] * 12 <= age_months < WUS_YEARS[1] * 12)


_STATUS = re.compile(r"(?:STATUS)?(?:TT|TD|T)?([0-5])")


def written_tetanus_status(written: str) -> int | None:
    """A tetanus status as a Kohort Ibu writes it – T3, TT3, Td 3, 3 – as its number."""
    status = _STATUS.fullmatch(_NOT_IN_A_NAME.sub("", written.upper()))
    return None if status is None else int(status[1])


def tetanus_status_of(written: object) -> object:
    """`tetanus_status` as written, read; one not read is refused saying how to write it."""
    if not isinstance(written, str):
        return written
    if (status := written_tetanus_status(written)) is not None:
        return status
    raise refusal("unknown_tetanus_status", _(
        "'{value}' is not a tetanus status: write T0 (none known) to T5 – TT3 or 3 are "
        "read too", value=written))


TetanusStatusIn = Annotated[int, BeforeValidator(tetanus_status_of)]
