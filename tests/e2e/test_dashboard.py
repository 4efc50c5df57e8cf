"""The PWS dashboard in headless Chromium (Debian's): it loads, shows the numbers of a
seeded scenario, and updates by itself after a new screening. Screenshot: artifacts/."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from ilp_platform.embedded import Platform

from .helpers import (CHROMIUM, eventually, free_port_block, gateway_of, launch_chromium,
                      read_workbook)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                "(./ilp test installs it when run as root)")
DESA = {"33.73.04.1001": "Blotongan", "33.73.04.1002": "Sidorejo Lor", "33.73.04.2003": "Pulutan"}


def screening(desa_index: int, n: int, weight: float, height: float) -> dict:
    return {"person": {"nik": f"3373041011{24 - desa_index:02d}{n:04d}", "name": "Anak",
                       "sex": "M", "birth_date": f"20{24 - desa_index:02d}-11-10",
                       "rw": "RW 03", "rt": "002"},
            "posyandu_id": f"psy-{desa_index}", "screened_on": "2026-11-20",
            "measurements": {"weight_kg": weight, "height_cm": height, "measured_lying": False}}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("dashboard"), ports, ports + 1, ports + 2,
                        sample_registry=None)  # exact numbers need an empty registry
    platform.start()
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    for code, name in (("33", "Jawa Tengah"), ("33.73", "Kota Salatiga"),
                       ("33.73.04", "Sidorejo")):
        registry.post("/areas", json={"code": code, "name": name}).raise_for_status()
    for i, (code, name) in enumerate(DESA.items()):
        registry.post("/areas", json={"code": code, "name": name}).raise_for_status()
        registry.post("/facilities", json={"id": f"psy-{i}", "type": "posyandu",
                                           "name": f"Posyandu {name}", "area_code": code
                                           }).raise_for_status()
        registry.put("/targets", json={"area_code": code, "year": 2026, "group": "balita",
                                       "count": 40}).raise_for_status()
    registry.post("/workers", json={"id": "kader-siti", "name": "Siti Aminah", "role": "kader",
                                    "facility_id": "psy-0"}).raise_for_status()
    registry.post("/facilities", json={"id": "pustu-0", "type": "pustu", "name": "Pustu Blotongan",
                                       "area_code": "33.73.04.1001"}).raise_for_status()
    registry.post("/workers", json={"id": "bidan-ani", "name": "Bidan Ani", "role": "bidan",
                                    "facility_id": "pustu-0"}).raise_for_status()
    # the puskesmas's bidan, who works from the kecamatan
    registry.post("/facilities", json={"id": "pkm-0", "type": "puskesmas",
                                       "name": "Puskesmas Sidorejo", "area_code": "33.73.04"}
                  ).raise_for_status()
    registry.post("/workers", json={"id": "bidan-pkm", "name": "Bidan Puskesmas",
                                    "role": "bidan", "facility_id": "pkm-0"}).raise_for_status()
    # The page reads PWS, notify and the registry, as behind ./ilp up's gateway.
    with gateway_of(platform):
        yield platform
    platform.stop()


def record(platform: Platform, body: dict) -> None:
    client = httpx.Client(base_url=platform.base_url_of("screening"), timeout=10)
    eventually(lambda: client.post("/screenings", json=body, headers={
        "Idempotency-Key": str(uuid.uuid4())}).status_code == 201)


def test_dashboard_shows_numbers_and_updates_live(platform: Platform) -> None:
    from playwright.sync_api import sync_playwright

    record(platform, screening(0, 1, 9.1, 79.0))   # Blotongan: stunted + underweight
    record(platform, screening(0, 2, 12.2, 87.1))  # Blotongan: normal
    record(platform, screening(1, 3, 12.0, 86.0))  # Sidorejo Lor: normal
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    eventually(lambda: pws.get("/areas/33.73.04/indicators", params={"period": "2026-11"}
                               ).json()["indicators"][0]["numerator"] == 3)

    assert pws.get("/dashboard/sign-in").json() == {}  # tokens come in the link here
    ARTIFACTS.mkdir(exist_ok=True)
    url = f"{platform.base_url}/api/v1/pws/dashboard?area=33.73.04&period=2026-11"
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="id-ID")
        page.goto(url)
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        row = page.locator("tr[data-code='33.73.04.1001']")
        cells = row.locator("td .cell")
        # D/S: 2 of 40 balita weighed, up from none in October; stunting: 1 of 2 measured
        # (red against 14 %), measured in November only – no trend.
        assert cells.nth(0).inner_text() == "5%▲"
        assert cells.nth(2).inner_text() == "50%" and "red" in cells.nth(2).get_attribute("class")
        total = page.locator("tr.total td .cell").nth(0).inner_text()
        assert total == "2,5%▲"  # 3 of 120 across the kecamatan
        # the PWS chart: every desa, highest first, with its status
        assert page.locator("#bars rect.bar").evaluate_all(
            "bars => bars.map(b => b.textContent)") == [
            "Blotongan: 5%, cukup", "Sidorejo Lor: 2,5%, cukup", "Pulutan: 0%, jelek"]
        # the registers of the kecamatan, with names, for the bidan's report
        with page.expect_download() as register:
            page.click("#registers button[data-register='children']")
        assert register.value.suggested_filename == "kohort-balita-33.73.04.xlsx"
        kohort = read_workbook(register.value.path())
        assert kohort[0][:3] == ["nama", "jenis_kelamin", "tanggal_lahir"]
        assert len(kohort) == 4  # the three children
        assert all(isinstance(row[2], date) for row in kohort[1:])  # dates as dates
        # printed for the monthly review: the figures without the controls
        page.emulate_media(media="print")
        assert page.locator("#filters").is_hidden() and page.locator("#table").is_visible()
        assert page.locator("#visits th.act").is_hidden()
        page.emulate_media(media="screen")
        # The PWS status instead: short of the target but rising – cukup; no trend, none.
        page.select_option("#view", "status")
        page.wait_for_function("document.querySelector(\"tr[data-code='33.73.04.1001'] td "
                               ".cell\").innerText === 'cukup'", timeout=5000)
        assert cells.nth(2).inner_text() == "–" and page.locator("#legend-pct").is_hidden()
        page.select_option("#view", "pct")
        page.wait_for_function("document.querySelector(\"tr[data-code='33.73.04.1001'] td "
                               ".cell\").innerText === '5%▲'", timeout=5000)
        assert "Blotongan" in page.locator("#ranking").inner_text()
        assert "1 merah, 0 kuning, 1 jelek" in page.locator(
            "#ranking li", has_text="Pulutan").inner_text()  # its D/S: none, as in October
        assert page.locator("#trend polyline.series").count() == 1
        # 2026 sasaran only: the trend's December 2025 says its coverage cannot be trusted
        assert "2025-12" in page.locator("#trend-note").inner_text()
        assert "2026-11" not in page.locator("#trend-note").inner_text()
        # The two children's home visits, with the kader's name from the registry (the
        # posyandu of Sidorejo Lor has none yet).
        page.wait_for_function("document.querySelectorAll('#visits tr[data-task]').length"
                               " === 2", timeout=10000)
        visits = sorted(page.locator("#visits tr[data-task]").all_inner_texts())
        assert all("Balita bermasalah gizi" in v and "terbuka" in v for v in visits)
        # and what the screening found, in words
        assert any("Pendek / stunting (TB/U)" in found
                   for found in page.locator("#visits .findings").all_inner_texts())
        # where the household is, with the kader's name
        assert "Blotongan, RW 03, RT 002\tSiti Aminah (kunjungan kader)" in visits[0]
        # Sidorejo Lor has no kader and no pustu: the bidan of the only puskesmas of the
        # kecamatan, which serves all of it, stands in
        assert "Sidorejo Lor, RW 03, RT 002\tBidan Puskesmas (kunjungan kader)" in visits[1]
        # Kader Siti is ill: the visit is given to the desa's bidan from the list.
        siti = page.locator("#visits tr[data-task]", has_text="Siti Aminah (kunjungan kader)")
        task_id = siti.get_attribute("data-task")
        offered = siti.locator("select option").all_inner_texts()
        assert offered == ["Bidan Ani (bidan)", "Bidan Puskesmas (bidan)"]
        siti.locator("select").select_option("bidan-ani")
        siti.locator("button.assign").click()
        page.wait_for_selector("#visits tr[data-task]:has-text('Bidan Ani (kunjungan kader)')",
                               timeout=10000)
        notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
        given = notify.get(f"/tasks/{task_id}").json()
        assert (given["assignee_id"], given["assign_note"]) == ("bidan-ani",
                                                                "dialihkan lewat dasbor PWS")
        page.wait_for_selector("#live-dot.on", timeout=10000)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        with page.expect_download() as download:
            page.click("#download")  # an Excel workbook: opens the same in every locale
        assert download.value.suggested_filename == "pws-33.73.04-2026-11.xlsx"
        rows = read_workbook(download.value.path())
        assert rows[0][:3] == ["kode_wilayah", "nama_wilayah", "periode"]
        assert ["33.73.04.1001", "Blotongan", "2026-11", "balita_ditimbang",
                "Balita ditimbang (D/S)", 2, 40, 5.0] in [row[:8] for row in rows]

        record(platform, screening(2, 4, 9.0, 85.0))  # Pulutan: a new, severe case
        page.wait_for_function(
            "document.querySelector(\"tr[data-code='33.73.04.2003'] td .cell\").innerText"
            " === '2,5%▲'", timeout=10000)
        assert page.locator("tr.total td .cell").nth(0).inner_text() == "3,3%▲"
        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
        # a desa's bar in the PWS chart opens that desa (its posyandu as rows)
        page.click("#bars rect[data-code='33.73.04.2003']")
        page.wait_for_function("document.getElementById('table-title').innerText === "
                               "'Pulutan – 2026-11'", timeout=10000)
        assert page.locator("#village").input_value() == "33.73.04.2003"
        browser.close()


def test_one_life_cycle_stage_at_a_time(platform: Platform) -> None:
    """ILP is organised by life cycle: the table shows one stage's indicators when asked –
    here a 13-year-old girl's Hb (anaemic) and BMI-for-age (normal) among the school
    children and remaja of Pulutan – and every stage's again on "semua"."""
    from playwright.sync_api import sync_playwright

    record(platform, {"person": {"nik": "3373045203130002", "name": "Rina", "sex": "F",
                                 "birth_date": "2013-03-12"},
                      "posyandu_id": "psy-2", "screened_on": "2026-11-21",
                      "measurements": {"weight_kg": 40.0, "height_cm": 150.0, "hb": 11.2}})
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    eventually(lambda: {i["id"]: i["numerator"] for i in pws.get(
        "/areas/33.73.04.2003/indicators", params={"period": "2026-11"}).json()["indicators"]
                        }["remaja_putri_anemia"] == 1)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="id-ID")
        page.goto(f"{platform.base_url}/api/v1/pws/dashboard?area=33.73.04&period=2026-11")
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        every = page.locator("#table th[data-id]").count()
        page.evaluate("document.body.dataset.loaded = ''")
        page.select_option("#stage", "anak_remaja")
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        assert page.locator("#stage option:checked").inner_text() == "Anak sekolah & remaja"
        assert page.locator("#table th[data-id]").evaluate_all("ths => ths.map(t => t.dataset.id)"
                                                               ) == [
            "remaja_skrining", "remaja_putri_anemia", "remaja_putri_ttd", "siswi_hpv",
            "anak_remaja_kurus",
            "anak_remaja_gizi_lebih", "spm_pendidikan_dasar"]
        pulutan = page.locator("tr[data-code='33.73.04.2003'] td .cell")
        assert pulutan.nth(1).inner_text() == "100%"  # anaemic, of 1 girl tested
        assert pulutan.nth(2).inner_text() == "0%"  # not thin, of 1 measured
        assert "Cakupan skrining remaja" in page.locator("#trend-name").inner_text()
        # the desa needing attention first by this stage's indicators: Pulutan's anaemia
        assert page.locator("#ranking li").first.inner_text().startswith("Pulutan")
        # the SPM's services, in the SPM's order: what a Dinkes reports each year
        page.select_option("#stage", "spm")
        page.wait_for_function("document.querySelector('#table th[data-id]').dataset.id === "
                               "'ibu_hamil_k6'", timeout=10000)
        assert page.locator("#table th[data-id]").evaluate_all(
            "ths => ths.map(t => t.dataset.id)") == [
            "ibu_hamil_k6", "spm_ibu_bersalin", "kunjungan_neonatal_lengkap", "spm_balita",
            "spm_pendidikan_dasar", "spm_usia_produktif", "lansia_skrining", "spm_hipertensi",
            "spm_diabetes"]
        assert page.locator("#table th[data-id]").nth(4).inner_text().startswith("SPM 5 ")
        page.select_option("#stage", "")
        page.wait_for_function(f"document.querySelectorAll('#table th[data-id]').length === {every}",
                               timeout=10000)
        assert every >= 30
        # the kab/kota's ILP rollout, and each puskesmas's stage in its choice
        assert page.locator("#rollout").inner_text().startswith("Status ILP Kota Salatiga: ")
        assert page.locator("#puskesmas option[value='pkm-0']").inner_text() == \
            "Puskesmas Sidorejo · belum ILP"
        # which places have data this month: the pustu has none yet
        page.click("#reporting summary")
        assert "3 dari 4" in page.locator("#reporting").inner_text()
        assert "Blotongan: Pustu Blotongan" in page.locator("#reporting").inner_text()
        browser.close()
    reporting = pws.get("/areas/33.73.04/reporting", params={"period": "2026-11"}).json()
    assert (reporting["places"], reporting["reporting"]) == (4, 3)
    assert [p["code"] for p in reporting["silent"]] == ["pustu-0"]
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    registry.put("/facilities/pustu-0/status", json={"active": False}).raise_for_status()
    try:  # a place closed is no place that did not report
        assert eventually(lambda: pws.get("/areas/33.73.04/reporting", params={
            "period": "2026-11"}).json()["places"] == 3)
        assert pws.get("/puskesmas/pkm-0/reporting", params={"period": "2026-11"}
                       ).status_code == 200
    finally:
        registry.put("/facilities/pustu-0/status", json={"active": True}).raise_for_status()
    ranked = pws.get("/areas/33.73.04/ranking", params={"period": "2026-11",
                                                       "life_cycle": "anak_remaja"}).json()
    assert [(r["area_name"], r["red_indicators"]) for r in ranked][0] == (
        "Pulutan", ["remaja_putri_anemia", "remaja_putri_ttd"])  # (her Hb, no tablets)
    assert all(r["red_indicators"] == [] for r in ranked[1:])  # no remaja screened there
    unknown = pws.get("/areas/33.73.04/ranking", params={"period": "2026-11",
                                                        "life_cycle": "remaja"})
    assert unknown.status_code == 422 and "anak_remaja" in unknown.json()["detail"][0]["msg"]
    assert "spm" in unknown.json()["detail"][0]["msg"]
    spm_sheet = pws.get("/areas/33.73.04/table.csv", params={"period": "2026-11",
                                                            "life_cycle": "spm"}).text
    kecamatan = [line.split(",")[3] for line in spm_sheet.splitlines()[1:]
                 if line.startswith("33.73.04,")]
    assert kecamatan == ["ibu_hamil_k6", "spm_ibu_bersalin", "kunjungan_neonatal_lengkap",
                         "spm_balita", "spm_pendidikan_dasar", "spm_usia_produktif",
                         "lansia_skrining", "spm_hipertensi", "spm_diabetes"]  # the Dinkes's SPM report
    assert pws.get("/areas/33.73.04/table.csv", params={
        "period": "2026-11", "life_cycle": "remaja"}).status_code == 422
    by_spm = pws.get("/areas/33.73.04/ranking", params={"period": "2026-11",
                                                       "life_cycle": "spm"}).json()
    assert {red for r in by_spm for red in r["red_indicators"]} <= {
        "ibu_hamil_k6", "spm_ibu_bersalin", "kunjungan_neonatal_lengkap", "spm_balita",
        "spm_pendidikan_dasar", "spm_usia_produktif", "lansia_skrining", "spm_hipertensi",
        "spm_diabetes"}


