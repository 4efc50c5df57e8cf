"""Request metrics: one series per route template (not per id, and with the service's
prefix), a method no client sends counted as _OTHER, probes and scrapes not counted."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI
from ilp_kit.metrics import RequestMetrics, metrics_router
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store.sqlite import SqliteStore
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from prometheus_client import CollectorRegistry


async def test_requests_are_counted_by_route_template_and_status(tmp_path) -> None:
    store = SqliteStore(tmp_path / "notify.db", {})
    await store.open()
    runtime = Runtime(ServiceSettings(service="notify"), store)
    registry = CollectorRegistry()
    meters = MeterProvider(metric_readers=[PrometheusMetricReader(registry=registry,
                                                                  scope_info_enabled=False)])
    app, router = FastAPI(), APIRouter()

    @router.get("/tasks/{task_id}")
    async def task(task_id: str) -> dict:
        return {"task_id": task_id}

    @router.get("/health/live")
    async def live() -> dict:
        return {}
    app.include_router(router, prefix="/api/v1/notify")  # as every service's API is
    app.include_router(metrics_router(registry, runtime))
    app.add_middleware(RequestMetrics, meters=meters, prefix="/api/v1/notify")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://svc") as client:
        for task_id in ("t-1", "t-2", "t-3"):
            assert (await client.get(f"/api/v1/notify/tasks/{task_id}")).status_code == 200
        assert (await client.request("BREW", "/api/v1/notify/tasks/t-4")).status_code == 405
        await client.get("/api/v1/notify/health/live")
        text = (await client.get("/metrics")).text
    counts = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith("http_server_request_duration_seconds_count")}
    assert counts == {
        'http_server_request_duration_seconds_count{http_request_method="GET",'
        'http_response_status_code="200",http_route="/api/v1/notify/tasks/{task_id}"}': 3.0,
        'http_server_request_duration_seconds_count{http_request_method="_OTHER",'
        'http_response_status_code="405",http_route="/api/v1/notify/tasks/{task_id}"}': 1.0}
