"""Clinical classification of one screening (pure): stage → measurements → findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ilp_contracts import EXCLUSIVE_MONTHS, PTM_FROM_YEARS, Finding, supplements, vitamin_a
from ilp_contracts.anc import trimester
from ilp_contracts.immunization import TETANUS_PROTECTED_FROM, doses_for, tetanus_screened
from ilp_contracts.monitoring import HYPERTENSIVE
from ilp_contracts.screening import Severity

from . import rules
from .growth import (STANDING_FROM_DAYS, BalitaZ, balita_zscores, bmi_for_age_z,
                     head_circumference_z)
from .person import age_in_months
from .rules import Band, first_band


@dataclass(frozen=True)
class PreviousWeighing:
    screened_on: date
    weight_kg: float
    waz: float | None = None
    whz: float | None = None
    findings: frozenset[str] = frozenset()  # its finding codes


@dataclass(frozen=True)
class ScreeningInput:
    stage: str
    sex: str  # M | F
    age_days: int
    screened_on: date
    measures: dict[str, float] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)  # tb_symptoms, smoking, skilas…
    kpsp: str | None = None
    capsule: str | None = None  # the vitamin A capsule's colour, where given
    gestational_weeks: int | None = None
    previous: PreviousWeighing | None = None
    doses: frozenset[str] = frozenset()  # immunisations given at this visit
    earlier_doses: frozenset[str] = frozenset()  # at the child's earlier visits

    @property
    def age_months(self) -> int:
        """Whole calendar months, as the event's `age_months` that PWS and notify read."""
        return age_in_months(self.screened_on - timedelta(days=self.age_days), self.screened_on)


@dataclass
class Classification:
    summary: dict[str, float] = field(default_factory=dict)  # measures + derived values
    findings: list[Finding] = field(default_factory=list)

    def add(self, band: Band | None, value: float | None = None) -> None:
        if band is not None:
            self.findings.append(Finding(code=band.code, severity=band.severity,
                                         follow_up=band.follow_up, value=value))

    def flag(self, code: str, severity: Severity, follow_up: str, value: float | None = None
             ) -> None:
        self.findings.append(Finding(code=code, severity=severity,
                                     follow_up=follow_up, value=value))


def stage_for(age_days: int, pregnant: bool) -> str:
    """Life-cycle stage on the screening date (pregnancy first, then age)."""
    years = age_days / 365.25
    if pregnant:
        return "ibu_hamil"
    if age_days / 30.4375 < rules.BALITA_MAX_MONTHS + 1:
        return "balita"
    if years < rules.ANAK_REMAJA_MAX_YEARS + 1:
        return "anak_remaja"
    return "lansia" if years >= rules.LANSIA_MIN_YEARS else "usia_dewasa"


def bmi(measures: dict[str, float]) -> float | None:
    if "weight_kg" in measures and "height_cm" in measures:
        return round(measures["weight_kg"] / (measures["height_cm"] / 100) ** 2, 1)
    return None


# What each stage reads. A screening may carry more – a kader app's form, an integrating
# system's record –: the rest is kept with it and read by nothing, and the intake says
# so (`not_read`) rather than answer as if it had been looked at. Kept beside the stage
# functions; a test holds the two together (a measure here changes some outcome, one
# not here none).
_EVERY_STAGE = frozenset({"tb_symptoms", "vision_problem", "hearing_problem", "dental_caries"})
_KNOWN = frozenset({"known_hypertension", "known_diabetes"})  # a diagnosis made before
_NCD = frozenset({"systolic", "diastolic", "glucose_random", "glucose_fasting",
                  "cholesterol_total", "srq20", *_KNOWN})
_PREGNANCY = frozenset({"muac_cm", "weight_kg", "height_cm", "hb", "systolic", "diastolic",
                        "protein_urine", "glucose_random", "glucose_fasting", "srq20",
                        "smoking", *_KNOWN})


