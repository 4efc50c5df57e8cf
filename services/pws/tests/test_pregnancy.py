"""K1 and K6 by pregnancy (pure): K1 at a pregnancy's first contact, K6 at the contact
that completes DOMAIN.md's spread (1 in trimester 1, 2 in trimester 2, 3 in trimester 3)."""

from __future__ import annotations

from datetime import date, timedelta

from ilp_contracts import anc
from ilp_pws.domain.pregnancy import contact_of, count_changes, counted, pregnancies

HPHT = date(2026, 3, 2)
DESA = "33.73.04.1001"


def contact(week: int, *, hpht: date = HPHT, posyandu: str = "p1", weeks_said: int | None = None,
            trimester: int | None = None, tablets: int | None = None,
            tetanus: int | None = None) -> dict:
    """A contact made at `week` of the pregnancy dated from `hpht`; `weeks_said`: the weeks
    recorded, when the dating was off; `tablets`: the iron tablets given; `tetanus`: her
    status T screened."""
    said = week if weeks_said is None else weeks_said
    summary = {"gestational_weeks": said,
               "trimester": trimester or anc.trimester(said),
               **({} if tablets is None else {"iron_tablets": float(tablets)}),
               **({} if tetanus is None else {"tetanus_status": float(tetanus)})}
    return contact_of(hpht + timedelta(weeks=week), summary, DESA, posyandu, 1)


def of(*contacts: dict) -> dict[str, dict]:
    return {f"s{n}": c for n, c in enumerate(contacts)}


def where(flag: str, contacts: dict[str, dict]) -> dict[str, int]:
    return {period: n for (f, _, period), n in counted(contacts).items() if f == flag}


def test_k6_counts_in_the_month_of_the_contact_that_completes_the_spread() -> None:
    spread = of(contact(10), contact(16), contact(22), contact(29), contact(33),
                contact(36, posyandu="p2"), contact(38))
    assert where("ibu_hamil_k6", spread) == {"2026-11": 1}  # week 36: 9 November
    assert (("ibu_hamil_k6", (DESA, "p2"), "2026-11")) in counted(spread)
    assert where("ibu_hamil_k1", spread) == {"2026-05": 1}  # week 10: 11 May


def test_ttd_90_counts_in_the_month_of_the_contact_that_brought_her_tablets_to_90() -> None:
    """Her iron tablets summed over the pregnancy's contacts (Perpres 72/2021: at least 90
    over the pregnancy), counted once, where and when the 90th was given; a contact from
    before tablets were carried gave none."""
    thirty = of(contact(10, tablets=30), contact(16), contact(22, tablets=30),
                contact(29, tablets=30, posyandu="p2"), contact(33, tablets=30))
    assert where("ibu_hamil_ttd90", thirty) == {"2026-09": 1}  # week 29: 21 September
    assert ("ibu_hamil_ttd90", (DESA, "p2"), "2026-09") in counted(thirty)
    short = of(contact(10, tablets=30), contact(22, tablets=30), contact(29, tablets=29))
    assert where("ibu_hamil_ttd90", short) == {}
    next_pregnancy = of(contact(10, tablets=60), contact(10, hpht=date(2027, 6, 7),
                                                         tablets=60))
    assert where("ibu_hamil_ttd90", next_pregnancy) == {}  # 60 and 60: two pregnancies
    changes = count_changes(counted(short), counted({**short, "late": contact(30, tablets=1)}))
    assert changes == [((DESA, "p1"), "2026-09", {"ibu_hamil_ttd90": 1,
                                                  "year:ibu_hamil_ttd90": 1})]


