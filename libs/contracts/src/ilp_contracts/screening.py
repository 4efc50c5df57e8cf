"""Screening contracts: what a kader app or an integrator submits, and the events the
screening service publishes. Published events carry a pseudonymous person id only."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      WithJsonSchema, model_validator)

from .anc import MAX_ANC_VISIT
from .envelope import Event
from .immunization import MAX_TETANUS_STATUS, DoseIn, TetanusStatusIn
from .supplements import MAX_IRON_TABLETS
from .vitamin_a import Capsule
from .text import _, refusal

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
Stage = Literal["ibu_hamil", "balita", "anak_remaja", "usia_dewasa", "lansia"]
# The adult NCD (PTM) screening starts at this age, whatever the stage (DOMAIN.md, "Usia
# dewasa (≥ 15)"): a remaja of 15–17 is read against the adult blood pressure, glucose
# and SRQ-20 thresholds, counted in the PTM indicators and followed up as adults are.
PTM_FROM_YEARS = 15
# ASI eksklusif (WHO; PP 33/2012): breast milk only until 6 months – asked of a baby under
# 6 completed months.
EXCLUSIVE_MONTHS = 6
Severity = Literal["info", "mild", "moderate", "severe"]
Sex = Literal["M", "F"]


def _sixteen_digits(value: str) -> str:
    """A NIK refused in words a kader can act on, not as a regular expression."""
    if not (value.isascii() and value.isdigit()):
        raise refusal("nik_format", _("a NIK is 16 digits, nothing else"))
    if len(value) != 16:
        raise refusal("nik_format", _("a NIK is 16 digits; this one has {digits}",
                                      digits=len(value)))
    return value


Nik = Annotated[str, AfterValidator(_sixteen_digits),
                WithJsonSchema({"type": "string", "pattern": r"^\d{16}$"})]

# A urine dipstick as registers, lab slips and FHIR strings write it: negatif (or trace,
# which is not proteinuria), +1 … +4 written "+2", "2+", "++" or "positif 2".
_DIPSTICK_NONE = {"negatif", "negative", "neg", "-", "trace", "±", "+-", "+/-"}
_DIPSTICK_PLUS = re.compile(r"(?:positif|pos)?\+?([0-4])\+?|(\+{1,4})")


def _dipstick(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.strip().lower().replace(" ", "")
    if text in _DIPSTICK_NONE:
        return 0
    if reading := _DIPSTICK_PLUS.fullmatch(text):
        number, pluses = reading.groups()
        return int(number) if number else len(pluses)
    raise refusal("dipstick_format", _("a dipstick reads negatif, trace, +1, +2, +3 or +4, "
                                       "not '{value}'", value=value))


DipstickGrade = Annotated[int, Field(ge=0, le=4), BeforeValidator(_dipstick)]

# A sex as Indonesian forms and registers (L/P, Laki-laki/Perempuan, Pria/Wanita) and FHIR
# (male/female) write it, in any case.
_SEXES = {**dict.fromkeys(("m", "l", "lk", "laki-laki", "laki laki", "laki2", "pria", "male"),
                          "M"),
          **dict.fromkeys(("f", "p", "pr", "perempuan", "wanita", "female"), "F")}
SexIn = Annotated[Sex, BeforeValidator(
    lambda value: _SEXES.get(value.strip().lower(), value) if isinstance(value, str) else value)]


class _Strict(BaseModel):
    # NaN and Infinity are refused as numbers (Python's JSON reads them; no measure is one)
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True,
                              allow_inf_nan=False)


def numbered_at(place_id: str, local_id: str) -> str:
    """The identity of someone without a NIK: her number in a posyandu's register."""
    return f"{place_id}#{local_id}"


