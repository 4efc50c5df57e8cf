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
from collections.abc import Collection, Iterable, Mapping, Set as AbstractSet
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Any, Literal, get_args

from ilp_contracts import EXCLUSIVE_MONTHS, PTM_FROM_YEARS, spm, supplements, vitamin_a
from ilp_contracts.monitoring import DIABETIC, HYPERTENSION_PATIENT, HYPERTENSIVE
from ilp_contracts.registry import OPTIONAL_GROUPS, TargetGroup, with_derived
from pydantic import BaseModel, ConfigDict, Field, field_validator

Colour = Literal["green", "yellow", "red", "grey"]

STUNTED = {"stunted", "severely_stunted"}
# WHO counts a child with bilateral oedema below −3 SD in the weight-based prevalences
# (her weight-based z-scores are not read: the weight is partly fluid).
UNDERWEIGHT = {"underweight", "severely_underweight", "edema_gizi_buruk"}
WASTED = {"gizi_kurang", "gizi_buruk", "edema_gizi_buruk"}
DEPENDENT = {"adl_moderate_dependence", "adl_severe_dependence", "adl_total_dependence"}
# The SPM's penderita (Permenkes 4/2019, its standard service a reading every month): a
# hypertensive reading, or a diagnosed patient's reading in range (HYPERTENSION_PATIENT);
# a diabetic glucose (GDP ≥ 126 or GDS ≥ 200, PERKENI's criteria), or a diagnosed
# patient's glucose.
DIABETES_PATIENT = DIABETIC | {"diabetes_suspected"}
_GLUCOSE = {"glucose_random", "glucose_fasting"}


@dataclass(frozen=True)
class Prevalence:
    """A finding counted among those measured or tested for it, not among everybody
    screened: a posyandu weighs every month but may measure length only in February and
    August, Hb is tested at some ANC contacts – a month without the test is no month
    without the finding. A finding implies its test (oedema is counted below −3 SD, as
    WHO does, without a weight-based z-score)."""

    flag: str
    findings: frozenset[str]
    tests: frozenset[str]  # the measurements (or z-scores read) that test for it
    tested: str  # the denominator's flag

    def flags(self, codes: set[str], taken: set[str]) -> set[str]:
        if codes & self.findings:
            return {self.flag, self.tested}
        return {self.tested} if taken & self.tests else set()


def _prevalence(flag: str, findings: AbstractSet[str], tests: set[str], tested: str
                ) -> Prevalence:
    return Prevalence(flag, frozenset(findings), frozenset(tests), tested)


BALITA_PREVALENCES = (_prevalence("balita_stunted", STUNTED, {"haz"}, "balita_haz_read"),
                      _prevalence("balita_underweight", UNDERWEIGHT, {"waz"}, "balita_waz_read"),
                      _prevalence("balita_wasted", WASTED, {"whz"}, "balita_whz_read"))
PREGNANCY_PREVALENCES = (
    _prevalence("ibu_hamil_kek", {"kek"}, {"muac_cm"}, "ibu_hamil_lila_measured"),
    _prevalence("ibu_hamil_anaemia", {"anaemia_pregnancy"}, {"hb"}, "ibu_hamil_hb_checked"))
SCHOOL_AGE_PREVALENCES = (
    _prevalence("anak_remaja_thin", {"thinness", "severe_thinness"}, {"bmi_z"},
                "anak_remaja_bmi_measured"),
    _prevalence("anak_remaja_overweight", {"overweight", "obese"}, {"bmi_z"},
                "anak_remaja_bmi_measured"))
REMAJA_PUTRI_ANAEMIA = _prevalence("remaja_putri_anaemia", {"anaemia"}, {"hb"},
                                   "remaja_putri_hb_checked")
PTM_PREVALENCES = (
    _prevalence("ptm_hypertension", HYPERTENSIVE, {"systolic"}, "ptm_bp_checked"),
    _prevalence("ptm_diabetes", {"diabetes_suspected"}, _GLUCOSE, "ptm_glucose_checked"),
    _prevalence("ptm_ppok_suspect", {"ppok_suspect"}, {"puma"}, "ptm_puma_screened"))
