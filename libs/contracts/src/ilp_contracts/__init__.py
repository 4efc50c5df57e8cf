"""ILP Platform event contracts: every event model, by subject, in one place."""

from .envelope import Event, new_event_id
from .notify import TaskAssigned, TaskCreated
from .registry import AreaUpserted, FacilityUpserted, TargetSet, WorkerAssigned
from .screening import Finding, ScreeningRecorded
from .subjects import STREAMS, dlq_subject, stream_for

EVENTS: dict[str, type[Event]] = {
    cls.SUBJECT: cls
    for cls in (
        AreaUpserted,
        FacilityUpserted,
        WorkerAssigned,
        TargetSet,
        ScreeningRecorded,
        TaskCreated,
        TaskAssigned,
    )
}

__all__ = [
    "EVENTS",
    "STREAMS",
    "AreaUpserted",
    "Event",
    "FacilityUpserted",
    "Finding",
    "ScreeningRecorded",
    "TargetSet",
    "TaskAssigned",
    "TaskCreated",
    "WorkerAssigned",
    "dlq_subject",
    "new_event_id",
    "stream_for",
]