class PersonIn(_Strict):
    """A person by NIK; a child without one yet by her mother's NIK and which child she is
    (e.g. "anak-2"); anyone else without a NIK – Dukcapil has not reached everyone – by
    her number in the posyandu's register. The pseudonymous person id is derived from
    whichever she has."""

    nik: Nik | None = Field(default=None, description="16-digit NIK; stored only as a keyed hash")
    mother_nik: Nik | None = Field(default=None, description="For a child without NIK yet")
    local_id: str | None = Field(default=None, min_length=1, max_length=40,
                                 description="With mother_nik: which of her children (e.g. "
                                 "anak-2); without it, the child born that day "
                                 "(lahir-2025-11-19) – twins need one. Without either NIK: "
                                 "her number in the register of the posyandu (or pustu) "
                                 "where she is seen, the same each visit")
    name: str = Field(min_length=1, max_length=200)
    sex: SexIn = Field(description="M or F (L/P and male/female are read too)")
    birth_date: date
    rt: str | None = Field(default=None, max_length=10)
    rw: str | None = Field(default=None, max_length=40)
    household_id: str | None = Field(default=None, max_length=40, description="Nomor KK")

    @model_validator(mode="before")
    @classmethod
    def _child_born_that_day(cls, data: Any) -> Any:
        """A child with neither her NIK nor a local id is her mother's child born that day:
        the same person whichever way she comes in – her birth, a register, an app."""
        if (isinstance(data, dict) and not data.get("nik") and data.get("mother_nik")
                and not data.get("local_id") and data.get("birth_date")):
            born = data["birth_date"]
            day = born.isoformat() if isinstance(born, date) else str(born).strip()
            if _ISO_DAY.fullmatch(day):
                return {**data, "local_id": f"lahir-{day}"}
        return data

    @model_validator(mode="after")
    def _identified(self) -> PersonIn:
        if self.nik is None and self.local_id is None:
            raise ValueError(_("give nik; without one, mother_nik for a child (local_id for "
                               "twins), or local_id: her number in the posyandu's register"))
        return self

    def identity_at(self, place_id: str) -> str:
        """What the pseudonym is derived from: the NIK, else mother's NIK + local id, else
        the local id at the posyandu (`place_id`) whose register numbers her."""
        if self.nik:
            return self.nik
        if self.mother_nik:
            return f"{self.mother_nik}:{self.local_id}"
        return numbered_at(place_id, str(self.local_id))


class PregnancyIn(_Strict):
    """Her pregnancy at this contact: how far along by the weeks, or by the first day of
    her last period (HPHT, as the Buku KIA writes it), or both when they agree."""

    gestational_weeks: int | None = Field(default=None, ge=1, le=44,
                                          description="Usia kehamilan, minggu")
    last_period: date | None = Field(
        default=None, description="HPHT, hari pertama haid terakhir: gives the weeks on the "
        "day of the screening (and keeps giving them when that day is corrected)")
    anc_visit: int | None = Field(
        default=None, ge=1, le=MAX_ANC_VISIT, description="Kunjungan ANC ke- (K1–K6 and "
        "beyond) as her Buku KIA counts it, where known: kept and shown, not counted – K1 "
        "and K6 are counted from her contacts recorded here, by pregnancy")
    elsewhere: str | None = Field(
        default=None, min_length=2, max_length=100, description="Where a contact copied from "
        "her Buku KIA was made (BPM Bidan Sri, a clinic): it counts for her K1–K6 where she "
        "lives, and is not sent to SATUSEHAT as this posyandu's encounter")

    def weeks_on(self, day: date) -> int | None:
        """Completed weeks on `day`: as given, else from her last period."""
        if self.gestational_weeks is not None or self.last_period is None:
            return self.gestational_weeks
        return (day - self.last_period).days // 7


# The measurements written as words, not numbers or yes/no: the KPSP's result, a capsule's
# colour.
WORDS = ("kpsp", "vitamin_a_capsule")
# The KPSP (Kuesioner Pra Skrining Perkembangan): development as expected for the age,
# doubtful, or deviating.
KpspResult = Literal["sesuai", "meragukan", "penyimpangan"]


