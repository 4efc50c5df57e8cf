"""FHIR R4 mapping: every Bundle validates (fhir.resources builds it), measurements carry
LOINC codes and UCUM units, SATUSEHAT's identifiers and address extension are there, a
void marks everything entered-in-error, and an exported Bundle read back in gives the
same submission."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st
from ilp_kit.errors import InvalidInput
from ilp_screening.fhir.bundle import (
    ADMINISTRATIVE_CODE,
    ICD10,
    LOINC,
    NIK,
    NIK_MOTHER,
    UCUM,
    ExportContext,
    screening_bundle,
)
from ilp_screening.fhir.inbound import submission_from_bundle

CTX = ExportContext("100011961", "psy-mawar-03", "3373041011240001", None, "Bima",
                    date(2024, 11, 10), "33.73.04.1001")


def screening(**measurements: float) -> dict:
    return {"screening_id": "scr-1", "person_id": "p-1", "sex": "M", "status": "active",
            "screened_on": "2026-11-20", "posyandu_id": "psy-mawar-03",
            "desa_code": "33.73.04.1001",
            "measurements": measurements or {"weight_kg": 9.1, "height_cm": 79.0,
                                             "bmi": 14.58},
            "submission": {"measurements": {"measured_lying": False}},
            "findings": [{"code": "stunted", "severity": "moderate", "follow_up": "rujuk"},
                         {"code": "underweight", "severity": "moderate", "follow_up": ""},
                         {"code": "weight_gain_adequate", "severity": "info",
                          "follow_up": ""},
                         {"code": "dental_caries", "severity": "mild",
                          "follow_up": "rujuk ke poli gigi puskesmas"}],
            "immunizations": ["MR1"]}


def as_json(bundle: dict) -> dict:
    return json.loads(json.dumps(bundle))  # what goes over the wire


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_a_balita_screening_becomes_a_valid_transaction_bundle() -> None:
    bundle = as_json(screening_bundle(screening(), CTX))
    Bundle.model_validate(bundle)  # and it reads back as valid FHIR
    assert bundle["type"] == "transaction"
    assert all(e["request"]["method"] == "PUT" and "identifier=" in e["request"]["url"]
               for e in bundle["entry"])
    [patient] = resources(bundle, "Patient")
    assert patient["identifier"][0] == {"use": "official", "system": NIK,
                                        "value": "3373041011240001"}
    [address] = patient["address"]
    codes = {e["url"]: e["valueCode"] for e in address["extension"][0]["extension"]}
    assert address["extension"][0]["url"] == ADMINISTRATIVE_CODE
    assert codes == {"province": "33", "city": "3373", "district": "337304",
                     "village": "3373041001"}
    [encounter] = resources(bundle, "Encounter")
    assert encounter["class"]["code"] == "AMB" and encounter["status"] == "finished"
    assert encounter["location"][0]["location"]["reference"] == "Location/psy-mawar-03"
    assert encounter["serviceProvider"]["reference"] == "Organization/100011961"
    observed = {o["code"]["coding"][0]["code"]: o["valueQuantity"]
                for o in resources(bundle, "Observation")}
    assert observed["29463-7"] == {"value": 9.1, "unit": "kg", "system": UCUM, "code": "kg"}
    assert observed["8302-2"]["code"] == "cm" and observed["39156-5"]["code"] == "kg/m2"
    conditions = {c["code"]["coding"][0]["code"]: c for c in resources(bundle, "Condition")}
    assert {"system": ICD10, "code": "E45"} in conditions["stunted"]["code"]["coding"]
    assert conditions["stunted"]["severity"]["coding"] == [  # FHIR's value set, SNOMED CT
        {"system": "http://snomed.info/sct", "code": "6736007", "display": "Moderate"}]
    assert len(conditions["underweight"]["code"]["coding"]) == 1  # no ICD-10 guessed
    # named in words; what to do is a note, not the condition's name
    assert conditions["stunted"]["code"]["text"] == "Pendek / stunting (TB/U)"
    assert conditions["stunted"]["note"] == [{"text": "rujuk"}]  # the test screening's
    assert {"system": ICD10, "code": "K02.9"} in conditions["dental_caries"]["code"]["coding"]
    assert "weight_gain_adequate" not in conditions  # a fact, not a problem
    [dose] = resources(bundle, "Immunization")
    assert dose["vaccineCode"]["coding"][0]["code"] == "MR1"


def test_every_measurement_has_its_loinc_code_and_ucum_unit() -> None:
    bundle = as_json(screening_bundle(screening(
        weight_kg=60.0, height_cm=155.0, muac_cm=22.0, head_circumference_cm=50.0,
        waist_cm=85.0, bmi=25.0, glucose_random=210.0, glucose_fasting=120.0, hb=10.2,
        cholesterol_total=245.0, systolic=150.0, diastolic=95.0), CTX))
    codes = {o["code"]["coding"][0]["code"]: o for o in resources(bundle, "Observation")}
    expected = {"29463-7": "kg", "8302-2": "cm", "56072-2": "cm", "9843-4": "cm",
                "8280-0": "cm", "39156-5": "kg/m2", "2339-0": "mg/dL", "1558-6": "mg/dL",
                "718-7": "g/dL", "2093-3": "mg/dL"}
    for code, unit in expected.items():
        assert codes[code]["valueQuantity"]["code"] == unit, code
        assert codes[code]["code"]["coding"][0]["system"] == LOINC
    panel = codes["85354-9"]["component"]
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"],
             c["valueQuantity"]["code"]) for c in panel] == [
        ("8480-6", 150.0, "mm[Hg]"), ("8462-4", 95.0, "mm[Hg]")]


def test_lying_length_newborn_and_void() -> None:
    lying = screening(weight_kg=3.1, height_cm=49.0)
    lying["submission"] = {"measurements": {"measured_lying": True}}
    baby = ExportContext("100011961", "psy-1", None, "3373044506950002", "Bayi Ny. Sri",
                         date(2026, 11, 1), "33.73.04.1001")
    bundle = as_json(screening_bundle(lying, baby))
    assert "8306-3" in {o["code"]["coding"][0]["code"] for o in resources(bundle, "Observation")}
    assert resources(bundle, "Patient")[0]["identifier"][0]["system"] == NIK_MOTHER
    voided = as_json(screening_bundle({**screening(), "status": "voided"}, CTX))
    statuses = {r["resourceType"]: r.get("status") or r["verificationStatus"]["coding"][0]["code"]
                for r in (e["resource"] for e in voided["entry"][1:])}
    assert set(statuses.values()) == {"entered-in-error"}
    assert all("clinicalStatus" not in c for c in resources(voided, "Condition"))


@pytest.mark.parametrize(("rt", "rw", "codes"), [
    ("003", "RW 05", {"rt": "3", "rw": "5"}), ("RT.12", None, {"rt": "12"}),
    (None, "Dusun Krajan", {"rw": "Dusun Krajan"}), (None, None, {})])
def test_the_persons_rt_and_rw_go_out_and_come_back_in_the_address(rt, rw, codes) -> None:
    """SATUSEHAT's administrative code has six levels: down to the RT and RW, by which
    the kader whose dasawisma it is gets the home visits."""
    ctx = dataclasses.replace(CTX, rt=rt, rw=rw)
    exported = as_json(screening_bundle(screening(), ctx)) | {"identifier": {"value": "b-3"}}
    [patient] = resources(exported, "Patient")
    parts = {e["url"]: e["valueCode"] for e in patient["address"][0]["extension"][0]["extension"]}
    assert {k: v for k, v in parts.items() if k in ("rt", "rw")} == codes
    Bundle.model_validate(exported)
    person = submission_from_bundle(exported)[0].person
    assert (person.rt, person.rw) == (codes.get("rt"), codes.get("rw"))


@settings(max_examples=40, deadline=None)
@given(weight=st.floats(2.0, 120.0).map(lambda v: round(v, 1)),
       height=st.floats(45.0, 190.0).map(lambda v: round(v, 1)),
       systolic=st.integers(80, 220), diastolic=st.integers(40, 130), lying=st.booleans())
def test_an_exported_bundle_reads_back_as_the_same_submission(weight, height, systolic,
                                                              diastolic, lying) -> None:
    source = screening(weight_kg=weight, height_cm=height, systolic=float(systolic),
                       diastolic=float(diastolic))
    source["submission"] = {"measurements": {"measured_lying": lying}}
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-1"}}
    submission, key = submission_from_bundle(exported)
    assert key == "b-1"
    assert submission.person.nik == CTX.nik and submission.person.sex == "M"
    assert submission.posyandu_id == "psy-mawar-03"
    assert str(submission.screened_on) == "2026-11-20"
    m = submission.measurements
    assert (m.weight_kg, m.height_cm, m.systolic, m.diastolic, m.measured_lying) == (
        weight, height, systolic, diastolic, lying)
    assert list(m.immunizations) == ["MR1"]


@settings(max_examples=20, deadline=None)
@given(weeks=st.integers(1, 44), visit=st.integers(1, 12))
def test_a_pregnancy_goes_out_and_comes_back_with_its_gestational_age_and_anc_visit(
        weeks, visit) -> None:
    source = screening(weight_kg=58.0, muac_cm=22.5, hb=10.5)
    source |= {"sex": "F", "stage": "ibu_hamil", "anc_visit": visit, "findings": [],
               "immunizations": [],
               "submission": {"pregnancy": {"gestational_weeks": weeks, "anc_visit": visit},
                              "measurements": {}}}
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-2"}}
    [age] = [o for o in resources(exported, "Observation")
             if o["code"]["coding"][0]["code"] == "18185-9"]
    assert age["valueQuantity"] == {"value": weeks, "unit": "wk", "system": UCUM,
                                    "code": "wk"}
    submission, _ = submission_from_bundle(exported)
    assert (submission.pregnancy.gestational_weeks, submission.pregnancy.anc_visit) == (
        weeks, visit)
    assert (submission.measurements.muac_cm, submission.measurements.hb) == (22.5, 10.5)


def test_a_pregnancy_by_her_hpht_goes_out_with_it_and_comes_back() -> None:
    """Her HPHT as LOINC's last menstrual period start date beside her weeks on the day;
    read back, both – which agree."""
    from datetime import date

    source = screening(muac_cm=24.0)
    source["measurements"]["gestational_weeks"] = 24.0  # as classification summarises it
    source |= {"sex": "F", "stage": "ibu_hamil", "anc_visit": 2, "findings": [],
               "immunizations": [],
               "submission": {"pregnancy": {"last_period": "2026-06-05", "anc_visit": 2},
                              "measurements": {}}}
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-3"}}
    by_code = {o["code"]["coding"][0]["code"]: o for o in resources(exported, "Observation")}
    assert by_code["18185-9"]["valueQuantity"]["value"] == 24
    assert by_code["8665-2"]["valueDateTime"] == "2026-06-05"
    submission, _ = submission_from_bundle(exported)
    assert submission.pregnancy is not None
    assert (submission.pregnancy.last_period, submission.pregnancy.gestational_weeks) == (
        date(2026, 6, 5), 24)


CHECK_KEYS = ("oedema", "tb_symptoms", "skilas_positive", "vision_problem",
              "hearing_problem", "dental_caries", "smoking", "cognitive_decline",
              "limited_mobility", "malnutrition_risk", "depressive_symptoms", "vitamin_a",
              "iva_positive", "breast_lump", "exclusive_breastfeeding", "deworming",
              "supplementary_food")


@settings(max_examples=40, deadline=None)
@given(srq20=st.none() | st.integers(0, 20), adl=st.none() | st.integers(0, 20),
       sdq=st.none() | st.integers(0, 40), puma=st.none() | st.integers(0, 9),
       tablets=st.none() | st.integers(0, 100), tetanus=st.none() | st.integers(0, 5),
       kpsp=st.sampled_from([None, "sesuai", "meragukan", "penyimpangan"]),
       capsule=st.sampled_from([None, "biru", "merah"]),
       checks=st.dictionaries(st.sampled_from(CHECK_KEYS), st.booleans()))
def test_scores_kpsp_and_checks_go_out_and_come_back(srq20, adl, sdq, puma, tablets, tetanus,
                                                     kpsp, capsule, checks) -> None:
    """An adult's SRQ-20 and PUMA, a lansia's ADL, a remaja's SDQ, a balita's KPSP and
    her vitamin A capsule's colour, the iron tablets given, a woman's tetanus status and
    every yes/no check – negative ones too: a TB symptom screen that found nothing was
    still made."""
    if capsule:  # a capsule given is a capsule given: the check says so
        checks = {**checks, "vitamin_a": True}
    scores = {k: float(v) for k, v in (("srq20", srq20), ("adl", adl), ("sdq_total", sdq),
                                        ("puma", puma), ("iron_tablets", tablets),
                                        ("tetanus_status", tetanus))
              if v is not None}
    source = screening(weight_kg=60.0, **scores)
    source |= {"checks": checks, "findings": [], "immunizations": [],
               "submission": {"measurements": {"kpsp": kpsp, "vitamin_a_capsule": capsule}}}
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-3"}}
    Bundle.model_validate(exported)
    if "smoking" in checks:
        [smoking] = [o for o in resources(exported, "Observation")
                     if o["code"]["coding"][0] == {"system": LOINC, "code": "72166-2",
                                                   "display": "Tobacco smoking status"}]
        assert smoking["valueCodeableConcept"]["coding"][0]["code"] == (
            "77176002" if checks["smoking"] else "8392000")
    m = submission_from_bundle(exported)[0].measurements
    assert (m.srq20, m.adl, m.sdq_total, m.puma, m.iron_tablets, m.tetanus_status,
            m.kpsp, m.vitamin_a_capsule) == (srq20, adl, sdq, puma, tablets, tetanus, kpsp,
                                             capsule)
    assert {k: getattr(m, k) for k in CHECK_KEYS if getattr(m, k) is not None} == checks


def test_an_ex_smoker_is_read_as_not_smoking_and_an_unknown_status_is_refused() -> None:
    source = screening(weight_kg=60.0) | {"checks": {"smoking": True}, "findings": [],
                                          "immunizations": []}
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-4"}}
    [smoking] = [o for o in resources(exported, "Observation")
                 if o["code"]["coding"][0]["code"] == "72166-2"]
    smoking["valueCodeableConcept"]["coding"][0]["code"] = "8517006"  # ex-smoker
    assert submission_from_bundle(exported)[0].measurements.smoking is False
    smoking["valueCodeableConcept"]["coding"][0]["code"] = "123"
    with pytest.raises(InvalidInput) as refused:
        submission_from_bundle(exported)
    assert [d["type"] for d in refused.value.detail()] == ["unknown_code"]


def test_a_pregnancy_without_her_k_number_goes_out_and_comes_back_without_it() -> None:
    """Her K number is kept where a bidan gives it, not needed (K1 and K6 are counted
    from her contacts): a contact without it sends no ANC-visit Observation, and a Bundle
    without one is a contact all the same."""
    source = screening(weight_kg=58.0)
    source |= {"sex": "F", "findings": [], "immunizations": [], "submission": {
        "pregnancy": {"gestational_weeks": 20}, "measurements": {}}}
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-3"}}
    Bundle.model_validate(exported)
    assert "anc-visit" not in json.dumps(exported)
    submission, _ = submission_from_bundle(exported)
    assert submission.pregnancy is not None
    assert (submission.pregnancy.gestational_weeks, submission.pregnancy.anc_visit) == (20, None)


@pytest.mark.parametrize(("loinc", "value", "unit", "field", "expected"), [
    ("29463-7", 9100, "g", "weight_kg", 9.1), ("8302-2", 0.79, "m", "height_cm", 79.0),
    ("56072-2", 125, "mm", "muac_cm", 12.5), ("2339-0", 11.1, "mmol/L", "glucose_random", 199.98),
    ("718-7", 105, "g/L", "hb", 10.5), ("29463-7", 9.1, "Kilogram", "weight_kg", 9.1),
    ("2339-0", 120, "mg/dl", "glucose_random", 120.0),
    # cholesterol's mmol/L by its own molar mass, not glucose's
    ("2093-3", 6.2, "mmol/L", "cholesterol_total", 239.75)])
def test_other_ucum_units_of_a_measurement_are_converted(loinc, value, unit, field,
                                                         expected) -> None:
    """A SIMPUS that weighs infants in grams or measures glucose or cholesterol in mmol/L."""
    source = screening(**{field: 1.0})
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-4"}}
    for entry in exported["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation" and \
                resource["code"]["coding"][0]["code"] == loinc:
            resource["valueQuantity"] |= {"value": value, "unit": unit, "code": unit}
    submission, _ = submission_from_bundle(exported)
    assert getattr(submission.measurements, field) == expected


def test_blood_pressure_written_in_mmhg_is_read() -> None:
    """"mmHg" in place of UCUM's "mm[Hg]": what many systems send."""
    source = screening(systolic=150.0, diastolic=95.0)
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-5"}}
    for entry in exported["entry"]:
        for component in entry["resource"].get("component", []):
            component["valueQuantity"] |= {"unit": "mmHg", "code": "mmHg"}
    submission, _ = submission_from_bundle(exported)
    assert (submission.measurements.systolic, submission.measurements.diastolic) == (150, 95)


