"""The columns a paper register or household list may have, by the names its header gives
them: the submission's fields, the Indonesian names registers use for them, a column per
dose, and the columns kept for other programmes, which an import reads past."""

from __future__ import annotations

import re

from ilp_contracts.anc import MAX_ANC_VISIT
from ilp_contracts.immunization import IMMUNIZATIONS, MAX_TETANUS_STATUS, dose_code
from ilp_contracts.registry import DUSUN_COLUMNS
from ilp_contracts.screening import WORDS, MeasurementsIn
from ilp_kit.spreadsheet import MONTHS

PERSON = ("nik", "mother_nik", "local_id", "name", "sex", "birth_date", "rt", "rw",
          "household_id")
# Yes/no columns: every measure that is one (lying, oedema, TB symptoms, smoking, SKILAS,
# sight, hearing, teeth).
FLAGS = (*(name for name, field in MeasurementsIn.model_fields.items()
            if field.annotation == bool | None), "pregnant")
MOTHER_NAME = "mother_name"  # a child's mother – or, with no other name, the person's own
LAST_PERIOD = "last_period"  # HPHT: the first day of her last menstrual period
PREGNANCY = ("gestational_weeks", LAST_PERIOD, "anc_visit")
DUE_DATE = "due_date"  # HPL, taksiran persalinan: her HPHT is 280 days before it
VISIT_NUMBER = "visit_number"  # "Kunjungan ke": her ANC contact – in a balita's row, none
DATES = ("birth_date", "screened_on", LAST_PERIOD, DUE_DATE)
BLOOD_PRESSURE = "blood_pressure"  # one "TD" column, "120/80", as registers write it
NCD_HISTORY = "ncd_history"  # "Riwayat PTM": the diagnoses made before, listed in one cell
# The two diagnoses made before that the platform follows, in a register's words: a
# column's (Riwayat Hipertensi, Minum Obat DM) or a Riwayat PTM cell's.
KNOWN_CONDITIONS = {
    "known_hypertension": ("hipertensi", "ht", "darah tinggi", "tekanan darah tinggi"),
    "known_diabetes": ("dm", "diabetes", "diabetes melitus", "diabetes mellitus",
                       "kencing manis", "kencing gula", "gula", "gula darah")}
RT_RW = "rt_rw"  # one "RT/RW" column, "003/004", as a lansia's or a Posbindu's register has
POSYANDU_NAME = "posyandu_name"
# The desa of a row's posyandu, by name: which of the posyandu of one name it is (each
# desa may have its Posyandu Melati – a district's e-PPGBM export has them all).
DESA_NAME = "desa_name"
BIRTH_ORDER = "birth_order"
# Her number in the posyandu's (or pustu's) register, or its medical record number: who she
# is where she has no NIK, nor a mother's NIK to be known by as a child.
REGISTER_NUMBER = "register_number"
# An age, read only where the row has no birth date: "Umur (th)" in years; a bare "Umur"
# may be a balita's months, so it is taken for years only where it cannot be months.
AGE, AGE_YEARS = "age", "age_years"
# Where a desa has dusun instead of numbered RWs (most of them outside Java): the person's
# dusun, kept as her RW's label ("Dusun 1", "Dusun Krajan"), which notify's kader
# coverage reads by name.
DUSUN = "dusun"
NUMBERS = frozenset({"gestational_weeks", "anc_visit"}) | {
    name for name in MeasurementsIn.model_fields if name not in (*FLAGS, *WORDS, "immunizations")}
