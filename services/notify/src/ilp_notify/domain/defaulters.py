"""Defaulters (pure): people under monitoring who missed it.

- Adults under watch are re-evaluated on a cadence (DOMAIN.md: "hypertension monthly;
  prediabetes and obesity every 3 months"): a hypertensive adult with no BP measurement
  for a month gets a health worker's visit; a prediabetic one without a glucose test, or
  an obese one without weight and height, for three months gets the kader's (to bring
  them to the posyandu).
- A pregnant woman seen at the posyandu with no ANC contact since for longer than the
  K1–K6 schedule allows (DOMAIN.md: one contact in trimester 1, two in trimester 2,
  three in trimester 3 – about every 8 weeks until week 28, every 4 after) gets the
  kader ("pregnant women … at risk"), until her expected delivery date. The gaps are
  platform defaults, like the task due days.
- A balita weighed last month but not by the `POSYANDU_CUTOFF_DAY` of this month missed
  the posyandu day: the kader visits (D/S is about exactly these children).
- So does a lansia who came last month and not this month ("lansia who did not come",
  DOMAIN.md) – unless severely dependent: home care goes to them instead.
- Someone from 15 screened once and not again within a year ("adults not yet screened";
  the PTM screening is yearly, DOMAIN.md): the kader visits, to bring them to the
  posyandu. Those never screened are known only from the household data collection
  (`household.py`).
- A child whose immunisations the posyandu records and who is past a dose's age plus a
  grace period without it: drop-out follow-up by the kader (DOMAIN.md schedule).
- A child of 6–59 months without her capsule of the bulan vitamin A (February and
  August) once the posyandu days of that month are over, where her posyandu records the
  capsules: the kader's sweeping (`ilp_contracts.vitamin_a`).
- After a birth, the health worker visits the mother (KF1–KF4) and the newborn (KN1–KN3)
  in their windows (DOMAIN.md): each visit opens on its window's first day, due by its
  last.

Events carry the age in whole months, not the birth date (personal data stays in the
screening service), so the youngest possible birth date is used: a dose is never called
missed early because of the rounding.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, cast

from ilp_contracts import vitamin_a
from ilp_contracts.anc import next_contact_due
from ilp_contracts.dates import add_months
from ilp_contracts.monitoring import CADENCES, Cadence
from ilp_contracts.notify import Priority
from ilp_contracts.screening import POSTNATAL_WINDOWS, PostnatalCode

from .tasks import TaskNeed, end_of_day

def _late_from(last: date, days: int) -> str:
    """The first day on which `days` have passed since `last` without a contact."""
    return (last + timedelta(days=days + 1)).isoformat()


def _visit_by(today: date, days: int, zone: tzinfo) -> datetime:
    """A defaulter visit opened today is due by the end of the day `days` later."""
    return end_of_day(today + timedelta(days=days), zone)


def kader_visit(state: dict[str, Any], day_field: str, today: date, zone: tzinfo,
                reason: str, priority: Priority, due_days: int) -> TaskNeed | None:
    """The kader's visit once the watch's day (`day_field`) has come."""
    if state[day_field] > today.isoformat():
        return None
    return TaskNeed(reason, "kader", priority, _visit_by(today, due_days, zone))


@dataclass(frozen=True)
class Recheck(Cadence):
    """A cadence and the visit its defaulter gets."""

    reason: str
    role: str
    priority: Priority
    visit_due_days: int


_VISITS: dict[str, tuple[str, str, Priority, int]] = {
    "hipertensi": ("kontrol_hipertensi", "perawat", "high", 7),
    "diabetes": ("kontrol_diabetes", "perawat", "high", 7),
    "prediabetes": ("evaluasi_prediabetes", "kader", "routine", 14),
    "obesitas": ("evaluasi_obesitas", "kader", "routine", 14),
}
RECHECKS = tuple(Recheck(c.condition, c.codes, c.measured_by, c.every_days,
                         *_VISITS[c.condition]) for c in CADENCES)
RECHECK_OF = {rule.condition: rule for rule in RECHECKS}


def recheck_watch(rule: Recheck, current: dict[str, Any] | None, screened_on: date,
                  codes: set[str], measures: set[str]) -> dict[str, Any] | None:
    """The person's state for one condition after a screening, or None when it changes
    nothing (not re-evaluated, or an older screening arriving late). `check_on`: the first
    day on which the cadence has passed without a re-evaluation."""
    if not rule.measured(measures):
        return None
    if current is not None and current["last_checked_on"] > screened_on.isoformat():
        return None
    return {"condition": rule.condition, "last_checked_on": screened_on.isoformat(),
            "under_watch": bool(codes & rule.codes),
            "check_on": _late_from(screened_on, rule.every_days)}


def missed_recheck(state: dict[str, Any], today: date, zone: tzinfo) -> TaskNeed | None:
    """`today` is the person's local date, in their time `zone` (so are all below)."""
    rule = RECHECK_OF[state["condition"]]
    if not state["under_watch"] or state["check_on"] > today.isoformat():
        return None
    return TaskNeed(rule.reason, rule.role, rule.priority,
                    _visit_by(today, rule.visit_due_days, zone))


