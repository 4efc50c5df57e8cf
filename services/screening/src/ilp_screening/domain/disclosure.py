"""What a reader may see of a person's screenings. A kader – a volunteer and a neighbour –
records a mental-health questionnaire (SRQ-20, SDQ) at the posyandu but does not read
anyone's results back: the perawat follows them up, and a person's mental health is
confidential (UU 18/2014 tentang Kesehatan Jiwa). Notify draws the same line for visits:
a kader does not see the mental-health visit of a neighbour."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MENTAL_HEALTH_MEASURES = frozenset({"srq20", "sdq_total"})
MENTAL_HEALTH_FINDINGS = frozenset({"mental_health_risk"})


def without_mental_health(screening: Mapping[str, Any]) -> dict[str, Any]:
    """The screening as stored with its mental-health scores (as measured and as given)
    and findings left out."""
    shown = {**screening, "measurements": _left_out(screening["measurements"]),
             "findings": [finding for finding in screening["findings"]
                          if finding["code"] not in MENTAL_HEALTH_FINDINGS]}
    if (submission := screening.get("submission")) and submission.get("measurements"):
        shown["submission"] = {**submission,
                               "measurements": _left_out(submission["measurements"])}
    return shown


def _left_out(measures: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in measures.items()
            if name not in MENTAL_HEALTH_MEASURES}


def risks_shown(risks: list[str]) -> list[str]:
    """A register's risk findings with the mental-health ones left out."""
    return [risk for risk in risks if risk not in MENTAL_HEALTH_FINDINGS]
