"""Screening flows across services on the running platform: integrator ingest (good to
PWS, bad to the dead-letter subject), amendments and voids reaching PWS and notify."""

from __future__ import annotations

import asyncio
import itertools
import json
import sqlite3
import uuid
from datetime import date, datetime, timedelta
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest
from ilp_contracts import (IngestBirth, IngestScreening, IngestTbTreatment,
                           IngestTbTreatmentEnd, TbTreatmentEnd, TbTreatmentSubmission)
from ilp_contracts.wilayah import WIB
from ilp_platform.embedded import Platform

from .helpers import (eventually, free_port_block, indicator, knows_workers, publish_events,
                      tasks)

DESA = "33.73.04.2003"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("flows"), ports, ports + 1, ports + 2)
    platform.start()
    registry = httpx.Client(base_url=f"{platform.base_url_of('registry')}", timeout=10)
    for body in ({"code": "33.73.04", "name": "Sidorejo"}, {"code": DESA, "name": "Desa Uji"}):
        registry.post("/areas", json=body).raise_for_status()
    registry.post("/facilities", json={"id": "psy-anggrek", "type": "posyandu",
                                       "name": "Posyandu Anggrek", "area_code": DESA,
                                       "rw": "RW 02"}).raise_for_status()
    registry.post("/workers", json={"id": "kader-dewi", "name": "Dewi", "role": "kader",
                                    "facility_id": "psy-anggrek"}).raise_for_status()
    # The desa reaches PWS as an event: tests may read its indicators only once it has.
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    assert eventually(lambda: pws.get(f"/pws/areas/{DESA}/indicators",
                                      params={"period": "2026-01"}).status_code == 200)
    yield platform
    platform.stop()


def balita(nik_day: int = 10, weight: float = 9.1, height: float = 79.0) -> dict:
    return {"person": {"nik": f"337304{nik_day:02d}1124{uuid.uuid4().int % 10000:04d}",
                       "name": "Anak", "sex": "M", "birth_date": f"2024-11-{nik_day:02d}"},
            "posyandu_id": "psy-anggrek", "screened_on": "2026-11-20",
            "measurements": {"weight_kg": weight, "height_cm": height, "measured_lying": False}}


def client(platform: Platform, name: str) -> httpx.Client:
    return httpx.Client(base_url=platform.base_url_of(name), timeout=10)


def desa_with_posyandu(platform: Platform, desa: str, name: str, posyandu_id: str) -> None:
    """A desa of its own for a test, with one posyandu ("Posyandu <name>")."""
    registry = client(platform, "registry")
    registry.post("/areas", json={"code": desa, "name": f"Desa {name}"}).raise_for_status()
    registry.post("/facilities", json={"id": posyandu_id, "type": "posyandu",
                                       "name": f"Posyandu {name}", "area_code": desa}
                  ).raise_for_status()


def record(platform: Platform, body: dict) -> dict:
    screening = client(platform, "screening")

    def attempt() -> dict | None:
        reply = screening.post("/screenings", json=body,
                               headers={"Idempotency-Key": str(uuid.uuid4())})
        assert reply.status_code in (201, 422), reply.text
        return reply.json() if reply.status_code == 201 else None  # posyandu not known yet
    return eventually(attempt)


def weighed(platform: Platform) -> int:
    return indicator(httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1",
                                  timeout=10), DESA, "2026-11", "balita_ditimbang")["numerator"]


def stunted(platform: Platform) -> int:
    return indicator(httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1",
                                  timeout=10), DESA, "2026-11", "balita_stunting")["numerator"]


def dewi_tasks(platform: Platform, status: str = "open") -> list[dict]:
    notify = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    return tasks(notify, assignee_id="kader-dewi", status=status)


def test_ingest_good_reaches_pws_and_bad_goes_to_dead_letters(platform: Platform) -> None:
    record(platform, balita(11))  # the posyandu is known to screening from here on
    before = weighed(platform)
    good = IngestScreening(idempotency_key="simpus-0001-abcdef", source_system="simpus-uji",
                           screening=balita(12))
    bad_body = balita(13, weight=45.0)  # a 2-year-old of 45 kg
    bad_body["person"]["nik"] = "3373041311240000"
    bad = IngestScreening(idempotency_key="simpus-0002-abcdef", source_system="simpus-uji",
                          screening=bad_body)

    async def publish_and_read_dlq() -> list:
        nc = await nats.connect(f"nats://127.0.0.1:{platform.nats_port}")
        js = nc.jetstream()
        for event in (good, good, bad):  # the good one twice: recorded once
            await js.publish(event.SUBJECT, event.model_dump_json().encode(),
                             headers={"Nats-Msg-Id": str(uuid.uuid4())})
        await js.publish(IngestScreening.SUBJECT, b'{"not": "a screening"}',
                         headers={"Nats-Msg-Id": str(uuid.uuid4())})
        dlq = await js.pull_subscribe("ilp.dlq.screening", durable="test-dlq-reader")
        letters: list = []
        for _ in range(40):
            try:
                letters += await dlq.fetch(10, timeout=0.5)
            except TimeoutError:
                pass
            if len(letters) >= 2:
                break
        await nc.close()
        return letters

    letters = asyncio.run(publish_and_read_dlq())
    reasons = [json.loads(m.headers["ilp-dlq-reason"]) for m in letters]
    rejected = next(r for r in reasons if r["type"] == "rejected")
    assert ["screening", "measurements", "weight_kg"] in [d["loc"] for d in rejected["detail"]]
    assert any(r["type"] == "invalid_event" for r in reasons)
    assert all("3373041311240000" not in json.dumps(r) for r in reasons), "no NIK in reasons"
    assert eventually(lambda: weighed(platform) == before + 1)
    ready = client(platform, "screening").get("/health/ready").json()
    assert ready["consumer"]["dead_lettered"] == 2
    # The integrator reconciles by its own keys: the good one recorded, the bad one not.
    screening = client(platform, "screening")
    status = screening.get("/submissions/simpus-0001-abcdef",
                           params={"source_system": "simpus-uji"})
    assert status.status_code == 200 and status.json()["status"] == "active"
    assert screening.get(f"/screenings/{status.json()['screening_id']}").status_code == 200
    refused = screening.get("/submissions/simpus-0002-abcdef",
                            params={"source_system": "simpus-uji"})
    assert refused.status_code == 404 and "ilp.dlq.screening" in refused.text
    assert screening.get("/submissions/simpus-0001-abcdef").status_code == 404  # not HTTP's
    posted = screening.post("/screenings", json=balita(16),
                            headers={"Idempotency-Key": "app-dewi-0001"}).json()
    by_key = screening.get("/submissions/app-dewi-0001").json()  # an HTTP key: no source
    assert by_key["screening_id"] == posted["screening_id"]


def test_amend_moves_pws_and_cancels_the_task_void_removes(platform: Platform) -> None:
    base_weighed, base_stunted = weighed(platform), stunted(platform)
    first = record(platform, balita(14, weight=9.1, height=79.0))  # stunted + underweight
    assert eventually(lambda: stunted(platform) == base_stunted + 1)
    task = eventually(lambda: [t for t in dewi_tasks(platform)
                               if first["screening_id"] in t["screening_ids"]])
    assert task[0]["reason"] == "masalah_gizi_balita"

    screening = client(platform, "screening")
    amended = screening.post(f"/screenings/{first['screening_id']}/amend", json={
        "reason": "salah tulis tinggi badan",
        "measurements": {"weight_kg": 12.2, "height_cm": 87.1, "measured_lying": False}})
    assert amended.status_code == 200, amended.text
    assert amended.json()["version"] == 2 and amended.json()["findings"] == []
    assert eventually(lambda: stunted(platform) == base_stunted)
    assert weighed(platform) == base_weighed + 1  # still weighed, no longer stunted
    cancelled = eventually(lambda: [t for t in dewi_tasks(platform, "cancelled")
                                    if first["screening_id"] in t["screening_ids"]
                                    or t["task_id"] == task[0]["task_id"]])
    assert cancelled[0]["task_id"] == task[0]["task_id"]

    voided = screening.post(f"/screenings/{first['screening_id']}/void",
                            json={"reason": "anak salah data"})
    assert voided.json()["status"] == "voided"
    assert eventually(lambda: weighed(platform) == base_weighed)
    again = screening.post(f"/screenings/{first['screening_id']}/amend", json={
        "reason": "coba lagi", "measurements": {"weight_kg": 12.0}})
    assert again.status_code == 422


def test_a_child_weighed_at_the_pustu_counts_there_and_gets_the_desas_kader(
        platform: Platform) -> None:
    client(platform, "registry").post("/facilities", json={
        "id": "pustu-uji", "type": "pustu", "name": "Pustu Desa Uji",
        "area_code": DESA}).raise_for_status()
    at_pustu = record(platform, {**balita(15, weight=9.1, height=79.0),
                                 "posyandu_id": "pustu-uji"})  # stunted + underweight
    assert at_pustu["posyandu_id"] == "pustu-uji"
    task = eventually(lambda: [t for t in dewi_tasks(platform)
                               if at_pustu["screening_id"] in t["screening_ids"]])
    assert task[0]["posyandu_id"] == "pustu-uji"  # kader-dewi's posyandu is psy-anggrek
    pws = client(platform, "pws")

    def counted_at_pustu() -> dict | None:
        rows = pws.get(f"/areas/{DESA}/table", params={"period": "2026-11"}).json()["rows"]
        row = next((r for r in rows if r["area_code"] == "pustu-uji"), None)
        return row if row and indicator_of(row, "balita_stunting")["numerator"] == 1 else None
    row = eventually(counted_at_pustu)
    assert (row["level"], row["area_name"]) == ("pustu", "Pustu Desa Uji")


def test_master_data_announced_again_reaches_a_read_copy_that_missed_it(
        platform: Platform) -> None:
    """After an upgrade a service may keep facilities it passed over before (as screening
    did the pustu), or more of a worker: the registry announces an area's facilities – or
    all its master data – again, and they arrive."""
    registry = client(platform, "registry")
    registry.post("/facilities", json={"id": "pustu-lama", "type": "pustu",
                                       "name": "Pustu Lama", "area_code": DESA}
                  ).raise_for_status()
    record(platform, {**balita(16), "posyandu_id": "pustu-lama"})  # screening knows it
    with sqlite3.connect(platform.data_dir / "screening.db") as db:  # as an old release
        db.execute("DELETE FROM posyandu WHERE key = 'pustu-lama'")
    screening = client(platform, "screening")
    refused = screening.post("/screenings", json={**balita(17), "posyandu_id": "pustu-lama"},
                             headers={"Idempotency-Key": str(uuid.uuid4())})
    assert refused.json()["detail"][0]["type"] == "unknown_posyandu"
    announced = registry.post("/facilities/announce", params={"area_code": DESA})
    assert announced.status_code == 200 and announced.json()["announced"] >= 3
    assert record(platform, {**balita(17), "posyandu_id": "pustu-lama"})
    # A worker's read copy too: the whole desa's master data announced again.
    registry.post("/workers", json={"id": "gizi-lama", "name": "Tenaga Gizi", "role": "gizi",
                                    "facility_id": "pustu-lama"}
                  ).raise_for_status()
    eventually(lambda: knows_workers(platform, "gizi-lama"))
    with sqlite3.connect(platform.data_dir / "notify.db") as db:
        db.execute("DELETE FROM workers WHERE key = 'gizi-lama'")
    everything = registry.post("/announce", params={"area_code": DESA}).json()["announced"]
    assert everything["workers"] >= 1 and everything["facilities"] >= 3
    assert everything["areas"] == 1
    eventually(lambda: knows_workers(platform, "gizi-lama"))


def indicator_of(row: dict, ind_id: str) -> dict:
    return next(i for i in row["indicators"] if i["id"] == ind_id)


def test_history_and_growth_trajectory(platform: Platform) -> None:
    body = balita(15)
    first = record(platform, body)
    screening = client(platform, "screening")
    person = screening.post("/persons/lookup", json={"nik": body["person"]["nik"]}).json()
    assert person["person_id"] == first["person_id"] and "nik" not in person
    # a kader's LiLA round a week later: recorded, gizi buruk by LiLA, no point on the chart
    lila = record(platform, {**body, "screened_on": "2026-11-27",
                             "measurements": {"muac_cm": 11.2}})
    assert [f["code"] for f in lila["findings"]] == ["lila_gizi_buruk"]
    growth = screening.get(f"/persons/{person['person_id']}/growth").json()
    assert [g["screening_id"] for g in growth] == [first["screening_id"]]
    assert growth[0]["waz"] == first["measurements"]["waz"]


def test_the_answer_names_what_was_given_and_not_read(platform: Platform) -> None:
    """A balita's waist and SRQ-20 are kept but read by nothing: the answer says so, and
    says it again when the screening is read back. Her Hb and (from 1 year) her blood
    pressure are read."""
    body = balita(16)
    body["measurements"] |= {"systolic": 100, "diastolic": 60, "srq20": 3, "hb": 10.0,
                             "waist_cm": 50}
    first = record(platform, body)
    assert first["not_read"] == ["srq20", "waist_cm"]
    found = {f["code"]: f["label"] for f in first["findings"]}
    assert found["anaemia"] == "Anemia"
    assert found["child_bp_elevated"] == "Tekanan darah anak meningkat (skrining)"
    names = client(platform, "screening").get("/findings").json()
    assert names["stunted"] == "Pendek / stunting (TB/U)" and len(names) > 50
    again = client(platform, "screening").get(f"/screenings/{first['screening_id']}").json()
    assert again["not_read"] == first["not_read"]
    assert record(platform, balita(17))["not_read"] == []


