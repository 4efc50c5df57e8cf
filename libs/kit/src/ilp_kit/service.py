"""Wires one service: store, NATS streams, outbox relay, consumers and the FastAPI app.

Each service describes itself with a `ServiceSpec`; this module is the only place that
knows how the pieces start and stop, so all four services behave the same.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig
from fastapi_offline import FastAPIOffline
from ilp_contracts import Event
from nats.aio.client import Client
from opentelemetry.sdk.trace import TracerProvider

from .auth import Authenticator, authenticated
from .consumer import EventConsumer, Handler
from .errors import install_error_handlers
from .etag import ETagMiddleware
from .messaging import connect, ensure_streams
from .metrics import RequestMetrics, metrics_router, setup_metrics
from .outbox import OutboxRelay
from .params import known_query_parameters
from .recount import needs_recount, recount_if_rules_changed
from .settings import ServiceSettings
from .store import DocumentStore, IndexSpec, Transaction, store_from_url
from .telemetry import TraceContext, exporting, setup_logging, setup_tracing

log = logging.getLogger(__name__)


@dataclass
class ServiceSpec:
    name: str
    collections: dict[str, list[IndexSpec]]
    router: APIRouter
    # Event handlers, built from the settings (some need keys or limits from them).
    handlers: Callable[[ServiceSettings], dict[type[Event], Handler]] = lambda _: {}
    # (stream, subject filter) pairs this service consumes; or a function of the settings
    # when a subscription depends on configuration (e.g. an optional export).
    subscriptions: (list[tuple[str, str]]
                    | Callable[[ServiceSettings], list[tuple[str, str]]]) = field(
        default_factory=list)
    description: str = ""
    # Long-running jobs (e.g. a scheduler), started after the consumers, cancelled at stop.
    jobs: list[Callable[[Runtime], Coroutine[Any, Any, None]]] = field(default_factory=list)
    # Pages a browser opens directly (no bearer header possible); they carry no data –
    # their scripts call the authenticated API.
    pages: APIRouter | None = None
    # Most events fetched and applied in one store transaction. A transaction holds the
    # event loop (and the store's writer), so a service whose events are expensive and
    # who answers people's requests takes fewer; cheap projections gain from more.
    consumer_batch: int = 1000
    # For a service whose state is counted from events alone: the rules it counts by. A
    # start that finds its store counted by other rules recounts it from the streams.
    counting_rules: CountingRules | None = None


@dataclass(frozen=True)
class CountingRules:
    version: str  # a new one for every release that counts differently
    # The handlers that recount: quietly – what history changed was announced back then.
    handlers: Callable[[ServiceSettings], dict[type[Event], Handler]]


@dataclass
class Runtime:
    """What request handlers need: the store and a transaction that wakes the relay."""

    settings: ServiceSettings
    store: DocumentStore
    relay: OutboxRelay | None = None
    consumer: EventConsumer | None = None
    nc: Client | None = None  # for core-NATS needs of a service (e.g. live fan-out)
    outbox_backlog: int = 0  # as of the last /metrics scrape (`ilp.outbox.backlog`)
    recounting: asyncio.Task[None] | None = None  # counting again by new rules, at start

    @property
    def still_recounting(self) -> bool:
        return self.recounting is not None and not self.recounting.done()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self.store.transaction() as tx:
            yield tx
        if self.relay is not None:
            self.relay.wake()


async def runtime_of(request: Request) -> Runtime:
    """FastAPI dependency: the service runtime."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def create_app(spec: ServiceSpec, settings: ServiceSettings | None = None,
               store_factory: Callable[[ServiceSettings], DocumentStore] | None = None
               ) -> FastAPI:
    settings = settings or ServiceSettings(service=spec.name)
    settings.service = spec.name
    setup_logging(spec.name, settings.log_level, settings.log_format)
    provider = setup_tracing(spec.name, settings.otel_exporter, settings.otel_endpoint)
    store = (store_factory(settings) if store_factory
             else store_from_url(settings.resolved_store_url(), spec.name, spec.collections))
    runtime = Runtime(settings, store)
    meters, registry = setup_metrics(spec.name, runtime, settings.otel_exporter,
                                     settings.otel_endpoint)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await store.open()
        nc = await connect(settings.nats_url, f"ilp-{spec.name}")
        runtime.nc = nc
        await ensure_streams(nc, settings.stream_replicas)
        js = nc.jetstream()
        relay = OutboxRelay(store, js)
        runtime.relay = relay
        consumer = EventConsumer(spec.name, store, spec.handlers(settings), settings.max_deliver,
                                 after_commit=relay.wake)
        runtime.consumer = consumer
        subscriptions = (spec.subscriptions(settings) if callable(spec.subscriptions)
                         else spec.subscriptions)

        async def consume(rules: CountingRules | None = None) -> None:
            if rules is not None:  # (counted by other rules: recount first)
                await recount_if_rules_changed(nc, store, rules.version, spec.collections,
                                               rules.handlers(settings), subscriptions)
            for stream, subject in subscriptions:
                await consumer.start(nc, stream, subject,
                                     settings.consumer_batch or spec.consumer_batch)
        if (rules := spec.counting_rules) is not None and await needs_recount(
                store, rules.version, spec.collections):
            # A recount takes a minute a million events: the service answers meanwhile –
            # live, not ready, its API 503 – and consumes once it is done.
            runtime.recounting = asyncio.create_task(consume(rules), name="recount")
            runtime.recounting.add_done_callback(_stop_if_failed)
        else:
            await consume()
        relay.start()
        jobs = [asyncio.create_task(job(runtime), name=job.__name__)
                for job in [*spec.jobs, prune_applied_ids]]
        _settle_garbage_collector()
        log.info("%s started (store=%s, nats=%s)", spec.name, store.backend, settings.nats_url)
        try:
            yield
        finally:
            if runtime.recounting is not None:
                runtime.recounting.cancel()  # (the next start recounts from the beginning)
            for job in jobs:
                job.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)
            await consumer.stop()
            await relay.stop()
            await _close(nc)
            await store.close()
            provider.shutdown()
            meters.shutdown()
            log.info("%s stopped", spec.name)

    prefix = f"/api/v1/{spec.name}"
    # The docs pages' scripts are served by the service itself, not fetched from a CDN: a
    # puskesmas or Dinkes network may have no internet, and the page then stayed blank.
    app = FastAPIOffline(title=f"ILP {spec.name}", description=spec.description,
                         lifespan=lifespan, docs_url=f"{prefix}/docs",
                         static_url=f"{prefix}/docs-static", openapi_url=f"{prefix}/openapi.json",
                         redoc_url=None, telemetry=_request_telemetry(provider))
    app.state.runtime = runtime
    app.state.authenticator = Authenticator(settings)
    install_error_handlers(app)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(RequestMetrics, meters=meters, prefix=prefix)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins.split(","),
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key",
                                          "If-None-Match"],
                           allow_methods=["GET", "POST", "PUT"], expose_headers=["ETag", "Link"])
    app.include_router(_health_router(prefix))
    app.include_router(metrics_router(registry, runtime))
    # Every service endpoint needs a valid token (health and API docs stay open) and reads
    # every query parameter it is given: an unknown one is refused, not ignored.
    app.include_router(spec.router, prefix=prefix, dependencies=[
        # (only a service that may recount asks, on each request, whether it is)
        *([Depends(counted)] if spec.counting_rules is not None else []),
        Depends(authenticated), Depends(known_query_parameters)])
    if spec.pages is not None:
        app.include_router(spec.pages, prefix=prefix)
    if not exporting():
        app.add_middleware(TraceContext)
    return app


