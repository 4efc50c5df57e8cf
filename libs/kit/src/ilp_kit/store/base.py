"""The store port every service uses: documents by collection and key, in transactions
that also hold the outbox and the applied-event ids.

Why one generic port: every service needs the same three guarantees (record + outgoing
event atomically; an incoming event applied at most once; reads by key, field and code
prefix). Keeping them in one small interface lets a single contract suite prove both
adapters (SQLite embedded, MongoDB in Compose/K8s); each service's repository is then a
thin typed mapping on top.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

Doc = dict[str, Any]
# An index: one field, or a tuple of fields for a compound index (equality fields first,
# then the field ordered or ranged on), e.g. ("person_id", "screened_on").
IndexSpec = str | tuple[str, ...]


# Values a `one_of` may name (SQLite before 3.32 takes 999 in one statement): more are
# asked for in several queries (`chunks`).
ONE_OF_AT_MOST = 900


def chunks(values: Iterable[Any], size: int = ONE_OF_AT_MOST) -> Iterator[list[Any]]:
    """The values in lists of `size` at most (itertools.batched, from Python 3.12)."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class Query:
    """Equality filters, an optional code-prefix filter, an optional range (field, from,
    before: values compared as strings – ISO dates, codes), an optional set of values one
    field may take (`one_of`: a register's people in one query, not one query each),
    ordering and paging."""

    where: tuple[tuple[str, Any], ...] = ()
    prefix: tuple[str, str] | None = None
    order_by: str | None = None
    descending: bool = False
    limit: int | None = None
    offset: int = 0
    between: tuple[str, str, str] | None = None
    one_of: tuple[str, tuple[Any, ...]] | None = None  # up to ONE_OF_AT_MOST values

    @classmethod
    def of(
        cls,
        prefix: tuple[str, str] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
        between: tuple[str, str, str] | None = None,
        one_of: tuple[str, Iterable[Any]] | None = None,
        **where: Any,
    ) -> Query:
        return cls(tuple(where.items()), prefix, order_by, descending, limit, offset, between,
                   (one_of[0], tuple(one_of[1])) if one_of else None)

    def ranges(self) -> list[tuple[str, str, str]]:
        """(field, from, before) of the range and of the prefix – a range too, so the
        field's index is used."""
        found = [self.between] if self.between else []
        if self.prefix:
            name, prefix = self.prefix
            found.append((name, prefix, prefix + "\uffff"))
        return found


@dataclass(frozen=True)
class OutboxRecord:
    seq: int
    event_id: str
    subject: str
    body: bytes
    headers: dict[str, str]


class Reader(Protocol):
    async def get(self, collection: str, key: str) -> Doc | None: ...

    async def get_many(self, collection: str, keys: Iterable[str]) -> dict[str, Doc]:
        """The documents of those keys that exist, by key: in one round trip."""
        ...

    async def find(self, collection: str, query: Query = Query()) -> list[Doc]: ...

    async def count(self, collection: str, query: Query = Query()) -> int: ...


class Transaction(Reader, Protocol):
    async def put(self, collection: str, key: str, doc: Doc) -> None: ...

    async def delete(self, collection: str, key: str) -> None: ...

    async def add_outbox(self, event_id: str, subject: str, body: bytes,
                         headers: dict[str, str]) -> None: ...

    async def mark_applied(self, event_id: str) -> bool:
        """Record an incoming event id; False if it was applied before (skip the effect)."""
        ...


class DocumentStore(Reader, Protocol):
    backend: str

    @property
    def contended(self) -> bool:
        """Somebody is waiting for a transaction: a long one should commit what it has."""
        ...

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    async def pending_outbox(self, limit: int) -> list[OutboxRecord]: ...

    async def mark_sent(self, seqs: list[int]) -> None: ...

    async def outbox_backlog(self) -> int: ...

    async def delete_keys_before(self, collection: str, key: str) -> int:
        """Remove every document whose key sorts before `key` (a log keyed by time: what
        is older than a day); returns how many."""
        ...

    async def prune_applied(self, before: float) -> int:
        """Forget applied-event ids recorded before this time (epoch seconds): far beyond
        any redelivery, so the table stays bounded. Returns how many were removed."""
        ...

    async def ping(self) -> None: ...

