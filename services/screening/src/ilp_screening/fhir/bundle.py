"""A recorded screening as a FHIR R4 transaction Bundle for SATUSEHAT (pure, no I/O).

Validated with `fhir.resources` (its R4B package: R4 with errata, wire-compatible for the
resources used here) as it is made, in full once per entry shape (see `validation`).
Conventions follow SATUSEHAT: NIK identifier system, the administrative-code address
extension (codes without dots), `sys-ids.kemkes.go.id` identifiers per organisation. Every
entry is a conditional PUT on its identifier, so re-sending after an amendment updates
instead of duplicating; a voided screening is sent again with status `entered-in-error`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ilp_contracts.wilayah import local_unit_number

from ilp_contracts.findings import finding_label
from .validation import BundleValidator

NIK = "https://fhir.kemkes.go.id/id/nik"
NIK_MOTHER = "https://fhir.kemkes.go.id/id/nik-ibu"  # a newborn without NIK yet
# Someone without a NIK: her number in the register of the posyandu (…/<posyandu id>)
POSYANDU_REGISTER = "https://ilp-platform.id/fhir/sid/posyandu-register"
ADMINISTRATIVE_CODE = "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ILP_FINDING = "https://ilp-platform.id/fhir/CodeSystem/screening-finding"
ILP_VACCINE = "https://ilp-platform.id/fhir/CodeSystem/imunisasi-rutin"

# measurement key → (LOINC, display, UCUM unit, category)
MEASURES: dict[str, tuple[str, str, str, str]] = {
    "weight_kg": ("29463-7", "Body weight", "kg", "vital-signs"),
    "height_cm": ("8302-2", "Body height", "cm", "vital-signs"),
    "head_circumference_cm": ("9843-4", "Head Occipital-frontal circumference", "cm",
                              "vital-signs"),
    "muac_cm": ("56072-2", "Mid upper arm circumference", "cm", "exam"),
    "waist_cm": ("8280-0", "Waist Circumference at umbilicus by Tape measure", "cm", "exam"),
    "bmi": ("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", "vital-signs"),
    "glucose_random": ("2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", "laboratory"),
    "glucose_fasting": ("1558-6", "Fasting glucose [Mass/volume] in Serum or Plasma", "mg/dL",
                        "laboratory"),
    "hb": ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "laboratory"),
    "cholesterol_total": ("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL",
                          "laboratory"),
}
LYING_LENGTH = ("8306-3", "Body height --lying")
# A urine dipstick's protein is an ordinal: valueString as a lab slip writes it.
PROTEIN_URINE = ("20454-5", "Protein [Presence] in Urine by Test strip")
GESTATIONAL_AGE = ("18185-9", "Gestational age")  # valueQuantity in weeks (UCUM wk)
# Her HPHT, where the bidan gave it: valueDateTime, the day.
LAST_PERIOD = ("8665-2", "Last menstrual period start date")
# The ANC visit number (K1, K2, …) has no LOINC code: an ILP code, valueInteger.
ILP_OBSERVATION = "https://ilp-platform.id/fhir/CodeSystem/screening-observation"
ANC_VISIT = "anc-visit"
# The screening instruments and yes/no checks. No LOINC code says exactly these (the
# SRQ-20, the AKS/Barthel form scored 0–20, the KPSP, a TB symptom screen…), so they go
# with ILP codes rather than under a code that means something else; a check goes out
# whichever way it came out (a check left out was not made). Smoking is LOINC's tobacco
# smoking status, valued with SNOMED CT.
SCORES = {"srq20": ("srq20", "SRQ-20 score", "survey"),
          "adl": ("adl-barthel", "ADL/AKS (Barthel) 0-20", "survey"),
          "sdq_total": ("sdq-total", "SDQ total difficulties score", "survey"),
          "puma": ("puma", "PUMA score (PPOK screening) 0-9", "survey"),
          # the iron tablets given at this visit, how many (SATUSEHAT's own would be a
          # MedicationDispense of a KFA product, as for the capsule below)
          "iron_tablets": ("iron-tablets-given", "Tablet tambah darah (TTD) diberikan, "
                           "jumlah tablet", "procedure"),
          # her status T (0–5): the doses behind it are in her Buku KIA, not here
          "tetanus_status": ("tetanus-status", "Status imunisasi tetanus (T0-T5)", "survey")}
CHECKS = {"oedema": ("oedema-bilateral", "Edema bilateral (pitting)", "exam"),
          "tb_symptoms": ("tb-symptoms", "Gejala TB (skrining gejala)", "survey"),
          "skilas_positive": ("skilas-decline", "SKILAS: penurunan kapasitas intrinsik",
                              "survey"),
          "cognitive_decline": ("skilas-cognition", "SKILAS: penurunan kognitif", "survey"),
          "limited_mobility": ("skilas-mobility", "SKILAS: keterbatasan mobilisasi", "exam"),
          "malnutrition_risk": ("skilas-nutrition", "SKILAS: malnutrisi", "survey"),
          "depressive_symptoms": ("skilas-depression", "SKILAS: gejala depresi", "survey"),
          "vision_problem": ("vision-problem", "Gangguan penglihatan", "exam"),
          "hearing_problem": ("hearing-problem", "Gangguan pendengaran", "exam"),
          "dental_caries": ("dental-caries", "Gigi berlubang (karies)", "exam"),
          "iva_positive": ("iva-positive", "IVA positif (lesi prakanker leher rahim)", "exam"),
          "breast_lump": ("breast-lump", "SADANIS: benjolan/kelainan payudara", "exam"),
          "exclusive_breastfeeding": ("exclusive-breastfeeding",
                                      "ASI eksklusif (24 jam terakhir)", "survey"),
          # the bulan vitamin A's capsule, given (or not) at this visit; SATUSEHAT's own
          # would be a MedicationAdministration of a KFA product, not known here
          "vitamin_a": ("vitamin-a-capsule", "Kapsul vitamin A diberikan", "procedure"),
          "deworming": ("deworming-tablet", "Obat cacing diberikan", "procedure"),
          "supplementary_food": ("supplementary-food", "PMT (makanan tambahan) diberikan",
                                 "procedure")}
KPSP = ("kpsp", "KPSP (Kuesioner Pra Skrining Perkembangan)")
ILP_KPSP = "https://ilp-platform.id/fhir/CodeSystem/kpsp-result"
# The capsule given: its colour is its dose (blue 100,000 IU, red 200,000 IU).
CAPSULE = ("vitamin-a-capsule-colour", "Warna kapsul vitamin A yang diberikan")
ILP_CAPSULE = "https://ilp-platform.id/fhir/CodeSystem/vitamin-a-capsule"
CAPSULE_DOSE = {"biru": "Biru (100.000 IU)", "merah": "Merah (200.000 IU)"}
SNOMED = "http://snomed.info/sct"
SMOKING_STATUS = ("72166-2", "Tobacco smoking status")
SMOKER, NON_SMOKER = ("77176002", "Smoker"), ("8392000", "Non-smoker")
# A finding's severity as FHIR's Condition severity value set (SNOMED CT); "info" (a
# weight gain as expected) has none.
SEVERITY_OF = {"mild": ("255604002", "Mild"), "moderate": ("6736007", "Moderate"),
               "severe": ("24484000", "Severe")}
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
BP_PARTS = {"systolic": ("8480-6", "Systolic blood pressure"),
            "diastolic": ("8462-4", "Diastolic blood pressure")}
# Findings with an ICD-10 code that says no more than the screening showed.
ICD10_OF = {"stunted": "E45", "severely_stunted": "E45", "gizi_buruk": "E43",
            "lila_gizi_buruk": "E43", "edema_gizi_buruk": "E43",
            "kek": "O25", "anaemia_pregnancy": "O99.0", "anaemia": "D64.9",
            "hypertension_grade_1": "I10", "hypertension_grade_2": "I10",
            "hypertension_grade_3": "I10", "isolated_systolic_hypertension": "I10",
            # a known patient's, controlled or not: the diagnosis made before
            "hypertension_controlled": "I10", "diabetes_controlled": "E14.9",
            "diabetes_uncontrolled": "E14.9", "chronic_hypertension_pregnancy": "O10.9",
            "pregestational_diabetes": "O24.3",
            "hypertension_pregnancy": "O13", "preeclampsia": "O14.9",
            "hyperglycaemia_pregnancy": "R73.9",
            "diabetes_suspected": "R73.9", "prediabetes": "R73.0", "tb_suspect": "Z03.0",
            "vision_problem": "H54.7", "hearing_problem": "H91.9", "dental_caries": "K02.9",
            "breast_lump": "N63"}


_VALIDATOR = BundleValidator()


@dataclass(frozen=True)
class ExportContext:
    """What SATUSEHAT needs beyond the screening: who sends it and where it happened."""

    organization_id: str  # the sender's Organization IHS id
    location_id: str  # the posyandu/pustu as a SATUSEHAT Location
    nik: str | None  # decrypted only for building the Bundle
    mother_nik: str | None
    name: str
    birth_date: date
    desa_code: str
    rt: str | None = None  # the person's, as recorded
    rw: str | None = None
    local_id: str | None = None  # her number at the posyandu, where she has no NIK


def screening_bundle(screening: dict[str, Any], ctx: ExportContext) -> dict[str, Any]:
    """The transaction Bundle for one screening (current version, or voided), as JSON-ready
    data that fhir.resources has validated (a ValidationError here is a mapping bug)."""
    voided = screening.get("status") == "voided"
    patient_ref = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'patient:' + screening['person_id'])}"
    encounter_ref = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, screening['screening_id'])}"
    org = ctx.organization_id
    entries = [
        _entry(patient_ref, _patient(screening, ctx), "Patient", _patient_query(ctx)),
        _entry(encounter_ref, _encounter(screening, ctx, patient_ref, voided), "Encounter",
               f"identifier=http://sys-ids.kemkes.go.id/encounter/{org}|"
               f"{screening['screening_id']}"),
    ]
    for key, resource in _observations(screening, patient_ref, encounter_ref, voided, org):
        ident = f"{screening['screening_id']}-{key}"
        entries.append(_entry(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ident)}", resource,
                              "Observation", "identifier=http://sys-ids.kemkes.go.id/"
                              f"observation/{org}|{ident}"))
    for finding in screening.get("findings", []):
        if finding["severity"] == "info":
            continue  # adequate weight gain, immunisation completed: facts, not problems
        ident = f"{screening['screening_id']}-{finding['code']}"
        entries.append(_entry(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ident)}",
                              _condition(finding, ident, patient_ref, encounter_ref, voided, org),
                              "Condition", f"identifier=http://sys-ids.kemkes.go.id/condition/"
                              f"{org}|{ident}"))
    for dose in screening.get("immunizations", []):
        ident = f"{screening['screening_id']}-{dose}"
        entries.append(_entry(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ident)}",
                              _immunization(dose, ident, screening, patient_ref, encounter_ref,
                                            voided, org),
                              "Immunization", f"identifier=http://sys-ids.kemkes.go.id/"
                              f"immunization/{org}|{ident}"))
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    _VALIDATOR.validate(bundle)
    return bundle


def _entry(full_url: str, resource: dict[str, Any], kind: str, condition: str) -> dict[str, Any]:
    return {"fullUrl": full_url, "resource": resource,
            "request": {"method": "PUT", "url": f"{kind}?{condition}"}}


def local_unit_code(label: str | None, unit: Literal["rw", "rt"]) -> str | None:
    """An RT or RW as SATUSEHAT's administrative code writes it, its number ("RW 03" and
    "03" are "3"); a label without one (a dusun's name) as it is."""
    number = local_unit_number(label, unit)
    return str(number) if number is not None else (label or "").strip() or None


def _patient_query(ctx: ExportContext) -> str:
    """The conditional PUT's search: by NIK, else by the mother's (neither is known only
    where the export is not configured)."""
    system, value = (NIK_MOTHER, ctx.mother_nik) if ctx.mother_nik and not ctx.nik else (
        NIK, ctx.nik)
    return f"identifier={system}|{value or ''}"


def _patient(screening: dict[str, Any], ctx: ExportContext) -> dict[str, Any]:
    # Her NIK, her mother's, else her number at the posyandu; none is known where the
    # export is not configured (NIKs are kept sealed for it alone) and she has a NIK: the
    # Bundle shown then has no identifier rather than an empty one.
    identifier = [{"use": use, "system": system, "value": value} for use, system, value in (
        ("official", NIK, ctx.nik), ("official", NIK_MOTHER, ctx.mother_nik),
        ("usual", f"{POSYANDU_REGISTER}/{ctx.location_id}", ctx.local_id)) if value][:1]
    province, city, district, village = (ctx.desa_code.split(".") + [None] * 4)[:4]
    units: tuple[tuple[Literal["rw", "rt"], str | None], ...] = (("rt", ctx.rt), ("rw", ctx.rw))
    parts: dict[str, str | None] = {"province": province, "city": f"{province}{city}",
             "district": f"{province}{city}{district}",
             "village": f"{province}{city}{district}{village}",
             **{unit: code for unit, label in units if (code := local_unit_code(label, unit))}}
    patient = {"resourceType": "Patient", **({"identifier": identifier} if identifier else {}),
               "active": True,
               "gender": "male" if screening["sex"] == "M" else "female",
               "birthDate": ctx.birth_date.isoformat(),
               "address": [{"use": "home", "country": "ID", "extension": [{
                   "url": ADMINISTRATIVE_CODE,
                   "extension": [{"url": k, "valueCode": v} for k, v in parts.items()]}]}]}
    name = " ".join(ctx.name.split())  # a FHIR string is never blank (NBSP, tabs, …)
    if name:
        patient["name"] = [{"use": "official", "text": name}]
    return patient


def _encounter(screening: dict[str, Any], ctx: ExportContext, patient: str, voided: bool
               ) -> dict[str, Any]:
    day = screening["screened_on"]
    return {"resourceType": "Encounter",
            "identifier": [{"system": "http://sys-ids.kemkes.go.id/encounter/"
                                      f"{ctx.organization_id}",
                            "value": screening["screening_id"]}],
            "status": "entered-in-error" if voided else "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                      "code": "AMB", "display": "ambulatory"},
            "subject": {"reference": patient},
            "period": {"start": day, "end": day},
            "location": [{"location": {"reference": f"Location/{ctx.location_id}"}}],
            "serviceProvider": {"reference": f"Organization/{ctx.organization_id}"}}


def _base_observation(key: str, code: tuple[str, str], category: str, screening: dict[str, Any],
                      patient: str, encounter: str, voided: bool, org: str,
                      system: str = LOINC) -> dict[str, Any]:
    return {"resourceType": "Observation",
            "identifier": [{"system": f"http://sys-ids.kemkes.go.id/observation/{org}",
                            "value": f"{screening['screening_id']}-{key}"}],
            "status": "entered-in-error" if voided else "final",
            "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": category}]}],
            "code": {"coding": [{"system": system, "code": code[0], "display": code[1]}]},
            "subject": {"reference": patient}, "encounter": {"reference": encounter},
            "effectiveDateTime": screening["screened_on"]}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": round(value, 2), "unit": unit, "system": UCUM, "code": unit}


