"""A FHIR Bundle from an integrating system (e.g. a SIMPUS) turned into a screening
submission, which then goes through the same validation as every other intake.

Read: Patient (NIK, or the mother's NIK with the Patient id as local id, or – without
either – another identifier as her number at the posyandu; name, gender, birth date),
Encounter (period start = screening date, Location = the posyandu id),
Observations by LOINC with UCUM units (the codes the export writes, incl. the blood
pressure panel), a pregnancy as gestational age (LOINC 18185-9 or 49051-6, in weeks) with
the ANC visit number (the ILP code the export writes, valueInteger), the scores, KPSP and
yes/no checks by the ILP codes the export writes, smoking as LOINC 72166-2 with a SNOMED CT
status, Immunizations by the ILP vaccine codes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from ilp_contracts.immunization import IMMUNIZATIONS
from ilp_contracts.screening import ScreeningSubmission
from ilp_contracts.text import Text, _
from ilp_kit.errors import InvalidInput
from pydantic import ValidationError

from ..domain import rules
from .bundle import (
    ADMINISTRATIVE_CODE,
    ANC_VISIT,
    BP_PARTS,
    CAPSULE,
    CHECKS,
    GESTATIONAL_AGE,
    ILP_CAPSULE,
    ILP_KPSP,
    LAST_PERIOD,
    ILP_OBSERVATION,
    KPSP,
    LYING_LENGTH,
    MEASURES,
    NIK,
    NIK_MOTHER,
    NON_SMOKER,
    POSYANDU_REGISTER,
    PROTEIN_URINE,
    SCORES,
    SMOKER,
    SMOKING_STATUS,
    SNOMED,
)

Problem = tuple[tuple[str | int, ...], str, str]
BY_LOINC = {spec[0]: (key, spec[2]) for key, spec in MEASURES.items()}  # (loinc, …, unit, …)
BY_LOINC[LYING_LENGTH[0]] = ("height_cm", "cm")
BP_BY_LOINC = {spec[0]: part for part, spec in BP_PARTS.items()}  # (code, …)
GESTATIONAL_AGE_CODES = {GESTATIONAL_AGE[0], "49051-6"}  # "Gestational age in weeks"
# Vital signs an encounter records that no screening rule reads: left out, as resources of
# other types are, rather than refusing the visit. Any other code is refused – it may be a
# measurement sent under a code this release does not know, and would be lost.
# (heart rate, respiratory rate, body temperature, oxygen saturation twice)
VITALS_NOT_READ = frozenset({"8867-4", "9279-1", "8310-5", "59408-5", "2708-6"})
SCORE_OF = {spec[0]: key for key, spec in SCORES.items()}  # (code, …)
CHECK_OF = {spec[0]: key for key, spec in CHECKS.items()}
# SNOMED CT smoking statuses: smoker, and those who do not smoke now (non-smoker, never
# smoked tobacco, ex-smoker).
SMOKES = {SMOKER[0]: True, NON_SMOKER[0]: False, "266919005": False, "8517006": False}


def submission_from_bundle(data: Any) -> tuple[ScreeningSubmission, str]:
    """(submission, idempotency key); InvalidInput lists every problem at once."""
    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput([(("body", *e["loc"]), e["msg"], "invalid_fhir")
                            for e in exc.errors(include_url=False)][:20]) from exc
    problems: list[Problem] = []
    key = (bundle.identifier.value if bundle.identifier else None) or bundle.id
    if not key:
        problems.append((("body", "identifier"), _("a Bundle identifier (or id) is needed "
                                                    "to recognise a re-sent Bundle"),
                         "missing_identifier"))
    resources: dict[str, list[tuple[int, Any]]] = {}
    for i, entry in enumerate(bundle.entry or []):
        if entry.resource is not None:
            resources.setdefault(entry.resource.get_resource_type(), []).append(
                (i, entry.resource))
    person = _person(resources.get("Patient", []), problems)
    posyandu_id, screened_on = _encounter(resources.get("Encounter", []), problems)
    pregnancy: dict[str, Any] = {}
    measurements = _measurements(resources.get("Observation", []), pregnancy, problems)
    measurements["immunizations"] = _doses(resources.get("Immunization", []), problems)
    if problems:
        raise InvalidInput(problems)
    try:
        submission = ScreeningSubmission.model_validate({
            "person": person, "posyandu_id": posyandu_id, "screened_on": screened_on,
            "pregnancy": pregnancy or None, "measurements": measurements})
    except ValidationError as exc:
        raise InvalidInput([(("body", *e["loc"]), e["msg"], e["type"])
                            for e in exc.errors(include_url=False)]) from exc
    return submission, str(key)


def _at(i: int, *path: str | int) -> tuple[str | int, ...]:
    return ("body", "entry", i, "resource", *path)


def _person(patients: list[Any], problems: list[Problem]) -> dict[str, Any]:
    if len(patients) != 1:
        problems.append((("body", "entry"), _("exactly one {kind} expected, found {count}",
                                              kind="Patient", count=len(patients)),
                         "patient_count"))
        return {}
    i, patient = patients[0]
    ids = {ident.system: ident.value for ident in patient.identifier or []}
    person: dict[str, Any] = {"sex": {"male": "M", "female": "F"}.get(patient.gender or ""),
                              "birth_date": patient.birthDate}
    numbered = sorted((not system.startswith(POSYANDU_REGISTER), value)
                      for system, value in ids.items() if system and value
                      and system not in (NIK, NIK_MOTHER))
    if NIK in ids:
        person["nik"] = ids[NIK]
    elif NIK_MOTHER in ids and patient.id:
        person |= {"mother_nik": ids[NIK_MOTHER], "local_id": patient.id}
    elif numbered:  # no NIK: her number at the posyandu (or the sender's record number)
        person["local_id"] = numbered[0][1]
    else:
        problems.append((_at(i, "identifier"), _(
            "a {nik} identifier, {mother} with a Patient id, or her number in the "
            "posyandu's register is needed", nik=NIK, mother=NIK_MOTHER),
            "missing_identifier"))
    name = (patient.name or [None])[0]
    person["name"] = (name.text or " ".join([*(name.given or []), name.family or ""]).strip()
                      if name else None)
    return person | _local_units(patient)


def _local_units(patient: Any) -> dict[str, str]:
    """The person's RT and RW from SATUSEHAT's administrative-code address extension:
    the kader whose dasawisma it is gets her home visits."""
    return {part.url: part.valueCode
            for address in patient.address or [] for ext in address.extension or []
            if ext.url == ADMINISTRATIVE_CODE for part in ext.extension or []
            if part.url in ("rt", "rw") and part.valueCode}


def _encounter(encounters: list[Any], problems: list[Problem]) -> tuple[str | None, Any]:
    if len(encounters) != 1:
        problems.append((("body", "entry"), _("exactly one {kind} expected, found {count}",
                                              kind="Encounter", count=len(encounters)),
                         "encounter_count"))
        return None, None
    i, encounter = encounters[0]
    reference = (encounter.location[0].location.reference or "") if encounter.location else ""
    if not reference.startswith("Location/"):
        problems.append((_at(i, "location"), _("the posyandu as Location/<posyandu id> is "
                                               "needed"), "missing_location"))
    start = encounter.period.start if encounter.period else None
    if start is None:
        problems.append((_at(i, "period", "start"), _("the screening date is needed"),
                         "missing_date"))
    day = start.date() if isinstance(start, datetime) else start  # dateTime or a plain date
    return reference.removeprefix("Location/"), day


def _measurements(observations: list[Any], pregnancy: dict[str, Any], problems: list[Problem]
                  ) -> dict[str, Any]:
    """The measurements; gestational age and ANC visit go into `pregnancy`."""
    out: dict[str, Any] = {}
    for i, observation in observations:
        codes = [c.code for c in observation.code.coding or [] if c.system == "http://loinc.org"]
        ilp = next((c.code for c in observation.code.coding or []
                    if c.system == ILP_OBSERVATION), None)
        if ilp == ANC_VISIT:
            pregnancy["anc_visit"] = _given(observation.valueInteger, "valueInteger",
                                            _("the ANC visit number"), i, problems)
        elif ilp is not None or codes[:1] == [SMOKING_STATUS[0]]:
            _instrument(ilp, observation, i, out, problems)
        elif codes[:1] == [PROTEIN_URINE[0]]:  # read as the contract reads a dipstick
            out["protein_urine"] = _given(observation.valueString, "valueString",
                                          _("the dipstick reading"), i, problems)
        elif codes and codes[0] in VITALS_NOT_READ:
            continue
        elif codes[:1] == [LAST_PERIOD[0]]:  # her HPHT: the weeks follow from it
            day = _given(observation.valueDateTime, "valueDateTime", _("the day"), i,
                         problems)
            pregnancy["last_period"] = day.isoformat()[:10] if day is not None else None
        elif codes and codes[0] in GESTATIONAL_AGE_CODES:
            weeks = _value(observation.valueQuantity, "wk", _at(i, "valueQuantity"), problems)
            pregnancy["gestational_weeks"] = round(weeks) if weeks is not None else None
        elif codes and codes[0] in BY_LOINC:
            key, unit = BY_LOINC[codes[0]]
            value = _value(observation.valueQuantity, unit, _at(i, "valueQuantity"), problems,
                           key)
            if value is not None and key != "bmi":  # BMI is derived here, not taken
                out[key] = value
            if codes[0] == LYING_LENGTH[0]:
                out["measured_lying"] = True
        elif codes and codes[0] in BP_BY_LOINC:  # SATUSEHAT's own shape: one Observation each
            value = _value(observation.valueQuantity, "mm[Hg]", _at(i, "valueQuantity"),
                           problems)
            if value is not None:
                out[BP_BY_LOINC[codes[0]]] = value
        elif codes and codes[0] == "85354-9":
            for n, component in enumerate(observation.component or []):
                part = [c.code for c in component.code.coding or []]
                if part and part[0] in BP_BY_LOINC:
                    value = _value(component.valueQuantity, "mm[Hg]",
                                   _at(i, "component", n, "valueQuantity"), problems)
                    if value is not None:
                        out[BP_BY_LOINC[part[0]]] = value
        else:
            problems.append((_at(i, "code"), _(
                "LOINC {code} is not a measurement the screening knows",
                code=codes[0] if codes else "–"), "unknown_code"))
    if "height_cm" in out:
        out.setdefault("measured_lying", False)
    return out


def _instrument(ilp: str | None, observation: Any, i: int, out: dict[str, Any],
                problems: list[Problem]) -> None:
    """A score, the KPSP, the capsule's colour, smoking or a yes/no check, as the export
    writes them."""
    if ilp in SCORE_OF:
        out[SCORE_OF[ilp]] = _given(observation.valueInteger, "valueInteger", _("the score"),
                                    i, problems)
    elif ilp in CHECK_OF:
        out[CHECK_OF[ilp]] = _given(observation.valueBoolean, "valueBoolean",
                                    _("what the check found"), i, problems)
    elif ilp == KPSP[0]:
        out["kpsp"] = _coded(observation, ILP_KPSP, i, problems)
    elif ilp == CAPSULE[0]:
        out["vitamin_a_capsule"] = _coded(observation, ILP_CAPSULE, i, problems)
    elif ilp is None:  # LOINC's tobacco smoking status
        status = _coded(observation, SNOMED, i, problems)
        if status is not None and status not in SMOKES:
            problems.append((_at(i, "valueCodeableConcept"), _(
                "smoking status {status} is not one of SNOMED CT {codes}", status=status,
                codes=", ".join(SMOKES)), "unknown_code"))
        out["smoking"] = SMOKES.get(status or "")
    else:
        problems.append((_at(i, "code"), _("{system}|{code} is not a code the screening "
                                           "knows", system=ILP_OBSERVATION, code=ilp),
                         "unknown_code"))


def _given(value: Any, field: str, what: Text, i: int, problems: list[Problem]) -> Any:
    if value is None:
        problems.append((_at(i, field), _("{what} is needed", what=what), "missing_value"))
    return value


def _coded(observation: Any, system: str, i: int, problems: list[Problem]) -> str | None:
    concept = observation.valueCodeableConcept
    code: str | None = next((c.code for c in (concept.coding if concept else None) or []
                             if c.system == system), None)
    _given(code, "valueCodeableConcept", _("a {system} code", system=system), i, problems)
    return code


# Other UCUM units in circulation for the same measurements, as factors to ours: a
# SIMPUS that weighs infants in grams or has glucose in mmol/L is converted, not refused.
TO_OURS = {("g", "kg"): 0.001, ("m", "cm"): 100.0, ("mm", "cm"): 0.1, ("g/L", "g/dL"): 0.1,
           ("d", "wk"): 1 / 7}
# Unit names written in place of the UCUM code by systems in the field (lower case).
UCUM_OF = {"mmhg": "mm[Hg]", "kilogram": "kg", "gram": "g", "centimeter": "cm",
           "centimetre": "cm", "meter": "m", "metre": "m", "millimeter": "mm",
           "mg/dl": "mg/dL", "g/dl": "g/dL", "mmol/l": "mmol/L", "g/l": "g/L",
           "week": "wk", "weeks": "wk", "minggu": "wk", "day": "d", "days": "d", "hari": "d"}


def _value(quantity: Any, unit: str, at: tuple[str | int, ...], problems: list[Problem],
           measure: str | None = None) -> float | None:
    if quantity is None or quantity.value is None:
        problems.append((at, _("a valueQuantity is needed"), "missing_value"))
        return None
    written = quantity.code or quantity.unit
    given = UCUM_OF.get(str(written).strip().lower(), written)
    others = {**TO_OURS, **({("mmol/L", unit): rules.MG_DL_PER_MMOL_L[measure]}
                            if measure in rules.MG_DL_PER_MMOL_L else {})}
    factor = 1.0 if given == unit else others.get((given, unit))
    if factor is None:
        accepted = [unit, *(other for other, ours in others if ours == unit)]
        problems.append((at, _("unit must be one of {accepted} (UCUM), not {written}",
                               accepted=", ".join(accepted), written=written), "wrong_unit"))
        return None
    return float(quantity.value) if factor == 1.0 else round(float(quantity.value) * factor, 2)


def _doses(immunizations: list[Any], problems: list[Problem]) -> list[str]:
    doses: list[str] = []
    for i, immunization in immunizations:
        code = next((c.code for c in immunization.vaccineCode.coding or []), None)
        if code in IMMUNIZATIONS:
            doses.append(code)
        else:
            problems.append((_at(i, "vaccineCode"), _(
                "vaccine {code} is not one of {codes}", code=code,
                codes=", ".join(IMMUNIZATIONS)), "unknown_vaccine"))
    return doses
