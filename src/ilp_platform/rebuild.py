"""`ilp pws-rebuild` and `ilp pws-check`: recount PWS from the source events.

Rebuild writes a fresh projection file next to the live one (stop the pws service, then
move it in place, or pass --replace). Check rebuilds into a temporary file and compares
every desa × month count with the live store, printing any difference.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import socket
import sqlite3
import tempfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from ilp_kit.messaging import connect
from ilp_kit.recount import note_rules
from ilp_kit.replay import replay, stream_sizes
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, SqliteStore
from ilp_pws.api import catalogue_for
from ilp_pws.app import COUNTING_RULES, SPEC
from ilp_pws.domain.indicators import apply_delta, merge_running
from ilp_pws.handlers import Projector
from nats.aio.msg import Msg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .embedded import Platform, hold_data_dir

# A rebuild is a one-off process filling a fresh file with a million random-keyed rows:
# a page cache this large keeps the growing indexes in memory (bounded, released at exit).
REBUILD_CACHE_MIB = 256
# From this many events a rebuild is split by person over the machine's cores (at most
# two: every part reads every message, so more parts mostly add reading): a part's start
# costs about a second, what ~20,000 events take.
SPLIT_FROM = 50_000


def rebuild_store(target: Path) -> SqliteStore:
    """A fresh PWS store to replay into (disposable: after a crash it is made again)."""
    return SqliteStore(target, SPEC.collections, cache_mib=REBUILD_CACHE_MIB, disposable=True)


def rebuild_into(target: Path, nats_url: str, console: Console,
                 parts: int | None = None) -> dict[str, int]:
    """Replay every event PWS reads into a fresh store at `target`, split by person over
    `parts` processes (default: by the streams' size and the cores) and merged into it."""
    total = asyncio.run(_stream_total(nats_url, _subscriptions(ServiceSettings(service="pws"))))
    parts = parts or (min(2, len(os.sched_getaffinity(0))) if total >= SPLIT_FROM else 1)
    others = [target.with_name(f"{target.name}.part{part}") for part in range(1, parts)]
    _remove(others)  # a crashed rebuild's parts would be counted twice
    try:
        with ProcessPoolExecutor(max(1, parts - 1),
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            elsewhere = [pool.submit(_replay_part, path, nats_url, part, parts)
                         for part, path in enumerate(others, start=1)]
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn())
            with Progress(*columns, console=console) as bar:
                task = bar.add_task("Memutar ulang event", total=total)
                counts = _replay_part(target, nats_url, 0, parts,
                                      progress=lambda n: bar.advance(task, n))
            for future in elsewhere:
                counts = {key: n + future.result()[key] for key, n in counts.items()}
        for path in others:
            _merge(target, path)
        return counts  # (announce=False: nothing in its outbox to re-announce)
    finally:
        _remove(others)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _subscriptions(settings: ServiceSettings) -> list[tuple[str, str]]:
    return SPEC.subscriptions(settings) if callable(SPEC.subscriptions) else SPEC.subscriptions


async def _stream_total(nats_url: str, subscriptions: list[tuple[str, str]]) -> int:
    nc = await connect(nats_url, "ilp-pws-rebuild", wait=False)
    try:
        return await stream_sizes(nc.jetstream(), subscriptions)
    finally:
        await nc.close()


def part_of(msg: Msg, parts: int) -> int:
    """Which part of a split rebuild applies a message: a screening event its person's (a
    person's year is counted in one place), everything else (wilayah, targets, home
    visits) the first."""
    if parts == 1 or not msg.subject.startswith("ilp.screening."):
        return 0
    # Every part looks at every message: the id is found in the compact JSON pydantic
    # wrote rather than by parsing it.
    data = msg.data
    start = data.find(_PERSON) + len(_PERSON)
    end = data.find(b'"', start)
    if start < len(_PERSON) or end < 0:
        return 0  # no person (not PWS's to count), or not JSON: one part says so
    return zlib.crc32(data[start:end]) % parts


_PERSON = b'"person_id":"'


def _replay_part(target: Path, nats_url: str, part: int, parts: int,
                 progress: Callable[[int], None] = lambda _: None) -> dict[str, int]:
    """One part of a rebuild into its own file (in its own process, but for the first)."""
    async def run() -> dict[str, int]:
        store = rebuild_store(target)
        await store.open()
        nc = await connect(nats_url, f"ilp-pws-rebuild-{part}", wait=False)
        try:
            settings = ServiceSettings(service="pws")
            counts = await replay(nc, store,
                                  Projector(catalogue_for(settings), announce=False).handlers(),
                                  _subscriptions(settings), progress=progress,
                                  mine=lambda msg: part_of(msg, parts) == part)
            if part == 0:  # (the file the others are merged into)
                await note_rules(store, COUNTING_RULES)
            return counts
        finally:
            await nc.close()
            await store.close()
    return asyncio.run(run())


# What a part adds to the whole: its persons' years, pregnancies and applied event ids are its own
# (copied), and its counts are added to the first part's – per month, and as running
# totals per year. The other collections (wilayah, targets, tasks) only the first part has.
_COUNTS: dict[str, Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]] = {
    **{table: lambda mine, theirs: {**mine, "counts": apply_delta(mine["counts"],
                                                                  theirs["counts"])}
       for table in ("desa_months", "posyandu_months")},
    **{table: lambda mine, theirs: {**mine, "to_date": merge_running([mine["to_date"],
                                                                      theirs["to_date"]])}
       for table in ("desa_years", "posyandu_years")},
}


def _merge(target: Path, part: Path) -> None:
    """Merge a part's file into the target's (both SqliteStore files: a `key, doc` table
    per collection) in one transaction."""
    db = sqlite3.connect(target, isolation_level=None)
    try:
        db.execute("ATTACH DATABASE ? AS part", (str(part),))
        db.execute("BEGIN")
        for table in ("person_years", "pregnancies", "applied_events"):
            db.execute(f'INSERT INTO main."{table}" SELECT * FROM part."{table}"')
        for table, add in _COUNTS.items():
            for key, doc in db.execute(f'SELECT key, doc FROM part."{table}"').fetchall():
                row = db.execute(f'SELECT doc FROM main."{table}" WHERE key = ?',
                                 (key,)).fetchone()
                theirs = orjson.loads(doc)
                merged = add(orjson.loads(row[0]), theirs) if row else theirs
                db.execute(f'INSERT INTO main."{table}" (key, doc) VALUES (?, ?) ON CONFLICT'
                           "(key) DO UPDATE SET doc = excluded.doc",
                           (key, orjson.dumps(merged).decode()))
        db.execute("COMMIT")
        db.execute("DETACH DATABASE part")
    finally:
        db.close()


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
        _rebuilt(console, rebuild_into(target, nats_url, console), target)
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
            _rebuilt(console, rebuild_into(target, url, console), target)
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
        rebuild_into(recount, nats_url, console)
        expected = asyncio.run(_month_counts(recount))
    actual = asyncio.run(_month_counts(data_dir / "pws.db"))
    differences = sorted(k for k in expected.keys() | actual.keys()
                         if expected.get(k, {}) != actual.get(k, {}))
    for key in differences:
        console.print(f"[red]{key}[/red]: tersimpan {actual.get(key)} ≠ hitung ulang "
                      f"{expected.get(key)}")
    console.print(f"{len(expected)} desa×bulan dihitung ulang, {len(differences)} berbeda")
    return len(differences)
