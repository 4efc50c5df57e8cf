"""The bidan's register of pregnant women (Register Kohort Ibu), pure: each woman pregnant
now, from her ANC contacts since her last delivery – how far along, when she is due, how
many contacts, her last Hb, LiLA and blood pressure, and every risk found this pregnancy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

# A pregnancy is at term by 40 weeks; one past 44 (the most the intake takes) without a
# delivery recorded here was delivered elsewhere or not reported, and leaves the register.
TERM_WEEKS, LAST_WEEK = 40, 44
LATEST = ("hb", "muac_cm", "systolic", "diastolic")
# Findings of a pregnancy that the register marks (the bidan's risiko tinggi column).
RISKS = frozenset({"kek", "anaemia_pregnancy", "hypertension_pregnancy",
                   "underweight_pregnancy", "pregnancy_too_young", "pregnancy_too_old"})


def kohort(contacts: Iterable[Mapping[str, Any]], delivered: Mapping[str, date], today: date
           ) -> list[dict[str, Any]]:
    """`contacts`: active ibu hamil screenings; `delivered`: each mother's latest delivery.
    One row per woman still pregnant `today`, soonest due first."""
    by_person: dict[str, list[Mapping[str, Any]]] = {}
    for contact in contacts:
        on = date.fromisoformat(contact["screened_on"])
        if (last := delivered.get(contact["person_id"])) is None or on > last:
            by_person.setdefault(contact["person_id"], []).append(contact)
    rows = [row for pregnancy in by_person.values()
            if (row := _row(sorted(pregnancy, key=_order), today)) is not None]
    return sorted(rows, key=lambda row: (row["due_on"], row["person_id"]))


def _order(contact: Mapping[str, Any]) -> tuple[str, str]:
    return contact["screened_on"], contact["screening_id"]


def _row(pregnancy: list[Mapping[str, Any]], today: date) -> dict[str, Any] | None:
    last = pregnancy[-1]
    last_on = date.fromisoformat(last["screened_on"])
    weeks_then = int(last["measurements"].get("gestational_weeks", 0))
    weeks_now = weeks_then + (today - last_on).days // 7
    if not weeks_then or weeks_now > LAST_WEEK:
        return None
    latest = {key: c["measurements"][key] for c in pregnancy for key in LATEST
              if key in c["measurements"]}  # the last contact that took each wins
    return {
        "person_id": last["person_id"], "desa_code": last["desa_code"],
        "posyandu_id": last["posyandu_id"], "rw": last.get("rw"), "rt": last.get("rt"),
        "first_contact_on": pregnancy[0]["screened_on"], "last_contact_on": last["screened_on"],
        "contacts": len(pregnancy),
        "anc_visit": max(c.get("anc_visit") or 0 for c in pregnancy) or None,
        "gestational_weeks_now": weeks_now,
        "due_on": (last_on + timedelta(weeks=TERM_WEEKS - weeks_then)).isoformat(),
        "latest": latest,
        "risks": sorted({f["code"] for c in pregnancy for f in c["findings"]} & RISKS)}
