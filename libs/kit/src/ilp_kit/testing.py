"""Test support: an in-memory stand-in for `pymongo.AsyncMongoClient`.

MongoDB cannot run on every machine (no server package, often no Docker engine). The
contract suites then run the Mongo adapter against this fake, built on mongomock, with
transactions emulated by an undo log so a failed transaction leaves nothing behind. It
covers exactly the calls `MongoStore` makes.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import mongomock


class _Cursor:
    def __init__(self, docs: list[dict[str, Any]]):
        self._docs = docs

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        return self._docs if length is None else self._docs[:length]


class _Session:
    def __init__(self, client: FakeAsyncMongoClient):
        self._client = client
        self.undo: list[tuple[Any, Any, dict[str, Any] | None]] = []
        self.in_transaction = False

    async def __aenter__(self) -> _Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def start_transaction(self) -> _Transaction:
        await self._client.lock.acquire()  # transactions serialise, like one writer
        self.in_transaction = True
        self.undo = []
        return _Transaction(self)


class _Transaction:
    def __init__(self, session: _Session):
        self._session = session

    async def __aenter__(self) -> _Transaction:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is not None:
            for collection, key, before in reversed(self._session.undo):
                collection.delete_one({"_id": key})
                if before is not None:
                    collection.insert_one(before)
        self._session.in_transaction = False
        self._session._client.lock.release()


class _Collection:
    def __init__(self, inner: Any):
        self._inner = inner

    def _remember(self, key: Any, session: _Session | None) -> None:
        if session is not None and session.in_transaction:
            session.undo.append((self._inner, key, copy.deepcopy(
                self._inner.find_one({"_id": key}))))

    async def find_one(self, spec: dict[str, Any], session: Any = None) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self._inner.find_one(spec)
        return found

    def find(self, spec: dict[str, Any], sort: Any = None, skip: int = 0, limit: int = 0,
             session: Any = None) -> _Cursor:
        cursor = self._inner.find(spec)
        if sort:
            cursor = cursor.sort(sort)
        return _Cursor(list(cursor.skip(skip).limit(limit)))

    async def count_documents(self, spec: dict[str, Any], session: Any = None) -> int:
        return int(self._inner.count_documents(spec))

    async def replace_one(self, spec: dict[str, Any], doc: dict[str, Any], upsert: bool = False,
                          session: Any = None) -> None:
        self._remember(spec["_id"], session)
        self._inner.replace_one(spec, doc, upsert=upsert)

    async def insert_one(self, doc: dict[str, Any], session: Any = None) -> None:
        self._remember(doc["_id"], session)
        self._inner.insert_one(doc)

    async def delete_one(self, spec: dict[str, Any], session: Any = None) -> None:
        self._remember(spec["_id"], session)
        self._inner.delete_one(spec)

    async def delete_many(self, spec: dict[str, Any]) -> Any:
        return self._inner.delete_many(spec)

    async def create_index(self, keys: Any) -> None:
        self._inner.create_index(keys)


class _Database:
    def __init__(self, inner: Any):
        self._inner = inner

    def __getitem__(self, name: str) -> _Collection:
        return _Collection(self._inner[name])

    async def command(self, name: str) -> dict[str, Any]:
        return {"ok": 1.0}


class FakeAsyncMongoClient:
    def __init__(self) -> None:
        self._inner: Any = mongomock.MongoClient()
        self.lock = asyncio.Lock()
        self.admin = _Database(self._inner["admin"])

    def __getitem__(self, name: str) -> _Database:
        return _Database(self._inner[name])

    def start_session(self) -> _Session:
        return _Session(self)

    async def close(self) -> None:
        self._inner.close()
