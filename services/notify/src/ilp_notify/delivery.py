"""Delivery of new, escalated and cancelled tasks to webhooks, by e-mail and by SMS/WhatsApp.

A delivery is queued in the same transaction as the task change that causes it; this job
sends what is due outside any transaction (a slow receiver must not hold the store), then
records the attempt. Retries back off; after the last attempt the delivery is marked
failed and stays visible at `GET /deliveries`.
"""

from __future__ import annotations

from typing import Any

import json
import logging
import time
from datetime import UTC, datetime
from email.message import EmailMessage

import aiosmtplib
import httpx
from ilp_contracts import new_id
from ilp_kit.outgoing import run_rounds, send_due
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Query, Transaction

from .domain.delivery import payload, render, signature

log = logging.getLogger(__name__)
CANCELLED = "task.cancelled"  # a visit no longer needed: its reason in words (`render`)


def webhook_urls(settings: ServiceSettings) -> list[str]:
    return [u.strip() for u in settings.webhook_urls.split(",") if u.strip()]


async def queue(tx: Transaction, settings: ServiceSettings, kind: str, task: dict[str, Any]
                ) -> None:
    """Called by handlers next to the task change: one delivery per configured webhook,
    and an e-mail/SMS to the assigned worker when those channels are set up and the
    registry knows an address – unless the worker chose the daily digest instead."""
    targets = webhook_urls(settings)
    worker = (await tx.get("workers", task["assignee_id"])
              if (settings.smtp_host or settings.sms_url) and task.get("assignee_id")
              else None)
    if worker and not worker.get("daily_digest"):
        targets += personal_addresses(settings, worker)
    if targets:
        await add_deliveries(tx, targets, kind, payload(kind, task), task["task_id"])


def personal_addresses(settings: ServiceSettings, worker: dict[str, Any]) -> list[str]:
    addresses = []
    if settings.smtp_host and worker.get("email"):
        addresses.append(f"mailto:{worker['email']}")
    if settings.sms_url and worker.get("phone"):
        addresses.append(f"sms:{worker['phone']}")
    return addresses


async def add_deliveries(tx: Transaction, targets: list[str], kind: str, body: bytes,
                         task_id: str | None = None) -> None:
    now = datetime.now(UTC).isoformat()
    for url in targets:
        delivery_id = new_id()
        await tx.put("deliveries", delivery_id, {
            "delivery_id": delivery_id, "url": url, "kind": kind, "body": body.decode(),
            "status": "pending", "next_at": now, "attempts": [],
            **({"task_id": task_id} if task_id else {})})


async def _sms(client: httpx.AsyncClient, settings: ServiceSettings,
               delivery: dict[str, Any]) -> str | None:
    """One message through the SMS/WhatsApp gateway; None on success, else the reason."""
    _, _, text = render(json.loads(delivery["body"]))
    try:
        reply = await client.post(settings.sms_url, json={
            "to": delivery["url"].removeprefix("sms:"), "text": text},
            headers={"Authorization": f"Bearer {settings.sms_token}"})
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if reply.is_success else f"HTTP {reply.status_code}"


async def _mail(settings: ServiceSettings, delivery: dict[str, Any]) -> str | None:
    """E-mail once; None on success, else the reason."""
    subject, text, _ = render(json.loads(delivery["body"]))
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = delivery["url"].removeprefix("mailto:")
    message["Subject"] = subject
    message.set_content(text)
    try:
        await aiosmtplib.send(message, hostname=settings.smtp_host, port=settings.smtp_port,
                              timeout=10)
    except (aiosmtplib.SMTPException, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


async def _send(client: httpx.AsyncClient, settings: ServiceSettings,
                delivery: dict[str, Any]) -> str | None:
    """Post (or e-mail) once; None on success, else the reason."""
    if delivery["url"].startswith("mailto:"):
        return await _mail(settings, delivery)
    if delivery["url"].startswith("sms:"):
        return await _sms(client, settings, delivery)
    secret = settings.webhook_secret
    body = delivery["body"].encode()
    stamp = str(int(time.time()))
    try:
        reply = await client.post(delivery["url"], content=body, headers={
            "Content-Type": "application/json", "X-ILP-Timestamp": stamp,
            "X-ILP-Signature": signature(secret, stamp, body),
            "X-ILP-Delivery": delivery["delivery_id"]})
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if reply.is_success else f"HTTP {reply.status_code}"


async def deliver_due(rt: Runtime, client: httpx.AsyncClient) -> int:
    async def send(delivery: dict[str, Any]) -> str | None:
        if delivery["kind"] == CANCELLED and not await _told(rt, delivery):
            delivery["skipped"] = "the worker was never sent this visit"
            return None
        if await _visit_over(rt, delivery):
            delivery["skipped"] = "visit over before its message went"
            return None
        return await _send(client, rt.settings, delivery)
    return await send_due(rt, "deliveries", "delivery_id", send,
                          rt.settings.webhook_max_attempts)


def _personal(delivery: dict[str, Any]) -> bool:
    return bool(delivery["url"].startswith(("sms:", "mailto:")))


async def _told(rt: Runtime, delivery: dict[str, Any]) -> bool:
    """Whether the worker was sent this visit before its cancellation: told she need not
    go only then – one whose message was skipped, or still waits, never heard of it. (A
    webhook is told every cancellation.)"""
    if not _personal(delivery) or "task_id" not in delivery:
        return True
    return any(sent["url"] == delivery["url"] and sent["kind"] != CANCELLED
               and sent["status"] == "delivered" and "skipped" not in sent
               for sent in await rt.store.find("deliveries", Query.of(
                   task_id=delivery["task_id"])))


async def _visit_over(rt: Runtime, delivery: dict[str, Any]) -> bool:
    """A worker's SMS or e-mail of a visit cancelled or made before it went – a year's
    register typed in at once opens and closes visits within moments –: not sent. (A
    webhook gets every notice: an integrator keeps the whole history.)"""
    if not _personal(delivery) or not delivery["kind"].startswith("task.") or \
            delivery["kind"] == CANCELLED:
        return False
    task = await rt.store.get("tasks", json.loads(delivery["body"])["task"]["task_id"])
    return task is not None and task["status"] in ("cancelled", "completed")


async def delivery_job(rt: Runtime) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        await run_rounds(rt, lambda: deliver_due(rt, client), "delivery")