class MeasurementsIn(_Strict):
    """Everything a posyandu/pustu may measure; each stage uses what applies."""

    weight_kg: float | None = Field(default=None, gt=0, description="Berat badan")
    height_cm: float | None = Field(default=None, gt=0, description="Panjang/tinggi badan")
    measured_lying: bool | None = Field(default=None, description="Panjang badan (berbaring)")
    rechecked: bool | None = Field(
        default=None, description="Diukur ulang dan benar: a growth z-score beyond WHO's "
        "plausibility limits, or an adult's BMI beyond 10–80, is kept only when measured "
        "again")
    muac_cm: float | None = Field(default=None, gt=0, description="LiLA")
    head_circumference_cm: float | None = Field(default=None, gt=0, description="Lingkar kepala")
    oedema: bool | None = Field(default=None, description="Balita: edema bilateral (pitting)")
    waist_cm: float | None = Field(default=None, gt=0, description="Lingkar perut")
    systolic: float | None = Field(default=None, gt=0, description="Tekanan darah sistolik, mmHg")
    diastolic: float | None = Field(default=None, gt=0, description="Diastolik, mmHg")
    glucose_random: float | None = Field(default=None, gt=0, description="GDS, mg/dL")
    glucose_fasting: float | None = Field(default=None, gt=0, description="GDP, mg/dL")
    cholesterol_total: float | None = Field(default=None, gt=0,
                                            description="Kolesterol total, mg/dL")
    hb: float | None = Field(default=None, gt=0, description="Hemoglobin, g/dL")
    protein_urine: DipstickGrade | None = Field(
        default=None, description="Protein urin (dipstick): 0 negatif or trace, 1–4 for "
        "+1 … +4 (\"+2\", \"2+\", \"++\" and \"negatif\" are read too)")
    srq20: int | None = Field(default=None, ge=0, le=20, description="SRQ-20 score")
    adl: int | None = Field(default=None, ge=0, le=20, description="ADL/AKS (Barthel) 0–20")
    sdq_total: int | None = Field(default=None, ge=0, le=40, description="SDQ total difficulties")
    puma: int | None = Field(default=None, ge=0, le=9,
                             description="PUMA score 0–9: PPOK (COPD) screening of adults from "
                             "40 who smoke or have smoked")
    kpsp: KpspResult | None = None
    tb_symptoms: bool | None = Field(default=None, description="Gejala TB (skrining gejala)")
    smoking: bool | None = None
    # A diagnosis made before (a Posbindu's "riwayat PTM", or medicine taken for it): a
    # patient whose reading is in range today is still one – under monthly monitoring, and
    # counted for the SPM's "penderita … mendapat pelayanan sesuai standar".
    known_hypertension: bool | None = Field(
        default=None, description="Penderita hipertensi: terdiagnosis sebelumnya atau minum "
        "obat hipertensi")
    known_diabetes: bool | None = Field(
        default=None, description="Penderita diabetes melitus: terdiagnosis sebelumnya atau "
        "minum obat/insulin")
    skilas_positive: bool | None = Field(
        default=None, description="SKILAS: penurunan kapasitas intrinsik (any domain; "
        "implied by a domain below)")
    # SKILAS's domains (WHO ICOPE's step 1); sight and hearing are vision_problem and
    # hearing_problem, asked at every stage.
    cognitive_decline: bool | None = Field(
        default=None, description="SKILAS: penurunan kognitif (mengingat tiga kata, "
        "orientasi waktu dan tempat)")
    limited_mobility: bool | None = Field(
        default=None, description="SKILAS: keterbatasan mobilisasi (tidak dapat berdiri "
        "dari kursi lima kali dalam 14 detik)")
    malnutrition_risk: bool | None = Field(
        default=None, description="SKILAS: malnutrisi (berat badan turun > 3 kg dalam tiga "
        "bulan, atau hilang nafsu makan)")
    depressive_symptoms: bool | None = Field(
        default=None, description="SKILAS: gejala depresi (dua minggu terakhir merasa "
        "sedih, tertekan, atau kehilangan minat)")
    vision_problem: bool | None = Field(
        default=None, description="Gangguan penglihatan (tajam penglihatan kurang, Snellen/E)")
    hearing_problem: bool | None = Field(
        default=None, description="Gangguan pendengaran (tes berbisik/daya dengar)")
    dental_caries: bool | None = Field(default=None, description="Gigi berlubang (karies)")
    # Early detection of cervical and breast cancer (Permenkes 29/2017), a woman's: positive
    # is what the examination found, false that it was made and found nothing.
    iva_positive: bool | None = Field(
        default=None, description="IVA (inspeksi visual asam asetat) positif: lesi prakanker "
        "leher rahim")
    breast_lump: bool | None = Field(
        default=None, description="SADANIS (pemeriksaan payudara klinis): benjolan atau "
        "kelainan payudara")
    exclusive_breastfeeding: bool | None = Field(
        default=None, description="ASI eksklusif: a baby under 6 months fed breast milk "
        "only – no other food or drink – in the last 24 hours (the mother's recall)")
    vitamin_a: bool | None = Field(
        default=None, description="Kapsul vitamin A diberikan hari ini (balita 6–59 bulan: "
        "biru 100.000 IU 6–11 bulan, merah 200.000 IU 12–59 bulan; bulan vitamin A Februari "
        "dan Agustus); false: asked, and not given")
    vitamin_a_capsule: Capsule | None = Field(
        default=None, description="Warna kapsul vitamin A yang diberikan: biru (100.000 IU, "
        "6–11 bulan) or merah (200.000 IU, 12–59 bulan); given, whatever `vitamin_a` says "
        "not – a capsule of the other age's is a finding (a red one to a baby: too much)")
    iron_tablets: int | None = Field(
        default=None, ge=0, le=MAX_IRON_TABLETS, description="Tablet tambah darah (TTD) "
        "diberikan hari ini, jumlah tablet: ibu hamil (minimal 90 selama kehamilan, biasanya "
        "30 sekali), remaja putri dan wanita usia subur (satu seminggu); 0: not given")
    deworming: bool | None = Field(
        default=None, description="Obat cacing (albendazol/pirantel pamoat) diberikan hari "
        "ini: anak dari 12 bulan; false: asked, and not given")
    supplementary_food: bool | None = Field(
        default=None, description="PMT (pemberian makanan tambahan) diberikan hari ini – PMT "
        "lokal atau pemulihan: ibu hamil KEK, balita BB kurang atau gizi kurang; false: "
        "asked, and not given")
    immunizations: list[DoseIn] = Field(
        default_factory=list, max_length=10,
        description="Doses given at this visit: the schedule's codes, or as the Buku KIA "
        "writes them (Polio 1, DPT-HB-Hib lanjutan, Campak Rubella 1); a school child's "
        "BIAS doses (MR, DT, Td, HPV 1–2), a woman's Td (TT as registers still write it)")
    tetanus_status: TetanusStatusIn | None = Field(
        default=None, ge=0, le=MAX_TETANUS_STATUS, description="Status imunisasi tetanus "
        "(T0–T5, also written T3, TT3 or 3) as screened at this visit, with a Td given "
        "today: a pregnant woman's (ANC) or a WUS's (15–49); from T2 her newborn is "
        "protected")

    @model_validator(mode="before")
    @classmethod
    def _capsule_given(cls, data: Any) -> Any:
        """A capsule's colour says it was given."""
        if isinstance(data, dict) and data.get("vitamin_a_capsule") and \
                data.get("vitamin_a") is None:
            return {**data, "vitamin_a": True}
        return data