CAPSULE = "capsule:"  # a column of one colour of vitamin A capsule: "capsule:biru"
DOSE = "dose:"  # a column of one dose (under "Imunisasi": HB0 | BCG | Polio 1 …): "dose:OPV1"
ALIASES = {
    "nama": "name", "jenis_kelamin": "sex", "jk": "sex", "l/p": "sex",
    "tanggal_lahir": "birth_date", "tgl_lahir": "birth_date",
    # The register's own date column: the day of the posyandu (birth dates say "lahir").
    **{f"{word}{what}": "screened_on" for word in ("tanggal", "tgl")
       for what in ("", "_periksa", "_pemeriksaan", "_kunjungan", "_skrining", "_ukur",
                    "_pengukuran", "_penimbangan", "_timbang", "_imunisasi")},
    **dict.fromkeys(DUSUN_COLUMNS, DUSUN),
    "no_kk": "household_id", "bb": "weight_kg", "berat_badan": "weight_kg",
    "tb": "height_cm", "pb": "height_cm", "tinggi_badan": "height_cm",
    # the development check (SDIDTK's KPSP, or the Buku KIA's checklist)
    **dict.fromkeys(("perkembangan", "hasil_kpsp", "pemantauan_perkembangan",
                     "deteksi_perkembangan", "status_perkembangan", "sdidtk"), "kpsp"),
    "panjang_badan": "height_cm", "lila": "muac_cm", "lingkar_kepala": "head_circumference_cm",
    "lingkar_perut": "waist_cm", "sistolik": "systolic", "diastolik": "diastolic",
    "gds": "glucose_random", "gdp": "glucose_fasting", "usia_kehamilan": "gestational_weeks",
    "kunjungan_anc": "anc_visit", "imunisasi": "immunizations", "merokok": "smoking",
    # A register of pregnant women (Kohort Ibu): her name, how far along (or her last
    # period, HPHT, to count from), which ANC contact (K1 … K6)
    "nama_ibu_hamil": "name", "nama_bumil": "name", "uk": "gestational_weeks",
    "umur_kehamilan": "gestational_weeks", "usia_hamil": "gestational_weeks",
    "hpht": LAST_PERIOD, "kunjungan_ke": VISIT_NUMBER, "kunjungan_ke-": VISIT_NUMBER,
    **dict.fromkeys(("hpl", "taksiran_persalinan", "tafsiran_persalinan",
                     "perkiraan_persalinan", "hari_perkiraan_lahir"), DUE_DATE),
    "nama_ibu": MOTHER_NAME,
    "lk": "head_circumference_cm", "lp": "waist_cm", "gula_darah_sewaktu": "glucose_random",
    "gula_darah_puasa": "glucose_fasting", "kolesterol": "cholesterol_total",
    "kolesterol_total": "cholesterol_total", "hemoglobin": "hb", "kadar_hb": "hb",
    "protein_urin": "protein_urine", "protein_urine": "protein_urine",
    "proteinuria": "protein_urine", "urin_protein": "protein_urine",
    "gejala_tb": "tb_symptoms",
    "gejala_tbc": "tb_symptoms", "sdq": "sdq_total", "srq": "srq20", "aks": "adl",
    "skilas": "skilas_positive", "edema": "oedema", "td": BLOOD_PRESSURE,
    **dict.fromkeys(("skor_puma", "kuesioner_puma"), "puma"),
    # SKILAS's domains as its form heads them
    **dict.fromkeys(("penurunan_kognitif", "kognitif"), "cognitive_decline"),
    **dict.fromkeys(("keterbatasan_mobilisasi", "mobilisasi", "mobilitas"), "limited_mobility"),
    **dict.fromkeys(("malnutrisi", "risiko_malnutrisi"), "malnutrition_risk"),
    **dict.fromkeys(("gejala_depresi", "depresi"), "depressive_symptoms"),
    "gangguan_penglihatan": "vision_problem", "penglihatan": "vision_problem",
    "gangguan_pendengaran": "hearing_problem", "pendengaran": "hearing_problem",
    # the capsule of the bulan vitamin A (February, August), ticked or by its colour
    **dict.fromkeys(("vit_a", "kapsul_vitamin_a", "kapsul_vit_a", "pemberian_vitamin_a"),
                    "vitamin_a"),
    **dict.fromkeys(("asi_eksklusif", "asi_ekslusif", "asi_esklusif", "asi_ekslusive"),
                    "exclusive_breastfeeding"),
    # … or a column per colour ("Vitamin A" over Biru | Merah): given if either is ticked
    **{f"{word}_{colour}": f"{CAPSULE}{colour}" for colour in ("biru", "merah")
       for word in ("vitamin_a", "vit_a", "kapsul_vitamin_a", "kapsul_vit_a", "kapsul")},
    # a child's deworming tablet (Feb | Agu too, with the capsule), and iron tablets given
    # (TTD, "Fe" in older registers): how many
    **dict.fromkeys(("obat_cacing", "pemberian_obat_cacing", "obat_cacing_albendazol",
                     "albendazol", "albendazole", "pirantel"), "deworming"),
    **dict.fromkeys(("ttd", "tablet_ttd", "tablet_tambah_darah", "pemberian_ttd", "jumlah_ttd",
                     "ttd_tablet", "jumlah_tablet_ttd", "fe", "tablet_fe", "pemberian_fe",
                     "jumlah_fe", "fe_tablet", "fe/ttd", "ttd/fe", "tablet_fe/ttd",
                     "tablet_ttd/fe"), "iron_tablets"),
    # a woman's tetanus immunisation (Td; TT in older registers): her status T, and the
    # dose given at this visit – ticked, dated, or written as the status it brought her to
    **dict.fromkeys((f"status_{what}" for what in (
        "t", "tt", "td", "tetanus", "tt/td", "td/tt", "imunisasi_t", "imunisasi_tt",
        "imunisasi_td", "imunisasi_tetanus", "imunisasi_tt/td", "imunisasi_td/tt")),
        "tetanus_status"),
    **dict.fromkeys(("tt", "imunisasi_tt", "imunisasi_td", "imunisasi_tetanus", "tt/td",
                     "td/tt", "imunisasi_tt/td", "imunisasi_td/tt", "suntik_tt", "suntik_td",
                     "pemberian_tt", "pemberian_td"), f"{DOSE}Td"),
    # supplementary food given (PMT lokal, PMT pemulihan), ticked
    **dict.fromkeys(("pmt", "pmt_lokal", "pmt_pemulihan", "pemberian_pmt", "makanan_tambahan",
                     "pemberian_makanan_tambahan"), "supplementary_food"),
    "karies": "dental_caries", "karies_gigi": "dental_caries", "gigi_berlubang": "dental_caries",
    # a woman's early detection of cervical and breast cancer, as the Posbindu heads it
    **dict.fromkeys(("iva", "tes_iva", "hasil_iva", "pemeriksaan_iva"), "iva_positive"),
    **dict.fromkeys(("sadanis", "hasil_sadanis", "pemeriksaan_sadanis", "benjolan_payudara"),
                    "breast_lump"),
    "tekanan_darah": BLOOD_PRESSURE,
    # a diagnosis made before, as the Posbindu asks it: a column each, ticked …
    **{f"{what}_{word.replace(' ', '_')}": field for field, words in KNOWN_CONDITIONS.items()
       for word in words for what in ("riwayat", "penderita", "minum_obat", "obat")},
    # … or one listing them ("Hipertensi, DM")
    **dict.fromkeys(("riwayat_ptm", "riwayat_ptm_diri_sendiri", "riwayat_penyakit",
                     "riwayat_penyakit_tidak_menular", "penyakit_yang_diderita",
                     "riwayat_penyakit_sendiri"), NCD_HISTORY),
    # measured again after an implausible growth z-score, and right
    "diukur_ulang": "rechecked", "ukur_ulang": "rechecked",
    # the household data collection's column
    "hamil": "pregnant", "ibu_hamil": "pregnant", "sedang_hamil": "pregnant",
    "status_hamil": "pregnant",
    # The child's name and NIK as KMS registers head them, and how the length was taken
    **dict.fromkeys(("nama_lansia", "nama_pasien", "nama_warga", "nama_remaja"), "name"),
    **dict.fromkeys(("rt/rw", "rt_rw", "rt_/_rw", "rt-rw"), RT_RW),
    # the AKS (Barthel) score as lansia registers head it
    **dict.fromkeys(("skor_aks", "nilai_aks", "skor_adl", "adl", "barthel", "indeks_barthel",
                     "skor_barthel", "aks_barthel"), "adl"),
    "nama_anak": "name", "nama_balita": "name", "nama_lengkap": "name",
    "nama_peserta": "name", "nik_anak": "nik", "nik_balita": "nik",
    # A school's screening list (penjaringan kesehatan): the pupil's name, her eyes' acuity
    **dict.fromkeys(("nama_siswa", "nama_murid", "nama_peserta_didik"), "name"),
    **dict.fromkeys(("visus", "tajam_penglihatan", "ketajaman_penglihatan"), "vision_problem"),
    # A child without a NIK yet: by the mother's NIK and which of her children (`Anak ke`,
    # or an id the posyandu gave), else her birth date
    "nik_ibu": "mother_nik", "nik_ibu_kandung": "mother_nik", "id_anak": "local_id",
    "kode_anak": "local_id", "anak_ke": BIRTH_ORDER, "anak_ke-": BIRTH_ORDER,
    **dict.fromkeys(("no_register", "no_reg", "nomor_register", "no_registrasi",
                     "nomor_registrasi", "no_rm", "nomor_rm", "no_rekam_medis"), REGISTER_NUMBER),
    "cara_ukur": "measured_lying", "posisi_ukur": "measured_lying",
    "lingkar_lengan_atas": "muac_cm", "berat": "weight_kg", "tinggi": "height_cm",
    "panjang": "height_cm", "pb/tb": "height_cm", "tb/pb": "height_cm",
    # A district's sheet of several posyandu names each row's: by the registry's id, or
    # by its name (which the caller's wilayah must tell apart)
    **dict.fromkeys(("id_posyandu", "kode_posyandu", "posyandu_id"), "posyandu_id"),
    **dict.fromkeys(("posyandu", "nama_posyandu", "posyandu/pustu", "nama_posyandu/pustu",
                     "tempat", "tempat_pemeriksaan"), POSYANDU_NAME),
    **dict.fromkeys(("desa", "kelurahan", "desa/kel", "desa/kelurahan", "kelurahan/desa",
                     "nama_desa", "desa_kelurahan"), DESA_NAME),
    # A register's running number ("No.") says nothing about the person, nor do its notes,
    # the parents' names, the address or a child's age in months the register worked out
    # (the birth date is read instead): dropped with the unnamed columns.
    **{name: "" for name in ("no", "nomor", "no_urut", "keterangan", "catatan", "ket",
                             "nama_ayah", "nama_orang_tua", "nama_ortu", "nama_bapak",
                             "nama_bapak/ibu", "nama_ibu/bapak", "nama_ortu/wali",
                             "alamat", "umur_bulan", "usia_bulan",
                             # e-PPGBM's age at the measurement ("2 Tahun - 8 Bulan - 0 Hari")
                             "usia_saat_ukur", "umur_saat_ukur")},
    **dict.fromkeys(("umur", "usia"), AGE),
    **dict.fromkeys(("umur_tahun", "usia_tahun"), AGE_YEARS),
    # Nor do the statuses it worked out from the measures (BB/U, TB/U, BB/TB, N/T, BGM,
    # the IMT): they are classified again here, from the measures and the child's history.
    **{name: "" for name in ("status_gizi", "bb/u", "tb/u", "pb/u", "bb/tb", "bb/pb",
                             "n/t", "naik/tidak", "bgm", "imt", "imt/u", "status_stunting",
                             "status", "naik_berat_badan",
                             # e-PPGBM's z-scores of them (WHO 2006's here, the same)
                             *(f"{z}_{index}" for z in ("zs", "z_score", "zscore")
                               for index in ("bb/u", "tb/u", "pb/u", "bb/tb", "bb/pb",
                                             "imt/u")))},
}
# What registers keep for other programmes or for the kader herself, which no screening
# here records: read past – each row still taken – and named in the import's report as not
# read, so nobody believes them kept. (Any other column stays refused: it may be a
# measurement under a misspelt header.)
NOT_READ = "~"  # a column read past: "~kms"
_DELIVERY = ("tgl_persalinan", "tanggal_persalinan", "tgl_bersalin", "tanggal_bersalin",
             "penolong", "penolong_persalinan", "tempat_persalinan", "tempat_bersalin",
             "cara_persalinan", "jenis_persalinan", "komplikasi", "komplikasi_persalinan",
             "keadaan_ibu", "keadaan_bayi", "jk_bayi", "jenis_kelamin_bayi", "bb_bayi",
             "bb_lahir_bayi", "pb_bayi")
