"""The registers a bidan and a kader keep, over HTTP, from the screenings recorded here:
the pregnant women (Register Kohort Ibu), the balita (Register Kohort Bayi dan Balita)
and the adults of the Posbindu PTM (Register PTM) of an area, with their names. Every
read is audited like every read of a person."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query as Param
from fastapi.responses import Response
from ilp_contracts.monitoring import ADULT_STAGES, ncd_monitored
from ilp_contracts.wilayah import InvalidAreaCode, local_zone, parse_area_code
from ilp_contracts.text import _, reason
from ilp_kit.auth import Caller, require, require_area
from ilp_kit.errors import UnprocessableError
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.spreadsheet import Excel, Format, sheet_download
from ilp_kit.store import Query, chunks
from pydantic import BaseModel, Field

from .audit import audit
from ilp_contracts.findings import finding_label
from .domain.registers import (GROWTH, LAST_WEEK, LATEST, PTM_LATEST, balita, pregnant_women,
                               ptm_adults)
from .domain.disclosure import risks_shown
from .domain.duplicates import likely_duplicates
from .domain.person import age_in_months
from .intake import PLACES
from .roles import CARERS, MERGERS

router = APIRouter(tags=["persons"])
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
# the stages whose people may be under the adult cadence (of a remaja, those from 15)
NCD_STAGES = (*sorted(ADULT_STAGES), "anak_remaja")


class PregnancyRow(BaseModel):
    person_id: str
    name: str
    age_years: int
    desa_code: str
    posyandu_id: str = Field(description="Where she was last seen (posyandu or pustu)")
    rw: str | None
    rt: str | None
    first_contact_on: date
    last_contact_on: date
    contacts: int = Field(description="ANC contacts recorded this pregnancy")
    contacts_by_trimester: list[int] = Field(description="Days with a contact in trimester 1, "
                                             "2 and 3")
    k6: bool = Field(description="K6: at least 1, 2 and 3 of them (DOMAIN.md)")
    iron_tablets: int = Field(description="Tablet tambah darah given at this pregnancy's "
                              "contacts (at least 90 over the pregnancy)")
    tetanus_status: int | None = Field(description="Her status T (0–5), the highest screened "
                                       "this pregnancy: from T2 her newborn is protected")
    anc_visit: int | None = Field(description="The highest K number recorded (K1–K6 …)")
    gestational_weeks_now: int = Field(description="From her last contact's weeks and the "
                                       "days since")
    last_period: date | None = Field(description="HPHT, where a contact gave it")
    due_on: date = Field(description="HPL: 280 days from her HPHT; without one, 40 weeks "
                         "from her last contact's weeks")
    next_contact_by: date | None = Field(description="Her next ANC contact is on time until "
                                         "this day (8 weeks after the last, 4 from week 28; "
                                         "past it the kader visits); None: due after her HPL")
    latest: dict[str, float] = Field(description="Her latest Hb, LiLA, systolic, diastolic "
                                     "and protein in urine (dipstick 0–4)")
    risks: list[str] = Field(description="Risk findings of this pregnancy (KEK, anaemia, "
                             "hypertension, 4 Terlalu …)")


class ChildRow(BaseModel):
    person_id: str
    name: str
    sex: str
    birth_date: date
    age_months: int
    desa_code: str
    posyandu_id: str
    rw: str | None
    rt: str | None
    last_seen_on: date
    last_weighed_on: date | None
    weighed_this_month: bool = Field(description="D of this month")
    growth: dict[str, float] = Field(description="The last weighing: weight, length/height "
                                     "and the WHO z-scores read from them")
    status: list[str] = Field(description="Its nutrition findings, and N or T")
    doses: list[str] = Field(description="Every dose recorded for her")
    idl: bool = Field(description="Imunisasi dasar lengkap")
    last_vitamin_a_on: date | None = Field(
        description="Her last vitamin A capsule recorded (the bulan vitamin A: February, "
        "August)")
    last_deworming_on: date | None = Field(description="Her last deworming tablet recorded")
    spm_balita: SpmBalitaYear = Field(description="This year's visits towards the SPM's "
                                      "balita service")


class SpmBalitaYear(BaseModel):
    """On how many days of this year she had each of the SPM's balita services – 8
    weighings, 2 lengths, 2 development checks, 2 vitamin A capsules – and whether her
    year has reached them at 12–59 months."""

    weighed: int
    measured: int
    development_checked: int
    vitamin_a: int
    served: bool


class Watch(BaseModel):
    condition: Literal["hipertensi", "diabetes", "prediabetes", "obesitas"]
    last_checked_on: date
    due_on: date = Field(description="Re-evaluated by this day: hypertension and a "
                         "diagnosed diabetes monthly, prediabetes and obesity every 3 months "
                         "(DOMAIN.md)")
    overdue: bool


class AdultRow(BaseModel):
    person_id: str
    name: str
    sex: str
    age_years: int
    desa_code: str
    posyandu_id: str = Field(description="Where they were last seen (posyandu or pustu)")
    rw: str | None
    rt: str | None
    first_seen_on: date = Field(description="Their first visit of the last year")
    last_seen_on: date
    visits: int = Field(description="Visits in the last year")
    latest: dict[str, float] = Field(description="Their latest blood pressure, glucose, "
                                     "cholesterol, BMI, waist and ADL (AKS) score")
    findings: list[str] = Field(description="The Posbindu risk factors their last visit "
                                "found (blood pressure, glucose, cholesterol, BMI, waist, "
                                "smoking, anaemia, dependence)")
    watch: list[Watch] = Field(description="The conditions they are under watch for, from "
                               "the latest re-evaluation of each")
    next_check_on: date | None = Field(description="The soonest re-evaluation due")


AreaCode = Annotated[str, Param(description="A desa, or any area above it")]


def _area(caller: Caller, area_code: str) -> str:
    require(caller, *CARERS)
    try:
        code = parse_area_code(area_code).code
    except InvalidAreaCode as exc:
        raise UnprocessableError(("query", "area_code"), reason(exc), "invalid_area_code") from exc
    require_area(caller, code)
    return code


@router.get("/children", response_model=list[ChildRow])
async def children(area_code: AreaCode, rt: RuntimeDep, caller: Caller
                   ) -> list[dict[str, Any]]:
    """Register Kohort Balita: every child under five of the area seen in the last year,
    by posyandu and name – her last weighing and status, this month's D, her doses."""
    return await _children(rt, caller, _area(caller, area_code))


