"""What each finding (`Finding.code`) is called in Bahasa Indonesia, as a kader app, the
bidan's registers, a task list and a Dinkes spreadsheet show it: the codes (`stunted`,
`kek`) are for machines, and they are part of the events' contract – PWS counts them,
notify visits them. No thresholds here – those live in the screening's rules, and the
finding carries its value and follow-up. A test holds this list to the codes the
classification can give.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

FINDING_LABELS = {
    # Balita: growth (WHO 2006), LiLA, head circumference, development, weighings
    "severely_underweight": "Berat badan sangat kurang (BB/U)",
    "underweight": "Berat badan kurang (BB/U)",
    "risk_overweight": "Risiko berat badan lebih (BB/U)",
    "severely_stunted": "Sangat pendek (TB/U)",
    "stunted": "Pendek / stunting (TB/U)",
    "gizi_buruk": "Gizi buruk (BB/TB)",
    "gizi_kurang": "Gizi kurang (BB/TB)",
    "berisiko_gizi_lebih": "Berisiko gizi lebih (BB/TB)",
    "gizi_lebih": "Gizi lebih (BB/TB)",
    "obesitas": "Obesitas (BB/TB)",
    "lila_gizi_buruk": "Gizi buruk (LiLA)",
    "lila_gizi_kurang": "Gizi kurang (LiLA)",
    "edema_gizi_buruk": "Gizi buruk: edema bilateral",
    "microcephaly": "Lingkar kepala kecil (mikrosefal)",
    "vitamin_a_overdose": "Kapsul vitamin A merah untuk bayi 6–11 bulan (dosis berlebih)",
    "vitamin_a_underdose": "Kapsul vitamin A biru dari umur 12 bulan (dosis kurang)",
    "macrocephaly": "Lingkar kepala besar (makrosefal)",
    "development_doubtful": "Perkembangan meragukan (KPSP)",
    "development_deviation": "Penyimpangan perkembangan (KPSP)",
    "weight_gain_adequate": "Berat badan naik (N)",
    "weight_not_increasing": "Berat badan tidak naik (T)",
    "young_infant_malnutrition": "Bayi < 6 bulan bermasalah gizi, atau BB < 4 kg",
    "no_improvement": "Tidak membaik sejak kunjungan sebelumnya",
    "imunisasi_dasar_lengkap": "Imunisasi dasar lengkap",
    # Anak sekolah & remaja
    "severe_thinness": "Sangat kurus (IMT/U)",
    "thinness": "Kurus (IMT/U)",
    "overweight": "Gizi lebih (IMT/U)",
    "obese": "Obesitas (IMT/U)",
    "sdq_borderline": "Masalah mental emosional ambang batas (SDQ)",
    "child_bp_elevated": "Tekanan darah anak meningkat (skrining)",
    "child_hypertension_stage_1": "Hipertensi anak derajat 1",
    "child_hypertension_stage_2": "Hipertensi anak derajat 2",
    "mental_health_risk": "Risiko masalah kesehatan jiwa",
    "anaemia": "Anemia",
    # Ibu hamil
    "kek": "Kurang energi kronis (KEK)",
    "underweight_pregnancy": "IMT kurang pada trimester 1",
    "anaemia_pregnancy": "Anemia pada kehamilan",
    "hypertension_pregnancy": "Hipertensi pada kehamilan",
    "preeclampsia": "Preeklamsia (hipertensi dan protein urin)",
    "proteinuria_pregnancy": "Protein urin positif pada kehamilan",
    "hyperglycaemia_pregnancy": "Gula darah tinggi pada kehamilan",
    "pregnancy_too_young": "Hamil terlalu muda (4 Terlalu)",
    "pregnancy_too_old": "Hamil terlalu tua (4 Terlalu)",
    "tetanus_unprotected": "Status imunisasi tetanus di bawah T2",
    "chronic_hypertension_pregnancy": "Hipertensi kronis (sejak sebelum hamil)",
    "pregestational_diabetes": "Diabetes melitus sejak sebelum hamil",
    # Usia dewasa and lansia
    "bp_high_normal": "Tekanan darah normal tinggi",
    "hypertension_grade_1": "Hipertensi derajat 1",
    "hypertension_grade_2": "Hipertensi derajat 2",
    "hypertension_grade_3": "Hipertensi derajat 3",
    "isolated_systolic_hypertension": "Hipertensi sistolik terisolasi",
    "bmi_underweight": "Berat badan kurang (IMT)",
    "bmi_overweight": "Berat badan lebih (IMT)",
    "obese_1": "Obesitas I (IMT)",
    "obese_2": "Obesitas II (IMT)",
    "central_obesity": "Obesitas sentral (lingkar perut)",
    "hypertension_controlled": "Hipertensi terkendali (penderita, tekanan darah < 140/90)",
    "diabetes_suspected": "Suspek diabetes melitus",
    "diabetes_controlled": "Diabetes melitus terkendali (penderita)",
    "diabetes_uncontrolled": "Diabetes melitus belum terkendali (penderita)",
    "prediabetes": "Prediabetes",
    "high_cholesterol": "Kolesterol tinggi",
    "borderline_high_cholesterol": "Kolesterol batas tinggi",
    "kek_risk": "Berisiko KEK (wanita usia subur)",
    "adl_mild_dependence": "Ketergantungan ringan (AKS)",
    "adl_moderate_dependence": "Ketergantungan sedang (AKS)",
    "adl_severe_dependence": "Ketergantungan berat (AKS)",
    "adl_total_dependence": "Ketergantungan total (AKS)",
    "intrinsic_capacity_decline": "Penurunan kapasitas intrinsik (SKILAS)",
    # Every stage
    "tb_suspect": "Terduga TBC",
    "smoker": "Merokok",
    "vision_problem": "Gangguan penglihatan",
    "hearing_problem": "Gangguan pendengaran",
    "dental_caries": "Gigi berlubang (karies)",
    "iva_positive": "IVA positif (lesi prakanker leher rahim)",
    "ppok_suspect": "Terduga PPOK (skor PUMA ≥ 6)",
    "breast_lump": "Benjolan/kelainan payudara (SADANIS)",
}


# What a postnatal visit's task names beside its reason (notify's, not a screening's): the
# day of the birth (`born_2026-12-03`) and a baby born small.
BIRTH_FACTS = {"low_birth_weight": "Berat lahir rendah (< 2.500 g)"}
# What notify's rounds name a visit by beside its reason: the day of the last contact
# (`last_seen_2026-10-14`), and the day the TB treatment started.
DAY_FACTS = {"born_": "Lahir", "last_checked_": "Terakhir diperiksa",
             "last_seen_": "Terakhir datang", "last_weighed_": "Terakhir ditimbang",
             "last_anc_": "Terakhir periksa hamil", "last_screened_": "Terakhir diskrining",
             "last_lila_": "LiLA terakhir diukur", "noted_": "Didata",
             "treatment_started_": "Mulai pengobatan TBC"}
# … the round of the capsule (`vitamin_a_2026-08`), the dose missed (`missed_MR1`), how
# many live with a TB patient (`household_contacts_4`).
MONTH_FACTS = {"vitamin_a_": "Kapsul vitamin A bulan"}
OTHER_FACTS = {"missed_": "Belum imunisasi {}", "household_contacts_": "{} kontak serumah"}
_DATED = ((DAY_FACTS, "", "d MMMM yyyy"), (MONTH_FACTS, "-01", "MMMM yyyy"))


def finding_label(code: str) -> str:
    """A finding's name in words, or a fact a visit is named by; a code this release does
    not know (an integrator's screening amended by a newer release) stays as it is."""
    if said := FINDING_LABELS.get(code) or BIRTH_FACTS.get(code):
        return said
    for facts, day_of, pattern in _DATED:
        for prefix, words in facts.items():
            if code.startswith(prefix):
                try:
                    day = date.fromisoformat(code.removeprefix(prefix) + day_of)
                except ValueError:
                    return code
                return f"{words} {format_date(day, pattern, locale='id')}"
    for prefix, words in OTHER_FACTS.items():
        if code.startswith(prefix) and (fact := code.removeprefix(prefix)):
            return words.format(fact)
    return code
