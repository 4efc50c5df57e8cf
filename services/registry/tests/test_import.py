"""Bulk import on both store adapters: good rows stored with their events, bad rows
reported by line with reasons and nothing of them written, a re-import changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from functools import partial
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from ilp_kit.auth import Principal
from ilp_kit.store import DocumentStore, MongoStore, Query, SqliteStore
from ilp_registry import importer
from ilp_registry.app import SPEC

SAMPLE = Path(__file__).resolve().parents[3] / "examples" / "kota-salatiga"
TODAY = date(2026, 11, 23)


@pytest.fixture(params=["sqlite", "mongodb"])
async def store(request, tmp_path, mongo_client_factory) -> AsyncIterator[DocumentStore]:
    if request.param == "sqlite":
        store: DocumentStore = SqliteStore(tmp_path / "registry.db", SPEC.collections)
    else:
        store = MongoStore(mongo_client_factory(), f"ilp_reg_{uuid.uuid4().hex[:8]}",
                           SPEC.collections)
    await store.open()
    yield store
    await store.close()


async def load(store: DocumentStore, text: str) -> importer.ImportReport:
    columns, rows = importer.rows_from_csv(text)
    return await importer.import_rows(store, importer.detect_kind(columns), rows, TODAY)


async def load_sheet(store: DocumentStore, text: str, wilayah: str) -> importer.ImportReport:
    """A sheet as a Dinkes admin of `wilayah` imports it (its other columns read past)."""
    scope = Principal(subject="dinkes", roles=frozenset({"dinkes_admin"}), wilayah=(wilayah,))
    columns, rows = importer.rows_from_csv(text)
    return await importer.import_rows(store, importer.detect_kind(columns), rows, TODAY, scope,
                                      sheet=True)


async def test_sample_kota_imports_completely_and_reimport_changes_nothing(store) -> None:
    files = [SAMPLE / f"{kind}.csv" for kind in importer.KINDS]
    first = [await load(store, f.read_text()) for f in files]
    assert [r.rejected for r in first] == [[]] * len(files)
    assert sum(r.created_or_updated for r in first) == sum(r.rows for r in first)
    events = await store.outbox_backlog()
    assert events == sum(r.rows for r in first)  # one event per stored row
    again = [await load(store, f.read_text()) for f in files]
    assert sum(r.unchanged for r in again) == sum(r.rows for r in again)
    assert await store.outbox_backlog() == events  # nothing new announced
    kecamatan = await store.find("areas", Query.of(parent_code="33.73"))
    assert sorted(a["name"] for a in kecamatan) == ["Argomulyo", "Sidomukti", "Sidorejo",
                                                     "Tingkir"]
    assert len(await store.find("areas", Query.of(level="village"))) == 23
    assert len(await store.find("facilities", Query.of(type="puskesmas"))) == 6


async def test_an_areas_master_data_is_announced_again_as_it_is(store) -> None:
    """After an upgrade whose services keep more in their read copies: every area,
    dusun/RW/RT, facility, worker and target under the code goes out again, once, as
    stored – a kecamatan's without its neighbours', and nothing stored changes."""
    from ilp_kit.errors import ForbiddenError
    from ilp_registry import commands

    files = [SAMPLE / f"{kind}.csv" for kind in importer.KINDS]
    for f in files:
        await load(store, f.read_text())
    before = await store.outbox_backlog()
    facilities = await store.find("facilities", Query.of(prefix=("area_code", "33.73.04")))
    workers = await store.find("workers", Query.of(prefix=("area_code", "33.73.04")))
    async with store.transaction() as tx:
        announced = await commands.announce(tx, "337304")  # without dots, as SATUSEHAT
    assert announced["areas"] == 1 + len(await store.find("areas", Query.of(
        parent_code="33.73.04")))
    assert (announced["facilities"], announced["workers"]) == (len(facilities), len(workers))
    assert announced["targets"] > 0
    assert await store.outbox_backlog() == before + sum(announced.values())
    async with store.transaction() as tx:  # one kind only: the facilities' endpoint
        assert await commands.announce(tx, "33.73.04", ("facilities",)) == {
            "facilities": len(facilities)}
    elsewhere = Principal("dinkes-lain", frozenset({"dinkes_admin"}), ("33.74",))
    with pytest.raises(ForbiddenError):
        async with store.transaction() as tx:
            await commands.announce(tx, "33.73.04", scope=elsewhere)


AREAS = """code,name
3373041001,Blotongan
33,Jawa Tengah
33.73,Kota Salatiga
33.73.04,Sidorejo
33.73.04.3001,Kode Salah
35.17.08.2015,Induk Tidak Ada
33.73.04,Sidorejo Baru
33.73.04.1002,Sidorejo Lor
"""


async def test_bad_rows_are_reported_by_line_and_good_rows_still_land(store) -> None:
    report = await load(store, AREAS)
    assert report.rows == 8 and report.created_or_updated == 5
    rejected = {r["line"]: r["errors"][0] for r in report.rejected}
    assert sorted(rejected) == [6, 7, 8]  # file lines (the header is line 1)
    assert rejected[6]["type"] == "invalid_area_code" and "3001" in rejected[6]["reason"]
    assert rejected[7]["type"] == "unknown_parent"
    assert rejected[8]["type"] == "duplicate_code" and "Sidorejo" in rejected[8]["reason"]
    assert (await store.get("areas", "33.73.04"))["name"] == "Sidorejo"
    assert await store.get("areas", "33.73.04.3001") is None
    assert (await store.get("areas", "33.73.04.1001"))["kind"] == "kelurahan"


async def test_facility_and_worker_rows_are_checked_against_what_exists(store) -> None:
    await load(store, AREAS)
    facilities = await load(store, """id,type,name,area_code,parent_facility_id,rollout_status
pkm-1,puskesmas,Puskesmas Satu,33.73.04,,kick_off
pustu-1,pustu,Pustu Satu,33.73.04.1001,pkm-1,
psy-1,posyandu,Posyandu Satu,33.73.04.1001,pustu-1,
psy-2,posyandu,Posyandu Dua,33.73.04,pustu-1,
psy-3,klinik,Klinik,33.73.04.1001,,
psy-4,posyandu,Posyandu Empat,33.73.04.1001,tidak-ada,
pustu-2,pustu,Pustu Dua,33.73.04.1002,,launched
""")
    rejected = {r["line"]: r["errors"][0]["type"] for r in facilities.rejected}
    assert rejected == {5: "wrong_area_level", 6: "literal_error", 7: "unknown_facility",
                        8: "not_applicable"}
    workers = await load(store, """name,role,facility_id,coverage