_NIFAS = ("kf1", "kf2", "kf3", "kf4", "kf_1", "kf_2", "kf_3", "kf_4", "kb",
          "kb_pasca_persalinan", "metode_kb")
_NIFAS_GROUPS = ("nifas", "kunjungan_nifas")
# The mother's vitamin A capsules after delivery, as a Kohort Ibu heads them (alone, or
# under "Nifas"): a birth's (`births_sheet`), read past in a register of visits.
NIFAS_VITAMIN_A = ("vit_a_nifas", "vitamin_a_nifas", "kapsul_vit_a_nifas", "vit_a_bufas",
                   "vit_a_ibu_nifas", *(f"{group}_{what}" for group in _NIFAS_GROUPS
                                        for what in ("vit_a", "vitamin_a", "kapsul_vit_a")))
READ_PAST = frozenset({
    "asi", "kms", "buku_kia", "kelas_ibu", "oralit", "pemberian_oralit", "zinc",
    "pemberian_zinc", "oralit/zinc", "meninggal", "tgl_meninggal", "tanggal_meninggal",
    "bb_lahir", "berat_lahir",
    "pb_lahir", "panjang_lahir", "no_hp", "telepon", "nama_ayah/ibu", "nama_ibu/ayah",
    "alamat/rt",
    "ket_n/t", "bulan", "kia", "mtbs", "jkn", "bpjs", "no_bpjs",
    # ANC findings a screening here does not hold: fundal height, the baby's heartbeat
    "tfu", "djj",
    # a Kohort Ibu's delivery and postpartum columns, flat or under "Persalinan" and
    # "Nifas": its deliveries are births, sent apart (births_sheet), the KF visits
    # notify's; read past, the ANC contacts still taken
    *_DELIVERY, *(f"persalinan_{what}" for what in (*_DELIVERY, "tanggal", "tgl", "tempat",
                                                    "cara")),
    *_NIFAS, *(f"{group}_{what}" for group in _NIFAS_GROUPS for what in _NIFAS),
    *NIFAS_VITAMIN_A,
    # the Posbindu's behaviours, other tests and what the kader did: not screenings here
    "kurang_aktivitas_fisik", "aktivitas_fisik", "kurang_sayur_buah", "sayur_buah",
    "kurang_makan_sayur_buah", "konsumsi_alkohol", "alkohol", "asam_urat",
    "ape", "arus_puncak_ekspirasi", "riwayat_keluarga", "riwayat_ptm", "konseling", "edukasi",
    "tindak_lanjut", "rujuk", "rujukan", "dirujuk",
    # a school's own columns in its screening list: the pupil's number, class and school
    "nisn", "nis", "kelas", "rombel", "sekolah", "nama_sekolah", "asal_sekolah",
    # where an export (e-PPGBM's) says the row lies, above its desa and posyandu – which
    # name it – and the birth length, and the year's vitamin A capsules counted
    "prov", "provinsi", "kab/kota", "kabupaten/kota", "kabupaten", "kec", "kecamatan",
    "pukesmas", "puskesmas", "tb_lahir", "jml_vit_a", "jumlah_vit_a",
    # a household list's civil registration columns (Dukcapil's): not health data
    "hubungan_dengan_kk", "hubungan_keluarga", "hubungan", "shdk", "status_hubungan",
    "status_perkawinan", "status_kawin", "agama", "pendidikan", "pendidikan_terakhir",
    "pekerjaan", "tempat_lahir", "golongan_darah", "gol_darah", "kewarganegaraan",
    "nama_ibu_kandung", "nama_ayah_kandung"})