def measures_read(stage: str, sex: str, age_months: int) -> frozenset[str]:
    """The measurements (and yes/no checks, KPSP) a screening at this stage and age is
    read by."""
    if stage == "balita":
        return _EVERY_STAGE | {"weight_kg", "height_cm", "oedema", "head_circumference_cm",
                               "kpsp"} | {
            measure for measure, from_months in (
                ("muac_cm", rules.MUAC_BALITA_FROM_MONTHS),
                ("hb", rules.HB_ANAEMIA_BALITA[-1][0]),
                ("systolic", rules.CHILD_BP_FROM_YEARS * 12),
                ("diastolic", rules.CHILD_BP_FROM_YEARS * 12),
                # younger, a length is read as taken lying down whatever the form says
                ("measured_lying", round(STANDING_FROM_DAYS / 30.4375)))
            if age_months >= from_months}
    if stage == "ibu_hamil":
        return _EVERY_STAGE | _PREGNANCY
    read = set(_EVERY_STAGE) | {"smoking", "weight_kg", "height_cm", "hb"}
    if stage == "anak_remaja":
        read |= {"sdq_total", "systolic", "diastolic"}
    if age_months >= PTM_FROM_YEARS * 12:
        read |= _NCD
        wus_from, wus_before = rules.WUS_YEARS
        if sex == "F" and wus_from * 12 <= age_months < wus_before * 12:
            read.add("muac_cm")
    if stage in ("usia_dewasa", "lansia"):
        read |= {"waist_cm", "adl", "puma"} | ({*CANCER_REFERRALS} if sex == "F" else set())
    if stage == "lansia":
        read |= {"skilas_positive", *SKILAS_DOMAINS}
    return frozenset(read)


def not_read(stage: str, sex: str, age_months: int, given: Iterable[str]) -> list[str]:
    """Of the measurements given, those nothing at this stage and age reads. (Whether a
    child was measured again is the intake's, at any stage.)"""
    read = measures_read(stage, sex, age_months) | {"rechecked"} | programmes_read(
        stage, sex, age_months)
    return sorted(set(given) - read)


def programmes_read(stage: str, sex: str, age_months: int) -> set[str]:
    """What a visit gives or asks for a programme, where the programme reads it: a
    balita's doses (IDL), a school child's and a woman's (BIAS, Td) and a woman's tetanus
    status, her vitamin A capsule (PWS's coverage, notify's sweeping), a
    baby's exclusive breastfeeding, a child's deworming tablet, the iron tablets of a
    pregnant woman (her 90) or a girl, the supplementary food (PMT) of a balita or a
    pregnant woman."""
    balita = stage == "balita"
    read = {"immunizations": bool(doses_for(stage, sex, age_months)),
            "tetanus_status": tetanus_screened(stage, sex, age_months),
            "vitamin_a": balita and vitamin_a.eligible(age_months),
            "vitamin_a_capsule": balita and vitamin_a.eligible(age_months),
            "exclusive_breastfeeding": balita and age_months < EXCLUSIVE_MONTHS,
            "deworming": stage in ("balita", "anak_remaja")
            and supplements.deworming_eligible(age_months),
            "iron_tablets": supplements.iron_eligible(sex, age_months, stage == "ibu_hamil"),
            "supplementary_food": stage in ("balita", "ibu_hamil")}
    return {name for name, wanted in read.items() if wanted}


def classify(s: ScreeningInput) -> Classification:
    result = Classification(summary=dict(s.measures))
    {"balita": _balita, "anak_remaja": _anak_remaja, "ibu_hamil": _ibu_hamil,
     "usia_dewasa": _dewasa, "lansia": _lansia}[s.stage](s, result)
    _every_contact(s, result)
    return result


# Sight, hearing and teeth: the school screening's (DOMAIN.md, anak sekolah & remaja), and
# asked of a balita (daya lihat, daya dengar), an adult at Posbindu or a lansia too. A
# problem found is referred to the puskesmas, whatever the stage.
SENSE_REFERRALS = {
    "vision_problem": "rujuk pemeriksaan mata (tajam penglihatan) di puskesmas",
    "hearing_problem": "rujuk pemeriksaan telinga dan pendengaran di puskesmas",
    "dental_caries": "rujuk ke poli gigi puskesmas",
}