def recheck_followed_up(state: dict[str, Any], today: date) -> dict[str, Any]:
    """Visited today: the next visit only if another cadence passes without a check."""
    return {**state, "check_on": _late_from(today, RECHECK_OF[state["condition"]].every_days)}


# --- balita: weighing and immunisation ---------------------------------------------------

BALITA_MONTHS = 60
POSYANDU_CUTOFF_DAY = 25  # posyandu days are over by then in most desa (configurable)
WEIGHING_VISIT_DUE_DAYS = 7
# Dose → age in months at which it is given (DOMAIN.md, Kemenkes routine schedule).
DOSE_MONTH = {"HB0": 0, "BCG": 1, "OPV1": 1,
              "DPT-HB-Hib1": 2, "OPV2": 2, "RV1": 2, "PCV1": 2,
              "DPT-HB-Hib2": 3, "OPV3": 3, "RV2": 3, "PCV2": 3,
              "DPT-HB-Hib3": 4, "OPV4": 4, "RV3": 4, "IPV1": 4,
              "MR1": 9, "IPV2": 9, "PCV3": 12, "DPT-HB-Hib4": 18, "MR2": 18}
DOSE_GRACE_DAYS = 30
IMMUNIZATION_VISIT_DUE_DAYS = 7


def youngest_birth(screened_on: date, age_months: int) -> date:
    """The latest birth date compatible with a whole-month age on that day."""
    return add_months(screened_on, -age_months)


NEVER = "9999-12-31"  # sorts after every date: nothing to check


# A child's nutrition problems' visits – the kader's for a moderate one
# (`masalah_gizi_balita`), the bidan's and the kader's for a severe one or a referral – are
# over when later screenings looked again and found none of them left: a year's register
# typed in at once otherwise sends the kader for every T of the year, and the bidan
# urgently for a baby's referral of February whom every weighing since found growing.
# Each finding, what reads it again and the findings that keep it (T: only the next
# weighing's N ends it; a baby's referral, a weighing that finds it no more).
NUTRITION_VISITS = ("masalah_gizi_balita", "rujukan_gizi_balita", "pendampingan_rujukan_gizi",
                    "gizi_buruk_balita", "pendampingan_gizi_buruk")
_UNDERWEIGHT = ("waz", {"underweight", "severely_underweight", "edema_gizi_buruk"})
_STUNTED = ("haz", {"stunted", "severely_stunted"})
_WASTED = ("whz", {"gizi_kurang", "gizi_buruk", "edema_gizi_buruk"})
_LOW_LILA = ("muac_cm", {"lila_gizi_kurang", "lila_gizi_buruk"})
_LOOKED_AGAIN = {"underweight": _UNDERWEIGHT, "severely_underweight": _UNDERWEIGHT,
                 "stunted": _STUNTED, "severely_stunted": _STUNTED,
                 "gizi_kurang": _WASTED, "gizi_buruk": _WASTED, "edema_gizi_buruk": _WASTED,
                 "lila_gizi_kurang": _LOW_LILA, "lila_gizi_buruk": _LOW_LILA,
                 **{referral: ("weight_kg", {referral})
                    for referral in ("young_infant_malnutrition", "no_improvement")}}
