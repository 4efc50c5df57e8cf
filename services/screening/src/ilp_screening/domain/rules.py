"""Every clinical cut-off the platform uses, in one reviewed place, with its source.

Sources (see ../shared/DOMAIN.md): KMK HK.01.07/MENKES/2015/2023 (Juknis ILP); growth:
Permenkes 2/2020 Standar Antropometri Anak (WHO 2006 standards; WHO 2007 reference for
5–18 years). Where a text was ambiguous the choice is named, so a reviewer can change
it here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from ilp_contracts.screening import Severity
from ilp_contracts.text import _


@dataclass(frozen=True)
class Band:
    """A finding when the value satisfies every bound given (gt/ge below, lt/le above),
    written as the source writes it: "> +1" is gt=1, "−3 to < −2" is ge=-3, lt=-2."""

    code: str
    severity: Severity
    follow_up: str = ""
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def contains(self, v: float) -> bool:
        return ((self.gt is None or v > self.gt) and (self.ge is None or v >= self.ge)
                and (self.lt is None or v < self.lt) and (self.le is None or v <= self.le))


def first_band(value: float, bands: tuple[Band, ...]) -> Band | None:
    return next((band for band in bands if band.contains(value)), None)


# ── Life-cycle stages (Juknis ILP): by age on the screening date ─────────────────────
BALITA_MAX_MONTHS = 59
ANAK_REMAJA_MAX_YEARS = 17  # 5–17 (anak sekolah & remaja, up to 18th birthday)
LANSIA_MIN_YEARS = 60

# ── Balita, WHO 2006 z-scores (Permenkes 2/2020) ─────────────────────────────────────
WEIGHT_FOR_AGE = (
    Band("severely_underweight", "severe", lt=-3, follow_up="rujuk ke puskesmas"),
    Band("underweight", "moderate", ge=-3, lt=-2, follow_up="konseling gizi, kunjungan rumah"),
    Band("risk_overweight", "mild", gt=1, follow_up="cek BB/TB, konseling makan"),
)
HEIGHT_FOR_AGE = (
    Band("severely_stunted", "severe", lt=-3, follow_up="rujuk ke puskesmas"),
    Band("stunted", "moderate", ge=-3, lt=-2,
         follow_up="rujuk ke puskesmas (konfirmasi), kunjungan rumah kader"),
)
# Weight-for-length/height: the usual WHO cut-offs; not confirmed in an official ILP text
# (DOMAIN.md), so they stay configurable here.
WEIGHT_FOR_HEIGHT = (
    Band("gizi_buruk", "severe", lt=-3, follow_up="rujuk segera, tata laksana gizi buruk"),
    Band("gizi_kurang", "moderate", ge=-3, lt=-2, follow_up="PMT pemulihan, kunjungan rumah"),
    Band("berisiko_gizi_lebih", "mild", gt=1, le=2,
         follow_up="konseling pemberian makan"),
    Band("gizi_lebih", "moderate", gt=2, le=3, follow_up="rujuk ke puskesmas"),
    Band("obesitas", "severe", gt=3, follow_up="rujuk ke puskesmas"),
)
# Balita 6–59 months, LiLA: gizi buruk below 11.5 cm, gizi kurang from 11.5 to below 12.5
# (Kemenkes, Pedoman Pencegahan dan Tata Laksana Gizi Buruk pada Balita 2019 – the same as
# WHO's 2013 SAM/MAM cut-offs of 115 and 125 mm). Either marks the child whatever BB/TB
# says; bilateral pitting oedema is gizi buruk whatever the measures. Own codes, so the
# PWS BB/TB indicator keeps counting BB/TB alone.
MUAC_BALITA_FROM_MONTHS = 6
MUAC_BALITA = (
    Band("lila_gizi_buruk", "severe", lt=11.5, follow_up="rujuk segera, tata laksana gizi buruk"),
    Band("lila_gizi_kurang", "moderate", ge=11.5, lt=12.5,
         follow_up="PMT pemulihan, kunjungan rumah"),
)
# Imunisasi dasar lengkap (IDL) as Kemenkes counts it (Renstra 2020–2024): HB0, BCG,
# DPT-HB-Hib 1–3, polio 1–4, IPV and MR – the first year's doses (DOMAIN.md schedule). The
# visit whose doses complete the set is marked once, so PWS counts each child once, in
# that month. (Kemenkes now also counts "imunisasi rutin lengkap" with PCV and RV: add
# them here to count that instead.)
IDL_DOSES = frozenset({"HB0", "BCG", "OPV1", "OPV2", "OPV3", "OPV4", "DPT-HB-Hib1",
                       "DPT-HB-Hib2", "DPT-HB-Hib3", "IPV1", "MR1"})
# DOMAIN.md's referral criteria. Undernutrition: the findings of a child too light for
# age or height, by LiLA or by oedema.
UNDERNUTRITION = frozenset({
    "underweight", "severely_underweight", "gizi_kurang", "gizi_buruk", "lila_gizi_kurang",
    "lila_gizi_buruk", "edema_gizi_buruk"})
# From WHO's 2013 guideline on acute malnutrition: an infant under 6 months with a
# nutrition problem (undernutrition, or weight not gained) is referred, not managed at
# home, and one of 6 months or more who still weighs under 4 kg is managed as such.
YOUNG_INFANT_MONTHS = 6
SMALL_INFANT_KG = 4.0
INFANT_NUTRITION_PROBLEMS = UNDERNUTRITION | {"weight_not_increasing"}
# "No improvement after a week": an undernourished child seen again 7 days or more
# later, up to the next monthly weighing, whose z-scores did not rise. The upper bound
# is the platform's (a later visit is a new assessment).
RECHECK_DAYS = (7, 35)
# An earlier weighing counts only this far back: N/T compares with the previous calendar
# month's (61 days back at most), "no improvement" looks back 7–35 days.
PREVIOUS_WEIGHING_WITHIN_DAYS = 62

# Developmental screen (KPSP): "meragukan" is re-screened in 2 weeks, "penyimpangan" referred.
KPSP_FINDINGS: dict[str, tuple[str, Severity, str]] = {
    "meragukan": ("development_doubtful", "mild", "stimulasi, KPSP ulang 2 minggu"),
    "penyimpangan": ("development_deviation", "moderate", "rujuk ke puskesmas"),
}
# A vitamin A capsule of the other age's (Panduan Manajemen Terintegrasi Suplementasi
# Vitamin A, 2016): a red one (200,000 IU) to a baby of 6–11 months is twice her dose –
# vomiting, headache, a bulging fontanelle within a day or two, mostly passing by itself –;
# a blue one (100,000 IU) from 12 months is half hers.
WRONG_CAPSULE: dict[str, tuple[str, Severity, str]] = {
    "merah": ("vitamin_a_overdose", "moderate",
              "kapsul merah untuk bayi 6–11 bulan: amati 48 jam (muntah, ubun-ubun menonjol), "
              "ke puskesmas bila ada"),
    "biru": ("vitamin_a_underdose", "mild", "kapsul biru dari 12 bulan: dosisnya separuh – "
             "lengkapi dengan kapsul merah di bulan vitamin A berikutnya"),
}
# "T" (tidak naik): minimum weight gain (KBM, Kenaikan Berat badan Minimal, Buku KIA) by
# age in completed months at the later weighing, in grams per month. Verify against the
# current Buku KIA before relying on it; from 12 months on the KBM is 200 g.
MIN_MONTHLY_GAIN_G = {1: 800, 2: 900, 3: 800, 4: 600, 5: 500, 6: 400, 7: 300, 8: 300,
                      9: 250, 10: 250, 11: 200, 12: 200}
MIN_MONTHLY_GAIN_G_AFTER_12 = 200

# ── Anak sekolah & remaja, BMI-for-age (WHO 2007) and Hb ─────────────────────────────
BMI_FOR_AGE = (
    Band("severe_thinness", "severe", lt=-3, follow_up="rujuk ke puskesmas"),
    Band("thinness", "moderate", ge=-3, lt=-2, follow_up="konseling gizi"),
    Band("overweight", "mild", gt=1, le=2, follow_up="konseling gizi"),
    Band("obese", "moderate", gt=2, follow_up="rujuk ke puskesmas"),
)
# A child's blood pressure (AAP 2017, Clinical Practice Guideline for Screening and
# Management of High Blood Pressure in Children and Adolescents), from 1 year to the 15th
# birthday – from there the adult classes apply (usia dewasa, PTM from 15). Under 13 it is
# judged by centiles of sex, age and height, which a posyandu or a school screening does
# not look up. The guideline gives a screening table instead (its Table 6: the 90th centile
# of the shortest children, by sex and completed year): below it a BP is normal whatever
# the child's height; at or above it, it may be raised and is judged against the full
# tables at the puskesmas. Whatever the centiles, its caps hold at any age: from 130/80 at
# least stage 1 hypertension, from 140/90 stage 2. From 13 the caps are the classes
# (120/<80 elevated). Stage 2 is referred within a week (at once with symptoms); stage 1
# measured again within 1–2 weeks; elevated again in 6 months, with lifestyle advice.
CHILD_BP_FROM_YEARS = 1
CHILD_BP_SCREEN = {  # completed years: (boys' (systolic, diastolic), girls')
    1: ((98, 52), (98, 54)), 2: ((100, 55), (101, 58)), 3: ((101, 58), (102, 60)),
    4: ((102, 60), (103, 62)), 5: ((103, 63), (104, 64)), 6: ((105, 66), (105, 67)),
    7: ((106, 68), (106, 68)), 8: ((107, 69), (107, 69)), 9: ((107, 70), (108, 71)),
    10: ((108, 72), (109, 72)), 11: ((110, 74), (111, 74)), 12: ((113, 75), (114, 75)),
}
CHILD_BP_ELEVATED_FROM_13 = (120, 80)
CHILD_BP_CLASSES: tuple[tuple[str, Severity, int, int, str], ...] = (  # as BP_CLASSES
    ("child_hypertension_stage_2", "severe", 140, 90,
     "rujuk ke puskesmas dalam seminggu; segera bila ada keluhan (sakit kepala, muntah, "
     "kejang)"),
    ("child_hypertension_stage_1", "moderate", 130, 80,
     "ukur ulang 1–2 minggu lagi; bila tetap tinggi, rujuk ke puskesmas"),
)
CHILD_BP_ELEVATED_FOLLOW_UP = {
    "screen": "ukur ulang; nilai dengan tabel persentil (umur, jenis kelamin, TB) di puskesmas",
    "from_13": "konseling gaya hidup, ukur ulang 6 bulan lagi",
}
# Head circumference-for-age z (WHO 2006), measured in SDIDTK at the posyandu: below −2 SD
# small (mikrosefal), above +2 SD large (makrosefal), both referred (Pedoman SDIDTK).
HEAD_CIRCUMFERENCE_FOR_AGE = (
    Band("microcephaly", "moderate", lt=-2, follow_up="rujuk: lingkar kepala kecil"),
    Band("macrocephaly", "moderate", gt=2, follow_up="rujuk: lingkar kepala besar"),
)
# Anaemia by haemoglobin (g/dL), WHO (Haemoglobin concentrations for the diagnosis of
# anaemia, 2011; unchanged for these ages in WHO's 2024 guideline): below 11.5 at 5–11
# years, 12 at 12–14, and from 15 below 12 for girls and 13 for boys. DOMAIN.md's "< 12 for
# girls (grades 7 and 10)", the rematri programme's test, is the same line for the girls it
# tests. (from years – the last from the stage's start at 5 –, girls', boys')
HB_ANAEMIA_BY_AGE = ((15, 12.0, 13.0), (12, 12.0, 12.0), (0, 11.5, 11.5))
# Severity (WHO, same texts): moderate below 11 (pregnancy 10), severe below 8 (7); above
# that, up to the anaemia line, mild.
HB_MODERATE_BELOW, HB_SEVERE_BELOW = 11.0, 8.0
# A balita's Hb (WHO 2024, Guideline on haemoglobin cutoffs to define anaemia): anaemic
# below 10.5 g/dL at 6–23 months and 11.0 at 24–59 (WHO 2011 had 11.0 for both; put it
# back here if your programme still counts so), moderate below 9.5 and 10.0, severe below
# 7.0. WHO gives no line before 6 months: a younger baby's Hb is not read.
# (from months, anaemic below, moderate below)
HB_ANAEMIA_BALITA = ((24, 11.0, 10.0), (6, 10.5, 9.5))
HB_BALITA_SEVERE_BELOW = 7.0
# Iron tablets (tablet tambah darah) are the programme's for remaja putri and women of
# reproductive age; anaemia in a boy, a man, a young child or a lansia needs its cause
# found first. (from years, before years)
IRON_TABLETS_GIRLS_WOMEN = (10, 50)
# SDQ total difficulties (0–40). The juknis names the SDQ without cut-offs; these are the
# instrument's own three bands (Goodman 1997, sdqinfo.org scoring): parent/teacher report
# 14–16 borderline, 17–40 abnormal; self-report (ages 11–17) 16–19 and 20–40. A form does
# not say who answered it: from 11 years we take it as the self-report, which school
# screening uses from SMP on – change here if your schools do otherwise.
SDQ_SELF_REPORT_FROM_YEARS = 11
SDQ_BANDS = {
    "parent": (Band("mental_health_risk", "moderate", ge=17,
                    follow_up="rujuk untuk evaluasi kesehatan jiwa"),
               Band("sdq_borderline", "mild", ge=14, lt=17,
                    follow_up="konseling, ulangi SDQ 3 bulan lagi")),
    "self": (Band("mental_health_risk", "moderate", ge=20,
                  follow_up="rujuk untuk evaluasi kesehatan jiwa"),
             Band("sdq_borderline", "mild", ge=16, lt=20,
                  follow_up="konseling, ulangi SDQ 3 bulan lagi")),
}

# ── Ibu hamil ────────────────────────────────────────────────────────────────────────
KEK_MUAC_CM = 23.5  # LiLA < 23.5 cm: kurang energi kronis
# The same line marks a woman of reproductive age (wanita usia subur, 15–49) who is not
# pregnant as at risk of KEK (Kemenkes; Riskesdas/SKI count it so): counselled before a
# pregnancy, as remaja putri and catin are. (from years, before years)
WUS_YEARS = (15, 50)
UNDERWEIGHT_BMI_T1 = 18.5  # BMI in trimester 1
# Weeks by her last period (HPHT) and weeks given (by ultrasound, or counted by the bidan)
# may differ: a pregnancy is re-dated by ultrasound from ~1 week apart in the first
# trimester up to 3 weeks in the third (ACOG Committee Opinion 700, 2017). Further apart,
# one of the two is a slip of the pen; within it, the weeks given are taken.
WEEKS_BY_LAST_PERIOD_TOLERANCE = 3
HB_ANAEMIA_PREGNANT = {1: 11.0, 2: 10.5, 3: 11.0}  # g/dL by trimester
HB_PREGNANT_MODERATE_BELOW, HB_PREGNANT_SEVERE_BELOW = 10.0, 7.0
# The mother's age among the "4 Terlalu" of the Buku KIA (Kemenkes): too young (under
# 20) or too old (over 35, in years completed) for a pregnancy without raised risk.
# DOMAIN.md does not list them; change here if your district counts otherwise.
PREGNANCY_AGE_RISK = (20, 35)
PREGNANCY_HYPERTENSION = (140, 90)  # systolic or diastolic at or above
# Severe hypertension in pregnancy (PNPK Pre-eklampsia, POGI 2016; ACOG): referred at once.
PREGNANCY_HYPERTENSION_SEVERE = (160, 110)
# Pre-eclampsia (PNPK Diagnosis dan Tata Laksana Pre-eklamsia, POGI 2016; ACOG 2020):
# hypertension (≥ 140/90) from 20 weeks with proteinuria, a dipstick of +1 or more. It is
# referred at once to a facility that can manage it (PONED puskesmas or hospital), with or
# without severe features. Before 20 weeks the same pair is a chronic hypertension with
# proteinuria, not pre-eclampsia; a pregnancy without its weeks is read as past 20 (the
# safer side). Proteinuria without hypertension may herald it, or be an infection: both
# measured again.
PROTEINURIA_FROM = 1  # dipstick +1
PREECLAMPSIA_FROM_WEEK = 20
# Hyperglycaemia first found in pregnancy (WHO 2013, Diagnostic criteria and
# classification of hyperglycaemia first detected in pregnancy), mg/dL: diabetes in
# pregnancy from fasting 126 or random 200; gestational diabetes from fasting 92 (a random
# value below 200 diagnoses neither). The adult bands (prediabetes from 100 fasting, 140
# random) do not apply to her; nor do the cholesterol bands – cholesterol rises in every
# pregnancy.
PREGNANCY_GLUCOSE = {  # measure: (gestational diabetes from, diabetes in pregnancy from)
    "glucose_fasting": (92.0, 126.0),
    "glucose_random": (200.0, 200.0),
}

# ── Usia dewasa and lansia ───────────────────────────────────────────────────────────
# Blood pressure classes (systolic, diastolic) lower bounds; the higher class of the two
# values wins. Optimal (< 120/80) and normal (120–129/80–84) are not findings. Isolated
# systolic: systolic ≥ 140 with diastolic < 90, graded by its systolic as ESH grades it –
# 140–159 is `isolated_systolic_hypertension`, higher is grade 2 or 3 (a lansia's 200/85
# is no milder than 200/100). DOMAIN.md gives the classes, not what follows them. ESH 2018,
# ISH 2020 and PERHI 2019 start drugs at once from grade 2 (grade 1 after lifestyle
# advice), and grade 3 borders on a crisis (PERHI: from 180/120) that needs organ damage
# ruled out: grade 3 is referred at once, grade 2 to the puskesmas for treatment, and
# every grade is checked monthly (DOMAIN.md's cadence).
BP_CLASSES: tuple[tuple[str, Severity, int, int, str], ...] = (  # code, severity, from, follow-up
    ("hypertension_grade_3", "severe", 180, 110,
     "rujuk segera ke puskesmas, kontrol tekanan darah bulanan"),
    ("hypertension_grade_2", "severe", 160, 100,
     "rujuk ke puskesmas untuk pengobatan, kontrol tekanan darah bulanan"),
    ("hypertension_grade_1", "moderate", 140, 90, "kontrol tekanan darah bulanan"),
    ("bp_high_normal", "mild", 130, 85, "konseling gaya hidup, periksa ulang tahunan"),
)
ISOLATED_SYSTOLIC_DIASTOLIC_BELOW = 90  # a grade-1 systolic with a diastolic under this
# A known patient's reading below hypertension's (< 140/90, the treatment target in
# primary care) or below diabetes's thresholds: controlled – followed all the same.
HYPERTENSION_CONTROLLED_FOLLOW_UP = "lanjutkan pengobatan, ukur tekanan darah tiap bulan"
DIABETES_CONTROLLED_FOLLOW_UP = "lanjutkan pengobatan, periksa gula darah tiap bulan"
DIABETES_UNCONTROLLED_FOLLOW_UP = "kontrol ke puskesmas: evaluasi pengobatan diabetes"
# A pregnant woman's disease from before the pregnancy (the Kohort Ibu's riwayat penyakit;
# Poedji Rochjati's score counts diabetes): a high-risk pregnancy whatever today's reading.
KNOWN_BEFORE_PREGNANCY = {
    "known_hypertension": ("chronic_hypertension_pregnancy",
                           "kehamilan risiko tinggi: ANC dengan dokter, ukur tekanan darah dan "
                           "protein urin tiap kunjungan, bersalin di fasilitas kesehatan"),
    "known_diabetes": ("pregestational_diabetes",
                       "kehamilan risiko tinggi: ANC dengan dokter, kendalikan gula darah, "
                       "bersalin di fasilitas kesehatan"),
}
BMI_ASIA_PACIFIC = (
    Band("bmi_underweight", "mild", lt=18.5, follow_up="konseling gizi"),
    Band("bmi_overweight", "mild", ge=23, lt=25, follow_up="konseling gaya hidup"),
    Band("obese_1", "moderate", ge=25, lt=30, follow_up="konseling, evaluasi 3 bulan"),
    Band("obese_2", "severe", ge=30, follow_up="rujuk, evaluasi 3 bulan"),
)
CENTRAL_OBESITY_WAIST_CM = {"M": 90.0, "F": 80.0}  # waist above this
GLUCOSE_RANDOM = (
    Band("diabetes_suspected", "severe", ge=200, follow_up="konfirmasi di puskesmas"),
    Band("prediabetes", "moderate", ge=140, lt=200, follow_up="evaluasi 3 bulan"),
)
GLUCOSE_FASTING = (
    Band("diabetes_suspected", "severe", ge=126, follow_up="konfirmasi di puskesmas"),
    Band("prediabetes", "moderate", ge=100, lt=126, follow_up="evaluasi 3 bulan"),
)
# Total cholesterol (mg/dL), measured at the Posbindu with the glucose. DOMAIN.md gives no
# cut-offs: these are NCEP ATP III's (2001), which Indonesia's dyslipidaemia guidance
# (PERKENI) uses too – 200–239 borderline high, 240 and above high.
CHOLESTEROL_TOTAL = (
    Band("high_cholesterol", "moderate", ge=240,
         follow_up="periksa profil lipid di puskesmas"),
    Band("borderline_high_cholesterol", "mild", ge=200, lt=240,
         follow_up="konseling gaya hidup, periksa ulang"),
)
# SRQ-20: the juknis is ambiguous between "> 6" and "≥ 6"; we read it as ≥ 6.
SRQ20_POSITIVE_FROM = 6
# PUMA (López Varela et al. 2016, the questionnaire ILP's PPOK screening uses): a score
# of 6 or more is referred for spirometry. The cut-off was not found in an official
# Indonesian text: the questionnaire's own, configurable here.
PUMA_POSITIVE_FROM = 6
# ADL (Barthel index / AKS, 0–20); moderate and worse need home care.
ADL_BANDS = (
    Band("adl_total_dependence", "severe", lt=5, follow_up="perawatan jangka panjang di rumah"),
    Band("adl_severe_dependence", "severe", ge=5, lt=9, follow_up="perawatan di rumah"),
    Band("adl_moderate_dependence", "moderate", ge=9, lt=12, follow_up="perawatan di rumah"),
    Band("adl_mild_dependence", "mild", ge=12, lt=20, follow_up="pemantauan"),
)

# ── Plausibility: outside these a value is a typo, not a finding ─────────────────────
PLAUSIBLE = {
    "weight_kg": (0.5, 300.0),
    "height_cm": (35.0, 230.0),
    "muac_cm": (5.0, 60.0),
    "head_circumference_cm": (25.0, 60.0),
    "waist_cm": (30.0, 250.0),
    "systolic": (60.0, 280.0),
    "diastolic": (30.0, 180.0),
    "glucose_random": (20.0, 1000.0),
    "glucose_fasting": (20.0, 1000.0),
    "cholesterol_total": (50.0, 1000.0),
    "hb": (3.0, 25.0),
    "protein_urine": (0.0, 4.0),
    "srq20": (0.0, 20.0),
    "adl": (0.0, 20.0),
    "sdq_total": (0.0, 40.0),
    "puma": (0.0, 9.0),
}
BALITA_PLAUSIBLE = {"weight_kg": (0.5, 40.0), "height_cm": (35.0, 130.0),
                    "muac_cm": (5.0, 30.0)}
# The unit each measure is given in. mmol/L to mg/dL goes by the substance's molar mass.
UNIT_OF = {"weight_kg": "kg", "systolic": "mmHg", "diastolic": "mmHg", "hb": "g/dL",
           **dict.fromkeys(("height_cm", "muac_cm", "head_circumference_cm", "waist_cm"), "cm"),
           **dict.fromkeys(("glucose_random", "glucose_fasting", "cholesterol_total"), "mg/dL")}
MG_DL_PER_MMOL_L = {"glucose_random": 18.016, "glucose_fasting": 18.016,
                    "cholesterol_total": 38.67}
# Another unit in circulation, as its factor to ours: a value outside the plausible range
# that reads right in it (glucose from a lab's printout in mmol/L, Hb in g/L, a height in
# metres, an infant weighed in grams, a LiLA tape read in mm) is named in the refusal. It
# is not converted: a guess at the unit would be a guess at the finding.
OTHER_UNIT = {"weight_kg": ("g", 0.001), "height_cm": ("m", 100.0), "hb": ("g/L", 0.1),
              **dict.fromkeys(("muac_cm", "head_circumference_cm"), ("mm", 0.1)),
              **{measure: ("mmol/L", factor) for measure, factor in MG_DL_PER_MMOL_L.items()}}
# Growth z-scores beyond WHO's limits of biological plausibility – its "flags" (WHO Anthro
# and igrowup; WHO/UNICEF 2019, Recommendations for data collection, analysis and
# reporting on anthropometric indicators in children under 5; WHO AnthroPlus for 5–19
# years) – are almost always a slip of the scale, the tape or the keyboard (25 kg for
# 2.5). Each with the measure it blames, in the order blamed: length/height first, as a
# weight is read against it.
IMPLAUSIBLE_Z = {
    "haz": ((-6.0, 6.0), "height_cm", _("length/height-for-age")),
    "waz": ((-6.0, 5.0), "weight_kg", _("weight-for-age")),
    "whz": ((-5.0, 5.0), "weight_kg", _("weight-for-length/height")),
    "bmi_z": ((-5.0, 5.0), "weight_kg", _("BMI-for-age")),
    "hcz": ((-5.0, 5.0), "head_circumference_cm", _("head circumference-for-age")),
}
# From 19 on there is no z-score to judge a weight against its height by. DOMAIN.md and the
# texts it cites give no limit, so this is ours and deliberately wide: nobody coming to a
# posyandu has a BMI below 10 or above 80, but 9 kg keyed for 90 at 165 cm (BMI 3.3) or
# 190 for 90 at 150 cm (84) do. Like the z-score limits, a value measured again is kept.
IMPLAUSIBLE_BMI = (10.0, 80.0)
