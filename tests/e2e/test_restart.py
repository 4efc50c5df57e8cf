"""Nothing accepted is lost and nothing is applied twice when processes die.

The consumers are killed (SIGKILL) before a screening is recorded, the screening service
is killed right after accepting it, then NATS and everything else stop; after a restart
from the same data directory the projection and the task appear exactly once. Old
events re-published on top change nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest
from ilp_contracts import ScreeningRecorded
from ilp_platform.embedded import DataDirInUse, Platform, PortsInUse

from .helpers import eventually, free_port_block, indicator, tasks

SCREENING = {
    "person": {"nik": "3373044503250002", "name": "Sari", "sex": "F", "birth_date": "2025-03-05"},
    "posyandu_id": "psy-melati-01", "screened_on": "2026-11-18",
    # underweight and stunted, not severely: one task, the kader's
    "measurements": {"weight_kg": 8.2, "height_cm": 74.5, "measured_lying": True},
}


@pytest.fixture
def platform(tmp_path) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path / "data", ports, ports + 1, ports + 2)
    platform.start()
    yield platform
    platform.stop()


def service(platform: Platform, name: str) -> httpx.Client:
    return httpx.Client(base_url=f"{platform.service_url(name)}/api/v1", timeout=10)


def register_area(platform: Platform) -> None:
    registry = service(platform, "registry")
    for body in ({"code": "33.73.04", "name": "Sidorejo"},
                 {"code": "33.73.04.2002", "name": "Desa Contoh"}):
        registry.post("/registry/areas", json=body).raise_for_status()
    registry.post("/registry/facilities", json={
        "id": "psy-melati-01", "type": "posyandu", "name": "Posyandu Melati",
        "area_code": "33.73.04.2002", "rw": "RW 01"}).raise_for_status()
    registry.post("/registry/workers", json={
        "id": "kader-ani", "name": "Ani", "role": "kader",
        "facility_id": "psy-melati-01"}).raise_for_status()


def record(platform: Platform, key: str, screening: dict = SCREENING) -> dict:
    client = service(platform, "screening")

    def attempt() -> dict | None:
        reply = client.post("/screening/screenings", json=screening,
                            headers={"Idempotency-Key": key})
        return reply.json() if reply.status_code in (200, 201) else None
    return eventually(attempt)


def counted(platform: Platform) -> int:
    pws = service(platform, "pws")
    reply = pws.get("/pws/areas/33.73.04.2002/indicators", params={"period": "2026-11"})
    if reply.status_code == 404:
        return 0  # its area events were in flight to the killed pws: back after the ack wait
    return indicator(pws, "33.73.04.2002", "2026-11", "balita_ditimbang")["numerator"]


def test_killed_consumers_and_producer_lose_nothing_and_double_nothing(platform) -> None:
    register_area(platform)
    platform.stop_process("pws", signal.SIGKILL)
    platform.stop_process("notify", signal.SIGKILL)

    first = record(platform, "restart-test-0001")
    platform.stop_process("screening", signal.SIGKILL)  # right after accepting it
    platform.stop()  # NATS too; JetStream keeps its files

    platform.start()
    # Events a killed consumer had fetched come back after the ack wait (10 s).
    assert eventually(lambda: counted(platform) == 1, timeout=30)
    notify = service(platform, "notify")
    [task] = eventually(lambda: tasks(notify, assignee_id="kader-ani"), timeout=30)
    assert first["screening_id"] in task["screening_ids"]

    # The same screening retried after the restart is the same record.
    assert record(platform, "restart-test-0001")["screening_id"] == first["screening_id"]


def test_redelivered_old_events_change_nothing(platform) -> None:
    register_area(platform)
    first = record(platform, "redelivery-0001")
    assert eventually(lambda: counted(platform) == 1)
    notify = service(platform, "notify")
    eventually(lambda: tasks(notify, assignee_id="kader-ani"))

    async def republish() -> None:
        nc = await nats.connect(f"nats://127.0.0.1:{platform.nats_port}")
        js = nc.jetstream()
        sub = await js.pull_subscribe(ScreeningRecorded.SUBJECT, durable="test-replayer")
        [original] = await sub.fetch(1, timeout=5)
        for copy in range(3):  # new Nats-Msg-Id each time: past the de-dup window
            await js.publish(original.subject, original.data,
                             headers={**(original.headers or {}),
                                      "Nats-Msg-Id": f"replay-{copy}"})
        await nc.close()

    import asyncio

    asyncio.run(republish())
    pws = service(platform, "pws")
    eventually(lambda: pws.get("/pws/health/ready").json()["consumer"][
        "skipped_duplicates"] >= 3)
    eventually(lambda: notify.get("/notify/health/ready").json()["consumer"][
        "skipped_duplicates"] >= 3)
    assert counted(platform) == 1
    assert [t["screening_ids"] for t in tasks(notify, assignee_id="kader-ani")] == [
        [first["screening_id"]]]



def test_a_process_that_dies_is_started_again_and_catches_up(platform) -> None:
    """What `./ilp up` does every second: NATS or a service killed by the kernel or by a
    stray `kill -9` comes back by itself, and what happened meanwhile is applied."""
    register_area(platform)
    said: list[str] = []

    def revive() -> list[str] | None:
        return platform.revive(say=said.append) or None

    assert revive() is None  # all alive: nothing to do
    platform.processes["pws"].kill()
    platform.processes["pws"].wait()
    first = record(platform, "revive-0001")  # accepted while PWS is down
    # It had run for less than a minute, so it waits a second first.
    assert eventually(revive, timeout=5) == ["pws"]
    assert said == [f"pws stopped unexpectedly (exit code -9; see "
                    f"{platform.data_dir / 'logs' / 'pws'}.log); starting it again in 1 s"]
    platform.wait_ready(("pws",))
    assert eventually(lambda: counted(platform) == 1, timeout=30)

    platform.processes["nats"].kill()
    platform.processes["nats"].wait()
    assert eventually(revive, timeout=5) == ["nats"]
    second = record(platform, "revive-0002")  # the services have reconnected
    notify = service(platform, "notify")
    assert eventually(lambda: [t["screening_ids"] for t in tasks(notify, assignee_id="kader-ani")]
                      == [sorted([first["screening_id"], second["screening_id"]])], timeout=30)
    platform.stop_process("pws")
    assert revive() is None  # stopped on purpose: stays stopped


def test_a_second_platform_on_the_same_ports_refuses_to_start(platform, tmp_path) -> None:
    """It would answer the first one's readiness checks and share its NATS: refused, and
    nothing of it started."""
    second = Platform(tmp_path / "other", platform.gateway_port, platform.nats_port,
                      platform.service_port_base)
    with pytest.raises(PortsInUse) as refused:
        second.start()
    assert platform.nats_port in refused.value.ports and not second.processes
    assert "--port" in str(refused.value)  # says how to choose others


def test_a_second_platform_on_the_same_data_refuses_to_start(platform) -> None:
    """Other ports, the same data directory: two NATS servers on one JetStream store and
    two sets of services writing the same SQLite files – refused, nothing started."""
    ports = free_port_block(6)
    second = Platform(platform.data_dir, ports, ports + 1, ports + 2)
    with pytest.raises(DataDirInUse) as refused:
        second.start()
    assert not second.processes and "--data-dir" in str(refused.value)


def test_pws_is_replaced_by_a_rebuild_only_while_the_platform_is_down(platform) -> None:
    """Replacing under a running pws would lose what it applies meanwhile: refused. With
    the platform down, the rebuild starts the data directory's NATS itself, and the
    replaced projection equals a recount once the platform is up again."""
    from ilp_platform.rebuild import check, rebuild

    register_area(platform)
    record(platform, "rebuild-0001-x")
    platform.settle()
    with pytest.raises(SystemExit, match="stop ./ilp up first"):
        rebuild(platform.data_dir, "nats://unused", replace=True)
    platform.stop()
    rebuild(platform.data_dir, "nats://unused", replace=True)
    platform.start()
    platform.settle()
    assert check(platform.data_dir, f"nats://127.0.0.1:{platform.nats_port}") == 0
    assert indicator(service(platform, "pws"), "33.73.04.2002", "2026-11",
                     "balita_ditimbang")["numerator"] == 1


def test_pws_counted_by_an_older_release_is_recounted_at_start(platform) -> None:
    """A data directory whose PWS was counted by an older release's rules (here: with
    the K6 it counted by the K number a contact recorded, and no rules noted) is
    recounted from the streams at the next start, and then equals a recount."""
    import sqlite3

    import orjson
    from ilp_platform.rebuild import check

    register_area(platform)
    record(platform, "recount-0001-x", {
        "person": {"nik": "3373046107950001", "name": "Ibu", "sex": "F",
                   "birth_date": "1995-07-21"},
        "posyandu_id": "psy-melati-01", "screened_on": "2026-11-18",
        "pregnancy": {"gestational_weeks": 30, "anc_visit": 6},
        "measurements": {"muac_cm": 25}})
    platform.settle()
    platform.stop()
    with sqlite3.connect(platform.data_dir / "pws.db") as db:
        db.execute("DELETE FROM migrations")
        key, doc = db.execute("SELECT key, doc FROM desa_months WHERE key LIKE "
                              "'33.73.04.2002%2026-11'").fetchone()
        month = orjson.loads(doc)
        month["counts"]["ibu_hamil_k6"] = 1  # as the older rules counted her
        db.execute("UPDATE desa_months SET doc = ? WHERE key = ?", (orjson.dumps(month), key))
    platform.start()
    platform.settle()
    pws = service(platform, "pws")
    assert indicator(pws, "33.73.04.2002", "2026-11", "ibu_hamil_k6")["numerator"] == 0
    assert indicator(pws, "33.73.04.2002", "2026-11", "ibu_hamil_k1")["numerator"] == 1
    assert check(platform.data_dir, f"nats://127.0.0.1:{platform.nats_port}") == 0
    assert "recounted" in (platform.data_dir / "logs" / "pws.log").read_text()


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_processes_stop_when_ilp_up_is_killed_and_the_next_one_starts(tmp_path) -> None:
    """`./ilp up` killed outright (kill -9, the OOM killer) used to leave NATS and the
    services running: the next `./ilp up` found its ports taken, and one on other ports
    would have shared their data directory. They now stop by themselves, and until they
    have, the data directory stays locked."""
    ports = free_port_block(6)
    command = [str(Path(sys.executable).parent / "ilp"), "up", "--no-sample",
               "--data-dir", str(tmp_path / "data"), "--port", str(ports),
               "--nats-port", str(ports + 1), "--service-port-base", str(ports + 2)]

    def up() -> subprocess.Popen[str]:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        assert process.stdout is not None
        for line in process.stdout:
            if "Press Ctrl-C" in line or process.poll() is not None:
                break
        assert process.poll() is None, process.communicate()[0]
        return process

    first = up()
    children = [int(pid) for pid in subprocess.run(
        ["pgrep", "-P", str(first.pid)], capture_output=True, text=True).stdout.split()]
    assert len(children) == 5  # NATS and the four services
    first.kill()
    first.wait()
    assert eventually(lambda: not any(Path(f"/proc/{pid}").exists() for pid in children),
                      timeout=30), "processes left running after ./ilp up was killed"
    second = up()  # same ports, same data directory
    second.send_signal(signal.SIGTERM)
    assert "Stopped." in second.communicate(timeout=60)[0]