LANSIA_DEPENDENCE = _prevalence("lansia_dependent", DEPENDENT, {"adl"}, "lansia_adl_assessed")
# A woman's early detection of cervical and breast cancer: found among those examined
# (the examination is a yes/no check, made whatever it found).
CANCER_PREVALENCES = (
    _prevalence("iva_positive", {"iva_positive"}, {"iva_positive"}, "iva_examined"),
    _prevalence("sadanis_abnormal", {"breast_lump"}, {"breast_lump"}, "sadanis_examined"))
# Supplementary food (PMT) given at the visit that found its need (Perpres 72/2021: KEK
# pregnant women, balita gizi kurang): among those found with it that month.
PMT_FOR_BALITA = frozenset({"gizi_kurang", "underweight"})
PREVALENCES = (*BALITA_PREVALENCES, *PREGNANCY_PREVALENCES, *SCHOOL_AGE_PREVALENCES,
               REMAJA_PUTRI_ANAEMIA, *PTM_PREVALENCES, LANSIA_DEPENDENCE, *CANCER_PREVALENCES)
PTM_STAGES = {"usia_dewasa", "lansia"}
# A postnatal home visit made (completed as visited, or visited and referred): counted per
# visit, in the desa-month its task was created – one task per mother or baby and visit.
POSTNATAL_VISITED = {
    **{f"kunjungan_nifas_kf{n}": f"kf{n}_visited" for n in range(1, 5)},
    **{f"kunjungan_neonatal_kn{n}": f"kn{n}_visited" for n in range(1, 4)}}
# A series of postnatal visits all made, counted once in the desa-month of its last visit:
# KN lengkap per newborn, KF lengkap per mother and delivery (her tasks name the birth).
VISIT_SERIES = {
    "kn_lengkap": (frozenset(f"kn{n}_visited" for n in range(1, 4)), "person_id"),
    "kf_lengkap": (frozenset(f"kf{n}_visited" for n in range(1, 5)), "birth_id"),
}
# Home visits of a programme, counted apart as well (due, and made on time), by the task's
# reason: the TB programme follows its household contact investigations and its
# treatment-adherence visits.
PROGRAMME_VISITS = {"investigasi_kontak_tb": "tb_contact",
                    "pendampingan_minum_obat_tb": "tb_adherence"}
# Births, counted in the desa and month the baby was born: where (the SPM's delivery at a
# health facility, among births whose place is known) and how much the baby weighed (low
# birth weight: under 2,500 g, WHO; among babies weighed at birth), and whether the mother
# was given her vitamin A capsules after delivery (ibu nifas, among all births).
BIRTH_FLAGS = ("births_recorded", "births_place_known", "births_in_facility",
               "births_weighed", "births_low_weight", "births_mother_vitamin_a")
LOW_BIRTH_WEIGHT_G = 2500
STAGES = ("ibu_hamil", "balita", "anak_remaja", "usia_dewasa", "lansia")
# HPV at school (BIAS): girls of grades 5 and 6 – 10 to 12 years as the platform reads
# their age, the class being read past.
HPV_YEARS = (10, 13)
# The SPM's usia pendidikan dasar: children of grades 1–9, 7 to 15 years as the platform
# reads their age (Permenkes 4/2019; the grade is read past).
PENDIDIKAN_DASAR_YEARS = (7, 16)
# Remaja: 10 to 18 years (Permenkes 25/2014), the registry's "remaja" sasaran; the stage
# anak_remaja also holds school children from 5, and a pregnant remaja is an ibu hamil.
REMAJA_YEARS = (10, 18)
# Under follow-up (DOMAIN.md: "how many are under follow-up"; hypertension is re-checked
# monthly, diabetes every three months): a person found with the condition this year
# whose measure was taken again in a later month of the year. (found, re-check, followed)
FOLLOW_UPS = (("ptm_hypertension", "ptm_bp_checked", "ptm_hypertension_followed"),
              ("ptm_diabetes", "ptm_glucose_checked", "ptm_diabetes_followed"))
