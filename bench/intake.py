"""HTTP intake and screening → dashboard/task latency on the embedded stack.

`python bench/intake.py [--rate 500] [--seconds 10] [--burst 3000]` starts a fresh
platform in a temporary directory, registers one kecamatan with 20 desa and posyandu,
then (1) offers a fixed rate of screenings and reports achieved rate and latency
percentiles, (2) sends a burst as fast as 64 connections allow, (3) reports how long PWS
and notify took to apply the events (from event time to committed effect) and the peak
RSS of NATS and the four services.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import aiohttp
import httpx
from ilp_platform.embedded import Platform
from tests.e2e.helpers import eventually, free_port_block

DESA = [f"33.73.04.{2001 + i}" for i in range(20)]


def setup(platform: Platform) -> None:
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=30)
    registry.post("/areas", json={"code": "33.73.04", "name": "Sidorejo"}).raise_for_status()
    for i, code in enumerate(DESA):
        registry.post("/areas", json={"code": code, "name": f"Desa {i}"}).raise_for_status()
        registry.post("/facilities", json={"id": f"psy-{i}", "type": "posyandu",
                                           "name": f"Posyandu {i}", "area_code": code,
                                           "rw": f"RW {i:02d}"}).raise_for_status()
        registry.post("/workers", json={"id": f"kader-{i}", "name": f"Kader {i}", "role": "kader",
                                        "facility_id": f"psy-{i}"}).raise_for_status()
        registry.put("/targets", json={"area_code": code, "year": 2026, "group": "balita",
                                       "count": 500}).raise_for_status()
    screening = httpx.Client(base_url=platform.base_url_of("screening"), timeout=30)
    eventually(lambda: screening.post("/screenings", json=body(random.Random(0), 19),
                                      headers={"Idempotency-Key": "warm-up-0001"}
                                      ).status_code == 201, timeout=30)


def body(rng: random.Random, i: int) -> dict:
    birth = date(2022, 1, 1) + timedelta(days=rng.randint(0, 1400))
    sex = rng.choice("MF")
    day = birth.day + (40 if sex == "F" else 0)
    nik = f"337304{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(0, 9999):04d}"
    return {"person": {"nik": nik, "name": "Anak", "sex": sex, "birth_date": birth.isoformat()},
            "posyandu_id": f"psy-{i % len(DESA)}", "screened_on": "2026-11-20",
            "measurements": {"weight_kg": round(rng.uniform(7, 16), 1),
                             "height_cm": round(rng.uniform(70, 105), 1),
                             "measured_lying": False}}


async def send(client: aiohttp.ClientSession, url: str, payload: dict,
               latencies: list[float]) -> None:
    start = time.perf_counter()
    async with client.post(f"{url}/screenings", json=payload,
                           headers={"Idempotency-Key": str(uuid.uuid4())}) as reply:
        await reply.read()
        reply.raise_for_status()
    latencies.append(time.perf_counter() - start)


def session(connections: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections),
                                 timeout=aiohttp.ClientTimeout(total=120))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def fixed_rate(url: str, rate: int, seconds: int) -> tuple[float, list[float]]:
    rng, latencies = random.Random(1), []
    async with session(100) as client:
        start, tasks = time.perf_counter(), []
        for n in range(rate * seconds):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(client, url, body(rng, n), latencies)))
        await asyncio.gather(*tasks)
        return len(latencies) / (time.perf_counter() - start), latencies


async def burst(url: str, total: int, concurrency: int = 64) -> float:
    rng, latencies, queue = random.Random(2), [], asyncio.Queue()
    for n in range(total):
        queue.put_nowait(body(rng, n))
    async with session(concurrency) as client:
        async def worker() -> None:
            while not queue.empty():
                await send(client, url, queue.get_nowait(), latencies)
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return total / (time.perf_counter() - start)


def peak_rss_mib(platform: Platform) -> dict[str, float]:
    peaks = {}
    for name, process in platform.processes.items():
        status = Path(f"/proc/{process.pid}/status").read_text()
        hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
        peaks[name] = int(hwm.split()[1]) / 1024
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--burst", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        ports = free_port_block(6)
        platform = Platform(Path(data), ports, ports + 1, ports + 2,
                            extra_env={"ILP_LOG_LEVEL": "WARNING"})
        platform.start()
        try:
            setup(platform)
            url = platform.base_url_of("screening")
            achieved, latencies = asyncio.run(fixed_rate(url, args.rate, args.seconds))
            print(f"HTTP intake at {args.rate}/s offered: {achieved:,.0f}/s achieved, "
                  f"p50 {pct(latencies, .5):.1f} ms, p95 {pct(latencies, .95):.1f} ms, "
                  f"p99 {pct(latencies, .99):.1f} ms (n={len(latencies)})")
            rate = asyncio.run(burst(url, args.burst))
            print(f"HTTP intake burst, 64 connections: {rate:,.0f} screenings/s")
            screenings = len(latencies) + args.burst + 1
            # Events each consumer applies: the screenings plus the registry events it keeps.
            expected = {"pws": screenings + 1 + 2 * len(DESA), "notify": screenings + len(DESA)}
            for name in ("pws", "notify"):
                ready = httpx.Client(base_url=platform.base_url_of(name), timeout=30)
                start = time.perf_counter()
                eventually(lambda ready=ready, name=name: ready.get("/health/ready").json()[
                    "consumer"]["applied"] >= expected[name], timeout=300, interval=0.2)
                lag = ready.get("/health/ready").json()["consumer"]["lag_ms"]
                print(f"{name}: all applied {time.perf_counter() - start:.1f} s after the "
                      f"burst; screening→{name} lag p50 {lag['p50']} ms, p95 {lag['p95']} ms, "
                      f"p99 {lag['p99']} ms (last 10,000 events)")
            peaks = peak_rss_mib(platform)
            print("peak RSS (MiB): " + ", ".join(f"{k} {v:.0f}" for k, v in peaks.items())
                  + f"; total {sum(peaks.values()):.0f}")
            print(f"mean latency {statistics.mean(latencies) * 1000:.1f} ms")
        finally:
            platform.stop()


if __name__ == "__main__":
    main()
