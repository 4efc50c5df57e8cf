"""The registers, pure: who is pregnant now, how far along, when due; each balita with her
last weighing, status, this month's D, every dose recorded and her last vitamin A
capsule."""

from __future__ import annotations

from datetime import date

from ilp_contracts.anc import trimester
from ilp_screening.domain.registers import balita, pregnant_women, ptm_adults

TODAY = date(2026, 12, 4)


def contact(person: str, on: str, weeks: int, anc: int, n: int = 0, findings: tuple = (),
            **measures: float) -> dict:
    return {"screening_id": f"{person}-{n}", "person_id": person, "screened_on": on,
            "desa_code": "33.73.04.1001", "posyandu_id": "psy-1", "rw": "RW 02", "rt": None,
            "anc_visit": anc, "measurements": {"gestational_weeks": weeks,
                                               "trimester": trimester(weeks), **measures},
            "findings": [{"code": code} for code in findings]}


def test_each_woman_pregnant_now_with_her_contacts_due_date_and_risks() -> None:
    contacts = [contact("sari", "2026-08-01", 12, 1, 0, ("kek",), muac_cm=22.0, hb=10.5),
                contact("sari", "2026-11-02", 25, 3, 1, ("pregnancy_too_young",), hb=11.5),
                contact("dewi", "2026-11-20", 36, 5, 0, systolic=150.0, diastolic=95.0,
                        findings=("hypertension_pregnancy", "weight_gain_adequate"))]
    [dewi, sari] = pregnant_women(contacts, {}, TODAY)  # soonest due first
    assert (dewi["person_id"], dewi["due_on"], dewi["gestational_weeks_now"]) == (
        "dewi", "2026-12-18", 38)
    assert dewi["risks"] == ["hypertension_pregnancy"]  # not every finding is a risk
    assert (sari["contacts"], sari["anc_visit"], sari["first_contact_on"]) == (
        2, 3, "2026-08-01")
    assert sari["due_on"] == "2027-02-15" and sari["gestational_weeks_now"] == 29
    # her next contact: 8 weeks after the one at 25 weeks; Dewi's (36 weeks): 4, past her HPL
    assert (sari["next_contact_by"], dewi["next_contact_by"]) == ("2026-12-28", None)
    # her latest Hb is the November one; her LiLA was taken only in August
    assert sari["latest"] == {"hb": 11.5, "muac_cm": 22.0}
    assert sari["risks"] == ["kek", "pregnancy_too_young"]


def test_her_contacts_by_trimester_and_whether_they_make_k6() -> None:
    """K6: 1 contact in trimester 1, 2 in 2, 3 in 3; two on one day are one, and six in
    the last two trimesters are not K6 – the bidan sees which trimester is short."""
    weeks = [10, 16, 24, 29, 33, 36]
    days = ["2026-04-10", "2026-05-22", "2026-07-17", "2026-08-21", "2026-09-18",
            "2026-10-09"]
    [ani] = pregnant_women([contact("ani", on, w, n + 1, n)
                            for n, (on, w) in enumerate(zip(days, weeks, strict=True))], {}, TODAY)
    assert (ani["contacts_by_trimester"], ani["k6"]) == ([1, 2, 3], True)
    twice = [contact("sri", "2026-10-09", 20, 1), contact("sri", "2026-10-09", 20, 2, 1)]
    [sri] = pregnant_women(twice, {}, TODAY)
    assert (sri["contacts_by_trimester"], sri["k6"]) == ([0, 1, 0], False)


def test_the_iron_tablets_of_her_pregnancy_are_summed() -> None:
    """TTD: what this pregnancy's contacts gave her (at least 90 over the pregnancy), not
    the last pregnancy's."""
    contacts = [contact("ani", "2025-03-01", 30, 3, 0, iron_tablets=90.0),
                contact("ani", "2026-08-01", 12, 1, 1, iron_tablets=30.0),
                contact("ani", "2026-09-20", 19, 2, 2),
                contact("ani", "2026-11-02", 25, 3, 3, iron_tablets=30.0)]
    assert pregnant_women(contacts, {}, TODAY)[0]["iron_tablets"] == 60