# The SPM's balita service (`ilp_contracts.spm`): counted once a year, in the month and
# place of the visit that completed it (`projection.firsts`), from what each visit gave
# towards it (`services_of`, kept with the visit, not counted on its own).
BALITA_SERVED = "balita_spm_served"
FLAGS = frozenset({
    *(f"{stage}_screened" for stage in STAGES), "balita_weighed", "balita_naik",
    "balita_tidak_naik", "balita_nt", "balita_idl", BALITA_SERVED, "remaja_screened",
    "ibu_hamil_k1", "ibu_hamil_k6", "ptm_screened", "pendidikan_dasar_screened",
    "usia_produktif_screened",
    "ptm_hypertension_served", "ptm_diabetes_served", *(p.flag for p in PREVALENCES),
    *(p.tested for p in PREVALENCES), *(followed for _, _, followed in FOLLOW_UPS),
    "checks_known", "tb_symptoms_checked", "balita_vitamin_a", "balita_vitamin_a_age",
    "bayi_asi_asked", "bayi_asi_eksklusif", "balita_obat_cacing", "balita_obat_cacing_age",
    "ibu_hamil_ttd90", "ibu_hamil_t2plus", "remaja_putri_screened", "remaja_putri_ttd",
    "siswi_hpv_age", "siswi_hpv", "ibu_hamil_kek_pmt",
    "balita_pmt_needed", "balita_pmt",
    "home_visit_tasks", "home_visit_on_time",
    "home_visit_overdue",
    *POSTNATAL_VISITED.values(), *VISIT_SERIES,
    *(f"{programme}_{part}" for programme in PROGRAMME_VISITS.values()
      for part in ("tasks", "on_time")),
    *BIRTH_FLAGS,
})
# A flag of any of a person's visits in the month, not only of the latest: the vitamin A
# capsule given at the weighing counts when she is seen again that month without one.
OF_ANY_VISIT = frozenset({"balita_vitamin_a", "balita_obat_cacing", "remaja_putri_ttd",
                          "siswi_hpv"})
# A flag counted once per person and year, in the month the person first had it:
# `year:ptm_screened`.
YEAR = "year:"
TARGET_GROUPS = frozenset(get_args(TargetGroup))