def _observations(screening: dict[str, Any], patient: str, encounter: str, voided: bool, org: str
                  ) -> list[tuple[str, dict[str, Any]]]:
    measured = screening.get("measurements", {})
    lying = (screening.get("submission") or {}).get("measurements", {}).get("measured_lying")
    out = []
    for key, (loinc, display, unit, category) in MEASURES.items():
        if key not in measured:
            continue
        code = LYING_LENGTH if key == "height_cm" and lying else (loinc, display)
        resource = _base_observation(key, code, category, screening, patient, encounter,
                                     voided, org)
        resource["valueQuantity"] = _quantity(measured[key], unit)
        out.append((key, resource))
    if "protein_urine" in measured:
        resource = _base_observation("protein-urine", PROTEIN_URINE, "laboratory", screening,
                                     patient, encounter, voided, org)
        grade = round(measured["protein_urine"])
        resource["valueString"] = f"{grade}+" if grade else "negative"
        out.append(("protein-urine", resource))
    if "systolic" in measured or "diastolic" in measured:
        resource = _base_observation("bp", BP_PANEL, "vital-signs", screening, patient,
                                     encounter, voided, org)
        resource["component"] = [
            {"code": {"coding": [{"system": LOINC, "code": c, "display": d}]},
             "valueQuantity": _quantity(measured[part], "mm[Hg]")}
            for part, (c, d) in BP_PARTS.items() if part in measured]
        out.append(("bp", resource))
    pregnancy = (screening.get("submission") or {}).get("pregnancy")
    if pregnancy:
        resource = _base_observation("gestational-age", GESTATIONAL_AGE, "exam", screening,
                                     patient, encounter, voided, org)
        # her weeks on the day, also when they were given by her last period (HPHT)
        weeks = screening["measurements"].get("gestational_weeks",
                                              pregnancy.get("gestational_weeks"))
        resource["valueQuantity"] = _quantity(weeks, "wk")
        out.append(("gestational-age", resource))
        if pregnancy.get("last_period"):
            resource = _base_observation("last-period", LAST_PERIOD, "exam", screening,
                                         patient, encounter, voided, org)
            resource["valueDateTime"] = pregnancy["last_period"]
            out.append(("last-period", resource))
        if pregnancy.get("anc_visit") is not None:  # where her K number was given
            resource = _base_observation(ANC_VISIT, (ANC_VISIT, "Kunjungan ANC ke-"), "exam",
                                         screening, patient, encounter, voided, org,
                                         system=ILP_OBSERVATION)
            resource["valueInteger"] = pregnancy["anc_visit"]
            out.append((ANC_VISIT, resource))
    return out + _instruments(screening, patient, encounter, voided, org)