def test_her_tetanus_status_is_the_highest_screened_this_pregnancy() -> None:
    """Her status T rises with each Td: the register shows this pregnancy's highest (the
    last pregnancy's T5 is not hers now, for want of a screening saying so)."""
    contacts = [contact("ani", "2025-03-01", 30, 3, 0, tetanus_status=5.0),
                contact("ani", "2026-08-01", 12, 1, 1, tetanus_status=2.0),
                contact("ani", "2026-09-05", 17, 2, 2, tetanus_status=1.0),
                contact("ani", "2026-11-02", 25, 3, 3)]
    assert pregnant_women(contacts, {}, TODAY)[0]["tetanus_status"] == 2
    assert pregnant_women(contacts[-1:], {}, TODAY)[0]["tetanus_status"] is None


def test_her_hpht_gives_her_due_date_by_naegeles_rule() -> None:
    """HPHT 5 June 2026: HPL 12 March 2027 (280 days), whatever her weeks were rounded
    to; the latest contact that gave an HPHT is read."""
    by_hpht = contact("umi", "2026-11-20", 24, 3)
    by_hpht["submission"] = {"pregnancy": {"last_period": "2026-06-05", "anc_visit": 3}}
    [umi] = pregnant_women([contact("umi", "2026-08-01", 8, 1), by_hpht], {}, TODAY)
    assert (umi["last_period"], umi["due_on"]) == ("2026-06-05", "2027-03-12")
    [sari] = pregnant_women([contact("sari", "2026-11-02", 25, 3)], {}, TODAY)
    assert (sari["last_period"], sari["due_on"]) == (None, "2027-02-15")


def test_pre_eclampsia_is_a_risk_and_her_dipstick_among_her_latest() -> None:
    [rina] = pregnant_women([contact("rina", "2026-11-20", 34, 5, 0,
                                     ("hypertension_pregnancy", "preeclampsia"),
                                     systolic=150.0, diastolic=100.0, protein_urine=2.0)],
                            {}, TODAY)
    assert rina["risks"] == ["hypertension_pregnancy", "preeclampsia"]
    assert rina["latest"] == {"systolic": 150.0, "diastolic": 100.0, "protein_urine": 2.0}


def test_a_delivery_ends_the_pregnancy_and_a_new_contact_starts_the_next() -> None:
    first = contact("ani", "2026-02-01", 20, 2)
    assert pregnant_women([first], {"ani": date(2026, 6, 10)}, TODAY) == []
    again = contact("ani", "2026-11-15", 8, 1, 1)
    [row] = pregnant_women([first, again], {"ani": date(2026, 6, 10)}, TODAY)
    assert (row["first_contact_on"], row["contacts"]) == ("2026-11-15", 1)


def test_a_pregnancy_after_one_with_no_delivery_recorded_is_her_current_one() -> None:
    """Seen at 8 and 10 weeks in spring (a miscarriage nobody records as a delivery), then
    at 9 weeks in November: the register shows the new pregnancy, its first contact and
    its one contact – not three contacts since April."""
    spring = [contact("eka", "2026-04-06", 8, 1), contact("eka", "2026-04-20", 10, 2, 1)]
    [eka] = pregnant_women([*spring, contact("eka", "2026-11-16", 9, 1, 2)], {}, TODAY)
    assert (eka["first_contact_on"], eka["contacts"], eka["contacts_by_trimester"]) == (
        "2026-11-16", 1, [1, 0, 0])


def test_past_44_weeks_without_a_delivery_here_she_leaves_the_register() -> None:
    assert pregnant_women([contact("rina", "2026-05-01", 30, 4)], {}, TODAY) == []
    assert len(pregnant_women([contact("rina", "2026-10-20", 38, 6)], {}, TODAY)) == 1  # 44 weeks now