Siti,kader,psy-1,RW 01;RW 02
Ani,kader,psy-1,
Budi,bidan,pustu-1,
X,kader,tidak-ada,
Y,dukun,psy-1,
""")
    assert {r["line"]: r["errors"][0]["type"] for r in workers.rejected} == {
        5: "unknown_facility", 6: "literal_error"}
    siti = await store.find("workers", Query.of(name="Siti"))
    assert siti[0]["coverage"] == ["RW 01", "RW 02"] and siti[0]["area_code"] == "33.73.04.1001"
    again = await load(store, "name,role,facility_id\nBudi,bidan,pustu-1\n")
    assert again.unchanged == 1  # an id derived from facility, role and name: no copy


async def test_json_document_imports_every_kind_in_dependency_order(store) -> None:
    reports = await importer.import_document(store, {
        "targets": [{"area_code": "33.73.04.1001", "year": 2026, "group": "balita",
                     "count": 120},
                    {"area_code": "33.73.04.1001", "year": 2026, "group": "balita",
                     "count": -1}],
        "areas": [{"code": "33.73.04.1001", "name": "Blotongan"}, {"code": "33", "name": "Jateng"},
                  {"code": "33.73", "name": "Kota Salatiga"}, {"code": "33.73.04",
                                                              "name": "Sidorejo"}],
        "local_units": [{"desa_code": "33.73.04.1001", "kind": "rt", "name": "02",
                         "parent_unit_id": "33.73.04.1001/rw:03"},
                        {"desa_code": "33.73.04.1001", "kind": "rw", "name": "03"}],
    }, TODAY)
    assert [r.rejected for k, r in reports.items() if k != "targets"] == [[], []]
    assert reports["targets"].rejected[0]["line"] == 2
    assert reports["targets"].rejected[0]["errors"][0]["field"] == "count"
    assert await store.get("local_units", "33.73.04.1001/rw:03/rt:02") is not None
    with pytest.raises(ValueError, match="unknown sections"):
        await importer.import_document(store, {"desa": []}, TODAY)


def test_kind_is_told_from_the_header() -> None:
    assert importer.detect_kind(["code", "name"]) == "areas"
    assert importer.detect_kind(["type", "name", "area_code", "rw"]) == "facilities"
    assert importer.detect_kind(["name", "role", "facility_id"]) == "workers"
    assert importer.detect_kind(["area_code", "year", "group", "count"]) == "targets"
    with pytest.raises(ValueError):
        importer.detect_kind(["foo"])


async def test_a_spreadsheet_export_with_semicolons_and_kemendagri_headers_loads(store) -> None:
    """Excel in an Indonesian locale separates cells with `;`; wilayah lists in
    circulation head their columns `kode` and `nama`."""
    await load(store, AREAS)
    text = ("\ufeffKode;Nama\r\n33.73.04.1003;Bugel, Sidorejo\r\n"
            "33.73.04.1004;Pulutan\r\n")
    assert importer.detect_kind(importer.rows_from_csv(text)[0]) == "areas"
    report = await load(store, text)
    assert (report.created_or_updated, report.rejected) == (2, [])
    assert (await store.get("areas", "33.73.04.1003"))["name"] == "Bugel, Sidorejo"
    workers = ("id;name;role;facility_id;coverage\n"
               "bidan-x;Bidan X;bidan;pkm-x;33.73.04.1003, 33.73.04.1004\n")
    assert importer.rows_from_csv(workers)[1][0][1]["coverage"] == ["33.73.04.1003",
                                                                   "33.73.04.1004"]


async def test_a_kota_admin_on_an_empty_platform_loads_her_wilayah_file_province_row_too(
        store) -> None:
    """Dinkes Kota Jayapura starts empty: her wilayah file begins with the province, which
    she may register while it is missing. Once it exists she cannot rename it, nor
    register another province or another kota's areas."""
    admin = Principal("admin-jpr", frozenset({"dinkes_admin"}), ("91.71",))
    wilayah = ("kode,nama\n91,PAPUA\n91.71,KOTA JAYAPURA\n91.71.01,JAYAPURA UTARA\n"
               "91.71.01.1001,GURABESI\n")
    columns, rows = importer.rows_from_csv(wilayah)
    report = await importer.import_rows(store, importer.detect_kind(columns), rows, TODAY,
                                        admin)
    assert report.rejected == [] and report.created_or_updated == 4
    again = await importer.import_rows(store, "areas", rows, TODAY, admin)
    assert again.rejected == [] and again.unchanged == 4
    columns, rows = importer.rows_from_csv(
        "kode,nama\n91,PROVINSI PAPUA\n92,PAPUA BARAT\n91.03,KAB JAYAWIJAYA\n")
    refused = await importer.import_rows(store, "areas", rows, TODAY, admin)
    assert [(r["line"], [e["type"] for e in r["errors"]]) for r in refused.rejected] == [
        (2, ["forbidden"]), (3, ["forbidden"]), (4, ["forbidden"])]
    assert (await store.get("areas", "91"))["name"] == "PAPUA"


async def test_an_import_gives_the_event_loop_turns_while_its_rows_are_stored(
        tmp_path, monkeypatch) -> None:
    """A national wilayah file is minutes of rows in few transactions: the outbox relay
    (and health checks) must get turns meanwhile, not only between chunks."""
    from ilp_kit import turns
    monkeypatch.setattr(turns, "PAUSE_EVERY_S", 0.0)
    store = SqliteStore(tmp_path / "registry.db", SPEC.collections)
    await store.open()
    ticks = 0

    async def other() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(other())
    await asyncio.sleep(0)
    ticks = 0
    report = await load(store, "code,name\n33,Jawa Tengah\n33.73,Kota Salatiga\n"
                               "33.73.04,Sidorejo\n")
    task.cancel()
    assert report.created_or_updated == 3 and report.rejected == []
    assert ticks >= 3  # a turn before each row, inside the one transaction
    await store.close()


def test_a_sasaran_with_its_thousands_grouped_is_read_as_the_whole_number() -> None:
    """As BPS and Pusdatin tables and an Indonesian spreadsheet show them; a count with a
    fraction or a misplaced group stays what it was, for the validation to refuse."""
    text = ("area_code;year;group;count\n" + "".join(
        f"33.73.04.1001;2026;balita;{count}\n"
        for count in ("1.234", "1,234", "1 234", "12.345.678", "382", "1.23", "1.2345")))
    counts = [cells["count"] for _, cells in importer.rows_from_csv(text)[1]]
    assert counts == ["1234", "1234", "1234", "12345678", "382", "1.23", "1.2345"]


def test_a_workers_phone_as_a_list_writes_it_is_kept_as_plus_62() -> None:
    """SMS and WhatsApp gateways take +62…; a worker list has 0812-3456-7890, spaces,
    62…, or 812… whose leading 0 the spreadsheet dropped. Anything else is refused in
    words, not as a regular expression."""
    from ilp_registry.models import WorkerIn
    from pydantic import ValidationError

    for written in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "81234567890",
                    "0812.3456.7890"):
        worker = WorkerIn(name="Siti", role="kader", facility_id="psy-1", phone=written)
        assert worker.phone == "+6281234567890", written
    with pytest.raises(ValidationError) as refused:
        WorkerIn(name="Siti", role="kader", facility_id="psy-1", phone="12-34")
    assert refused.value.errors()[0]["msg"] == (
        "a phone number as +6281234567890 or 081234567890, not '12-34'")


async def test_facility_types_and_roles_as_a_dinkes_list_writes_them(store) -> None:
    """Capitalised, and by their longer names: Puskesmas, Pustu, Posbindu (one with the
    posyandu in ILP), Bidan Desa, Tenaga Gizi. The puskesmas still lands before the pustu
    and posyandu that name it."""
    await load(store, AREAS)
    report = await load(store, (
        "id;type;name;area_code;parent_facility_id\n"
        "psy-a;Posbindu;Posbindu Mawar;33.73.04.1001;pustu-a\n"
        "pustu-a;Puskesmas Pembantu;Pustu Blotongan;33.73.04.1001;pkm-a\n"
        "pkm-a;PUSKESMAS;Puskesmas Sidorejo;33.73.04;\n"))
    assert (report.created_or_updated, report.rejected) == (3, [])
    assert [(await store.get("facilities", f))["type"] for f in ("pkm-a", "pustu-a", "psy-a")
            ] == ["puskesmas", "pustu", "posyandu"]
    workers = await load(store, "id;name;role;facility_id\nw-1;Rina;Bidan Desa;pustu-a\n"
                                "w-2;Dewi;Tenaga Gizi;pkm-a\nw-3;Umi;KADER;psy-a\n")
    assert workers.rejected == []
    assert [(await store.get("workers", w))["role"] for w in ("w-1", "w-2", "w-3")] == [
        "bidan", "gizi", "kader"]