def _instruments(screening: dict[str, Any], patient: str, encounter: str, voided: bool,
                 org: str) -> list[tuple[str, dict[str, Any]]]:
    """The scores, the KPSP, the vitamin A capsule's colour, smoking and the yes/no
    checks."""
    measured, checks = screening.get("measurements", {}), screening.get("checks") or {}
    out = []

    def observation(key: str, code: tuple[str, str], category: str, value: dict[str, Any],
                    system: str = ILP_OBSERVATION) -> None:
        resource = _base_observation(key, code, category, screening, patient, encounter,
                                     voided, org, system=system)
        out.append((key, resource | value))

    for key, (code, display, category) in SCORES.items():
        if key in measured:
            observation(code, (code, display), category, {"valueInteger": round(measured[key])})
    given = (screening.get("submission") or {}).get("measurements", {})
    if kpsp := given.get("kpsp"):
        observation(KPSP[0], KPSP, "survey", {"valueCodeableConcept": {
            "coding": [{"system": ILP_KPSP, "code": kpsp}], "text": kpsp}})
    if capsule := given.get("vitamin_a_capsule"):
        observation(CAPSULE[0], CAPSULE, "procedure", {"valueCodeableConcept": {
            "coding": [{"system": ILP_CAPSULE, "code": capsule,
                        "display": CAPSULE_DOSE[capsule]}], "text": CAPSULE_DOSE[capsule]}})
    if "smoking" in checks:
        status = SMOKER if checks["smoking"] else NON_SMOKER
        observation("smoking", SMOKING_STATUS, "social-history", {"valueCodeableConcept": {
            "coding": [{"system": SNOMED, "code": status[0], "display": status[1]}]}},
                    system=LOINC)
    for key, (code, display, category) in CHECKS.items():
        if key in checks:
            observation(code, (code, display), category, {"valueBoolean": checks[key]})
    return out


