"""End to end on the embedded stack (2 cores here): screenings over HTTP at fixed offered
rates, with request latency and screening → PWS / notify latency (event time to the
committed projection or task); then sustained end-to-end throughput until PWS and notify
have applied everything: a burst over HTTP one screening per request, the same as kader
apps' offline-sync batches of 50, and a burst through the ingest subject.
Authentication is on (every request carries a bearer token), as in production.

`python -m bench.e2e [--rates 100,300,500] [--seconds 10] [--burst 3000] [--ingest 10000]`
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
import nats
from ilp_contracts import IngestScreening
from ilp_contracts.screening import ScreeningSubmission
from ilp_platform.embedded import Platform
from tests.e2e.helpers import free_port_block

from bench import children
from bench.scratch_nats import publish_raw

DESA = [f"33.73.04.{2001 + i}" for i in range(20)]


def start_platform(data: Path) -> Platform:
    ports = free_port_block(6)
    platform = Platform(data, ports, ports + 1, ports + 2, sample_registry=None,
                        extra_env={"ILP_LOG_LEVEL": "WARNING", "ILP_AUTH_MODE": "local"})
    platform.start()
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=30,
                            headers=platform.auth_header(platform.operator_token()))
    for code, name in (("33", "Jawa Tengah"), ("33.73", "Kota Salatiga"),
                       ("33.73.04", "Sidorejo")):
        registry.post("/areas", json={"code": code, "name": name}).raise_for_status()
    for i, code in enumerate(DESA):
        registry.post("/areas", json={"code": code, "name": f"Desa {i}"}).raise_for_status()
        registry.post("/facilities", json={"id": f"psy-{i}", "type": "posyandu",
                                           "name": f"Posyandu {i}", "area_code": code,
                                           "rw": f"RW {i:02d}"}).raise_for_status()
        registry.post("/workers", json={"id": f"kader-{i}", "name": f"Kader {i}",
                                        "role": "kader", "facility_id": f"psy-{i}"}
                      ).raise_for_status()
    platform.settle()  # screening knows every posyandu before the load
    return platform


def body(rng: random.Random, i: int, worst_case: bool = False) -> dict:
    return children.screening(rng, f"psy-{i % len(DESA)}", worst_case=worst_case)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _post(client: aiohttp.ClientSession, url: str, payload: dict,
                latencies: list[float]) -> None:
    start = time.perf_counter()
    async with client.post(url, json=payload,
                           headers={"Idempotency-Key": str(uuid.uuid4())}) as reply:
        await reply.read()
        reply.raise_for_status()
    latencies.append(time.perf_counter() - start)


def _session(platform: Platform, connections: int) -> aiohttp.ClientSession:
    token = platform.token("bidan", wilayah=("33.73",))
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections),
                                 timeout=aiohttp.ClientTimeout(total=120),
                                 headers=platform.auth_header(token))


async def fixed_rate(platform: Platform, rate: int, seconds: int, seed: int
                     ) -> tuple[float, list[float]]:
    url = f"{platform.base_url_of('screening')}/screenings"
    rng, latencies = random.Random(seed), []
    async with _session(platform, 100) as client:
        start, tasks = time.perf_counter(), []
        for n in range(rate * seconds):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_post(client, url, body(rng, n), latencies)))
        await asyncio.gather(*tasks)
        return len(latencies) / (time.perf_counter() - start), latencies


def http_bodies(total: int) -> list[dict]:
    rng = random.Random(2)
    return [body(rng, n) for n in range(total)]


async def http_burst(platform: Platform, bodies: list[dict], concurrency: int = 64) -> float:
    """Seconds until every screening of the burst was answered."""
    url = f"{platform.base_url_of('screening')}/screenings"
    queue = iter(bodies)
    async with _session(platform, concurrency) as client:
        async def worker() -> None:
            for payload in queue:
                await _post(client, url, payload, [])
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start


def sync_batches(total: int, size: int = 50) -> list[list[dict]]:
    """Screenings as kader apps sync a posyandu session taken offline: `size` a request."""
    rng = random.Random(4)
    items = [{"idempotency_key": str(uuid.uuid4()), "screening": body(rng, n)}
             for n in range(total)]
    return [items[i:i + size] for i in range(0, total, size)]


async def batch_burst(platform: Platform, batches: list[list[dict]], concurrency: int = 8
                      ) -> float:
    """Seconds until every batch was answered."""
    url = f"{platform.base_url_of('screening')}/screenings/batch"
    async with _session(platform, concurrency) as client:
        async def send(batch: list[dict]) -> None:
            async with client.post(url, json={"screenings": batch}) as reply:
                report = await reply.json()
                reply.raise_for_status()
                assert report["created"] == len(batch), report

        start = time.perf_counter()
        queue = iter(batches)

        async def worker() -> None:
            for batch in queue:
                await send(batch)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start


def ingest_events(total: int, worst_case: bool = False) -> list[tuple[str, bytes, str]]:
    """(subject, body, message id) of `total` screenings an integrating system publishes:
    made before the clock starts, as a SIMPUS would on its own machine."""
    rng = random.Random(3)
    events = [IngestScreening(idempotency_key=f"bench-{uuid.uuid4()}", source_system="bench",
                              screening=ScreeningSubmission.model_validate(
                                  body(rng, n, worst_case)))
              for n in range(total)]
    return [(e.SUBJECT, e.model_dump_json().encode(), e.event_id) for e in events]


async def ingest_burst(platform: Platform, events: list[tuple[str, bytes, str]]) -> None:
    nc = await nats.connect(f"nats://127.0.0.1:{platform.nats_port}")
    await publish_raw(nc.jetstream(), events)
    await nc.close()


def during_bulk_ingest(platform: Platform, events: list[tuple[str, bytes, str]],
                       rate: int = 50, seconds: int = 8) -> dict:
    """A posyandu's requests (`rate`/s) while an integrator's bulk ingest is applied:
    what a kader waits when a SIMPUS sends its backlog."""
    sender = threading.Thread(target=lambda: asyncio.run(ingest_burst(platform, events)))
    sender.start()
    time.sleep(1.0)  # the backlog is being applied
    _, latencies = asyncio.run(fixed_rate(platform, rate, seconds, 9))
    sender.join()
    platform.settle(timeout=600)
    return {"n": len(events), "rate": rate, "p50": pct(latencies, .5),
            "p95": pct(latencies, .95), "p99": pct(latencies, .99)}


def lags(platform: Platform) -> dict[str, dict]:
    return {name: platform.http.get(f"{platform.base_url_of(name)}/health/ready", timeout=30
                                    ).json()["consumer"]["lag_ms"] for name in ("pws", "notify")}


def measure(rates: list[int], seconds: int, burst: int, ingest: int) -> dict:
    results: dict = {"fixed": []}
    for rate in rates:  # a fresh platform per rate: its lag figures are its own
        with tempfile.TemporaryDirectory() as data:
            platform = start_platform(Path(data))
            try:
                achieved, latencies = asyncio.run(fixed_rate(platform, rate, seconds, rate))
                platform.settle(timeout=300)
                lag = lags(platform)
                results["fixed"].append({
                    "offered": rate, "achieved": achieved, "http_p50": pct(latencies, .5),
                    "http_p95": pct(latencies, .95), "http_p99": pct(latencies, .99),
                    "pws": lag["pws"], "notify": lag["notify"]})
                results["rss_mib"] = platform.peak_rss_mib()
            finally:
                platform.stop()
    with tempfile.TemporaryDirectory() as data:
        platform = start_platform(Path(data))
        try:
            bodies, batches, events = http_bodies(burst), sync_batches(ingest), ingest_events(ingest)
            results["http_burst"] = _sustained(platform, burst,
                                               lambda: http_burst(platform, bodies))
            results["batch_burst"] = _sustained(platform, ingest,
                                                lambda: batch_burst(platform, batches))
            results["ingest_burst"] = _sustained(platform, ingest,
                                                 lambda: ingest_burst(platform, events))
            flagged = ingest_events(ingest, worst_case=True)
            results["ingest_flagged"] = _sustained(platform, ingest,
                                                   lambda: ingest_burst(platform, flagged))
            results["during_ingest"] = during_bulk_ingest(platform, ingest_events(2 * ingest))
            rss = platform.peak_rss_mib()
            results["rss_mib"] = {k: max(v, results["rss_mib"].get(k, 0)) for k, v in rss.items()}
        finally:
            platform.stop()
    return results


def _sustained(platform: Platform, n: int, send: Callable[[], Awaitable[float | None]]
               ) -> dict:
    """Send `n` screenings (`send` returns the seconds until all were answered, if it
    waits for answers) and wait until PWS and notify have applied everything."""
    start, cpu_before = time.time(), platform.cpu_seconds()
    sender_before = time.process_time()
    answered = asyncio.run(send())
    sender_ms = (time.process_time() - sender_before) / n * 1000
    platform.settle(timeout=600)
    return {"n": n, "end_to_end_per_s": n / (last_applied(platform) - start),
            "sender_cpu_ms": sender_ms,
            **({"intake_per_s": n / answered} if answered else {}),
            "cpu_ms_per_screening": {name: (used - cpu_before[name]) / n * 1000
                                     for name, used in platform.cpu_seconds().items()}}


def last_applied(platform: Platform) -> float:
    """When the last event of a burst was committed anywhere (wall clock): exact, where
    `settle` polls only every 0.3 s and then waits to see the platform stay quiet."""
    return max(platform.http.get(f"{platform.base_url_of(name)}/health/ready"
                                 ).json()["consumer"]["last_applied_at"] or 0
               for name in ("screening", "pws", "notify"))


def _cpu_line(cpu: dict[str, float]) -> str:
    return (", ".join(f"{k} {v:.2f}" for k, v in cpu.items())
            + f"; total {sum(cpu.values()):.2f} → at most {2000 / sum(cpu.values()):,.0f}/s"
            " on 2 cores")


def report(results: dict) -> None:
    for row in results["fixed"]:
        print(f"offered {row['offered']}/s → {row['achieved']:,.0f}/s; HTTP p50 "
              f"{row['http_p50']:.1f} / p95 {row['http_p95']:.1f} / p99 {row['http_p99']:.1f} ms;"
              f" screening→PWS p50 {row['pws']['p50']} / p95 {row['pws']['p95']} / p99 "
              f"{row['pws']['p99']} ms; →notify p99 {row['notify']['p99']} ms")
    burst, batch, ingest = (results["http_burst"], results["batch_burst"],
                            results["ingest_burst"])
    print(f"HTTP burst of {burst['n']:,}, one screening per request: intake "
          f"{burst['intake_per_s']:,.0f}/s, end to end (PWS and notify applied) "
          f"{burst['end_to_end_per_s']:,.0f}/s; CPU per screening (ms): "
          f"{_cpu_line(burst['cpu_ms_per_screening'])}")
    print(f"HTTP burst of {batch['n']:,} as offline-sync batches of 50: intake "
          f"{batch['intake_per_s']:,.0f}/s, end to end {batch['end_to_end_per_s']:,.0f}/s; "
          f"CPU per screening (ms): {_cpu_line(batch['cpu_ms_per_screening'])}")
    print(f"ingest burst of {ingest['n']:,}: end to end {ingest['end_to_end_per_s']:,.0f}/s; "
          f"CPU per screening (ms): {_cpu_line(ingest['cpu_ms_per_screening'])}")
    flagged = results["ingest_flagged"]
    print(f"the same with ~90 % of children flagged: end to end "
          f"{flagged['end_to_end_per_s']:,.0f}/s; CPU per screening (ms): "
          f"{_cpu_line(flagged['cpu_ms_per_screening'])}")
    mixed = results["during_ingest"]
    print(f"HTTP at {mixed['rate']}/s during a bulk ingest of {mixed['n']:,}: p50 "
          f"{mixed['p50']:.0f} / p95 {mixed['p95']:.0f} / p99 {mixed['p99']:.0f} ms")
    print("load generator CPU per screening (ms, same cores, not counted above): "
          + " / ".join(f"{r['sender_cpu_ms']:.2f}" for r in (burst, batch, ingest)))
    rss = results["rss_mib"]
    print("peak RSS (MiB): " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items())
          + f"; total {sum(rss.values()):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="100,300,500")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--burst", type=int, default=3000)
    parser.add_argument("--ingest", type=int, default=10000)
    args = parser.parse_args()
    report(measure([int(r) for r in args.rates.split(",")], args.seconds, args.burst,
                   args.ingest))


if __name__ == "__main__":
    main()