NUTRITION_PROBLEMS = frozenset({*_LOOKED_AGAIN, "weight_not_increasing"})


def _still_there(finding: str, codes: set[str], measured: Collection[str]) -> bool:
    if finding == "weight_not_increasing":
        return "weight_gain_adequate" not in codes
    read, keeping = _LOOKED_AGAIN[finding]
    return read not in measured or bool(codes & keeping)


def nutrition_followed(state: dict[str, Any] | None, screened_on: date, codes: set[str],
                       measured: Collection[str]) -> dict[str, Any] | None:
    """A balita's watch with her moderate nutrition problems still open after a screening
    (`nutrition`, since `nutrition_on`): those it found, and the earlier ones it did not
    look at again or found again. An older screening arriving late changes nothing."""
    found, open_ = codes & NUTRITION_PROBLEMS, (state or {}).get("nutrition")
    if state is None or not (found or open_) or \
            screened_on.isoformat() < state.get("nutrition_on", ""):
        return state  # (most weighings: nothing found, nothing open)
    still = {f for f in open_ or () if _still_there(f, codes, measured)}
    if not found and still == set(open_ or ()):
        return state
    return {**state, "nutrition": sorted(still | found),
            "nutrition_on": screened_on.isoformat()}


@dataclass(frozen=True)
class LapseWatch:
    """A watch whose day passing sends the kader for a contact that did not come: its
    last contact, the day the round looks at (NEVER once it has come), the visit's
    reason. A later contact shows such a visit over (she came after all, or her contact
    was typed in from a register weeks later): moot."""

    last_field: str
    day_field: str
    reason: str


ANC_LAPSE = LapseWatch("last_anc_on", "anc_check_on", "ibu_hamil_tidak_anc")
WEIGHING_LAPSE = LapseWatch("last_weighed_on", "weighing_check_on", "balita_tidak_ditimbang")
LANSIA_LAPSE = LapseWatch("last_seen_on", "attendance_check_on", "lansia_tidak_datang")
PTM_LAPSE = LapseWatch("last_screened_on", "screening_late_on", "skrining_ptm_tahunan")
# By the watch's collection.
LAPSE_VISITS = {"pregnancies": ANC_LAPSE, "child_watch": WEIGHING_LAPSE,
                "lansia_watch": LANSIA_LAPSE, "ptm_watch": PTM_LAPSE}


def lapse_visit(lapse: LapseWatch, state: dict[str, Any], today: date, zone: tzinfo,
                priority: Priority, due_days: int) -> TaskNeed | None:
    """The kader's visit once the lapse's day has come."""
    return kader_visit(state, lapse.day_field, today, zone, lapse.reason, priority, due_days)


def visits_over(collection: str, before: dict[str, Any] | None, after: dict[str, Any]
                ) -> list[str]:
    """The reasons of the visits a watch's update makes moot: a round's, when the round
    had come for it and the update brings a later contact; those for a child's
    nutrition problems, when none is left open. (Only then is a visit looked for: not at
    every monthly weighing.)"""
    if before is None:
        return []
    over = []
    if (lapse := LAPSE_VISITS.get(collection)) and before.get(lapse.day_field) == NEVER and \
            after.get(lapse.last_field, "") > before.get(lapse.last_field, ""):
        over.append(lapse.reason)
    if before.get("nutrition") and not after.get("nutrition"):
        over.extend(NUTRITION_VISITS)
    return over