def test_a_sasaran_group_as_a_dinkes_table_names_it() -> None:
    from ilp_registry.models import TargetIn

    for written, group in (("Ibu Hamil", "ibu_hamil"), ("BUMIL", "ibu_hamil"),
                           ("Usia 15+", "usia_15_plus"), ("Lansia", "lansia"),
                           ("Balita", "balita"), ("ibu_hamil", "ibu_hamil"),
                           ("Bufas", "ibu_nifas"), ("Ibu Nifas", "ibu_nifas"),
                           ("Lahir Hidup", "lahir_hidup"), ("LH", "lahir_hidup"),
                           ("Bulin", "ibu_bersalin"), ("Anak Balita", "anak_balita")):
        target = TargetIn(area_code="33.73.04.1001", year=2026, group=written, count=10)
        assert target.group == group, written


def test_a_list_under_its_sheets_title_reads_from_its_header() -> None:
    header, rows = importer.rows_from_csv(
        "DAFTAR FASILITAS KESEHATAN;;;\nKabupaten Gunungkidul 2026;;;\n;;;\n"
        "ID;Jenis;Nama;Kode Desa\npsy-melati;Posyandu;Posyandu Melati;3403012002\n")
    assert importer.detect_kind(header) == "facilities"
    assert rows == [(5, {"id": "psy-melati", "type": "Posyandu", "name": "Posyandu Melati",
                         "area_code": "3403012002"})]


def test_an_ilp_rollout_stage_as_a_dinkes_report_says_it() -> None:
    from ilp_registry.models import FacilityIn, RolloutChange

    for written, stage in (("Launching", "launched"), ("sudah launching", "launched"),
                           ("Kick Off", "kick_off"), ("kick-off", "kick_off"),
                           ("Sosialisasi", "sosialisasi"), ("BELUM", "belum"),
                           ("Sudah Sosialisasi", "sosialisasi"), ("Peluncuran", "launched"),
                           ("Sudah ILP", "launched"), ("Belum sosialisasi", "belum"),
                           ("Persiapan", "sosialisasi"), ("Sudah", "launched"),
                           ("Implementasi", "launched")):
        assert RolloutChange(status=written).status == stage, written
        assert FacilityIn(type="Puskesmas", name="P", area_code="33.73.04",
                          rollout_status=written).rollout_status == stage, written
    with pytest.raises(ValueError, match="launched"):
        RolloutChange(status="selesai")


async def test_a_dinkes_list_with_indonesian_headers_loads(store) -> None:
    """Nama, Jenis, Kode Desa, Induk; Nama, Jabatan, Tempat Tugas, No. HP; Kode Desa, Tahun,
    Kelompok Sasaran, Jumlah (jiwa) – in any case."""
    await load(store, AREAS)
    facilities = await load(store, "ID;Nama;Jenis;Kode Kecamatan;Induk\n"
                                   "pkm-b;Puskesmas Sidorejo;Puskesmas;33.73.04;\n"
                                   "psy-b;Posyandu Melati;Posyandu;33.73.04.1001;pkm-b\n")
    assert (facilities.created_or_updated, facilities.rejected) == (2, [])
    workers = await load(store, "Nama;Jabatan;Tempat Tugas;No. HP\n"
                                "Rina;Kader;psy-b;0812-3456-7890\n")
    assert workers.rejected == []
    [rina] = [w for w in await store.find("workers") if w["name"] == "Rina"]
    assert (rina["role"], rina["facility_id"], rina["phone"]) == (
        "kader", "psy-b", "+6281234567890")
    targets = await load(store, "Kode Desa;Tahun;Kelompok Sasaran;Jumlah (jiwa)\n"
                                "33.73.04.1001;2026;Ibu Hamil;1.234\n")
    assert (targets.created_or_updated, targets.rejected) == (1, [])


async def test_a_facility_under_one_refused_above_says_which_line_to_mend(store) -> None:
    """A puskesmas refused (a rollout stage the platform does not know): the posyandu and
    pustu under it are refused too, naming the puskesmas's line – not only "not
    registered", which sends the Dinkes looking in the registry."""
    await load(store, AREAS)
    report = await load(store, "Nama;Jenis;Kode Wilayah;Induk;Status ILP\n"
                               "Puskesmas Tingkir;Puskesmas;33.73.04;;Tahap 2\n"
                               "Posyandu Kenanga;Posyandu;33.73.04.1001;Puskesmas Tingkir;\n"
                               "Posyandu Mawar;Posyandu;33.73.04.1001;Puskesmas Lain;\n")
    reasons = {r["line"]: [e["reason"] for e in r["errors"]] for r in report.rejected}
    assert reasons[3] == ["facility Puskesmas Tingkir was refused on line 2 of this file: "
                          "mend that line and import again"]
    assert reasons[4] == ["facility Puskesmas Lain is not registered"]
    by_id = await load(store, "ID;Nama;Jenis;Kode Wilayah;Induk;Status ILP\n"
                              "pkm-x;Puskesmas X;Puskesmas;33.73.04;;Tahap 2\n"
                              "psy-x;Posyandu X;Posyandu;33.73.04.1001;pkm-x;\n")
    assert [e["reason"] for r in by_id.rejected if r["line"] == 3 for e in r["errors"]] == [
        "facility pkm-x was refused on line 2 of this file: mend that line and import again"]


async def test_a_dinkes_sheets_other_columns_are_read_past_a_misspelt_one_refused(
        store) -> None:
    """A Dinkes's facility list carries an address, coordinates and the head's name: read
    past, named, each row still taken. A column close to one the list has is taken for a
    misspelling and refused naming it; a JSON row's unknown field stays refused."""
    await load(store, AREAS)
    text = ("No;Nama;Jenis;Kode Desa;Alamat;Latitude;Longitude;Kepala;Keterangan\n"
            "1;Posyandu Kenanga;Posyandu;33.73.04.1001;Jl. Mawar 1;-7.33;110.5;Bu Sri;baru\n")
    columns, rows = importer.rows_from_csv(text)
    report = await importer.import_rows(store, "facilities", rows, TODAY, sheet=True)
    assert (report.created_or_updated, report.rejected) == (1, [])
    assert report.columns_not_read == ["alamat", "kepala", "latitude", "longitude"]
    _, typo = importer.rows_from_csv(text.replace("Jenis", "Jnis").replace("Kenanga", "Anyelir"))
    report = await importer.import_rows(store, "facilities", typo, TODAY, sheet=True)
    reasons = [e["reason"] for e in report.rejected[0]["errors"]]
    assert "unknown column 'jnis'; did you mean 'jenis'?" in reasons
    report = await importer.import_rows(store, "facilities", rows, TODAY)  # as JSON rows
    assert report.rejected and report.columns_not_read == []


