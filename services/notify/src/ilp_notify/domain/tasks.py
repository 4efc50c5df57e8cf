"""Home-visit task rules (pure): which findings need a visit, by whom, how soon.

Triggers and who goes follow the ILP juknis (DOMAIN.md, "Home visits"): nutrition
problems and KEK are followed by the kader (severe cases by the bidan as well, a school
child's severe thinness by the bidan), hypertension grade 2–3 (a child's stage 2),
suspected TB and mental-health risk by a health worker, lansia with moderate or worse
dependence by home care. The juknis gives no due times: the days below are platform
defaults to be set per district; what is referred at once (grade 3, severe hypertension
or anaemia in pregnancy) is due the next day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from datetime import date, datetime, time, timedelta, tzinfo

from ilp_contracts.notify import Priority


@dataclass(frozen=True)
class TaskRule:
    reason: str
    group: str  # one task per group: the first (most severe) matching rule wins
    finding_codes: frozenset[str]
    role: str
    priority: Priority
    due_days: int
    severe_only: bool = False  # only a finding graded severe (one code for every grade)


def _rule(reason: str, group: str, codes: set[str], role: str, priority: Priority, days: int,
          severe_only: bool = False) -> TaskRule:
    return TaskRule(reason, group, frozenset(codes), role, priority, days, severe_only)


SEVERE_MALNUTRITION = {"severely_stunted", "severely_underweight", "gizi_buruk",
                       "lila_gizi_buruk", "edema_gizi_buruk"}
# Referral criteria (an infant under 6 months with a nutrition problem, or under 4 kg; an
# undernourished child not improving): the bidan refers, the kader accompanies – first in
# their groups, so a child with both is visited once for the referral.
REFERRAL = {"young_infant_malnutrition", "no_improvement"}
RULES = (
    # A severely malnourished child: the bidan (referral, tata laksana) and the kader (the
    # household, feeding) within 3 days – both; a moderate problem: the kader in a week.
    _rule("rujukan_gizi_balita", "gizi_balita_bidan", REFERRAL, "bidan", "urgent", 3),
    _rule("pendampingan_rujukan_gizi", "gizi_balita_kader", REFERRAL, "kader", "urgent", 3),
    _rule("gizi_buruk_balita", "gizi_balita_bidan", SEVERE_MALNUTRITION, "bidan", "urgent", 3),
    _rule("pendampingan_gizi_buruk", "gizi_balita_kader", SEVERE_MALNUTRITION, "kader",
          "urgent", 3),
    # A school child or remaja severely thin (BMI-for-age below −3 SD) is referred: the
    # bidan sees that the referral happened, within the week.
    _rule("anak_sangat_kurus", "gizi_anak", {"severe_thinness"}, "bidan", "high", 7),
    _rule("masalah_gizi_balita", "gizi_balita_kader",
          {"stunted", "underweight", "gizi_kurang", "lila_gizi_kurang", "weight_not_increasing"},
          "kader", "high", 7),
    # Gizi lebih and obesitas (BB/TB above +2 SD) are nutrition problems too (DOMAIN.md:
    # "balita with nutrition problems"): referred by the finding, the kader counsels the
    # family on feeding within two weeks – with a problem above, in the same visit.
    _rule("gizi_lebih_balita", "gizi_balita_kader", {"gizi_lebih", "obesitas"}, "kader",
          "routine", 14),
    # Two problems, two people: the bidan refers a pregnancy with hypertension, at once
    # with pre-eclampsia (with protein in her urine) or when severe (≥ 160/110), or with severe anaemia (Hb < 7,
    # WHO: referred at once), or with diabetes in pregnancy (WHO 2013) – one visit for all,
    # due as soon as the most urgent –; the kader accompanies a KEK or anaemic one through
    # her supplementary food – both when both.
    _rule("preeklamsia", "ibu_hamil_rujukan", {"preeclampsia"}, "bidan", "urgent", 1),
    _rule("hipertensi_berat_kehamilan", "ibu_hamil_rujukan", {"hypertension_pregnancy"},
          "bidan", "urgent", 1, severe_only=True),
    _rule("anemia_berat_kehamilan", "ibu_hamil_rujukan", {"anaemia_pregnancy"}, "bidan",
          "urgent", 1, severe_only=True),
    _rule("hipertensi_kehamilan", "ibu_hamil_rujukan", {"hypertension_pregnancy"}, "bidan",
          "urgent", 3),
    _rule("diabetes_kehamilan", "ibu_hamil_rujukan", {"hyperglycaemia_pregnancy"}, "bidan",
          "high", 7, severe_only=True),
    _rule("pendampingan_ibu_hamil_kek", "ibu_hamil_gizi",
          {"kek", "anaemia_pregnancy", "underweight_pregnancy"}, "kader", "high", 7),
    # Grade 3 (≥ 180/110, an isolated systolic ≥ 180 too) is referred at once: the
    # perawat the next day. Grade 2 within the week.
    _rule("hipertensi_derajat_3", "hipertensi", {"hypertension_grade_3"}, "perawat",
          "urgent", 1),
    _rule("hipertensi", "hipertensi", {"hypertension_grade_2"}, "perawat", "high", 7),
    # A child's stage 2 (AAP 2017: from 140/90) is referred within the week. Stage 1 and
    # an elevated screen are measured again at the next contact, not visited.
    _rule("hipertensi_anak", "hipertensi", {"child_hypertension_stage_2"}, "perawat",
          "high", 7),
    # Severe anaemia outside pregnancy (a balita's Hb < 7, from 5 years < 8; WHO) is
    # referred at once, as in pregnancy: the bidan the next day. A milder one is the
    # puskesmas's to find the cause of, or the school's iron tablets.
    _rule("anemia_berat", "anemia", {"anaemia"}, "bidan", "urgent", 1, severe_only=True),
    _rule("suspek_tb", "tb", {"tb_suspect"}, "perawat", "high", 7),
    # A positive IVA or a breast lump is referred (Permenkes 29/2017): the bidan sees
    # within the week that she went – treatment early is the point of the screening.
    _rule("rujukan_deteksi_dini_kanker", "kanker", {"iva_positive", "breast_lump"}, "bidan",
          "high", 7),
    _rule("kesehatan_jiwa", "jiwa", {"mental_health_risk"}, "perawat", "routine", 14),
    # A PUMA score of 6 or more: the perawat sees within two weeks that she had her
    # spirometry at the puskesmas.
    _rule("suspek_ppok", "ppok", {"ppok_suspect"}, "perawat", "routine", 14),
    _rule("perawatan_lansia_di_rumah", "lansia",
          {"adl_moderate_dependence", "adl_severe_dependence", "adl_total_dependence"},
          "home_care", "high", 7),
)


@dataclass(frozen=True)
class TaskNeed:
    reason: str
    role: str
    priority: Priority
    due_at: datetime


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """A task due on a day is due by 23:59 of that day where the person lives."""
    return datetime.combine(day, time(23, 59), zone)


# Every finding some rule visits for.
RULE_CODES = frozenset().union(*(rule.finding_codes for rule in RULES))


def tasks_needed(finding_codes: Iterable[str], screened_on: date, zone: tzinfo,
                 recorded_at: datetime | None = None, rules: Iterable[TaskRule] = RULES,
                 severe_codes: Iterable[str] = ()) -> list[TaskNeed]:
    """One need per group that fires, so a child is not visited twice for one problem.

    The days count from the screening, or from when it was recorded if that is later: a
    session synced days after the posyandu (no signal there) or a paper register typed in
    the next week would otherwise give tasks overdue – and escalated past their worker –
    the moment they exist. Days are those of the person's time `zone`."""
    codes, severe = set(finding_codes), set(severe_codes)
    if rules is RULES and not codes & RULE_CODES:
        return []  # a weight gained, a complete immunisation: no rule to look through
    start = max(screened_on, recorded_at.astimezone(zone).date()) if recorded_at else screened_on
    needs: dict[str, TaskNeed] = {}
    for rule in rules:
        if rule.group not in needs and (severe if rule.severe_only else codes) & rule.finding_codes:
            due = end_of_day(start + timedelta(days=rule.due_days), zone)
            needs[rule.group] = TaskNeed(rule.reason, rule.role, rule.priority, due)
    return list(needs.values())