class ScreeningSubmission(_Strict):
    """One screening as recorded at a posyandu, pustu or on a home visit."""

    person: PersonIn
    posyandu_id: str = Field(min_length=1, max_length=64,
                             description="The posyandu or pustu where it was made")
    screened_on: date
    pregnancy: PregnancyIn | None = None
    measurements: MeasurementsIn = Field(
        default_factory=MeasurementsIn, description="At least one, but at an ANC contact: "
        "its pregnancy data are the contact (one made elsewhere, copied from her Buku KIA, "
        "counts towards K6 too)")


class Finding(_Strict):
    code: str = Field(description="e.g. stunted, kek, hypertension_grade_2")
    severity: Severity
    follow_up: str = Field(default="", description="Hint for the follow-up action")
    value: float | None = Field(default=None, description="The z-score or measure behind it")


class ScreeningSnapshot(Event):
    """The full current state of a screening (no NIK, no name)."""

    ABOUT: ClassVar[str | None] = "screening_id"

    screening_id: str
    version: int = Field(default=1, ge=1)
    person_id: str = Field(description="Keyed HMAC of the NIK; never the NIK itself")
    stage: Stage
    sex: Sex
    age_months: int = Field(ge=0)
    screened_on: date
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM of screened_on")
    desa_code: str
    rw: str | None = Field(default=None, description="The person's RW as recorded, else the "
                                                     "posyandu's (who covers it visits)")
    rt: str | None = Field(default=None, description="The person's RT as recorded: with the "
                           "RW, which kader's dasawisma it is")
    posyandu_id: str
    measurements: dict[str, float] = Field(default_factory=dict)
    checks: dict[str, bool] | None = Field(
        default=None, description="The yes/no checks made and what they found (tb_symptoms, "
        "smoking, oedema, skilas_positive, …): a check left out was not made. None in "
        "events from before checks were carried (not known, not 'none made')")
    immunizations: list[str] = Field(default_factory=list)
    kpsp: KpspResult | None = Field(
        default=None, description="The KPSP's result where a balita's development was "
        "checked (a development check made, whatever it found: the SPM counts two a year)")
    anc_visit: int | None = None
    findings: list[Finding] = Field(default_factory=list)


