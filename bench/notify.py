"""Home-visit task creation from the screening stream on the embedded stack: screening
events with a nutrition finding are published to JetStream (as the screening service
would), and the running notify service turns each into a task for the posyandu's kader.

`python -m bench.notify [--events 20000]` – starts its own embedded platform (with the
sample kota, whose posyandu have kader) in a temp directory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from ilp_contracts import Finding, ScreeningRecorded
from ilp_kit.messaging import connect
from ilp_platform.embedded import Platform
from tests.e2e.helpers import free_port_block

from bench.scratch_nats import publish


def event(rng: random.Random, n: int, posyandu: list[tuple[str, str]]) -> ScreeningRecorded:
    posyandu_id, desa = rng.choice(posyandu)
    return ScreeningRecorded(
        screening_id=f"s{n}", person_id=f"bench-{n}", stage="balita", sex="F", age_months=20,
        screened_on=date(2026, 11, 20), period="2026-11", desa_code=desa,
        posyandu_id=posyandu_id, measurements={"weight_kg": 8.9, "height_cm": 78.0},
        findings=[Finding(code="stunted", severity="moderate")])


async def measure(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        ports = free_port_block(6)
        platform = Platform(Path(tmp), ports, ports + 1, ports + 2,
                            extra_env={"ILP_AUTH_MODE": "local", "ILP_LOG_LEVEL": "WARNING"})
        await asyncio.to_thread(platform.start)  # it blocks until settled: not on this loop
        try:
            registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=30,
                                    headers=platform.auth_header(platform.operator_token()))
            posyandu = [(f["id"], f["area_code"]) for f in registry.get(
                "/facilities", params={"type": "posyandu", "limit": 1000}).json()]
            notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=30)
            applied_before = notify.get("/health/ready").json()["consumer"]["applied"]
            rng = random.Random(6)
            events = [event(rng, i, posyandu) for i in range(n)]
            nc = await connect(f"nats://127.0.0.1:{platform.nats_port}", "bench")
            start = time.perf_counter()
            await publish(nc.jetstream(), events)
            published = time.perf_counter() - start
            while (notify.get("/health/ready").json()["consumer"]["applied"]
                   - applied_before) < n:
                await asyncio.sleep(0.1)
            took = time.perf_counter() - start
            await nc.close()
            return {"tasks_per_s": n / took, "published_s": published}
        finally:
            platform.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    n = parser.parse_args().events
    figures = asyncio.run(measure(n))
    print(f"tasks created by notify from {n:,} screening events: "
          f"{figures['tasks_per_s']:,.0f} tasks/s (target ≥ 3,000)")