def _every_contact(s: ScreeningInput, out: Classification) -> None:
    """Questions asked whatever the stage: TB symptoms at every contact (a child's or a
    pregnant woman's cough needs the same sputum test), smoking from school age on, sight,
    hearing and teeth – a kader's answer is never dropped because of the stage it was
    asked at."""
    if s.flags.get("tb_symptoms"):
        out.flag("tb_suspect", "severe", "periksa dahak di puskesmas")
    if s.flags.get("smoking") and s.stage != "balita":
        out.flag("smoker", "mild", "konseling berhenti merokok")
    for sense, referral in SENSE_REFERRALS.items():
        if s.flags.get(sense):
            out.flag(sense, "mild", referral)


def _balita(s: ScreeningInput, out: Classification) -> None:
    m = s.measures
    # WHO: with bilateral oedema the weight is partly fluid, so no weight-based z-score
    # is read (she is gizi buruk, counted below −3 SD wherever they would count).
    weighed = None if s.flags.get("oedema") else m.get("weight_kg")
    z = balita_zscores(s.sex, s.age_days, weighed, m.get("height_cm"),
                       s.flags.get("measured_lying"))
    for key, value, bands in (("waz", z.waz, rules.WEIGHT_FOR_AGE),
                              ("haz", z.haz, rules.HEIGHT_FOR_AGE),
                              ("whz", z.whz, rules.WEIGHT_FOR_HEIGHT)):
        if value is not None:
            out.summary[key] = value
            out.add(first_band(value, bands), value)
    if "muac_cm" in m and s.age_months >= rules.MUAC_BALITA_FROM_MONTHS:
        out.add(first_band(m["muac_cm"], rules.MUAC_BALITA), m["muac_cm"])
    if s.flags.get("oedema"):
        out.flag("edema_gizi_buruk", "severe", "edema bilateral: rujuk segera, tata laksana "
                 "gizi buruk")
    if "head_circumference_cm" in m:
        hcz = head_circumference_z(s.sex, s.age_days, m["head_circumference_cm"])
        if hcz is not None:
            out.summary["hcz"] = hcz
            out.add(first_band(hcz, rules.HEAD_CIRCUMFERENCE_FOR_AGE), hcz)
    if s.kpsp in rules.KPSP_FINDINGS:
        out.flag(*rules.KPSP_FINDINGS[s.kpsp])
    if s.capsule is not None and vitamin_a.eligible(s.age_months) and \
            s.capsule != vitamin_a.capsule_for(s.age_months):
        out.flag(*rules.WRONG_CAPSULE[s.capsule])
    if "weight_kg" in m and s.previous is not None:
        _weight_gain(s, m["weight_kg"], out)
    _young_infant(s, m.get("weight_kg"), out)
    _anaemia_balita(s, out)
    _child_blood_pressure(s, out)
    _not_improving(s, z, out)
    complete_before = rules.IDL_DOSES <= s.earlier_doses
    if s.doses and not complete_before and rules.IDL_DOSES <= s.earlier_doses | s.doses:
        out.flag("imunisasi_dasar_lengkap", "info", "")  # completed at this visit


def _anaemia_balita(s: ScreeningInput, out: Classification) -> None:
    hb = s.measures.get("hb")
    line = next(((below, moderate) for from_months, below, moderate in rules.HB_ANAEMIA_BALITA
                 if s.age_months >= from_months), None)
    if hb is not None and line is not None and hb < line[0]:
        _anaemia(out, "anaemia", hb, line[1], rules.HB_BALITA_SEVERE_BELOW,
                 "periksa penyebab anemia di puskesmas")


def _young_infant(s: ScreeningInput, weight_kg: float | None, out: Classification) -> None:
    """Under 6 months with a nutrition problem, or under 4 kg from 6 months: referred."""
    problems = {f.code for f in out.findings} & rules.INFANT_NUTRITION_PROBLEMS
    small = weight_kg is not None and weight_kg < rules.SMALL_INFANT_KG
    if (s.age_months < rules.YOUNG_INFANT_MONTHS and problems) or (
            s.age_months >= rules.YOUNG_INFANT_MONTHS and small):
        out.flag("young_infant_malnutrition", "severe",
                 "rujuk ke puskesmas: bayi < 6 bulan bermasalah gizi, atau BB < 4 kg",
                 weight_kg)


