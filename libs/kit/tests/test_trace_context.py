"""A request runs in one trace: the caller's (traceparent) or a new one, so its events and
logs carry one id – as a recorded server span when spans are exported, and without any
span (no cost for nobody) when not."""

from __future__ import annotations

from fastapi import FastAPI
import httpx
from ilp_kit import telemetry
from ilp_kit.messaging import event_headers
from ilp_kit.service import _request_telemetry
from ilp_kit.telemetry import TraceContext
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from ilp_contracts import AreaUpserted


def app() -> FastAPI:
    api = FastAPI()
    api.add_middleware(TraceContext)

    @api.get("/now")
    def now() -> dict:
        event = AreaUpserted(code="33.73", name="Kota Salatiga", level="regency")
        return {"trace_id": format(trace.get_current_span().get_span_context().trace_id,
                                   "032x"),
                "event_traceparent": event_headers(event).get("traceparent")}

    return api


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app()), base_url="http://ilp")


async def test_the_callers_trace_goes_on_into_the_events() -> None:
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    async with client() as api:
        body = (await api.get("/now", headers={"traceparent": parent})).json()
    assert body["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert body["event_traceparent"].split("-")[1] == "0af7651916cd43dd8448eb211c80319c"


async def test_a_request_without_a_trace_gets_its_own() -> None:
    async with client() as api:
        first, second = (await api.get("/now")).json(), (await api.get("/now")).json()
    assert first["trace_id"] != "0" * 32 and first["trace_id"] != second["trace_id"]
    assert first["event_traceparent"].split("-")[1] == first["trace_id"]


async def test_with_an_exporter_a_request_is_one_server_span_in_the_callers_trace(
        monkeypatch) -> None:
    monkeypatch.setattr(telemetry, "_exporting", True)
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    api = FastAPI(telemetry=_request_telemetry(provider))

    @api.get("/api/v1/x/now")
    def now() -> dict:
        event = AreaUpserted(code="33.73", name="Kota Salatiga", level="regency")
        return {"event_traceparent": event_headers(event).get("traceparent")}

    @api.get("/api/v1/x/health/ready")
    def ready() -> dict:
        return {}

    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api),
                                 base_url="http://ilp") as client:
        body = (await client.get("/api/v1/x/now", headers={"traceparent": parent})).json()
        await client.get("/api/v1/x/health/ready")
    [span] = exported.get_finished_spans()  # health checks are not traced
    assert span.kind == SpanKind.SERVER
    assert format(span.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    # the event the request emitted is a child of the request's span
    assert body["event_traceparent"].split("-")[2] == format(span.context.span_id, "016x")
