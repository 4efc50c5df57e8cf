"""Plausibility and consistency of a submission (pure). Every problem is reported, each
with its field path, so a kader sees all mistakes of a form at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from ilp_contracts import supplements, vitamin_a
from ilp_contracts.anc import SAME_PREGNANCY_DAYS, implied_hpht
from ilp_contracts.immunization import WUS_YEARS, doses_for, tetanus_screened
from ilp_contracts.screening import (POSTPARTUM_DAYS, BirthSubmission, HouseholdMember,
                                    MeasurementsIn, PersonIn, PostnatalCode, PregnancyIn,
                                    ScreeningSubmission, TbTreatmentEnd, TbTreatmentSubmission)

from ilp_contracts.text import Text, _

from . import rules
from .classify import CANCER_REFERRALS, SKILAS_DOMAINS, stage_for
from .person import CHILD_YEARS, age_in_months, nik_problem

Problem = tuple[tuple[str | int, ...], str, str]
MAX_AGE_YEARS = 120
MOTHER_AGE_YEARS = (10, 60)  # who may be pregnant, or a mother at a birth
MAX_GESTATIONAL_WEEKS = 44  # as PregnancyIn.gestational_weeks allows
_TOO_OLD = _("older than {years} years", years=MAX_AGE_YEARS)
_ADULT_BY_MOTHER = _("an adult is not known by her mother's NIK: give her own, or local_id "
                     "alone (her number in the posyandu's register)")


def problems(sub: ScreeningSubmission, today: date) -> tuple[str | None, list[Problem]]:
    """(stage, problems) of a new submission; the stage is None when the dates are wrong."""
    person = sub.person
    stage, found = screening_problems(person.sex, person.birth_date, sub.screened_on,
                                      sub.pregnancy, sub.measurements, today)
    if person.nik and (reason := nik_problem(person.nik, person.birth_date, person.sex)):
        found.insert(0, (("person", "nik"), reason, "nik_mismatch"))
    if problem := _identity_problem(person, (sub.screened_on - person.birth_date).days / 365.25):
        found.insert(0, problem)
    return stage, found


def screening_problems(sex: str, birth_date: date, screened_on: date,
                       pregnancy: PregnancyIn | None, m: MeasurementsIn, today: date
                       ) -> tuple[str | None, list[Problem]]:
    """Problems of the screening itself (also used for amendments, where no NIK is sent)."""
    found: list[Problem] = []
    if screened_on > today + timedelta(days=1):
        found.append((("screened_on",), _("screening date is in the future"), "future_date"))
    age_days = (screened_on - birth_date).days
    if age_days < 0:
        found.append((("screened_on",), _("screening date is before the birth date"),
                      "invalid"))
        return None, found
    if age_days > MAX_AGE_YEARS * 365.25:
        found.append((("person", "birth_date"), _TOO_OLD, "implausible"))
        return None, found
    stage = stage_for(age_days, pregnancy is not None)
    youngest, oldest = MOTHER_AGE_YEARS
    if pregnancy is not None and (sex != "F" or not youngest <= age_days / 365.25 <= oldest):
        found.append((("pregnancy",), _("pregnancy data for a person who cannot be "
                                        "pregnant"), "wrong_stage"))
    if pregnancy is not None:
        found += _pregnancy_weeks_problems(pregnancy, screened_on)
    ranges = {**rules.PLAUSIBLE, **(rules.BALITA_PLAUSIBLE if stage == "balita" else {})}
    values = m.model_dump(exclude_none=True, exclude={"immunizations"})
    for name, (low, high) in ranges.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            found.append((("measurements", name), _implausible(name, value, low, high),
                          "implausible"))
    if (m.systolic is None) != (m.diastolic is None):
        found.append((("measurements", "diastolic" if m.diastolic is None else "systolic"),
                      _("blood pressure needs both systolic and diastolic"), "missing"))
    elif m.systolic is not None and m.diastolic is not None and m.systolic <= m.diastolic:
        found.append((("measurements", "systolic"), _("systolic must be above diastolic"),
                      "implausible"))
    if m.skilas_positive is False and (declined := [
            domain for domain in SKILAS_DOMAINS if getattr(m, domain)]):
        found.append((("measurements", "skilas_positive"), _(
            "SKILAS is said to have found no decline, yet {domains} did",
            domains=", ".join(declined)), "contradiction"))
    found += _dose_problems(m, sex, age_in_months(birth_date, screened_on), stage)
    for examined in CANCER_REFERRALS:
        if getattr(m, examined) is not None and sex != "F":
            found.append((("measurements", examined), _(
                "an examination for cervical or breast cancer is recorded for women"),
                "wrong_stage"))
    if m.vitamin_a is False and m.vitamin_a_capsule is not None:
        found.append((("measurements", "vitamin_a_capsule"), _(
            "a vitamin A capsule's colour is given, yet vitamin_a says none was"),
            "contradiction"))
    if m.vitamin_a and not (stage == "balita" and vitamin_a.eligible(
            age_in_months(birth_date, screened_on))):
        found.append((("measurements", "vitamin_a"), _(
            "vitamin A capsules are recorded for children of {youngest}–{oldest} months",
            youngest=vitamin_a.FROM_MONTHS, oldest=vitamin_a.UNTIL_MONTHS - 1), "wrong_stage"))
    found += _supplement_problems(m, sex, age_in_months(birth_date, screened_on), stage)
    if not values and not m.immunizations and pregnancy is None:  # (an ANC contact is one)
        found.append((("measurements",), _("no measurement given"), "missing"))
    return stage, found


_DOSES_OF_A_STAGE = {
    "balita": _("a balita's doses are those of her schedule (MR 1 or lanjutan, not the "
                "BIAS's MR)"),
    "anak_remaja": _("a school child's doses are the BIAS's – MR, DT, Td – and HPV 1–2 "
                     "for girls"),
}
_TD_ONLY = _("Td is given to pregnant women and women of {youngest}–{oldest}; other "
             "immunisations to balita and at school", youngest=WUS_YEARS[0],
             oldest=WUS_YEARS[1] - 1)


def _dose_problems(m: MeasurementsIn, sex: str, age_months: int, stage: str) -> list[Problem]:
    """Doses not of this stage's schedule (`doses_for`), and a tetanus status screened of
    whom it is not, or below the Td given today."""
    found: list[Problem] = []
    allowed = doses_for(stage, sex, age_months)
    if wrong := [dose for dose in m.immunizations if dose not in allowed]:
        found.append((("measurements", "immunizations"), _(
            "{doses}: {which}", doses=", ".join(wrong),
            which=_DOSES_OF_A_STAGE.get(stage, _TD_ONLY)), "wrong_stage"))
    if m.tetanus_status is not None and not tetanus_screened(stage, sex, age_months):
        found.append((("measurements", "tetanus_status"), _(
            "the tetanus status (T0–T5) is screened of pregnant women and women of "
            "{youngest}–{oldest}", youngest=WUS_YEARS[0], oldest=WUS_YEARS[1] - 1),
            "wrong_stage"))
    elif m.tetanus_status == 0 and "Td" in m.immunizations:
        found.append((("measurements", "tetanus_status"), _(
            "a Td given today makes her status T1 at least, not T0"), "contradiction"))
    return found


def _supplement_problems(m: MeasurementsIn, sex: str, age_months: int, stage: str
                         ) -> list[Problem]:
    """Iron tablets given a man or a child, a deworming tablet a baby: the programmes give
    none (`ilp_contracts.supplements`)."""
    found: list[Problem] = []
    if m.iron_tablets and not supplements.iron_eligible(sex, age_months, stage == "ibu_hamil"):
        found.append((("measurements", "iron_tablets"), _(
            "iron tablets (TTD) are recorded for pregnant women, and girls and women from "
            "{years}", years=supplements.IRON_FROM_YEARS), "wrong_stage"))
    if m.deworming and not supplements.deworming_eligible(age_months):
        found.append((("measurements", "deworming"), _(
            "deworming tablets are recorded for children from {months} months",
            months=supplements.DEWORMING_FROM_MONTHS), "wrong_stage"))
    return found


def _pregnancy_weeks_problems(pregnancy: PregnancyIn, screened_on: date) -> list[Problem]:
    """How far along she is must be said – by the weeks or by her last period (HPHT) –
    and the two must not contradict each other."""
    given, last_period = pregnancy.gestational_weeks, pregnancy.last_period
    if last_period is None:
        return [] if given is not None else [(
            ("pregnancy", "gestational_weeks"),
            _("give gestational_weeks or last_period (HPHT)"), "missing")]
    if last_period > screened_on:
        return [(("pregnancy", "last_period"), _("the last period (HPHT) is after the "
                                                 "screening date"), "invalid")]
    weeks = (screened_on - last_period).days // 7
    if not 1 <= weeks <= MAX_GESTATIONAL_WEEKS:
        return [(("pregnancy", "last_period"), _(
            "a last period (HPHT) of {day} makes {weeks} weeks on the screening date: "
            "outside 1–{most}", day=last_period, weeks=weeks,
            most=MAX_GESTATIONAL_WEEKS), "implausible")]
    if given is not None and abs(given - weeks) > rules.WEEKS_BY_LAST_PERIOD_TOLERANCE:
        return [(("pregnancy", "gestational_weeks"), _(
            "{given} weeks does not agree with the last period (HPHT) of {day}: {weeks} "
            "weeks on the screening date", given=given, day=last_period,
            weeks=weeks), "inconsistent")]
    return []


def delivered_during(weeks: int, screened_on: date, deliveries: Iterable[date]
                     ) -> date | None:
    """A delivery within the pregnancy an ANC contact of `weeks` on `screened_on` dates:
    after its last period (give or take the dating's tolerance) and before the contact –
    the same day may be hers before labour."""
    since = screened_on - timedelta(weeks=weeks - rules.WEEKS_BY_LAST_PERIOD_TOLERANCE)
    return max((day for day in deliveries if since < day < screened_on), default=None)


def dated_against(weeks: int, screened_on: date, others: Iterable[tuple[date, int]]
                  ) -> tuple[date, int] | None:
    """Another ANC contact of hers (its day and weeks) that this one's dating contradicts.
    Two contacts whose HPHTs lie within `SAME_PREGNANCY_DAYS` are one pregnancy; further
    apart they are two, and the later one can only have begun after the earlier one's
    contact was made (give or take the dating's tolerance). A contact of weeks typed
    wrong (12 for 21) is neither: refused, for one of the two to be corrected – counted,
    it would be a pregnancy of its own, a K1 more and no K6."""
    hpht = implied_hpht(screened_on, weeks)
    slack = timedelta(weeks=rules.WEEKS_BY_LAST_PERIOD_TOLERANCE)
    for day, its_weeks in others:
        its_hpht = implied_hpht(day, its_weeks)
        if abs((hpht - its_hpht).days) <= SAME_PREGNANCY_DAYS:
            continue
        later_hpht, earlier_day = (hpht, day) if hpht > its_hpht else (its_hpht, screened_on)
        if later_hpht < earlier_day - slack:
            return day, its_weeks
    return None


def _implausible(name: str, value: float, low: float, high: float) -> Text:
    """Why a value is refused, in its unit, and the unit it may have been written in."""
    unit = rules.UNIT_OF.get(name, "")
    other, factor = rules.OTHER_UNIT.get(name, ("", 0.0))
    if other and low <= value * factor <= high:
        return _("{value:g} {unit} is outside the plausible range {low:g}–{high:g} {unit}; "
                 "if it was read in {other}, send {sent:.4g} {unit}", value=value, unit=unit,
                 low=low, high=high, other=other, sent=value * factor)
    if unit:
        return _("{value:g} {unit} is outside the plausible range {low:g}–{high:g} {unit}",
                 value=value, unit=unit, low=low, high=high)
    return _("{value:g} is outside the plausible range {low:g}–{high:g}", value=value,
             low=low, high=high)


def implausible_growth(summary: dict[str, float], rechecked: bool) -> list[Problem]:
    """Growth z-scores beyond WHO's plausibility limits, at the measure most likely wrong
    (one reason a measure), and an adult's BMI beyond ours: measured again and confirmed
    (`rechecked`), they are kept – a child that wasted may really be there, and must not
    be turned away."""
    if rechecked:
        return []
    found: list[Problem] = []
    blamed: set[str] = set()
    for key, ((low, high), measure, name) in rules.IMPLAUSIBLE_Z.items():
        z = summary.get(key)
        if z is None or low <= z <= high or measure in blamed or (
                key in ("whz", "bmi_z") and "height_cm" in blamed):
            continue  # a weight read against a length already blamed says nothing more
        blamed.add(measure)
        found.append((("measurements", measure),
                      _("{name} z-score {z:+.1f} is beyond WHO's plausible {low:+g} to "
                        "{high:+g}: measure again; if it is right, send it with "
                        "measurements.rechecked = true", name=name, z=z, low=low, high=high),
                      "implausible_z"))
    low, high = rules.IMPLAUSIBLE_BMI
    bmi = summary.get("bmi")
    if (bmi is not None and "bmi_z" not in summary and "weight_kg" not in blamed
            and not low <= bmi <= high):
        found.append((("measurements", "weight_kg"),
                      _("BMI {bmi:.1f} from this weight and height is beyond the plausible "
                        "{low:g} to {high:g}: measure again; if it is right, send it with "
                        "measurements.rechecked = true", bmi=bmi, low=low, high=high),
                      "implausible_bmi"))
    return found


# A birth is recorded for its postpartum and neonatal visits (the last, KF4, by day 42);
# within a year it is still accepted for the record, later it is a data-entry mistake.
BIRTH_RECORDED_WITHIN_DAYS = 366


def born_on_problems(born_on: date, today: date) -> list[tuple[str, str]]:
    """(reason, kind) when a day of birth cannot be recorded today."""
    if born_on > today + timedelta(days=1):
        return [(_("birth date is in the future"), "future_date")]
    if (today - born_on).days > BIRTH_RECORDED_WITHIN_DAYS:
        return [(_("a birth is recorded within {days} days",
                   days=BIRTH_RECORDED_WITHIN_DAYS), "implausible")]
    return []


def mother_age_problem(mother_born: date, born_on: date) -> str | None:
    low, high = MOTHER_AGE_YEARS
    if not low <= (born_on - mother_born).days / 365.25 <= high:
        return _("the mother is not {low}–{high} years old at the birth", low=low, high=high)
    return None


def birth_problems(sub: BirthSubmission, today: date) -> list[Problem]:
    """Every problem of a birth record, with its field path."""
    mother, baby = sub.mother, sub.baby
    found: list[Problem] = [(("baby", "birth_date"), msg, kind)
                            for msg, kind in born_on_problems(sub.born_on, today)]
    if mother.sex != "F":
        found.append((("mother", "sex"), _("the mother must be female"), "invalid"))
    if reason := mother_age_problem(mother.birth_date, sub.born_on):
        found.append((("mother", "birth_date"), reason, "implausible"))
    if mother.nik is None:
        found.append((("mother", "nik"), _("the mother is recorded by her NIK"), "missing"))
    for who, person in (("mother", mother), ("baby", baby)):
        if person.nik and (reason := nik_problem(person.nik, person.birth_date, person.sex)):
            found.append(((who, "nik"), reason, "nik_mismatch"))
    if baby.mother_nik is not None and baby.mother_nik != mother.nik:
        found.append((("baby", "mother_nik"), _("not the mother's NIK"), "invalid"))
    return found + postnatal_visit_problems(sub.postnatal_visits, sub.born_on, today)


def postnatal_visit_problems(visits: Mapping[PostnatalCode, date], born_on: date, today: date
                             ) -> list[Problem]:
    """A postnatal visit made is of the 42 days after the birth, and not yet to come."""
    last = born_on + timedelta(days=POSTPARTUM_DAYS)
    return [(("postnatal_visits", code), _(
        "{code} on {day}: a postnatal visit is made from the day of birth ({born}) to day "
        "{days} ({last}), and not after today", code=code, day=day, born=born_on,
        days=POSTPARTUM_DAYS, last=last), "implausible")
        for code, day in visits.items() if not born_on <= day <= min(last, today)]



def collection_problem(noted_on: date, today: date) -> str | None:
    """What is wrong with the day of a household data collection, if anything."""
    if noted_on > today + timedelta(days=1):
        return _("the data collection is dated in the future")
    return None


def member_problems(member: HouseholdMember, noted_on: date) -> list[Problem]:
    """Every problem of one person of a household data collection (dated `noted_on`),
    with its field path."""
    person = member.person
    age_years = (noted_on - person.birth_date).days / 365.25
    found = _person_problems(person, age_years, (("person", "birth_date"),
                                                 _("born after the data collection"), "invalid"))
    youngest, oldest = MOTHER_AGE_YEARS
    if member.pregnant and (person.sex != "F" or not youngest <= age_years <= oldest):
        found.append((("pregnant",), _("a person who cannot be pregnant"), "wrong_stage"))
    return found


def tb_treatment_problems(sub: TbTreatmentSubmission, today: date) -> list[Problem]:
    """Every problem of a TB treatment's start, with its field path."""
    found: list[Problem] = []
    if sub.started_on > today + timedelta(days=1):
        found.append((("started_on",), _("the treatment starts in the future"),
                      "future_date"))
    age_years = (sub.started_on - sub.person.birth_date).days / 365.25
    return found + _person_problems(sub.person, age_years, (
        ("started_on",), _("the treatment starts before the birth date"), "invalid"))


def _person_problems(person: PersonIn, age_years: float, unborn: Problem) -> list[Problem]:
    """A person's age on the record's day (`unborn`: the problem when she was not yet
    born) and her NIK: it agrees with her birth date and sex."""
    found: list[Problem] = []
    if age_years < 0:
        found.append(unborn)
    elif age_years > MAX_AGE_YEARS:
        found.append((("person", "birth_date"), _TOO_OLD, "implausible"))
    if person.nik and (reason := nik_problem(person.nik, person.birth_date, person.sex)):
        found.append((("person", "nik"), reason, "nik_mismatch"))
    if problem := _identity_problem(person, age_years):
        found.append(problem)
    return found


def _identity_problem(person: PersonIn, age_years: float) -> Problem | None:
    """Without a NIK, a child is known by her mother's; an adult by her number in the
    posyandu's register only."""
    if person.nik is None and person.mother_nik and age_years >= CHILD_YEARS:
        return (("person", "mother_nik"), _ADULT_BY_MOTHER, "adult_by_mother")
    return None


def tb_end_problems(end: TbTreatmentEnd, started_on: date, today: date) -> list[Problem]:
    if end.ended_on > today + timedelta(days=1):
        return [(("ended_on",), _("the treatment ends in the future"), "future_date")]
    if end.ended_on < started_on:
        return [(("ended_on",), _("before the treatment started ({started_on})",
                                  started_on=started_on), "invalid")]
    return []