def flags_for(stage: str, finding_codes: Iterable[str],
              measured: Mapping[str, float] | Iterable[str] = (),
              age_months: int | None = None,
              checks: Mapping[str, bool] | None = None, sex: str | None = None,
              doses: Iterable[str] = ()) -> frozenset[str]:
    """What one screening says about a person for the month (indicator building blocks);
    `measured`: the measurements it took (with the z-scores read from them), with their
    values where a count is read from them (iron tablets given); `checks`: the
    yes/no checks it made and what they found, None where that is not known (a screening
    from before they were carried); `doses`: the immunisations given."""
    codes = set(finding_codes)
    taken = set(measured)
    flags = {f"{stage}_screened"}
    if checks is not None:  # DOMAIN.md: a TB symptom screen at every contact
        flags.add("checks_known")
        if "tb_symptoms" in checks:
            flags.add("tb_symptoms_checked")
    if stage == "balita":
        if "weight_kg" in taken:  # D is ditimbang: not a visit for LiLA or a dose alone
            flags.add("balita_weighed")
        flags |= _among_tested(BALITA_PREVALENCES, codes, taken)
        # N and T exist only for a child also weighed last month; together they are the
        # denominator of N/D as the KMS reads it.
        if "weight_gain_adequate" in codes:
            flags.update({"balita_naik", "balita_nt"})
        if "weight_not_increasing" in codes:
            flags.update({"balita_tidak_naik", "balita_nt"})
        if "imunisasi_dasar_lengkap" in codes:  # marked once, at the completing visit
            flags.add("balita_idl")
        if age_months is not None and age_months < EXCLUSIVE_MONTHS and checks and \
                "exclusive_breastfeeding" in checks:  # asked of a baby under 6 months
            flags.add("bayi_asi_asked")
            if checks["exclusive_breastfeeding"]:
                flags.add("bayi_asi_eksklusif")
        if age_months is not None and vitamin_a.eligible(age_months):  # the capsule's age
            flags.add("balita_vitamin_a_age")
            if checks and checks.get("vitamin_a"):
                flags.add("balita_vitamin_a")
        if codes & PMT_FOR_BALITA:  # (gizi buruk: its tata laksana, not PMT)
            flags.add("balita_pmt_needed")
            if checks and checks.get("supplementary_food"):
                flags.add("balita_pmt")
        if age_months is not None and supplements.deworming_eligible(age_months):
            flags.add("balita_obat_cacing_age")
            if checks and checks.get("deworming"):
                flags.add("balita_obat_cacing")
    elif stage == "ibu_hamil":
        # K1 and K6 are counted by pregnancy (`pregnancy`), not by the month's screening
        flags |= _among_tested(PREGNANCY_PREVALENCES, codes, taken)
        if "kek" in codes and checks and checks.get("supplementary_food"):
            flags.add("ibu_hamil_kek_pmt")
        if _aged(age_months, REMAJA_YEARS):  # in the remaja sasaran all the same
            flags.add("remaja_screened")
    elif stage == "anak_remaja":
        if not taken and not checks and doses:  # the BIAS's visit: immunised, not screened
            flags.discard("anak_remaja_screened")
        else:
            flags |= _school_age(codes, taken, age_months, sex)
            if _aged(age_months, PENDIDIKAN_DASAR_YEARS):
                flags.add("pendidikan_dasar_screened")
        if "remaja_putri_screened" in flags and _iron_tablets(measured):
            flags.add("remaja_putri_ttd")
        flags |= _hpv(age_months, sex, doses)
    if stage in PTM_STAGES or _ptm_remaja(stage, age_months, taken):
        flags |= {"ptm_screened", *_among_tested(PTM_PREVALENCES, codes, taken),
                  *_spm_adult(stage, codes)}
    if stage in PTM_STAGES and sex == "F":
        flags |= _among_tested(CANCER_PREVALENCES, codes, set(checks or ()))
    if stage == "lansia":
        flags |= LANSIA_DEPENDENCE.flags(codes, taken)
    return frozenset(flags)


def services_of(stage: str, measured: Collection[str], kpsp: str | None,
                checks: Mapping[str, bool] | None, age_months: int) -> dict[str, Any]:
    """What a balita's visit gave towards the SPM's balita service – its services, and
    whether she was of the service's age –, kept with the visit for `projection.firsts`."""
    if stage != "balita":
        return {}
    services = spm.balita_services(measured, kpsp, checks, age_months)
    return {**({"services": sorted(services)} if services else {}),
            **({"aged": True} if spm.anak_balita(age_months) else {})}


def birth_flags(place: str | None, birth_weight_g: int | None,
                mother_vitamin_a: bool | None = None) -> frozenset[str]:
    """What one birth counts in its desa-month."""
    flags = {"births_recorded", *(["births_mother_vitamin_a"] if mother_vitamin_a else [])}
    if place is not None:
        flags.add("births_place_known")
        if place == "fasyankes":
            flags.add("births_in_facility")
    if birth_weight_g is not None:
        flags.add("births_weighed")
        if birth_weight_g < LOW_BIRTH_WEIGHT_G:
            flags.add("births_low_weight")
    return frozenset(flags)


def _hpv(age_months: int | None, sex: str | None, doses: Iterable[str]) -> set[str]:
    """A girl of grades 5–6 seen – screened or immunised –, and given HPV."""
    if sex != "F" or not _aged(age_months, HPV_YEARS):
        return set()
    return {"siswi_hpv_age", *(["siswi_hpv"] if any(d.startswith("HPV") for d in doses)
                               else [])}


def _spm_adult(stage: str, codes: set[str]) -> set[str]:
    """The SPM's adult services: a person of 15–59 screened (usia produktif), a penderita
    hipertensi's blood pressure and a penderita DM's glucose taken."""
    return {*(["usia_produktif_screened"] if stage != "lansia" else []),
            *(["ptm_hypertension_served"] if codes & HYPERTENSION_PATIENT else []),
            *(["ptm_diabetes_served"] if codes & DIABETES_PATIENT else [])}