def test_register_import_reports_lines_and_is_idempotent(platform: Platform, capsys) -> None:
    from ilp_platform.register_import import import_register

    example = Path(__file__).resolve().parents[2] / "examples" / "register-posyandu-mawar.csv"
    record(platform, balita(16))  # the posyandu is known to screening
    refused = import_register(example, platform.service_url("screening"), "psy-anggrek")
    out = capsys.readouterr().out
    assert refused == 1
    # Rafi, listed and not weighed that day: passed over, not refused
    assert "diterima 3, sudah ada 0, dikoreksi 0, tanpa data 1, ditolak 1" in out
    assert "baris 5" in out and "weight_kg" in out and "baris 6" not in out
    # why, in the CLI's Bahasa Indonesia: 45 kg at three is beyond the plausible range
    assert "rentang" in out and "wajar" in out and "outside" not in out
    assert import_register(example, platform.service_url("screening"), "psy-anggrek") == 1
    assert "diterima 0, sudah ada 3, dikoreksi 0, tanpa data 1, ditolak 1" in \
        capsys.readouterr().out


def test_a_sheet_names_its_posyandu_by_name(platform: Platform) -> None:
    """Nobody at a puskesmas knows the registry's ids: a sheet's `Posyandu` column names
    each row's posyandu, looked up among those screening knows in the caller's wilayah."""
    record(platform, balita(19))  # the posyandu is known to screening
    niks = [f"337304591125{(uuid.uuid4().int + i) % 10000:04d}" for i in range(2)]
    text = ("Nama;NIK;L/P;Tgl Lahir;Tanggal;BB;Posyandu\n"
            f"Wulan;{niks[0]};P;19/11/2025;20/11/2026;8,2;anggrek\n"
            f"Sekar;{niks[1]};P;19/11/2025;20/11/2026;8,0;Posyandu Kenanga\n")
    screening = client(platform, "screening")
    reply = screening.post("/screenings/import", content=text.encode(), headers={
        "Content-Type": "text/csv", "Idempotency-Key": str(uuid.uuid4())}).json()
    assert reply["accepted"] == 1, reply
    assert [(r["line"], r["detail"][0]["type"]) for r in reply["rejected"]] == [
        (3, "unknown_posyandu")]
    wulan = screening.post("/persons/lookup", json={"nik": niks[0]}).json()
    (visit,) = screening.get(f"/persons/{wulan['person_id']}/screenings").json()
    assert visit["posyandu_id"] == "psy-anggrek"


def test_a_child_weighed_before_she_had_a_nik_keeps_her_history_under_it(
        platform: Platform) -> None:
    """Her kader links the NIK the child got (POST /persons/{id}/nik); a screening giving
    it is hers from then on, in one history with those before."""
    born = date.today() - timedelta(days=150)
    mother = f"337304{uuid.uuid4().int % 28 + 41:02d}0795{uuid.uuid4().int % 10000:04d}"
    nik = f"337304{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}{uuid.uuid4().int % 10000:04d}"
    child = {"name": "Wulan", "sex": "F", "birth_date": born.isoformat()}

    def weighed(days_ago: int, kg: float, **who: str) -> dict:
        return record(platform, {"person": {**child, **who}, "posyandu_id": "psy-anggrek",
                                 "screened_on": (date.today() - timedelta(days=days_ago)
                                                 ).isoformat(),
                                 "measurements": {"weight_kg": kg, "height_cm": 62.0,
                                                  "measured_lying": True}})
    first = weighed(30, 6.0, mother_nik=mother, local_id="anak-1")
    screening = client(platform, "screening")
    linked = screening.post(f"/persons/{first['person_id']}/nik", json={"nik": nik})
    assert linked.status_code == 201, linked.text
    assert screening.post(f"/persons/{first['person_id']}/nik",
                          json={"nik": nik}).status_code == 200  # already: nothing new
    mismatch = screening.post(f"/persons/{first['person_id']}/nik",
                              json={"nik": nik[:6] + f"{born.day:02d}" + nik[8:]})
    assert mismatch.status_code == 422 and mismatch.json()["detail"][0]["type"] == "nik_mismatch"
    later = weighed(0, 6.5, nik=nik)
    assert later["person_id"] == first["person_id"]
    assert later["measurements"]["weight_gain_g"] == 500
    assert screening.post("/persons/lookup", json={"nik": nik}).json()["person_id"] == \
        first["person_id"]


def test_a_lansia_register_of_papua_without_dates_nor_niks(platform: Platform) -> None:
    """A month's lansia register as Papua's posyandu keep it: no date column (its title
    names the month, the posyandu's day is given), an age instead of a birth date, a
    register number for those without a NIK – sent for the posyandu by its name."""
    record(platform, balita(19))  # the posyandu is known to screening
    number = f"AGR-{uuid.uuid4().hex[:6]}"
    text = ("REGISTER POSYANDU LANSIA ANGGREK;;;;;\nBULAN NOVEMBER 2026;;;;;\n"
            "No;No. Register;Nama;NIK;L/P;Umur;TD\n"
            f"1;{number};Yakob Wenda;;L;68 th;182/96\n")
    screening = client(platform, "screening")

    def send(**params: object) -> httpx.Response:
        return screening.post("/screenings/import", params=params, content=text.encode(),
                              headers={"Content-Type": "text/csv"})
    undated = send(posyandu_id="Posyandu Anggrek")
    assert undated.status_code == 422 and undated.json()["detail"][0]["loc"] == ["query", "day"]
    report = send(posyandu_id="Posyandu Anggrek", day=4)
    assert (report.json()["accepted"], report.json()["rejected"]) == (1, []), report.text
    person = screening.post("/persons/lookup", json={"posyandu_id": "psy-anggrek",
                                                      "local_id": number}).json()
    assert (person["local_id"], person["birth_date"]) == (number, "1958-07-01")
    [visit] = screening.get(f"/persons/{person['person_id']}/screenings").json()
    assert (visit["screened_on"], [f["code"] for f in visit["findings"]]) == (
        "2026-11-04", ["hypertension_grade_3"])
    assert send(posyandu_id="Posyandu Anggrek", day=4).json()["duplicates"] == 1


def test_a_register_corrected_and_sent_again_records_each_screening_once(
        platform: Platform, tmp_path: Path, capsys) -> None:
    """The kader fixes the rows refused and sends the whole register again (another file):
    the rows taken before are not recorded twice, nor a row copied twice; a row changed
    since it was taken amends its screening – but not one of the same file."""
    record(platform, balita(19))  # the posyandu is known to screening
    niks = [f"337304591125{(uuid.uuid4().int + i) % 10000:04d}" for i in range(3)]
    head = "Nama;NIK;L/P;Tgl Lahir;Tanggal;BB\n"
    rows = [f"Anak {i};{nik};P;19/11/2025;20/11/2026;8,{i}\n" for i, nik in enumerate(niks)]
    screening = client(platform, "screening")

    def send(text: str) -> dict:
        reply = screening.post("/screenings/import", params={"posyandu_id": "psy-anggrek"},
                               content=text.encode(), headers={"Content-Type": "text/csv"})
        assert reply.status_code == 200, reply.text
        return reply.json()
    first = send(head + rows[0] + rows[1] + rows[2].replace("8,2", "8,x"))
    assert (first["accepted"], [r["line"] for r in first["rejected"]]) == (2, [4])
    again = send(head + rows[0] + rows[0] + rows[1].replace("8,1", "8,5") + rows[2])
    assert (again["accepted"], again["duplicates"], again["amended"], again["rejected"]) == (
        1, 2, 1, [])
    for nik, kg in ((niks[0], 8.0), (niks[1], 8.5)):
        anak = screening.post("/persons/lookup", json={"nik": nik}).json()
        [visit] = screening.get(f"/persons/{anak['person_id']}/screenings").json()
        assert visit["measurements"]["weight_kg"] == kg
    assert send(head + rows[1].replace("8,1", "8,5"))["duplicates"] == 1  # as corrected
    # One file with her row twice, the second other: which is right only the kader knows
    # (taken in turn, the second amended the first away) – refused naming the first.
    other = f"337304591125{(uuid.uuid4().int + 7) % 10000:04d}"
    twice = send(head + f"Anak 3;{other};P;19/11/2025;20/11/2026;8,3\n"
                 + f"Anak 3;{other};P;19/11/2025;20/11/2026;8,9\n")
    assert (twice["accepted"], twice["amended"]) == (1, 0)
    [refused] = twice["rejected"]
    assert refused["line"] == 3 and refused["detail"][0]["type"] == "written_twice"
    assert "line 2 has this person" in refused["detail"][0]["msg"]
    from ilp_platform.register_import import import_register

    (tmp_path / "register.csv").write_text(head + f"Anak 3;{other};P;19/11/2025;20/11/2026;8,3\n"
                                           + f"Anak 3;{other};P;19/11/2025;20/11/2026;8,7\n")
    assert import_register(tmp_path / "register.csv", platform.service_url("screening"),
                           "psy-anggrek") == 1
    # about the whole row: said as it is, at no column
    assert "baris 3: baris 2 sudah mencatat orang ini" in " ".join(capsys.readouterr().out.split())


def test_a_household_list_from_a_spreadsheet_is_registered_once(platform: Platform,
                                                                  capsys) -> None:
    """The household data collection as an Indonesian spreadsheet writes it (`;`, day-first
    dates, L/P, `No. KK`, `Hamil` ya/tidak): a man marked pregnant is refused by line."""
    from ilp_platform.register_import import import_household

    example = Path(__file__).resolve().parents[2] / "examples" / "pendataan-keluarga-mawar.csv"
    record(platform, balita(18))  # the posyandu is known to screening
    url = platform.service_url("screening")
    assert import_household(example, url, "psy-anggrek", "2026-11-02") == 1
    out = capsys.readouterr().out
    assert "terdaftar 5, tidak berubah 0, ditolak 1" in out
    assert "baris 6: Hamil" in out  # the column as the list writes it
    assert import_household(example, url, "psy-anggrek", "2026-11-02") == 1
    assert "terdaftar 0, tidak berubah 5, ditolak 1" in capsys.readouterr().out


def test_pws_check_recounts_from_the_streams_and_finds_no_difference(platform: Platform,
                                                                      capsys) -> None:
    from ilp_platform.rebuild import check

    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    eventually(lambda: pws.get("/health/ready").json()["consumer"]["applied"] > 0)
    nats_url = f"nats://127.0.0.1:{platform.nats_port}"

    def settled() -> bool:
        assert check(platform.data_dir, nats_url) >= 0
        return "0 berbeda" in capsys.readouterr().out
    assert eventually(settled, timeout=20, interval=0.5)


