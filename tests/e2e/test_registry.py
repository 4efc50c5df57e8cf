"""Registry end to end: the embedded demo loads the sample kota; an import through the API
reaches the PWS and notify read copies as events; rollout, staffing, ETags, and a kader
who leaves hands her tasks over."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from ilp_platform.embedded import Platform

from .helpers import eventually, free_port_block, tasks

KEC = "33.75.02"  # Kota Pekalongan, a kota the sample does not contain
AREAS = f"""code,name
33.75,Kota Pekalongan
{KEC},Pekalongan Timur
{KEC}.1001,Noyontaan
{KEC}.1002,Sugihwaras
{KEC}.9001,Kode Salah
"""
FACILITIES = f"""id,type,name,area_code,rw,parent_facility_id,working_area,rollout_status
pkm-noyontaan,puskesmas,Puskesmas Noyontaan,{KEC},,,{KEC}.1001;{KEC}.1002,sosialisasi
pustu-sugihwaras,pustu,Pustu Sugihwaras,{KEC}.1002,,pkm-noyontaan,,
psy-kenanga,posyandu,Posyandu Kenanga,{KEC}.1002,RW 04,pustu-sugihwaras,,
"""
WORKERS = """id,name,role,facility_id,coverage
kader-rina,Rina,kader,psy-kenanga,RW 04
kader-umi,Umi,kader,psy-kenanga,RW 04
bidan-yuni,Yuni,bidan,pustu-sugihwaras,
"""


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("registry"), ports, ports + 1, ports + 2)
    platform.start()
    yield platform
    platform.stop()


def client(platform: Platform, name: str) -> httpx.Client:
    return httpx.Client(base_url=platform.base_url_of(name), timeout=30)


def post_csv(registry: httpx.Client, text: str) -> dict:
    reply = registry.post("/import", content=text, headers={"Content-Type": "text/csv"})
    assert reply.status_code == 200, reply.text
    return next(iter(reply.json().values()))


def test_demo_loads_the_sample_kota_with_rollout_and_staffing(platform: Platform) -> None:
    registry = client(platform, "registry")
    summary = registry.get("/rollout/summary", params={"area_code": "3373"}).json()
    assert summary["puskesmas"] == 6
    assert summary["text"] == "4 dari 6 puskesmas launching, 1 kick-off, 1 sosialisasi"
    gaps = registry.get("/staffing/pustu", params={"area_code": "33.73"}).json()
    assert gaps and all(g["missing"] for g in gaps)
    everyone = registry.get("/staffing/pustu",
                            params={"area_code": "33.73", "only_gaps": "false"}).json()
    assert len(everyone) == 23  # a pustu in every kelurahan
    # and a posyandu, and a puskesmas whose working area names it: no gaps in the network
    assert registry.get("/network/gaps", params={"area_code": "33.73"}).json() == []
    villages = eventually(lambda: len(client(platform, "pws").get(
        "/areas", params={"level": "village"}).json()) >= 23 or None)
    assert villages


def test_import_reaches_pws_and_notify_through_events(platform: Platform) -> None:
    registry = client(platform, "registry")
    areas = post_csv(registry, AREAS)
    assert areas["created_or_updated"] == 4
    assert [(r["line"], r["errors"][0]["type"]) for r in areas["rejected"]] == [
        (6, "invalid_area_code")]
    assert post_csv(registry, FACILITIES)["rejected"] == []
    assert post_csv(registry, WORKERS)["rejected"] == []
    assert post_csv(registry, WORKERS)["unchanged"] == 3  # idempotent re-import
    # Noyontaan has neither a pustu nor a posyandu yet; its puskesmas serves it by name
    assert registry.get("/network/gaps", params={"area_code": KEC}).json() == [
        {"area_code": f"{KEC}.1001", "area_name": "Noyontaan",
         "missing": ["pustu", "posyandu"]}]

    pws = client(platform, "pws")
    eventually(lambda: {a["code"] for a in pws.get("/areas", params={"parent": KEC}).json()}
               == {f"{KEC}.1001", f"{KEC}.1002"} or None)
    # notify knows the kader: a finding at her posyandu becomes her task.
    screening = client(platform, "screening")

    def recorded() -> dict | None:
        reply = screening.post("/screenings", headers={"Idempotency-Key": str(uuid.uuid4())},
                               json={"person": {"nik": "3375025101984321",
                                                "name": "Ibu", "sex": "F",
                                                "birth_date": "1998-01-11"},
                                     "posyandu_id": "psy-kenanga", "screened_on": "2026-11-20",
                                     "pregnancy": {"gestational_weeks": 14, "anc_visit": 1},
                                     "measurements": {"muac_cm": 21.0}})
        assert reply.status_code in (201, 422), reply.text
        if reply.status_code == 422:  # the posyandu has not reached screening yet
            assert reply.json()["detail"][0]["type"] == "unknown_posyandu", reply.text
        return reply.json() if reply.status_code == 201 else None
    eventually(recorded)
    notify = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    [task] = eventually(lambda: tasks(notify, area_code=f"{KEC}.1002") or None)
    assert task["assignee_id"] in {"kader-rina", "kader-umi"}

    # The kader leaves: her open task passes to the other kader of the posyandu.
    leaving = task["assignee_id"]
    registry.put(f"/workers/{leaving}/status", json={"active": False}).raise_for_status()
    [moved] = eventually(lambda: [t for t in tasks(notify, area_code=f"{KEC}.1002")
                                  if t["assignee_id"] not in (leaving, None)] or None)
    assert moved["task_id"] == task["task_id"]
    assert moved["assignee_id"] == ({"kader-rina", "kader-umi"} - {leaving}).pop()


def test_targets_still_to_set_are_listed_per_desa(platform: Platform) -> None:
    registry = client(platform, "registry")
    post_csv(registry, AREAS)  # as in the import test: creating it again changes nothing
    assert registry.put("/targets", json={"area_code": f"{KEC}.1001", "year": 2026,
                                          "group": "balita", "count": 90}).status_code == 200
    missing = registry.get("/targets/missing", params={"area_code": "3375", "year": 2026}
                           ).json()
    assert [(m["area_code"], m["area_name"]) for m in missing] == [
        (f"{KEC}.1001", "Noyontaan"), (f"{KEC}.1002", "Sugihwaras")]
    assert "balita" not in missing[0]["missing"] and len(missing[1]["missing"]) == 6
    # The sample kota has every sasaran of 2026 set, none of 2027.
    assert registry.get("/targets/missing", params={"area_code": "33.73", "year": 2026}
                        ).json() == []
    assert len(registry.get("/targets/missing", params={"area_code": "33.73.04",
                                                        "year": 2027}).json()) == 6


def test_rollout_history_and_single_request_refusals(platform: Platform) -> None:
    registry = client(platform, "registry")
    registry.post("/areas", json={"code": "33.76", "name": "Kota Tegal"}).raise_for_status()
    registry.post("/areas", json={"code": "33.76.01", "name": "Tegal Barat"}).raise_for_status()
    created = registry.post("/facilities", json={"id": "pkm-tegal-barat", "type": "puskesmas",
                                                 "name": "Puskesmas Tegal Barat",
                                                 "area_code": "3376010"[:6]})
    assert created.status_code == 201, created.text
    assert registry.post("/facilities", json={"id": "pkm-tegal-barat", "type": "puskesmas",
                                              "name": "Puskesmas Tegal Barat",
                                              "area_code": "33.76.01"}).status_code == 200
    launched = registry.put("/facilities/pkm-tegal-barat/rollout",
                            json={"status": "launched", "on": "2026-10-01"}).json()
    assert launched["rollout_dates"] == {"launched": "2026-10-01"}
    back = registry.put("/facilities/pkm-tegal-barat/rollout", json={"status": "sosialisasi"})
    assert back.status_code == 422 and back.json()["detail"][0]["type"] == "rollout_backwards"
    closed = registry.put("/facilities/pkm-tegal-barat/status",
                          json={"active": False, "reason": "digabung", "on": "2026-11-01"})
    assert [h["change"] for h in closed.json()["history"]] == [
        "registered", "rollout launched", "deactivated"]
    renamed = registry.post("/areas", json={"code": "33.76.01", "name": "Tegal Barat Baru"})
    assert renamed.status_code == 422 and renamed.json()["detail"][0]["type"] == "duplicate_code"
    assert registry.put("/areas/33.76.01", json={"name": "Tegal Barat Baru"}).json()[
        "name"] == "Tegal Barat Baru"
    negative = registry.put("/targets", json={"area_code": "33.76.01", "year": 2026,
                                              "group": "lansia", "count": -3})
    assert negative.status_code == 422 and negative.json()["detail"][0]["loc"] == [
        "body", "count"]
    assert registry.get("/targets", params={"area_code": "33.76"}).json() == []


def test_reads_page_with_links_and_answer_304_to_a_known_etag(platform: Platform) -> None:
    registry = client(platform, "registry")
    first = registry.get("/areas", params={"within": "33.73", "limit": 10})
    assert len(first.json()) == 10 and 'rel="next"' in first.headers["link"]
    tag = first.headers["etag"]
    assert registry.get("/areas", params={"within": "33.73", "limit": 10},
                        headers={"If-None-Match": tag}).status_code == 304
    following = httpx.get(first.links["next"]["url"], timeout=10).json()
    assert {a["code"] for a in following}.isdisjoint({a["code"] for a in first.json()})
    posyandu = registry.get("/facilities", params={"area_code": "33.73.04.1001",
                                                   "type": "posyandu"}).json()
    assert posyandu and all(p["parent_facility_id"] == "pustu-blotongan" for p in posyandu)


def test_a_wilayah_file_excel_saved_on_windows_is_read_as_written(platform: Platform) -> None:
    """Windows-1252, as Excel on Windows saves plain "CSV": it was a 500."""
    registry = client(platform, "registry")
    text = f"kode;nama\n33.75;Kota Pekalongan\n{KEC};Pekalongan Timur\n{KEC}.1003;Kel. Ma’rifat\n"
    reply = registry.post("/import", content=text.encode("cp1252"),
                          headers={"Content-Type": "text/csv"})
    assert reply.status_code == 200, reply.text
    assert registry.get(f"/areas/{KEC}.1003").json()["name"] == "Kel. Ma’rifat"


def test_a_dinkes_folder_named_in_indonesian_loads_in_dependency_order(
        platform: Platform, tmp_path) -> None:
    """Dinkes Gunungkidul's own folder: wilayah.csv, fasilitas.csv, nakes.csv, sasaran.csv
    (Excel's `;`, Indonesian headers, "Launching"). By name the facilities came before
    their wilayah and every row of three files was refused; the kind each header tells
    now orders them."""
    import io

    from ilp_platform.registry_import import import_registry
    from rich.console import Console

    files = {
        "wilayah.csv": "kode;nama\n34;DAERAH ISTIMEWA YOGYAKARTA\n34.03;KABUPATEN GUNUNGKIDUL\n"
                       "34.03.01;WONOSARI\n34.03.01.2001;Wonosari\n34.03.01.2002;Baleharjo\n",
        "fasilitas.csv": "ID;Jenis;Nama;Kode Desa;Induk;Wilayah Kerja;Status ILP\n"
                         "pkm-wonosari-1;Puskesmas;Puskesmas Wonosari I;34.03.01;;"
                         "34.03.01.2001,34.03.01.2002;Launching\n"
                         "pustu-baleharjo;Puskesmas Pembantu;Pustu Baleharjo;34.03.01.2002;"
                         "pkm-wonosari-1;;\n"
                         "psy-melati;Posyandu;Posyandu Melati;3403012002;pustu-baleharjo;;\n",
        "nakes.csv": "ID;Nama;Jabatan;Tempat Tugas;No. HP\n"
                     "bd-sri;Sri Lestari;Bidan Desa;pustu-baleharjo;0812-2700-1111\n"
                     "kdr-tutik;Tutik;Kader;psy-melati;\n",
        "sasaran.csv": "Kode Desa;Tahun;Kelompok Sasaran;Jumlah\n"
                       "34.03.01.2002;2026;Balita;1.120\n34.03.01.2002;2026;Bumil;96\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    said = io.StringIO()
    refused = import_registry(tmp_path, platform.service_url("registry"), Console(file=said),
                              token=platform.operator_token())
    assert refused == 0, said.getvalue()
    registry = client(platform, "registry")
    puskesmas = registry.get("/facilities/pkm-wonosari-1").json()
    assert puskesmas["rollout_status"] == "launched"
    assert puskesmas["working_area"] == ["34.03.01.2001", "34.03.01.2002"]
    assert {w["id"] for w in registry.get("/workers", params={
        "area_code": "34.03.01.2002"}).json()} == {"bd-sri", "kdr-tutik"}
    assert {t["group"]: t["count"] for t in registry.get("/targets", params={
        "area_code": "34.03.01.2002"}).json()} == {"balita": 1120, "ibu_hamil": 96}


def test_a_worker_at_a_facility_refused_in_the_facility_file_is_told_which_line(
        platform: Platform, tmp_path) -> None:
    """A folder whose facility file refuses a row (a rollout stage nobody knows): the
    worker file's rows at that facility – by its code or its name – say which line of
    which file to mend, not that the facility "is not registered"."""
    import io

    from ilp_platform.registry_import import import_registry
    from rich.console import Console

    files = {
        "wilayah.csv": "kode;nama\n61;KALIMANTAN BARAT\n61.71;KOTA PONTIANAK\n"
                       "61.71.02;PONTIANAK TIMUR\n61.71.02.1001;SAIGON\n",
        "fasilitas.csv": "Kode;Jenis Fasilitas;Nama Fasilitas;Kecamatan;Status ILP\n"
                         "PKM-SAI;Puskesmas;UPT Puskesmas Saigon;Pontianak Timur;Tahap 2\n",
        "petugas.csv": "NIP;Nama;Jabatan;Tempat Tugas\n"
                       "B-101;Wulan;Bidan;PKM-SAI\nP-101;Rudi;Perawat;UPT Puskesmas Saigon\n"
                       "P-102;Dian;Perawat;Puskesmas Lain\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    said = io.StringIO()
    refused = import_registry(tmp_path, platform.service_url("registry"),
                              Console(file=said, width=400), token=platform.operator_token())
    lines = said.getvalue().splitlines()
    assert refused == 4, said.getvalue()
    workers = [line for line in lines if line.startswith("petugas.csv baris")]
    assert workers[:2] == [
        "petugas.csv baris 2: Tempat Tugas: fasilitas PKM-SAI ditolak di baris 2 "
        "fasilitas.csv: perbaiki baris itu lalu impor lagi",
        "petugas.csv baris 3: Tempat Tugas: fasilitas UPT Puskesmas Saigon ditolak di baris 2 "
        "fasilitas.csv: perbaiki baris itu lalu impor lagi"], workers
    assert "tidak terdaftar" in workers[2]


def test_a_dinkes_workbook_loads_sheet_by_sheet(platform: Platform, tmp_path,
                                                workbook) -> None:
    """One Excel workbook, a sheet a kind and in any order (the posyandu before their
    wilayah here), codes typed as numbers; a file no spreadsheet can read is refused
    saying so."""
    import io

    from ilp_platform.registry_import import import_registry
    from rich.console import Console

    (tmp_path / "master-data.xlsx").write_bytes(workbook(Posyandu=[
        ["ID", "Jenis", "Nama", "Kode Desa"],
        ["psy-dahlia", "Posyandu", "Posyandu Dahlia", 3501012001]], Wilayah=[
        ["Kode", "Nama"], ["35", "Jawa Timur"], ["35.01", "Kab. Pacitan"],
        ["35.01.01", "Donorojo"], [3501012001, "Sawahan"], [3501012002, "Gunungsari"]],
        Sasaran=[["Kode Desa", "Tahun", "Sasaran Balita", "Bumil", "Usia 15+"],
                 [3501012001, 2026, 210, 31, "1.840"], [3501012002, 2026, 150, 22, 1290]],
        # Pusdatin's next year, its year in the sheet's name only
        **{"Sasaran 2027": [["Kode Desa", "Sasaran Balita"], [3501012001, 215]]}))
    said = io.StringIO()
    refused = import_registry(tmp_path / "master-data.xlsx", platform.service_url("registry"),
                              Console(file=said), token=platform.operator_token())
    assert refused == 0, said.getvalue()
    assert "master-data.xlsx [Wilayah]: 5 baris" in said.getvalue()
    # a desa a row, a column per group: its rows said as the sheet's, with the targets
    assert "[Sasaran]: 2 baris (6 sasaran) tahun 2026, 6 baru/diubah" in said.getvalue()
    assert "[Sasaran 2027]: 1 baris tahun 2027, 1 baru/diubah" in said.getvalue()
    registry = client(platform, "registry")
    assert registry.get("/facilities/psy-dahlia").json()["area_code"] == "35.01.01.2001"
    assert {t["group"]: t["count"] for t in registry.get("/targets", params={
        "area_code": "35.01.01.2001", "year": 2026}).json()} == {
            "balita": 210, "ibu_hamil": 31, "usia_15_plus": 1840}
    assert [t["count"] for t in registry.get("/targets", params={
        "area_code": "35.01.01.2001", "year": 2027}).json()] == [215]

    (tmp_path / "rusak.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(SystemExit, match=r"rusak\.xls: not a workbook"):
        import_registry(tmp_path, platform.service_url("registry"), Console(file=said),
                        token=platform.operator_token())
    reply = registry.post("/import", content=(tmp_path / "rusak.xls").read_bytes(),
                          headers={"Content-Type": "application/vnd.ms-excel"})
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["type"] == "unreadable_spreadsheet"