async def counted(request: Request) -> None:
    """While a service recounts its store, its figures are partial: asked, it says so."""
    if (await runtime_of(request)).still_recounting:
        raise HTTPException(503, "recounting from the streams (new counting rules): try "
                                 "again in a minute", headers={"Retry-After": "30"})


def _stop_if_failed(task: asyncio.Task[None]) -> None:
    """A recount that failed leaves a service that never consumes: stop it, to be started
    again (and to recount from the beginning)."""
    if not task.cancelled() and task.exception() is not None:
        log.critical("recount failed: stopping", exc_info=task.exception())
        os.kill(os.getpid(), signal.SIGTERM)


def _request_telemetry(provider: TracerProvider) -> TelemetryConfig:
    """FastAPI's own OpenTelemetry support: one server span per request (in the caller's
    trace) when spans are exported; none of it otherwise – `TraceContext` then keeps the
    trace ids flowing for a fraction of the cost. Health checks are never traced. (Its
    request metrics stay off: `RequestMetrics` records them for less.)"""
    if not exporting():
        return {"tracing": False, "metrics": False, "logs": False}
    return {"tracer_provider": provider, "operation_spans": False, "metrics": False,
            "exclude": lambda scope: scope.get("path", "").endswith(("/health/ready",
                                                                     "/health/live"))}


async def prune_applied_ids(rt: Runtime, every_s: float = 3600) -> None:
    """Every service's store forgets applied-event ids past the retention, hourly."""
    while True:
        try:
            removed = await rt.store.prune_applied(
                time.time() - rt.settings.applied_retention_days * 86400)
            if removed:
                log.info("forgot %d applied-event ids older than %s days", removed,
                         rt.settings.applied_retention_days)
        except Exception:  # noqa: BLE001 – try again next hour
            log.exception("pruning applied-event ids failed")
        await asyncio.sleep(every_s)


async def _close(nc: Client) -> None:
    """Flush acks and publishes still buffered, then close. (`drain()` waits out its
    whole timeout on pull subscriptions, which would stall every shutdown.)"""
    try:
        await nc.flush(timeout=2)
    except Exception:  # noqa: BLE001 – NATS already gone; unacked events are redelivered
        log.warning("could not flush NATS connection at shutdown")
    await nc.close()


def _settle_garbage_collector() -> None:
    """What startup built (modules, schemas, validators) lives as long as the process:
    frozen out of the collector's view, and collections made rarer, so the events and
    requests of a busy hour do not pay for walking it again and again."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def _health_router(prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=["operations"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready(request: Request) -> Any:
        runtime = await runtime_of(request)
        if runtime.still_recounting:
            return JSONResponse({"status": "recounting"}, status_code=503)
        await runtime.store.ping()
        consumer = runtime.consumer
        return {
            "status": "ok",
            "store": runtime.store.backend,
            "outbox_backlog": await runtime.store.outbox_backlog(),
            "published": runtime.relay.published if runtime.relay else 0,
            "consumer": consumer.stats.snapshot() if consumer else {},
        }

    return router


def run(spec: ServiceSpec) -> None:
    """Entry point of `python -m ilp_<service>`: serve the app until SIGTERM/SIGINT."""
    settings = ServiceSettings(service=spec.name)
    app = create_app(spec, settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None,
                access_log=False, timeout_graceful_shutdown=20)
