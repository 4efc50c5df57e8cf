"""Fault injection under steady load (HTTP and the ingest subject). After each fault the
platform settles, and then: every accepted screening is stored exactly once, PWS equals
a recount from the streams, every screening has exactly one task, poison is in the dead
letters with its reason, and every consumer is still running. The table of scenario →
accepted / stored / counted / tasks / DLQ / lost is printed at the end and written to
artifacts/faults.txt."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest
from ilp_contracts import ScreeningRecorded
from ilp_platform.embedded import Platform
from ilp_platform.rebuild import check

from tests.e2e.helpers import free_port_block

from .harness import Ledger, Load

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
RESULTS: list[tuple[str, dict[str, int], int]] = []
LOAD_S = 4.0  # seconds of load around each fault


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("faults"), ports, ports + 1, ports + 2,
                        extra_env={"ILP_MAX_DELIVER": "50"})  # outlast a long outage
    platform.start()  # once the sample kota has reached every read copy
    yield platform
    platform.stop()


@pytest.fixture(scope="module")
def load(platform: Platform) -> Load:
    return Load(platform)


def verify(platform: Platform, load: Load, scenario: str) -> None:
    platform.settle()
    ledger = Ledger(platform)
    counts = ledger.count(load.accepted)
    dlq = ledger.dead_letters()
    RESULTS.append((scenario, counts, len(dlq)))
    assert counts["lost"] == 0, (counts, dlq, sorted(load.accepted - _stored(platform))[:5])
    assert counts["duplicates"] == 0 and counts["double_tasks"] == 0, counts
    assert counts["screenings"] == counts["accepted"], counts  # nothing extra either
    assert counts["counted"] == counts["screenings"], counts  # PWS counted each once
    assert counts["tasks"] == counts["screenings"], counts  # one task per finding
    assert check(platform.data_dir, f"nats://127.0.0.1:{platform.nats_port}") == 0
    for name in ("screening", "pws", "notify"):  # consumers still running
        assert httpx.get(f"{platform.base_url_of(name)}/health/ready").status_code == 200


def _stored(platform: Platform) -> set[str]:
    from .harness import _keys

    return _keys(platform.data_dir / "screening.db", "idempotency")


def consumer_stat(platform: Platform, name: str, stat: str) -> int:
    ready = httpx.get(f"{platform.base_url_of(name)}/health/ready").json()
    return int(ready["consumer"][stat])


def under_load(load: Load, fault) -> None:  # noqa: ANN001 – a callable injecting the fault
    with load:
        time.sleep(LOAD_S / 2)
        fault()
        time.sleep(LOAD_S / 2)


def test_steady_load_without_faults(platform, load) -> None:
    under_load(load, lambda: None)
    verify(platform, load, "no fault (baseline)")


@pytest.mark.parametrize("victim", ["screening", "pws", "notify", "registry"])
def test_kill_9_a_service_mid_load_and_restart_it(platform, load, victim) -> None:
    def kill_and_restart() -> None:
        platform.stop_process(victim, signal.SIGKILL)
        time.sleep(0.5)
        platform.start_service(victim)
        platform.wait_ready((victim,))
    under_load(load, kill_and_restart)
    verify(platform, load, f"kill -9 {victim}")


def test_nats_stops_and_restarts_mid_load(platform, load) -> None:
    def restart_nats() -> None:
        platform.stop_process("nats")
        time.sleep(1.5)  # HTTP intake goes on into the outbox; ingest publishes fail
        platform.start_nats()
    under_load(load, restart_nats)
    verify(platform, load, "nats-server restart")


def test_duplicates_and_redelivered_old_events_change_nothing(platform, load) -> None:
    async def republish() -> int:
        nc = await nats.connect(f"nats://127.0.0.1:{platform.nats_port}")
        js = nc.jetstream()
        info = await js.stream_info("SCREENING")
        sent = 0
        for seq in range(info.state.first_seq, min(info.state.last_seq, 200) + 1):
            message = await js.get_msg("SCREENING", seq)
            if message.subject != ScreeningRecorded.SUBJECT:
                continue
            headers = dict(message.headers or {})
            await js.publish(message.subject, message.data, headers=headers)  # same id
            headers["Nats-Msg-Id"] = f"redelivered-{seq}"  # past the de-duplication window
            await js.publish(message.subject, message.data, headers=headers)
            sent += 2
        await nc.close()
        return sent
    skipped = consumer_stat(platform, "notify", "skipped_duplicates")
    under_load(load, lambda: asyncio.run(republish()))
    verify(platform, load, "duplicates + old events again")
    assert consumer_stat(platform, "notify", "skipped_duplicates") > skipped  # really came


def test_poison_messages_go_to_the_dead_letters(platform, load) -> None:
    before = len(Ledger(platform).dead_letters())

    async def poison() -> None:
        nc = await nats.connect(f"nats://127.0.0.1:{platform.nats_port}")
        js = nc.jetstream()
        await js.publish("ilp.ingest.screening.v1", b"{not json", headers={
            "Nats-Msg-Id": "poison-json"})
        await js.publish("ilp.screening.recorded.v1", b'{"schema": "v0", "who": "knows"}',
                         headers={"Nats-Msg-Id": "poison-schema"})
        unknown_area = ('{"event_id": "poison-area", "occurred_at": "2026-11-20T00:00:00Z",'
                        ' "idempotency_key": "poison-area-key", "source_system": "x",'
                        ' "screening": {"person": {"nik": "3373041011240999", "name": "X",'
                        ' "sex": "M", "birth_date": "2024-11-10"}, "posyandu_id": '
                        '"psy-nowhere", "screened_on": "2026-11-20", "measurements": {}}}')
        await js.publish("ilp.ingest.screening.v1", unknown_area.encode(),
                         headers={"Nats-Msg-Id": "poison-area"})
        await nc.close()
    under_load(load, lambda: asyncio.run(poison()))
    verify(platform, load, "poison messages")
    letters = Ledger(platform).dead_letters()[before:]
    reasons = sorted(reason for _, reason in letters)
    # invalid JSON (ingest), wrong shape seen by pws and by notify, unknown posyandu
    assert reasons.count("invalid_event") >= 3 and "rejected" in reasons, letters


def test_a_store_write_fails_during_handling(platform, load) -> None:
    """Another process holds pws.db's write lock longer than the busy timeout: pws's
    transactions fail, the batch is not acked, and the events come again."""
    def lock_pws_store() -> None:
        conn = sqlite3.connect(platform.data_dir / "pws.db", isolation_level=None, timeout=30)
        conn.execute("BEGIN EXCLUSIVE")
        time.sleep(7.0)  # past the 5 s busy timeout: pws's writes fail meanwhile
        conn.execute("ROLLBACK")
        conn.close()
    log = platform.data_dir / "logs" / "pws.log"
    failures = log.read_text().count("applying its events one by one")
    under_load(load, lock_pws_store)
    verify(platform, load, "pws store locked (writes fail)")
    assert log.read_text().count("applying its events one by one") > failures  # it failed


def test_print_the_fault_table(capsys) -> None:
    header = (f"{'scenario (totals so far)':<34}{'accepted':>9}{'stored':>8}{'counted':>9}{'tasks':>7}"
              f"{'DLQ':>5}{'lost':>6}")
    lines = [header, "-" * len(header)]
    lines += [f"{name:<34}{c['accepted']:>9}{c['stored']:>8}{c['counted']:>9}{c['tasks']:>7}"
              f"{dlq:>5}{c['lost']:>6}" for name, c, dlq in RESULTS]
    table = "\n".join(lines)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "faults.txt").write_text(table + "\n")
    with capsys.disabled():
        print("\n" + table)
    assert RESULTS and all(c["lost"] == 0 for _, c, _ in RESULTS)