def visit(person: str, on: str, age: int, n: int = 0, findings: tuple = (),
          doses: tuple = (), **measures: float) -> dict:
    return {"screening_id": f"{person}-{n}", "person_id": person, "screened_on": on,
            "age_months": age, "desa_code": "33.73.04.1001", "posyandu_id": "psy-1",
            "rw": "RW 03", "rt": None, "measurements": measures,
            "immunizations": list(doses), "findings": [{"code": c} for c in findings]}


def test_each_child_with_her_last_weighing_status_and_doses() -> None:
    visits = [visit("bima", "2025-01-10", 1, 0, ("imunisasi_dasar_lengkap",), ("BCG",)),
              visit("bima", "2026-11-20", 23, 1, ("stunted", "weight_gain_adequate"),
                    weight_kg=9.1, height_cm=79.0, waz=-2.5, haz=-2.7, whz=-1.6),
              visit("bima", "2026-12-02", 24, 2, (), ("MR2",))]  # a dose only: no weighing
    [bima] = balita(visits, TODAY)
    assert bima["last_seen_on"] == "2026-12-02" and bima["last_weighed_on"] == "2026-11-20"
    assert bima["weighed_this_month"] is False  # December's visit weighed nobody
    assert bima["growth"] == {"weight_kg": 9.1, "height_cm": 79.0, "waz": -2.5, "haz": -2.7,
                              "whz": -1.6}
    assert bima["status"] == ["stunted", "weight_gain_adequate"]
    assert (bima["doses"], bima["idl"]) == (["BCG", "MR2"], True)


def test_her_last_vitamin_a_capsule_is_shown() -> None:
    """The bulan vitamin A's capsule: her last one given – not a visit that asked and
    gave none, nor one from before the checks were carried."""
    given = {**visit("bima", "2026-08-12", 20, 1, ()), "checks": {"vitamin_a": True}}
    declined = {**visit("bima", "2026-11-20", 23, 2, (), weight_kg=9.1),
                "checks": {"vitamin_a": False}}
    older = {**visit("bima", "2026-12-01", 23, 3, (), weight_kg=9.2), "checks": None}
    assert balita([given, declined, older], TODAY)[0]["last_vitamin_a_on"] == "2026-08-12"
    assert balita([declined], TODAY)[0]["last_vitamin_a_on"] is None
    dewormed = {**given, "checks": {"vitamin_a": True, "deworming": True}}
    assert balita([dewormed, declined], TODAY)[0]["last_deworming_on"] == "2026-08-12"
    assert balita([given], TODAY)[0]["last_deworming_on"] is None


def test_her_lila_status_is_her_latest_lila_since_her_last_weighing() -> None:
    """A kader's LiLA round between weighings: gizi buruk by LiLA shows beside the
    weighing's status; a LiLA taken again and normal clears it; one from before the last
    weighing is no longer hers."""
    weighed = visit("ani", "2026-11-20", 20, 1, ("lila_gizi_kurang", "underweight"),
                    weight_kg=8.0, muac_cm=12.0, waz=-2.4)
    lila = visit("ani", "2026-12-02", 21, 2, ("lila_gizi_buruk",), muac_cm=11.2)
    assert balita([weighed, lila], TODAY)[0]["status"] == ["lila_gizi_buruk", "underweight"]
    normal = visit("ani", "2026-12-03", 21, 3, (), muac_cm=13.0)
    assert balita([weighed, lila, normal], TODAY)[0]["status"] == ["underweight"]
    again = visit("ani", "2026-12-04", 21, 4, ("underweight",), weight_kg=8.3, waz=-2.2)
    assert balita([weighed, lila, again], TODAY)[0]["status"] == ["underweight"]