def _among_tested(prevalences: Iterable[Prevalence], codes: set[str], taken: set[str]
                  ) -> set[str]:
    return set().union(*(p.flags(codes, taken) for p in prevalences))


def _school_age(codes: set[str], taken: set[str], age_months: int | None, sex: str | None
                ) -> set[str]:
    """A school child's nutrition (BMI-for-age read), and a remaja's screening and a
    remaja putri's Hb test (the anaemia programme's, with its iron tablets)."""
    flags = _among_tested(SCHOOL_AGE_PREVALENCES, codes, taken)
    if _aged(age_months, REMAJA_YEARS):
        flags.add("remaja_screened")
        if sex == "F":
            flags |= {"remaja_putri_screened", *REMAJA_PUTRI_ANAEMIA.flags(codes, taken)}
    return flags


def _iron_tablets(measured: Mapping[str, float] | Iterable[str]) -> float:
    """The iron tablets given, where the measurements come with their values."""
    return measured.get("iron_tablets", 0.0) if isinstance(measured, Mapping) else 0.0


def _aged(age_months: int | None, years: tuple[int, int]) -> bool:
    """Of an age from the first of `years` (completed) to before the second."""
    return age_months is not None and years[0] * 12 <= age_months < years[1] * 12


def _ptm_remaja(stage: str, age_months: int | None, taken: set[str]) -> bool:
    """A remaja from `PTM_FROM_YEARS` whose blood pressure or glucose was taken counts
    towards the PTM indicators like an adult."""
    return (stage == "anak_remaja" and age_months is not None
            and age_months >= PTM_FROM_YEARS * 12
            and ("systolic" in taken or bool(taken & _GLUCOSE)))


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


class Indicator(BaseModel):
    """One PWS indicator as configured (catalogue.json, or ILP_PWS_CATALOGUE)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=3, description="Bahasa Indonesia, as the dashboard shows it")
    life_cycle: str
    numerator: str = Field(description="A flag counted per person and month")
    denominator: str = Field(description='A flag, or "target:<group>" for a registry sasaran')
    target_pct: float = Field(ge=0, le=100)
    # "higher" is better (coverage) or "lower" is better (prevalence)
    direction: Literal["higher", "lower"] = "higher"
    # Yellow band: within this ratio of the target (coverage) or of its inverse (prevalence)
    yellow_ratio: float = Field(default=0.8, gt=0, lt=1)
    # "month": persons of the month. "year_to_date" (PWS "kumulatif s/d bulan ini"): each
    # person once a year, summed from January – against a yearly sasaran the target then
    # grows by a twelfth a month, the target line of a PWS chart.
    period: Literal["month", "year_to_date"] = "month"
    # Counted only in these months (1–12) – the vitamin A capsule in February and August
    # –: another month has no value, rather than a coverage of nobody.
    months: tuple[int, ...] | None = Field(default=None, min_length=1)
    # The SPM Bidang Kesehatan service it reports (Permenkes 4/2019's twelve, in its
    # order: 1 ibu hamil, 2 ibu bersalin, 3 bayi baru lahir, … 9 diabetes melitus): the
    # dashboard's SPM view, a Dinkes's yearly report.
    spm: int | None = Field(default=None, ge=1, le=12)

    @field_validator("months")
    @classmethod
    def _calendar_months(cls, months: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if months is not None and not all(1 <= month <= 12 for month in months):
            raise ValueError("months are 1–12")
        return months

    @field_validator("numerator")
    @classmethod
    def _known_numerator(cls, flag: str) -> str:
        if flag not in FLAGS:
            raise ValueError(f"unknown flag {flag!r}; known: {sorted(FLAGS)}")
        return flag

    @field_validator("denominator")
    @classmethod
    def _known_denominator(cls, ref: str) -> str:
        group = ref.removeprefix("target:")
        if ref.startswith("target:") and group not in TARGET_GROUPS:
            raise ValueError(f"unknown target group {group!r}; known: {sorted(TARGET_GROUPS)}")
        if not ref.startswith("target:") and ref not in FLAGS:
            raise ValueError(f"unknown flag {ref!r}")
        return ref

    def key(self, flag: str) -> str:
        """The count this indicator reads for a flag: the yearly one when to date."""
        return YEAR + flag if self.period == "year_to_date" else flag

    def count(self, counts: Mapping[str, int], flag: str) -> int:
        return counts.get(self.key(flag), 0)

    @property
    def accrues(self) -> bool:
        """A coverage of a yearly sasaran counted from January (K1, IDL, PTM screening):
        it grows month by month, and so does its target."""
        return self.period == "year_to_date" and self.denominator.startswith("target:")

    def target_for(self, month: int) -> float:
        """The target in month 1–12: a share of a yearly sasaran accrues month by month."""
        return round(self.target_pct * month / 12, 1) if self.accrues else self.target_pct

    def colour(self, pct: float | None, target: float | None = None) -> Colour:
        """On target green; within the yellow ratio of it yellow; else red."""
        target = self.target_pct if target is None else target
        if pct is None:
            return "grey"
        if self.direction == "higher":
            if pct >= target:
                return "green"
            return "yellow" if pct >= self.yellow_ratio * target else "red"
        if pct <= target:
            return "green"
        return "yellow" if pct <= target / self.yellow_ratio else "red"


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    comment: str = Field(default="", alias="_comment")
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @field_validator("indicators")
    @classmethod
    def _unique(cls, indicators: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
        ids = [i.id for i in indicators]
        if len(ids) != len(set(ids)):
            raise ValueError("indicator ids must be unique")
        return indicators


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The shipped default, or the operator's file; invalid configuration fails start-up."""
    source = path or Path(__file__).resolve().parent.parent / "catalogue.json"
    return Catalogue.model_validate_json(source.read_text())


