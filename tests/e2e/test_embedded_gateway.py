"""The embedded gateway (`./ilp up`'s) against a service that closes a kept-alive
connection without answering: the request goes through on a fresh one."""

from __future__ import annotations

import asyncio
import socket
import threading

import httpx
from ilp_platform.gateway import create_gateway


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
