"""Store port and adapters; `open_store` picks the adapter from the URL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlparse

from .base import (Doc, DocumentStore, IndexSpec, OutboxRecord, Query, Reader, Transaction,
                   chunks)
from .mongo import MongoStore
from .sqlite import SqliteStore


def store_from_url(url: str, service: str, collections: Mapping[str, Sequence[IndexSpec]]
                   ) -> DocumentStore:
    """`sqlite:///path.db` or `mongodb://…` (database = URL path, else `ilp_<service>`)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return SqliteStore(url.removeprefix("sqlite:///"), collections)
    if parsed.scheme in ("mongodb", "mongodb+srv"):
        database = parsed.path.lstrip("/") or f"ilp_{service}"
        return MongoStore.from_url(url, database, collections)
    raise ValueError(f"unsupported store URL scheme {parsed.scheme!r}")


__all__ = ["Doc", "DocumentStore", "IndexSpec", "MongoStore", "OutboxRecord", "Query", "Reader",
           "SqliteStore", "Transaction", "chunks", "store_from_url"]