async def test_a_dinkes_list_names_facilities_by_their_names(store) -> None:
    """Nobody at a Dinkes knows the registry's ids: a kader list's posyandu and a
    posyandu's induk are named as the lists write them; a name two facilities of the
    wilayah share is refused naming their ids."""
    await load(store, AREAS)
    await load(store, """type,name,area_code,parent_facility_id
puskesmas,Puskesmas Satu,33.73.04,
posyandu,Posyandu Mawar,33.73.04.1001,PUSKESMAS SATU
posyandu,Posyandu Melati,33.73.04.1001,Puskesmas Satu
posyandu,Posyandu Melati,33.73.04.1002,Puskesmas Satu
""")
    mawar = (await store.find("facilities", Query.of(name="Posyandu Mawar")))[0]
    puskesmas = (await store.find("facilities", Query.of(name="Puskesmas Satu")))[0]
    assert mawar["parent_facility_id"] == puskesmas["id"]
    workers = await load(store, """name,role,facility_id
Siti,kader,mawar
Ani,kader,Posyandu Melati
Budi,bidan,Puskesmas Satu
""")
    [ani] = workers.rejected
    assert (ani["line"], ani["errors"][0]["type"]) == (3, "ambiguous_facility")
    assert "33.73.04.1002" in ani["errors"][0]["reason"]
    [siti] = await store.find("workers", Query.of(name="Siti"))
    assert siti["facility_id"] == mawar["id"] and siti["area_code"] == "33.73.04.1001"


async def test_a_facility_list_gives_its_wilayah_as_kode_wilayah(store) -> None:
    """"Kode wilayah" names a wilayah's own code in a list of wilayah, and where a
    facility lies in a list of facilities: the list was taken for wilayah before."""
    await load(store, AREAS)
    columns, rows = importer.rows_from_csv(
        "Jenis,Nama,Kode Wilayah,Induk\npuskesmas,Puskesmas Argomulyo,33.73.04,\n"
        "posyandu,Posyandu Kenanga,33.73.04.1001,Puskesmas Argomulyo\n")
    assert importer.detect_kind(columns) == "facilities"
    report = await importer.import_rows(store, "facilities", rows, TODAY)
    assert (report.created_or_updated, report.rejected) == (2, [])
    [kenanga] = await store.find("facilities", Query.of(type="posyandu"))
    assert kenanga["area_code"] == "33.73.04.1001"
    assert importer.detect_kind(importer.rows_from_csv("Kode Wilayah,Nama\n33.73,Salatiga\n")[0]) \
        == "areas"
    assert importer.rows_from_csv("Jenis,Nama Fasilitas,Kode Wilayah\n")[0] == [
        "type", "name", "area_code"]
    assert importer.rows_from_csv("Nama,Peran,Nama Fasilitas\n")[0] == [
        "name", "role", "facility_id"]
    sheet = "Jenis,Nama Fasilitas,Kode Wilayah\nposyandu,Posyandu Melati,33.73.04.1999\n"
    report = await importer.import_rows(store, "facilities", importer.rows_from_csv(sheet)[1],
                                        TODAY)
    [row] = importer.in_the_sheets_words(report.rejected, importer.written_columns_of(sheet))
    assert [(e["field"], e["column"]) for e in row["errors"]] == [("area_code", "Kode Wilayah")]


async def test_a_sasaran_table_with_a_column_per_group(store) -> None:
    """Pusdatin's "Data Sasaran" as a Dinkes keeps it: a desa a row, its targets across."""
    await load(store, AREAS)
    columns, rows = importer.rows_from_csv(
        "DATA SASARAN KOTA SALATIGA 2026\n"
        "Kode Desa;Nama Desa;Tahun;Bayi;Sasaran Balita;Bumil;Lansia;Usia 15+\n"
        "33.73.04.1001;Blotongan;2026;45;1.210;50;;\n"
        "33.73.04.1002;Sidorejo Lor;2026;38;180;41;260;2.950\n")
    report = await importer.import_rows(store, importer.detect_kind(columns), rows, TODAY,
                                        sheet=True)
    assert (report.kind, report.rows, report.rejected) == ("targets", 2, [])  # two desa
    assert report.created_or_updated == 8  # an empty cell sets nothing
    assert report.columns_not_read == []  # Nama Desa: the desa its code gives
    targets = {(t["area_code"], t["group"]): t["count"]
               for t in await store.find("targets", Query.of(year=2026))}
    assert targets[("33.73.04.1001", "balita")] == 1210
    assert targets[("33.73.04.1002", "ibu_hamil")] == 41
    assert targets[("33.73.04.1002", "usia_15_plus")] == 2950  # as a list names the group
    assert ("33.73.04.1001", "lansia") not in targets  # an empty cell sets nothing


async def test_a_sasaran_of_remaja_putri_is_the_iron_tablets_group(store) -> None:
    """"Remaja Putri" (Rematri), the iron tablets' sasaran beside the remaja: read, not
    read past."""
    await load(store, AREAS)
    columns, rows = importer.rows_from_csv(
        "DATA SASARAN 2026\nKode Desa;Remaja;Remaja Putri\n33.73.04.1001;610;300\n")
    report = await importer.import_rows(store, importer.detect_kind(columns), rows, TODAY,
                                        sheet=True)
    assert (report.rejected, report.columns_not_read) == ([], [])
    assert {t["group"]: t["count"] for t in await store.find("targets")} == {
        "remaja": 610, "remaja_putri": 300}


async def test_a_sasaran_of_the_spms_adult_services(store) -> None:
    """A Data Sasaran's usia produktif (15–59) and its estimated penderita hipertensi and
    DM – the SPM's denominators, with its ibu bersalin and usia pendidikan dasar – are
    read, not read past, in the words tables use; a desa without them lacks nothing (they
    are a Dinkes's choice)."""
    from ilp_registry.domain import missing_targets

    await load(store, AREAS)
    report = await load_sheet(
        store, "DATA SASARAN 2026\nKode Desa;Lansia (>=60);Usia Produktif (15-59);Penderita "
        "Hipertensi;Estimasi Penderita DM;Usia Pendidikan Dasar;Bulin\n"
        "33.73.04.1001;1.150;6.420;1.310;290;1.480;102\n", "33.73")
    assert (report.rejected, report.columns_not_read) == ([], [])
    assert {t["group"]: t["count"] for t in await store.find("targets")} == {
        "lansia": 1150, "usia_produktif": 6420, "penderita_hipertensi": 1310,
        "penderita_dm": 290, "usia_pendidikan_dasar": 1480, "ibu_bersalin": 102}
    listed = await load(store, "kode_desa,tahun,kelompok,jumlah\n"
                               "33.73.04.1002,2026,Usia 15-59 tahun,4980\n"
                               "33.73.04.1002,2026,Penderita HT,1020\n"
                               "33.73.04.1002,2026,Diabetes Melitus,225\n")
    assert (listed.rejected, listed.created_or_updated) == ([], 3)
    missing = missing_targets(["33.73.04.1001", "33.73.04.1002"], await store.find("targets"))
    assert not {"usia_produktif", "penderita_hipertensi", "penderita_dm",
                "usia_pendidikan_dasar", "ibu_bersalin"} & {
        group for groups in missing.values() for group in groups}
    # 15+ is 15–59 and 60+: the desa with both lacks no 15+; the other one does
    assert "usia_15_plus" not in missing["33.73.04.1001"]
    assert "usia_15_plus" in missing["33.73.04.1002"]


