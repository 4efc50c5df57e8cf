"""ETags on JSON reads (RFC 9110 §8.8.3): a client that sends `If-None-Match` with the tag
it holds gets `304 Not Modified` and no body – dashboards and apps polling master data
save the transfer. The tag is a hash of the body, so it needs no version bookkeeping."""

from __future__ import annotations

import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ETagMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        wanted = dict(scope["headers"]).get(b"if-none-match", b"").decode()
        start: Message | None = None
        body = bytearray()

        async def buffer_json(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if (message["status"] == 200
                        and headers.get(b"content-type", b"").startswith(b"application/json")):
                    start = message  # hold it until the whole body is known
                    return
            elif start is not None:
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    await _send_tagged(send, start, bytes(body), wanted)
                return
            await send(message)

        await self.app(scope, receive, buffer_json)


async def _send_tagged(send: Send, start: Message, body: bytes, wanted: str) -> None:
    tag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
    headers.append((b"etag", tag.encode()))
    if tag in {t.strip() for t in wanted.split(",")}:
        await send({**start, "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
