"""PWS indicator maths (pure).

A screening turns into *flags* for one person in one month (weighed, stunted, …). The
projection keeps, per person and month, the flags of their latest screening, and per
desa and month the number of persons holding each flag. Counting persons, not
screenings, keeps a child weighed twice in a month from counting twice.

The juknis gives no formulas or colour bands (DOMAIN.md), so the catalogue below is the
default configuration, not a clinical fact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Colour = Literal["green", "yellow", "red", "grey"]

STUNTED = {"stunted", "severely_stunted"}
UNDERWEIGHT = {"underweight", "severely_underweight"}
WASTED = {"gizi_kurang", "gizi_buruk"}
HYPERTENSION = {"hypertension_grade_1", "hypertension_grade_2", "hypertension_grade_3",
                "isolated_systolic_hypertension"}
DEPENDENT = {"adl_moderate_dependence", "adl_severe_dependence", "adl_total_dependence"}
PTM_STAGES = {"usia_dewasa", "lansia"}


def flags_for(stage: str, finding_codes: Iterable[str], anc_visit: int | None = None
              ) -> frozenset[str]:
    """What one screening says about a person for the month (indicator building blocks)."""
    codes = set(finding_codes)
    flags = {f"{stage}_screened"}
    if stage == "balita":
        flags.add("balita_weighed")
        for flag, group in (("balita_stunted", STUNTED), ("balita_underweight", UNDERWEIGHT),
                            ("balita_wasted", WASTED)):
            if codes & group:
                flags.add(flag)
        if "weight_gain_adequate" in codes:
            flags.add("balita_naik")
        if "weight_not_increasing" in codes:
            flags.add("balita_tidak_naik")
    elif stage == "ibu_hamil":
        flags.add("ibu_hamil_k1")  # any ANC contact means K1 has happened
        if anc_visit is not None and anc_visit >= 6:
            flags.add("ibu_hamil_k6")
        for flag, code in (("ibu_hamil_kek", "kek"), ("ibu_hamil_anaemia", "anaemia_pregnancy")):
            if code in codes:
                flags.add(flag)
    elif stage in PTM_STAGES:
        flags.add("ptm_screened")
        if codes & HYPERTENSION:
            flags.add("ptm_hypertension")
        if "diabetes_suspected" in codes:
            flags.add("ptm_diabetes")
        if stage == "lansia" and codes & DEPENDENT:
            flags.add("lansia_dependent")
    return frozenset(flags)


def flag_delta(old: Iterable[str], new: Iterable[str]) -> dict[str, int]:
    """Change in per-desa counts when a person's flags go from `old` to `new`."""
    old_set, new_set = set(old), set(new)
    delta = {flag: 1 for flag in new_set - old_set}
    delta.update({flag: -1 for flag in old_set - new_set})
    return delta


def apply_delta(counts: Mapping[str, int], delta: Mapping[str, int]) -> dict[str, int]:
    merged = Counter(counts)
    merged.update(delta)
    return {flag: n for flag, n in merged.items() if n}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    numerator: str  # a flag
    denominator: str  # a flag, or "target:<group>" for a registry sasaran
    target_pct: float
    # "higher" is better (coverage) or "lower" is better (prevalence)
    direction: Literal["higher", "lower"] = "higher"

    def colour(self, pct: float | None) -> Colour:
        """Default bands: on target green; within 80 % of it yellow; else red."""
        if pct is None:
            return "grey"
        if self.direction == "higher":
            if pct >= self.target_pct:
                return "green"
            return "yellow" if pct >= 0.8 * self.target_pct else "red"
        if pct <= self.target_pct:
            return "green"
        return "yellow" if pct <= 1.25 * self.target_pct else "red"


CATALOGUE = (
    Indicator("balita_ditimbang", "Balita ditimbang (D/S)", "balita_weighed",
              "target:balita", target_pct=80.0),
    Indicator("balita_naik", "Balita naik berat badannya (N/D)", "balita_naik",
              "balita_weighed", target_pct=80.0),
    Indicator("balita_stunting", "Prevalensi stunting balita diukur", "balita_stunted",
              "balita_weighed", target_pct=14.0, direction="lower"),
    Indicator("balita_gizi_kurang", "Gizi kurang/buruk (BB/TB) balita diukur", "balita_wasted",
              "balita_weighed", target_pct=7.0, direction="lower"),
    Indicator("balita_bb_kurang", "Berat badan kurang (BB/U) balita diukur",
              "balita_underweight", "balita_weighed", target_pct=10.0, direction="lower"),
    Indicator("ibu_hamil_k1", "Cakupan K1 ibu hamil", "ibu_hamil_k1", "target:ibu_hamil",
              target_pct=95.0),
    Indicator("ibu_hamil_k6", "Cakupan K6 ibu hamil", "ibu_hamil_k6", "target:ibu_hamil",
              target_pct=90.0),
    Indicator("ibu_hamil_kek", "Ibu hamil KEK di antara yang diperiksa", "ibu_hamil_kek",
              "ibu_hamil_screened", target_pct=10.0, direction="lower"),
    Indicator("ibu_hamil_anemia", "Ibu hamil anemia di antara yang diperiksa",
              "ibu_hamil_anaemia", "ibu_hamil_screened", target_pct=20.0, direction="lower"),
    Indicator("ptm_skrining", "Cakupan skrining PTM usia ≥ 15 tahun", "ptm_screened",
              "target:usia_15_plus", target_pct=70.0),
    Indicator("ptm_hipertensi", "Hipertensi ditemukan di antara yang diskrining",
              "ptm_hypertension", "ptm_screened", target_pct=30.0, direction="lower"),
    Indicator("ptm_diabetes", "Suspek diabetes di antara yang diskrining", "ptm_diabetes",
              "ptm_screened", target_pct=10.0, direction="lower"),
    Indicator("lansia_skrining", "Lansia diskrining (lansia/sasaran)", "lansia_screened",
              "target:lansia", target_pct=70.0),
    Indicator("lansia_ketergantungan", "Lansia ketergantungan sedang–total",
              "lansia_dependent", "lansia_screened", target_pct=10.0, direction="lower"),
)


@dataclass(frozen=True)
class IndicatorValue:
    id: str
    name: str
    numerator: int
    denominator: int | None
    pct: float | None
    target_pct: float
    colour: Colour


def evaluate(counts: Mapping[str, int], targets: Mapping[str, int],
             catalogue: Iterable[Indicator] = CATALOGUE) -> list[IndicatorValue]:
    values = []
    for ind in catalogue:
        numerator = counts.get(ind.numerator, 0)
        if ind.denominator.startswith("target:"):
            denominator = targets.get(ind.denominator.removeprefix("target:"))
        else:
            denominator = counts.get(ind.denominator, 0)
        pct = round(100.0 * numerator / denominator, 1) if denominator else None
        values.append(IndicatorValue(ind.id, ind.name, numerator, denominator, pct,
                                     ind.target_pct, ind.colour(pct)))
    return values
