"""`ilp sample-screenings`: a new platform shows something at once – made-up balita,
pregnant women, school children, adults and lansia of the last months at every posyandu
of the sample kota, sent
through the gateway; the dashboard's figures, PWS statuses, registers and home visits
follow, and a second run the same day records nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from ilp_platform import cli
from ilp_platform.embedded import Platform

from .helpers import eventually, free_port_block, gateway_of


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("samples"), ports, ports + 1, ports + 2)
    platform.start()
    with gateway_of(platform):
        yield platform
    platform.stop()


def run(platform: Platform, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as ended:
        cli.main(["sample-screenings", "--data-dir", str(platform.data_dir), "--months", "2"])
    return int(ended.value.code or 0), capsys.readouterr().out


def test_sample_screenings_fill_the_dashboard_once(platform: Platform, capsys) -> None:
    from ilp_platform.embedded import _banner

    _banner(platform)  # `./ilp up` on the sample kota says how to fill it
    assert f"./ilp sample-screenings --data-dir {platform.data_dir}" in capsys.readouterr().out
    code, said = run(platform, capsys)
    assert code == 0, said
    recorded, at = int(said.split()[0]), int(said.split(" at ")[1].split()[0])
    births = int(said.split(" and ")[1].split()[0])
    assert at == 79 and recorded > 79 * 20 and "0 refused" in said  # the sample kota
    assert births == 79 * 2  # one a month at each posyandu
    month = date.today().strftime("%Y-%m")
    pws = httpx.Client(base_url=f"{platform.service_url('pws')}/api/v1", timeout=30)

    def kota(indicator_id: str, period: str = month) -> dict:
        return next(i for i in pws.get("/pws/areas/33.73/indicators", params={
            "period": period}).json()["indicators"] if i["id"] == indicator_id)
    assert eventually(lambda: kota("balita_ditimbang")["numerator"] > 500, timeout=60)
    platform.settle()
    # two months of the same children, measured each time: a stunting prevalence with its
    # trend and PWS status in every kecamatan
    table = pws.get("/pws/areas/33.73/table", params={"period": month}).json()
    stunting = [next(i for i in row["indicators"] if i["id"] == "balita_stunting")
                for row in table["rows"]]
    assert len(stunting) == 4 and all(i["status"] and i["trend"] for i in stunting)
    assert 5 < kota("balita_stunting")["pct"] < 45  # around Indonesia's 21.6 %
    # every life-cycle stage of the dashboard has figures: the school screening, the
    # lansia's daily living (most at their first visit, last month), the TB symptom check
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert kota("remaja_skrining")["numerator"] > 50
    assert kota("anak_remaja_kurus")["denominator"] > 50
    assert kota("lansia_ketergantungan", last_month)["denominator"] > 20
    assert kota("tb_skrining_gejala", last_month)["numerator"] > 100
    # the SPM's school and adult services against the sample's sasaran
    spm = [kota(name) for name in ("spm_ibu_bersalin", "spm_pendidikan_dasar",
                                   "spm_usia_produktif", "spm_hipertensi", "spm_diabetes")]
    assert all(i["numerator"] > 0 and i["denominator"] > 0 for i in spm), spm
    # the balita's service is a year's (eight weighings): none served in two months, but
    # against the anak balita the sample's balita and bayi give
    balita = kota("spm_balita")
    assert (balita["numerator"], balita["targets_missing"]) == (0, 0) and \
        balita["denominator"] > 1000
    # births: where they were born, how much the babies weighed, and their KF/KN visits
    delivered = kota("persalinan_fasyankes")
    assert delivered["denominator"] >= 79 and 70 < delivered["pct"] <= 100  # (in January:
    assert kota("bayi_bblr")["denominator"] >= 79  # this month's alone, from the 1st)
    screening = httpx.Client(base_url=platform.base_url_of("screening"), timeout=30)
    assert screening.get("/children", params={"area_code": "33.73.04.1001"}).json()
    assert screening.get("/adults", params={"area_code": "33.73.04.1001"}).json()
    found = {code for row in screening.get("/adults", params={"area_code": "33.73.04"}).json()
             for code in row["findings"]}
    assert "hypertension_controlled" in found  # a diagnosed patient's reading in range
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=30)
    assert notify.get("/tasks", params={"desa_code": "33.73"}).json()
    code, again = run(platform, capsys)  # the same day again: nothing twice
    assert (code, again.split()[0]) == (0, "0") and "and 0 births" in again
    assert f"({recorded + births} already there" in again


def test_samples_wait_for_the_screening_service_to_learn_the_posyandu() -> None:
    """On a platform just started the screening service learns the registry's posyandu a
    moment after the registry has them: what it refused for an unknown posyandu is sent
    again (same keys), until it knows them or patience runs out; other refusals are not."""
    import json
    from ilp_platform.samples import record_samples

    known_after, sent = 3, []

    def gateway(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/registry/facilities"):
            first = request.url.params["offset"] == "0"
            return httpx.Response(200, json=[{"id": "pos-1", "area_code": "33.73.04.1001"}]
                                  if first else [])
        if request.url.path.endswith("/screening/births"):
            return httpx.Response(201, json={})
        batch = json.loads(request.content)["screenings"]
        sent.append([item["idempotency_key"] for item in batch])
        knows = len(sent) >= known_after
        return httpx.Response(200, json={"results": [
            {"status": "created"} if knows and n else
            {"status": "rejected", "detail": [{"loc": [], "type": "implausible_value"
                                              if knows else "unknown_posyandu", "msg": "…"}]}
            for n, _ in enumerate(batch)]})

    client = httpx.Client(base_url="http://gateway/api/v1", transport=httpx.MockTransport(gateway))
    counts, reasons = record_samples(client, date(2026, 12, 4), months=2)
    assert len(sent) == known_after and sent[0] == sent[-1]  # the same screenings, same keys
    assert counts["created"] == len(sent[0]) - 1 and counts["rejected"] == 1
    assert list(reasons.values()) == [1] and "implausible_value" in next(iter(reasons))

    sent.clear()
    known_after = 1000  # never learns them: refused once patience has run out
    counts, reasons = record_samples(client, date(2026, 12, 4), months=2, patience=1.5)
    assert counts["rejected"] == len(sent[0]) and "unknown_posyandu" in next(iter(reasons))