async def test_a_sasaran_of_anak_balita_the_spms_balita_service(store) -> None:
    """The SPM's balita service counts children of 12–59 months: a Data Sasaran's "Anak
    Balita (12-59 bulan)" or "Balita 12-59 Bln", or a list's "Anak Balita", is read."""
    await load(store, AREAS)
    report = await load_sheet(store, "DATA SASARAN 2026\nKode Desa;Bayi (0-11 bln);Anak Balita "
                                     "(12-59 bulan)\n33.73.04.1001;96;390\n", "33.73")
    assert (report.rejected, report.columns_not_read) == ([], [])
    report = await load_sheet(store, "DATA SASARAN 2026\nKode Desa;Balita 12-59 Bln\n"
                                     "33.73.04.1002;410\n", "33.73")
    assert (report.rejected, report.columns_not_read) == ([], [])
    # the range in brackets says which balita: not read past as a unit is (it was the
    # balita's sasaran, D/S's denominator, with the bayi missing from it)
    report = await load_sheet(store, "DATA SASARAN 2026\nKode Desa;Balita (0-59 bln);"
                                     "Balita (12 - 59 Bln)\n33.73.04.1001;520;415\n", "33.73")
    assert (report.rejected, report.columns_not_read) == ([], [])
    assert {t["group"]: t["count"] for t in await store.find("targets", Query.of(
        area_code="33.73.04.1001"))} == {"balita": 520, "anak_balita": 415, "bayi": 96}
    listed = await load(store, "kode_desa,tahun,kelompok,jumlah\n"
                               "33.73.04.1002,2026,Anak Balita,388\n")
    assert (listed.rejected, listed.created_or_updated) == ([], 1)
    assert sorted((t["area_code"], t["group"], t["count"]) for t in await store.find(
        "targets")) == [("33.73.04.1001", "anak_balita", 415), ("33.73.04.1001", "balita", 520),
                        ("33.73.04.1001", "bayi", 96), ("33.73.04.1002", "anak_balita", 388)]


async def test_a_list_naming_its_desa_and_kecamatan_by_name(store) -> None:
    """A Dinkes's facility list or sasaran table often names the desa and kecamatan
    instead of giving their codes: each name is looked up in the caller's wilayah."""
    await load(store, AREAS)
    await load(store, "code,name\n33.73.01,Argomulyo\n33.73.01.1001,Sidorejo Lor\n")
    scope = Principal(subject="dinkes", roles=frozenset({"dinkes_admin"}), wilayah=("33.73",))
    columns, rows = importer.rows_from_csv(
        "Jenis;Nama;Kecamatan;Desa/Kelurahan\n"
        "puskesmas;Puskesmas Sidorejo;Kec. Sidorejo;\n"
        "posyandu;Posyandu Kenanga;Sidorejo;Kelurahan Blotongan\n"
        "posyandu;Posyandu Melati;;BLOTONGAN\n"
        "posyandu;Posyandu Anggrek;;Sidorejo Lor\n"
        "posyandu;Posyandu Teratai;Sidorejo;Sidorejo Lor\n"
        "posyandu;Posyandu Dahlia;;Antah Berantah\n"
        "Puskesmas;Puskesmas Blotongan;;Blotongan\n")
    report = await importer.import_rows(store, importer.detect_kind(columns), rows, TODAY,
                                        scope, sheet=True)
    assert report.columns_not_read == []
    where = {f["name"]: f["area_code"] for f in await store.find("facilities")}
    assert where == {"Puskesmas Sidorejo": "33.73.04", "Puskesmas Blotongan": "33.73.04",
                     "Posyandu Kenanga": "33.73.04.1001",
                     "Posyandu Melati": "33.73.04.1001",
                     "Posyandu Teratai": "33.73.04.1002"}
    refused = {r["line"]: (r["errors"][0]["field"], r["errors"][0]["type"])
               for r in report.rejected}
    assert refused == {5: ("desa_name", "ambiguous_area"), 7: ("desa_name", "unknown_area")}
    [anggrek] = [r for r in report.rejected if r["line"] == 5]
    assert "33.73.01.1001" in anggrek["errors"][0]["reason"]
    columns, rows = importer.rows_from_csv("Desa;Tahun;Balita;Bumil\nBlotongan;2026;120;30\n")
    sasaran = await importer.import_rows(store, importer.detect_kind(columns), rows, TODAY,
                                         scope, sheet=True)
    assert (sasaran.kind, sasaran.created_or_updated, sasaran.rejected) == ("targets", 2, [])
    assert {t["group"] for t in await store.find("targets", Query.of(
        area_code="33.73.04.1001"))} >= {"balita", "ibu_hamil"}
    # the desa's column the other way round, as many lists head it (every row was refused
    # as a posyandu placed in its kecamatan, the column read past)
    columns, rows = importer.rows_from_csv("Nama Fasilitas;Jenis;Kecamatan;Kelurahan/Desa\n"
                                           "Posyandu Kamboja;Posyandu;Sidorejo;Blotongan\n")
    named = await importer.import_rows(store, importer.detect_kind(columns), rows, TODAY,
                                       scope, sheet=True)
    assert (named.rejected, named.columns_not_read) == ([], [])
    assert {f["name"]: f["area_code"] for f in await store.find("facilities")}[
        "Posyandu Kamboja"] == "33.73.04.1001"


async def test_a_list_gives_each_facilitys_and_workers_own_code(store) -> None:
    """A Dinkes's facility list keeps its own codes under "Kode" (PKM-KB) and places each
    row by its kelurahan's and kecamatan's names: the code is the facility's id – every
    row was refused as "no Kemendagri code" – and a worker list's NIP (or "Kode Fasilitas"
    of her workplace) is read too. A "Kode" that is a wilayah code stays where the row lies."""
    await load(store, AREAS)
    sheet = partial(load_sheet, store, wilayah="33.73")
    facilities = await sheet(
        "No;Kode;Jenis Fasilitas;Nama Fasilitas;Kelurahan;Kecamatan;Induk;Status ILP\n"
        "1;PKM-SDR;Puskesmas;Puskesmas Sidorejo;;Sidorejo;;Persiapan\n"
        "2;PSY-KENANGA;Posbindu PTM;Posbindu Kenanga;Blotongan;Sidorejo;PKM-SDR;\n")
    assert (facilities.rejected, facilities.columns_not_read) == ([], [])
    found = {f["id"]: (f["area_code"], f.get("parent_facility_id"), f.get("rollout_status"))
             for f in await store.find("facilities")}
    assert found == {"PKM-SDR": ("33.73.04", None, "sosialisasi"),
                     "PSY-KENANGA": ("33.73.04.1001", "PKM-SDR", None)}
    workers = await sheet("NIP/ID;Nama;Jabatan;Kode Fasilitas\n"
                          "198704122010012001;Rahmawati;Bidan;PKM-SDR\n"
                          "K-001;Siti Aminah;Kader;PSY-KENANGA\n")
    assert (workers.rejected, workers.columns_not_read) == ([], [])
    assert {w["id"]: w["facility_id"] for w in await store.find("workers")} == {
        "198704122010012001": "PKM-SDR", "K-001": "PSY-KENANGA"}
    # a code the rows share (their puskesmas's) is none's own: not one facility of them
    shared = await sheet("Kode;Jenis;Nama;Kelurahan\nPKM-XYZ;Posyandu;Posyandu Anggrek;"
                         "Blotongan\nPKM-XYZ;Posyandu;Posyandu Dahlia;Blotongan\n")
    assert len(shared.rejected) == 2 and shared.created_or_updated == 0
    placed = await sheet("Kode;Jenis;Nama\n33.73.04.1002;Posyandu;Posyandu Teratai\n")
    assert placed.rejected == []
    [teratai] = [f for f in await store.find("facilities") if f["name"] == "Posyandu Teratai"]
    assert teratai["area_code"] == "33.73.04.1002"
    # a Dinkes's "faskes" words: Kode/Nama/Jenis Faskes, its Puskesmas Induk by name (the
    # list was refused whole: "cannot tell what the columns … describe")
    faskes = await sheet("No;Kode Faskes;Nama Faskes;Jenis Faskes;Kelurahan/Desa;"
                         "Puskesmas Induk\n1;;Pos ILP Kenari;Posyandu;Blotongan;"
                         "Puskesmas Sidorejo\n")
    assert (faskes.rejected, faskes.columns_not_read) == ([], [])
    [kenari] = [f for f in await store.find("facilities") if f["name"] == "Pos ILP Kenari"]
    assert (kenari["area_code"], kenari["parent_facility_id"]) == ("33.73.04.1001", "PKM-SDR")
    staff = await sheet("Nama Petugas;Jabatan;Nama Faskes\nNurlela;Kader;Pos ILP Kenari\n"
                        "Hasnah;Perawat;UPTD Puskesmas Sidorejo\n")  # (the Dinkes's unit)
    assert (staff.rejected, staff.columns_not_read) == ([], [])
    assert {w["name"]: w["facility_id"] for w in await store.find("workers")
            if w["name"] in ("Nurlela", "Hasnah")} == {"Nurlela": kenari["id"],
                                                      "Hasnah": "PKM-SDR"}