def child_watch(current: dict[str, Any] | None, screened_on: date, age_months: int,
                weighed: bool, doses: list[str], capsule: bool = False,
                rounds: tuple[int, ...] = vitamin_a.ROUND_MONTHS) -> dict[str, Any] | None:
    """A balita's monitoring state after a screening (None: not a balita); `capsule`: a
    vitamin A capsule given, `rounds` the months of the bulan vitamin A."""
    if age_months >= BALITA_MONTHS:
        return None
    state = dict(current or {"doses": [], "tracks_doses": False, "flagged_doses": [],
                             "weighing_check_on": NEVER})
    born = state.get("born_latest")
    state["born_latest"] = max(born or "", youngest_birth(screened_on, age_months).isoformat())
    state["last_seen_on"] = max(state.get("last_seen_on", ""), screened_on.isoformat())
    if capsule:
        state["capsule_round"] = max(state.get("capsule_round", ""),
                                     vitamin_a.round_of(screened_on, rounds).isoformat())
    # A visit before the round's day, without a capsule, leaves its day as it was (most
    # visits: it moves twice a year)
    if capsule or born != state["born_latest"] or not \
            state["last_seen_on"] < state.get("vitamin_a_check_on", "") < NEVER:
        state["vitamin_a_check_on"] = vitamin_a_check(state, rounds)
        state["vitamin_a_round"] = state["vitamin_a_check_on"][:8] + "01"  # (month's first)
    if weighed and screened_on.isoformat() > state.get("last_weighed_on", ""):
        state["last_weighed_on"] = screened_on.isoformat()
        state["weighing_check_on"] = posyandu_check_on(screened_on)
    if doses:
        state["tracks_doses"] = True
        state["doses"] = sorted({*state["doses"], *doses})
    state["next_dose_check"] = next_dose_check(state)
    return state


def _pending(state: dict[str, Any]) -> list[tuple[str, int]]:
    """The doses still to follow: not given, not followed up already, and not scheduled
    before the earliest dose the posyandu recorded. A child first seen with only today's
    MR1 had her earlier doses elsewhere, or before the posyandu recorded doses: that
    history is unknown here, and 15 "missed" doses would send the kader for nothing."""
    known_from = min(DOSE_MONTH[dose] for dose in state["doses"])
    return [(dose, month) for dose, month in DOSE_MONTH.items()
            if month >= known_from and dose not in state["doses"]
            and dose not in state["flagged_doses"]]


def next_dose_check(state: dict[str, Any]) -> str:
    """The first day on which the earliest dose still to follow is missed: the day after
    its age plus the grace period."""
    if not state["tracks_doses"]:
        return NEVER
    born = date.fromisoformat(state["born_latest"])
    pending = [add_months(born, month) + timedelta(days=DOSE_GRACE_DAYS)
               for _, month in _pending(state)]
    return (min(pending) + timedelta(days=1)).isoformat() if pending else NEVER


def missed_doses(state: dict[str, Any], today: date) -> list[str]:
    born = date.fromisoformat(state["born_latest"])
    if add_months(born, BALITA_MONTHS) <= today:
        return []
    return [dose for dose, month in _pending(state)
            if add_months(born, month) + timedelta(days=DOSE_GRACE_DAYS) < today]


def immunization_follow_up(today: date, zone: tzinfo) -> TaskNeed:
    return TaskNeed("imunisasi_terlewat", "kader", "high",
                    _visit_by(today, IMMUNIZATION_VISIT_DUE_DAYS, zone))


VITAMIN_A_VISIT_DUE_DAYS = 7


def vitamin_a_check(state: dict[str, Any], rounds: tuple[int, ...]) -> str:
    """The day the kader's sweeping falls due: the cut-off day of the first round of the
    bulan vitamin A after her last visit – or of the one after, if she had this one's
    capsule already or is not yet 6 months old by it –, where she is of the capsule's
    age and has no capsule for it. A visit after a round's cut-off day looks to the next
    round: the kader who saw her then knows what she got. NEVER when neither of the two
    next rounds calls for one (she turns 5 before them)."""
    seen, born = state["last_seen_on"], state["born_latest"]  # born: never early
    seen_at = (int(seen[:4]), int(seen[5:7]), int(seen[8:]))
    born_months, born_day = int(born[:4]) * 12 + int(born[5:7]), int(born[8:])
    candidates = [(year, month) for year in (seen_at[0], seen_at[0] + 1)
                  for month in sorted(rounds) if (year, month, POSYANDU_CUTOFF_DAY) > seen_at]
    for year, month in candidates[:2]:
        start = f"{year}-{month:02d}-01"
        old = year * 12 + month - born_months - (POSYANDU_CUTOFF_DAY < born_day)  # months
        if state.get("capsule_round") != start and vitamin_a.eligible(old):
            return f"{start[:8]}{POSYANDU_CUTOFF_DAY}"
    return NEVER