def test_task_lifecycle_accept_complete_and_refusals(platform: Platform) -> None:
    child = balita(17, weight=9.1, height=79.0)
    first = record(platform, child)
    [task] = eventually(lambda: [t for t in dewi_tasks(platform)
                                 if first["screening_id"] in t["screening_ids"]])
    # Weighed on 20 November, recorded on the day the test runs: her week starts then.
    recorded = datetime.fromisoformat(task["created_at"]).astimezone(WIB).date()
    due = datetime.fromisoformat(task["due_at"]).astimezone(WIB).date()
    assert due == max(recorded, date(2026, 11, 20)) + timedelta(days=7)
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    accepted = notify.post(f"/tasks/{task['task_id']}/accept", json={"worker_id": "kader-dewi"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    done = notify.post(f"/tasks/{task['task_id']}/complete", json={
        "worker_id": "kader-dewi", "outcome": "visited", "note": "ibu diberi konseling"})
    assert done.json()["status"] == "completed" and done.json()["on_time"] is True
    # The kader's phone lost its signal before the answer and sends it again: the same
    # visit, answered as it stands, nothing done twice; another outcome is refused.
    retried = notify.post(f"/tasks/{task['task_id']}/complete", json={
        "worker_id": "kader-dewi", "outcome": "visited", "note": "ibu diberi konseling"})
    assert (retried.status_code, retried.json()) == (200, done.json())
    other = notify.post(f"/tasks/{task['task_id']}/complete", json={
        "worker_id": "kader-dewi", "outcome": "refused"})
    assert other.json()["detail"][0]["type"] == "invalid_transition"
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    visits = eventually(lambda: (v := indicator(pws, DESA, datetime.now(WIB).strftime("%Y-%m"),
                                                "kunjungan_rumah_tepat_waktu"))["numerator"]
                        and v)
    assert visits["numerator"] >= 1 and visits["denominator"] >= visits["numerator"]
    again = notify.post(f"/tasks/{task['task_id']}/cancel", json={"reason": "salah"})
    assert again.status_code == 422
    assert again.json()["detail"][0]["type"] == "invalid_transition"
    assert notify.post("/tasks/nope/accept", json={"worker_id": "x"}).status_code == 404
    # The list names what it filters by: a typo is an error, not an empty list.
    typo = notify.get("/tasks", params={"assignee_id": "kader-dewi", "status": "done"})
    assert typo.status_code == 422 and typo.json()["detail"][0]["loc"] == ["query", "status"]
    assert task["task_id"] in {t["task_id"] for t in dewi_tasks(platform, status="all")}
    assert task["task_id"] not in {t["task_id"] for t in dewi_tasks(platform)}
    # The finding is still there at the next weighing: a new task may open again.
    second = record(platform, child)  # the same child, weighed again
    [reopened] = eventually(lambda: [t for t in dewi_tasks(platform)
                                     if second["screening_id"] in t["screening_ids"]])
    assert reopened["task_id"] != task["task_id"] and reopened["person_id"] == task["person_id"]


def test_nobody_at_home_sends_the_kader_again_until_the_third_attempt(
        platform: Platform) -> None:
    child = balita(18, weight=9.0, height=78.0)  # stunted: the kader within a week
    screened = record(platform, child)
    [first] = eventually(lambda: [t for t in dewi_tasks(platform)
                                  if screened["screening_id"] in t["screening_ids"]])
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    attempts = [first]
    for _ in range(3):
        done = notify.post(f"/tasks/{attempts[-1]['task_id']}/complete", json={
            "worker_id": "kader-dewi", "outcome": "not_at_home"})
        assert done.status_code == 200 and done.json()["status"] == "completed", done.text
        attempts += [t for t in dewi_tasks(platform) if t["person_id"] == first["person_id"]]
    assert len(attempts) == 3  # the third time nobody is at home ends it: no fourth

    def counted_by_pws(task_id: str) -> dict | None:
        with sqlite3.connect(platform.data_dir / "pws.db") as db:
            row = db.execute("SELECT doc FROM tasks WHERE key = ?", (task_id,)).fetchone()
        return row and json.loads(row[0])
    # PWS counts the visit owed once, by its last attempt: the earlier ones are superseded.
    assert eventually(lambda: all((counted_by_pws(t["task_id"]) or {}).get("superseded")
                                  for t in attempts[:2]))
    assert not counted_by_pws(attempts[2]["task_id"]).get("superseded")
    visited = datetime.now(WIB).date()
    for n, (earlier, later) in enumerate(itertools.pairwise(attempts), start=2):
        assert (later["attempt"], later["follows_task_id"]) == (n, earlier["task_id"])
        assert (later["reason"], later["reason_label"], later["assignee_id"],
                later["screening_ids"]) == (first["reason"], first["reason_label"],
                                            "kader-dewi", [screened["screening_id"]])
        # high priority: two days after the visit, by the end of the day where she lives –
        # or the first due day, still ahead when she went early
        due = datetime.fromisoformat(later["due_at"]).astimezone(WIB)
        first_due = datetime.fromisoformat(first["due_at"]).astimezone(WIB).date()
        assert (due.date(), due.hour, due.minute) == (
            max(visited + timedelta(days=2), first_due), 23, 59)
    # A revisit belongs to its screening as the first attempt did: voiding it cancels both.
    other = record(platform, balita(19, weight=9.0, height=78.0))
    [owed] = eventually(lambda: [t for t in dewi_tasks(platform)
                                 if other["screening_id"] in t["screening_ids"]])
    notify.post(f"/tasks/{owed['task_id']}/complete", json={
        "worker_id": "kader-dewi", "outcome": "not_at_home"}).raise_for_status()
    [again] = [t for t in dewi_tasks(platform) if t["person_id"] == owed["person_id"]]
    client(platform, "screening").post(f"/screenings/{other['screening_id']}/void", json={
        "reason": "anak lain, salah input"}).raise_for_status()
    assert eventually(lambda: notify.get(f"/tasks/{again['task_id']}").json()["status"]
                      == "cancelled")


def test_a_family_that_turns_the_kader_away_gets_the_bidan(platform: Platform) -> None:
    registry = client(platform, "registry")
    registry.post("/facilities", json={"id": "pustu-uji", "type": "pustu", "name": "Pustu Uji",
                                       "area_code": DESA}).raise_for_status()
    registry.post("/workers", json={"id": "bidan-uji", "name": "Bidan Uji", "role": "bidan",
                                    "facility_id": "pustu-uji"}).raise_for_status()

    def notify_knows_her() -> bool:
        with sqlite3.connect(platform.data_dir / "notify.db") as db:
            return db.execute("SELECT 1 FROM workers WHERE key = 'bidan-uji'").fetchone()
    assert eventually(notify_knows_her)
    screened = record(platform, balita(21, weight=9.0, height=78.0))  # stunted: high priority
    [kader_visit] = eventually(lambda: [t for t in dewi_tasks(platform)
                                        if screened["screening_id"] in t["screening_ids"]])
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    notify.post(f"/tasks/{kader_visit['task_id']}/complete", json={
        "worker_id": "kader-dewi", "outcome": "refused"}).raise_for_status()
    api = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    [bidan_visit] = [t for t in tasks(api, desa_code=DESA, status="open", limit="1000")
                     if t["person_id"] == kader_visit["person_id"]]
    assert (bidan_visit["role"], bidan_visit["reason"], bidan_visit["follows_task_id"],
            bidan_visit["screening_ids"]) == ("bidan", kader_visit["reason"],
                                              kader_visit["task_id"], [screened["screening_id"]])
    assert bidan_visit["assignee_id"].startswith("bidan-")  # the desa's bidan, not a kader
    assert not [t for t in dewi_tasks(platform) if t["person_id"] == kader_visit["person_id"]]


def test_pws_colours_reach_notify_for_the_monthly_review(platform: Platform) -> None:
    """What PWS announces (a desa-month's indicator changed colour) is kept by notify,
    the latest colour of each indicator, for the review it sends on the 1st."""
    record(platform, balita(20))

    def colours() -> dict:
        with sqlite3.connect(platform.data_dir / "notify.db") as db:
            row = db.execute("SELECT doc FROM desa_colours WHERE key = ?",
                             (f"2026-11|{DESA}",)).fetchone()
        return json.loads(row[0])["indicators"] if row else {}
    kept = eventually(colours)
    assert "balita_stunting" in kept  # stunting among the balita measured this month
    assert {c["colour"] for c in kept.values()} <= {"green", "yellow", "red", "grey"}
    # with the name the dashboard gives it, for the review's words
    assert kept["balita_stunting"]["name"] == "Prevalensi stunting balita diukur"


def test_registry_refuses_bad_master_data_with_field_and_reason(platform: Platform) -> None:
    registry = client(platform, "registry")
    cases = [
        ("/areas", {"code": "33.73.04.3001", "name": "X"}, ["body", "code"], "invalid_area_code"),
        ("/areas", {"code": "33.70", "name": "X"}, ["body", "code"], "invalid_area_code"),
        ("/areas", {"code": "35.17.08.2015", "name": "X"}, ["body", "code"], "unknown_parent"),
        ("/facilities", {"type": "posyandu", "name": "X", "area_code": "33.73.04"},
         ["body", "area_code"], "wrong_area_level"),
        ("/facilities", {"type": "klinik", "name": "X", "area_code": DESA},
         ["body", "type"], "literal_error"),
        ("/workers", {"name": "X", "role": "kader", "facility_id": "nope"},
         ["body", "facility_id"], "unknown_facility"),
    ]
    for path, body, loc, kind in cases:
        reply = registry.post(path, json=body)
        assert reply.status_code == 422, (path, body, reply.text)
        assert reply.json()["detail"][0]["loc"] == loc and reply.json()["detail"][0]["type"] == kind
    negative = registry.put("/targets", json={"area_code": DESA, "year": 2026,
                                              "group": "balita", "count": -5})
    assert negative.status_code == 422
    assert registry.get("/areas/33.73.04.2999").status_code == 404


def test_offline_batch_stores_the_good_reports_the_refused_and_is_safe_to_resend(
        platform: Platform) -> None:
    record(platform, balita(17))  # the posyandu is known to screening
    before = weighed(platform)
    keys = [f"sync-{uuid.uuid4()}" for _ in range(4)]
    implausible = balita(18, weight=95.0)
    unknown = {**balita(19), "posyandu_id": "psy-nowhere"}
    batch = {"screenings": [
        {"idempotency_key": keys[0], "screening": balita(20)},
        {"idempotency_key": keys[1], "screening": implausible},
        {"idempotency_key": keys[2], "screening": unknown},
        {"idempotency_key": keys[3], "screening": balita(21, height=70.0)}]}
    screening = client(platform, "screening")
    report = screening.post("/screenings/batch", json=batch).json()
    assert (report["created"], report["duplicates"], report["rejected"]) == (2, 0, 2)
    statuses = [(r["index"], r["status"]) for r in report["results"]]
    assert statuses == [(0, "created"), (1, "rejected"), (2, "rejected"), (3, "created")]
    assert report["results"][1]["detail"][0]["loc"][:4] == ["body", "screenings", 1,
                                                            "screening"]
    assert "posyandu_id" in report["results"][2]["detail"][0]["loc"]
    short = report["results"][3]["screening"]  # 70 cm at two years: what the kader sees
    assert short["stage"] == "balita"
    assert {f["code"] for f in short["findings"]} & {"stunted", "severely_stunted"}
    eventually(lambda: weighed(platform) == before + 2)

    again = screening.post("/screenings/batch", json=batch).json()  # the app retries
    assert (again["created"], again["duplicates"], again["rejected"]) == (0, 2, 2)
    assert [r["screening_id"] for r in again["results"]] == \
        [r["screening_id"] for r in report["results"]]
    # the same key as a single POST answers with the screening the batch stored
    single = screening.post("/screenings", json=batch["screenings"][0]["screening"],
                            headers={"Idempotency-Key": keys[0]})
    assert single.status_code == 200
    assert single.json()["screening_id"] == report["results"][0]["screening_id"]
    reused = screening.post("/screenings/batch", json={"screenings": [
        {"idempotency_key": keys[0], "screening": balita(22)}]}).json()  # other content
    [refused] = reused["results"][0]["detail"]
    assert refused["type"] == "idempotency_conflict"
    assert refused["loc"] == ["body", "screenings", 0, "idempotency_key"]
    too_many = screening.post("/screenings/batch", json={"screenings": batch["screenings"] * 126})
    assert too_many.status_code == 422
    # A mistyped NIK, a missing key or junk refuses that screening, not the session's others.
    typo = {**balita(23), "person": {**balita(23)["person"], "nik": "33730410112"}}
    mixed = screening.post("/screenings/batch", json={"screenings": [
        {"idempotency_key": f"sync-{uuid.uuid4()}", "screening": typo},
        {"screening": balita(24)}, 7,
        {"idempotency_key": f"sync-{uuid.uuid4()}", "screening": balita(25)}]})
    assert mixed.status_code == 200, mixed.text
    results = mixed.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3 + ["created"]
    assert results[0]["detail"][0]["loc"] == ["body", "screenings", 0, "screening", "person",
                                              "nik"]
    assert results[1]["detail"][0]["loc"] == ["body", "screenings", 1, "idempotency_key"]
    assert results[2]["idempotency_key"] == "" and results[2]["detail"]
    # a phone's NaN (Python's JSON reads it) refuses that screening, as text in the reason
    nan = json.dumps({"screenings": [{"idempotency_key": f"sync-{uuid.uuid4()}",
                                      "screening": balita(26, weight=1.5)}]}).replace("1.5", "NaN")
    refused = screening.post("/screenings/batch", content=nan,
                             headers={"Content-Type": "application/json"})
    assert refused.status_code == 200, refused.text
    [detail] = refused.json()["results"][0]["detail"]
    assert (detail["type"], detail["input"]) == ("finite_number", "nan")


def test_coverage_tells_which_desa_have_no_sasaran_yet(platform: Platform) -> None:
    """The test desa has no targets: the kecamatan's D/S counts its balita above the line
    but not below it, and says so, down to the CSV a Dinkes opens."""
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    record(platform, balita(15))
    eventually(lambda: weighed(platform) >= 1)
    kecamatan = indicator(pws, "33.73.04", "2026-11", "balita_ditimbang")
    assert kecamatan["targets_missing"] == 1
    assert indicator(pws, DESA, "2026-11", "balita_ditimbang")["targets_missing"] == 1
    assert indicator(pws, "33.73.04.1001", "2026-11", "balita_ditimbang")["targets_missing"] == 0
    assert indicator(pws, "33.73.04", "2026-11", "balita_stunting")["targets_missing"] == 0
    table = pws.get("/pws/areas/33.73.04/table", params={"period": "2026-11"}).json()
    row = next(r for r in table["rows"] if r["area_code"] == DESA)
    assert row["indicators"][0]["targets_missing"] == 1
    csv_text = pws.get("/pws/areas/33.73.04/table.csv", params={"period": "2026-11"}).text
    assert ",warna,desa_tanpa_sasaran," in csv_text.splitlines()[0]
    ranking = pws.get("/pws/areas/33.73.04/ranking", params={"period": "2026-11",
                                                             "limit": 50}).json()
    flagged = {r["area_code"]: r["no_target_indicators"] for r in ranking}
    assert "balita_ditimbang" in flagged[DESA] and flagged["33.73.04.1001"] == []
    # The trend says it per month, by that year's sasaran: what the registry still lacks.
    trend = pws.get("/pws/areas/33.73.04/trend", params={"period": "2026-11", "months": 12}
                    ).json()["balita_ditimbang"]
    registry = client(platform, "registry")
    lacking = {year: sum("balita" in gap["missing"] for gap in registry.get(
        "/targets/missing", params={"area_code": "33.73.04", "year": year}).json())
        for year in (2025, 2026)}
    assert [(p["period"], p["targets_missing"]) for p in (trend[0], trend[-1])] == [
        ("2025-12", lacking[2025]), ("2026-11", lacking[2026])]
    assert lacking[2026] == 1 and lacking[2025] >= 2


def test_the_table_gives_each_desa_its_pws_status(platform: Platform) -> None:
    """The puskesmas's monthly review reads each desa as PWS does: against the target, and
    this month against last – baik, kurang, cukup, jelek. A prevalence improves when it
    falls; K1, counted from January, by what each month itself reached."""
    desa, registry = "33.73.04.2006", client(platform, "registry")
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    desa_with_posyandu(platform, desa, "Status", "psy-status")
    registry.put("/targets", json={"area_code": desa, "year": 2026, "group": "ibu_hamil",
                                   "count": 40}).raise_for_status()
    assert eventually(lambda: pws.get(f"/pws/areas/{desa}/indicators",
                                      params={"period": "2026-01"}).status_code == 200)
    # stunted (76 cm) or not (86 cm) children: 2 of 2 in August, 1 of 2 in September,
    # 2 of 2 in October; pregnant women's first contacts: 2 in August, 4 in September, 1 in
    # October
    women = itertools.count(1)
    for month, heights, mothers in (("08", (76, 76), 2), ("09", (76, 86), 4),
                                    ("10", (76, 76), 1)):
        for height in heights:
            record(platform, {**balita(10, weight=10.5 if height > 80 else 9.1, height=height),
                              "posyandu_id": "psy-status", "screened_on": f"2026-{month}-15"})
        for _ in range(mothers):
            record(platform, {"person": {
                "nik": f"337304610795{next(women):04d}", "name": "Ibu", "sex": "F",
                "birth_date": "1995-07-21"}, "posyandu_id": "psy-status",
                "screened_on": f"2026-{month}-15", "pregnancy": {
                    "gestational_weeks": 12, "anc_visit": 1}, "measurements": {"muac_cm": 25}})

    def status(period: str) -> dict[str, dict]:
        table = pws.get("/pws/areas/33.73.04/table", params={"period": period}).json()
        row = next(r for r in table["rows"] if r["area_code"] == desa)
        return {i["id"]: i for i in row["indicators"]}
    eventually(lambda: indicator(pws, desa, "2026-10", "ibu_hamil_k1")["numerator"] == 7)
    september, october = status("2026-09"), status("2026-10")
    stunting = september["balita_stunting"]
    assert (stunting["pct"], stunting["previous_pct"], stunting["trend"],
            stunting["status"]) == (50.0, 100.0, "turun", "cukup")
    assert (october["balita_stunting"]["trend"], october["balita_stunting"]["status"]) == (
        "naik", "jelek")
    k1 = september["ibu_hamil_k1"]  # 6 of 40 to date; 4 of them in September
    assert (k1["pct"], k1["month_pct"], k1["previous_month_pct"]) == (15.0, 10.0, 5.0)
    assert (k1["trend"], k1["status"]) == ("naik", "cukup")
    assert (october["ibu_hamil_k1"]["month_pct"], october["ibu_hamil_k1"]["trend"]) == (
        2.5, "turun")
    # the ranking counts each desa's jelek indicators, as the table reads them
    ranked = pws.get("/pws/areas/33.73.04/ranking", params={"period": "2026-10",
                                                           "limit": 50}).json()
    jelek = next(r["jelek"] for r in ranked if r["area_code"] == desa)
    assert jelek == sum(i["status"] == "jelek" for i in october.values()) >= 2
    # the area's own indicators say it the same way, and the spreadsheet carries it
    assert indicator(pws, desa, "2026-09", "balita_stunting")["status"] == "cukup"
    sheet = pws.get("/pws/areas/33.73.04/table.csv", params={"period": "2026-09"}).text
    assert any(line.startswith(f"{desa},Desa Status,2026-09,balita_stunting,") and
               line.endswith(",turun,cukup") for line in sheet.splitlines())


def test_a_birth_brings_the_bidan_to_mother_and_baby(platform: Platform) -> None:
    """A birth recorded over HTTP opens the bidan's first postpartum (KF1) and neonatal
    (KN1) visits, due two days after it; a retry records nothing twice; a wrong record
    is refused with its field."""
    registry, notify_ops = client(platform, "registry"), client(platform, "notify")
    registry.post("/facilities", json={"id": "pustu-anggrek", "type": "pustu",
                                       "name": "Pustu Anggrek", "area_code": DESA}
                  ).raise_for_status()
    registry.post("/workers", json={"id": "bidan-rina", "name": "Rina", "role": "bidan",
                                    "facility_id": "pustu-anggrek"}).raise_for_status()
    # notify knows the bidan before the birth (else the visits would go to the kader)
    eventually(lambda: knows_workers(platform, "bidan-rina"))
    notify = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    born = datetime.now(WIB).date() - timedelta(days=1)
    mother_nik = "3373045203960001"  # a woman born 12 March 1996
    body = {"mother": {"nik": mother_nik, "name": "Sari", "sex": "F", "birth_date": "1996-03-12",
                       "rw": "RW 02"},
            "baby": {"mother_nik": mother_nik, "local_id": "anak-1", "name": "Bayi Ny. Sari",
                     "sex": "M", "birth_date": born.isoformat()},
            "posyandu_id": "psy-anggrek", "birth_weight_g": 2300, "place": "rumah"}
    screening = client(platform, "screening")
    key = {"Idempotency-Key": f"birth-{uuid.uuid4()}"}
    first = screening.post("/births", json=body, headers=key)
    assert first.status_code == 201, first.text
    again = screening.post("/births", json=body, headers=key)
    assert (again.status_code, again.json()["birth_id"]) == (200, first.json()["birth_id"])
    birth = first.json()
    assert (birth["desa_code"], birth["rw"]) == (DESA, "RW 02")
    visits = eventually(lambda: len(found := [t for t in tasks(notify, desa_code=DESA)
                                              if t["reason"].startswith("kunjungan_")]) == 2
                        and found)
    assert {(t["person_id"], t["reason"], t["priority"]) for t in visits} == {
        (birth["mother_id"], "kunjungan_nifas_kf1", "urgent"),
        (birth["baby_id"], "kunjungan_neonatal_kn1", "urgent")}
    assert {t["due_at"][:10] for t in visits} == {(born + timedelta(days=2)).isoformat()}
    assert {(t["role"], t["assignee_id"]) for t in visits} == {("bidan", "bidan-rina")}
    assert {t["reason_label"] for t in visits} == {"Kunjungan nifas KF1 (6 jam–2 hari)",
                                                   "Kunjungan neonatal KN1 (6–48 jam)"}
    # The bidan visits the baby: PWS counts the KN1 made (cumulative, against sasaran bayi).
    kn1 = next(t for t in visits if t["reason"] == "kunjungan_neonatal_kn1")
    done = notify_ops.post(f"/tasks/{kn1['task_id']}/complete", json={
        "worker_id": "bidan-rina", "outcome": "visited"})
    assert done.json()["status"] == "completed"
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    coverage = eventually(lambda: (v := indicator(
        pws, DESA, datetime.now(WIB).strftime("%Y-%m"), "kunjungan_neonatal_kn1"))[
        "numerator"] and v)
    assert (coverage["numerator"], coverage["period"]) == (1, "year_to_date")
    # PWS counts the birth itself where and when the baby was born: at home, under 2,500 g.
    born_in = born.strftime("%Y-%m")
    facility = eventually(lambda: (v := indicator(
        pws, DESA, born_in, "persalinan_fasyankes"))["denominator"] and v)
    assert (facility["numerator"], facility["denominator"], facility["colour"]) == (0, 1, "red")
    bblr = indicator(pws, DESA, born_in, "bayi_bblr")
    assert (bblr["numerator"], bblr["denominator"]) == (1, 1)
    wrong = screening.post("/births", json={**body, "mother": {**body["mother"], "sex": "M"}},
                           headers={"Idempotency-Key": f"birth-{uuid.uuid4()}"})
    assert wrong.status_code == 422
    assert any(d["loc"][-2:] == ["mother", "sex"] for d in wrong.json()["detail"]), wrong.text
    # An integrator (a PMB app) sends births as events; it reconciles by its own key.
    by_key = screening.get(f"/submissions/{key['Idempotency-Key']}").json()
    assert by_key["birth_id"] == birth["birth_id"]
    twin = {**body, "baby": {**body["baby"], "local_id": "anak-2", "name": "Bayi 2"}}
    late = {**body, "baby": {**body["baby"], "birth_date": "2020-01-01"}}
    dead_before = screening.get("/health/ready").json()["consumer"]["dead_lettered"]

    async def publish() -> None:
        nc = await nats.connect(f"nats://127.0.0.1:{platform.nats_port}")
        for n, submission in enumerate((twin, late)):
            event = IngestBirth(idempotency_key=f"pmb-birth-000{n}", source_system="pmb-uji",
                                birth=submission)
            await nc.jetstream().publish(event.SUBJECT, event.model_dump_json().encode())
        await nc.close()

    asyncio.run(publish())
    reply = eventually(lambda: (r := screening.get("/submissions/pmb-birth-0000", params={
        "source_system": "pmb-uji"})).status_code == 200 and r.json())
    assert reply["birth_id"] and reply["screening_id"] is None
    assert eventually(lambda: screening.get("/health/ready").json()["consumer"][
        "dead_lettered"] == dead_before + 1)  # the birth of 2020: refused with its reason
    def open_visits() -> list[tuple[str, str]]:
        return sorted((t["reason"], t["person_id"]) for t in tasks(notify, desa_code=DESA,
                                                                   status="open")
                      if t["reason"].startswith("kunjungan_"))

    # the twin's KN1; the mother's KF1 is still open: one visit, not two
    [(_, twin_id), kf1] = eventually(lambda: len(found := open_visits()) == 2
                                     and found[0][0] == "kunjungan_neonatal_kn1" and found)
    assert kf1 == ("kunjungan_nifas_kf1", birth["mother_id"]) and twin_id != birth["baby_id"]
    # Entered in error: voided, its visits not yet made are cancelled – the mother's KF1
    # stays for the twin's birth; the twin's birth voided too, nothing is left open.
    voided = screening.post(f"/births/{birth['birth_id']}/void", json={"reason": "salah ibu"})
    assert (voided.status_code, voided.json()["status"]) == (200, "voided")
    twin_birth = screening.get("/submissions/pmb-birth-0000",
                               params={"source_system": "pmb-uji"}).json()["birth_id"]
    assert open_visits() == [("kunjungan_neonatal_kn1", twin_id), kf1]
    screening.post(f"/births/{twin_birth}/void", json={"reason": "salah ibu"}).raise_for_status()
    assert eventually(lambda: open_visits() == [])


def test_a_corrected_birth_weight_makes_the_babys_next_visit_urgent(platform: Platform
                                                                    ) -> None:
    """Recorded four days after the birth as 3,100 g: KN2 is open, of high priority. The
    bidan corrects the weight to 2,300 g: KN2 becomes urgent, the baby's record and the
    birth carry the correction. A day in the future, a voided birth and an unknown field
    are refused with their reasons."""
    screening = client(platform, "screening")
    notify = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    born = datetime.now(WIB).date() - timedelta(days=4)
    mother_nik = "3373044708950001"  # a woman born 7 August 1995
    body = {"mother": {"nik": mother_nik, "name": "Wati", "sex": "F", "birth_date": "1995-08-07"},
            "baby": {"mother_nik": mother_nik, "local_id": "anak-1", "name": "Bayi Ny. Wati",
                     "sex": "F", "birth_date": born.isoformat()},
            "posyandu_id": "psy-anggrek", "birth_weight_g": 3100}
    recorded = screening.post("/births", json=body, headers={
        "Idempotency-Key": f"birth-{uuid.uuid4()}"})
    assert recorded.status_code == 201, recorded.text
    birth = recorded.json()

    def kn2() -> dict | None:
        return next((t for t in tasks(notify, desa_code=DESA, status="open")
                     if (t["person_id"], t["reason"]) == (birth["baby_id"],
                                                          "kunjungan_neonatal_kn2")), None)
    assert eventually(kn2)["priority"] == "high"
    amended = screening.post(f"/births/{birth['birth_id']}/amend", json={
        "reason": "salah timbang", "birth_weight_g": 2300})
    assert amended.status_code == 200, amended.text
    assert (amended.json()["birth_weight_g"], amended.json()["version"]) == (2300, 2)
    assert eventually(lambda: (task := kn2()) and task["priority"] == "urgent")
    for change, kind in (({"born_on": "2099-01-01"}, "future_date"),
                         ({"birth_weight": 2300}, "extra_forbidden")):
        refused = screening.post(f"/births/{birth['birth_id']}/amend",
                                 json={"reason": "salah", **change})
        assert refused.status_code == 422 and refused.json()["detail"][0]["type"] == kind
    screening.post(f"/births/{birth['birth_id']}/void", json={"reason": "salah ibu"}
                   ).raise_for_status()
    late = screening.post(f"/births/{birth['birth_id']}/amend",
                          json={"reason": "salah timbang", "birth_weight_g": 2400})
    assert (late.status_code, late.json()["detail"][0]["type"]) == (422, "voided")


def test_a_family_that_moved_away_gets_no_more_visits(platform: Platform) -> None:
    """The kader finds the family gone: completing her visit as `moved` cancels the child's
    other open visit (the TB check) and ends the watches that would open new ones."""
    child = balita(18, weight=9.1, height=79.0)
    child["measurements"]["tb_symptoms"] = True
    recorded = record(platform, child)
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    opened = eventually(lambda: len(found := [
        t for t in tasks(httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1"),
                         desa_code=DESA) if recorded["screening_id"] in t["screening_ids"]]) == 2
        and found)
    kader_task = next(t for t in opened if t["role"] == "kader")
    tb_task = next(t for t in opened if t["reason"] == "suspek_tb")
    done = notify.post(f"/tasks/{kader_task['task_id']}/complete", json={
        "worker_id": kader_task["assignee_id"], "outcome": "moved"})
    assert done.status_code == 200, done.text
    tb = notify.get(f"/tasks/{tb_task['task_id']}").json()
    assert (tb["status"], tb["cancel_reason"]) == ("cancelled", "person_moved")
    with sqlite3.connect(platform.data_dir / "notify.db") as db:
        assert db.execute("SELECT count(*) FROM child_watch WHERE key = ?",
                          (recorded["person_id"],)).fetchone() == (0,)


def test_a_bidan_gives_a_visit_to_another_kader(platform: Platform) -> None:
    """Kader Dewi is ill: the bidan gives her accepted visit to kader Rina of the same
    desa, who has it as new; a worker who cannot make it there is refused with the field."""
    screened = record(platform, balita(22, weight=9.0, height=78.0))
    [task] = eventually(lambda: [t for t in dewi_tasks(platform)
                                 if screened["screening_id"] in t["screening_ids"]])
    client(platform, "registry").post("/workers", json={
        "id": "kader-rina", "name": "Rina", "role": "kader",
        "facility_id": "psy-anggrek"}).raise_for_status()

    def notify_knows_her() -> bool:
        with sqlite3.connect(platform.data_dir / "notify.db") as db:
            return db.execute("SELECT 1 FROM workers WHERE key = 'kader-rina'").fetchone()
    assert eventually(notify_knows_her)
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    notify.post(f"/tasks/{task['task_id']}/accept",
                json={"worker_id": "kader-dewi"}).raise_for_status()
    given = notify.post(f"/tasks/{task['task_id']}/assign",
                        json={"assignee_id": "kader-rina", "note": "Dewi sakit"})
    assert given.status_code == 200, given.text
    assert (given.json()["assignee_id"], given.json()["status"], given.json()["assign_note"]) \
        == ("kader-rina", "open", "Dewi sakit")
    assert task["task_id"] not in {t["task_id"] for t in dewi_tasks(platform)}
    api = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    assert task["task_id"] in {t["task_id"] for t in tasks(api, assignee_id="kader-rina")}
    again = notify.post(f"/tasks/{task['task_id']}/assign", json={"assignee_id": "kader-rina"})
    assert again.status_code == 200 and again.json()["assign_note"] == "Dewi sakit"
    unknown = notify.post(f"/tasks/{task['task_id']}/assign", json={"assignee_id": "kader-x"})
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == [{"loc": ["body", "assignee_id"],
                                         "msg": "worker kader-x is not registered",
                                         "type": "unknown_worker"}]
    notify.post(f"/tasks/{task['task_id']}/complete", json={
        "worker_id": "kader-rina", "outcome": "visited"}).raise_for_status()
    late = notify.post(f"/tasks/{task['task_id']}/assign", json={"assignee_id": "kader-dewi"})
    assert late.status_code == 422 and late.json()["detail"][0]["type"] == "invalid_transition"


def test_each_service_counts_requests_and_events_for_prometheus(platform: Platform) -> None:
    """`/metrics` on each service's own port (the gateway routes only `/api/v1/...`):
    requests by route and status, events consumed by outcome, events published."""
    record(platform, balita(23))

    def scraped(service: str) -> dict[str, float]:
        text = httpx.get(f"{platform.service_url(service)}/metrics", timeout=10).text
        return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
                for line in text.splitlines() if line and not line.startswith("#")}
    screening = scraped("screening")
    created = ('http_server_request_duration_seconds_count{http_request_method="POST",'
               'http_response_status_code="201",http_route="/api/v1/screening/screenings"}')
    assert screening[created] >= 1
    assert screening["ilp_outbox_published_total"] >= 1
    pws = eventually(lambda: (m := scraped("pws"))[
        'ilp_consumer_events_total{outcome="applied"}'] >= 1 and m)
    assert pws['ilp_consumer_events_total{outcome="dead_lettered"}'] == 0
    assert 'ilp_consumer_lag_seconds{quantile="0.99"}' in pws
    assert not any("health" in series for series in screening)  # probes are not counted


def test_a_tb_treatment_brings_the_perawat_to_the_household(platform: Platform) -> None:
    """The puskesmas records Bu Sari starting TB treatment: the desa's perawat gets the
    household contact investigation; the same request again records nothing new; a wrong
    end is refused with the field; voided, the visit is called off."""
    desa = "33.73.04.2009"
    registry = client(platform, "registry")
    registry.post("/areas", json={"code": desa, "name": "Desa TBC"}).raise_for_status()
    for facility in ({"id": "pustu-tbc", "type": "pustu", "name": "Pustu TBC"},
                     {"id": "psy-tbc", "type": "posyandu", "name": "Posyandu TBC",
                      "rw": "RW 01"}):
        registry.post("/facilities", json={**facility, "area_code": desa}).raise_for_status()
    for worker in ({"id": "perawat-tbc", "role": "perawat", "facility_id": "pustu-tbc"},
                   {"id": "kader-tbc", "role": "kader", "facility_id": "psy-tbc"}):
        registry.post("/workers", json={**worker, "name": worker["id"]}).raise_for_status()
    screening = client(platform, "screening")
    body = {"person": {"nik": "3373045507900001", "name": "Sari", "sex": "F",
                       "birth_date": "1990-07-15"},
            "posyandu_id": "psy-tbc", "started_on": "2026-11-02", "household_contacts": 3}
    key = {"Idempotency-Key": f"tb-{uuid.uuid4()}"}
    started = eventually(lambda: (reply := screening.post("/tb-treatments", json=body,
                                                          headers=key)).status_code == 201
                         and reply.json())
    again = screening.post("/tb-treatments", json=body, headers=key)
    assert (again.status_code, again.json()["treatment_id"]) == (200, started["treatment_id"])
    assert (started["planned_end_on"], started["desa_code"]) == ("2027-05-02", desa)
    notify = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    [visit] = eventually(lambda: tasks(notify, desa_code=desa) or None)
    assert (visit["reason"], visit["assignee_id"], visit["person_id"]) == (
        "investigasi_kontak_tb", "perawat-tbc", started["person_id"])
    # whom the visit is for, though she was never screened
    assert screening.get(f"/persons/{started['person_id']}").json()["name"] == "Sari"
    wrong = screening.post(f"/tb-treatments/{started['treatment_id']}/end",
                           json={"ended_on": "2026-10-01", "outcome": "cured"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "ended_on"]
    ended = screening.post(f"/tb-treatments/{started['treatment_id']}/end",
                           json={"ended_on": "2026-11-30", "outcome": "moved"})
    assert (ended.status_code, ended.json()["status"]) == (200, "ended")
    listed = screening.get("/tb-treatments", params={"desa_code": desa}).json()
    assert [t["outcome"] for t in listed] == ["moved"]
    # The TB information system sends another patient's start as an ingest event.
    other = {**body, "person": {**body["person"], "nik": "3373045507900002"}}
    publish_events(platform.nats_port, [IngestTbTreatment(
        idempotency_key="sitb-0001", source_system="sitb",
        treatment=TbTreatmentSubmission.model_validate(other))])
    ingested = eventually(lambda: (reply := screening.get(
        "/submissions/sitb-0001", params={"source_system": "sitb"})).status_code == 200
        and reply.json())
    assert ingested["status"] == "on_treatment" and ingested["treatment_id"]
    # It sends how it ended by the same key; an end for a start it never sent is refused to
    # the dead letters with the reason, and nothing else changes.
    dead_before = screening.get("/health/ready").json()["consumer"]["dead_lettered"]
    publish_events(platform.nats_port, [IngestTbTreatmentEnd(
        idempotency_key=key, source_system="sitb",
        end=TbTreatmentEnd(ended_on=date(2026, 11, 30), outcome="died"))
        for key in ("sitb-0001", "sitb-9999")])
    assert eventually(lambda: screening.get("/submissions/sitb-0001", params={
        "source_system": "sitb"}).json()["status"] == "ended")
    ended_by_event = screening.get(f"/tb-treatments/{ingested['treatment_id']}").json()
    assert (ended_by_event["outcome"], ended_by_event["ended_on"]) == ("died", "2026-11-30")
    assert eventually(lambda: screening.get("/health/ready").json()["consumer"][
        "dead_lettered"] == dead_before + 1)
    # The wrong patient after all: voided, the perawat's visit is called off.
    voided = screening.post(f"/tb-treatments/{started['treatment_id']}/void",
                            json={"reason": "pasien lain"})
    assert (voided.status_code, voided.json()["status"]) == (200, "voided")
    assert eventually(lambda: tasks(notify, desa_code=desa, status="cancelled"))
    # The perawat investigates the other household in time: PWS counts the TB programme's
    # contact investigations apart, the voided treatment's visit not among them.
    [contact] = eventually(lambda: [t for t in tasks(notify, desa_code=desa, status="open")
                                    if t["reason"] == "investigasi_kontak_tb"] or None)
    done = notify.post(f"/notify/tasks/{contact['task_id']}/complete",
                       json={"worker_id": "perawat-tbc", "outcome": "visited"})
    assert done.status_code == 200, done.text
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    month = datetime.now(WIB).strftime("%Y-%m")
    counted = eventually(lambda: (i := indicator(pws, desa, month, "tb_investigasi_kontak"))[
        "numerator"] and i)
    assert (counted["numerator"], counted["denominator"], counted["colour"]) == (1, 1, "green")


def test_pws_shows_at_how_many_contacts_the_tb_symptoms_were_asked(platform: Platform) -> None:
    """DOMAIN.md: a TB symptom screen at every contact. Two men screened at a posyandu,
    one asked about TB symptoms (no symptoms) and one not: the screening keeps which
    yes/no checks were made, and PWS shows one of two, red against its 100 %."""
    desa = "33.73.04.2010"
    desa_with_posyandu(platform, desa, "Gejala", "psy-gejala")

    def man(nik: str, checks: dict[str, bool]) -> dict:
        return {"person": {"nik": nik, "name": "Pak", "sex": "M", "birth_date": "1980-03-15"},
                "posyandu_id": "psy-gejala", "screened_on": "2026-11-20",
                "measurements": {"systolic": 118, "diastolic": 76, **checks}}

    asked = record(platform, man("3373041503800001", {"tb_symptoms": False, "smoking": True}))
    not_asked = record(platform, man("3373041503800002", {}))
    assert (asked["checks"], not_asked["checks"]) == ({"tb_symptoms": False, "smoking": True}, {})
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    counted = eventually(lambda: (i := indicator(pws, desa, "2026-11", "tb_skrining_gejala"))[
        "denominator"] == 2 and i)
    assert (counted["numerator"], counted["pct"], counted["colour"]) == (1, 50.0, "red")


def test_k6_counts_her_contacts_over_the_trimesters_those_from_her_buku_kia_too(
        platform: Platform) -> None:
    """A bidan copies a woman's earlier contacts at a private midwife from her Buku KIA
    (a date and her HPHT, nothing measured), then records today's: K1 counts in the month
    of her first contact, K6 in the month of the sixth – one in trimester 1, two in 2,
    three in 3 – and her Kohort Ibu row says so."""
    today = datetime.now(WIB).date()
    desa = "33.73.04.2012"
    desa_with_posyandu(platform, desa, "Enam", "psy-enam")
    woman = {"nik": "3373046107950009", "name": "Ratna", "sex": "F",
             "birth_date": "1995-07-21"}
    hpht = today - timedelta(weeks=37)
    days = [hpht + timedelta(weeks=week) for week in (10, 16, 22, 29, 33, 36)]
    for visit, day in enumerate(days, start=1):
        record(platform, {"person": woman, "posyandu_id": "psy-enam",
                          "screened_on": day.isoformat(),
                          "pregnancy": {"last_period": hpht.isoformat(), "anc_visit": visit},
                          **({"measurements": {"hb": 11.8, "muac_cm": 25.0}}
                             if day == days[-1] else {})})  # the copied ones: nothing measured
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    k6_month, k1_month = days[-1].isoformat()[:7], days[0].isoformat()[:7]
    assert eventually(lambda: indicator(pws, desa, k6_month, "ibu_hamil_k6")["numerator"] == 1)
    if days[0].year == days[-1].year:
        assert indicator(pws, desa, k6_month, "ibu_hamil_k1")["numerator"] == 1
    assert indicator(pws, desa, k1_month, "ibu_hamil_k1")["numerator"] == 1
    assert indicator(pws, desa, days[-3].isoformat()[:7], "ibu_hamil_k6")["numerator"] == 0
    [row] = [r for r in client(platform, "screening").get(
        "/pregnancies", params={"area_code": desa}).json() if r["name"] == "Ratna"]
    assert (row["contacts"], row["contacts_by_trimester"], row["k6"]) == (6, [1, 2, 3], True)

    # The bidan's Kohort Ibu kept a woman a row, a column per contact: a contact each day
    sheet_days = ";".join(day.strftime("%d/%m/%Y") for day in days)
    text = ("Nama Ibu;NIK;Tgl Lahir;HPHT;K1;K2;K3;K4;K5;K6;LiLA;Posyandu\n"
            f"Wati;3373046107950010;21/07/1995;{hpht:%d/%m/%Y};{sheet_days};25;Enam\n"
            f"Yuni;3373046107950011;21/07/1995;{hpht:%d/%m/%Y};"
            f"{hpht - timedelta(weeks=2):%d/%m/%Y};{days[-1]:%d/%m/%Y};;;;;25;Enam\n")
    screening = client(platform, "screening")

    def sent() -> dict:
        return screening.post("/screenings/import", content=text.encode(),
                              headers={"Content-Type": "text/csv"}).json()
    reply = sent()
    assert (reply["accepted"], reply["duplicates"]) == (7, 0), reply
    [yuni] = reply["rejected"]  # her K1 before her HPHT: which of the row's visits it was
    assert (yuni["line"], yuni["screened_on"]) == (3, (hpht - timedelta(weeks=2)).isoformat())
    assert eventually(lambda: indicator(pws, desa, k6_month, "ibu_hamil_k6")["numerator"] == 2)
    again = sent()  # the register sent again: nothing twice
    assert (again["accepted"], again["duplicates"]) == (0, 7), again


def test_the_bidans_register_of_pregnant_women(platform: Platform) -> None:
    """Register Kohort Ibu: a woman with two ANC contacts is listed with her name, K number,
    weeks now, HPL and the risks of her pregnancy; her delivery takes her off it, though
    it was recorded in her mother's desa."""
    today = datetime.now(WIB).date()
    desa_with_posyandu(platform, "33.73.04.2011", "Kampung", "psy-kampung")
    nik = "3373046508070003"  # a woman born 25 August 2007: 19, too young
    woman = {"nik": nik, "name": "Lestari", "sex": "F", "birth_date": "2007-08-25",
             "rw": "RW 01"}
    last_period = today - timedelta(weeks=26)  # her HPHT, as her second contact gives it
    for weeks_ago, pregnancy, measures in (
            (6, {"gestational_weeks": 20, "anc_visit": 2}, {"muac_cm": 22.5, "hb": 10.2}),
            (1, {"last_period": last_period.isoformat(), "anc_visit": 3},
             {"systolic": 120.0, "diastolic": 80.0})):
        record(platform, {"person": woman, "posyandu_id": "psy-anggrek",
                          "screened_on": (today - timedelta(weeks=weeks_ago)).isoformat(),
                          "pregnancy": pregnancy, "measurements": measures})
    screening = client(platform, "screening")
    register = screening.get("/pregnancies", params={"area_code": DESA}).json()
    [row] = [r for r in register if r["name"] == "Lestari"]
    assert (row["age_years"], row["contacts"], row["anc_visit"]) == (19, 2, 3)
    assert row["gestational_weeks_now"] == 26
    assert row["due_on"] == (today + timedelta(weeks=14)).isoformat()  # 40 − 25, a week on
    assert row["due_on"] == (last_period + timedelta(days=280)).isoformat()  # Naegele
    assert row["last_period"] == last_period.isoformat()
    assert row["latest"] == {"muac_cm": 22.5, "hb": 10.2, "systolic": 120.0,
                             "diastolic": 80.0}
    assert row["risks"] == ["anaemia_pregnancy", "kek", "pregnancy_too_young"]
    sheet = screening.get("/pregnancies.csv", params={"area_code": DESA}).text
    assert sheet.splitlines()[0].startswith("nama,umur,kode_desa,posyandu")
    [line] = [line for line in sheet.splitlines() if line.startswith("Lestari,19,")]
    assert line.endswith(',"Anemia pada kehamilan, Kurang energi kronis (KEK), '
                         'Hamil terlalu muda (4 Terlalu)"')  # in words, as the bidan reads
    born = screening.post("/births", headers={"Idempotency-Key": str(uuid.uuid4())}, json={
        "mother": woman, "baby": {"mother_nik": nik, "local_id": "anak-1", "name": "Bayi",
                                  "sex": "F", "birth_date": today.isoformat()},
        "posyandu_id": "psy-kampung"})  # pulang kampung: another desa's posyandu
    assert born.status_code == 201, born.text
    assert "Lestari" not in {r["name"] for r in screening.get(
        "/pregnancies", params={"area_code": DESA}).json()}
    refused = screening.get("/pregnancies", params={"area_code": "33.73.4"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == [
        "query", "area_code"]


def test_the_register_of_balita(platform: Platform) -> None:
    """Register Kohort Balita: a child weighed this month is on it with her name, her
    last weighing's z-scores and status, and the doses recorded at an earlier visit."""
    today = datetime.now(WIB).date()
    child = {"nik": "3373044306250007", "name": "Putri", "sex": "F", "birth_date": "2025-06-03"}
    record(platform, {"person": child, "posyandu_id": "psy-anggrek",
                      "screened_on": "2025-08-05",
                      "measurements": {"weight_kg": 5.6, "immunizations": ["DPT-HB-Hib1"]}})
    record(platform, {"person": child, "posyandu_id": "psy-anggrek",
                      "screened_on": today.isoformat(),
                      "measurements": {"weight_kg": 8.0, "height_cm": 70.0,
                                       "measured_lying": True}})
    rows = client(platform, "screening").get("/children", params={"area_code": DESA}).json()
    [putri] = [r for r in rows if r["name"] == "Putri"]
    assert putri["weighed_this_month"] is True and putri["last_weighed_on"] == today.isoformat()
    assert {"waz", "haz", "whz"} <= set(putri["growth"]) and putri["growth"]["weight_kg"] == 8.0
    assert "stunted" in putri["status"] or "severely_stunted" in putri["status"]
    assert putri["doses"] == ["DPT-HB-Hib1"]  # from the visit more than a year ago
    sheet = client(platform, "screening").get("/children.csv", params={
        "area_code": DESA.replace(".", ""), "excel": "true"})
    assert sheet.headers["content-disposition"] == \
        f'attachment; filename="kohort-balita-{DESA}.csv"'
    text = sheet.content.decode("utf-8")
    assert text.startswith("\ufeffnama;jenis_kelamin;tanggal_lahir;umur_bulan")
    # as the posyandu's books write it: P for perempuan, the posyandu by its name
    assert f"Putri;P;2025-06-03;{putri['age_months']};{DESA};Posyandu Anggrek;" in text
    assert ";ya;8,0;70,0;" in text  # weighed this month; decimal commas, as Excel reads them
    assert "Pendek / stunting (TB/U)" in text or "Sangat pendek (TB/U)" in text  # in words
    assert putri["age_months"] == (today.year - 2025) * 12 + today.month - 6 - (
        today.day < 3)


def test_the_register_ptm_says_whose_recheck_is_due(platform: Platform) -> None:
    """Register PTM (Posbindu): a man found hypertensive six weeks ago and not measured
    since is overdue for his monthly re-check; the list of whom to invite says so, by
    name, and the spreadsheet too. A pregnant woman is the Kohort Ibu's, not here."""
    today = datetime.now(WIB).date()
    man = {"nik": "3373041004710003", "name": "Pak Slamet", "sex": "M",
           "birth_date": "1971-04-10", "rw": "RW 02", "rt": "004"}
    record(platform, {"person": man, "posyandu_id": "psy-anggrek",
                      "screened_on": (today - timedelta(weeks=6)).isoformat(),
                      "measurements": {"systolic": 165.0, "diastolic": 100.0,
                                       "glucose_random": 150.0}})
    record(platform, {"person": man, "posyandu_id": "psy-anggrek",
                      "screened_on": (today - timedelta(days=3)).isoformat(),
                      "measurements": {"weight_kg": 70.0, "height_cm": 165.0}})
    record(platform, {"person": {"nik": "3373045402900004", "name": "Bu Yanti", "sex": "F",
                                 "birth_date": "1990-02-14"}, "posyandu_id": "psy-anggrek",
                      "screened_on": today.isoformat(), "measurements": {"systolic": 150.0,
                                                                        "diastolic": 95.0},
                      "pregnancy": {"gestational_weeks": 24, "anc_visit": 3}})
    screening = client(platform, "screening")
    rows = screening.get("/adults", params={"area_code": DESA}).json()
    [slamet] = [r for r in rows if r["name"] == "Pak Slamet"]
    assert (slamet["age_years"], slamet["visits"], slamet["rw"]) == (
        (today.year - 1971) - ((today.month, today.day) < (4, 10)), 2, "RW 02")
    assert slamet["latest"] == {"systolic": 165.0, "diastolic": 100.0,
                                "glucose_random": 150.0, "bmi": 25.7}
    assert slamet["findings"] == ["obese_1"]  # of his last visit
    checked = (today - timedelta(weeks=6)).isoformat()
    assert slamet["watch"] == [
        {"condition": "hipertensi", "last_checked_on": checked,
         "due_on": (today - timedelta(weeks=6) + timedelta(days=30)).isoformat(),
         "overdue": True},
        {"condition": "prediabetes", "last_checked_on": checked,
         "due_on": (today - timedelta(weeks=6) + timedelta(days=90)).isoformat(),
         "overdue": False},
        {"condition": "obesitas", "last_checked_on": (today - timedelta(days=3)).isoformat(),
         "due_on": (today - timedelta(days=3) + timedelta(days=90)).isoformat(),
         "overdue": False}]
    overdue = screening.get("/adults", params={"area_code": DESA, "due_within_days": 0})
    assert "Pak Slamet" in {r["name"] for r in overdue.json()}
    assert all(r["next_check_on"] <= today.isoformat() for r in overdue.json())
    assert "Bu Yanti" not in {r["name"] for r in rows}  # pregnant: the Kohort Ibu's
    sheet = screening.get("/adults.csv", params={"area_code": DESA}).text
    [line] = [line for line in sheet.splitlines() if line.startswith("Pak Slamet,L,")]
    assert f"hipertensi s/d {slamet['watch'][0]['due_on']} (lewat)" in line


def test_a_register_excel_saved_on_windows_keeps_its_names(platform: Platform, tmp_path,
                                                           capsys) -> None:
    """Excel on Windows saves plain "CSV" in Windows-1252: the apostrophe of "Ni’mah" is
    the byte 0x92. Read as UTF-8 it was stored as "Ni�mah"; sent by the CLI the file was
    refused with a traceback."""
    from ilp_platform.register_import import import_register

    record(platform, balita(19))  # the posyandu is known to screening
    nik = f"33730459112400{uuid.uuid4().int % 100:02d}"
    text = f"NIK;Nama;L/P;Tgl Lahir;Tgl Periksa;BB\n{nik};Ni’mah;P;19/11/2024;20/11/2026;9,5\n"
    screening = client(platform, "screening")
    reply = screening.post("/screenings/import", params={"posyandu_id": "psy-anggrek"},
                           content=text.encode("cp1252"), headers={
                               "Content-Type": "text/csv", "Idempotency-Key": str(uuid.uuid4())})
    assert reply.status_code == 200 and reply.json()["rejected"] == [], reply.text
    person = screening.post("/persons/lookup", json={"nik": nik}).json()
    assert person["name"] == "Ni’mah"
    other = f"{nik[:-2]}{(int(nik[-2:]) + 1) % 100:02d}"
    sheet = tmp_path / "register.csv"
    sheet.write_bytes(text.replace("Ni’mah", "Nur’aini").replace(nik, other).encode("cp1252"))
    assert import_register(sheet, platform.service_url("screening"), "psy-anggrek") == 0
    assert "diterima 1" in capsys.readouterr().out
    assert screening.post("/persons/lookup", json={"nik": other}).json()["name"] == "Nur’aini"


def test_a_register_kept_in_excel_is_sent_as_it_is(platform: Platform, tmp_path,
                                                   capsys, workbook) -> None:
    """A posyandu's register as an .xlsx under its title, a month a sheet: dates as date
    cells, a weight as a number, "Diukur Ulang" as TRUE/FALSE – read as typed, every
    sheet, each refused row named by its sheet and row; a NIK Excel kept as a number (its
    last digit lost) refused saying so. Over HTTP, a workbook of several sheets is refused
    whole rather than read in part."""
    from ilp_platform.register_import import import_register

    record(platform, balita(19))  # the posyandu is known to screening
    nik = f"337304591125{uuid.uuid4().int % 10000:04d}"  # a girl born 19/11/2025
    today = date.today()
    header = ["NIK", "Nama", "L/P", "Tgl Lahir", "Tgl Periksa", "BB (kg)", "TB (cm)",
              "Cara Ukur", "Diukur Ulang"]
    (tmp_path / "register.xlsx").write_bytes(workbook(Lalu=[
        header, [nik, "Wulan", "P", date(2025, 11, 19), today - timedelta(days=30), 7.9,
                 71.5, "telentang", False]], Ini=[
        ["REGISTER BAYI DAN BALITA"], ["Posyandu Anggrek, November 2026"], [], header,
        [nik, "Wulan", "P", date(2025, 11, 19), today, 8.2, 72.5, "telentang", False],
        [nik, "Wulan", "P", date(2025, 11, 19), today + timedelta(days=9), 8.2, 72.5,
         "telentang", False],
        # typed as a number, Excel kept 15 of the NIK's 16 digits
        [int(nik[:-1] + "0"), "Wulan", "P", date(2025, 11, 19), today, 8.2, 72.5,
         "telentang", False]]))
    assert import_register(tmp_path / "register.xlsx", platform.service_url("screening"),
                           "psy-anggrek") == 2
    said = capsys.readouterr().out
    assert "diterima 2" in said and "Ini baris 6" in said and "Ini baris 7" in said, said
    assert "format kolomnya sebagai teks" in said  # the CLI asks in Bahasa Indonesia
    whole = client(platform, "screening").post(
        "/screenings/import", params={"posyandu_id": "psy-anggrek"},
        content=(tmp_path / "register.xlsx").read_bytes(),
        headers={"Content-Type": "text/csv", "Idempotency-Key": str(uuid.uuid4())})
    assert whole.status_code == 422 and whole.json()["detail"][0]["type"] == "several_sheets"
    person = client(platform, "screening").post("/persons/lookup", json={"nik": nik}).json()
    assert person["name"] == "Wulan" and person["birth_date"] == "2025-11-19"


def test_a_district_template_register_is_sent_in_chunks_each_with_its_header(
        platform: Platform, tmp_path, capsys, workbook, monkeypatch) -> None:
    """A register under a title, its header on two merged rows with the column numbers
    under it and a column per dose: every chunk the CLI sends carries the whole header,
    and a refused row keeps the number the spreadsheet shows."""
    from ilp_platform import register_import

    monkeypatch.setattr(register_import, "CHUNK_ROWS", 1)
    record(platform, balita(19))  # the posyandu is known to screening
    niks = [f"337304591125{(uuid.uuid4().int + i) % 10000:04d}" for i in range(2)]
    day = date.today().strftime("%d/%m/%Y")
    (tmp_path / "register.xlsx").write_bytes(workbook(Bulan=[
        ["REGISTER BAYI DAN BALITA"],
        [*((name, 2, 1) for name in ("No", "Nama", "NIK", "JK", "Tgl Lahir", "Tanggal")),
         ("Pengukuran", 1, 2), None, ("Imunisasi", 1, 2)],
        [None] * 6 + ["BB (kg)", "PB/TB (cm)", "Polio 1", "DPT-HB-Hib 1"],
        [f"({n})" for n in range(1, 11)],
        [1, "Wulan", niks[0], "P", "19/11/2025", day, 8.2, 72.5, "√", day],
        [2, "Sekar", niks[1], "P", "19/11/2025", day, 8.0, 71.0, "01/01/2020", None]]))
    assert register_import.import_register(
        tmp_path / "register.xlsx", platform.service_url("screening"), "psy-anggrek") == 1
    said = capsys.readouterr().out
    assert "diterima 1" in said and "baris 6: Polio 1" in said, said
    screening = client(platform, "screening")
    wulan = screening.post("/persons/lookup", json={"nik": niks[0]}).json()
    (visit,) = screening.get(f"/persons/{wulan['person_id']}/screenings").json()
    assert visit["immunizations"] == ["OPV1", "DPT-HB-Hib1"]
    assert visit["measurements"]["height_cm"] == 72.5


def test_a_sheet_sent_in_chunks_records_each_childs_months_oldest_first(
        platform: Platform, tmp_path, capsys, monkeypatch) -> None:
    """An export listing a child's November before her October, in chunks of one row:
    October goes first, so November's N reads it; a refused row keeps its line."""
    from ilp_platform import register_import

    monkeypatch.setattr(register_import, "CHUNK_ROWS", 1)
    record(platform, balita(19))  # the posyandu is known to screening
    nik = f"3373045501250{uuid.uuid4().int % 1000:03d}"
    (tmp_path / "export.csv").write_text(
        "Nama;NIK;JK;Tgl Lahir;Tanggal Pengukuran;Berat\n"
        f"SITI;{nik};P;2025-01-15;2026-11-12;8,9\n"
        f"SITI;{nik};P;2025-01-15;2026-09-12;banyak\n"
        f"SITI;{nik};P;2025-01-15;2026-10-12;8,5\n")
    assert register_import.import_register(
        tmp_path / "export.csv", platform.service_url("screening"), "psy-anggrek") == 1
    said = capsys.readouterr().out
    assert "diterima 2" in said and "baris 3: Berat" in said, said
    screening = client(platform, "screening")
    siti = screening.post("/persons/lookup", json={"nik": nik}).json()
    visits = screening.get(f"/persons/{siti['person_id']}/screenings").json()
    november = next(v for v in visits if v["screened_on"] == "2026-11-12")
    assert "weight_gain_adequate" in [f["code"] for f in november["findings"]]


def test_a_register_by_month_is_a_visit_each_month_weighed(
        platform: Platform, tmp_path, capsys, workbook, monkeypatch) -> None:
    """The posyandu's Register Bayi/Balita, a child a row and "BB (kg)" over the months:
    sent in chunks (each with the title that names the year) on the posyandu's day, each
    month weighed one visit; a month's bad cell refused by its column; sent again, none
    twice – nor with another day given (the register writes none: its month's visits are
    those recorded)."""
    from ilp_platform import register_import

    monkeypatch.setattr(register_import, "CHUNK_ROWS", 1)
    record(platform, balita(19))  # the posyandu is known to screening
    year = date.today().year - 1
    born = date(year - 1, 11, 19)
    niks = [f"337304{born:%d%m%y}".replace(f"{born:%d}", "59", 1)
            + f"{(uuid.uuid4().int + i) % 10000:04d}" for i in range(2)]
    months = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    (tmp_path / "register.xlsx").write_bytes(workbook(Register=[
        [f"REGISTER BAYI DAN BALITA POSYANDU ANGGREK TAHUN {year}"],
        [*((name, 2, 1) for name in ("No", "Nama Anak", "NIK", "L/P", "Tgl Lahir")),
         ("BB (kg)", 1, 12), *[None] * 11],
        [None] * 5 + months,
        [1, "Wulan", niks[0], "P", born, 7.9, 8.1, 8.4, *[None] * 9],
        [2, "Sekar", niks[1], "P", born, 7.5, "8,0", 80, *[None] * 9]]))
    sent = (tmp_path / "register.xlsx", platform.service_url("screening"), "psy-anggrek",
            None, None, 15)
    with pytest.raises(SystemExit, match="beri --day TANGGAL"):  # before anything is sent
        register_import.import_register(*sent[:5])
    assert register_import.import_register(*sent) == 1
    said = capsys.readouterr().out
    assert "diterima 5" in said and f"baris 5 ({year}-03-15): BB (kg) Mar" in said, said
    assert register_import.import_register(*sent) == 1
    assert "diterima 0, sudah ada 5" in capsys.readouterr().out
    assert register_import.import_register(*sent[:5], 16) == 1
    assert "diterima 0, sudah ada 5" in capsys.readouterr().out
    screening = client(platform, "screening")
    wulan = screening.post("/persons/lookup", json={"nik": niks[0]}).json()
    visits = screening.get(f"/persons/{wulan['person_id']}/screenings").json()
    assert sorted((v["screened_on"], v["measurements"]["weight_kg"]) for v in visits) == [
        (f"{year}-01-15", 7.9), (f"{year}-02-15", 8.1), (f"{year}-03-15", 8.4)]


def test_two_records_of_one_child_are_merged_into_one(platform: Platform) -> None:
    """Weighed by her mother's NIK early in the month and by her own later: two records,
    counted twice, a visit each. Merged, she is weighed once in PWS, her visits follow
    her, and her mother's NIK finds her from now on."""
    suffix = uuid.uuid4().int % 10000
    mother = {"mother_nik": f"3373045001950{suffix % 1000:03d}", "name": "Bayu",
              "sex": "M", "birth_date": "2024-11-12"}
    own = {"nik": f"3373041211240{suffix % 1000:03d}", "name": "Bayu Pratama", "sex": "M",
           "birth_date": "2024-11-12"}
    stunted_boy = {"weight_kg": 9.0, "height_cm": 76.0, "measured_lying": False}
    before = weighed(platform)
    first = record(platform, {"person": mother, "posyandu_id": "psy-anggrek",
                              "screened_on": "2026-11-05", "measurements": stunted_boy})
    second = record(platform, {"person": own, "posyandu_id": "psy-anggrek",
                               "screened_on": "2026-11-20", "measurements": stunted_boy})
    duplicate, kept = first["person_id"], second["person_id"]
    assert duplicate != kept and eventually(lambda: weighed(platform) == before + 2)
    notify = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)

    def visits_of(person_id: str, status: str = "open") -> list[dict]:
        return [t for t in tasks(notify, area_code=DESA, status=status, limit="1000")
                if t["person_id"] == person_id]
    assert eventually(lambda: visits_of(duplicate) and visits_of(kept))

    screening = client(platform, "screening")

    def suggested() -> list[set[str]]:
        return [{r["person_id"] for r in pair["records"]} for pair in screening.get(
            "/duplicates", params={"area_code": DESA}).json()]
    assert {kept, duplicate} in suggested()  # born that day, "Bayu" in "Bayu Pratama"
    too_wide = screening.get("/duplicates", params={"area_code": "33.73"})
    assert too_wide.status_code == 422 and too_wide.json()["detail"][0]["type"] == "area_too_wide"
    refused = screening.post(f"/persons/{kept}/merge",
                             json={"duplicate_id": kept, "reason": "sama"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["type"] == "same_person"
    merged = screening.post(f"/persons/{kept}/merge", json={
        "duplicate_id": duplicate, "reason": "ditimbang dengan NIK ibu pada 5/11"})
    assert merged.status_code == 200, merged.text
    assert merged.json()["name"] == "Bayu Pratama"  # the record kept, as it is
    history = screening.get(f"/persons/{kept}/screenings").json()
    assert sorted(s["screened_on"] for s in history) == ["2026-11-05", "2026-11-20"]
    moved = next(s for s in history if s["screening_id"] == first["screening_id"])
    assert moved["version"] == 2 and moved["person_id"] == kept
    assert eventually(lambda: weighed(platform) == before + 1)  # one child weighed
    assert {kept, duplicate} not in suggested()
    assert eventually(lambda: not visits_of(duplicate))  # her visits follow her
    assert [t["reason"] for t in visits_of(duplicate, "cancelled")]
    assert visits_of(kept)
    again = screening.post(f"/persons/{kept}/merge", json={
        "duplicate_id": duplicate, "reason": "sekali lagi"})
    assert again.status_code == 422 and again.json()["detail"][0]["type"] == "merged_already"
    assert screening.get(f"/persons/{duplicate}").json()["merged_into"] == kept
    # her mother's NIK (and the day she was born) is hers now
    third = record(platform, {"person": mother, "posyandu_id": "psy-anggrek",
                              "screened_on": "2026-11-21", "measurements": stunted_boy})
    assert third["person_id"] == kept
    assert screening.get(f"/persons/{kept}").json()["name"] == "Bayu Pratama"
    # they were twins after all: parted, the first visit is the other's again
    parted = screening.post(f"/persons/{kept}/unmerge", json={
        "duplicate_id": duplicate, "reason": "kembar, bukan satu anak"})
    assert parted.status_code == 200 and parted.json()["merged_into"] is None, parted.text
    assert eventually(lambda: weighed(platform) == before + 2)
    assert eventually(lambda: visits_of(duplicate))


def test_person_ids_are_keyed_by_the_data_directorys_own_secret(platform: Platform,
                                                                 tmp_path) -> None:
    """With the demo key everyone has, an event's person id turned back into a NIK by
    trying a kecamatan's NIKs. `./ilp up` makes a key per data directory (0600); one that
    already holds people made with the demo key keeps it, so they keep their ids."""
    from ilp_kit.settings import DEMO_PSEUDONYM_KEY
    from ilp_kit.tokens import local_pseudonym_key
    from ilp_screening.domain.person import pseudonym

    key_file = platform.data_dir / "auth" / "pseudonym.key"
    key = key_file.read_text().strip()
    assert key != DEMO_PSEUDONYM_KEY and len(key) == 64
    assert key_file.stat().st_mode & 0o777 == 0o600
    body = balita(19)
    person_id = record(platform, body)["person_id"]
    assert person_id == pseudonym(body["person"]["nik"], key)
    assert person_id != pseudonym(body["person"]["nik"], DEMO_PSEUDONYM_KEY)

    (tmp_path / "screening.db").touch()  # a data directory from before the key file
    assert local_pseudonym_key(tmp_path, DEMO_PSEUDONYM_KEY) == DEMO_PSEUDONYM_KEY
    assert local_pseudonym_key(tmp_path, "other") == DEMO_PSEUDONYM_KEY  # kept once made


def test_a_baby_known_from_her_birth_and_weighed_as_anak_1_is_suggested_as_one(
        platform: Platform) -> None:
    """Her birth recorded without a local id, the kader's app weighing her as "anak-1":
    two records, suggested as one child – the birth's record among them though it was
    never weighed – and made one, the birth's kept."""
    born = datetime.now(WIB).date() - timedelta(days=20)
    mother_nik = f"337304{12 + 40}0396{uuid.uuid4().int % 10000:04d}"  # born 12/03/1996
    mother = {"nik": mother_nik, "name": "Rina", "sex": "F", "birth_date": "1996-03-12"}
    screening = client(platform, "screening")
    birth = screening.post("/births", headers={"Idempotency-Key": str(uuid.uuid4())}, json={
        "mother": mother, "baby": {"mother_nik": mother_nik, "name": "Bayi Ny. Rina",
                                   "sex": "F", "birth_date": born.isoformat()},
        "posyandu_id": "psy-anggrek", "birth_weight_g": 3000, "place": "fasyankes"})
    assert birth.status_code == 201, birth.text
    weighed = record(platform, {
        "person": {"mother_nik": mother_nik, "local_id": "anak-1", "name": "Aulia",
                   "sex": "F", "birth_date": born.isoformat()},
        "posyandu_id": "psy-anggrek", "screened_on": datetime.now(WIB).date().isoformat(),
        "measurements": {"weight_kg": 3.6, "height_cm": 52.0, "measured_lying": True}})
    baby, mother_id = birth.json()["baby_id"], birth.json()["mother_id"]
    assert weighed["person_id"] != baby
    # whom her KN and KF visits are for, never screened (scoped: test_gateway)
    assert screening.get(f"/persons/{baby}").json()["name"] == "Bayi Ny. Rina"
    assert screening.get(f"/persons/{mother_id}").json()["name"] == "Rina"
    [pair] = [p for p in screening.get("/duplicates", params={"area_code": DESA}).json()
              if {r["person_id"] for r in p["records"]} == {baby, weighed["person_id"]}]
    assert pair["why"] == "same_mother"
    assert {r["person_id"]: (r["visits"], r["last_seen_on"]) for r in pair["records"]}[baby] == (
        0, born.isoformat())
    merged = screening.post(f"/persons/{baby}/merge", json={
        "duplicate_id": weighed["person_id"], "reason": "aplikasi kader: anak-1"})
    assert merged.status_code == 200, merged.text
    history = screening.get(f"/persons/{baby}/screenings").json()
    assert [s["screening_id"] for s in history] == [weighed["screening_id"]]


def test_a_capsule_an_iva_and_a_puma_score_go_from_the_posyandu_to_pws_and_the_visits(
        platform: Platform) -> None:
    """Through the services, as a kader's app sends them: the bulan vitamin A's capsule
    reaches PWS's February coverage (March has no value); a positive IVA opens the bidan's
    referral visit, a PUMA of 7 the perawat's; each in PWS among those examined."""
    desa = "33.73.04.2031"
    desa_with_posyandu(platform, desa, "Capsule", "psy-capsule")
    given = {"person": {"nik": f"3373041508240{uuid.uuid4().int % 1000:03d}", "name": "Bima",
                        "sex": "M", "birth_date": "2024-08-15"},
             "posyandu_id": "psy-capsule", "screened_on": "2026-02-10",
             "measurements": {"weight_kg": 10.1, "vitamin_a": True}}
    declined = {**given, "person": {**given["person"], "name": "Dimas",
                                    "nik": f"3373041508240{uuid.uuid4().int % 1000:03d}"},
                "measurements": {"weight_kg": 10.0, "vitamin_a": False}}
    woman = {"person": {"nik": f"3373044505850{uuid.uuid4().int % 1000:03d}", "name": "Sri",
                        "sex": "F", "birth_date": "1985-05-05"},
             "posyandu_id": "psy-capsule", "screened_on": "2026-11-20",
             "measurements": {"iva_positive": True, "breast_lump": False, "puma": 7}}
    for body in (given, declined, woman):
        assert record(platform, body)["status"] == "active"
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    assert eventually(lambda: indicator(pws, desa, "2026-02", "balita_vitamin_a")["pct"] == 50.0)
    assert indicator(pws, desa, "2026-03", "balita_vitamin_a")["pct"] is None  # not its month
    assert eventually(lambda: (indicator(pws, desa, "2026-11", "iva_positif")["pct"],
                               indicator(pws, desa, "2026-11", "sadanis_kelainan")["pct"],
                               indicator(pws, desa, "2026-11", "ptm_ppok")["pct"])
                      == (100.0, 0.0, 100.0))
    notify = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    assert eventually(lambda: {t["reason"] for t in tasks(notify, area_code=desa)} == {
        "rujukan_deteksi_dini_kanker", "suspek_ppok"})


def test_a_balitas_year_at_her_posyandu_makes_the_spms_balita_service(platform: Platform
                                                                       ) -> None:
    """Through the services: a two-year-old weighed every month from January, measured
    and her development checked (KPSP) in February and August, given her capsules in the
    bulan vitamin A – served in August, her eighth weighing, against the anak balita her
    desa's balita less its bayi make."""
    desa = "33.73.04.2050"
    desa_with_posyandu(platform, desa, "Delapan", "psy-delapan")
    for group, count in (("balita", 10), ("bayi", 2)):
        client(platform, "registry").put("/targets", json={
            "area_code": desa, "year": 2026, "group": group, "count": count}
        ).raise_for_status()
    person = {"nik": f"3373045102240{uuid.uuid4().int % 1000:03d}", "name": "Laras",
              "sex": "F", "birth_date": "2024-02-11"}
    for month in range(1, 9):
        twice = {"height_cm": 84.0 + month, "measured_lying": False, "kpsp": "sesuai",
                 "vitamin_a": True} if month in (2, 8) else {}
        assert record(platform, {"person": person, "posyandu_id": "psy-delapan",
                                 "screened_on": f"2026-{month:02d}-12",
                                 "measurements": {"weight_kg": 11.0 + month / 10, **twice}}
                      )["status"] == "active"
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    assert eventually(lambda: indicator(pws, desa, "2026-08", "spm_balita")["numerator"] == 1)
    served = indicator(pws, desa, "2026-08", "spm_balita")
    assert (served["denominator"], served["pct"], served["targets_missing"]) == (8, 12.5, 0)
    before = indicator(pws, desa, "2026-07", "spm_balita")  # eight weighings: not before
    assert (before["numerator"], before["pct"], before["colour"]) == (0, None, "grey")


def test_iron_tablets_pmt_and_deworming_go_from_the_posyandu_to_pws_and_the_kohort(
        platform: Platform) -> None:
    """Through the services: a pregnant woman's three contacts of 30 iron tablets make her
    pregnancy's TTD 90 in the month of the third (the Kohort Ibu sums them), where she was
    found KEK and given PMT; a remaja
    putri given a month's TTD counts among the girls seen; a child's deworming tablet in
    February among the children of 12–59 months (March has no value)."""
    desa = "33.73.04.2032"
    desa_with_posyandu(platform, desa, "Tablet", "psy-tablet")

    def person(name: str, sex: str, born: str, nik: str) -> dict:
        return {"nik": f"{nik}{uuid.uuid4().int % 1000:03d}", "name": name, "sex": sex,
                "birth_date": born}
    ani = person("Ani", "F", "1996-05-05", "3373044505960")
    for day, weeks in (("2026-07-06", 14), ("2026-08-03", 18), ("2026-09-07", 23)):
        kek = {"muac_cm": 22.5, "supplementary_food": True} if weeks == 23 else {}
        assert record(platform, {"person": ani, "posyandu_id": "psy-tablet", "screened_on": day,
                                 "pregnancy": {"gestational_weeks": weeks},
                                 "measurements": {"iron_tablets": 30, **kek}}
                      )["status"] == "active"
    girls = [person(name, "F", "2013-03-03", "3373044303130") for name in ("Rina", "Tia")]
    for girl, tablets in zip(girls, (4, 0), strict=True):
        record(platform, {"person": girl, "posyandu_id": "psy-tablet",
                          "screened_on": "2026-09-07",
                          "measurements": {"weight_kg": 40.0, "iron_tablets": tablets}})
    child = person("Bima", "M", "2024-08-15", "3373041508240")
    record(platform, {"person": child, "posyandu_id": "psy-tablet", "screened_on": "2026-02-10",
                      "measurements": {"weight_kg": 10.1, "deworming": True}})
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    assert eventually(lambda: indicator(pws, desa, "2026-09", "ibu_hamil_ttd90")["numerator"]
                      == 1)
    assert indicator(pws, desa, "2026-08", "ibu_hamil_ttd90")["numerator"] == 0  # 60 by then
    assert indicator(pws, desa, "2026-09", "ibu_hamil_kek_pmt")["pct"] == 100.0  # KEK: PMT
    assert eventually(lambda: indicator(pws, desa, "2026-09", "remaja_putri_ttd")["pct"]
                      == 50.0)
    assert eventually(lambda: indicator(pws, desa, "2026-02", "balita_obat_cacing")["pct"]
                      == 100.0)
    assert indicator(pws, desa, "2026-03", "balita_obat_cacing")["pct"] is None
    screening = client(platform, "screening")
    [kohort] = screening.get("/pregnancies", params={"area_code": desa}).json()
    assert kohort["iron_tablets"] == 90


def test_an_eppgbm_export_finds_each_rows_posyandu_by_its_desa(platform: Platform) -> None:
    """A district's e-PPGBM export names each row's posyandu and desa: two desa's Posyandu
    Kenari are told apart by the desa's name as the registry has it (announced with the
    posyandu), whatever words the export puts before it; a desa renamed is found by its
    new name. A child's later month listed first still reads the weighing before it."""
    registry = client(platform, "registry")
    for code, desa in (("33.73.04.2041", "Pancor"), ("33.73.04.2042", "Gubuk Barat")):
        registry.post("/areas", json={"code": code, "name": desa}).raise_for_status()
        registry.post("/facilities", json={
            "id": f"psy-kenari-{code[-1]}", "type": "posyandu", "name": "Posyandu Kenari",
            "area_code": code}).raise_for_status()
    registry.put("/areas/33.73.04.2041", json={"name": "Pancor Timur"}).raise_for_status()
    niks = [f"3373045501250{uuid.uuid4().int % 1000:03d}" for _ in range(2)]
    text = ("No;NIK;Nama;JK;Tgl Lahir;Prov;Kab/Kota;Kec;Pukesmas;Desa/Kel;Posyandu;"
            "Tanggal Pengukuran;Berat;ZS BB/U;Naik Berat Badan;KPSP\n"
            f"1;{niks[0]};SITI;P;2025-01-15;JAWA TENGAH;SALATIGA;SIDOREJO;SIDOREJO;"
            "DESA PANCOR TIMUR;KENARI;2026-11-12;8,9;-0,5;N;Sesuai\n"
            f"1;{niks[0]};SITI;P;2025-01-15;JAWA TENGAH;SALATIGA;SIDOREJO;SIDOREJO;"
            "DESA PANCOR TIMUR;KENARI;2026-10-12;8,5;-0,6;N;\n"
            f"2;{niks[1]};AYU;P;2025-01-15;JAWA TENGAH;SALATIGA;SIDOREJO;SIDOREJO;"
            "Gubuk Barat;Posyandu Kenari;2026-11-12;9,0;-0,4;N;\n")
    screening = client(platform, "screening")

    def sent() -> dict:
        return screening.post("/screenings/import", content=text.encode(),
                              headers={"Content-Type": "text/csv"}).json()
    assert eventually(lambda: sent()["accepted"] == 3)
    seen = {nik: screening.get("/persons/{}/screenings".format(screening.post(
        "/persons/lookup", json={"nik": nik}).json()["person_id"])).json() for nik in niks}
    assert {nik: visits[0]["posyandu_id"] for nik, visits in seen.items()} == {
        niks[0]: "psy-kenari-1", niks[1]: "psy-kenari-2"}
    # November's row first, October's after it: November's N read October's weighing
    november = next(v for v in seen[niks[0]] if v["screened_on"] == "2026-11-12")
    assert "weight_gain_adequate" in [f["code"] for f in november["findings"]]


def test_a_kohort_ibus_deliveries_are_sent_as_births(platform: Platform, tmp_path,
                                                     capsys) -> None:
    """`./ilp import-births` of the Kohort Ibu the ANC contacts came from: each delivery a
    birth (a pregnant woman's row passed over, a baby without her sex refused at its
    column); sent again, none twice; corrected – at home, 2.4 kg, the mother's vitamin A
    ticked – and sent again, that birth amended, as PWS counts it. Her KF1 the Kohort shows
    made is counted made in the month it was, not sent to the bidan to make."""
    from ilp_platform import register_import

    desa = "33.73.04.2043"
    desa_with_posyandu(platform, desa, "Bersalin", "psy-bersalin")
    niks = [f"337304{41 + n:02d}0798{uuid.uuid4().int % 10000:04d}" for n in range(3)]
    sheet = tmp_path / "kohort.csv"
    sheet.write_text(
        "Nama Ibu;NIK;HPHT;K1;Tgl Persalinan;Tempat Persalinan;JK Bayi;BB Lahir;KF1;"
        "Vit A Nifas\n"
        f"Sari;{niks[0]};02/06/2026;11/08/2026;;;;;;\n"
        f"Ani;{niks[1]};02/01/2026;11/03/2026;05/10/2026;Puskesmas;P;3,1;06/10/2026;\n"
        f"Eka;{niks[2]};02/01/2026;11/03/2026;04/10/2026;Rumah;;2400;;\n")
    url = platform.service_url("screening")
    assert register_import.import_births(sheet, url, "psy-bersalin") == 1
    said = capsys.readouterr().out
    assert "diterima 1" in said and "baris 4: JK Bayi" in said, said
    assert register_import.import_births(sheet, url, "psy-bersalin") == 1
    assert "diterima 0, sudah ada 1, dikoreksi 0, belum bersalin 1" in capsys.readouterr().out
    sheet.write_text(sheet.read_text().replace("Puskesmas;P;3,1;06/10/2026;",
                                               "Rumah;P;2,4;06/10/2026;v"))  # mended
    assert register_import.import_births(sheet, url, "psy-bersalin") == 1
    assert "diterima 0, sudah ada 0, dikoreksi 1" in capsys.readouterr().out
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    assert eventually(lambda: indicator(pws, desa, "2026-10", "bayi_bblr")["numerator"] == 1)
    assert indicator(pws, desa, "2026-10", "persalinan_fasyankes")["numerator"] == 0
    assert indicator(pws, desa, "2026-10", "ibu_nifas_vitamin_a")["numerator"] == 1
    assert indicator(pws, desa, "2026-10", "kunjungan_nifas_kf1")["numerator"] == 1
    api = httpx.Client(base_url=f"{platform.service_url('notify')}/api/v1", timeout=10)
    assert [t["reason"] for t in tasks(api, desa_code=desa, status="open")] == []


def test_a_schools_bias_list_is_recorded_and_counted(platform: Platform, tmp_path,
                                                     capsys) -> None:
    """`./ilp import-register` of a school's BIAS list: each pupil's doses recorded, a
    pupil given none passed over and counted (*tanpa data*), not refused; PWS counts the
    girls of grades 5–6 given HPV among those seen, and the BIAS visit is no remaja
    screening."""
    from ilp_platform import register_import

    desa = "33.73.04.2044"
    desa_with_posyandu(platform, desa, "Sekolah", "psy-sekolah")
    nik = [f"337304{day}0{n}15{uuid.uuid4().int % 10000:04d}" for n, day in
           enumerate((55, 47, 10), start=5)]
    sheet = tmp_path / "bias.csv"
    sheet.write_text(
        "LAPORAN BIAS SD NEGERI 1 TAHUN 2026\n"
        "No;Nama Siswa;NIK;JK;Tgl Lahir;Kelas;Tgl Imunisasi;MR;DT;Td;HPV 1;HPV 2\n"
        f"1;Nurul;{nik[0]};P;15/05/2015;5;10/11/2026;;;v;v;\n"
        f"2;Fitri;{nik[1]};P;07/06/2015;5;10/11/2026;;;v;;\n"
        f"3;Rizky;{nik[2]};L;10/07/2015;5;10/11/2026;;;;;\n")
    url = platform.service_url("screening")
    assert register_import.import_register(sheet, url, "psy-sekolah") == 0
    said = capsys.readouterr().out
    assert "diterima 2, sudah ada 0, dikoreksi 0, tanpa data 1, ditolak 0" in said, said
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=10)
    hpv = eventually(lambda: (v := indicator(pws, desa, "2026-11", "siswi_hpv"))
                     ["denominator"] and v)
    assert (hpv["numerator"], hpv["denominator"]) == (1, 2)
    assert indicator(pws, desa, "2026-11", "remaja_skrining")["numerator"] == 0
