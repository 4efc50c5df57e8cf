"""Doses as the Buku KIA, a register or a kader writes them, read as the schedule's codes;
a vaccine written without its dose is refused, not guessed."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from ilp_contracts.immunization import IMMUNIZATIONS, dose_code
from ilp_contracts.screening import MeasurementsIn
from pydantic import ValidationError


@pytest.mark.parametrize(("written", "code"), [
    ("HB0", "HB0"), ("HB 0", "HB0"), ("HB-0", "HB0"), ("HB O", "HB0"), ("Hep B 0", "HB0"),
    ("bcg", "BCG"), ("Polio 1", "OPV1"), ("bOPV 2", "OPV2"), ("polio_4", "OPV4"),
    ("DPT-HB-Hib 1", "DPT-HB-Hib1"), ("DPT HB Hib 3", "DPT-HB-Hib3"), ("Pentabio 2",
    "DPT-HB-Hib2"), ("DPT 1", "DPT-HB-Hib1"), ("DPT-HB-Hib lanjutan", "DPT-HB-Hib4"),
    ("Campak Rubella 1", "MR1"), ("Campak 1", "MR1"), ("MR lanjutan", "MR2"),
    ("Rotavirus 3", "RV3"), ("PCV 2", "PCV2"), ("IPV 2", "IPV2"), ("MR2", "MR2"),
    # the BIAS's, HPV's and a woman's Td (TT as registers still write it; TT2 is her second
    # dose, whose number is her status, not another vaccine)
    ("Campak", "MR"), ("BIAS MR", "MR"), ("Campak Rubella", "MR"), ("DT", "DT"), ("Td", "Td"),
    ("TT", "Td"), ("TT2", "Td"), ("T.T. 5", "Td"), ("bias td", "Td"), ("HPV 1", "HPV1"),
    ("hpv2", "HPV2"),
])
def test_a_dose_as_written_is_the_schedules(written: str, code: str) -> None:
    assert dose_code(written) == code
    assert MeasurementsIn(immunizations=[written]).immunizations == [code]


@pytest.mark.parametrize("written", [
    "Polio", "IPV", "HB", "Hb", "Polio 5", "BCG 1", "HB 1", "PCV lanjutan", "Vit A",
    "", "TB", "HPV", "HPV 3", "DT 1", "MR 3"])
def test_a_vaccine_without_its_dose_or_off_the_schedule_is_none(written: str) -> None:
    assert dose_code(written) is None
    with pytest.raises(ValidationError) as refused:
        MeasurementsIn(immunizations=[written])
    assert refused.value.errors()[0]["type"] == "unknown_dose"
    assert "national schedule" in refused.value.errors()[0]["msg"]


@given(st.sampled_from(IMMUNIZATIONS), st.sampled_from(["", " ", "-", "_", ". "]),
       st.booleans())
def test_every_code_reads_as_itself_however_spaced_and_cased(
        code: str, gap: str, lower: bool) -> None:
    written = code[:-1] + gap + code[-1] if code != "BCG" else code
    assert dose_code(written.lower() if lower else written) == code


@pytest.mark.parametrize(("written", "status"), [
    ("T3", 3), ("TT3", 3), ("Td 3", 3), ("t-2", 2), ("0", 0), ("T0", 0), (5, 5),
    ("Status T4", 4)])
def test_a_tetanus_status_as_a_kohort_writes_it(written: object, status: int) -> None:
    assert MeasurementsIn(tetanus_status=written).tetanus_status == status


@pytest.mark.parametrize("written", ["T6", "T2+", "lengkap", "TT", 6, -1])
def test_a_tetanus_status_beyond_t5_or_unread_is_refused(written: object) -> None:
    with pytest.raises(ValidationError) as refused:
        MeasurementsIn(tetanus_status=written)
    assert refused.value.errors()[0]["loc"] == ("tetanus_status",)