def test_below_a_desa_the_table_shows_its_posyandu(platform: Platform) -> None:
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    table = eventually(lambda: pws.get("/areas/33.73.04.1001/table",
                                       params={"period": "2026-11"}).json())
    posyandu, pustu = sorted(table["rows"], key=lambda row: row["level"])
    assert posyandu["area_code"] == "psy-0" and posyandu["level"] == "posyandu"
    assert pustu["area_code"] == "pustu-0"  # where screenings may be made too; none were
    stunting = next(i for i in posyandu["indicators"] if i["id"] == "balita_stunting")
    assert (stunting["numerator"], stunting["denominator"]) == (1, 2)
    csv_text = pws.get("/areas/33.73.04/table.csv", params={"period": "2026-11"}).text
    assert csv_text.splitlines()[0].startswith("kode_wilayah,nama_wilayah,periode")
    assert "33.73.04.1001,Blotongan,2026-11,balita_stunting" in csv_text


def test_puskesmas_working_area_rolls_up_its_desa(platform: Platform) -> None:
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    reply = registry.post("/facilities", json={
        "id": "pkm-sidorejo", "type": "puskesmas", "name": "Puskesmas Sidorejo",
        "area_code": "33.73.04", "working_area": ["3373041001", "33.73.04.1002"]})
    assert reply.status_code == 201, reply.text
    bad = registry.post("/facilities", json={"type": "puskesmas", "name": "X",
                                             "area_code": "33.73.04",
                                             "working_area": ["33.73.04"]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == [
        "body", "working_area", 0]
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    table = eventually(lambda: (r := pws.get("/puskesmas/pkm-sidorejo/table",
                                             params={"period": "2026-11"})).status_code == 200
                       and r.json())
    assert [row["area_code"] for row in table["rows"]] == ["33.73.04.1001", "33.73.04.1002"]
    weighed = table["area"]["indicators"][0]
    assert (weighed["numerator"], weighed["denominator"]) == (3, 80)  # Pulutan not included


def test_a_puskesmas_without_a_working_area_rolls_up_the_desa_under_it(
        platform: Platform) -> None:
    """A Dinkes that registered its network by parent facility and no working area: the
    desa of the pustu and posyandu under the puskesmas are its rows."""
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    for body in ({"id": "pkm-induk", "type": "puskesmas", "name": "Puskesmas Induk",
                  "area_code": "33.73.04"},
                 {"id": "pustu-induk", "type": "pustu", "name": "Pustu Induk",
                  "area_code": "33.73.04.2003", "parent_facility_id": "pkm-induk"},
                 {"id": "psy-induk", "type": "posyandu", "name": "Posyandu Induk",
                  "area_code": "33.73.04.1002", "parent_facility_id": "pustu-induk"}):
        registry.post("/facilities", json=body).raise_for_status()
    assert eventually(lambda: puskesmas_rows(platform, "pkm-induk", 2)) == [
        "33.73.04.1002", "33.73.04.2003"]


def test_the_only_puskesmas_of_a_kecamatan_rolls_up_all_of_it(platform: Platform) -> None:
    """Permenkes 43/2019: the only puskesmas of its kecamatan, naming no working area,
    serves every desa of it – one with no posyandu registered yet among its rows."""
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    for code, name in (("33.73.02", "Tingkir"), ("33.73.02.1001", "Kutowinangun"),
                       ("33.73.02.1002", "Gendongan")):
        registry.post("/areas", json={"code": code, "name": name}).raise_for_status()
    for body in ({"id": "pkm-tingkir", "type": "puskesmas", "name": "Puskesmas Tingkir",
                  "area_code": "33.73.02"},
                 {"id": "psy-kuto", "type": "posyandu", "name": "Posyandu Kuto",
                  "area_code": "33.73.02.1001"}):
        registry.post("/facilities", json=body).raise_for_status()
    assert eventually(lambda: puskesmas_rows(platform, "pkm-tingkir", 2)) == [
        "33.73.02.1001", "33.73.02.1002"]


def puskesmas_rows(platform: Platform, puskesmas: str, expected: int) -> list[str] | None:
    """The desa of a puskesmas's PWS table, once it has the rows expected."""
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    reply = pws.get(f"/puskesmas/{puskesmas}/table", params={"period": "2026-11"})
    codes = [row["area_code"] for row in reply.json()["rows"]] if reply.is_success else []
    return codes if len(codes) == expected else None


def unsigned_token(*roles: str, facilities: tuple[str, ...] = ()) -> str:
    """What the page reads of a token: its roles, wilayah and facilities (the services
    check its signature; here authentication is off, so they ignore it)."""
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    claims = {"roles": list(roles), "wilayah": ["*"], "facilities": list(facilities)}
    return f"{part({'alg': 'none'})}.{part(claims)}.x"


def test_a_puskesmas_admin_opens_on_her_puskesmas_working_area(platform: Platform) -> None:
    """Rows are the desa of its working area (they may lie in several kecamatan), ranked
    and trended together, refreshed when one of them changes; choosing an administrative
    area goes back to its view."""
    from playwright.sync_api import sync_playwright

    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    registry.post("/facilities", json={
        "id": "pkm-sidorejo", "type": "puskesmas", "name": "Puskesmas Sidorejo",
        "area_code": "33.73.04", "working_area": ["3373041001", "33.73.04.1002"]}
                  ).raise_for_status()
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    eventually(lambda: pws.get("/puskesmas/pkm-sidorejo/table",
                               params={"period": "2026-11"}).status_code == 200)
    url = f"{platform.base_url}/api/v1/pws/dashboard?period=2026-11#token="
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        streams: list[str] = []
        page.on("request", lambda r: "/live?" in r.url and streams.append(r.url))
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(url + unsigned_token("puskesmas_admin", facilities=("pkm-sidorejo",)))
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        title = page.locator("#table-title").inner_text()
        rows = page.locator("#table tbody tr:not(.total)").evaluate_all(
            "rows => rows.map(r => r.dataset.code)")
        ranked = page.locator("#ranking li").count()
        last_point = page.locator("#trend circle title").last.text_content()
        record(platform, screening(1, 9, 12.0, 86.0))  # Sidorejo Lor, heard live
        page.wait_for_function(
            "document.querySelector('tr.total td .cell').innerText === '5%▲'", timeout=10000)
        with page.expect_download() as download:
            page.click("#download")
        saved = (download.value.suggested_filename,
                 [row[:3] for row in read_workbook(download.value.path())])
        page.evaluate("document.body.dataset.loaded = ''")
        page.select_option("#district", "33.73.04")
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        back = (page.locator("#table-title").inner_text(),
                page.locator("#puskesmas").input_value())
        browser.close()
    assert title == "Puskesmas Sidorejo – 2026-11"
    assert rows == ["33.73.04.1001", "33.73.04.1002"] and ranked == 2
    assert any("/live?puskesmas=pkm-sidorejo" in url for url in streams)  # its desa's
    assert "/live?area_code=33.73.04" in streams[-1]  # then the kecamatan's
    assert last_point == "2026-11: 3,8%"  # both desa: 3 of 80 balita weighed
    assert saved[0] == "pws-pkm-sidorejo-2026-11.xlsx"
    assert ["pkm-sidorejo", "Puskesmas Sidorejo", "2026-11"] in saved[1]
    assert ["33.73.04.1002", "Sidorejo Lor", "2026-11"] in saved[1]
    assert back == ("Sidorejo – 2026-11", "")
    assert errors == []  # not even a missing favicon


def test_home_visits_are_shown_and_given_by_role(platform: Platform) -> None:
    """The operator (aggregates only) is told why she sees no visits; a kader sees them –
    whom each is for, by name – but cannot give them to somebody else; a bidan can. In a
    kota's view too, a visit names its desa."""
    from playwright.sync_api import sync_playwright

    # the kota: its table names kecamatan, and the visits still name their desa
    url = f"{platform.base_url}/api/v1/pws/dashboard?area=33.73&period=2026-11#token="
    with sync_playwright() as p:
        browser = launch_chromium(p)
        seen = {}
        reads: list[str] = []
        for role in ("operator", "kader", "bidan"):
            page = browser.new_page()
            page.on("request", lambda r: "/persons/read" in r.url and reads.append(r.url))
            page.goto(url + unsigned_token(role))
            page.wait_for_selector("body[data-loaded='1']", timeout=15000)
            visits = page.locator("#visits tbody")
            seen[role] = (visits.locator("tr[data-task]").count(),
                          visits.locator("select").count(), visits.inner_text())
            if role == "bidan":  # the names are read once a page, not at every refresh
                page.evaluate("document.body.dataset.loaded = ''")
                page.select_option("#view", "status")
                page.wait_for_selector("body[data-loaded='1']", timeout=15000)
            page.close()
        # A visit made for several reasons names each (notify's `also_labels`).
        page = browser.new_page()

        def with_another_reason(route) -> None:
            tasks = route.fetch().json()
            for task in tasks[:1]:
                task["also_labels"] = ["Imunisasi balita terlewat"]
            route.fulfill(json=tasks)
        page.route(re.compile(r"/api/v1/notify/tasks\?"), with_another_reason)
        page.goto(url + unsigned_token("bidan"))
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        joined = page.locator("#visits tbody tr[data-task]", has_text="; juga ").inner_text()
        browser.close()
    assert "; juga Imunisasi balita terlewat" in joined
    assert seen["operator"][:2] == (0, 0) and "hanya untuk petugas" in seen["operator"][2]
    assert seen["kader"][0] >= 2 and seen["kader"][1] == 0
    assert seen["bidan"][1] >= 1
    assert "Blotongan" in seen["bidan"][2] and "33.73.04.1001" not in seen["bidan"][2]
    # whom each visit is for, by name (an audited read): the kader's and the bidan's, once
    # each; the operator reads no person
    assert "Anak · " in seen["kader"][2] and "Anak · " in seen["bidan"][2]
    assert len(reads) == 2


def test_the_live_stream_is_listened_to_again_after_an_http_error(platform: Platform) -> None:
    """A browser reconnects an event stream by itself after a dropped connection but gives
    it up for good on an HTTP error (a token that ran out, a gateway restarting): the page
    listens again, with the token it holds then, and hears the next screening."""
    from playwright.sync_api import Route, sync_playwright

    refused: list[str] = []

    def refuse_once(route: Route) -> None:
        if refused:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.fulfill(status=401, content_type="application/json",
                          body='{"detail": [{"msg": "the token has expired"}]}')

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(locale="id-ID")
        asked: list[str] = []
        page.on("request", lambda r: "/api/v1/pws/live?" in r.url and asked.append(r.url))
        page.route("**/api/v1/pws/live?*", refuse_once)
        page.goto(f"{platform.base_url}/api/v1/pws/dashboard?area=33.73.04&period=2026-11")
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        page.wait_for_selector("#live-dot.on", timeout=15000)  # listening again
        assert len(refused) == 1 and asked[:2] == [refused[0]] * 2
        before = page.locator("tr.total td .cell").nth(0).inner_text()
        record(platform, screening(2, 40, 12.0, 86.0))
        page.wait_for_function(
            f"document.querySelector('tr.total td .cell').innerText !== '{before}'",
            timeout=10000)
        browser.close()


def test_a_bidan_uploads_a_posyandu_register_from_the_dashboard(platform: Platform, tmp_path,
                                                                  workbook) -> None:
    """The paper register typed into Excel goes in from the page, for one of the desa's
    posyandu: the report names each refused row; the same file again records nothing
    twice. Those who may not record see no upload."""
    from playwright.sync_api import sync_playwright

    nik = f"337304591125{uuid.uuid4().int % 10000:04d}"  # a girl born 19/11/2025
    sheet = tmp_path / "register-november.xlsx"
    sheet.write_bytes(workbook(November=[
        ["REGISTER BALITA POSYANDU BLOTONGAN"], [],
        ["NIK", "Nama", "L/P", "Tgl Lahir", "Tgl Timbang", "BB (kg)", "TB (cm)", "Cara Ukur",
         "KMS"],
        [nik, "Wulan", "P", date(2025, 11, 19), date(2026, 11, 20), 8.2, 72.5, "telentang",
         "ya"],
        [nik, "Wulan", "P", date(2025, 11, 19), date(2031, 1, 1), 8.2, 72.5, "telentang"],
        [f"337304591125{(uuid.uuid4().int + 2) % 10000:04d}", "Ayu", "P", date(2025, 11, 19),
         date(2026, 11, 20)]]))  # listed, not weighed that day
    by_month = tmp_path / "register-2026.xlsx"
    other = f"337304591125{(uuid.uuid4().int + 1) % 10000:04d}"
    by_month.write_bytes(workbook(Register=[
        ["REGISTER BAYI DAN BALITA TAHUN 2026"],
        ["NIK", "Nama", "L/P", "Tgl Lahir", *(f"BB {month}" for month in (
            "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt"))],
        [other, "Sekar", "P", date(2025, 11, 19), *[None] * 8, 7.9, 8.1]]))
    kohort = tmp_path / "kohort-ibu.csv"
    mothers = [f"337304{41 + n}0798{(uuid.uuid4().int + n) % 10000:04d}" for n in (0, 1)]
    kohort.write_text("Nama Ibu;NIK;HPHT;Tgl Persalinan;Tempat Persalinan;JK Bayi;BB Lahir\n"
                      f"Ani;{mothers[0]};02/01/2026;05/10/2026;Puskesmas;P;3100\n"
                      f"Sari;{mothers[1]};02/06/2026;;;;\n")
    url = f"{platform.base_url}/api/v1/pws/dashboard?area=33.73.04.1001&period=2026-11#token="
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(url + unsigned_token("dinkes_admin"))  # reads, records nothing
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        assert page.locator("#upload").is_hidden()
        page.goto(url + unsigned_token("bidan"))
        page.reload()
        page.wait_for_selector("#upload:not([hidden])", timeout=15000)
        offered = page.locator("#upload-posyandu option").all_inner_texts()
        page.select_option("#upload-posyandu", "psy-0")
        def sent(path: Path) -> str:
            """The file uploaded, and the report the page shows."""
            page.evaluate("document.getElementById('upload-report').textContent = ''")
            page.set_input_files("#upload-file", str(path))
            page.click("#upload button[type=submit]")
            page.wait_for_function(
                "document.getElementById('upload-report').innerText.includes('ditolak')",
                timeout=15000)
            page.locator("#registers").screenshot(path=str(ARTIFACTS / "dashboard-upload.png"))
            return page.locator("#upload-report").inner_text()
        reports = [sent(sheet), sent(sheet)]
        page.fill("#upload-day", "20")  # a register by month, on the day the posyandu meets
        reports.append(sent(by_month))
        page.select_option("#upload-kind", "births")  # the Kohort Ibu's deliveries
        reports.append(sent(kohort))
        browser.close()
    assert reports[3].startswith("diterima 1, sudah ada 0, dikoreksi 0, belum bersalin 1, "
                                 "ditolak 0"), \
        reports[3]
    assert reports[2].startswith("diterima 2, sudah ada 0, dikoreksi 0, ditolak 0"), reports[2]
    assert offered == ["Posyandu Blotongan", "Pustu Blotongan"]
    assert reports[0].startswith("diterima 1, sudah ada 0, dikoreksi 0, tanpa data 1, "
                                 "ditolak 1"), reports[0]
    assert "baris 5: Tgl Timbang: tanggal skrining ada di masa depan" in reports[0]
    assert "Kolom tidak dibaca (program lain): KMS" in reports[0]  # not kept here
    assert reports[1].startswith("diterima 0, sudah ada 1, dikoreksi 0, tanpa data 1, "
                                 "ditolak 1")  # not twice
    person = httpx.post(f"{platform.base_url_of('screening')}/persons/lookup",
                        json={"nik": nik}, timeout=10).json()
    assert person["name"] == "Wulan"


def test_a_bidan_finds_two_records_of_one_child_and_merges_them(platform: Platform) -> None:
    """Weighed by her mother's NIK and by her own: the page suggests the pair on request,
    and the bidan keeps the record she chooses – the other's history goes into it."""
    from playwright.sync_api import sync_playwright

    suffix = uuid.uuid4().int % 1000
    born = {"sex": "F", "birth_date": "2025-03-07", "rt": "001", "rw": "RW 03"}
    by_mother = {"mother_nik": f"3373045001950{suffix:03d}", "name": "Putri", **born}
    own_nik = f"3373044703250{suffix:03d}"
    for person, day in ((by_mother, "2026-11-05"), ({"nik": own_nik, "name": "Putri Ayu",
                                                     **born}, "2026-11-20")):
        record(platform, {"person": person, "posyandu_id": "psy-0", "screened_on": day,
                          "measurements": {"weight_kg": 8.0}})
    url = f"{platform.base_url}/api/v1/pws/dashboard?area=33.73.04.1001&period=2026-11#token="
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(url + unsigned_token("bidan"))
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        page.click("#duplicates-find")
        pair = page.locator("#duplicates-list li", has_text="Putri Ayu")
        pair.wait_for(timeout=15000)
        said = pair.inner_text()
        pair.locator("button", has_text="Simpan Putri Ayu").click()
        page.wait_for_function(
            "!document.getElementById('duplicates-list').innerText.includes('Putri Ayu')"
            " && !document.getElementById('duplicates-list').innerText.includes('Mencari')",
            timeout=15000)
        browser.close()
    assert "Putri (001/RW 03, 1 kunjungan, terakhir 2026-11-05)" in said, said
    screening = httpx.Client(base_url=platform.base_url_of("screening"), timeout=10)
    kept = screening.post("/persons/lookup", json={"nik": own_nik}).json()
    visits = screening.get(f"/persons/{kept['person_id']}/screenings").json()
    assert sorted(v["screened_on"] for v in visits) == ["2026-11-05", "2026-11-20"]


def test_a_registry_without_wilayah_says_what_fills_it(platform: Platform) -> None:
    """A platform started empty (`./ilp up --no-sample`), or a wilayah not loaded yet: the
    page says how the Dinkes loads its master data, not "Memuat…" for ever."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.route("**/api/v1/pws/areas?level=province", lambda route: route.fulfill(json=[]))
        page.goto(f"{platform.base_url}/api/v1/pws/dashboard#token=" + unsigned_token("operator"))
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        said = (page.locator("#status").inner_text(), page.locator("#empty").is_visible(),
                page.locator("#empty").inner_text())
        browser.close()
    assert said[:2] == ("Belum ada wilayah", True)
    assert "./ilp import-registry" in said[2]
    assert errors == []


def test_a_papuan_kampung_is_said_in_papuas_words(platform: Platform) -> None:
    """Papua's kecamatan are distrik and its desa kampung: the page says so there – its
    level choices, the kampung needing attention, their status –, and Kecamatan,
    Desa/kelurahan elsewhere."""
    from playwright.sync_api import sync_playwright

    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    for code, name in (("91", "Papua"), ("91.71", "Kota Jayapura"), ("91.71.03", "Abepura"),
                       ("91.71.03.2001", "Kampung Koya Koso")):
        registry.post("/areas", json={"code": code, "name": name}).raise_for_status()
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    eventually(lambda: pws.get("/areas", params={"parent": "91.71.03"}).json())

    def words(area: str) -> tuple[str, ...]:
        page.goto(f"{platform.base_url}/api/v1/pws/dashboard?area={area}#token="
                  + unsigned_token("operator"))
        page.wait_for_selector("body[data-loaded='1']", timeout=15000)
        return (page.locator("#district-word").inner_text(),
                page.locator("#village-word").inner_text(),
                page.locator("h2", has_text="perlu perhatian").inner_text(),
                page.locator("#status-option").inner_text())
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        said = {area: words(area) for area in ("91.71.03.2001", "33.73.04")}
        browser.close()
    assert said == {"91.71.03.2001": ("Distrik", "Kampung/kelurahan",
                                      "Kampung yang perlu perhatian", "Status kampung (PWS)"),
                    "33.73.04": ("Kecamatan", "Desa/kelurahan", "Desa yang perlu perhatian",
                                 "Status desa (PWS)")}
