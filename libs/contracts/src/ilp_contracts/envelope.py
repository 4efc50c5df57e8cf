"""The base of every event: identity, time and the subject it travels on.

Events are flat pydantic models. The CloudEvents attributes are carried in NATS headers
(binary mode), so the body stays the model itself and integrators can validate it against
the JSON Schema exported from these classes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

import uuid_utils
from pydantic import BaseModel, ConfigDict, Field


def new_id() -> str:
    """A UUIDv7: unique and ordered by creation time, so the store indexes keyed by these
    ids (applied events, screenings, tasks) grow at one end instead of dirtying a random
    page per insert – a 2x faster commit in SQLite measured with random UUIDv4 keys."""
    return str(uuid_utils.uuid7())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """A fact that happened. Subclasses set SUBJECT (`ilp.<service>.<entity>.<verb>.v<N>`)
    and ABOUT, the field naming the entity it is about (the CloudEvents `subject`); the
    CloudEvents `source` is `ilp/<service>` from the subject unless a subclass says else."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    SUBJECT: ClassVar[str]
    SOURCE: ClassVar[str]
    ABOUT: ClassVar[str | None] = None

    event_id: str = Field(default_factory=new_id, description="Unique id; Nats-Msg-Id")
    occurred_at: datetime = Field(default_factory=utcnow)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: object) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "SUBJECT" in cls.__dict__ and "SOURCE" not in cls.__dict__:
            cls.SOURCE = f"ilp/{cls.SUBJECT.split('.')[1]}"

    @property
    def ce_subject(self) -> str:
        """CloudEvents `subject`: the entity the event is about."""
        return str(getattr(self, self.ABOUT)) if self.ABOUT else ""

    @classmethod
    def dataschema(cls) -> str:
        return f"urn:ilp:schema:{cls.SUBJECT}"