def _not_improving(s: ScreeningInput, z: BalitaZ, out: Classification) -> None:
    """An undernourished child who has not improved a week or more after (up to the next
    month's weighing): no z-score measured both times went up. Referred."""
    prev = s.previous
    if prev is None or not prev.findings & rules.UNDERNUTRITION:
        return
    if not rules.RECHECK_DAYS[0] <= (s.screened_on - prev.screened_on).days <= rules.RECHECK_DAYS[1]:
        return
    compared = [(now, before) for now, before in ((z.whz, prev.whz), (z.waz, prev.waz))
                if now is not None and before is not None]
    if compared and all(now <= before for now, before in compared):
        out.flag("no_improvement", "severe",
                 "rujuk ke puskesmas: tidak membaik sejak kunjungan sebelumnya", compared[0][0])


def _weight_gain(s: ScreeningInput, weight_kg: float, out: Classification) -> None:
    """N (naik) or T (tidak naik) against last month's weighing; nothing otherwise."""
    prev = s.previous
    assert prev is not None
    months_apart = (s.screened_on.year - prev.screened_on.year) * 12 + (
        s.screened_on.month - prev.screened_on.month)
    if months_apart != 1:
        return  # not weighed last month: neither N nor T (O/B in the KMS)
    gain_g = round((weight_kg - prev.weight_kg) * 1000)
    needed = rules.MIN_MONTHLY_GAIN_G.get(s.age_months, rules.MIN_MONTHLY_GAIN_G_AFTER_12)
    out.summary["weight_gain_g"] = gain_g
    if gain_g >= needed:
        out.flag("weight_gain_adequate", "info", "", gain_g)
    else:
        out.flag("weight_not_increasing", "moderate",
                 f"kenaikan < {needed} g: konseling, timbang ulang bulan depan", gain_g)


def _anak_remaja(s: ScreeningInput, out: Classification) -> None:
    value = bmi(s.measures)
    if value is not None:
        out.summary["bmi"] = value
        z = bmi_for_age_z(s.sex, s.age_days / 365.25, value)
        if z is not None:
            out.summary["bmi_z"] = z
            out.add(first_band(z, rules.BMI_FOR_AGE), z)
    _anaemia_not_pregnant(s, out)
    if "sdq_total" in s.measures:
        form = "self" if s.age_days / 365.25 >= rules.SDQ_SELF_REPORT_FROM_YEARS else "parent"
        out.add(first_band(s.measures["sdq_total"], rules.SDQ_BANDS[form]),
                s.measures["sdq_total"])
    if s.age_months >= PTM_FROM_YEARS * 12:  # from the 15th birthday
        _ncd_screening(s, out)
        _kek_risk(s, out)
    else:
        _child_blood_pressure(s, out)


def _child_blood_pressure(s: ScreeningInput, out: Classification) -> None:
    """AAP 2017's classes under 15, from its screening table under 13 (rules.py)."""
    m, years = s.measures, s.age_months // 12
    if "systolic" not in m or "diastolic" not in m or years < rules.CHILD_BP_FROM_YEARS:
        return
    systolic, diastolic = m["systolic"], m["diastolic"]
    if found := _bp_class(systolic, diastolic, rules.CHILD_BP_CLASSES):
        code, severity, follow_up = found
        out.flag(code, severity, follow_up, systolic)
        return
    screen = rules.CHILD_BP_SCREEN.get(years)
    line = (screen[0] if s.sex == "M" else screen[1]) if screen else \
        rules.CHILD_BP_ELEVATED_FROM_13
    if _at_or_above(systolic, diastolic, line):
        out.flag("child_bp_elevated", "mild",
                 rules.CHILD_BP_ELEVATED_FOLLOW_UP["screen" if screen else "from_13"], systolic)


