"""An AsyncAPI 3.0 document of every subject, generated from the event models, so
integrators see exactly what they may publish (ilp.ingest.*) and subscribe to."""

from __future__ import annotations

from typing import Any

from . import EVENTS
from .subjects import from_integrators

HEADERS_SCHEMA = {
    "type": "object",
    "required": ["Nats-Msg-Id", "ce-id", "ce-type", "ce-source", "ce-specversion"],
    "properties": {
        "Nats-Msg-Id": {"type": "string", "description": "= event_id; JetStream de-dup"},
        "ce-specversion": {"const": "1.0"},
        "ce-id": {"type": "string"},
        "ce-type": {"type": "string", "description": "the subject"},
        "ce-source": {"type": "string"},
        "ce-time": {"type": "string", "format": "date-time"},
        "ce-subject": {"type": "string"},
        "ce-dataschema": {"type": "string"},
        "traceparent": {"type": "string", "description": "W3C trace context"},
    },
}


def asyncapi_document(version: str = "0.1.0") -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for subject, cls in EVENTS.items():
        name = cls.__name__
        messages[name] = {
            "name": name, "title": subject, "contentType": "application/json",
            "summary": (cls.__doc__ or "").strip().split("\n")[0],
            "headers": HEADERS_SCHEMA, "payload": cls.model_json_schema(),
        }
        channel = subject.replace(".", "_")
        channels[channel] = {"address": subject,
                             "messages": {name: {"$ref": f"#/components/messages/{name}"}}}
        inbound = from_integrators(subject)
        operations[f"{'publish' if inbound else 'receive'}_{channel}"] = {
            # An integrator sends ingest subjects and receives everything else.
            "action": "send" if inbound else "receive",
            "channel": {"$ref": f"#/channels/{channel}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "ILP Platform events", "version": version,
                 "description": "NATS JetStream subjects of the ILP Platform. Publish "
                 "screenings on ilp.ingest.screening.v1; invalid ones go to ilp.dlq.screening "
                 "with a JSON reason in the ilp-dlq-reason header."},
        "servers": {"embedded": {"host": "127.0.0.1:4222", "protocol": "nats"}},
        "channels": channels, "operations": operations,
        "components": {"messages": messages},
    }
