"""Starts the platform the way `./ilp up` does and runs the README walkthrough."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from ilp_kit.tokens import mint_local_token

from .helpers import eventually, free_port_block, indicator, tasks, walkthrough_blocks

ILP = Path(sys.executable).parent / "ilp"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("platform")
    ports = free_port_block(6)
    process = subprocess.Popen(
        [str(ILP), "up", "--data-dir", str(data), "--port", str(ports),
         "--nats-port", str(ports + 1), "--service-port-base", str(ports + 2)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "ILP_AUTH_MODE": "local"})  # as a user runs it: tokens required
    assert process.stdout is not None
    banner = []
    for line in process.stdout:
        banner.append(line)
        if "Press Ctrl-C" in line:
            break
        if process.poll() is not None:
            break
    assert "Press Ctrl-C" in "".join(banner), "".join(banner)
    assert f"http://127.0.0.1:{ports}/api/v1/screening/docs" in "".join(banner)
    os.environ["ILP_README_DATA_DIR"] = str(data)  # where `ilp token` finds the key
    yield f"http://127.0.0.1:{ports}/api/v1"
    # What `kill`, systemd and docker send (Ctrl-C, SIGINT, takes the same way out): an
    # orderly stop of everything it started, nothing left running on its ports.
    process.send_signal(signal.SIGTERM)
    rest = process.communicate(timeout=60)[0]
    assert process.returncode == 0, rest
    assert "Stopped." in rest
    for port in range(ports + 1, ports + 6):  # NATS and the four services
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served"
    assert list((data / "nats").iterdir()), "JetStream data kept under the data dir"
    for name in ("registry", "screening", "pws", "notify"):
        assert (data / f"{name}.db").exists()


def run_block(block: str, base: str) -> str:
    """One README block in bash, after the block that sets BASE and the tokens (the README
    runs them in one shell). `./ilp` is the installed entry point here: same command,
    without re-checking the environment each time."""
    script = (walkthrough_blocks()[0] + block).replace("./ilp ", f"{ILP} ")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True,
                            text=True, timeout=30, env={
                                **os.environ, "BASE": base,
                                "ILP_DATA_DIR": os.environ["ILP_README_DATA_DIR"]})
    assert result.returncode == 0, result.stderr
    return result.stdout


def auth_client(base: str, *roles: str, **claims: object) -> httpx.Client:
    token = mint_local_token(Path(os.environ["ILP_README_DATA_DIR"]) / "auth" / "signing.key",
                             "test", roles, **claims)
    return httpx.Client(base_url=base, timeout=10, headers={"Authorization": f"Bearer {token}"})


def test_readme_walkthrough(platform: str) -> None:
    blocks = walkthrough_blocks()
    setup, screening, checks, bad_input, in_indonesian = (blocks[1:3], blocks[3], blocks[4],
                                                          blocks[5], blocks[6])
    for block in setup:
        for line in run_block(block, platform).splitlines():
            assert '"detail"' not in line, line

    # The posyandu reaches screening's read copy asynchronously: retry like a client.
    def record() -> dict | None:
        body = json.loads(run_block(screening, platform))
        return body if "screening_id" in body else None
    recorded = eventually(record)
    assert {f["code"] for f in recorded["findings"]} == {"underweight", "stunted"}
    assert "nik" not in json.dumps(recorded) and "3373041011240001" not in json.dumps(recorded)

    assert run_block(checks, platform)
    client = auth_client(platform, "dinkes_admin", wilayah=["33.73"])
    weighed = eventually(lambda: indicator(client, "33.73.04.1001", "2026-11",
                                           "balita_ditimbang")["numerator"] == 1 or None)
    assert weighed
    ds = indicator(client, "33.73.04.1001", "2026-11", "balita_ditimbang")
    assert (ds["numerator"], ds["denominator"], ds["pct"]) == (1, 120, 0.8)
    stunting = indicator(client, "3373", "2026-11", "balita_stunting")  # kota roll-up
    assert (stunting["numerator"], stunting["denominator"]) == (1, 1)
    kader = auth_client(platform, "kader", wilayah=["33.73.04.1001"], worker_id="kader-siti")
    [task] = eventually(lambda: tasks(kader, assignee_id="kader-siti"))
    assert task["reason"] == "masalah_gizi_balita"
    assert task["screening_ids"] == [recorded["screening_id"]]

    # A retry with the same Idempotency-Key returns the first record; nothing doubles.
    again = json.loads(run_block(screening, platform))
    assert again["screening_id"] == recorded["screening_id"]
    refused = json.loads(run_block(bad_input, platform))
    assert refused["detail"][0]["loc"] == ["body", "posyandu_id"]
    [implausible] = json.loads(run_block(in_indonesian, platform))["detail"]
    assert implausible == {"loc": ["body", "measurements", "weight_kg"], "type": "implausible",
                           "msg": "91 kg di luar rentang wajar 0,5–40 kg"}
    ready = httpx.get(f"{platform}/pws/health/ready").json()
    assert httpx.get(f"{platform}/pws/areas/33.73/indicators",
                     params={"period": "2026-11"}).status_code == 401
    assert ready["consumer"]["dead_lettered"] == 0
    assert len(tasks(kader, assignee_id="kader-siti")) == 1
    assert indicator(client, "33.73.04.1001", "2026-11", "balita_ditimbang")["numerator"] == 1


def test_gateway_serves_docs_and_openapi(platform: str) -> None:
    """The docs pages need nothing from the internet (a puskesmas network may have none):
    every script, style sheet and icon they load comes through the gateway."""
    client = httpx.Client(base_url=platform, timeout=10)
    for name in ("registry", "screening", "pws", "notify"):
        page = client.get(f"/{name}/docs")
        assert page.status_code == 200
        loaded = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
        assert loaded and all(url.startswith(f"/api/v1/{name}/") for url in loaded), loaded
        for url in loaded:
            assert httpx.get(platform.removesuffix("/api/v1") + url).status_code == 200, url
        assert client.get(f"/{name}/openapi.json").json()["info"]["title"] == f"ILP {name}"
    assert client.get("/nothing/here").status_code == 404
