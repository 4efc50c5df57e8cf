"""The national immunisation schedule's doses, and a dose as the Buku KIA, a register or
a kader writes it, read as the schedule's code."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator

from .text import _, refusal

IMMUNIZATIONS = ("HB0", "BCG", "OPV1", "OPV2", "OPV3", "OPV4", "DPT-HB-Hib1", "DPT-HB-Hib2",
                 "DPT-HB-Hib3", "DPT-HB-Hib4", "RV1", "RV2", "RV3", "PCV1", "PCV2", "PCV3",
                 "IPV1", "IPV2", "MR1", "MR2")
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
             **dict.fromkeys(("HB", "HEPB", "HEPATITISB"), "HB")}
_BOOSTER = {"DPT-HB-Hib": 4, "MR": 2}
_WRITTEN_DOSE = re.compile(r"([A-Z]+?)(\d|O|LANJUTAN|BOOSTER)?")
_NOT_IN_A_NAME = re.compile(r"[\s\-_./]")


def dose_code(written: str) -> str | None:
    """The schedule's code (`IMMUNIZATIONS`) of a dose as written, or None: a vaccine
    written without its dose ("Polio", "Campak") is none, since it could be any."""
    if written in IMMUNIZATIONS:
        return written
    key = _NOT_IN_A_NAME.sub("", written.upper())
    if key == "BCG":
        return key
    parts = _WRITTEN_DOSE.fullmatch(key)
    if parts is None or (vaccine := _VACCINES.get(parts[1])) is None:
        return None
    dose = parts[2]
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
        "(Campak Rubella) 1 or lanjutan", value=value))


DoseIn = Annotated[Immunization, BeforeValidator(_dose)]
