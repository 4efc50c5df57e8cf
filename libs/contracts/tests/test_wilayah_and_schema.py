from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ilp_contracts import EVENTS, AreaUpserted, new_id
from ilp_contracts.schema import event_schemas, write_schemas
from ilp_contracts import STREAMS
from ilp_contracts.wilayah import (WIB, WIT, WITA, InvalidAreaCode, home_unit, local_date,
                                   local_zone, parse_area_code)


@pytest.mark.parametrize(("raw", "canonical", "level", "parent"), [
    ("33", "33", "province", None),
    ("3373", "33.73", "regency", "33"),
    ("33.73.04", "33.73.04", "district", "33.73"),
    ("3517082015", "35.17.08.2015", "village", "35.17.08"),
    (" 33.73.04.1001 ", "33.73.04.1001", "village", "33.73.04"),
])
def test_codes_are_canonical_with_level_and_parent(raw, canonical, level, parent) -> None:
    code = parse_area_code(raw)
    assert (code.code, code.level, code.parent) == (canonical, level, parent)


@pytest.mark.parametrize(("code", "zone"), [
    ("33.73.04.1001", WIB), ("61.71", WIB), ("62", WIB),      # Semarang, Pontianak, Kalteng
    ("51.71.01.1001", WITA), ("7371", WITA), ("65.01", WITA),  # Denpasar, Makassar, Kaltara
    ("53.71", WITA), ("76.01", WITA),                          # Kupang, Sulbar
    ("81.71", WIT), ("82.71", WIT), ("91.71.01.1001", WIT), ("95.01", WIT),  # … Papua Pegunungan
    (None, WIB), ("", WIB),
])
def test_each_province_keeps_its_own_clock(code, zone) -> None:
    assert local_zone(code) is zone


def test_a_moment_falls_on_the_local_day() -> None:
    from datetime import UTC, date, datetime

    evening = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)  # 22:30 WIB, 00:30 WIT
    assert local_date(evening, "33.73.04.1001") == date(2026, 11, 30)
    assert local_date(evening, "91.71.01.1001") == date(2026, 12, 1)


def test_kelurahan_desa_and_kota_kabupaten_are_told_apart() -> None:
    assert parse_area_code("33.73.04.1001").village_kind == "kelurahan"
    assert parse_area_code("35.17.08.2015").village_kind == "desa"
    assert parse_area_code("33.73").regency_kind == "kota"
    assert parse_area_code("33.22").regency_kind == "kabupaten"
    assert parse_area_code("33.73.04").regency_kind is None  # a kecamatan, even in a kota


@pytest.mark.parametrize("raw", ["", "3", "33.7", "33.70", "33.73.00", "33.73.04.3001",
                                 "05.01", "33-73", "33.73.04.10011", "abcd", "331"])
def test_invalid_codes_are_rejected_with_a_reason(raw) -> None:
    with pytest.raises(InvalidAreaCode):
        parse_area_code(raw)


@given(st.integers(11, 99), st.sampled_from([*range(1, 70), *range(71, 100)]),
       st.integers(1, 99), st.sampled_from("12"), st.integers(1, 999))
def test_dotted_and_plain_forms_agree(pp, kk, cc, kind, dd) -> None:
    dotted = f"{pp:02d}.{kk:02d}.{cc:02d}.{kind}{dd:03d}"
    assert parse_area_code(dotted.replace(".", "")).code == dotted
    assert parse_area_code(dotted).parent == dotted.rsplit(".", 1)[0]


def test_every_event_has_a_schema_and_a_stream(tmp_path) -> None:
    schemas = event_schemas()
    assert set(schemas) == set(EVENTS)
    for subject, schema in schemas.items():
        assert subject.startswith("ilp.") and subject.endswith(".v1")
        assert "event_id" in schema["properties"]
        owners = [n for n, subjects in STREAMS.items()
                  if any(subject.startswith(x.removesuffix(">")) for x in subjects)]
        assert len(owners) == 1, f"{subject} must belong to exactly one stream"
    assert len(write_schemas(tmp_path)) == len(EVENTS) + 1
    doc = json.loads((tmp_path / "asyncapi.json").read_text())
    assert doc["asyncapi"] == "3.0.0"
    ingest = doc["operations"]["publish_ilp_ingest_screening_v1"]
    assert ingest["action"] == "send"
    payload = doc["components"]["messages"]["IngestScreening"]["payload"]
    assert "screening" in payload["required"]


def test_screening_event_carries_no_personal_data() -> None:
    fields = set(EVENTS["ilp.screening.recorded.v1"].model_fields)
    assert not fields & {"nik", "name", "birth_date"}


def test_ids_are_unique_and_ordered_by_creation() -> None:
    """UUIDv7: stores keyed by these ids append instead of inserting at random places."""
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert [uuid.UUID(i).bytes[:6] for i in ids] == sorted(uuid.UUID(i).bytes[:6] for i in ids)
    event = AreaUpserted(code="33", name="Jawa Tengah", level="province")
    assert uuid.UUID(event.event_id).version == 7


@pytest.mark.parametrize(("person", "posyandu", "home"), [
    ("RW 07", "RW 03", "RW 07"),  # her own, always
    (None, "RW 03", "RW 03"),
    (None, "Dusun Krajan", "Dusun Krajan"),
    (None, "RW 02, 06, 10", None),  # a posyandu serving several: where she lives is unknown
    (None, "RW 01-03", None),
    (None, "RW 1 s/d 3", None),
    (None, "RW 04 dan 05", None),
    (None, "Dusun Krajan & Dusun Kidul", None),
    (None, None, None),
])
def test_a_persons_rw_is_the_posyandus_only_when_it_names_one(
        person: str | None, posyandu: str | None, home: str | None) -> None:
    assert home_unit(person, posyandu) == home


def test_a_sex_as_indonesian_forms_and_fhir_write_it() -> None:
    """An app or an integrator built for Indonesian forms sends L/P; the schema says M/F."""
    from ilp_contracts.screening import PersonIn

    for written, sex in (("L", "M"), ("p", "F"), ("Perempuan", "F"), ("Laki-laki", "M"),
                         ("female", "F"), ("M", "M"), ("Wanita", "F")):
        person = PersonIn(nik="3373041011240001", name="A", sex=written, birth_date="2024-11-10")
        assert person.sex == sex, written
    assert PersonIn.model_json_schema()["properties"]["sex"]["enum"] == ["M", "F"]


def test_a_postnatal_visits_facts_are_named_in_words() -> None:
    """A KF/KN task names the day of the birth and a baby born small beside its reason:
    the dashboard and the kader app show them in words, not as codes."""
    from ilp_contracts.findings import finding_label

    assert finding_label("born_2026-12-03") == "Lahir 3 Desember 2026"
    assert finding_label("low_birth_weight") == "Berat lahir rendah (< 2.500 g)"
    assert finding_label("born_kemarin") == "born_kemarin"  # not a day: as it is
    assert finding_label("stunted") == "Pendek / stunting (TB/U)"
