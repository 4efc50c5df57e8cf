"""The physical baseline: raw JetStream with nats-py on this machine – async publish of
screening-sized messages (with message ids, as the outbox relay sends them) and durable
pull consumers acking each message: one through nats-py's `fetch`, one through the pull
API directly as our consumers do (`ilp_kit.pull`). Our end-to-end rate is reported as a
fraction of the faster round trip.

`python -m bench.jetstream [--messages 100000]` – its own nats-server in a temp dir.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import nats
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from ilp_kit.pull import BatchPuller

from bench.scratch_nats import scratch_nats

PAYLOAD = b"x" * 700  # a ScreeningRecorded event is ~600-900 bytes of JSON


async def measure(n: int = 100_000, window: int = 2000) -> dict[str, float]:
    with scratch_nats() as (port, scratch):
        nc = await nats.connect(f"nats://127.0.0.1:{port}")
        try:
            js = nc.jetstream()
            await js.add_stream(StreamConfig(name="BENCH", subjects=["bench.>"]))
            start = time.perf_counter()
            for first in range(0, n, window):
                acks = [await js.publish_async("bench.event", PAYLOAD,
                                               headers={"Nats-Msg-Id": f"m{i}"})
                        for i in range(first, min(n, first + window))]
                await asyncio.gather(*acks)
            published = time.perf_counter() - start
            fetched = await consume(nc, n, "nats-py", _fetch_with_nats_py)
            pulled = await consume(nc, n, "pull-api", _fetch_with_pull_api)
        finally:
            await nc.close()
    consumed = min(fetched, pulled)
    return {"publish_per_s": n / published, "fetch_consume_per_s": n / fetched,
            "consume_per_s": n / consumed, "round_trip_per_s": n / (published + consumed)}


async def consume(nc, n: int, durable: str, fetcher) -> float:
    """Seconds to receive and ack `n` messages in batches of 500."""
    await nc.jetstream().add_consumer("BENCH", ConsumerConfig(
        durable_name=durable, ack_policy=AckPolicy.EXPLICIT, max_ack_pending=20_000))
    fetch = await fetcher(nc, durable)
    start, received = time.perf_counter(), 0
    while received < n:
        for message in await fetch():
            await message.ack()
            received += 1
    return time.perf_counter() - start


async def _fetch_with_nats_py(nc, durable: str):
    subscription = await nc.jetstream().pull_subscribe("bench.event", durable=durable)
    return lambda: subscription.fetch(500, timeout=5)


async def _fetch_with_pull_api(nc, durable: str):
    puller = BatchPuller(nc, "BENCH", durable)
    await puller.start()
    return lambda: puller.fetch(500, timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    figures = asyncio.run(measure(parser.parse_args().messages))
    print(f"raw JetStream (nats-py, one process): publish {figures['publish_per_s']:,.0f}/s, "
          f"pull-consume+ack {figures['fetch_consume_per_s']:,.0f}/s with nats-py's fetch, "
          f"{figures['consume_per_s']:,.0f}/s with the pull API, publish then consume "
          f"{figures['round_trip_per_s']:,.0f}/s")


if __name__ == "__main__":
    main()