async def test_a_province_names_its_desa_and_kecamatan_in_its_own_words(store) -> None:
    """Papua's lists name the distrik and kampung ("Kode Distrik", "Kampung/Kelurahan"),
    Sumatera Barat's the nagari, Aceh's the gampong: the same levels of the code. In Java a
    kampung beside the desa is a hamlet – the posyandu's place, as a dusun is."""
    await load(store, "Kode;Nama\n91;PAPUA\n91.71;KOTA JAYAPURA\n91.71.03;ABEPURA\n"
                      "91.71.04;MUARA TAMI\n91.71.03.2001;Kampung Koya Koso\n"
                      "91.71.04.2001;Kampung Skouw Mabo\n")
    sheet = partial(load_sheet, store, wilayah="91.71")
    facilities = await sheet(
        "Nama Fasilitas;Jenis;Distrik;Kampung/Kelurahan\n"
        "Puskesmas Skouw;Puskesmas;Distrik Muara Tami;\n"
        "Posyandu Cendrawasih;Posyandu;Abepura;Koya Koso\n"
        "Posyandu Pinang;Posyandu;;Kampung Skouw Mabo\n")
    assert (facilities.rejected, facilities.columns_not_read) == ([], [])
    where = {f["name"]: f["area_code"] for f in await store.find("facilities")}
    assert where == {"Puskesmas Skouw": "91.71.04", "Posyandu Cendrawasih": "91.71.03.2001",
                     "Posyandu Pinang": "91.71.04.2001"}
    waena = await sheet("Nama Fasilitas;Jenis;Distrik;Wilayah Kerja\n"
                        "Puskesmas Waena;Puskesmas;Abepura;Koya Koso, Skouw Mabo\n"
                        "Puskesmas Hedam;Puskesmas;Abepura;Kampung Tidak Ada\n")
    assert [(r["line"], r["errors"][0]["field"]) for r in waena.rejected] == [
        (3, "working_area")]
    [kept] = await store.find("facilities", Query.of(name="Puskesmas Waena"))
    assert kept["working_area"] == ["91.71.03.2001", "91.71.04.2001"]  # the next distrik's too
    sasaran = await sheet("Nama Kampung;Tahun;Balita\nSkouw Mabo;2026;60\n")
    assert (sasaran.kind, sasaran.created_or_updated) == ("targets", 1)
    coded = await sheet("Kode Kampung;Jenis;Nama\n9171032001;posyandu;Posyandu Nuri\n")
    assert coded.rejected == []
    await load(store, "code,name\n32,JAWA BARAT\n32.01,BOGOR\n32.01.01,Cibinong\n"
                      "32.01.01.2001,Cibodas\n")
    hamlet = await importer.import_rows(store, "facilities", importer.rows_from_csv(
        "Nama;Jenis;Desa;Kampung\nPosyandu Melati;posyandu;Cibodas;Kp. Babakan\n")[1], TODAY,
        sheet=True)
    assert hamlet.rejected == []
    [melati] = await store.find("facilities", Query.of(area_code="32.01.01.2001"))
    assert melati["rw"] == "Kp. Babakan"


async def test_a_name_with_its_glottal_stop_is_the_same_written_any_way(store) -> None:
    """NTT's desa keep an apostrophe (Oe'ekam, Ta'ebone): a list may write it as a
    spreadsheet turns it (’), or leave it out – the same desa; a pustu so named too."""
    await load(store, "Kode;Nama\n53;NUSA TENGGARA TIMUR\n53.02;TIMOR TENGAH SELATAN\n"
                      "53.02.07;AMANUBAN SELATAN\n53.02.07.2001;OE'EKAM\n"
                      "53.02.07.2002;Ta’ebone\n")
    sheet = partial(load_sheet, store, wilayah="53.02")
    facilities = await sheet(
        "Nama Fasilitas;Jenis;Kecamatan;Desa;Induk\n"
        "Pustu Ama'u;Pustu;Amanuban Selatan;Oeekam;\n"
        "Posyandu Kasih;Posyandu;Amanuban Selatan;Ta'ebone;Pustu Amau\n"
        "Posyandu Damai;Posyandu;Amanuban Selatan;Oe’ekam;\n")
    assert facilities.rejected == []
    where = {f["name"]: (f["area_code"], f.get("parent_facility_id"))
             for f in await store.find("facilities")}
    amau = next(f["id"] for f in await store.find("facilities") if f["name"] == "Pustu Ama'u")
    assert where == {"Pustu Ama'u": ("53.02.07.2001", None),
                     "Posyandu Kasih": ("53.02.07.2002", amau),
                     "Posyandu Damai": ("53.02.07.2001", None)}


async def test_facilities_from_before_an_upgrade_are_announced_again_at_start(store) -> None:
    """Every facility once, with its name key where a release before kept none: the other
    services' copies learn what they now keep (the name, the kecamatan)."""
    from ilp_kit.service import Runtime
    from ilp_kit.settings import ServiceSettings
    from ilp_registry.commands import FACILITIES_ANNOUNCED, announce_facilities_after_upgrade

    await load(store, AREAS)
    await load(store, "type,name,area_code\nposyandu,Posyandu Kenanga,33.73.04.1001\n"
                      "posyandu,Posyandu Mawar,33.73.04.1001\n")
    kenanga, mawar = sorted(await store.find("facilities"), key=lambda f: f["name"])
    async with store.transaction() as tx:  # as a release before them stored it
        await tx.put("facilities", kenanga["id"],
                     {k: v for k, v in kenanga.items() if k != "name_key"})
    runtime = Runtime(ServiceSettings(service="registry"), store)
    before = await store.outbox_backlog()
    await announce_facilities_after_upgrade(runtime, page=1)
    assert (await store.get("facilities", kenanga["id"]))["name_key"] == "kenanga"
    assert await store.get("facilities", mawar["id"]) == mawar
    assert await store.outbox_backlog() == before + 2  # both, for the copies elsewhere
    async with store.transaction() as tx:  # done once: the next start reads no facility
        await tx.put("facilities", kenanga["id"],
                     {k: v for k, v in kenanga.items() if k != "name_key"})
    await announce_facilities_after_upgrade(runtime, page=1)
    assert "name_key" not in (await store.get("facilities", kenanga["id"]))
    async with store.transaction() as tx:
        await tx.put("facilities", kenanga["id"], kenanga)
    workers = await load(store, "name,role,facility_id\nSri,kader,Kenanga\n")
    assert workers.rejected == []
    # a key made by an older rule – "UPTD Puskesmas Sidorejo" kept its UPTD – is made again
    await load(store, "type,name,area_code\npuskesmas,UPTD Puskesmas Sidorejo,33.73.04\n")
    [upt] = [f for f in await store.find("facilities") if f["type"] == "puskesmas"]
    async with store.transaction() as tx:
        await tx.put("facilities", upt["id"], {**upt, "name_key": "uptd puskesmas sidorejo"})
        await tx.delete("migrations", FACILITIES_ANNOUNCED)
    await announce_facilities_after_upgrade(runtime, page=1)
    workers = await load(store, "name,role,facility_id\nAmir,dokter,UPTD Puskesmas Sidorejo\n"
                                "Rina,perawat,Puskesmas Sidorejo\n")
    assert workers.rejected == []