def _anaemia_not_pregnant(s: ScreeningInput, out: Classification) -> None:
    """From school age on, by WHO's line for her age and sex."""
    hb = s.measures.get("hb")
    if hb is None:
        return
    years = s.age_days / 365.25
    below = next((girls if s.sex == "F" else boys
                  for from_years, girls, boys in rules.HB_ANAEMIA_BY_AGE if years >= from_years))
    if hb < below:
        iron = s.sex == "F" and rules.IRON_TABLETS_GIRLS_WOMEN[0] <= years < \
            rules.IRON_TABLETS_GIRLS_WOMEN[1]
        _anaemia(out, "anaemia", hb, rules.HB_MODERATE_BELOW, rules.HB_SEVERE_BELOW,
                 "tablet tambah darah" if iron else "periksa penyebab anemia di puskesmas")


def _anaemia(out: Classification, code: str, hb: float, moderate_below: float,
             severe_below: float, follow_up: str = "tablet tambah darah") -> None:
    if hb < severe_below:
        out.flag(code, "severe", "anemia berat: rujuk segera ke puskesmas", hb)
    else:
        out.flag(code, "moderate" if hb < moderate_below else "mild", follow_up, hb)


def _ibu_hamil(s: ScreeningInput, out: Classification) -> None:
    m = s.measures
    tri = trimester(s.gestational_weeks or 1)
    out.summary["trimester"] = tri
    if s.gestational_weeks is not None:  # notify follows her ANC contacts by it
        out.summary["gestational_weeks"] = s.gestational_weeks
    years = int(s.age_days / 365.25)
    youngest, oldest = rules.PREGNANCY_AGE_RISK
    if not youngest <= years <= oldest:
        out.flag("pregnancy_too_young" if years < youngest else "pregnancy_too_old", "mild",
                 "kehamilan risiko tinggi (4 Terlalu): ANC lengkap oleh bidan, bersalin di "
                 "fasilitas kesehatan", years)
    if "muac_cm" in m and m["muac_cm"] < rules.KEK_MUAC_CM:
        out.flag("kek", "moderate", "PMT ibu hamil ≥ 90 hari, didampingi kader", m["muac_cm"])
    value = bmi(m)
    if value is not None:
        out.summary["bmi"] = value
        if tri == 1 and value < rules.UNDERWEIGHT_BMI_T1:
            out.flag("underweight_pregnancy", "moderate", "konseling gizi, PMT", value)
    if "hb" in m and m["hb"] < rules.HB_ANAEMIA_PREGNANT[tri]:
        _anaemia(out, "anaemia_pregnancy", m["hb"], rules.HB_PREGNANT_MODERATE_BELOW,
                 rules.HB_PREGNANT_SEVERE_BELOW)
    _hypertension_in_pregnancy(s, out)
    _glucose_in_pregnancy(m, out)
    for known, (code, follow_up) in rules.KNOWN_BEFORE_PREGNANCY.items():
        if s.flags.get(known):
            out.flag(code, "moderate", follow_up)
    _mental_health(m, out)  # her SRQ-20 is read as any adult's
    if (status := m.get("tetanus_status")) is not None and status < TETANUS_PROTECTED_FROM:
        out.flag("tetanus_unprotected", "mild",
                 "status T di bawah T2: imunisasi Td oleh bidan sesuai jarak dosisnya, agar "
                 "bayinya terlindung dari tetanus saat lahir", status)