def test_her_years_progress_towards_the_spms_balita_service() -> None:
    """Whom a bidan still has to see for what: this year's days weighed, measured, her
    development checked and a capsule given – last year's not counted –, and whether her
    year has reached the SPM's standard, as PWS counts her."""
    def month(n: int, **given: object) -> dict:
        return {**visit("laras", f"2026-{n:02d}-12", 20 + n, n, (), weight_kg=10.0 + n / 10,
                        **({"height_cm": 80.0 + n} if given.pop("length", False) else {})),
                "checks": {"vitamin_a": True} if given.pop("capsule", False) else {},
                **given}
    year = [visit("laras", "2025-12-12", 19, 0, (), weight_kg=9.9, height_cm=80.0),
            *(month(n) for n in (1, 3, 4, 5, 6, 7)),
            month(2, length=True, capsule=True, kpsp="sesuai"),
            month(8, length=True, capsule=True,
                  submission={"measurements": {"kpsp": "meragukan"}})]  # (stored before)
    [laras] = balita(year, TODAY)
    assert laras["spm_balita"] == {"weighed": 8, "measured": 2, "development_checked": 2,
                                   "vitamin_a": 2, "served": True}
    [short] = balita(year[:-1], TODAY)
    assert short["spm_balita"] == {"weighed": 7, "measured": 1, "development_checked": 1,
                                   "vitamin_a": 1, "served": False}


def test_a_child_turned_five_leaves_the_balita() -> None:
    assert balita([visit("sari", "2026-06-01", 54, weight_kg=15.0)], TODAY) == []
    [row] = balita([visit("sari", "2026-12-01", 59, weight_kg=15.0)], TODAY)
    assert row["weighed_this_month"] is True


def adult(person: str, on: str, findings: tuple = (), stage: str = "usia_dewasa",
          age: int = 45 * 12, n: int = 0, **measures: float) -> dict:
    return {**visit(person, on, age, n, findings, **measures), "stage": stage}


def test_each_adult_with_latest_readings_and_the_rechecks_due() -> None:
    """Hypertension is re-evaluated monthly, prediabetes and obesity every 3 months
    (DOMAIN.md): the register says when each is due and whether that has passed."""
    visits = [adult("budi", "2026-06-10", ("prediabetes", "obese_1"), glucose_random=160.0,
                    weight_kg=80.0, height_cm=170.0, bmi=27.7),
              adult("budi", "2026-11-20", ("hypertension_grade_1",), n=1, systolic=150.0,
                    diastolic=92.0),
              adult("budi", "2026-11-25", ("tb_suspect",), n=2, glucose_fasting=95.0)]
    [budi] = ptm_adults(visits, TODAY)
    assert (budi["first_seen_on"], budi["last_seen_on"], budi["visits"]) == (
        "2026-06-10", "2026-11-25", 3)
    assert budi["latest"] == {"glucose_random": 160.0, "bmi": 27.7, "systolic": 150.0,
                              "diastolic": 92.0, "glucose_fasting": 95.0}
    assert budi["findings"] == []  # of his last visit, the Posbindu's (TB: the perawat's)
    # his glucose is normal again; his hypertension is due by 20 December; the obesity
    # found in June was not weighed again within its 3 months
    assert budi["watch"] == [
        {"condition": "obesitas", "last_checked_on": "2026-06-10", "due_on": "2026-09-08",
         "overdue": True},
        {"condition": "hipertensi", "last_checked_on": "2026-11-20", "due_on": "2026-12-20",
         "overdue": False}]
    assert budi["next_check_on"] == "2026-09-08"


def test_the_register_ptm_is_of_those_from_15_not_pregnant() -> None:
    visits = [adult("ani", "2026-11-01", stage="ibu_hamil", age=25 * 12, systolic=120.0),
              adult("rudi", "2026-11-01", stage="anak_remaja", age=14 * 12, systolic=110.0),
              adult("tono", "2026-11-01", stage="anak_remaja", age=16 * 12, systolic=110.0),
              adult("mbah", "2026-11-01", stage="lansia", age=70 * 12, adl=10.0)]
    rows = ptm_adults(visits, TODAY)
    assert [r["person_id"] for r in rows] == ["mbah", "tono"]
    assert rows[0]["latest"] == {"adl": 10.0}  # a lansia's AKS among her latest
    assert all(r["watch"] == [] and r["next_check_on"] is None for r in rows)