def test_systolic_and_diastolic_as_observations_of_their_own_are_read() -> None:
    """As SATUSEHAT's examples send them: not in a panel, one Observation each."""
    exported = as_json(screening_bundle(screening(systolic=150.0, diastolic=95.0), CTX)) | {
        "identifier": {"value": "b-6"}}
    [panel] = [e for e in exported["entry"] if e["resource"].get("component")]
    exported["entry"].remove(panel)
    for part in panel["resource"]["component"]:
        loinc = part["code"]["coding"][0]["code"]
        alone = {k: v for k, v in panel["resource"].items() if k not in ("component", "id")}
        exported["entry"].append({**panel, "fullUrl": f"{panel['fullUrl']}-{loinc}",
                                  "resource": {**alone, "code": part["code"],
                                               "valueQuantity": part["valueQuantity"]}})
    Bundle.model_validate(exported)
    m = submission_from_bundle(exported)[0].measurements
    assert (m.systolic, m.diastolic) == (150, 95)


@pytest.mark.parametrize(("loinc", "accepted"), [("8867-4", True), ("8310-5", True),
                                                 ("12345-6", False)])
def test_vital_signs_no_rule_reads_are_left_out_and_an_unknown_code_refused(loinc, accepted
                                                                           ) -> None:
    """An encounter's heart rate or temperature does not refuse the visit it came with."""
    exported = as_json(screening_bundle(screening(), CTX)) | {"identifier": {"value": "b-7"}}
    [weight] = [e for e in exported["entry"]
                if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "29463-7"]
    exported["entry"].append({**weight, "fullUrl": f"{weight['fullUrl']}-other", "resource": {
        **weight["resource"], "id": "other", "code": {"coding": [
            {"system": LOINC, "code": loinc}]}, "valueQuantity": {"value": 88}}})
    if accepted:
        assert submission_from_bundle(exported)[0].measurements.weight_kg == 9.1
    else:
        with pytest.raises(InvalidInput):
            submission_from_bundle(exported)