async def test_a_kader_list_as_a_puskesmas_keeps_it(store) -> None:
    await load(store, AREAS)
    await load(store, "type,name,area_code\nposyandu,Posyandu Kenanga,33.73.04.1001\n")
    workers = await load(store, "Nama Kader;Peran;Posyandu;No. HP\nSri;Kader;Kenanga;0812-3456-7890\n")
    assert workers.rejected == [] and workers.created_or_updated == 1


async def test_a_sasaran_table_without_a_year_column_takes_its_titles_or_the_one_given(
        store) -> None:
    """Pusdatin's "Data Sasaran" names its year in the title or the file's name, not in
    a column: taken from there (a year given wins); with none anywhere the list is
    refused saying where the year may go – not as columns nobody can tell."""
    await load(store, AREAS)
    table = "Kode Desa;Sasaran Balita;Bumil\n33.73.04.1001;1.210;50\n"
    for title, given, file_name, year in (
            ("DATA SASARAN PROGRAM TAHUN 2026\n", None, "", 2026),
            ("PROYEKSI SASARAN 2027 KOTA SALATIGA\n", None, "", 2027),
            ("DATA SASARAN TH. 2026\n", 2025, "sasaran-2027.csv", 2025),
            ("", None, "Data Sasaran 2028.xlsx [Sheet1]", 2028),
            ("SASARAN TAHUN 2030\n", None, "sasaran-2029.csv", 2030)):
        columns, rows = importer.rows_from_csv(title + table, given, file_name)
        report = await importer.import_rows(store, importer.detect_kind(columns), rows,
                                            TODAY, sheet=True)
        assert (report.kind, report.created_or_updated, report.rejected) == (
            "targets", 2, []), (title, given, file_name)
        assert len(await store.find("targets", Query.of(year=year))) == 2, year
    for title, file_name in (("", "sasaran.csv"), ("SASARAN 2025 DAN 2026\n", "")):
        columns, _rows = importer.rows_from_csv(title + table, file_name=file_name)
        with pytest.raises(ValueError, match="names no year: add a Tahun column"):
            importer.detect_kind(columns)


async def test_a_facility_lists_day_of_its_ilp_stage_as_an_indonesian_list_writes_it(
        store) -> None:
    """"Tanggal" beside "Status ILP" is the day the puskesmas reached that stage, written
    day first as an Indonesian spreadsheet shows it; a list giving the day corrects one
    recorded without it (the day of an earlier import), one without a day keeps it."""
    await load(store, AREAS)
    header = "ID;Jenis;Nama;Kode Wilayah;Status ILP;Tanggal\n"
    undated = await load(store, header + "pkm-a;Puskesmas;Puskesmas Sidorejo;33.73.04;Kick off;\n")
    assert (await store.get("facilities", "pkm-a"))["rollout_dates"] == {
        "kick_off": TODAY.isoformat()}
    report = await load(store, header +
                        "pkm-a;Puskesmas;Puskesmas Sidorejo;33.73.04;Kick off;10/02/2026\n"
                        "pkm-b;Puskesmas;Puskesmas Lor;33.73.04;Launching;3 Maret 2026\n")
    assert (undated.rejected, report.created_or_updated, report.rejected) == ([], 2, [])
    pkm_a = await store.get("facilities", "pkm-a")
    assert pkm_a["rollout_dates"] == {"kick_off": "2026-02-10"}
    assert pkm_a["history"][-1]["change"] == (
        f"rollout kick_off dated 2026-02-10 (was {TODAY.isoformat()})")
    assert (await store.get("facilities", "pkm-b"))["rollout_dates"] == {
        "launched": "2026-03-03"}
    again = await load(store, header + "pkm-a;Puskesmas;Puskesmas Sidorejo;33.73.04;Kick off;\n")
    assert again.unchanged == 1  # no day given: the one recorded stays


async def test_a_worker_with_an_unreadable_phone_is_taken_without_it(store) -> None:
    """A worker list's bad phone number: the kader is the Dinkes's all the same (her
    visits come to her); the number is said, in Indonesian for an Indonesian reader –
    not in the English it was written in. Anything else wrong still refuses the row."""
    from ilp_kit.errors import said_in

    await load(store, AREAS)
    await load(store, "id;type;name;area_code\npsy-a;posyandu;Posyandu A;33.73.04.1001\n")
    report = await load(store, "Nama;Jabatan;Tempat Tugas;No. HP\nRina;Kader;psy-a;08123\n"
                               "Sari;Pilot;psy-a;08123\n")
    said = said_in(report.__dict__, "id")
    [row] = said["taken_without"]
    assert (row["line"], row["errors"][0]["reason"]) == (
        2, "nomor telepon ditulis +6281234567890 atau 081234567890, bukan '08123'")
    assert [r["line"] for r in said["rejected"]] == [3]  # not a role: refused whole
    [rina] = await store.find("workers")
    assert (rina["name"], rina.get("phone")) == ("Rina", None)


async def test_a_posyandu_in_a_desa_of_dusun_lies_in_its_dusun(store) -> None:
    """Outside Java a facility list says which dusun a posyandu serves, not which RW:
    its place, said as a dusun ("1" is Dusun 1), for the kader covering it."""
    await load(store, AREAS)
    header, rows = importer.rows_from_csv(
        "ID;Jenis;Nama;Kode Desa;Dusun\n"
        "psy-a;Posyandu;Posyandu Kasih;33.73.04.1001;1\n"
        "psy-b;Posyandu;Posyandu Wee;33.73.04.1001;Dusun Wee Londa\n")
    report = await importer.import_rows(store, importer.detect_kind(header), rows, TODAY,
                                        sheet=True)
    assert (report.created_or_updated, report.rejected, report.columns_not_read) == (2, [], [])
    assert [(await store.get("facilities", f))["rw"] for f in ("psy-a", "psy-b")] == [
        "Dusun 1", "Dusun Wee Londa"]


async def test_a_worker_who_left_is_not_brought_back_by_the_months_list(store) -> None:
    """Whether she still works is changed by its own command, as a facility's status is:
    the same list imported again leaves a kader who left as she is (her visits stay with
    whoever took them); `PUT workers/{id}/status` brings her back."""
    from ilp_registry import commands

    await load(store, AREAS)
    await load(store, "id;type;name;area_code\npsy-a;posyandu;Posyandu A;33.73.04.1001\n")
    workers = "id;name;role;facility_id\nkdr-a;Rina;kader;psy-a\n"
    assert (await load(store, workers)).created_or_updated == 1
    async with store.transaction() as tx:
        await commands.set_worker_active(tx, "kdr-a", False)
    events = await store.outbox_backlog()
    again = await load(store, workers)
    assert (again.unchanged, again.created_or_updated) == (1, 0)
    assert (await store.get("workers", "kdr-a"))["active"] is False
    assert await store.outbox_backlog() == events  # nothing announced
    renamed = await load(store, "id;name;role;facility_id\nkdr-a;Rina Wati;kader;psy-a\n")
    assert renamed.created_or_updated == 1
    assert (await store.get("workers", "kdr-a"))["active"] is False  # renamed, still gone


