"""Two replicas of each consumer service (screening for the ingest subject, PWS, notify)
on one store and one durable consumer each: the work is shared, nothing happens twice –
one screening per ingested event, PWS equal to a recount, one task per child, and the
scheduler escalates each overdue task once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import httpx
import nats
import pytest
from ilp_platform.embedded import Platform

from .helpers import eventually, free_port_block, publish_events, screened_in_october

DESA = "33.73.04.2005"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[Platform, dict[str, int]]]:
    ports = free_port_block(10)
    env = {"ILP_ESCALATION_INTERVAL_S": "0.3"}
    platform = Platform(tmp_path_factory.mktemp("replicas"), ports, ports + 1, ports + 2,
                        extra_env=env)
    platform.start()
    seconds = {}
    for offset, name in enumerate(SECOND_REPLICAS, start=7):
        log = open(platform.data_dir / "logs" / f"{name}-2.log", "ab")  # noqa: SIM115
        seconds[name] = (ports + offset, log, subprocess.Popen(
            [sys.executable, "-m", f"ilp_{name}"], stdout=log, stderr=log,
            env={**os.environ, **env, "ILP_NATS_URL": f"nats://127.0.0.1:{platform.nats_port}",
                 "ILP_DATA_DIR": str(platform.data_dir), "ILP_PORT": str(ports + offset)}))
        try:
            eventually(lambda name=name, port=ports + offset: _ready(name, port), timeout=60)
        except AssertionError:
            log.flush()
            tail = (platform.data_dir / "logs" / f"{name}-2.log").read_text()[-3000:]
            raise AssertionError(f"the second {name} is not ready; its log ends:\n{tail}"
                                 ) from None
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    for body in ({"code": "33.73.04", "name": "Sidorejo"}, {"code": DESA, "name": "Desa R"}):
        registry.post("/areas", json=body).raise_for_status()
    registry.post("/facilities", json={"id": "psy-r", "type": "posyandu", "name": "Posyandu R",
                                       "area_code": DESA}).raise_for_status()
    registry.post("/workers", json={"id": "kader-r", "name": "Kader R", "role": "kader",
                                    "facility_id": "psy-r"}).raise_for_status()
    yield platform, {name: port for name, (port, _, _) in seconds.items()}
    for _, log, process in seconds.values():
        process.terminate()
        process.wait(30)
        log.close()
    platform.stop()


SECOND_REPLICAS = ("screening", "pws", "notify")


def _ready(name: str, port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/v1/{name}/health/ready").is_success
    except httpx.TransportError:
        return False


def test_work_is_shared_and_nothing_happens_twice(platform) -> None:
    platform, second_ports = platform
    second_port = second_ports["notify"]
    children = 40  # screenings notify applies late: their kader tasks are overdue at once
    publish_events(platform.nats_port, [screened_in_october(DESA, "psy-r", f"p-child-{n}")
                                        for n in range(children)])

    first = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    second = httpx.Client(base_url=f"http://127.0.0.1:{second_port}/api/v1/notify", timeout=10)
    escalated = eventually(lambda: (t := first.get("/tasks", params={"limit": 500}).json())
                           and len(t) == children and all(x["escalation_level"] == 1 for x in t)
                           and t, timeout=60)
    assert len({t["person_id"] for t in escalated}) == children  # one task per child
    # How the pull consumer shared the events (not asserted: the split is the server's).
    shares = [c.get("/health/ready").json()["consumer"]["applied"] for c in (first, second)]
    print(f"events applied per replica: {shares}")

    async def events(subject: str) -> int:
        nc = await nats.connect(f"nats://127.0.0.1:{platform.nats_port}")
        info = await nc.jetstream().stream_info("NOTIFY", subjects_filter=subject)
        await nc.close()
        return sum((info.state.subjects or {}).values())

    assert asyncio.run(events("ilp.notify.task.created.v1")) == children
    assert asyncio.run(events("ilp.notify.task.escalated.v1")) == children



def test_ingest_and_pws_are_shared_without_double_effects(platform) -> None:
    from ilp_contracts import IngestScreening
    from ilp_contracts.screening import ScreeningSubmission
    from ilp_platform.rebuild import check

    from tests.faults.harness import _keys

    platform, _ = platform
    children = 60

    async def publish() -> None:
        nc = await nats.connect(f"nats://127.0.0.1:{platform.nats_port}")
        js = nc.jetstream()
        for n in range(children):
            event = IngestScreening(
                idempotency_key=f"replicas-{n:04d}", source_system="simpus-r",
                screening=ScreeningSubmission.model_validate({
                    "person": {"nik": f"337304121124{n:04d}", "name": "Anak", "sex": "M",
                               "birth_date": "2024-11-12"},
                    "posyandu_id": "psy-r", "screened_on": "2026-11-20",
                    "measurements": {"weight_kg": 9.1, "height_cm": 79.0,
                                     "measured_lying": False}}))
            await js.publish(event.SUBJECT, event.model_dump_json().encode(),
                             headers={"Nats-Msg-Id": event.event_id})
        await nc.close()

    asyncio.run(publish())
    platform.settle()
    stored = {k for k in _keys(platform.data_dir / "screening.db", "idempotency")
              if k.startswith("ingest:simpus-r:")}
    assert len(stored) == children  # each ingested once, whichever replica took it
    assert check(platform.data_dir, f"nats://127.0.0.1:{platform.nats_port}") == 0



def test_a_dashboard_on_either_pws_replica_hears_every_change(platform) -> None:
    """Only one replica applies a screening; the other hears it through core NATS."""
    platform, second_ports = platform
    urls = [f"{platform.base_url_of('pws')}/live",
            f"http://127.0.0.1:{second_ports['pws']}/api/v1/pws/live"]
    heard: list[set[str]] = [set(), set()]

    async def listen(n: int, ready: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=None) as client, client.stream(
                "GET", urls[n], params={"area_code": "33.73.04"}) as stream:
            async for line in stream.aiter_lines():
                if line.startswith("event:"):
                    heard[n].add(line.split(":", 1)[1].strip())
                    if "ready" in heard[n]:
                        ready.set()
                    if "update" in heard[n]:
                        return

    async def scenario() -> None:
        readies = [asyncio.Event(), asyncio.Event()]
        listeners = [asyncio.create_task(listen(n, readies[n])) for n in (0, 1)]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 15)
        body = {"person": {"nik": "3373041311240555", "name": "Anak", "sex": "M",
                           "birth_date": "2024-11-13"},
                "posyandu_id": "psy-r", "screened_on": "2026-11-20",
                "measurements": {"weight_kg": 9.1, "height_cm": 79.0, "measured_lying": False}}
        async with httpx.AsyncClient(base_url=platform.base_url_of("screening")) as client:
            reply = await client.post("/screenings", json=body,
                                      headers={"Idempotency-Key": str(uuid.uuid4())})
            assert reply.status_code == 201, reply.text
        await asyncio.wait_for(asyncio.gather(*listeners), 20)

    asyncio.run(scenario())
    assert heard == [{"ready", "update"}, {"ready", "update"}]