# A register kept a child a row, a column per month (the posyandu's Register Bayi/Balita:
# "BB (kg)" or "Hasil Penimbangan" over Jan … Des): "month:weight_kg:03" is March's weight.
MONTHLY = "month:"
MONTHLY_MEASURES = ("weight_kg", "height_cm", "muac_cm", "head_circumference_cm")
# Its "Vitamin A" and "Obat Cacing" over Feb | Agu, "ASI Eksklusif" over its first months,
# "PMT" over the months it was given: with that month's
# weighing (a capsule given alone: a visit of its own).
MONTHLY_FLAGS = ("vitamin_a", "exclusive_breastfeeding", "deworming", "supplementary_food")
# Its development check over the months it was made (a KPSP's S, M or P): with that
# month's weighing, or a visit of its own.
MONTHLY_FIELDS = (*MONTHLY_MEASURES, *MONTHLY_FLAGS, "kpsp")
_WEIGHING = ("penimbangan", "hasil_penimbangan", "timbang", "hasil_timbang", "timbangan")


def monthly(field: str, month: int) -> str:
    return f"{MONTHLY}{field}:{month:02d}"


def _of_a_month(name: str) -> str | None:
    """A month's column: a measure and a month, either way round ("bb_jan", "jan_bb",
    "hasil_penimbangan_bulan_maret"); "" for a month's column nobody reads ("jan_n/t");
    None for any other name."""
    words = name.split("_")
    if words[-1] in MONTHS:
        month, measure = MONTHS[words[-1]], words[:-1]
    elif words[0] in MONTHS:
        month, measure = MONTHS[words[0]], words[1:]
    else:
        return None
    what = "_".join(word for word in measure if word != "bulan")
    if not what:  # a month alone says nothing of what was measured
        return None
    if what in READ_PAST:  # "KMS" over Jan … Des: another programme's, read past
        return f"{NOT_READ}{name}"
    field = "weight_kg" if what in _WEIGHING else ALIASES.get(what, what)
    if field == "":
        return ""
    return monthly(field, month) if field in MONTHLY_FIELDS else None


