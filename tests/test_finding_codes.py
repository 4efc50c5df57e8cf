"""The finding codes PWS counts, notify visits and the registers mark are codes the
screening gives: a code misspelt there would count nothing and open no visit, in silence."""

from __future__ import annotations

from ilp_contracts.monitoring import CADENCES
from ilp_notify.domain.tasks import RULES
from ilp_pws.domain import indicators
from ilp_contracts.findings import FINDING_LABELS
from ilp_screening.domain.registers import PTM_FINDINGS, RISKS


def test_every_finding_code_another_service_reads_is_one_the_screening_gives() -> None:
    read = {
        "notify's visits": set().union(*(rule.finding_codes for rule in RULES)),
        "the re-checks (notify's visits, the Register PTM)": set().union(
            *(cadence.codes for cadence in CADENCES)),
        "the register of pregnant women's risks": set(RISKS),
        "the Register PTM's risk factors": set(PTM_FINDINGS),
        "PWS's prevalences": set().union(*(p.findings for p in indicators.PREVALENCES)),
        "PWS's weighings and IDL": {"weight_gain_adequate", "weight_not_increasing",
                                    "imunisasi_dasar_lengkap"},
    }
    for reader, codes in read.items():
        assert codes - set(FINDING_LABELS) == set(), reader
