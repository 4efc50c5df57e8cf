"""SQLite adapter of the store port: one file per service, WAL, JSON documents.

One writer connection serialised by a lock (SQLite has one writer anyway) and one reader
connection, so dashboards reading do not queue behind event handlers writing.

Statements run on the event-loop thread. A statement on a local WAL file takes tens of
microseconds; handing each one to a worker thread (aiosqlite) cost ~1.5 ms per
transaction here in thread wake-ups and GIL hand-overs, 30x the work itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import sqlite3

from .base import Doc, IndexSpec, OutboxRecord, Query, chunks

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    body BLOB NOT NULL,
    headers TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS applied_events (
    event_id TEXT PRIMARY KEY,
    applied_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS applied_events_at ON applied_events (applied_at);
"""


# orjson: documents are encoded and decoded on every write and read, ~8x faster than
# the json module. Dates as str() and non-str keys as before, so stored text is unchanged.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _dumps(doc: Doc) -> str:
    return orjson.dumps(doc, default=str, option=_OPTIONS).decode()


@cache
def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad identifier {name!r}")
    return f'"{name}"'


@cache
def _field(name: str) -> str:
    if not name.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"bad field {name!r}")
    return f"json_extract(doc, '$.{name}')"


class _Statements(NamedTuple):
    get: str
    put: str
    delete: str


@cache
def _statements(collection: str) -> _Statements:
    # Made once per collection: building and checking the SQL text on every call was
    # 0.5 µs of a 6 µs get and put (measured on a small document).
    table = _ident(collection)
    return _Statements(
        get=f"SELECT doc FROM {table} WHERE key = ?",
        put=f"INSERT INTO {table} (key, doc) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET doc = excluded.doc",
        delete=f"DELETE FROM {table} WHERE key = ?")


def _where(query: Query) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for name, value in query.where:
        if value is None:
            clauses.append(f"{_field(name)} IS NULL")
        else:
            clauses.append(f"{_field(name)} = ?")
            params.append(value)
    for name, low, high in query.ranges():
        clauses.append(f"{_field(name)} >= ? AND {_field(name)} < ?")
        params += [low, high]
    if query.one_of is not None:
        name, values = query.one_of
        clauses.append(f"{_field(name)} IN ({', '.join('?' * len(values))})")
        params += values
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class _SqliteReader:
    def __init__(self, conn: sqlite3.Connection,
                 collections: Mapping[str, Sequence[IndexSpec]]):
        self._conn = conn
        self._collections = collections

    def _table(self, collection: str) -> str:
        return _ident(self._known(collection))

    def _known(self, collection: str) -> str:
        if collection not in self._collections:
            raise KeyError(f"unknown collection {collection!r}")
        return collection

    async def get(self, collection: str, key: str) -> Doc | None:
        row = self._conn.execute(_statements(self._known(collection)).get, (key,)).fetchone()
        return orjson.loads(row[0]) if row else None

    async def get_many(self, collection: str, keys: Iterable[str]) -> dict[str, Doc]:
        found: dict[str, Doc] = {}
        for chunk in chunks(keys):
            sql = (f"SELECT key, doc FROM {self._table(collection)} "
                   f"WHERE key IN ({', '.join('?' * len(chunk))})")
            found.update((key, orjson.loads(doc)) for key, doc in self._conn.execute(sql, chunk))
        return found

    async def find(self, collection: str, query: Query = Query()) -> list[Doc]:
        where, params = _where(query)
        order = _field(query.order_by) if query.order_by else "key"
        sql = (f"SELECT doc FROM {self._table(collection)}{where} ORDER BY {order}"
               f"{' DESC' if query.descending else ''} LIMIT ? OFFSET ?")
        params += [query.limit if query.limit is not None else -1, query.offset]
        return [orjson.loads(row[0]) for row in self._conn.execute(sql, params)]

    async def count(self, collection: str, query: Query = Query()) -> int:
        where, params = _where(query)
        row = self._conn.execute(f"SELECT count(*) FROM {self._table(collection)}{where}",
                                 params).fetchone()
        return int(row[0]) if row else 0


class _SqliteTransaction(_SqliteReader):
    async def put(self, collection: str, key: str, doc: Doc) -> None:
        self._conn.execute(_statements(self._known(collection)).put, (key, _dumps(doc)))

    async def delete(self, collection: str, key: str) -> None:
        self._conn.execute(_statements(self._known(collection)).delete, (key,))

    async def add_outbox(self, event_id: str, subject: str, body: bytes,
                         headers: dict[str, str]) -> None:
        self._conn.execute(
            "INSERT INTO outbox (event_id, subject, body, headers) VALUES (?, ?, ?, ?)",
            (event_id, subject, body, _dumps(headers)),
        )

    async def mark_applied(self, event_id: str) -> bool:
        cur = self._conn.execute(
            "INSERT OR IGNORE INTO applied_events (event_id, applied_at) VALUES (?, ?)",
            (event_id, time.time()),
        )
        return cur.rowcount == 1


