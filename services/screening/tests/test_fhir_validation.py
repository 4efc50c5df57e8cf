"""The shape-cached Bundle validation accepts exactly what fhir.resources accepts: for
Bundles of every shape the mapping makes, and for the same Bundles with one value (or one
element) replaced by something else, both ways must agree."""

from __future__ import annotations

from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st
from ilp_screening.fhir.bundle import ICD10_OF, MEASURES, ExportContext, screening_bundle
from ilp_screening.fhir.validation import BundleValidator
from pydantic import ValidationError

MEASURED = [*MEASURES, "systolic", "diastolic"]
VALIDATOR = BundleValidator()  # shared, so later examples hit the learnt shapes

screenings = st.fixed_dictionaries({
    "screening_id": st.uuids().map(str), "person_id": st.uuids().map(str),
    "sex": st.sampled_from("MF"), "status": st.sampled_from(["active", "voided"]),
    "screened_on": st.dates(date(2020, 1, 1), date(2030, 1, 1)).map(date.isoformat),
    "posyandu_id": st.from_regex(r"psy-[a-z0-9]{1,8}", fullmatch=True),
    "desa_code": st.just("33.73.04.1001"),
    "measurements": st.dictionaries(st.sampled_from(MEASURED),
                                    st.floats(0.5, 300, allow_nan=False), max_size=6),
    "submission": st.fixed_dictionaries({
        "measurements": st.fixed_dictionaries({"measured_lying": st.booleans()}),
        "pregnancy": st.none() | st.fixed_dictionaries({
            "gestational_weeks": st.integers(1, 44), "anc_visit": st.integers(1, 12)})}),
    "findings": st.lists(st.fixed_dictionaries({
        "code": st.sampled_from([*ICD10_OF, "underweight", "obesity"]),
        "severity": st.sampled_from(["mild", "moderate", "severe"]),
        "follow_up": st.sampled_from(["", "rujuk ke puskesmas"])}), max_size=3),
    "immunizations": st.lists(st.sampled_from(["MR1", "BCG", "Td2"]), max_size=2,
                              unique=True)})
contexts = st.builds(
    ExportContext, organization_id=st.just("100011961"), location_id=st.just("psy-1"),
    nik=st.one_of(st.none(), st.from_regex(r"[0-9]{16}", fullmatch=True)),
    mother_nik=st.from_regex(r"[0-9]{16}", fullmatch=True),
    name=st.text(min_size=1, max_size=12), birth_date=st.dates(date(1930, 1, 1)),
    desa_code=st.just("33.73.04.1001"))
# what an element may wrongly hold: blanks, bad dates, numbers for text, text for numbers
replacements = st.one_of(
    st.sampled_from(["", " ", "a  b", " x", "x ", "2026-02-30", "2026-11-20T25:00:00",
                     "20261120", "urn:uuid:a b", "NaN", "1e400", "12.50", None, True, [],
                     {}, [None], {"text": ""}, float("nan"), float("inf")]),
    st.text(max_size=6), st.integers(), st.floats())


def accepted(validate, bundle: dict) -> bool:
    try:
        validate(bundle)
    except (ValidationError, TypeError, KeyError):  # fhir.resources on a bad resourceType
        return False
    return True


def leaves(node, path=()):
    """Every path to a value or element inside the Bundle."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        yield (*path, key)
        if isinstance(value, dict | list):
            yield from leaves(value, (*path, key))


def replaced(bundle, path, value):
    if not path:
        return value
    head, *rest = path
    copy = dict(bundle) if isinstance(bundle, dict) else list(bundle)
    copy[head] = replaced(bundle[head], rest, value)
    return copy


@settings(max_examples=300, deadline=None)
@given(screenings, contexts)
def test_every_bundle_the_mapping_makes_is_valid_both_ways(screening, ctx) -> None:
    bundle = screening_bundle(screening, ctx)  # validates
    Bundle.model_validate(bundle)
    assert accepted(VALIDATOR.validate, bundle)


@settings(max_examples=1500, deadline=None)
@given(screenings, contexts, st.data())
def test_a_changed_value_is_judged_as_fhir_resources_judges_it(screening, ctx, data) -> None:
    bundle = screening_bundle(screening, ctx)
    VALIDATOR.validate(bundle)  # its shapes are now known
    path = data.draw(st.sampled_from(list(leaves(bundle))))
    changed = replaced(bundle, path, data.draw(replacements))
    assert accepted(VALIDATOR.validate, changed) == accepted(Bundle.model_validate, changed)


def test_an_invalid_value_is_reported_with_its_element() -> None:
    ctx = ExportContext("100011961", "psy-1", "3373041011240001", None, "Bima",
                        date(2024, 11, 10), "33.73.04.1001")
    screening = {"screening_id": "scr-1", "person_id": "p-1", "sex": "F",
                 "status": "active", "screened_on": "2026-11-20", "posyandu_id": "psy-1",
                 "desa_code": "33.73.04.1001", "measurements": {"weight_kg": 9.5},
                 "submission": {}, "findings": [], "immunizations": []}
    validator = BundleValidator()
    validator.validate(screening_bundle(screening, ctx))
    bad = replaced(screening_bundle(screening, ctx),
                   ("entry", 2, "resource", "effectiveDateTime"), "2026-02-30")
    with pytest.raises(ValidationError, match="effectiveDateTime"):
        validator.validate(bad)
