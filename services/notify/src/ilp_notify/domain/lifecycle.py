"""Task lifecycle (pure): which transitions are allowed and whether a visit was on time.

open → accepted → completed; open or accepted → cancelled. A task is completed by the
worker it is assigned to (or whoever accepted it).
"""

from __future__ import annotations

from datetime import datetime

TRANSITIONS = {
    "accept": {"open"},
    "complete": {"open", "accepted"},
    "cancel": {"open", "accepted"},
}


# Outcomes after which there is nobody to visit: the person's watches end and their other
# open visits are cancelled (else a hypertensive who moved away got a visit every month).
GONE = frozenset({"moved", "died"})


def transition_problem(action: str, status: str) -> str | None:
    if status not in TRANSITIONS[action]:
        return f"a task that is {status} cannot be {action}ed"
    return None


def on_time(due_at: datetime, done_at: datetime) -> bool:
    return done_at <= due_at
