"""PWS figures: projection rate from the stream – live (the service's durable consumer,
batch pull, one transaction per batch, colour changes announced) and rebuild (replay,
counting only) – and dashboard query latency for a kab/kota of 300 desa.

`python -m bench.pws [--events 100000]` – runs its own nats-server in a temp directory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Iterator
from datetime import date

from ilp_contracts import AreaUpserted, Finding, ScreeningRecorded, TargetSet
from ilp_kit.consumer import EventConsumer
from ilp_kit.messaging import connect, ensure_streams
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import SqliteStore
from ilp_pws.api import _indicators, _table
from ilp_pws.app import SPEC
from ilp_pws.domain.indicators import CATALOGUE
from ilp_platform.rebuild import rebuild_into
from ilp_pws.handlers import Projector
from rich.console import Console

from bench.scratch_nats import publish, scratch_nats

KECAMATAN = [f"33.73.{k:02d}" for k in range(1, 16)]
DESA = [f"{kec}.{2001 + d}" for kec in KECAMATAN for d in range(20)]  # 300 desa


def registry_events() -> list:
    events = [AreaUpserted(code="33", name="Jawa Tengah", level="province"),
              AreaUpserted(code="33.73", name="Kota", level="regency", parent_code="33")]
    events += [AreaUpserted(code=k, name=f"Kec {k}", level="district", parent_code="33.73")
               for k in KECAMATAN]
    events += [AreaUpserted(code=d, name=f"Desa {d}", level="village", parent_code=d[:8])
               for d in DESA]
    events += [TargetSet(area_code=d, year=2026, group="balita", count=200) for d in DESA]
    return events


def screening(rng: random.Random, n: int, desa: str, period: str,
              posyandu: str = "p") -> ScreeningRecorded:
    codes = rng.sample(["stunted", "underweight", "gizi_kurang", "weight_gain_adequate"],
                       rng.randint(0, 2))
    return ScreeningRecorded(
        screening_id=f"s{n}", person_id=f"p{rng.randint(0, 10**9)}", stage="balita", sex="M",
        age_months=20, screened_on=date.fromisoformat(f"{period}-15"), period=period,
        desa_code=desa, posyandu_id=posyandu,
        findings=[Finding(code=c, severity="moderate") for c in codes])


def spread(rng: random.Random, n: int) -> Iterator[ScreeningRecorded]:
    """Worst case for per-batch aggregation: every event of a batch in another desa-month
    (300 desa × 11 months at random)."""
    for i in range(n):
        yield screening(rng, i, rng.choice(DESA), f"2026-{rng.randint(1, 11):02d}")


def sessions(rng: random.Random, n: int, concurrent: int = 100,
             children: int = 40) -> Iterator[ScreeningRecorded]:
    """As posyandu days produce them: 100 sessions at once across the kota (one posyandu,
    ~40 children each, this month), their screenings interleaved."""
    def session() -> list:
        desa = rng.choice(DESA)
        return [desa, f"{desa}-pos{rng.randint(1, 5)}", children]

    open_sessions = [session() for _ in range(concurrent)]
    for i in range(n):
        current = rng.choice(open_sessions)
        yield screening(rng, i, current[0], "2026-11", current[1])
        current[2] -= 1
        if current[2] == 0:
            open_sessions.remove(current)
            open_sessions.append(session())


WORKLOADS = {"spread": spread, "sessions": sessions}


async def live_rate(nc, store: SqliteStore, events: int) -> float:
    """Events/s through the live path: the durable consumer with the service's batch size."""
    consumer = EventConsumer("pws-bench", store, Projector(CATALOGUE).handlers())
    batch = ServiceSettings(service="pws").consumer_batch or SPEC.consumer_batch
    start = time.perf_counter()
    for stream, subject in SPEC.subscriptions:
        await consumer.start(nc, stream, subject, batch)
    while consumer.stats.applied < events:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - start
    await consumer.stop()
    return events / elapsed


async def measure(n: int, live: bool = True,
                  workloads: tuple[str, ...] = tuple(WORKLOADS)) -> dict[str, float]:
    """Projection rates from the stream for each workload – live (the service's consumer,
    colour changes announced) and rebuild (counting only) – and dashboard query p95s."""
    figures: dict[str, float] = {}
    for workload in workloads:
        make = WORKLOADS[workload]
        with scratch_nats() as (port, scratch):
            nc = await connect(f"nats://127.0.0.1:{port}", "bench")
            try:
                await ensure_streams(nc)
                js = nc.jetstream()
                registry = registry_events()
                await publish(js, registry)
                await publish(js, make(random.Random(3), n))
                if live:
                    store = SqliteStore(scratch / "pws-live.db", SPEC.collections)
                    await store.open()
                    figures[f"{workload}_live_per_s"] = await live_rate(
                        nc, store, n + len(registry))
                    await store.close()

                # As `ilp pws-rebuild` does it: split over the cores from 50,000 events.
                start = time.perf_counter()
                counts = await asyncio.to_thread(rebuild_into, scratch / "pws-rebuild.db",
                                                 f"nats://127.0.0.1:{port}", Console(quiet=True))
                figures[f"{workload}_rebuild_per_s"] = (counts["applied"]
                                                        / (time.perf_counter() - start))
                if workload == workloads[0]:
                    store = SqliteStore(scratch / "pws-rebuild.db", SPEC.collections)
                    await store.open()
                    figures.update(await query_latencies(store))
                    await store.close()
            finally:
                await nc.close()
    return figures


async def query_latencies(store: SqliteStore) -> dict[str, float]:
    runtime = Runtime(ServiceSettings(service="pws"), store)
    area = await store.get("areas", "33.73")
    figures = {}
    for name, query in (("kota_table_p95_ms", lambda: _table(runtime, "33.73", "2026-11")),
                        ("kecamatan_table_p95_ms",
                         lambda: _table(runtime, KECAMATAN[0], "2026-11")),
                        ("kota_indicators_p95_ms",
                         lambda: _indicators(runtime, area, "2026-11"))):
        times = []
        for _ in range(50):
            t = time.perf_counter()
            await query()
            times.append(time.perf_counter() - t)
        times.sort()
        figures[name] = times[47] * 1000
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rebuild-only", action="store_true",
                        help="skip the live consumer (e.g. for --events 1000000)")
    parser.add_argument("--workload", choices=list(WORKLOADS), help="only this one")
    args = parser.parse_args()
    workloads = (args.workload,) if args.workload else tuple(WORKLOADS)
    figures = asyncio.run(measure(args.events, not args.rebuild_only, workloads))
    for workload in workloads:
        rate = figures[f"{workload}_rebuild_per_s"]
        live = figures.get(f"{workload}_live_per_s")
        print(f"projection from the stream ({workload}): "
              + (f"live {live:,.0f} events/s; " if live else "")
              + f"rebuild {rate:,.0f} events/s ({args.events:,} events in "
              f"{args.events / rate:.0f} s; 1,000,000 ≈ {1e6 / rate:.0f} s)")
    print(f"dashboard p95: kota table (300 desa) {figures['kota_table_p95_ms']:.1f} ms, "
          f"kecamatan table {figures['kecamatan_table_p95_ms']:.1f} ms, kota indicators "
          f"{figures['kota_indicators_p95_ms']:.1f} ms")


if __name__ == "__main__":
    main()
