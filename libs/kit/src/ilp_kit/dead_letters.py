"""The dead letters the consumers park on `ilp.dlq.<service>` (see `consumer`): reading
them with their reasons, sending one again once its cause is fixed (e.g. the posyandu an
integrator's screening named is registered now), or dropping one for good.

Sending again publishes the original message to its original subject. Every consumer of
that subject sees it once more and skips it if it had applied it (by event id), so only
the service that could not process it does the work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ilp_contracts import dlq_subject
from ilp_contracts.text import ENGLISH, Text
from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import BadRequestError, NotFoundError

STREAM = "DLQ"
_NO_SUCH_SEQUENCE = 10043  # JetStream's error code for a message already deleted


@dataclass(frozen=True)
class DeadLetter:
    seq: int  # in the DLQ stream
    at: datetime
    service: str  # who could not process it
    subject: str  # where it was published
    reason: dict[str, Any]  # {"type": invalid_event|rejected|failed, "detail": [...]}
    data: bytes
    headers: dict[str, str]

    @property
    def summary(self) -> str:
        """The first reason, as a person reads it: `field: message`."""
        return self.summary_in(ENGLISH)

    def summary_in(self, language: str) -> str:
        """The first reason in `language` (`ilp dlq` speaks Indonesian), where its message
        was kept with its template (`reason_header`); else as it was said."""
        first = (self.reason.get("detail") or [{}])[0]
        said = str(first.get("msg", ""))
        if (kept := first.get("said")) and language != ENGLISH:
            try:
                said = _text(kept).render(language)
            except (KeyError, TypeError, ValueError):
                pass  # values that no longer fit their template: as it was said
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where}: {said}" if where else said


def reason_header(kind: str, detail: list[dict[str, Any]]) -> str:
    """A dead letter's reason, machine-readable: {"type": invalid_event|rejected|failed|
    unsupported_version, "detail": [...]}, each message in English with its template and
    values (`said`), so whoever reads it may say it in another language."""
    return json.dumps({"type": kind, "detail": [_with_template(problem)
                                                for problem in detail[:20]]}, default=str)


def _with_template(problem: dict[str, Any]) -> dict[str, Any]:
    msg = problem.get("msg")
    if not isinstance(msg, Text):
        return problem
    return {**problem, "said": _kept(msg)}


def _kept(text: Text) -> dict[str, Any]:
    """A message's template and values – a value that is a message itself (a validator's
    own, inside pydantic's "Value error, {error}") kept so too."""
    return {"template": text.template, "values": {
        name: {"said": _kept(value)} if isinstance(value, Text) else value
        for name, value in text.values.items()}}


def _text(kept: dict[str, Any]) -> Text:
    return Text(kept["template"], {
        name: _text(value["said"]) if isinstance(value, dict) and "said" in value else value
        for name, value in kept["values"].items()})


async def read(js: JetStreamContext, service: str | None = None, limit: int = 100
               ) -> list[DeadLetter]:
    """The oldest `limit` dead letters (of one service, or all)."""
    subject = dlq_subject(service) if service else dlq_subject(">")
    letters: list[DeadLetter] = []
    seq = 1
    while len(letters) < limit:
        try:
            msg = await js.get_msg(STREAM, seq=seq, subject=subject, next=True)
        except NotFoundError:
            break
        letters.append(_letter(msg))
        seq = letters[-1].seq + 1
    return letters


async def get(js: JetStreamContext, seq: int) -> DeadLetter | None:
    """One dead letter by its number, if it is still there."""
    try:
        return _letter(await js.get_msg(STREAM, seq=seq))
    except NotFoundError:
        return None


def _letter(msg: RawStreamMsg) -> DeadLetter:
    headers = dict(msg.headers or {})
    return DeadLetter(
        seq=msg.seq or 0, at=msg.time or datetime.min,
        service=headers.get("ilp-dlq-service", ""),
        subject=headers.get("ilp-dlq-subject", ""),
        reason=json.loads(headers.get("ilp-dlq-reason") or "{}"),
        data=msg.data or b"", headers=headers)


async def send_again(js: JetStreamContext, letter: DeadLetter) -> None:
    """Publish the original message again, then remove the dead letter. Its message id is
    derived from the dead letter, so sending the same one twice publishes it once."""
    headers = {k: v for k, v in letter.headers.items()
               if not k.startswith("ilp-dlq-") and k != "Nats-Msg-Id"}
    headers["Nats-Msg-Id"] = f"dlq-resend:{letter.seq}"
    await js.publish(letter.subject, letter.data, headers=headers)
    await drop(js, letter.seq)


async def drop(js: JetStreamContext, seq: int) -> bool:
    """Remove a dead letter for good (e.g. junk no fix will make processable)."""
    try:
        return await js.delete_msg(STREAM, seq)
    except (NotFoundError, BadRequestError) as exc:
        if exc.err_code not in (None, _NO_SUCH_SEQUENCE):
            raise
        return False