def vitamin_a_sweeping(state: dict[str, Any], today: date, zone: tzinfo) -> TaskNeed | None:
    """The kader's sweeping once the round's day has come – while its capsules are still
    given out, to the end of the month after the round's: a register of January entered
    in December sends nobody for February's."""
    start = date.fromisoformat(state["vitamin_a_round"])
    if not start <= today < add_months(start, 2):
        return None
    return kader_visit(state, "vitamin_a_check_on", today, zone, "sweeping_vitamin_a",
                       "routine", VITAMIN_A_VISIT_DUE_DAYS)


def vitamin_a_next_check(state: dict[str, Any], recorded: bool) -> str:
    """After the round's day: nothing more once she was swept for; where her posyandu had
    recorded no capsules for the round by then, once more on the 1st of the next month
    (its register entered after the 25th), then nothing – her next visit looks to the
    next round."""
    again = add_months(date.fromisoformat(state["vitamin_a_round"]), 1)
    return again.isoformat() if not recorded and state["vitamin_a_check_on"] < \
        again.isoformat() else NEVER


def posyandu_check_on(seen_on: date) -> str:
    """Not seen again by the cut-off day of the next month: missed that month's
    posyandu."""
    return add_months(seen_on.replace(day=POSYANDU_CUTOFF_DAY), 1).isoformat()


def missed_weighing(state: dict[str, Any], today: date, zone: tzinfo) -> TaskNeed | None:
    """Not weighed since last month, and this month's posyandu days are over."""
    if add_months(date.fromisoformat(state["born_latest"]), BALITA_MONTHS) <= today:
        return None  # no longer a balita
    return lapse_visit(WEIGHING_LAPSE, state, today, zone, "routine", WEIGHING_VISIT_DUE_DAYS)


# --- lansia: the monthly posyandu --------------------------------------------------------

LANSIA_VISIT_DUE_DAYS = 7
# Not expected at the posyandu: the home-care visit (a task rule) goes to them.
HOUSEBOUND = frozenset({"adl_severe_dependence", "adl_total_dependence"})


def lansia_watch(current: dict[str, Any] | None, seen_on: date, finding_codes: set[str]
                 ) -> dict[str, Any] | None:
    """A lansia's attendance after a posyandu visit (None: an older one arriving late)."""
    if current is not None and current["last_seen_on"] > seen_on.isoformat():
        return None
    return {"last_seen_on": seen_on.isoformat(),
            "attendance_check_on": (NEVER if finding_codes & HOUSEBOUND
                                    else posyandu_check_on(seen_on))}


def missed_posyandu_lansia(state: dict[str, Any], today: date, zone: tzinfo
                           ) -> TaskNeed | None:
    return lapse_visit(LANSIA_LAPSE, state, today, zone, "routine", LANSIA_VISIT_DUE_DAYS)


# --- usia ≥ 15: the yearly PTM screening ------------------------------------------------

PTM_SCREENING_EVERY_MONTHS = 12
PTM_VISIT_DUE_DAYS = 14


def ptm_watch(current: dict[str, Any] | None, screened_on: date) -> dict[str, Any] | None:
    """When a person's next yearly screening is late (None: an older one arriving late)."""
    if current is not None and current["last_screened_on"] > screened_on.isoformat():
        return None
    due = add_months(screened_on, PTM_SCREENING_EVERY_MONTHS)
    return {"last_screened_on": screened_on.isoformat(),
            "screening_late_on": (due + timedelta(days=1)).isoformat()}