def _severity(severity: str) -> dict[str, Any]:
    coded = SEVERITY_OF.get(severity)
    return {"text": severity, **({"coding": [{"system": SNOMED, "code": coded[0],
                                              "display": coded[1]}]} if coded else {})}


def _condition(finding: dict[str, Any], ident: str, patient: str, encounter: str, voided: bool,
               org: str) -> dict[str, Any]:
    name = finding_label(finding["code"])
    coding = [{"system": ILP_FINDING, "code": finding["code"], "display": name}]
    if finding["code"] in ICD10_OF:
        coding.append({"system": ICD10, "code": ICD10_OF[finding["code"]]})
    condition = {
            "resourceType": "Condition",
            "identifier": [{"system": f"http://sys-ids.kemkes.go.id/condition/{org}",
                            "value": ident}],
            "verificationStatus": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "code": "entered-in-error" if voided else "provisional"}]},
            "category": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                "code": "encounter-diagnosis"}]}],
            "severity": _severity(finding["severity"]),
            "code": {"coding": coding, "text": name},
            "subject": {"reference": patient}, "encounter": {"reference": encounter}}
    if finding.get("follow_up"):  # what to do is a note on the finding, not its name
        condition["note"] = [{"text": finding["follow_up"]}]
    if not voided:  # FHIR con-5: no clinical status on an entry made in error
        condition["clinicalStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "code": "active"}]}
    return condition


def _immunization(dose: str, ident: str, screening: dict[str, Any], patient: str, encounter: str,
                  voided: bool, org: str) -> dict[str, Any]:
    return {"resourceType": "Immunization",
            "identifier": [{"system": f"http://sys-ids.kemkes.go.id/immunization/{org}",
                            "value": ident}],
            "status": "entered-in-error" if voided else "completed",
            "vaccineCode": {"coding": [{"system": ILP_VACCINE, "code": dose}], "text": dose},
            "patient": {"reference": patient}, "encounter": {"reference": encounter},
            "occurrenceDateTime": screening["screened_on"], "primarySource": True}