def _hypertension_in_pregnancy(s: ScreeningInput, out: Classification) -> None:
    """Her blood pressure, graded, and with the protein in her urine pre-eclampsia."""
    m = s.measures
    systolic, diastolic = m.get("systolic", 0), m.get("diastolic", 0)
    hypertensive = _at_or_above(systolic, diastolic, rules.PREGNANCY_HYPERTENSION)
    if _at_or_above(systolic, diastolic, rules.PREGNANCY_HYPERTENSION_SEVERE):
        out.flag("hypertension_pregnancy", "severe",
                 "rujuk segera (hipertensi berat, risiko preeklamsia berat)", m.get("systolic"))
    elif hypertensive:
        out.flag("hypertension_pregnancy", "moderate", "rujuk ke puskesmas (risiko preeklamsia)",
                 m.get("systolic"))
    protein = m.get("protein_urine")
    if protein is None or protein < rules.PROTEINURIA_FROM:
        return
    if hypertensive and (s.gestational_weeks or rules.PREECLAMPSIA_FROM_WEEK) >= \
            rules.PREECLAMPSIA_FROM_WEEK:
        out.flag("preeclampsia", "severe",
                 "rujuk segera ke puskesmas PONED atau rumah sakit (preeklamsia)", protein)
    else:  # before 20 weeks beside the hypertension's referral, or alone
        out.flag("proteinuria_pregnancy", "mild",
                 "periksa ulang protein urin dan tekanan darah; cari infeksi saluran kemih",
                 protein)


def _glucose_in_pregnancy(m: dict[str, float], out: Classification) -> None:
    """One finding, the worse of fasting and random glucose when both were taken."""
    found = [(value >= diabetes_from, value) for measure, (gestational_from, diabetes_from)
             in rules.PREGNANCY_GLUCOSE.items()
             if (value := m.get(measure)) is not None and value >= gestational_from]
    if found:
        diabetes, value = max(found)
        if diabetes:
            out.flag("hyperglycaemia_pregnancy", "severe",
                     "rujuk ke puskesmas (diabetes dalam kehamilan)", value)
        else:
            out.flag("hyperglycaemia_pregnancy", "moderate",
                     "konfirmasi TTGO di puskesmas (diabetes gestasional)", value)


def _at_or_above(systolic: float, diastolic: float, bounds: tuple[int, int]) -> bool:
    return systolic >= bounds[0] or diastolic >= bounds[1]


def _blood_pressure(m: dict[str, float], out: Classification) -> None:
    if "systolic" not in m or "diastolic" not in m:
        return
    systolic, diastolic = m["systolic"], m["diastolic"]
    if found := _bp_class(systolic, diastolic, rules.BP_CLASSES):
        code, severity, follow_up = found
        if code == "hypertension_grade_1" and \
                diastolic < rules.ISOLATED_SYSTOLIC_DIASTOLIC_BELOW:
            code, follow_up = "isolated_systolic_hypertension", "rujuk, kontrol tekanan darah"
        out.flag(code, severity, follow_up, systolic)


def _bp_class(systolic: float, diastolic: float,
              classes: tuple[tuple[str, Severity, int, int, str], ...]
              ) -> tuple[str, Severity, str] | None:
    """(code, severity, follow-up) of the highest class either value reaches."""
    return next(((code, severity, follow_up)
                 for code, severity, sys_from, dia_from, follow_up in classes
                 if _at_or_above(systolic, diastolic, (sys_from, dia_from))), None)


# Early detection of cervical and breast cancer (Permenkes 29/2017, for women 30–50 and
# in ILP's adult cluster): what the examination found, and where it is referred.
CANCER_REFERRALS = {
    "iva_positive": "krioterapi di puskesmas atau rujuk (lesi prakanker leher rahim)",
    "breast_lump": "rujuk ke dokter untuk pemeriksaan lanjutan payudara"}


def _dewasa(s: ScreeningInput, out: Classification) -> None:
    m = s.measures
    _ncd_screening(s, out)
    for examined, referral in CANCER_REFERRALS.items():
        if s.flags.get(examined) and s.sex == "F":
            out.flag(examined, "moderate", referral)
    if m.get("puma", 0) >= rules.PUMA_POSITIVE_FROM:
        out.flag("ppok_suspect", "moderate", "rujuk ke puskesmas untuk spirometri", m["puma"])
    _anaemia_not_pregnant(s, out)
    _kek_risk(s, out)
    value = bmi(m)
    if value is not None:
        out.summary["bmi"] = value
        out.add(first_band(value, rules.BMI_ASIA_PACIFIC), value)
    if "waist_cm" in m and m["waist_cm"] > rules.CENTRAL_OBESITY_WAIST_CM[s.sex]:
        out.flag("central_obesity", "mild", "konseling gaya hidup", m["waist_cm"])
    # The lansia's instrument, but a dependence at 45 (after a stroke, with a disability)
    # needs care at home as much as one at 70: read for every adult.
    if "adl" in m:
        out.add(first_band(m["adl"], rules.ADL_BANDS), m["adl"])


