"""The embedded gateway (`./ilp up`'s): a request goes through on a fresh connection when
a service closed a kept-alive one without answering, and a header goes without the blanks
around its value."""

from __future__ import annotations

import asyncio
import socket
import threading

import httpx
from ilp_platform.gateway import create_gateway

from .helpers import answering_get


def closing_once_service() -> tuple[int, threading.Thread]:
    """Drops the first connection after reading the request; answers on the next."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        for answer in (False, True):
            connection, _ = server.accept()
            with connection:
                request = b""
                while b"\r\n\r\n" not in request or not request.endswith(b"}"):
                    chunk = connection.recv(65536)  # the headers and the JSON body
                    if not chunk:  # the gateway gave up: nothing more will come
                        break
                    request += chunk
                if answer:
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                                       b"Connection: close\r\n\r\nok")
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


def test_a_connection_closed_without_an_answer_is_tried_once_more() -> None:
    port, service = closing_once_service()
    gateway = create_gateway({"screening": f"http://127.0.0.1:{port}"})

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway),
                                     base_url="http://gateway") as client:
            return await client.post("/api/v1/screening/screenings", json={"x": 1})
    reply = asyncio.run(post())
    service.join(5)
    assert (reply.status_code, reply.text) == (200, "ok")


def test_a_header_with_blanks_around_its_value_is_forwarded_without_them() -> None:
    """A script whose token variable was empty sends "Authorization: Bearer ": the
    service is to answer it (401, no token), not the gateway with a 502."""
    server = answering_get(lambda request: (200, repr(request.headers["Authorization"]).encode()))
    gateway = create_gateway({"pws": f"http://127.0.0.1:{server.server_address[1]}"})

    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway),
                                     base_url="http://gateway") as client:
            return await client.get("/api/v1/pws/areas", headers={"Authorization": "Bearer "})
    try:
        reply = asyncio.run(get())
    finally:
        server.shutdown()
    assert (reply.status_code, reply.text) == (200, "'Bearer'")