class ScreeningRecorded(ScreeningSnapshot):
    SUBJECT: ClassVar[str] = "ilp.screening.recorded.v1"


class ScreeningAmended(ScreeningSnapshot):
    """A correction: the snapshot replaces the previous version of the same screening."""

    SUBJECT: ClassVar[str] = "ilp.screening.amended.v1"

    reason: str
    previous_period: str
    previous_desa_code: str


class ScreeningVoided(Event):
    SUBJECT: ClassVar[str] = "ilp.screening.voided.v1"
    ABOUT: ClassVar[str | None] = "screening_id"

    screening_id: str
    person_id: str
    period: str
    desa_code: str
    reason: str
    version: int | None = Field(default=None, ge=1, description=(
        "Set when the screening is only withdrawn from this person – moved to the person it "
        "was of (PersonsMerged, or parted again) – and lives on under her as this version: "
        "a later version of it, under this person again, counts. None: voided for good."))


class HouseholdMember(_Strict):
    person: PersonIn
    pregnant: bool = Field(default=False, description="Known to be pregnant (hamil)")


class HouseholdRegister(_Strict):
    """The people of a posyandu's area as the kader's household data collection (pendataan
    keluarga) found them, before any screening: whom the posyandu should see."""

    posyandu_id: str = Field(min_length=1, max_length=64)
    noted_on: date = Field(description="The day of the data collection")
    members: list[HouseholdMember] = Field(min_length=1, max_length=500)


class PersonRegistered(Event):
    """A person known to the posyandu (household data collection) – new, or with changed
    details. No name, NIK or birth date: the age in months on `noted_on`."""

    SUBJECT: ClassVar[str] = "ilp.screening.person.registered.v1"
    ABOUT: ClassVar[str | None] = "person_id"

    person_id: str
    sex: Sex
    age_months: int = Field(ge=0)
    noted_on: date
    desa_code: str
    posyandu_id: str
    rw: str | None = None
    rt: str | None = None
    pregnant: bool = False


class PersonsMerged(Event):
    """Two records found to be one person (a child weighed by her mother's NIK and by her
    own; a NIK mistyped once): `merged_id`'s screenings are now `person_id`'s (each voided
    under the one and amended under the other), and whatever follows `merged_id` – a
    visit due, a defaulter watch – ends with it."""

    SUBJECT: ClassVar[str] = "ilp.screening.person.merged.v1"
    ABOUT: ClassVar[str | None] = "person_id"

    person_id: str = Field(description="The person kept")
    merged_id: str = Field(description="The record merged into it, no longer used")
    reason: str


class IngestScreening(Event):
    """Published by integrating systems on `ilp.ingest.screening.v1`. It carries the NIK
    (the screening service pseudonymises it), so the INGEST stream keeps it briefly."""

    SUBJECT: ClassVar[str] = "ilp.ingest.screening.v1"
    SOURCE: ClassVar[str] = "integrator"

    idempotency_key: str = Field(min_length=8, max_length=128)
    source_system: str = Field(min_length=1, max_length=64, description="e.g. simpus-xyz")
    screening: ScreeningSubmission


# The postnatal visits as the Kohort Ibu (KF, the mother's) and the Kohort Bayi (KN, the
# baby's) name them, in window order, and each one's window in days after the birth
# (DOMAIN.md, Kemenkes: KF1 6 h–2 d, KF2 3–7 d, KF3 8–28 d, KF4 29–42 d; KN1 6–48 h, KN2
# 3–7 d, KN3 8–28 d).
PostnatalCode = Literal["KF1", "KF2", "KF3", "KF4", "KN1", "KN2", "KN3"]
POSTNATAL_WINDOWS: dict[str, tuple[int, int]] = {
    "KF1": (0, 2), "KN1": (0, 2), "KF2": (3, 7), "KN2": (3, 7), "KF3": (8, 28),
    "KN3": (8, 28), "KF4": (29, 42)}
