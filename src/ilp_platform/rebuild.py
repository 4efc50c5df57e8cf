"""`ilp pws-rebuild` and `ilp pws-check`: recount PWS from the source events.

Rebuild writes a fresh projection file next to the live one (stop the pws service, then
move it in place, or pass --replace). Check rebuilds into a temporary file and compares
every desa × month count with the live store, printing any difference.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
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
        total = await stream_sizes(js, SPEC.subscriptions)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("Memutar ulang event", total=total)
            counts = await replay(nc, store,
                                  Projector(catalogue_for(settings), announce=False).handlers(),
                                  SPEC.subscriptions,
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
    counts = asyncio.run(rebuild_into(target, nats_url, console))
    console.print(f"diterapkan {counts['applied']}, dilewati {counts['skipped']}, "
                  f"tidak valid {counts['invalid']} → {target}")
    if replace:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        shutil.move(target, live)
        console.print(f"{live} diganti (jalankan layanan pws lagi)")


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
