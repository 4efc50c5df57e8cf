"""The benchmarks run (not timed here): `./ilp bench` is no part of CI, and a benchmark
that breaks goes unseen until the next full run – notify's did, starting the platform from
inside its event loop."""

from __future__ import annotations

import asyncio

from bench import notify


def test_the_notify_benchmark_runs_on_a_small_stream() -> None:
    figures = asyncio.run(notify.measure(300))
    assert figures["tasks_per_s"] > 0