POSTPARTUM_DAYS = max(closes for _opens, closes in POSTNATAL_WINDOWS.values())  # nifas


class BirthSubmission(_Strict):
    """A birth (persalinan) as the bidan records it: the mother and the newborn, so the
    postpartum (KF1–KF4) and neonatal (KN1–KN3) home visits fall due on their days."""

    mother: PersonIn
    baby: PersonIn = Field(description="The newborn: her nik, else she is known by her "
                                       "mother's (local_id, e.g. \"anak-2\", for twins); "
                                       "birth_date is the day of birth")
    posyandu_id: str = Field(min_length=1, max_length=64,
                             description="The posyandu whose area the family lives in")
    birth_weight_g: int | None = Field(default=None, ge=300, le=7000, description="Berat lahir")
    place: Literal["fasyankes", "rumah", "lainnya"] | None = Field(
        default=None, description="Tempat persalinan: health facility, home, elsewhere")
    mother_vitamin_a: bool | None = Field(
        default=None, description="Kapsul vitamin A ibu nifas: her two red capsules "
        "(200.000 IU) after delivery, the second a day after the first; false: not given")
    postnatal_visits: dict[PostnatalCode, date] = Field(
        default_factory=dict, description="Postnatal visits already made, the day of each, "
        "as the Kohort Ibu's KF and the Kohort Bayi's KN columns record them: not opened "
        "as visits to make, counted as made")

    @model_validator(mode="before")
    @classmethod
    def _babys_mother(cls, data: Any) -> Any:
        """A newborn without a NIK yet is known by her mother's: the mother's given above,
        not typed again for the baby."""
        if isinstance(data, dict) and isinstance(baby := data.get("baby"), dict) \
                and isinstance(mother := data.get("mother"), dict) \
                and not baby.get("nik") and not baby.get("mother_nik") and mother.get("nik"):
            return {**data, "baby": {**baby, "mother_nik": mother["nik"]}}
        return data

    @property
    def born_on(self) -> date:
        return self.baby.birth_date


class BirthSnapshot(Event):
    """A birth as it now stands: both pseudonymous ids, where the family lives, the day
    (no names)."""

    ABOUT: ClassVar[str | None] = "birth_id"

    birth_id: str
    version: int = Field(default=1, ge=1)
    mother_id: str = Field(description="Keyed HMAC of the mother's NIK")
    baby_id: str = Field(description="Keyed HMAC of the baby's NIK or mother's NIK + local id")
    baby_sex: Sex
    born_on: date
    birth_weight_g: int | None = None
    place: Literal["fasyankes", "rumah", "lainnya"] | None = None
    mother_vitamin_a: bool | None = Field(default=None, description="The mother's vitamin A "
                                          "capsules after delivery given (None: not said)")
    postnatal_visits: dict[PostnatalCode, date] = Field(
        default_factory=dict, description="Postnatal visits a register shows made (KF1–KF4, "
        "KN1–KN3), the day of each")
    desa_code: str
    rw: str | None = None
    posyandu_id: str


class BirthRecorded(BirthSnapshot):
    """A birth: the postnatal visits fall due from it."""

    SUBJECT: ClassVar[str] = "ilp.screening.birth.recorded.v1"


class BirthAmended(BirthSnapshot):
    """A correction of the day, weight, place or the baby's sex: the visits still to come
    follow the corrected birth; those made stay made."""

    SUBJECT: ClassVar[str] = "ilp.screening.birth.amended.v1"

    reason: str


class BirthCorrection(_Strict):
    """What a bidan may correct in a birth she recorded (a wrong mother or baby: void it
    and record it again)."""

    reason: str = Field(min_length=3, max_length=500)
    born_on: date | None = Field(default=None, description="The baby's birth date")
    birth_weight_g: int | None = Field(default=None, ge=300, le=7000)
    place: Literal["fasyankes", "rumah", "lainnya"] | None = None
    baby_sex: SexIn | None = None
    mother_vitamin_a: bool | None = None
    postnatal_visits: dict[PostnatalCode, date] | None = Field(
        default=None, description="The postnatal visits made, all of them (replaces those "
        "said before)")