def test_a_puskesmas_admin_imports_her_lists_but_not_wilayah() -> None:
    """As the single endpoints allow: her facilities, workers, dusun/RW/RT and sasaran
    (each row still within her wilayah), not the wilayah themselves – the import was the
    Dinkes's alone, so a puskesmas admin could add her kader one request at a time only."""
    from ilp_kit.errors import ForbiddenError
    from ilp_registry.api import _may_import

    admin = Principal(subject="pkm", roles=frozenset({"puskesmas_admin"}),
                      wilayah=("33.73.04.1001",), facilities=("pkm-a",))
    for kinds in (["workers"], ["facilities", "targets", "local_units"]):
        _may_import(admin, kinds)
    for kinds in (["areas"], {"areas": [], "workers": []}):
        with pytest.raises(ForbiddenError):
            _may_import(admin, kinds)
    _may_import(Principal(subject="dinkes", roles=frozenset({"dinkes_admin"}),
                          wilayah=("33.73",)), ["areas"])


async def test_a_worker_list_writes_no_phone_as_a_dash_and_two_as_one_cell(store) -> None:
    """"-" or "tidak ada" where a kader has no phone is no phone, not a refused kader;
    two numbers in one cell are her first."""
    await load(store, AREAS)
    await load(store, "type,name,area_code\nposyandu,Posyandu Kenanga,33.73.04.1001\n")
    workers = await load(store, "Nama;Jabatan;Tempat Tugas;No HP\n"
                                "Sri;Kader;Kenanga;-\nTini;Kader;Kenanga;tidak ada\n"
                                "Umi;Kader;Kenanga;0812 3456 7890 / 0813-1111-2222\n"
                                "Ani;Kader;Kenanga;–\n")
    assert (workers.rejected, workers.created_or_updated) == ([], 4)
    phones = {w["name"]: w.get("phone") for w in await store.find("workers")}
    assert phones == {"Sri": None, "Tini": None, "Umi": "+6281234567890", "Ani": None}


async def test_a_puskesmas_column_is_what_its_list_makes_it(store) -> None:
    """A *Data Sasaran* per puskesmas is each puskesmas's kecamatan's, where it serves
    its kecamatan alone (one of two serves part of one: refused, to give it per desa); a
    facility list's *Puskesmas* is the facility's puskesmas – a puskesmas's own row
    naming itself has none –; a worker list's, her workplace."""
    await load(store, AREAS)
    await load(store, "code,name\n33.73.01,Argomulyo\n33.73.01.1001,Sidorejo Lor\n")
    sheet = partial(load_sheet, store, wilayah="33.73")
    facilities = await sheet(
        "Nama;Jenis;Kecamatan;Desa;Puskesmas\n"
        "Puskesmas Sidorejo;Puskesmas;Sidorejo;;Puskesmas Sidorejo\n"
        "Puskesmas Tingkir Lor;Puskesmas;Argomulyo;;Puskesmas Tingkir Lor\n"
        "Puskesmas Cebongan;Puskesmas;Argomulyo;;Puskesmas Cebongan\n"
        "Posyandu Kenanga;Posyandu;Sidorejo;Blotongan;Puskesmas Sidorejo\n")
    assert (facilities.rejected, facilities.columns_not_read) == ([], [])
    parents = {f["name"]: f.get("parent_facility_id") for f in await store.find("facilities")}
    sidorejo = next(f["id"] for f in await store.find("facilities")
                    if f["name"] == "Puskesmas Sidorejo")
    assert parents["Puskesmas Sidorejo"] is None and parents["Posyandu Kenanga"] == sidorejo
    sasaran = await sheet("DATA SASARAN PUSKESMAS TAHUN 2026\nPuskesmas;Balita;Lansia\n"
                          "Puskesmas Sidorejo;800;640\nPuskesmas Cebongan;300;200\n")
    assert sasaran.created_or_updated == 2 and [  # once, not once a group
        (r["line"], r["errors"][0]["type"]) for r in sasaran.rejected] == [
        (4, "puskesmas_shares_kecamatan")]
    assert {(t["area_code"], t["group"], t["count"]) for t in await store.find(
        "targets", Query.of(area_code="33.73.04"))} == {("33.73.04", "balita", 800),
                                                        ("33.73.04", "lansia", 640)}
    workers = await sheet("Nama;Jabatan;Puskesmas\nDr. Ani;Dokter;Puskesmas Sidorejo\n")
    assert workers.rejected == []
    [ani] = await store.find("workers")
    assert ani["facility_id"] == sidorejo


def test_a_titled_sasaran_table_names_its_columns_as_written() -> None:
    """A refusal names the column as the sheet writes it – also under a title, where the
    table's header is told by its group columns."""
    text = "DATA SASARAN PER PUSKESMAS TAHUN 2026\nPuskesmas;Bayi;Ibu Hamil\nPuskesmas A;4;5\n"
    assert importer.written_columns_of(text) == {
        "puskesmas_name": "Puskesmas", "bayi": "Bayi", "ibu_hamil": "Ibu Hamil"}


async def test_a_posyandu_list_with_its_pustu_and_puskesmas(store) -> None:
    """Each row gives its pustu and puskesmas: a posyandu belongs to its pustu, a pustu
    (its own name under Pustu) to the puskesmas; a worker list's Pustu is her workplace;
    a wilayah list's Puskesmas column is read past, said so."""
    await load(store, AREAS)
    rows = ("Nama;Jenis;Kecamatan;Desa;Pustu;Puskesmas\n"
            "Puskesmas Sidorejo;Puskesmas;Sidorejo;;;Puskesmas Sidorejo\n"
            "Pustu Blotongan;Pustu;Sidorejo;Blotongan;Pustu Blotongan;Puskesmas Sidorejo\n"
            "Posyandu Kenanga;Posyandu;Sidorejo;Blotongan;Pustu Blotongan;Puskesmas Sidorejo\n"
            "Posyandu Melati;Posyandu;Sidorejo;Blotongan;;Puskesmas Sidorejo\n")
    report = await load_sheet(store, rows, "33.73")
    assert (report.rejected, report.columns_not_read) == ([], [])
    by_name = {f["name"]: f for f in await store.find("facilities")}
    assert by_name["Puskesmas Sidorejo"].get("parent_facility_id") is None
    assert by_name["Pustu Blotongan"]["parent_facility_id"] == by_name["Puskesmas Sidorejo"]["id"]
    assert by_name["Posyandu Kenanga"]["parent_facility_id"] == by_name["Pustu Blotongan"]["id"]
    assert by_name["Posyandu Melati"]["parent_facility_id"] == by_name["Puskesmas Sidorejo"]["id"]
    workers = await load(store, "Nama;Jabatan;Pustu\nBidan Sri;Bidan;Pustu Blotongan\n")
    assert workers.rejected == []
    areas = importer.rows_from_csv("Kode;Nama;Puskesmas\n33.73.04.1009;Baru;Puskesmas X\n")
    report = await importer.import_rows(store, "areas", areas[1], TODAY, sheet=True)
    assert (report.rejected, report.columns_not_read) == ([], ["puskesmas"])
