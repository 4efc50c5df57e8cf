"""Steady load, fault injection and the ledger that proves nothing was lost.

`Load` posts screenings over HTTP (a client that retries with the same Idempotency-Key
until it gets an answer, as a kader app does) and publishes screenings on the ingest
subject (an integrator that counts a screening as handed over when JetStream acks it).
Every child is unique and stunted, so every accepted screening must end as exactly one
stored screening, one PWS count and one home-visit task. Once `Platform.settle()` has
returned, `Ledger` reads the services' own stores (read-only) and the streams to check
exactly that.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sqlite3
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import nats
from ilp_contracts import IngestScreening
from ilp_contracts.screening import ScreeningSubmission
from ilp_platform.embedded import Platform

POSYANDU = ("psy-blotongan-1", "psy-blotongan-2", "psy-sidorejo-lor-1", "psy-salatiga-1")
SOURCE = "simpus-faults"
_serial = itertools.count(1)


def balita() -> dict:
    """A unique stunted, underweight two-year-old (one nutrition task each)."""
    n = next(_serial)
    day, seq = 1 + n // 9000, n % 9000 + 1000
    return {"person": {"nik": f"337304{day:02d}1124{seq:04d}", "name": "Anak", "sex": "M",
                       "birth_date": f"2024-11-{day:02d}"},
            "posyandu_id": POSYANDU[n % len(POSYANDU)], "screened_on": "2026-11-20",
            "measurements": {"weight_kg": 9.1, "height_cm": 79.0, "measured_lying": False}}


@dataclass
class Load:
    platform: Platform
    http_rate: float = 30.0  # screenings per second over HTTP
    ingest_rate: float = 10.0  # and through the ingest subject
    accepted_http: set[str] = field(default_factory=set)
    accepted_ingest: set[str] = field(default_factory=set)
    refused: Counter = field(default_factory=Counter)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Load:
        self._stop.clear()
        self._threads = [threading.Thread(target=self._http, daemon=True),
                         threading.Thread(target=lambda: asyncio.run(self._ingest()),
                                          daemon=True)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(90)

    def _http(self) -> None:
        url = f"{self.platform.base_url_of('screening')}/screenings"
        with httpx.Client(timeout=5) as client:
            while not self._stop.is_set():
                key, body = str(uuid.uuid4()), balita()
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:  # same key until we know the answer
                    try:
                        reply = client.post(url, json=body, headers={"Idempotency-Key": key})
                    except httpx.HTTPError:
                        time.sleep(0.2)
                        continue
                    if reply.status_code in (200, 201):
                        self.accepted_http.add(key)
                    else:
                        self.refused[reply.status_code] += 1
                    break
                time.sleep(1 / self.http_rate)

    async def _ingest(self) -> None:
        nc = await nats.connect(f"nats://127.0.0.1:{self.platform.nats_port}",
                                max_reconnect_attempts=-1, reconnect_time_wait=0.3)
        js = nc.jetstream()
        while not self._stop.is_set():
            key = str(uuid.uuid4())
            event = IngestScreening(idempotency_key=key, source_system=SOURCE,
                                    screening=ScreeningSubmission.model_validate(balita()))
            try:
                await js.publish(event.SUBJECT, event.model_dump_json().encode(),
                                 headers={"Nats-Msg-Id": event.event_id}, timeout=2)
                self.accepted_ingest.add(key)
            except Exception:  # noqa: BLE001 – not acknowledged: not handed over
                self.refused["ingest_unacked"] += 1
            await asyncio.sleep(1 / self.ingest_rate)
        await nc.close()

    @property
    def accepted(self) -> set[str]:
        return ({f"http:{k}" for k in self.accepted_http}
                | {f"ingest:{SOURCE}:{k}" for k in self.accepted_ingest})


def _rows(db: Path, table: str) -> list[dict]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return [json.loads(doc) for (doc,) in conn.execute(f"SELECT doc FROM {table}")]


def _keys(db: Path, table: str) -> set[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return {key for (key,) in conn.execute(f"SELECT key FROM {table}")}


@dataclass
class Ledger:
    platform: Platform

    def dead_letters(self) -> list[tuple[str, str]]:
        async def read() -> list[tuple[str, str]]:
            nc = await nats.connect(f"nats://127.0.0.1:{self.platform.nats_port}")
            js = nc.jetstream()
            info = await js.stream_info("DLQ")
            out = []
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                try:
                    message = await js.get_msg("DLQ", seq)
                except Exception:  # noqa: BLE001 – none at that sequence
                    continue
                reason = json.loads((message.headers or {}).get("ilp-dlq-reason", "{}"))
                out.append((message.subject, reason.get("type", "?")))
            await nc.close()
            return out
        return asyncio.run(read())

    def count(self, accepted: set[str]) -> dict[str, int]:
        data = self.platform.data_dir
        keys = _keys(data / "screening.db", "idempotency")
        screenings = [s for s in _rows(data / "screening.db", "screenings")
                      if s["status"] == "active"]
        per_person = Counter(s["person_id"] for s in screenings)
        tasks = Counter(t["person_id"] for t in _rows(data / "notify.db", "tasks")
                        if t["reason"] == "masalah_gizi_balita")
        counted = sum(d["counts"].get("balita_stunted", 0)
                      for d in _rows(data / "pws.db", "desa_months"))
        return {"accepted": len(accepted), "stored": len(accepted & keys),
                "duplicates": sum(n - 1 for n in per_person.values()),
                "screenings": len(screenings), "counted": counted,
                "tasks": sum(tasks.values()),
                "double_tasks": sum(n - 1 for n in tasks.values()),
                "lost": len(accepted - keys)}
