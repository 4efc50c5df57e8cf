"""The registers a bidan and a kader keep, pure: the pregnant women (Register Kohort Ibu)
– each woman pregnant now, from her ANC contacts since her last delivery: how far along,
when she is due, her contacts, the iron tablets she was given, her last Hb, LiLA and blood
pressure, the risks of this pregnancy – and the balita (Register Kohort Bayi dan Balita) –
each child under five seen in the last year: her last weighing and its z-scores, her
status, whether she was weighed this month, the doses given so far, her last vitamin A
capsule and deworming tablet, her year's progress towards the SPM's balita service – and
the adults of the Posbindu PTM (Register PTM): each one
from 15 screened in the last year, with their latest readings and the re-evaluations due
by the cadence notify follows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from ilp_contracts.anc import (by_pregnancy, days_by_trimester, implied_hpht, k6_complete,
                               next_contact_due)
from ilp_contracts.monitoring import CADENCES, ncd_monitored
from ilp_contracts.spm import BALITA_SERVICES, anak_balita, balita_services, completed_at

from .person import age_in_months


def _by_person(visits: Iterable[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Each person's visits, in the order they were made."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    for visit in visits:
        found.setdefault(visit["person_id"], []).append(visit)
    return [sorted(seen, key=lambda v: (v["screened_on"], v["screening_id"]))
            for seen in found.values()]


# ── Register Kohort Ibu ───────────────────────────────────────────────────────────────
# A pregnancy is at term by 40 weeks; one past 44 (the most the intake takes) without a
# delivery recorded (in any desa) was delivered unreported, and leaves the register.
TERM_WEEKS, LAST_WEEK = 40, 44
TERM_DAYS = 7 * TERM_WEEKS
LATEST = ("hb", "muac_cm", "systolic", "diastolic", "protein_urine")
# Findings of a pregnancy that the register marks (the bidan's risiko tinggi column).
RISKS = frozenset({"kek", "anaemia_pregnancy", "hypertension_pregnancy", "preeclampsia",
                   "underweight_pregnancy", "pregnancy_too_young", "pregnancy_too_old",
                   "hyperglycaemia_pregnancy", "mental_health_risk"})


def pregnant_women(contacts: Iterable[Mapping[str, Any]], delivered: Mapping[str, date],
                   today: date) -> list[dict[str, Any]]:
    """`contacts`: active ibu hamil screenings; `delivered`: each mother's latest delivery.
    One row per woman still pregnant `today` – her latest pregnancy's contacts (a
    miscarriage is seldom recorded as a delivery) –, soonest due first."""
    this_pregnancy = (c for c in contacts
                      if (last := delivered.get(c["person_id"])) is None
                      or date.fromisoformat(c["screened_on"]) > last)
    rows = [row for contacts in _by_person(this_pregnancy)
            if (row := _pregnancy(by_pregnancy(contacts, _hpht)[-1], today)) is not None]
    return sorted(rows, key=lambda row: (row["due_on"], row["person_id"]))


def _pregnancy(pregnancy: list[Mapping[str, Any]], today: date) -> dict[str, Any] | None:
    last = pregnancy[-1]
    last_on = date.fromisoformat(last["screened_on"])
    weeks_then = int(last["measurements"].get("gestational_weeks", 0))
    weeks_now = weeks_then + (today - last_on).days // 7
    if not weeks_then or weeks_now > LAST_WEEK:
        return None
    # her HPHT, where a contact of this pregnancy gave it (the latest that did): HPL by
    # Naegele's rule, 280 days on; else 40 weeks from her last contact's weeks
    last_period = next((given for c in reversed(pregnancy) if (given := (
        (c.get("submission") or {}).get("pregnancy") or {}).get("last_period"))), None)
    due_on = (date.fromisoformat(last_period) + timedelta(days=TERM_DAYS) if last_period
              else last_on + timedelta(weeks=TERM_WEEKS - weeks_then))
    next_contact = next_contact_due(last_on, weeks_then)
    latest = {key: c["measurements"][key] for c in pregnancy for key in LATEST
              if key in c["measurements"]}  # the last contact that took each wins
    return {
        "person_id": last["person_id"], "desa_code": last["desa_code"],
        "posyandu_id": last["posyandu_id"], "rw": last.get("rw"), "rt": last.get("rt"),
        "first_contact_on": pregnancy[0]["screened_on"], "last_contact_on": last["screened_on"],
        "contacts": len(pregnancy),
        **_k6(pregnancy),
        "iron_tablets": sum(int(c["measurements"].get("iron_tablets", 0)) for c in pregnancy),
        "tetanus_status": max((int(c["measurements"]["tetanus_status"]) for c in pregnancy
                               if "tetanus_status" in c["measurements"]), default=None),
        "anc_visit": max(c.get("anc_visit") or 0 for c in pregnancy) or None,
        "gestational_weeks_now": weeks_now, "last_period": last_period,
        "due_on": due_on.isoformat(),
        "next_contact_by": next_contact.isoformat() if next_contact < due_on else None,
        "latest": latest,
        "risks": sorted({f["code"] for c in pregnancy for f in c["findings"]} & RISKS)}


def _k6(pregnancy: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Her contacts by trimester (a day's are one), and whether they make K6."""
    days = days_by_trimester(pregnancy, lambda c: int(c["measurements"].get("trimester", 1)),
                             lambda c: str(c["screened_on"]))
    return {"contacts_by_trimester": [len(days[t]) for t in sorted(days)],
            "k6": k6_complete(days)}


