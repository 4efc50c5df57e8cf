"""The register of balita (Register Kohort Bayi dan Balita), pure: each child under five
seen in the last year – the last weighing and its z-scores, her nutrition status, whether
she was weighed this month, and the doses given so far."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

BALITA_UNTIL_MONTHS = 60
GROWTH = ("weight_kg", "height_cm", "waz", "haz", "whz")
# The findings the register shows as her status: nutrition, and N/T of the last weighing.
STATUS = frozenset({
    "stunted", "severely_stunted", "underweight", "severely_underweight", "gizi_kurang",
    "gizi_buruk", "edema_gizi_buruk", "risk_overweight", "overweight", "obese",
    "lila_gizi_kurang", "lila_gizi_buruk", "weight_gain_adequate", "weight_not_increasing"})


def register(visits: Iterable[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    """`visits`: active balita screenings. One row per child still under five `today`."""
    by_child: dict[str, list[Mapping[str, Any]]] = {}
    for visit in visits:
        by_child.setdefault(visit["person_id"], []).append(visit)
    rows = [row for seen in by_child.values()
            if (row := _row(sorted(seen, key=_order), today)) is not None]
    return sorted(rows, key=lambda row: (row["posyandu_id"], row["person_id"]))


def _order(visit: Mapping[str, Any]) -> tuple[str, str]:
    return visit["screened_on"], visit["screening_id"]


def _months(since: date, until: date) -> int:
    return (until.year - since.year) * 12 + until.month - since.month


def _row(seen: list[Mapping[str, Any]], today: date) -> dict[str, Any] | None:
    last = seen[-1]
    last_on = date.fromisoformat(last["screened_on"])
    if last["age_months"] + _months(last_on, today) >= BALITA_UNTIL_MONTHS:
        return None
    weighed = [v for v in seen if "weight_kg" in v["measurements"]]
    growth = weighed[-1] if weighed else last
    return {
        "person_id": last["person_id"], "desa_code": last["desa_code"],
        "posyandu_id": last["posyandu_id"], "rw": last.get("rw"), "rt": last.get("rt"),
        "last_seen_on": last["screened_on"],
        "last_weighed_on": weighed[-1]["screened_on"] if weighed else None,
        "weighed_this_month": bool(weighed) and weighed[-1]["screened_on"][:7] ==
        today.isoformat()[:7],
        "growth": {key: growth["measurements"][key] for key in GROWTH
                   if key in growth["measurements"]},
        "status": sorted({f["code"] for f in growth["findings"]} & STATUS),
        "doses": sorted({dose for v in seen for dose in v.get("immunizations") or ()}),
        "idl": any(f["code"] == "imunisasi_dasar_lengkap" for v in seen for f in v["findings"])}