def test_a_bad_inbound_bundle_lists_every_problem() -> None:
    exported = as_json(screening_bundle(screening(), CTX))
    for entry in exported["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation" and \
                resource["code"]["coding"][0]["code"] == "29463-7":
            resource["valueQuantity"]["code"] = "[lb_av]"
        if resource["resourceType"] == "Immunization":
            resource["vaccineCode"]["coding"][0]["code"] = "XYZ"
    with pytest.raises(InvalidInput) as refused:
        submission_from_bundle(exported)  # no identifier either
    kinds = {d["type"] for d in refused.value.detail()}
    assert kinds == {"missing_identifier", "wrong_unit", "unknown_vaccine"}
    [unit] = [d["msg"] for d in refused.value.detail() if d["type"] == "wrong_unit"]
    assert unit == "unit must be one of kg, g (UCUM), not [lb_av]"
    said = {d["type"]: d["msg"].render("id") for d in refused.value.detail()}  # Indonesian
    assert said["wrong_unit"] == "satuan harus salah satu dari kg, g (UCUM), bukan [lb_av]"
    assert said["unknown_vaccine"].startswith("vaksin XYZ bukan salah satu dari")
    with pytest.raises(InvalidInput) as not_fhir:
        submission_from_bundle({"resourceType": "Bundle", "type": "transaction", "entry": [
            {"resource": {"resourceType": "Patient", "birthDate": "10-11-2024"}}]})
    assert not_fhir.value.detail()[0]["type"] == "invalid_fhir"


def test_without_the_export_configured_the_patient_has_no_empty_identifier() -> None:
    """The NIKs are sealed only for a configured export: the Bundle a bidan is shown
    without one names no identifier rather than a NIK with no value."""
    unsealed = dataclasses.replace(CTX, nik=None, mother_nik=None)
    [patient] = resources(as_json(screening_bundle(screening(), unsealed)), "Patient")
    assert "identifier" not in patient


@pytest.mark.parametrize("grade", [0, 1, 2, 3, 4])
def test_a_dipstick_goes_out_as_loinc_20454_5_and_comes_back(grade) -> None:
    source = screening(weight_kg=58.0, systolic=150.0, diastolic=95.0,
                       protein_urine=float(grade))
    source |= {"sex": "F", "stage": "ibu_hamil", "findings": [
        {"code": "preeclampsia", "severity": "severe", "follow_up": "rujuk segera"}],
        "immunizations": [], "submission": {"pregnancy": {"gestational_weeks": 30,
                                                          "anc_visit": 4},
                                            "measurements": {}}}
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-9"}}
    Bundle.model_validate(exported)
    [dipstick] = [o for o in resources(exported, "Observation")
                  if o["code"]["coding"][0]["code"] == "20454-5"]
    assert dipstick["valueString"] == (f"{grade}+" if grade else "negative")
    [condition] = resources(exported, "Condition")
    assert {"system": ICD10, "code": "O14.9"} in [
        {k: c[k] for k in ("system", "code")} for c in condition["code"]["coding"]]
    assert submission_from_bundle(exported)[0].measurements.protein_urine == grade


def test_a_person_without_a_nik_goes_out_and_comes_back_by_her_number_at_the_posyandu(
        ) -> None:
    """A lansia known by her number in the posyandu's register: the Bundle names it
    (another posyandu's number 12 is another person), and reads back as her; a SIMPUS
    Patient with only its own record number is known by that number there."""
    numbered = dataclasses.replace(CTX, nik=None, mother_nik=None, local_id="MWR-031")
    exported = as_json(screening_bundle(screening(), numbered)) | {"identifier": {
        "value": "b-local"}}
    [patient] = resources(exported, "Patient")
    assert patient["identifier"] == [{
        "use": "usual", "value": "MWR-031",
        "system": "https://ilp-platform.id/fhir/sid/posyandu-register/psy-mawar-03"}]
    person = submission_from_bundle(exported)[0].person
    assert (person.nik, person.mother_nik, person.local_id) == (None, None, "MWR-031")
    assert person.identity_at("psy-mawar-03") == "psy-mawar-03#MWR-031"
    patient["identifier"] = [{"system": "https://simpus.example/no-rm", "value": "RM-0042"}]
    assert submission_from_bundle(exported)[0].person.local_id == "RM-0042"
    patient.pop("identifier")
    with pytest.raises(InvalidInput) as unknown:
        submission_from_bundle(exported)
    assert unknown.value.detail()[0]["type"] == "missing_identifier"


def test_a_womans_td_and_a_pupils_bias_doses_go_out_and_come_back() -> None:
    """The doses after the balita's – Td, the BIAS's MR and DT, HPV – are Immunizations of
    the same code system, read back as sent."""
    source = screening(weight_kg=55.0) | {"findings": [], "immunizations": ["Td", "HPV1"]}
    exported = as_json(screening_bundle(source, CTX)) | {"identifier": {"value": "b-td"}}
    Bundle.model_validate(exported)
    assert [d["vaccineCode"]["coding"][0]["code"] for d in resources(exported, "Immunization")
            ] == ["Td", "HPV1"]
    assert submission_from_bundle(exported)[0].measurements.immunizations == ["Td", "HPV1"]