class SqliteStore:
    backend = "sqlite"

    def __init__(self, path: Path | str, collections: Mapping[str, Sequence[IndexSpec]],
                 cache_mib: int = 16, disposable: bool = False):
        self.path = Path(path)
        self.collections = dict(collections)
        # SQLite's default page cache is 2 MiB: once a store outgrows it, every insert at
        # a random key reads its page from the OS again. A rebuild passes more.
        self.cache_mib = cache_mib
        # A disposable file (a rebuild: after a crash it is simply made again) skips the
        # fsyncs that make commits survive an OS crash.
        self.synchronous = "OFF" if disposable else "NORMAL"
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._queued = 0

    @property
    def contended(self) -> bool:
        """Somebody is waiting to write (e.g. a kader's request behind an event batch)."""
        return self._queued > 0

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = sqlite3.connect(self.path, isolation_level=None)
        self._writer.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives a process crash; only an OS crash may lose the
        # last transactions (and their outbox rows with them, so nothing half-sent).
        self._writer.execute(f"PRAGMA synchronous={self.synchronous}")
        self._writer.execute("PRAGMA busy_timeout=5000")
        self._writer.execute(f"PRAGMA cache_size={-1024 * self.cache_mib}")
        # Checkpoint every ~40 MB of WAL instead of 4 MB: under load a checkpoint (and its
        # fsync) every few batches was a third of the commit time.
        self._writer.execute("PRAGMA wal_autocheckpoint=10000")
        self._writer.executescript(_SCHEMA + self._collection_ddl())
        self._writer.execute("PRAGMA optimize=0x10002")  # fresh planner statistics
        self._reader = sqlite3.connect(self.path, isolation_level=None)
        self._reader.execute("PRAGMA busy_timeout=5000")

    def _collection_ddl(self) -> str:
        ddl = []
        for name, fields in self.collections.items():
            table = _ident(name)
            ddl.append(f"CREATE TABLE IF NOT EXISTS {table} "
                       "(key TEXT PRIMARY KEY, doc TEXT NOT NULL);")
            for spec in fields:
                parts = (spec,) if isinstance(spec, str) else tuple(spec)
                index = _ident(f"ix_{name}_" + "_".join(p.replace(".", "_") for p in parts))
                columns = ", ".join(_field(p) for p in parts)
                ddl.append(f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({columns});")
        return "\n".join(ddl)

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                conn.close()
        self._reader = self._writer = None

    def _read(self) -> _SqliteReader:
        assert self._reader is not None, "store not open"
        return _SqliteReader(self._reader, self.collections)

    async def get(self, collection: str, key: str) -> Doc | None:
        return await self._read().get(collection, key)

    async def get_many(self, collection: str, keys: Iterable[str]) -> dict[str, Doc]:
        return await self._read().get_many(collection, keys)

    async def find(self, collection: str, query: Query = Query()) -> list[Doc]:
        return await self._read().find(collection, query)

    async def count(self, collection: str, query: Query = Query()) -> int:
        return await self._read().count(collection, query)

    def transaction(self) -> AbstractAsyncContextManager[_SqliteTransaction]:
        """Waiting for it makes the store `contended`, so a long event batch commits what
        it has and lets this one in."""
        return self._write(visible=True)

    @asynccontextmanager
    async def _write(self, visible: bool) -> AsyncIterator[_SqliteTransaction]:
        assert self._writer is not None, "store not open"
        self._queued += visible
        try:
            await self._lock.acquire()
        finally:
            self._queued -= visible
        try:
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTransaction(self._writer, self.collections)
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise
            self._writer.execute("COMMIT")
        finally:
            self._lock.release()

    async def pending_outbox(self, limit: int) -> list[OutboxRecord]:
        sql = "SELECT seq, event_id, subject, body, headers FROM outbox ORDER BY seq LIMIT ?"
        rows = self._read()._conn.execute(sql, (limit,)).fetchall()
        return [OutboxRecord(r[0], r[1], r[2], bytes(r[3]), orjson.loads(r[4])) for r in rows]

    async def mark_sent(self, seqs: list[int]) -> None:
        """Sent events leave the outbox: the stream keeps them, the store stays bounded."""
        if not seqs:
            return
        # The relay's clean-up waits for the batch in hand instead of cutting it short.
        async with self._write(visible=False) as tx:
            marks = ",".join("?" * len(seqs))
            tx._conn.execute(f"DELETE FROM outbox WHERE seq IN ({marks})", seqs)

    async def delete_keys_before(self, collection: str, key: str) -> int:
        async with self._write(visible=False) as tx:
            return tx._conn.execute(f"DELETE FROM {tx._table(collection)} WHERE key < ?",
                                    (key,)).rowcount

    async def prune_applied(self, before: float) -> int:
        async with self._write(visible=False) as tx:
            return tx._conn.execute("DELETE FROM applied_events WHERE applied_at < ?",
                                    (before,)).rowcount

    async def outbox_backlog(self) -> int:
        row = self._read()._conn.execute("SELECT count(*) FROM outbox").fetchone()
        return int(row[0]) if row else 0

    async def ping(self) -> None:
        self._read()._conn.execute("SELECT 1")