def test_t2_plus_counts_once_where_her_status_was_first_screened_at_t2_or_above() -> None:
    """Her tetanus status at each ANC contact (with the Td given then): the pregnancy
    counts once, in the desa and month of the first contact at T2 or more; below T2, or
    never screened, not at all – and a next pregnancy is screened again."""
    given_td = of(contact(10, tetanus=1), contact(16), contact(22, tetanus=2, posyandu="p2"),
                  contact(29, tetanus=3))
    assert where("ibu_hamil_t2plus", given_td) == {"2026-08": 1}  # week 22: 3 August
    assert ("ibu_hamil_t2plus", (DESA, "p2"), "2026-08") in counted(given_td)
    assert where("ibu_hamil_t2plus", of(contact(10, tetanus=1), contact(16))) == {}
    assert where("ibu_hamil_t2plus", of(contact(10, tetanus=5), contact(10, tetanus=0,
                                                                hpht=date(2027, 6, 7)))) == {
        "2026-05": 1}
    late = count_changes(counted(given_td), counted({**given_td, "late": contact(12,
                                                                                  tetanus=4)}))
    assert sorted(late) == [((DESA, "p1"), "2026-05", {"ibu_hamil_t2plus": 1,
                                                       "year:ibu_hamil_t2plus": 1}),
                            ((DESA, "p2"), "2026-08", {"ibu_hamil_t2plus": -1,
                                                       "year:ibu_hamil_t2plus": -1})]


def test_six_contacts_without_the_spread_are_no_k6() -> None:
    late_start = of(*(contact(w) for w in (20, 24, 28, 31, 34, 37)))  # none in trimester 1
    one_in_the_second = of(*(contact(w) for w in (8, 12, 20, 29, 33, 36, 38)))
    assert where("ibu_hamil_k6", late_start) == where("ibu_hamil_k6", one_in_the_second) == {}


def test_contacts_of_one_day_are_one_contact() -> None:
    twice_a_day = of(contact(10), contact(16), contact(16), contact(29), contact(33),
                     contact(36))
    assert where("ibu_hamil_k6", twice_a_day) == {}


def test_a_pregnancy_across_new_year_is_one_k1_in_its_first_month() -> None:
    autumn = date(2026, 8, 3)
    contacts = of(*(contact(w, hpht=autumn) for w in (9, 15, 21, 27, 30, 34, 37)))
    assert where("ibu_hamil_k1", contacts) == {"2026-10": 1}
    assert where("ibu_hamil_k6", contacts) == {"2027-04": 1}  # week 37: 19 April 2027


def test_dating_corrected_by_a_few_weeks_is_the_same_pregnancy() -> None:
    redated = of(contact(10), contact(20, weeks_said=23), contact(30, weeks_said=27))
    assert len(pregnancies(redated)) == 1


def test_the_next_pregnancy_is_counted_again() -> None:
    """Delivered at 39 weeks, pregnant again a year later; and a miscarriage at 10 weeks
    followed by a pregnancy from 12 weeks later."""
    next_year = HPHT + timedelta(weeks=52)
    two = of(contact(12), contact(39), contact(8, hpht=next_year))
    assert where("ibu_hamil_k1", two) == {"2026-05": 1, "2027-04": 1}
    after_miscarriage = of(contact(10), contact(6, hpht=HPHT + timedelta(weeks=12)))
    assert len(pregnancies(after_miscarriage)) == 2


def test_a_voided_contact_no_longer_counts() -> None:
    contacts = of(contact(10), contact(20))
    contacts["s0"] = {"version": 2, "gone": True}
    assert where("ibu_hamil_k1", contacts) == {"2026-07": 1}  # week 20: 20 July


def test_a_contact_from_before_the_weeks_were_carried_is_placed_by_its_trimester() -> None:
    legacy = contact_of(HPHT + timedelta(weeks=21), {"trimester": 2}, DESA, "p1", 1)
    assert legacy["weeks"] == 20
    assert len(pregnancies(of(contact(10), legacy, contact(30)))) == 1


def test_changes_move_a_pregnancy_in_its_month_and_its_year() -> None:
    before = counted(of(contact(10)))
    after = counted(of(contact(10, posyandu="p2")))
    assert sorted(count_changes(before, after)) == [
        ((DESA, "p1"), "2026-05", {"ibu_hamil_k1": -1, "year:ibu_hamil_k1": -1}),
        ((DESA, "p2"), "2026-05", {"ibu_hamil_k1": 1, "year:ibu_hamil_k1": 1})]
    assert count_changes(after, after) == []