class BirthVoided(Event):
    """A birth recorded in error (the wrong mother, entered twice): its visits are off."""

    SUBJECT: ClassVar[str] = "ilp.screening.birth.voided.v1"
    ABOUT: ClassVar[str | None] = "birth_id"

    birth_id: str
    mother_id: str
    baby_id: str
    desa_code: str
    reason: str


class IngestBirth(Event):
    """Published by integrating systems (a SIMPUS, a PMB app) on `ilp.ingest.birth.v1`:
    a birth for the same intake as `POST /screening/births`."""

    SUBJECT: ClassVar[str] = "ilp.ingest.birth.v1"
    SOURCE: ClassVar[str] = "integrator"

    idempotency_key: str = Field(min_length=8, max_length=128)
    source_system: str = Field(min_length=1, max_length=64, description="e.g. simpus-xyz")
    birth: BirthSubmission


# Treatment outcomes (WHO's definitions, as SITB records them), and a move away.
TbOutcome = Literal["cured", "completed", "failed", "lost_to_follow_up", "died", "moved"]


class TbTreatmentSubmission(_Strict):
    """A TB patient starting treatment, as the puskesmas's TB programme records it: the
    kader accompanies her through it (medication adherence) and a health worker
    investigates her household contacts (DOMAIN.md, home visits)."""

    person: PersonIn
    posyandu_id: str = Field(min_length=1, max_length=64,
                             description="The posyandu whose area the patient lives in")
    started_on: date = Field(description="The first day of treatment")
    regimen_months: int = Field(default=6, ge=2, le=24, description="Planned length of the "
                                "regimen: 6 for drug-sensitive TB, longer for TB RO")
    household_contacts: int | None = Field(default=None, ge=0, le=100,
                                           description="People living in the same house")


class TbTreatmentEnd(_Strict):
    ended_on: date
    outcome: TbOutcome


class TbTreatmentStarted(Event):
    """A TB treatment begun: no name, NIK or birth date."""

    SUBJECT: ClassVar[str] = "ilp.screening.tb_treatment.started.v1"
    ABOUT: ClassVar[str | None] = "treatment_id"

    treatment_id: str
    person_id: str
    started_on: date
    planned_end_on: date
    household_contacts: int | None = None
    desa_code: str
    posyandu_id: str
    rw: str | None = None
    rt: str | None = None


class TbTreatmentEnded(Event):
    """A TB treatment over (or the patient gone): the kader's accompaniment ends."""

    SUBJECT: ClassVar[str] = "ilp.screening.tb_treatment.ended.v1"
    ABOUT: ClassVar[str | None] = "treatment_id"

    treatment_id: str
    person_id: str
    desa_code: str
    ended_on: date
    outcome: TbOutcome


class TbTreatmentVoided(Event):
    """A TB treatment recorded in error (the wrong patient, entered twice): its visits are
    off."""

    SUBJECT: ClassVar[str] = "ilp.screening.tb_treatment.voided.v1"
    ABOUT: ClassVar[str | None] = "treatment_id"

    treatment_id: str
    person_id: str
    desa_code: str
    reason: str


class IngestTbTreatment(Event):
    """Published by integrating systems (the TB information system, a SIMPUS) on
    `ilp.ingest.tb_treatment.v1`: a treatment's start for the same intake as
    `POST /screening/tb-treatments`."""

    SUBJECT: ClassVar[str] = "ilp.ingest.tb_treatment.v1"
    SOURCE: ClassVar[str] = "integrator"

    idempotency_key: str = Field(min_length=8, max_length=128)
    source_system: str = Field(min_length=1, max_length=64, description="e.g. sitb")
    treatment: TbTreatmentSubmission


class IngestTbTreatmentEnd(Event):
    """Published by integrating systems on `ilp.ingest.tb_treatment.ended.v1`: how a
    treatment they started (`ilp.ingest.tb_treatment.v1`, named by the same source system
    and idempotency key) ended – as `POST /screening/tb-treatments/{id}/end`: the kader's
    monthly visits stop."""

    SUBJECT: ClassVar[str] = "ilp.ingest.tb_treatment.ended.v1"
    SOURCE: ClassVar[str] = "integrator"

    idempotency_key: str = Field(min_length=8, max_length=128,
                                 description="The key the treatment's start was sent with")
    source_system: str = Field(min_length=1, max_length=64, description="e.g. sitb")
    end: TbTreatmentEnd