def _kek_risk(s: ScreeningInput, out: Classification) -> None:
    muac, years = s.measures.get("muac_cm"), s.age_days / 365.25
    if muac is not None and muac < rules.KEK_MUAC_CM and s.sex == "F" and \
            rules.WUS_YEARS[0] <= years < rules.WUS_YEARS[1]:
        out.flag("kek_risk", "mild", "konseling gizi: berisiko KEK bila hamil", muac)


def _ncd_screening(s: ScreeningInput, out: Classification) -> None:
    """Blood pressure, glucose, cholesterol and SRQ-20 against the adult thresholds (from
    15 years); a known patient's reading as controlled or not."""
    m = s.measures
    _blood_pressure(m, out)
    if s.flags.get("known_hypertension") and "systolic" in m and not any(
            f.code in HYPERTENSIVE for f in out.findings):
        _drop(out, "bp_high_normal")  # in range for a patient: what treatment aims at
        out.flag("hypertension_controlled", "mild", rules.HYPERTENSION_CONTROLLED_FOLLOW_UP,
                 m["systolic"])
    glucose: list[tuple[str, tuple[Band, ...]]] = [(measure, bands) for measure, bands in (
        ("glucose_random", rules.GLUCOSE_RANDOM), ("glucose_fasting", rules.GLUCOSE_FASTING))
        if measure in m]
    if s.flags.get("known_diabetes") and glucose:
        _known_diabetes(m, glucose, out)
        glucose = []
    for measure, bands in glucose:
        out.add(first_band(m[measure], bands), m[measure])
    if "cholesterol_total" in m:
        out.add(first_band(m["cholesterol_total"], rules.CHOLESTEROL_TOTAL),
                m["cholesterol_total"])
    _mental_health(m, out)


def _known_diabetes(m: dict[str, float], glucose: list[tuple[str, tuple[Band, ...]]],
                    out: Classification) -> None:
    """A diagnosed diabetic's glucose: at diabetes's threshold not controlled (no longer a
    suspicion to confirm), below it controlled – never prediabetes."""
    reached = [m[measure] for measure, bands in glucose
               if (band := first_band(m[measure], bands)) and band.code == "diabetes_suspected"]
    if reached:
        out.flag("diabetes_uncontrolled", "moderate", rules.DIABETES_UNCONTROLLED_FOLLOW_UP,
                 max(reached))
    else:
        measure = glucose[0][0]
        out.flag("diabetes_controlled", "mild", rules.DIABETES_CONTROLLED_FOLLOW_UP, m[measure])


def _drop(out: Classification, code: str) -> None:
    out.findings[:] = [f for f in out.findings if f.code != code]


def _mental_health(m: dict[str, float], out: Classification) -> None:
    if m.get("srq20", 0) >= rules.SRQ20_POSITIVE_FROM:
        out.flag("mental_health_risk", "moderate", "rujuk untuk evaluasi kesehatan jiwa",
                 m["srq20"])


# SKILAS's domains (WHO ICOPE step 1) and the assessment each decline asks for at the
# pustu (ICOPE step 2); sight and hearing are referred as at every stage.
SKILAS_DOMAINS = {"cognitive_decline": "penilaian kognitif",
                  "limited_mobility": "penilaian mobilitas",
                  "malnutrition_risk": "penilaian status gizi",
                  "depressive_symptoms": "penilaian gejala depresi"}


def _lansia(s: ScreeningInput, out: Classification) -> None:
    _dewasa(s, out)
    declined = [assessment for domain, assessment in SKILAS_DOMAINS.items()
                if s.flags.get(domain)]
    if s.flags.get("skilas_positive") or declined:
        out.flag("intrinsic_capacity_decline", "moderate", "pemeriksaan lanjutan di pustu"
                 + (f": {', '.join(declined)}" if declined else ""))
