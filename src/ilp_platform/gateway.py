"""Embedded gateway: the same `/api/v1/<service>/…` paths nginx serves in Compose/K8s,
forwarded to the service processes, with streaming so SSE passes through."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

# Hop-by-hop headers are per connection and must not be forwarded (RFC 9110 §7.6.1).
_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length"}


async def _send(client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """Once more on a fresh connection when the service closed the kept-alive one without
    answering (it had just restarted, or closed it after an error): a kader's request
    failed with 502 although the service was up."""
    try:
        return await client.send(request, stream=True)
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        return await client.send(request, stream=True)


def create_gateway(upstreams: Mapping[str, str]) -> Starlette:
    """`upstreams` maps a service name to its base URL (http://127.0.0.1:8101)."""
    client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, read=None),
                               limits=httpx.Limits(max_connections=200))

    async def proxy(request: Request) -> Response:
        parts = request.url.path.split("/")  # ['', 'api', 'v1', '<service>', …]
        upstream = upstreams.get(parts[3]) if len(parts) > 3 else None
        if upstream is None:
            return JSONResponse({"detail": f"no service at {request.url.path}"}, 404)
        # A value's surrounding blanks are no part of it (RFC 9110 §5.5), and httpx refuses
        # to send them: "Authorization: Bearer " (a script's empty token) was a 502.
        headers = {k: v.strip() for k, v in request.headers.items() if k.lower() not in _HOP}
        headers["x-forwarded-for"] = request.client.host if request.client else ""
        upstream_request = client.build_request(
            request.method, upstream + request.url.path, params=request.query_params,
            headers=headers, content=await request.body())
        try:
            reply = await _send(client, upstream_request)
        except httpx.TransportError as exc:
            return JSONResponse({"detail": f"{parts[3]} is unavailable: {exc}"}, 502)
        return StreamingResponse(
            reply.aiter_raw(), status_code=reply.status_code,
            headers={k: v for k, v in reply.headers.items() if k.lower() not in _HOP},
            background=BackgroundTask(reply.aclose))

    async def index(_: Request) -> HTMLResponse:
        links = "".join(f'<li><a href="/api/v1/{name}/docs">{name}</a></li>'
                        for name in upstreams)
        return HTMLResponse(f"<!doctype html><title>ILP Platform</title><h1>ILP Platform</h1>"
                            f"<p>API documentation per service:</p><ul>{links}</ul>")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    return Starlette(lifespan=lifespan, routes=[
        Route("/", index),
        Route("/api/v1/{path:path}", proxy,
              methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]),
    ])
