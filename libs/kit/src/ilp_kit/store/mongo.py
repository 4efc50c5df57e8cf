"""MongoDB adapter of the store port (`pymongo.AsyncMongoClient`, Compose/K8s).

Transactions need a replica set (a single-node one is enough). A document's key is its
`_id`; the outbox and the applied-event ids are collections in the same database so they
commit with the effect.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from .base import Doc, IndexSpec, OutboxRecord, Query

OUTBOX, APPLIED = "outbox", "applied_events"


def _filter(query: Query) -> dict[str, Any]:
    spec: dict[str, Any] = dict(query.where)
    for name, low, high in query.ranges():
        spec[name] = {"$gte": low, "$lt": high}
    if query.one_of is not None:
        name, values = query.one_of
        spec[name] = {"$in": list(values)}
    return spec


def _strip(doc: Mapping[str, Any] | None) -> Doc | None:
    if doc is None:
        return None
    return {k: v for k, v in doc.items() if k != "_id"}


class _MongoReader:
    def __init__(self, db: Any, collections: Mapping[str, Sequence[IndexSpec]], session: Any = None):
        self._db = db
        self._collections = collections
        self._session = session

    def _coll(self, collection: str) -> Any:
        if collection not in self._collections:
            raise KeyError(f"unknown collection {collection!r}")
        return self._db[collection]

    async def get(self, collection: str, key: str) -> Doc | None:
        return _strip(await self._coll(collection).find_one({"_id": key}, session=self._session))

    async def get_many(self, collection: str, keys: Iterable[str]) -> dict[str, Doc]:
        cursor = self._coll(collection).find({"_id": {"$in": list(keys)}},
                                             session=self._session)
        return {d["_id"]: _strip(d) for d in await cursor.to_list()}  # type: ignore[misc]

    async def find(self, collection: str, query: Query = Query()) -> list[Doc]:
        order = query.order_by or "_id"
        cursor = self._coll(collection).find(
            _filter(query), sort=[(order, -1 if query.descending else 1)],
            skip=query.offset, limit=query.limit or 0, session=self._session,
        )
        return [_strip(d) for d in await cursor.to_list()]  # type: ignore[misc]

    async def count(self, collection: str, query: Query = Query()) -> int:
        return int(await self._coll(collection).count_documents(_filter(query),
                                                                session=self._session))


class _MongoTransaction(_MongoReader):
    async def put(self, collection: str, key: str, doc: Doc) -> None:
        await self._coll(collection).replace_one({"_id": key}, {**doc, "_id": key},
                                                 upsert=True, session=self._session)

    async def delete(self, collection: str, key: str) -> None:
        await self._coll(collection).delete_one({"_id": key}, session=self._session)

    async def add_outbox(self, event_id: str, subject: str, body: bytes,
                         headers: dict[str, str]) -> None:
        await self._db[OUTBOX].insert_one(
            {"_id": event_id, "seq": time.time_ns(), "subject": subject, "body": body,
             "headers": headers}, session=self._session)

    async def mark_applied(self, event_id: str) -> bool:
        applied = self._db[APPLIED]
        if await applied.find_one({"_id": event_id}, session=self._session) is not None:
            return False
        # A racing replica inserting the same id makes one transaction fail and retry.
        await applied.insert_one({"_id": event_id, "applied_at": time.time()},
                                 session=self._session)
        return True


class MongoStore:
    backend = "mongodb"
    # Transactions run side by side on the server: nobody queues behind a long one.
    contended = False

    def __init__(self, client: Any, database: str, collections: Mapping[str, Sequence[IndexSpec]]):
        self._client = client
        self._db = client[database]
        self.collections = dict(collections)

    @classmethod
    def from_url(cls, url: str, database: str, collections: Mapping[str, Sequence[IndexSpec]]
                 ) -> MongoStore:
        from pymongo import AsyncMongoClient

        return cls(AsyncMongoClient(url, tz_aware=True), database, collections)

    async def open(self) -> None:
        await self.ping()
        for name, fields in self.collections.items():
            for spec in fields:
                keys = [(spec, 1)] if isinstance(spec, str) else [(f, 1) for f in spec]
                await self._db[name].create_index(keys)
        await self._db[OUTBOX].create_index("seq")
        await self._db[APPLIED].create_index("applied_at")

    async def close(self) -> None:
        await self._client.close()

    async def get(self, collection: str, key: str) -> Doc | None:
        return await _MongoReader(self._db, self.collections).get(collection, key)

    async def get_many(self, collection: str, keys: Iterable[str]) -> dict[str, Doc]:
        return await _MongoReader(self._db, self.collections).get_many(collection, keys)

    async def find(self, collection: str, query: Query = Query()) -> list[Doc]:
        return await _MongoReader(self._db, self.collections).find(collection, query)

    async def count(self, collection: str, query: Query = Query()) -> int:
        return await _MongoReader(self._db, self.collections).count(collection, query)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_MongoTransaction]:
        async with self._client.start_session() as session:
            async with await session.start_transaction():
                yield _MongoTransaction(self._db, self.collections, session)

    async def pending_outbox(self, limit: int) -> list[OutboxRecord]:
        cursor = self._db[OUTBOX].find({}, sort=[("seq", 1)], limit=limit)
        return [OutboxRecord(d["seq"], d["_id"], d["subject"], bytes(d["body"]), d["headers"])
                for d in await cursor.to_list()]

    async def mark_sent(self, seqs: list[int]) -> None:
        if seqs:
            await self._db[OUTBOX].delete_many({"seq": {"$in": seqs}})

    async def delete_keys_before(self, collection: str, key: str) -> int:
        if collection not in self.collections:
            raise KeyError(f"unknown collection {collection!r}")
        result = await self._db[collection].delete_many({"_id": {"$lt": key}})
        return int(result.deleted_count)

    async def prune_applied(self, before: float) -> int:
        result = await self._db[APPLIED].delete_many({"applied_at": {"$lt": before}})
        return int(result.deleted_count)

    async def outbox_backlog(self) -> int:
        return int(await self._db[OUTBOX].count_documents({}))

    async def ping(self) -> None:
        await self._client.admin.command("ping")