def _hpht(contact: Mapping[str, Any]) -> date:
    return implied_hpht(date.fromisoformat(contact["screened_on"]),
                        int(contact["measurements"].get("gestational_weeks", 0)))


# ── Register Kohort Bayi dan Balita ──────────────────────────────────────────────────

BALITA_UNTIL_MONTHS = 60
GROWTH = ("weight_kg", "height_cm", "waz", "haz", "whz")
# The findings the register shows as her status: nutrition, and N/T of the last weighing.
STATUS = frozenset({
    "stunted", "severely_stunted", "underweight", "severely_underweight", "gizi_kurang",
    "gizi_buruk", "edema_gizi_buruk", "risk_overweight", "overweight", "obese",
    "lila_gizi_kurang", "lila_gizi_buruk", "weight_gain_adequate", "weight_not_increasing"})

LILA_STATUS = frozenset({"lila_gizi_kurang", "lila_gizi_buruk"})


def balita(visits: Iterable[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    """`visits`: active balita screenings. One row per child still under five `today`."""
    rows = [row for seen in _by_person(visits) if (row := _child(seen, today)) is not None]
    return sorted(rows, key=lambda row: (row["posyandu_id"], row["person_id"]))


def _child(seen: list[Mapping[str, Any]], today: date) -> dict[str, Any] | None:
    last = seen[-1]
    last_on = date.fromisoformat(last["screened_on"])
    if last["age_months"] + age_in_months(last_on, today) >= BALITA_UNTIL_MONTHS:
        return None
    weighed = [v for v in seen if "weight_kg" in v["measurements"]]
    growth = weighed[-1] if weighed else last
    # her LiLA status is her latest LiLA's, when taken at or since that weighing (a
    # kader's LiLA round between weighings)
    lila = [v for v in seen if "muac_cm" in v["measurements"]
            and v["screened_on"] >= growth["screened_on"]][-1:]
    return {
        "person_id": last["person_id"], "desa_code": last["desa_code"],
        "posyandu_id": last["posyandu_id"], "rw": last.get("rw"), "rt": last.get("rt"),
        "last_seen_on": last["screened_on"],
        "last_weighed_on": weighed[-1]["screened_on"] if weighed else None,
        "weighed_this_month": bool(weighed) and weighed[-1]["screened_on"][:7] ==
        today.isoformat()[:7],
        "growth": {key: growth["measurements"][key] for key in GROWTH
                   if key in growth["measurements"]},
        "status": sorted((_codes([growth]) - LILA_STATUS | _codes(lila) & LILA_STATUS)
                         & STATUS),
        "doses": sorted({dose for v in seen for dose in v.get("immunizations") or ()}),
        "last_vitamin_a_on": _last_given(seen, "vitamin_a"),
        "last_deworming_on": _last_given(seen, "deworming"),
        "idl": any(f["code"] == "imunisasi_dasar_lengkap" for v in seen for f in v["findings"]),
        "spm_balita": _spm_year(seen, today)}


def _spm_year(seen: Iterable[Mapping[str, Any]], today: date) -> dict[str, Any]:
    """This year's days of each of the SPM's balita services, and whether her year has
    reached it (as PWS counts her) – whom a bidan still has to see for what."""
    year = [(v["screened_on"], balita_services(v["measurements"], _kpsp(v), v.get("checks"),
                                               v["age_months"]), anak_balita(v["age_months"]))
            for v in seen if v["screened_on"][:4] == str(today.year)]
    return {**{service: len({day for day, given, _aged in year if service in given})
               for service in BALITA_SERVICES},
            "served": completed_at(year, BALITA_SERVICES) is not None}


def _kpsp(visit: Mapping[str, Any]) -> object:
    """Its development check's result (from its submission, for one stored before it was
    kept apart)."""
    return visit.get("kpsp") or (visit.get("submission") or {}).get("measurements", {}).get(
        "kpsp")


def _last_given(seen: Iterable[Mapping[str, Any]], check: str) -> str | None:
    """The day of her last visit that gave it (a capsule, a deworming tablet)."""
    return max((v["screened_on"] for v in seen if (v.get("checks") or {}).get(check)),
               default=None)


def _codes(visits: Iterable[Mapping[str, Any]]) -> set[str]:
    return {f["code"] for v in visits for f in v["findings"]}


# ── Register PTM (Posbindu) ───────────────────────────────────────────────────────────
PTM_LATEST = ("systolic", "diastolic", "glucose_random", "glucose_fasting",
              "cholesterol_total", "bmi", "waist_cm", "adl")
# What the register shows of a last visit's findings: the Posbindu's risk factors, which
# the kader who runs it measures herself – not a TB suspicion or a mental-health screen,
# which the person's history keeps for the health workers.
PTM_FINDINGS = frozenset({
    "bp_high_normal", "hypertension_grade_1", "hypertension_grade_2", "hypertension_grade_3",
    "isolated_systolic_hypertension", "hypertension_controlled", "prediabetes",
    "diabetes_suspected", "diabetes_controlled", "diabetes_uncontrolled",
    "borderline_high_cholesterol", "high_cholesterol", "bmi_underweight", "bmi_overweight",
    "obese_1", "obese_2", "central_obesity", "smoker", "anaemia", "kek_risk",
    "adl_mild_dependence", "adl_moderate_dependence", "adl_severe_dependence",
    "adl_total_dependence", "intrinsic_capacity_decline"})


def ptm_adults(visits: Iterable[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    """`visits`: active screenings of the last year. One row per person from 15 (not
    pregnant then) with their latest readings, what their last visit found, and each
    condition they are under watch for: the last re-evaluation, the day the next is due
    (`due_on`) and whether that has passed."""
    adult = (v for v in visits if ncd_monitored(v["stage"], v["age_months"]))
    rows = [_adult(seen, today) for seen in _by_person(adult)]
    return sorted(rows, key=lambda row: (row["posyandu_id"], row["person_id"]))


def _adult(seen: list[Mapping[str, Any]], today: date) -> dict[str, Any]:
    last = seen[-1]
    watch = {}
    for visit in seen:  # the latest re-evaluation of each condition decides
        codes = {f["code"] for f in visit["findings"]}
        for cadence in CADENCES:
            if cadence.measured(visit["measurements"]):
                watch[cadence.condition] = (codes & cadence.codes, visit["screened_on"],
                                            cadence)
    watched = [{"condition": condition, "last_checked_on": on,
                "due_on": (due := cadence.due_on(date.fromisoformat(on))).isoformat(),
                "overdue": due < today}
               for condition, (found, on, cadence) in watch.items() if found]
    return {
        "person_id": last["person_id"], "desa_code": last["desa_code"],
        "posyandu_id": last["posyandu_id"], "rw": last.get("rw"), "rt": last.get("rt"),
        "first_seen_on": seen[0]["screened_on"], "last_seen_on": last["screened_on"],
        "visits": len(seen),
        "latest": {key: v["measurements"][key] for v in seen for key in PTM_LATEST
                   if key in v["measurements"]},  # the last visit that took each wins
        "findings": sorted({f["code"] for f in last["findings"]} & PTM_FINDINGS),
        "watch": watched,
        "next_check_on": min((w["due_on"] for w in watched), default=None)}