def missed_ptm_screening(state: dict[str, Any], today: date, zone: tzinfo
                         ) -> TaskNeed | None:
    return lapse_visit(PTM_LAPSE, state, today, zone, "routine", PTM_VISIT_DUE_DAYS)


# --- ibu hamil: ANC contacts ------------------------------------------------------------

TERM_WEEKS = 40
ANC_VISIT_DUE_DAYS = 7


def pregnancy_watch(current: dict[str, Any] | None, screened_on: date,
                    gestational_weeks: int) -> dict[str, Any] | None:
    """A pregnant woman's ANC state after a contact (None: an older one arriving late).
    `anc_check_on`: the first day her next contact is late, if before her delivery."""
    if current is not None and current["last_anc_on"] > screened_on.isoformat():
        return None
    edd = screened_on + timedelta(weeks=TERM_WEEKS - gestational_weeks)
    late_from = (next_contact_due(screened_on, gestational_weeks)
                 + timedelta(days=1)).isoformat()
    return {"last_anc_on": screened_on.isoformat(), "edd": edd.isoformat(),
            "anc_check_on": late_from if late_from <= edd.isoformat() else NEVER}


def ended_by_birth(state: dict[str, Any] | None, born_on: date) -> bool:
    """Whether a birth ends this pregnancy watch: a contact on or before the birth was of
    the pregnancy delivered; one after it is of a new pregnancy."""
    return state is None or state["last_anc_on"] <= born_on.isoformat()


def missed_anc(state: dict[str, Any], today: date, zone: tzinfo) -> TaskNeed | None:
    if state["edd"] < today.isoformat():
        return None  # delivered by now (postpartum care takes over)
    return lapse_visit(ANC_LAPSE, state, today, zone, "high", ANC_VISIT_DUE_DAYS)


# KEK: supplementary food (PMT) for at least 90 days, the kader accompanying her (DOMAIN.md).
# The finding opens the first visit; the kader goes again each month of the 90 days – the
# days start again at each contact still KEK, and end with a LiLA that is no longer KEK or
# with her delivery.
PMT_DAYS, PMT_VISIT_EVERY_DAYS, PMT_VISIT_DUE_DAYS = 90, 30, 7
KEK = "kek"


def pmt_watch(current: dict[str, Any] | None, screened_on: date, codes: set[str],
              lila_measured: bool) -> dict[str, Any] | None:
    """Her supplementary-food accompaniment after a contact; None when this contact says
    nothing of it (no KEK, no LiLA) or is older than the one kept."""
    if current is not None and current["last_lila_on"] > screened_on.isoformat():
        return None
    if KEK in codes:
        return {"last_lila_on": screened_on.isoformat(),
                "pmt_until": (screened_on + timedelta(days=PMT_DAYS)).isoformat(),
                "pmt_visit_on": (screened_on + timedelta(days=PMT_VISIT_EVERY_DAYS)).isoformat()}
    if lila_measured and current is not None:  # no longer KEK: the accompaniment ends
        return {**current, "last_lila_on": screened_on.isoformat(), "pmt_visit_on": NEVER}
    return None


def missed_pmt(state: dict[str, Any], today: date, zone: tzinfo) -> TaskNeed | None:
    """This month's accompaniment visit, while her 90 days last."""
    if state["pmt_until"] < today.isoformat():
        return None
    return kader_visit(state, "pmt_visit_on", today, zone, "pendampingan_ibu_hamil_kek",
                       "high", PMT_VISIT_DUE_DAYS)


def next_pmt_visit(state: dict[str, Any], today: date) -> str:
    """After a visit: the next month's, if her 90 days reach it."""
    following = (today + timedelta(days=PMT_VISIT_EVERY_DAYS)).isoformat()
    return following if following < state["pmt_until"] else NEVER


# --- ibu nifas and neonatus: postnatal visits -----------------------------------------------

