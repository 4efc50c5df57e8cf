"""One contract for the store port, run by every adapter (SQLite file, MongoDB)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from ilp_kit.store import DocumentStore, MongoStore, Query, SqliteStore

COLLECTIONS = {"things": ["area_code", "kind"]}


@pytest.fixture(params=["sqlite", "mongodb"])
async def store(request, tmp_path, mongo_client_factory) -> AsyncIterator[DocumentStore]:
    if request.param == "sqlite":
        store: DocumentStore = SqliteStore(tmp_path / "contract.db", COLLECTIONS)
    else:
        store = MongoStore(mongo_client_factory(), f"ilp_test_{uuid.uuid4().hex[:8]}",
                           COLLECTIONS)
    await store.open()
    yield store
    await store.close()


async def test_put_get_and_overwrite(store: DocumentStore) -> None:
    async with store.transaction() as tx:
        await tx.put("things", "a", {"area_code": "33.73", "n": 1})
        assert await tx.get("things", "a") == {"area_code": "33.73", "n": 1}
    async with store.transaction() as tx:
        await tx.put("things", "a", {"area_code": "33.73", "n": 2})
    assert await store.get("things", "a") == {"area_code": "33.73", "n": 2}
    assert await store.get("things", "missing") is None


async def test_find_by_field_prefix_order_and_page(store: DocumentStore) -> None:
    async with store.transaction() as tx:
        for i, code in enumerate(["33.73.04.1001", "33.73.04.1002", "33.73.05.2001",
                                  "33.74.01.1001"]):
            await tx.put("things", f"k{i}", {"area_code": code, "kind": "desa" if i % 2 else "kel",
                                             "rank": 10 - i})
    under = await store.find("things", Query.of(prefix=("area_code", "33.73.04")))
    assert [d["area_code"] for d in under] == ["33.73.04.1001", "33.73.04.1002"]
    assert await store.count("things", Query.of(prefix=("area_code", "33.73"))) == 3
    desa = await store.find("things", Query.of(kind="desa"))
    assert {d["area_code"] for d in desa} == {"33.73.04.1002", "33.74.01.1001"}
    ordered = await store.find("things", Query.of(order_by="rank", limit=2))
    assert [d["rank"] for d in ordered] == [7, 8]
    page = await store.find("things", Query.of(order_by="rank", descending=True, limit=2,
                                               offset=1))
    assert [d["rank"] for d in page] == [9, 8]


async def test_find_within_a_range_of_dates(store: DocumentStore) -> None:
    """From the first day (included) to the last (excluded), latest first: a child's
    visits of the last two months before this one."""
    async with store.transaction() as tx:
        for i, day in enumerate(["2026-09-30", "2026-10-01", "2026-11-15", "2026-12-01",
                                 "2026-12-02"]):
            await tx.put("things", f"v{i}", {"person": "p", "on": day})
        await tx.put("things", "other", {"person": "q", "on": "2026-11-15"})
    within = await store.find("things", Query.of(
        person="p", between=("on", "2026-10-01", "2026-12-01"), order_by="on",
        descending=True))
    assert [d["on"] for d in within] == ["2026-11-15", "2026-10-01"]


async def test_failed_transaction_leaves_nothing(store: DocumentStore) -> None:
    async with store.transaction() as tx:
        await tx.put("things", "kept", {"area_code": "1"})
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.put("things", "kept", {"area_code": "changed"})
            await tx.put("things", "new", {"area_code": "2"})
            await tx.add_outbox("e-1", "ilp.test.v1", b"{}", {"Nats-Msg-Id": "e-1"})
            assert await tx.mark_applied("in-1")
            raise RuntimeError("handler failed")
    assert await store.get("things", "kept") == {"area_code": "1"}
    assert await store.get("things", "new") is None
    assert await store.outbox_backlog() == 0
    async with store.transaction() as tx:
        assert await tx.mark_applied("in-1"), "rolled-back id must not count as applied"


async def test_applied_ids_skip_the_second_time(store: DocumentStore) -> None:
    async with store.transaction() as tx:
        assert await tx.mark_applied("evt-1") is True
    async with store.transaction() as tx:
        assert await tx.mark_applied("evt-1") is False
        assert await tx.mark_applied("evt-2") is True


async def test_outbox_in_order_and_removed_once_sent(store: DocumentStore) -> None:
    async with store.transaction() as tx:
        for i in range(3):
            await tx.add_outbox(f"e{i}", "ilp.test.v1", f'{{"i":{i}}}'.encode(),
                                {"Nats-Msg-Id": f"e{i}"})
    pending = await store.pending_outbox(10)
    assert [r.event_id for r in pending] == ["e0", "e1", "e2"]
    assert pending[1].body == b'{"i":1}' and pending[1].headers == {"Nats-Msg-Id": "e1"}
    await store.mark_sent([pending[0].seq, pending[1].seq])
    assert [r.event_id for r in await store.pending_outbox(10)] == ["e2"]
    assert await store.outbox_backlog() == 1


async def test_applied_ids_are_forgotten_after_the_retention(store: DocumentStore) -> None:
    import time

    async with store.transaction() as tx:
        assert await tx.mark_applied("old-1") and await tx.mark_applied("old-2")
    assert await store.prune_applied(before=0) == 0  # nothing that old
    assert await store.prune_applied(before=time.time() + 1) == 2
    async with store.transaction() as tx:
        assert await tx.mark_applied("old-1") is True  # forgotten: would apply again


async def test_a_log_keyed_by_time_forgets_what_is_older(store: DocumentStore) -> None:
    async with store.transaction() as tx:
        for at in ("2020-01-01T08:00|a1", "2020-06-01T08:00|b2", "2026-11-24T08:00|c3"):
            await tx.put("things", at, {"kind": "read"})
    assert await store.delete_keys_before("things", "2021-11-24") == 2
    assert await store.count("things") == 1 and await store.get("things", "2026-11-24T08:00|c3")
    assert await store.delete_keys_before("things", "2021-11-24") == 0


async def test_one_of_a_set_of_values_and_many_keys_at_once(store: DocumentStore) -> None:
    """A register's people in one query (and in one round trip to MongoDB), not one each."""
    async with store.transaction() as tx:
        for i in range(6):
            await tx.put("things", f"k{i}", {"kind": f"p{i % 3}", "rank": i})
        # read inside the transaction too: a handler reads what it just wrote
        assert set(await tx.get_many("things", ["k1", "k5", "gone"])) == {"k1", "k5"}
    found = await store.find("things", Query.of(one_of=("kind", {"p0", "p2"}),
                                                order_by="rank"))
    assert [d["rank"] for d in found] == [0, 2, 3, 5]
    assert await store.count("things", Query.of(one_of=("kind", ["p1"]), rank=4)) == 1
    assert await store.find("things", Query.of(one_of=("kind", []))) == []
    many = await store.get_many("things", (f"k{i}" for i in range(2000)))
    assert many == {f"k{i}": {"kind": f"p{i % 3}", "rank": i} for i in range(6)}
    assert await store.get_many("things", []) == {}
