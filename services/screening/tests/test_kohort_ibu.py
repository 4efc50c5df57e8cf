"""The bidan's Register Kohort Ibu, pure: who is pregnant now, how far along, when due."""

from __future__ import annotations

from datetime import date

from ilp_screening.domain.kohort_ibu import kohort

TODAY = date(2026, 12, 4)


def contact(person: str, on: str, weeks: int, anc: int, n: int = 0, findings: tuple = (),
            **measures: float) -> dict:
    return {"screening_id": f"{person}-{n}", "person_id": person, "screened_on": on,
            "desa_code": "33.73.04.1001", "posyandu_id": "psy-1", "rw": "RW 02", "rt": None,
            "anc_visit": anc, "measurements": {"gestational_weeks": weeks, **measures},
            "findings": [{"code": code} for code in findings]}


def test_each_woman_pregnant_now_with_her_contacts_due_date_and_risks() -> None:
    contacts = [contact("sari", "2026-08-01", 12, 1, 0, ("kek",), muac_cm=22.0, hb=10.5),
                contact("sari", "2026-11-02", 25, 3, 1, ("pregnancy_too_young",), hb=11.5),
                contact("dewi", "2026-11-20", 36, 5, 0, systolic=150.0, diastolic=95.0,
                        findings=("hypertension_pregnancy", "weight_gain_adequate"))]
    [dewi, sari] = kohort(contacts, {}, TODAY)  # soonest due first
    assert (dewi["person_id"], dewi["due_on"], dewi["gestational_weeks_now"]) == (
        "dewi", "2026-12-18", 38)
    assert dewi["risks"] == ["hypertension_pregnancy"]  # not every finding is a risk
    assert (sari["contacts"], sari["anc_visit"], sari["first_contact_on"]) == (
        2, 3, "2026-08-01")
    assert sari["due_on"] == "2027-02-15" and sari["gestational_weeks_now"] == 29
    # her latest Hb is the November one; her LiLA was taken only in August
    assert sari["latest"] == {"hb": 11.5, "muac_cm": 22.0}
    assert sari["risks"] == ["kek", "pregnancy_too_young"]


def test_a_delivery_ends_the_pregnancy_and_a_new_contact_starts_the_next() -> None:
    first = contact("ani", "2026-02-01", 20, 2)
    assert kohort([first], {"ani": date(2026, 6, 10)}, TODAY) == []
    again = contact("ani", "2026-11-15", 8, 1, 1)
    [row] = kohort([first, again], {"ani": date(2026, 6, 10)}, TODAY)
    assert (row["first_contact_on"], row["contacts"]) == ("2026-11-15", 1)


def test_past_44_weeks_without_a_delivery_here_she_leaves_the_register() -> None:
    assert kohort([contact("rina", "2026-05-01", 30, 4)], {}, TODAY) == []
    assert len(kohort([contact("rina", "2026-10-20", 38, 6)], {}, TODAY)) == 1  # 44 weeks now