@dataclass(frozen=True)
class PostnatalVisit:
    reason: str
    who: str  # "mother" or "baby"
    opens: int  # days after the birth (0: the day of birth)
    closes: int  # the visit is due by the end of this day after the birth

    @property
    def code(self) -> PostnatalCode:
        """As registers name it: KF1 … KF4, KN1 … KN3."""
        return cast(PostnatalCode, self.reason.rsplit("_", 1)[1].upper())


# The windows of `POSTNATAL_WINDOWS`: a health worker's visit (mandatory); in window order.
POSTNATAL_VISITS = tuple(
    PostnatalVisit(f"kunjungan_{'nifas' if code.startswith('KF') else 'neonatal'}_"
                   f"{code.lower()}", "mother" if code.startswith("KF") else "baby", *window)
    for code, window in POSTNATAL_WINDOWS.items())
LOW_BIRTH_WEIGHT_G = 2500  # BBLR (WHO): every neonatal visit is urgent


def postnatal_watch(born_on: date, birth_weight_g: int | None) -> dict[str, Any]:
    """A birth's visit state: none made yet, the first window opens on the day of birth."""
    return {"born_on": born_on.isoformat(), "next_visit": 0,
            "low_birth_weight": birth_weight_g is not None and birth_weight_g < LOW_BIRTH_WEIGHT_G,
            "visit_check_on": born_on.isoformat()}


def postnatal_visits(state: dict[str, Any], today: date, zone: tzinfo
                     ) -> tuple[list[tuple[PostnatalVisit, TaskNeed]], dict[str, Any]]:
    """The visits whose window has opened by `today` (in order), and the state moved past
    them: `visit_check_on` is the next window's first day. A window already over (a birth
    recorded late) gets no visit: it cannot be made any more; nor does a mother or baby
    who moved away or died (`gone`), nor one a register showed made (`visits_made`)."""
    born = date.fromisoformat(state["born_on"])
    due, index = [], state["next_visit"]
    while index < len(POSTNATAL_VISITS) and born + timedelta(
            days=POSTNATAL_VISITS[index].opens) <= today:
        visit = POSTNATAL_VISITS[index]
        if born + timedelta(days=visit.closes) >= today and visit.who not in state.get(
                "gone", ()) and visit.code not in state.get("made", {}):
            due.append((visit, postnatal_need(visit, state, zone)))
        index += 1
    return due, {**state, "next_visit": index, "visit_check_on": _next_window(born, index)}


def visits_made(state: dict[str, Any], made: Mapping[PostnatalCode, date]
                ) -> tuple[list[tuple[PostnatalVisit, date]], dict[str, Any]]:
    """The postnatal visits a register shows made (KF1 …: the day) and not known yet, in
    window order, and the state that knows them: their windows open no visit to make."""
    known = dict(state.get("made", {}))
    new = [(visit, made[visit.code]) for visit in POSTNATAL_VISITS
           if visit.code in made and visit.code not in known]
    known.update({visit.code: day.isoformat() for visit, day in new})
    return new, {**state, "made": known}


def postnatal_need(visit: PostnatalVisit, state: dict[str, Any], zone: tzinfo) -> TaskNeed:
    """The bidan's visit, due by the end of its window: urgent in the first two days, and
    every neonatal one of a low-birth-weight baby."""
    closes = date.fromisoformat(state["born_on"]) + timedelta(days=visit.closes)
    urgent = visit.opens == 0 or (visit.who == "baby" and state["low_birth_weight"])
    return TaskNeed(visit.reason, "bidan", "urgent" if urgent else "high",
                    end_of_day(closes, zone))


def _next_window(born: date, index: int) -> str:
    return ((born + timedelta(days=POSTNATAL_VISITS[index].opens)).isoformat()
            if index < len(POSTNATAL_VISITS) else NEVER)


def corrected_birth(state: dict[str, Any], born_on: date, birth_weight_g: int | None
                    ) -> dict[str, Any]:
    """A birth's visit state after a correction of its day or weight: the visits opened
    keep their place, the next window opens counted from the corrected day."""
    return {**state, **postnatal_watch(born_on, birth_weight_g),
            "next_visit": state["next_visit"],
            "visit_check_on": _next_window(born_on, state["next_visit"])}