def task_key(person_id: str, reason: str) -> str:
    """At most one open task per person and reason."""
    return f"{person_id}|{reason}"


# Visits that only make sense while she is pregnant: her ANC contacts, and the kader's
# accompaniment through supplementary food for pregnant women (a birth ends them). A
# hypertensive pregnancy's referral is not among them: the risk outlives the delivery.
PREGNANCY_ONLY = ("ibu_hamil_tidak_anc", "pendampingan_ibu_hamil_kek",
                  "ibu_hamil_belum_periksa")

# A round finds a family for several reasons at once – a child not weighed who also missed
# a dose, a KEK pregnancy's monthly accompaniment and her missed ANC contact: the kader
# makes one visit for all of them, not one a day apart.
JOIN_WITHIN = timedelta(days=7)


def joins(need: TaskNeed, task: dict[str, Any]) -> bool:
    """A round's kader visit rides along on the person's open kader visit due within a
    week of it – a round's or a finding's (a finding's that its screening's correction
    cancels gives the reasons that joined it back: `visits.unlink`). A visit that a birth
    ends does not carry one that it does not end."""
    return (need.role == task["role"] == "kader" and need.reason != task["reason"]
            and (need.reason in PREGNANCY_ONLY) == (task["reason"] in PREGNANCY_ONLY)
            and abs(datetime.fromisoformat(task["due_at"]) - need.due_at) <= JOIN_WITHIN)