# The SPM's balita services as the Kohort's sheet heads them.
SPM_COLUMNS = {"weighed": "spm_ditimbang", "measured": "spm_diukur",
               "development_checked": "spm_kpsp", "vitamin_a": "spm_vitamin_a"}
# A register's sheet as the posyandu's own books write it: L or P, the posyandu by name.
SEX_WRITTEN = {"M": "L", "F": "P"}


async def place_names(rt: Runtime, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each row's posyandu or pustu by its name (its id where no name is known)."""
    ids = {row["posyandu_id"] for row in rows}
    places = await rt.store.get_many(PLACES, ids)
    return {i: (places.get(i) or {}).get("name") or i for i in ids}


@router.get("/children.{fmt}", response_class=Response)
async def children_sheet(fmt: Format, area_code: AreaCode, rt: RuntimeDep, caller: Caller,
                         excel: Excel = False) -> Response:
    """The same as a spreadsheet: `.xlsx`, or `.csv`."""
    code = _area(caller, area_code)
    rows = await _children(rt, caller, code)
    places = await place_names(rt, rows)
    return await sheet_download(
        ["nama", "jenis_kelamin", "tanggal_lahir", "umur_bulan", "kode_desa", "posyandu",
         "rw", "rt", "terakhir_datang", "terakhir_ditimbang", "ditimbang_bulan_ini",
         "berat_kg", "panjang_tinggi_cm", "bb_u_z", "tb_u_z", "bb_tb_z", "status",
         "imunisasi", "idl", "vitamin_a_terakhir", "obat_cacing_terakhir",
         *SPM_COLUMNS.values(), "spm_sesuai_standar"],
        ([r["name"], SEX_WRITTEN[r["sex"]], r["birth_date"], r["age_months"], r["desa_code"],
          places.get(r["posyandu_id"]), r["rw"], r["rt"], r["last_seen_on"],
          r["last_weighed_on"],
          _yes(r["weighed_this_month"]), *(r["growth"].get(k) for k in GROWTH),
          _named_findings(r["status"]), ", ".join(r["doses"]), _yes(r["idl"]),
          r["last_vitamin_a_on"], r["last_deworming_on"],
          *(r["spm_balita"][service] for service in SPM_COLUMNS),
          _yes(r["spm_balita"]["served"])] for r in rows),
        f"kohort-balita-{code}", fmt, excel)


DueWithin = Annotated[int | None, Param(
    ge=0, le=366, description="Only those with a re-evaluation due within this many days "
    "(0: those past it) – whom to invite to the next Posbindu")]


@router.get("/adults", response_model=list[AdultRow])
async def adults(area_code: AreaCode, rt: RuntimeDep, caller: Caller,
                 due_within_days: DueWithin = None) -> list[dict[str, Any]]:
    """Register PTM (Posbindu): everyone from 15 of the area screened in the last year, by
    posyandu and name – their latest readings, what their last visit found, and the
    re-evaluations of hypertension, prediabetes and obesity due (notify visits those who
    miss one)."""
    return await _adults(rt, caller, _area(caller, area_code), due_within_days)


@router.get("/adults.{fmt}", response_class=Response)
async def adults_sheet(fmt: Format, area_code: AreaCode, rt: RuntimeDep, caller: Caller,
                       due_within_days: DueWithin = None, excel: Excel = False) -> Response:
    """The same as a spreadsheet: `.xlsx`, or `.csv`."""
    code = _area(caller, area_code)
    rows = await _adults(rt, caller, code, due_within_days)
    places = await place_names(rt, rows)
    return await sheet_download(
        ["nama", "jenis_kelamin", "umur", "kode_desa", "posyandu", "rw", "rt",
         "kunjungan_pertama", "kunjungan_terakhir", "jumlah_kunjungan", "sistolik",
         "diastolik", "gds", "gdp", "kolesterol", "imt", "lingkar_perut", "aks", "temuan",
         "dipantau", "periksa_ulang_berikutnya"],
        ([r["name"], SEX_WRITTEN[r["sex"]], r["age_years"], r["desa_code"],
          places.get(r["posyandu_id"]), r["rw"],
          r["rt"], r["first_seen_on"], r["last_seen_on"], r["visits"],
          *(r["latest"].get(k) for k in PTM_LATEST), _named_findings(r["findings"]),
          ", ".join(f"{w['condition']} s/d {w['due_on']}" + (" (lewat)" if w["overdue"] else "")
                    for w in r["watch"]), r["next_check_on"]] for r in rows),
        f"register-ptm-{code}", fmt, excel)


async def _adults(rt: Runtime, caller: Caller, code: str, due_within_days: int | None
                  ) -> list[dict[str, Any]]:
    today = datetime.now(local_zone(code)).date()
    since = (today - timedelta(days=365)).isoformat()
    seen = {v["person_id"] for v in await rt.store.find("screenings", Query.of(
        prefix=("desa_code", code), between=("period", since[:7], "9999"), status="active",
        one_of=("stage", NCD_STAGES))) if ncd_monitored(v["stage"], v["age_months"])}
    # their every visit of the year, wherever made: a re-check at another desa's Posbindu
    # counts as much
    visits = [v for some in chunks(sorted(seen)) for v in await rt.store.find(
        "screenings", Query.of(one_of=("person_id", some), between=("screened_on", since,
                                                                      "9999"),
                               status="active"))]
    rows = ptm_adults(visits, today)
    if due_within_days is not None:
        by = (today + timedelta(days=due_within_days)).isoformat()
        rows = [row for row in rows if row["next_check_on"] and row["next_check_on"] <= by]
    rows = sorted([{**row, "age_years": row["age_months"] // 12}
                   for row in await _named(rt, rows, today)],
                  key=lambda row: (row["posyandu_id"], row["name"]))
    await audit(rt, caller, "register_ptm", *(row["person_id"] for row in rows))
    return rows


def _named_findings(codes: list[str]) -> str:
    """A spreadsheet's cell names findings in words, as the bidan reads them."""
    return ", ".join(finding_label(code) for code in codes)


def _yes(value: bool) -> str:
    return "ya" if value else "tidak"


async def _children(rt: Runtime, caller: Caller, code: str) -> list[dict[str, Any]]:
    today = datetime.now(local_zone(code)).date()
    a_year_ago = f"{today.year - 1}-{today.month:02d}"
    seen = {v["person_id"] for v in await rt.store.find("screenings", Query.of(
        prefix=("desa_code", code), between=("period", a_year_ago, "9999"), stage="balita",
        status="active"))}
    # every visit of theirs, for the doses given before the year
    history = [v for some in chunks(sorted(seen)) for v in await rt.store.find(
        "screenings", Query.of(one_of=("person_id", some), stage="balita", status="active"))]
    rows = sorted(await _named(rt, balita(history, today), today),
                  key=lambda row: (row["posyandu_id"], row["name"]))
    await audit(rt, caller, "kohort_balita", *(row["person_id"] for row in rows))
    return rows


class Recorded(BaseModel):
    person_id: str
    name: str
    rt: str | None
    rw: str | None
    last_seen_on: date = Field(description="Her last screening; a baby known from her "
                                           "birth alone: the day she was born")
    visits: int = Field(description="Active screenings under this record")


class LikelyDuplicate(BaseModel):
    birth_date: date
    sex: str
    why: Literal["same_mother", "named_alike"] = Field(
        description="A child of one mother (not twins told apart), or named alike")
    records: list[Recorded] = Field(min_length=2, max_length=2)


@router.get("/duplicates", response_model=list[LikelyDuplicate])
async def duplicates(area_code: AreaCode, rt: RuntimeDep, caller: Caller
                     ) -> list[dict[str, Any]]:
    """Records of a kecamatan or desa (seen in the last year) that may be one person: born
    the same day, of one sex, and a child of one mother or named alike – for whoever
    merges them (`POST /persons/{id}/merge`) to look at; nothing is merged by itself. (A
    kab/kota is refused: a year of its screenings is read at once.)"""
    code = _area(caller, area_code)
    require(caller, *MERGERS)
    if code.count(".") < 2:
        raise UnprocessableError(("query", "area_code"), _(
            "choose a kecamatan or a desa: {code} is too wide to compare everyone in it",
            code=code), "area_too_wide")
    today = datetime.now(local_zone(code)).date()
    since = f"{today.year - 1}-{today.month:02d}"
    visits = await rt.store.find("screenings", Query.of(
        prefix=("desa_code", code), between=("period", since, "9999"), status="active"))
    seen: dict[str, list[dict[str, Any]]] = {}
    for visit in sorted(visits, key=lambda visit: visit["screened_on"]):
        seen.setdefault(visit["person_id"], []).append(visit)
    # A baby known from her birth alone (her KN visits made, never weighed yet) is one of
    # the pair when a kader's app weighs her under another id.
    born_only = {birth["baby_id"]: birth for birth in await rt.store.find("births", Query.of(
        prefix=("desa_code", code), between=("born_on", since, "9999")))
        if birth.get("status") != "voided" and birth["baby_id"] not in seen}
    persons = await rt.store.get_many("persons", [*seen, *born_only])

    def recorded(person: dict[str, Any]) -> dict[str, Any]:
        history = seen.get(person["person_id"], [])
        # where she was last seen (or born), if she gave no RT/RW
        last = history[-1] if history else born_only[person["person_id"]]
        return {**person, "rt": person.get("rt") or last.get("rt"),
                "rw": person.get("rw") or last.get("rw"),
                "last_seen_on": last.get("screened_on") or last["born_on"],
                "visits": len(history)}
    pairs = [{"birth_date": one["birth_date"], "sex": one["sex"], "why": why,
              "records": [recorded(one), recorded(other)]}
             for one, other, why in likely_duplicates(persons.values())]
    await audit(rt, caller, "likely_duplicates",
                *(r["person_id"] for pair in pairs for r in pair["records"]))
    return pairs


@router.get("/pregnancies", response_model=list[PregnancyRow])
async def pregnancies(area_code: AreaCode, rt: RuntimeDep, caller: Caller
                      ) -> list[dict[str, Any]]:
    """Register Kohort Ibu: the women of the area pregnant now – those with an ANC contact
    recorded since their last delivery (recorded in any desa), up to 44 weeks – soonest due
    first."""
    return await _pregnancies(rt, caller, _area(caller, area_code))


@router.get("/pregnancies.{fmt}", response_class=Response)
async def pregnancies_sheet(fmt: Format, area_code: AreaCode, rt: RuntimeDep, caller: Caller,
                            excel: Excel = False) -> Response:
    """The same as a spreadsheet: `.xlsx`, or `.csv`."""
    code = _area(caller, area_code)
    rows = await _pregnancies(rt, caller, code)
    places = await place_names(rt, rows)
    return await sheet_download(
        ["nama", "umur", "kode_desa", "posyandu", "rw", "rt", "kontak_pertama",
         "kontak_terakhir", "jumlah_kontak", "kontak_t1", "kontak_t2", "kontak_t3",
         "k6_lengkap", "ttd_tablet", "status_t", "k", "usia_kehamilan_minggu", "hpht", "hpl",
         "kontak_berikutnya",
         "hb", "lila", "sistolik", "diastolik", "protein_urin", "risiko"],
        ([r["name"], r["age_years"], r["desa_code"], places.get(r["posyandu_id"]), r["rw"],
          r["rt"], r["first_contact_on"], r["last_contact_on"], r["contacts"],
          *r["contacts_by_trimester"], _yes(r["k6"]), r["iron_tablets"],
          None if r["tetanus_status"] is None else f"T{r['tetanus_status']}", r["anc_visit"],
          r["gestational_weeks_now"], r["last_period"], r["due_on"], r["next_contact_by"],
          *(r["latest"].get(k) for k in LATEST),
          _named_findings(r["risks"])] for r in rows),
        f"kohort-ibu-{code}", fmt, excel)


async def _pregnancies(rt: Runtime, caller: Caller, code: str) -> list[dict[str, Any]]:
    today = datetime.now(local_zone(code)).date()
    since = today - timedelta(weeks=LAST_WEEK)
    contacts = await rt.store.find("screenings", Query.of(
        prefix=("desa_code", code), between=("period", since.isoformat()[:7], "9999"),
        stage="ibu_hamil", status="active"))
    delivered: dict[str, date] = {}
    # Her delivery wherever it was recorded: many a mother gives birth in her own
    # mother's desa (pulang kampung), not where she had her ANC.
    for mothers in chunks(sorted({c["person_id"] for c in contacts})):
        for birth in await rt.store.find("births", Query.of(
                one_of=("mother_id", mothers), between=("born_on", since.isoformat(), "9999"))):
            if birth.get("status") != "voided":
                mother, born = birth["mother_id"], date.fromisoformat(birth["born_on"])
                delivered[mother] = max(born, delivered.get(mother, born))
    rows = [{**row, "age_years": row["age_months"] // 12,
             # a kader reads no one's mental-health results back (domain.disclosure)
             "risks": risks_shown(row["risks"]) if caller.kader_only else row["risks"]}
            for row in await _named(rt, pregnant_women(contacts, delivered, today), today)]
    await audit(rt, caller, "kohort_ibu", *(row["person_id"] for row in rows))
    return rows


async def _named(rt: Runtime, rows: list[dict[str, Any]], today: date
                 ) -> list[dict[str, Any]]:
    """Each row with its person's name, sex, birth date and age in months: only this
    service can name the people of a register."""
    named, persons = [], await rt.store.get_many("persons", {r["person_id"] for r in rows})
    for row in rows:
        if (person := persons.get(row["person_id"])) is not None:
            born = date.fromisoformat(person["birth_date"])
            named.append({**row, "name": person["name"], "sex": person["sex"],
                          "birth_date": born, "age_months": age_in_months(born, today)})
    return named
