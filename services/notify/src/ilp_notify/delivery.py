"""Delivery of new and escalated tasks to webhooks, by e-mail and by SMS/WhatsApp.

A delivery is queued in the same transaction as the task change that causes it; this job
sends what is due outside any transaction (a slow receiver must not hold the store), then
records the attempt. Retries back off; after the last attempt the delivery is marked
failed and stays visible at `GET /deliveries`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage

import aiosmtplib
import httpx
from ilp_kit.outgoing import run_rounds, send_due
from ilp_kit.service import Runtime
from ilp_kit.settings import ServiceSettings
from ilp_kit.store import Transaction

from .domain.delivery import payload, signature

log = logging.getLogger(__name__)


def webhook_urls(settings: ServiceSettings) -> list[str]:
    return [u.strip() for u in settings.webhook_urls.split(",") if u.strip()]


async def queue(tx: Transaction, settings: ServiceSettings, kind: str, task: dict) -> None:
    """Called by handlers next to the task change: one delivery per configured webhook,
    and an e-mail to the assigned worker when SMTP is set up and an address is known."""
    now = datetime.now(UTC).isoformat()
    targets = webhook_urls(settings)
    personal = settings.smtp_host or settings.sms_url
    worker = (await tx.get("workers", task["assignee_id"])
              if personal and task.get("assignee_id") else None)
    if worker and settings.smtp_host and worker.get("email"):
        targets.append(f"mailto:{worker['email']}")
    if worker and settings.sms_url and worker.get("phone"):
        targets.append(f"sms:{worker['phone']}")
    for url in targets:
        delivery_id = str(uuid.uuid4())
        await tx.put("deliveries", delivery_id, {
            "delivery_id": delivery_id, "url": url, "kind": kind,
            "body": payload(kind, task).decode(), "status": "pending", "next_at": now,
            "attempts": []})


def _verb(notice: dict) -> str:
    return "dialihkan kepada Anda" if notice["type"] == "task.escalated" else "baru"


async def _sms(client: httpx.AsyncClient, settings: ServiceSettings,
               delivery: dict) -> str | None:
    """One message through the SMS/WhatsApp gateway; None on success, else the reason."""
    notice = json.loads(delivery["body"])
    task = notice["task"]
    text = (f"ILP: kunjungan rumah {_verb(notice)} – {task['reason']}, desa "
            f"{task['desa_code']}, batas {task['due_at'][:10]}. Tugas {task['task_id'][:8]}.")
    try:
        reply = await client.post(settings.sms_url, json={
            "to": delivery["url"].removeprefix("sms:"), "text": text},
            headers={"Authorization": f"Bearer {settings.sms_token}"})
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if reply.is_success else f"HTTP {reply.status_code}"


async def _mail(settings: ServiceSettings, delivery: dict) -> str | None:
    """E-mail once; None on success, else the reason."""
    notice = json.loads(delivery["body"])
    task = notice["task"]
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = delivery["url"].removeprefix("mailto:")
    verb = _verb(notice)
    message["Subject"] = f"Kunjungan rumah {verb}: {task['reason']} ({task['desa_code']})"
    message.set_content(
        f"Tugas kunjungan rumah {verb}.\n\nAlasan: {task['reason']}\n"
        f"Prioritas: {task['priority']}\nDesa/kelurahan: {task['desa_code']}\n"
        f"Posyandu: {task['posyandu_id']}\nBatas waktu: {task['due_at']}\n"
        f"Nomor tugas: {task['task_id']}\n\nBuka aplikasi ILP untuk rinciannya.\n")
    try:
        await aiosmtplib.send(message, hostname=settings.smtp_host, port=settings.smtp_port,
                              timeout=10)
    except (aiosmtplib.SMTPException, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


async def _send(client: httpx.AsyncClient, settings: ServiceSettings,
                delivery: dict) -> str | None:
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
    return await send_due(rt, "deliveries", "delivery_id",
                          lambda delivery: _send(client, rt.settings, delivery),
                          rt.settings.webhook_max_attempts)


async def delivery_job(rt: Runtime) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        await run_rounds(rt, lambda: deliver_due(rt, client), "delivery")
