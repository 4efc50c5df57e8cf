"""What each home visit is for, as a kader or bidan reads it (Bahasa Indonesia): the
task list of an app, the SMS and the e-mail name the visit by this, not by its code."""

from __future__ import annotations

REASON_LABELS = {
    # findings of a screening (tasks.RULES)
    "rujukan_gizi_balita": "Rujukan balita bermasalah gizi (bayi < 6 bulan, BB < 4 kg, "
                           "atau tidak membaik)",
    "pendampingan_rujukan_gizi": "Pendampingan rujukan gizi balita",
    "gizi_buruk_balita": "Balita gizi buruk: rujukan dan tata laksana",
    "pendampingan_gizi_buruk": "Pendampingan balita gizi buruk",
    "gizi_lebih_balita": "Balita gizi lebih/obesitas (BB/TB): konseling pemberian makan",
    "anak_sangat_kurus": "Anak sekolah/remaja sangat kurus (IMT/U < −3 SD): rujukan",
    "masalah_gizi_balita": "Balita bermasalah gizi (stunting, BB kurang, gizi kurang, "
                           "BB tidak naik)",
    "anemia_berat_kehamilan": "Ibu hamil anemia berat (Hb < 7 g/dL): rujukan segera",
    "hipertensi_berat_kehamilan": "Ibu hamil hipertensi berat (≥ 160/110): rujukan segera "
                                  "(risiko preeklamsia berat)",
    "hipertensi_kehamilan": "Ibu hamil dengan hipertensi: rujukan (risiko preeklamsia)",
    "preeklamsia": "Ibu hamil preeklamsia (hipertensi dan protein urin): rujukan segera",
    "diabetes_kehamilan": "Ibu hamil dengan gula darah tinggi (diabetes dalam kehamilan): "
                          "rujukan",
    "pendampingan_ibu_hamil_kek": "Pendampingan ibu hamil KEK/anemia (PMT)",
    "hipertensi_derajat_3": "Hipertensi derajat 3 (≥ 180/110): rujukan segera",
    "hipertensi": "Hipertensi: pengobatan dan kontrol bulanan",  # grade 2 (before, 2–3)
    "hipertensi_anak": "Hipertensi anak derajat 2 (≥ 140/90): rujukan",
    "anemia_berat": "Anemia berat: rujukan segera",
    "suspek_tb": "Terduga TBC: pemeriksaan dahak",
    "rujukan_deteksi_dini_kanker": "IVA positif atau benjolan payudara: pastikan dirujuk",
    "kesehatan_jiwa": "Risiko masalah kesehatan jiwa",
    "suspek_ppok": "Terduga PPOK (skor PUMA ≥ 6): rujuk spirometri",
    "perawatan_lansia_di_rumah": "Perawatan di rumah: lansia atau dewasa dengan ketergantungan (AKS)",
    # missed monitoring (defaulters)
    "kontrol_hipertensi": "Hipertensi belum kontrol tekanan darah sebulan",
    "kontrol_diabetes": "Penderita diabetes belum cek gula darah sebulan",
    "evaluasi_prediabetes": "Prediabetes belum cek gula darah 3 bulan",
    "evaluasi_obesitas": "Obesitas belum ditimbang dan diukur 3 bulan",
    "ibu_hamil_tidak_anc": "Ibu hamil belum periksa kehamilan (ANC) sesuai jadwal",
    "balita_tidak_ditimbang": "Balita tidak ditimbang bulan ini",
    "imunisasi_terlewat": "Imunisasi balita terlewat",
    "sweeping_vitamin_a": "Balita belum mendapat kapsul vitamin A (sweeping)",
    "lansia_tidak_datang": "Lansia tidak datang ke posyandu bulan ini",
    "skrining_ptm_tahunan": "Belum skrining PTM tahunan (usia ≥ 15 tahun)",
    # known from the household data collection, never came (household)
    "belum_skrining_ptm": "Belum pernah skrining PTM (usia ≥ 15 tahun)",
    "ibu_hamil_belum_periksa": "Ibu hamil belum pernah periksa kehamilan (ANC)",
    # a TB treatment (tb)
    "investigasi_kontak_tb": "Investigasi kontak serumah pasien TBC",
    "pendampingan_minum_obat_tb": "Pendampingan minum obat pasien TBC (bulanan)",
    # after a birth
    "kunjungan_nifas_kf1": "Kunjungan nifas KF1 (6 jam–2 hari)",
    "kunjungan_nifas_kf2": "Kunjungan nifas KF2 (hari 3–7)",
    "kunjungan_nifas_kf3": "Kunjungan nifas KF3 (hari 8–28)",
    "kunjungan_nifas_kf4": "Kunjungan nifas KF4 (hari 29–42)",
    "kunjungan_neonatal_kn1": "Kunjungan neonatal KN1 (6–48 jam)",
    "kunjungan_neonatal_kn2": "Kunjungan neonatal KN2 (hari 3–7)",
    "kunjungan_neonatal_kn3": "Kunjungan neonatal KN3 (hari 8–28)",
}


def label_of(reason: str) -> str:
    """The words for a reason; the code itself for one this release does not name."""
    return REASON_LABELS.get(reason, reason)