CATALOGUE = load_catalogue().indicators


@dataclass(frozen=True)
class IndicatorValue:
    id: str
    name: str
    numerator: int
    denominator: int | None
    pct: float | None
    target_pct: float
    colour: Colour
    # Desa of the area whose sasaran for the denominator is not set (yet): their people
    # are in the numerator but not the denominator, so the coverage reads too high.
    targets_missing: int = 0
    period: str = "month"  # or "year_to_date": counted from January


def split_yearly(delta: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """A count change as (the month's counts, the yearly `year:` ones)."""
    month = {k: n for k, n in delta.items() if not k.startswith(YEAR)}
    return month, {k: n for k, n in delta.items() if k.startswith(YEAR)}


Running = dict[str, dict[str, int]]  # month -> yearly counts from January to it


def add_to_date(running: Running, deltas: Mapping[str, Mapping[str, int]]) -> None:
    """Add yearly count changes by month to a year's running totals: each to its month's
    total and every later one's (at most twelve, in one document), so reading a month to
    date is one lookup, not a sum. One pass for all the months a batch moved."""
    for period in sorted(deltas):
        if period not in running:  # starts from the total before it
            earlier = [month for month in running if month < period]
            running[period] = dict(running[max(earlier)]) if earlier else {}
    carried: dict[str, int] = {}
    for month in sorted(running):
        for key, n in deltas.get(month, {}).items():
            carried[key] = carried.get(key, 0) + n
        total = running[month]  # in place: a few keys over at most twelve months
        for key, n in carried.items():
            if n and (value := total.get(key, 0) + n):
                total[key] = value
            elif n:
                del total[key]


def as_of(running: Running, period: str) -> Mapping[str, int]:
    """The yearly counts from January to `period` (the latest running total up to it)."""
    months = [month for month in running if month <= period and month[:4] == period[:4]]
    return running[max(months)] if months else {}


def merge_running(runnings: Iterable[Running]) -> Running:
    """One year's running totals from parts counted apart (a rebuild split by person):
    each month's total is the sum of every part's total as of that month."""
    parts = list(runnings)
    return {month: reduce(apply_delta, (as_of(part, month) for part in parts), {})
            for month in sorted({month for part in parts for month in part})}


def to_date(month: Mapping[str, int], running: Running, period: str) -> Counter[str]:
    """An area's counts as of a month: the month's own, and the yearly (`year:`) ones
    from January."""
    counts = Counter(month)
    counts.update(as_of(running, period))
    return counts


def evaluate(counts: Mapping[str, int], targets: Mapping[str, int],
             catalogue: Iterable[Indicator] = CATALOGUE,
             targets_missing: Mapping[str, int] | None = None,
             month: int = 12) -> list[IndicatorValue]:
    """Indicator values of an area from its counts as of `month` (see `to_date`)."""
    values = []
    for ind in catalogue:
        if ind.months is not None and month not in ind.months:
            values.append(IndicatorValue(ind.id, ind.name, 0, None, None, ind.target_pct,
                                         "grey", 0, ind.period))
            continue
        numerator = ind.count(counts, ind.numerator)
        missing = 0
        if ind.denominator.startswith("target:"):
            group = ind.denominator.removeprefix("target:")
            denominator = targets.get(group)
            missing = (targets_missing or {}).get(group, 0)
        else:
            denominator = ind.count(counts, ind.denominator)
        pct = round(100.0 * numerator / denominator, 1) if denominator else None
        target = ind.target_for(month)
        values.append(IndicatorValue(ind.id, ind.name, numerator, denominator, pct,
                                     target, ind.colour(pct, target), missing, ind.period))
    return values


SPM = "spm"  # not a life-cycle stage: the indicators of the SPM's services, in its order


def of_stage(catalogue: Iterable[Indicator], stage: str | None) -> list[Indicator]:
    """The indicators of one life-cycle stage (or of the SPM's services, in their order),
    or every one."""
    if stage == SPM:
        return sorted((i for i in catalogue if i.spm), key=lambda i: i.spm or 0)
    return [i for i in catalogue if stage in (None, i.life_cycle)]


Trend = Literal["naik", "turun", "tetap"]
Status = Literal["baik", "kurang", "cukup", "jelek"]


def month_achievement(ind: Indicator, value: IndicatorValue,
                      month_before: IndicatorValue | None) -> float | None:
    """What the month itself achieved, the PWS's "cakupan bulan ini": for a coverage that
    accrues, the share of the yearly sasaran reached in the month (its count to date less
    the month before's; in January, when the year starts again, `month_before` is None);
    for any other indicator, its value."""
    if not ind.accrues:
        return value.pct
    if not value.denominator:
        return None
    gained = value.numerator - (month_before.numerator if month_before else 0)
    return round(100.0 * gained / value.denominator, 1)


def pws_status(ind: Indicator, value: IndicatorValue, this_month: float | None,
               last_month: float | None) -> tuple[Trend | None, Status | None]:
    """The PWS analysis of a desa (Pedoman PWS KIA): its position against the target (on
    target: green) and its month against last month. Baik: on target and improving;
    kurang: on target but worsening (it will fall short if that goes on); cukup: short of
    it but improving; jelek: short of it and worsening. "Improving" is a coverage rising
    or a prevalence falling. The guidance names no status for a month equal to the last:
    then the position decides (baik on target, jelek short of it – nothing moved)."""
    if this_month is None or last_month is None:
        return None, None
    trend: Trend = ("naik" if this_month > last_month else
                    "turun" if this_month < last_month else "tetap")
    if value.colour == "grey":
        return trend, None
    on_target = value.colour == "green"
    if trend == "tetap":
        return trend, "baik" if on_target else "jelek"
    improving = (trend == "naik") == (ind.direction == "higher")
    return trend, ("baik" if improving else "kurang") if on_target else (
        "cukup" if improving else "jelek")


Progress = tuple[float | None, float | None, Trend | None, Status | None]


def progress(catalogue: Iterable[Indicator], months: tuple[list[IndicatorValue], ...],
             month: int) -> list[Progress]:
    """Per indicator of an area – from its values this month, last month and the month
    before (`month`: this month, 1–12) –: what this month and last month each achieved,
    the trend and the PWS status."""
    found = []
    for ind, now, last, before in zip(catalogue, *months, strict=True):
        this_month = month_achievement(ind, now, None if month == 1 else last)
        last_month = month_achievement(ind, last, None if month == 2 else before)
        found.append((this_month, last_month, *pws_status(ind, now, this_month, last_month)))
    return found


def with_status(catalogue: Iterable[Indicator], months: tuple[list[IndicatorValue], ...],
                month: int) -> list[dict[str, Any]]:
    """An area's indicators this month with last month's value, their trend and PWS
    status."""
    return [{**vars(now), "previous_pct": last.pct, "month_pct": this_month,
             "previous_month_pct": last_month, "trend": trend, "status": status}
            for now, last, (this_month, last_month, trend, status)
            in zip(months[0], months[1], progress(catalogue, months, month), strict=True)]


def area_targets(target_docs: Iterable[Mapping[str, Any]], code: str, desa: Iterable[str]
                 ) -> tuple[Counter[str], Counter[str]]:
    """An area's sasaran per group, and how many of its `desa` it still lacks for each.
    An area's sasaran is the sum of its parts' (a kecamatan's of its desa, a kota's of its
    kecamatan) where each part has one; where some part lacks one, its own total if one
    is set – a Dinkes that has sasaran by kecamatan only, or for a kecamatan whose desa
    are not all counted yet –, else the sum of what there is, the lacking desa counted.
    A Data Sasaran of the SPM's groups gives 15+ as its 15–59 and 60+ together. An
    optional group is lacking only where the sasaran given name it for some area."""
    by_area: dict[str, dict[str, int]] = {}
    for doc in target_docs:
        by_area.setdefault(doc["area_code"], {})[doc["group"]] = int(doc["count"])
    own = {(area, group): count for area, counts in by_area.items()
           for group, count in with_derived(counts).items()}
    tree = _parts(code, sorted(d for d in desa if d == code or d.startswith(code + ".")))
    kept = {group for _area, group in own}
    totals, missing = Counter[str](), Counter[str]()
    for group in TARGET_GROUPS:
        total, lacking = _sasaran(tree, group, own)
        if group in kept or group not in OPTIONAL_GROUPS:
            missing[group] = lacking
        if total is not None:
            totals[group] = total
    return totals, missing


Part = tuple[str, bool, list["Part"]]  # (code, a desa's, its parts one level down)


def _parts(code: str, desa: list[str]) -> Part:
    """The area `code` over its `desa`, a level at a time (built once for every group)."""
    if code.count(".") == 3 or not desa:
        return code, code.count(".") == 3, []
    depth = code.count(".") + 2  # the segments of a part's code
    parts: dict[str, list[str]] = {}
    for village in desa:
        parts.setdefault(".".join(village.split(".")[:depth]), []).append(village)
    return code, False, [_parts(part, its_desa) for part, its_desa in parts.items()]


def _sasaran(area: Part, group: str, own: Mapping[tuple[str, str], int]
             ) -> tuple[int | None, int]:
    """(sasaran – None where none is set –, desa lacking one) of an area over its parts,
    by `area_targets`."""
    code, is_desa, parts = area
    if not parts:
        return own.get((code, group)), int(is_desa and (code, group) not in own)
    found = [_sasaran(part, group, own) for part in parts]
    lacking = sum(short for _value, short in found)
    if lacking and (code, group) in own:
        return own[(code, group)], 0
    values = [value for value, _short in found if value is not None]
    return (sum(values) if values else None), lacking


def colour_changes(before: Mapping[str, int], after: Mapping[str, int],
                   targets: Mapping[str, int], catalogue: Iterable[Indicator],
                   targets_after: Mapping[str, int] | None = None, month: int = 12,
                   ) -> list[tuple[str, IndicatorValue, IndicatorValue]]:
    """Indicators whose colour differs between two states of one area (counts as of
    `month`): other counts, or (targets_after) another sasaran – a corrected target can
    turn a desa red, too."""
    indicators = list(catalogue)
    old = evaluate(before, targets, indicators, month=month)
    new = evaluate(after, targets if targets_after is None else targets_after, indicators,
                   month=month)
    return [(o.id, o, n) for o, n in zip(old, new, strict=True) if o.colour != n.colour]
