"""The physical baseline: raw JetStream with nats-py on this machine – async publish of
screening-sized messages (with message ids, as the outbox relay sends them) and a durable
pull consumer fetching in batches and acking each, as our consumers do. Our end-to-end
rate is reported as a fraction of this.

`python -m bench.jetstream [--messages 100000]` – its own nats-server in a temp dir.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import nats
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

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
                await asyncio.gather(*(js.publish("bench.event", PAYLOAD,
                                                  headers={"Nats-Msg-Id": f"m{i}"})
                                       for i in range(first, min(n, first + window))))
            published = time.perf_counter() - start
            sub = await js.pull_subscribe("bench.event", durable="bench", config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT, max_ack_pending=20_000))
            start, received = time.perf_counter(), 0
            while received < n:
                for message in await sub.fetch(500, timeout=5):
                    await message.ack()
                    received += 1
            consumed = time.perf_counter() - start
        finally:
            await nc.close()
    return {"publish_per_s": n / published, "consume_per_s": n / consumed,
            "round_trip_per_s": n / (published + consumed)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    figures = asyncio.run(measure(parser.parse_args().messages))
    print(f"raw JetStream (nats-py, one process): publish {figures['publish_per_s']:,.0f}/s, "
          f"pull-consume+ack {figures['consume_per_s']:,.0f}/s, publish then consume "
          f"{figures['round_trip_per_s']:,.0f}/s")


if __name__ == "__main__":
    main()
