"""ILP Platform event contracts: every event model, by subject, in one place."""

from .envelope import Event, new_id
from .notify import TaskAccepted, TaskAssigned, TaskCancelled, TaskCompleted, TaskCreated, TaskEscalated
from .pws import IndicatorChanged
from .registry import (
    AreaUpserted,
    FacilityUpserted,
    LocalUnitUpserted,
    TargetSet,
    WorkerAssigned,
)
from .screening import (
    PTM_FROM_YEARS,
    BirthAmended,
    BirthCorrection,
    BirthRecorded,
    BirthSubmission,
    BirthVoided,
    Finding,
    HouseholdRegister,
    IngestBirth,
    IngestScreening,
    PersonRegistered,
    ScreeningAmended,
    ScreeningRecorded,
    ScreeningSnapshot,
    ScreeningSubmission,
    ScreeningVoided,
)
from .subjects import STREAMS, dlq_subject

EVENTS: dict[str, type[Event]] = {
    cls.SUBJECT: cls
    for cls in (
        AreaUpserted,
        FacilityUpserted,
        WorkerAssigned,
        TargetSet,
        LocalUnitUpserted,
        ScreeningRecorded,
        ScreeningAmended,
        ScreeningVoided,
        BirthRecorded,
        BirthAmended,
        BirthVoided,
        PersonRegistered,
        IngestScreening,
        IngestBirth,
        TaskCreated,
        TaskAssigned,
        TaskCancelled,
        TaskAccepted,
        TaskCompleted,
        TaskEscalated,
        IndicatorChanged,
    )
}

__all__ = [
    "EVENTS",
    "PTM_FROM_YEARS",
    "STREAMS",
    "AreaUpserted",
    "BirthAmended",
    "BirthCorrection",
    "BirthRecorded",
    "BirthSubmission",
    "BirthVoided",
    "Event",
    "FacilityUpserted",
    "Finding",
    "HouseholdRegister",
    "IndicatorChanged",
    "IngestBirth",
    "IngestScreening",
    "PersonRegistered",
    "ScreeningAmended",
    "ScreeningRecorded",
    "ScreeningSnapshot",
    "ScreeningSubmission",
    "ScreeningVoided",
    "TargetSet",
    "LocalUnitUpserted",
    "TaskAccepted",
    "TaskAssigned",
    "TaskCancelled",
    "TaskCompleted",
    "TaskCreated",
    "TaskEscalated",
    "WorkerAssigned",
    "dlq_subject",
    "new_id",
]
