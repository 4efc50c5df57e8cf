"""`ilp status` on a running platform: every service ready with nothing waiting; a poison
message in its service's dead letters; a PWS that hangs shows as down with the events it
has not applied, and the command exits 1 until PWS is back and has caught up."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from ilp_platform.cli import main
from ilp_platform.embedded import Platform

from .helpers import (eventually, free_port_block, gateway_of, publish_events,
                      screened_in_october)


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("status"), ports, ports + 1, ports + 2,
                        sample_registry=None)
    platform.start()
    with gateway_of(platform):  # status asks through it
        yield platform
    platform.stop()


def status(platform: Platform, capsys: pytest.CaptureFixture[str]
           ) -> tuple[int, dict[str, list[str]]]:
    """The exit code, and each service's row: status, queue, outbox, applied, DLQ, lag."""
    with pytest.raises(SystemExit) as done:
        # on ports of its own: the data directory says where they are
        main(["status", "--data-dir", str(platform.data_dir)])
    rows = {}
    for line in capsys.readouterr().out.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if cells and cells[0] in ("registry", "screening", "pws", "notify"):
            rows[cells[0]] = cells[1:]
    return int(done.value.code or 0), rows


def poison(nats_port: int) -> None:
    async def send() -> None:
        nc = await nats.connect(f"nats://127.0.0.1:{nats_port}")
        await nc.jetstream().publish("ilp.ingest.screening.v1", b"{not json",
                                     headers={"Nats-Msg-Id": "status-poison"})
        await nc.close()
    asyncio.run(send())


def test_status_says_who_is_down_and_what_waits(platform: Platform, capsys,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, rows = status(platform, capsys)
    assert code == 0 and set(rows) == {"registry", "screening", "pws", "notify"}
    assert all(row[0] == "siap (sqlite)" and row[1] == "0" for row in rows.values())

    poison(platform.nats_port)
    assert eventually(lambda: status(platform, capsys)[1]["screening"][4] == "1")

    pws = platform.processes["pws"].pid
    os.kill(pws, signal.SIGSTOP)  # hung, not dead: nobody restarts it
    try:
        publish_events(platform.nats_port, [screened_in_october("33.73.04.2001", "psy-s",
                                                                f"p-status-{n}")
                                             for n in range(5)])
        notify = f"{platform.base_url_of('notify')}/health/ready"
        assert eventually(lambda: (ready := platform.http.get(notify).json())[
            "consumer"]["applied"] >= 5 and ready["outbox_backlog"] == 0)
        code, rows = status(platform, capsys)
        assert code == 1
        # PWS owes the five screenings and the five tasks notify made of them
        assert rows["pws"][:2] == ["mati", "10"]
        assert rows["notify"][0] == "siap (sqlite)"
    finally:
        os.kill(pws, signal.SIGCONT)
    assert eventually(lambda: status(platform, capsys)[1]["pws"][:2]
                      == ["siap (sqlite)", "0"], timeout=30)
    assert status(platform, capsys)[0] == 0


def test_the_banner_of_a_platform_elsewhere_says_how_the_commands_find_it(
        platform: Platform, capsys) -> None:
    from ilp_platform.embedded import _banner

    _banner(platform)
    shown = capsys.readouterr().out
    assert f"./ilp token --data-dir {platform.data_dir} --help" in shown
    assert f"status, dlq, import-…, pws-check: --data-dir {platform.data_dir}" in shown
    assert "/pws/dashboard#token=" in shown  # an empty registry: the page asks where
    assert "sample-screenings" not in shown  # made-up data only beside the sample kota


def test_the_banners_dashboard_opens_on_the_wilayah_this_platform_holds(
        platform: Platform, capsys) -> None:
    """Not on the sample kota's when another wilayah was loaded: its page was empty."""
    from ilp_platform.embedded import _banner

    registry = f"{platform.base_url_of('registry')}/areas"
    for area in ({"code": "52", "name": "Nusa Tenggara Barat"},
                 {"code": "52.03", "name": "Kab. Lombok Timur"}):
        platform.http.post(registry, json=area, headers=platform.auth_header(
            platform.operator_token())).raise_for_status()
    _banner(platform)
    assert "/pws/dashboard?area=52.03#token=" in capsys.readouterr().out


def test_the_alert_rules_read_metrics_the_services_export(platform: Platform) -> None:
    """deploy/prometheus/ilp-alerts.yaml names metrics by their Prometheus names; a rule
    on a name no service exports would never fire."""
    import re

    import httpx
    import yaml

    rules = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "ilp-alerts.yaml"
    exprs = " ".join(rule["expr"] for group in yaml.safe_load(rules.read_text())["groups"]
                     for rule in group["rules"])
    wanted = set(re.findall(r"\b((?:ilp|http_server)_[a-z_]+)\{", exprs))
    assert {"ilp_outbox_backlog", "ilp_consumer_lag_seconds"} <= wanted
    exported = {line.split("{")[0].split(" ")[0] for name in ("registry", "screening", "pws",
                                                              "notify")
                for line in httpx.get(f"{platform.service_url(name)}/metrics").text.splitlines()
                if line and not line.startswith("#")}
    assert wanted <= exported, wanted - exported
