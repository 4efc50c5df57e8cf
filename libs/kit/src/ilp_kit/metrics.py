"""Metrics with OpenTelemetry: HTTP requests, events consumed and published. Prometheus
scrapes them as text at `/metrics` on each service's own port (the gateway and the
ingress route only `/api/v1/...`, so they stay inside the cluster); when traces go to a
collector (`ILP_OTEL_EXPORTER=otlp`), metrics go there too.

The event counts are the consumer's and the relay's own, read when metrics are collected:
counting them costs the event path nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastapi import APIRouter, Response
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from .service import Runtime

OTLP_EVERY_MS = 30_000


def setup_metrics(service: str, runtime: Runtime, exporter: str, endpoint: str
                  ) -> tuple[MeterProvider, CollectorRegistry]:
    """A meter provider for one service, with its own registry for `/metrics`."""
    registry = CollectorRegistry(auto_describe=True)
    readers: list[MetricReader] = [PrometheusMetricReader(registry=registry,
                                                          scope_info_enabled=False)]
    if exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(
            OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics"),
            export_interval_millis=OTLP_EVERY_MS))
    provider = MeterProvider(resource=Resource.create({"service.name": f"ilp-{service}"}),
                             metric_readers=readers)
    meter = provider.get_meter("ilp")
    meter.create_observable_counter(
        "ilp.consumer.events", callbacks=[lambda _: _consumed(runtime)], unit="{event}",
        description="Events this service consumed, by outcome: applied, a duplicate "
                    "skipped, dead-lettered, or retried")
    meter.create_observable_gauge(
        "ilp.consumer.lag", callbacks=[lambda _: _lag(runtime)], unit="s",
        description="From an event's occurrence to its effect committed here: quantiles "
                    "of the last 10,000 events")
    meter.create_observable_counter(
        "ilp.outbox.published", callbacks=[lambda _: _published(runtime)], unit="{event}",
        description="Events this service published from its outbox")
    meter.create_observable_gauge(
        "ilp.outbox.backlog", callbacks=[lambda _: [Observation(runtime.outbox_backlog)]],
        unit="{event}", description="Events written and not yet published (NATS out of "
                                    "reach keeps them here, none lost), as of this scrape")
    return provider, registry


def _consumed(runtime: Runtime) -> Iterable[Observation]:
    if runtime.consumer is None:
        return []
    stats = runtime.consumer.stats
    return [Observation(n, {"outcome": outcome}) for outcome, n in (
        ("applied", stats.applied), ("duplicate", stats.skipped_duplicates),
        ("dead_lettered", stats.dead_lettered), ("retried", stats.retried))]


def _lag(runtime: Runtime) -> Iterable[Observation]:
    if runtime.consumer is None:
        return []
    lag_ms = runtime.consumer.stats.snapshot()["lag_ms"]
    return [Observation(lag_ms[name] / 1000, {"quantile": quantile})
            for name, quantile in (("p50", "0.5"), ("p95", "0.95"), ("p99", "0.99"))
            if lag_ms[name] is not None]


def _published(runtime: Runtime) -> Iterable[Observation]:
    return [Observation(runtime.relay.published)] if runtime.relay is not None else []


class RequestMetrics:
    """ASGI middleware: each request's duration in OpenTelemetry's `http.server.request.
    duration`, by method, route template and status. FastAPI's own request metrics record
    the same, but cost 15–85 µs a request here (3,000 POSTs in-process, in turns with
    none), up to 7 % of a screening POST; this one was within the noise of none."""

    def __init__(self, app: ASGIApp, meters: MeterProvider, prefix: str = "") -> None:
        self.app = app
        self.prefix = prefix  # a router included under it names its routes without it
        self.duration = meters.get_meter("ilp.http").create_histogram(
            "http.server.request.duration", unit="s",
            description="Duration of HTTP server requests")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].endswith(_UNCOUNTED):
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, sending)
        finally:
            self.duration.record(time.perf_counter() - started, {
                "http.request.method": (scope["method"] if scope["method"] in _METHODS
                                        else "_OTHER"),  # a client's word: bounded
                "http.route": self._route(scope),
                "http.response.status_code": status})

    def _route(self, scope: Scope) -> str:
        """The template, not the path (a bounded set of series), in full."""
        path = getattr(scope.get("route"), "path", None)
        if not isinstance(path, str):
            return "unmatched"
        return path if path.startswith(self.prefix) else self.prefix + path


_UNCOUNTED = ("/health/ready", "/health/live", "/metrics")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def metrics_router(registry: CollectorRegistry, runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        # counted here: a gauge's callback cannot await the store
        runtime.outbox_backlog = await runtime.store.outbox_backlog()
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
