"""`ilp status`: is every service up, has each caught up with the events it reads, and
what waits – an operator's one look, from the gateway (each service's readiness) and NATS
(streams, durable consumers, dead letters). Exit 1 when a service does not answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
from ilp_contracts import STREAMS, dlq_subject
from ilp_kit import dead_letters
from ilp_kit.messaging import connect
from nats.js import JetStreamContext
from rich.console import Console
from rich.table import Table

from .embedded import SERVICES


@dataclass
class ServiceState:
    name: str
    ready: dict[str, Any] | None  # its /health/ready answer; None: it does not answer
    problem: str = ""
    unread: int = 0  # events its durable consumers have not applied yet (pending + in hand)
    dead_letters: int = 0


@dataclass
class NatsState:
    streams: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (messages, bytes)
    unread: dict[str, int] = field(default_factory=dict)  # service → events not applied yet
    dead_letters: dict[str, int] = field(default_factory=dict)  # service → parked events


def status(gateway: str, nats_url: str, console: Console | None = None) -> bool:
    """Print the platform's state; True when every service answers."""
    services, nats = asyncio.run(_gather(gateway.rstrip("/"), nats_url))
    console = console or Console()
    console.print(_services_table(services))
    for service in services:
        if service.ready is None:
            console.print(f"[red]{service.name}[/red]: {service.problem}")
    console.print(_streams_table(nats))
    return all(service.ready is not None for service in services)


async def _gather(gateway: str, nats_url: str) -> tuple[list[ServiceState], NatsState]:
    async with httpx.AsyncClient(timeout=5) as client:
        services = list(await asyncio.gather(*(_ready(client, gateway, name)
                                               for name in SERVICES)))
    nats = await _nats(nats_url)
    for service in services:
        service.unread = nats.unread.get(service.name, 0)
        service.dead_letters = nats.dead_letters.get(service.name, 0)
    return services, nats


async def _ready(client: httpx.AsyncClient, gateway: str, name: str) -> ServiceState:
    try:
        reply = await client.get(f"{gateway}/api/v1/{name}/health/ready")
    except httpx.TransportError as exc:
        return ServiceState(name, None, f"tidak terjangkau: {exc}")
    if reply.status_code == 503 and "recounting" in reply.text:
        return ServiceState(name, None, RECOUNTING)
    if reply.status_code != 200:
        return ServiceState(name, None, f"HTTP {reply.status_code}: {reply.text[:120]}")
    return ServiceState(name, reply.json())


# A service recounting its store by a new release's counting rules: alive, not ready yet.
RECOUNTING = "menghitung ulang dari stream (aturan hitung baru); siap setelah selesai"


async def _nats(url: str) -> NatsState:
    nc = await connect(url, "ilp-status", wait=False)
    try:
        js = nc.jetstream()
        state = NatsState()
        for stream in STREAMS:
            info = await js.stream_info(stream)
            state.streams[stream] = (info.state.messages, info.state.bytes)
            await _count_unread(js, stream, state.unread)
        state.dead_letters = await _dead_letters(js)
        return state
    finally:
        await nc.close()


async def _count_unread(js: JetStreamContext, stream: str, unread: dict[str, int]) -> None:
    """A service's durable consumers are `<service>-<stream>`; ephemeral ones (a rebuild's
    replay) are nobody's backlog."""
    for consumer in await js.consumers_info(stream):
        service = (consumer.name or "").split("-", 1)[0]
        if service in SERVICES and consumer.config.durable_name:
            unread[service] = (unread.get(service, 0) + (consumer.num_pending or 0)
                               + (consumer.num_ack_pending or 0))


async def _dead_letters(js: JetStreamContext) -> dict[str, int]:
    info = await js.stream_info(dead_letters.STREAM, subjects_filter=dlq_subject("*"))
    subjects = info.state.subjects or {}
    return {name: subjects.get(dlq_subject(name), 0) for name in SERVICES}


def _services_table(services: list[ServiceState]) -> Table:
    table = Table(title="layanan", title_justify="left", caption_justify="left",
                  caption="antrean: event di NATS yang belum diterapkan; outbox: event yang "
                  "belum terkirim; diterapkan: sejak layanan mulai; DLQ: dead letter")
    table.add_column("layanan", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for column in ("antrean", "outbox", "diterapkan", "DLQ", "lag p99 ms"):
        table.add_column(column, justify="right", no_wrap=True)
    for service in services:
        dead = f"[yellow]{service.dead_letters}[/yellow]" if service.dead_letters else "0"
        if (ready := service.ready) is None:
            state = ("[yellow]menghitung ulang[/yellow]" if service.problem == RECOUNTING
                     else "[red]mati[/red]")
            table.add_row(service.name, state, str(service.unread), "–", "–", dead, "–")
            continue
        consumer = ready.get("consumer") or {}
        lag = (consumer.get("lag_ms") or {}).get("p99")
        table.add_row(service.name, f"[green]siap[/green] ({ready.get('store', '?')})",
                      str(service.unread), str(ready.get("outbox_backlog", 0)),
                      str(consumer.get("applied", 0)), dead, "–" if lag is None else str(lag))
    return table


def _streams_table(nats: NatsState) -> Table:
    table = Table(title="stream JetStream", title_justify="left")
    table.add_column("stream")
    table.add_column("pesan", justify="right")
    table.add_column("ukuran MiB", justify="right")
    for name, (messages, size) in nats.streams.items():
        table.add_row(name, f"{messages:,}", f"{size / 2**20:,.1f}")
    return table
