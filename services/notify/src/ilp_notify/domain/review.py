"""The monthly PWS review (pure): which of a desa's indicators were red when a month ended,
for the notice its pustu gets before the puskesmas's monthly meeting (Lokmin).

DOMAIN.md: "Reviewed monthly by the puskesmas with pustu (Lokmin); the dashboard notifies
the pustu when a desa needs follow-up." A colour changes many times while a month is
counted – every coverage indicator starts red on the 1st, before anybody is weighed – so
the pustu hears of a month once it is over: what was still red at its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


def keep_colour(doc: dict[str, Any] | None, *, desa_code: str, period: str,
                indicator_id: str, colour: str, pct: float | None, at: str,
                name: str | None = None) -> dict[str, Any]:
    """A desa-month's latest colour of each indicator, with its name (the PWS catalogue
    is a district's configuration, which notify does not read). A change older than the
    one kept (`at`, when PWS saw it) changes nothing: replicas may apply changes out of
    order."""
    doc = doc or {"desa_code": desa_code, "period": period, "indicators": {}}
    kept = doc["indicators"].get(indicator_id)
    if kept is None or kept["at"] <= at:
        doc["indicators"][indicator_id] = {"colour": colour, "pct": pct, "at": at,
                                           "name": name}
    return doc


@dataclass(frozen=True)
class Red:
    """An indicator red when the month ended: its id, its name (None from a PWS before
    names were sent) and its percentage."""

    indicator_id: str
    name: str | None
    pct: float | None


def red_indicators(doc: dict[str, Any]) -> list[Red]:
    """The indicators red, by id."""
    return [Red(indicator_id, kept.get("name"), kept["pct"])
            for indicator_id, kept in sorted(doc["indicators"].items())
            if kept["colour"] == "red"]


# The review goes out on the 1st; a notify that was down then sends it when back, up to
# the 7th – later, the month's Lokmin has passed (and a platform first started on the 25th
# has no month behind it worth a review).
REVIEW_UNTIL_DAY = 7


def month_to_review(local_today: date) -> str | None:
    """The month that ended (YYYY-MM) where the desa is, in the first days of the next;
    None after them."""
    if local_today.day > REVIEW_UNTIL_DAY:
        return None
    return (local_today.replace(day=1) - timedelta(days=1)).isoformat()[:7]
