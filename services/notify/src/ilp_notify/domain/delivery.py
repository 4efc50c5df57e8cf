"""Webhook delivery rules (pure): what is sent, how it is signed, when to retry.

The body carries what a kader/bidan app needs to fetch the task – ids, reason, place,
due time – and no personal data (no name, no NIK: the person id is pseudonymous).
Signature: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret, sent as
`X-ILP-Signature: sha256=<hex>` with `X-ILP-Timestamp`, so a receiver can refuse replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

PAYLOAD_FIELDS = ("task_id", "person_id", "reason", "role", "assignee_id", "priority",
                  "due_at", "desa_code", "posyandu_id", "escalation_level")


def payload(kind: str, task: dict[str, Any]) -> bytes:
    body = {"type": kind, "task": {k: task.get(k) for k in PAYLOAD_FIELDS}}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()
