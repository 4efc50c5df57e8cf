"""`ilp pws-rebuild` and `ilp pws-check`: recount PWS from the source events.

Rebuild writes a fresh projection file next to the live one (stop the pws service, then
move it in place, or pass --replace). Check rebuilds into a temporary file and compares
every desa × month count with the live store, printing any difference.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ilp_kit.messaging import connect
from ilp_kit.replay import replay, stream_sizes
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, SqliteStore
from ilp_pws.api import catalogue_for
from ilp_pws.app import SPEC
from ilp_pws.handlers import Projector
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .embedded import Platform, hold_data_dir

# A rebuild is a one-off process filling a fresh file with a million random-keyed rows:
# a page cache this large keeps the growing indexes in memory (bounded, released at exit).
REBUILD_CACHE_MIB = 256


def rebuild_store(target: Path) -> SqliteStore:
    """A fresh PWS store to replay into (disposable: after a crash it is made again)."""
    return SqliteStore(target, SPEC.collections, cache_mib=REBUILD_CACHE_MIB, disposable=True)


async def rebuild_into(target: Path, nats_url: str, console: Console) -> dict[str, int]:
    settings = ServiceSettings(service="pws")
    store = rebuild_store(target)
    await store.open()
    nc = await connect(nats_url, "ilp-pws-rebuild", wait=False)
    try:
        js = nc.jetstream()
        subscriptions = (SPEC.subscriptions(settings) if callable(SPEC.subscriptions)
                         else SPEC.subscriptions)
        total = await stream_sizes(js, subscriptions)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("Memutar ulang event", total=total)
            counts = await replay(nc, store,
                                  Projector(catalogue_for(settings), announce=False).handlers(),
                                  subscriptions,
                                  progress=lambda n: bar.advance(task, n))
        return counts  # (announce=False: nothing in its outbox to re-announce)
    finally:
        await nc.close()
        await store.close()


async def _month_counts(path: Path) -> dict[str, dict[str, int]]:
    store = SqliteStore(path, SPEC.collections)
    await store.open()
    try:
        counts = {f"{d['desa_code']} {d['period']}": d["counts"]
                  for d in await store.find("desa_months", Query.of(limit=None))}
        for doc in await store.find("desa_years", Query.of(limit=None)):
            for period, yearly in doc["to_date"].items():
                counts[f"{doc['desa_code']} s/d {period}"] = yearly
        return counts
    finally:
        await store.close()


def rebuild(data_dir: Path, nats_url: str, replace: bool) -> None:
    console = Console()
    live = data_dir / "pws.db"
    target = data_dir / "pws.rebuilt.db"
    target.unlink(missing_ok=True)
    if not replace:
        _rebuilt(console, asyncio.run(rebuild_into(target, nats_url, console)), target)
        return
    # Replacing needs pws stopped: a running one would go on writing to the file replaced
    # under it, and what it applied meanwhile would be missing from the new one. So the
    # platform must be down; the data directory's own NATS is started for the replay.
    lock = hold_data_dir(data_dir)
    if lock is None:
        raise SystemExit(f"the platform on {data_dir} is running: stop ./ilp up first "
                         "(--replace starts the data directory's NATS by itself)")
    try:
        with _own_nats(data_dir) as url:
            _rebuilt(console, asyncio.run(rebuild_into(target, url, console)), target)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        shutil.move(target, live)
        console.print(f"{live} diganti (jalankan ./ilp up lagi)")
    finally:
        lock.close()


def _rebuilt(console: Console, counts: dict[str, int], target: Path) -> None:
    console.print(f"diterapkan {counts['applied']}, dilewati {counts['skipped']}, "
                  f"tidak valid {counts['invalid']} → {target}")


@contextmanager
def _own_nats(data_dir: Path) -> Iterator[str]:
    """The data directory's nats-server (its JetStream store) on a free port, while the
    platform is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    platform = Platform(data_dir, nats_port=port)
    platform.start_nats()
    try:
        yield f"nats://127.0.0.1:{port}"
    finally:
        platform.stop_process("nats")


def check(data_dir: Path, nats_url: str) -> int:
    """Number of desa × month counts that differ from a recount (0: all exact)."""
    console = Console()
    with tempfile.TemporaryDirectory() as scratch:
        recount = Path(scratch) / "recount.db"
        asyncio.run(rebuild_into(recount, nats_url, console))
        expected = asyncio.run(_month_counts(recount))
    actual = asyncio.run(_month_counts(data_dir / "pws.db"))
    differences = sorted(k for k in expected.keys() | actual.keys()
                         if expected.get(k, {}) != actual.get(k, {}))
    for key in differences:
        console.print(f"[red]{key}[/red]: tersimpan {actual.get(key)} ≠ hitung ulang "
                      f"{expected.get(key)}")
    console.print(f"{len(expected)} desa×bulan dihitung ulang, {len(differences)} berbeda")
    return len(differences)
