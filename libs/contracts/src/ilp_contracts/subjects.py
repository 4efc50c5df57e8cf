"""JetStream streams and the subjects they own. One stream per publishing service."""

from __future__ import annotations

STREAMS: dict[str, list[str]] = {
    "REGISTRY": ["ilp.registry.>"],
    "SCREENING": ["ilp.screening.>"],
    "PWS": ["ilp.pws.>"],
    "NOTIFY": ["ilp.notify.>"],
    # Only what a service reads: a publish anywhere else under ilp.ingest has no stream
    # and fails at the integrator (no PubAck) instead of lying unread for a week.
    "INGEST": ["ilp.ingest.screening.>", "ilp.ingest.birth.>", "ilp.ingest.tb_treatment.>"],
    "DLQ": ["ilp.dlq.>"],
}

# Raw integrator submissions carry NIKs: keep them only as long as retries need. Their
# dead letters carry them too: a month to fix the cause and resend (`ilp dlq`), then gone.
MAX_AGE_S: dict[str, int] = {"INGEST": 7 * 24 * 3600, "DLQ": 30 * 24 * 3600}


def from_integrators(subject: str) -> bool:
    """What integrating systems publish (`ilp.ingest.*`), as against the platform's own
    events: held to its schema strictly, where the platform's own are read tolerantly."""
    return subject.startswith("ilp.ingest.")


def dlq_subject(service: str) -> str:
    """Where a service puts events it cannot process, with the reason in a header."""
    return f"ilp.dlq.{service}"


# Core NATS (not persisted: no stream owns it): "this desa-month changed" between PWS
# replicas, so a dashboard on any replica hears changes applied by any other.
LIVE_PWS = "ilp.live.pws"
