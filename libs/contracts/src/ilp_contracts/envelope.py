"""The base of every event: identity, time and the subject it travels on.

Events are flat pydantic models. The CloudEvents attributes are carried in NATS headers
(binary mode), so the body stays the model itself and integrators can validate it against
the JSON Schema exported from these classes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


def new_event_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """A fact that happened. Subclasses set SUBJECT (`ilp.<service>.<entity>.<verb>.v<N>`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    SUBJECT: ClassVar[str]
    SOURCE: ClassVar[str]

    event_id: str = Field(default_factory=new_event_id, description="Unique id; Nats-Msg-Id")
    occurred_at: datetime = Field(default_factory=utcnow)

    @property
    def ce_subject(self) -> str:
        """CloudEvents `subject`: the entity the event is about (override per event)."""
        return ""

    @classmethod
    def dataschema(cls) -> str:
        return f"urn:ilp:schema:{cls.SUBJECT}"