# A Kohort Ibu kept a woman a row, a column per ANC contact – K1 … K6, the day each was
# made (also "Tgl K1", "K-1", "K 1"): "contact:2" is the day of her K2.
CONTACT = "contact:"
_CONTACT = re.compile(r"^(?:tgl_|tanggal_)?k[-_]?(\d{1,2})(?:_tgl|_tanggal)?$")


def contact_column(number: int) -> str:
    return f"{CONTACT}{number}"


# ASI eksklusif by the baby's month of age, as the Register Bayi and the KMS tick it: E0 …
# E6 (under "ASI Eksklusif"), each the month she was still fed breast milk only.
BREASTFED = "breastfed:"
_BREASTFED = re.compile(r"^(?:asi_eksklusif_|asi_ekslusif_|asi_esklusif_|asi_)?e_?([0-6])$")


def breastfed_column(month: int) -> str:
    return f"{BREASTFED}{month}"


# Her iron tablets as the Kohort Ibu of the old PWS KIA kept them: Fe1 | Fe2 | Fe3 (TTD 1 …,
# Fe I …), the day she had been given 30, 60 and 90 tablets, or a tick at the row's visit –
# each 30 more than the one before it (Fe1 | Fe3: 30, then 60).
IRON = "iron:"
IRON_BATCH_TABLETS = 30
_IRON = re.compile(r"^(?:.*_)?(?:fe|ttd)_?(1|2|3|i|ii|iii)$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3}


def iron_column(number: int) -> str:
    return f"{IRON}{number}"


# Her tetanus immunisation as the Kohort Ibu keeps it: T1 … T5 under "Status Imunisasi
# TT" (or TT1 … TT5, Td1 …), each the day she reached that status – the day of the Td that
# brought her there – or ticked.
TETANUS = "tetanus:"
_TETANUS = re.compile(r"^(?:(?:.*_)?(?:tt|td)_?|(?:status_)?(?:imunisasi_)?"
                      r"(?:tt|td|t|tetanus|tt/td|td/tt)_t_?)([1-5])$")


def tetanus_column(status: int) -> str:
    return f"{TETANUS}{status}"


def column(name: str) -> str:
    """A register's column by its header's name: an alias, one dose of the schedule, a
    month's measure, an ANC contact's day, one of another programme's (read past), or
    the name itself."""
    if name in ALIASES:
        return ALIASES[name]
    if (contact := _CONTACT.match(name)) and 1 <= int(contact.group(1)) <= MAX_ANC_VISIT:
        return contact_column(int(contact.group(1)))
    if name in READ_PAST:
        return f"{NOT_READ}{name}"
    if breastfed := _BREASTFED.match(name):
        return breastfed_column(int(breastfed.group(1)))
    if iron := _IRON.match(name):
        number = iron.group(1)
        return iron_column(_ROMAN.get(number) or int(number))
    if tetanus := _TETANUS.match(name):
        return tetanus_column(int(tetanus.group(1)))
    if (code := dose_code(name)) is not None:
        return f"{DOSE}{code}"
    of_a_month = _of_a_month(name)
    return name if of_a_month is None else of_a_month


# What a register's header may name: the fields and the Indonesian names for them.
KNOWN_COLUMNS = sorted({*PERSON, *PREGNANCY, *MeasurementsIn.model_fields, "screened_on",
                        "posyandu_id", POSYANDU_NAME, DESA_NAME, BIRTH_ORDER, REGISTER_NUMBER, AGE,
                        AGE_YEARS,
                        MOTHER_NAME, LAST_PERIOD,
                        DUSUN,
                        DUE_DATE, VISIT_NUMBER,
                        *(k for k, v in ALIASES.items() if v),
                        *(f"{DOSE}{code}" for code in IMMUNIZATIONS),
                        *(monthly(field, month) for field in MONTHLY_FIELDS
                          for month in range(1, 13)),
                        *(contact_column(n) for n in range(1, MAX_ANC_VISIT + 1)),
                        *(iron_column(n) for n in range(1, 4)),
                        *(tetanus_column(n) for n in range(1, MAX_TETANUS_STATUS + 1)),
                        *(breastfed_column(n) for n in range(7))})
