"""PWS read API: indicators for any area and month (a desa or a roll-up), a table of an
area's children, a ranking of desa, 12-month trends, CSV export, live updates and the
dashboard page."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query as Param, Request
from fastapi.responses import FileResponse, Response
from ilp_contracts.wilayah import InvalidAreaCode, parse_area_code
from ilp_contracts.text import _, reason
from ilp_kit.auth import AccessToken, Caller, Principal, require, require_area
from ilp_kit.errors import NotFoundError, UnprocessableError
from ilp_kit.params import Period
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.settings import ServiceSettings
from ilp_kit.spreadsheet import Excel, Format, sheet_download
from ilp_kit.store import Query, Reader
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from .domain.indicators import (
    SPM,
    Indicator,
    IndicatorValue,
    area_targets,
    evaluate,
    load_catalogue,
    of_stage,
    progress,
    to_date,
    with_status,
)
from .handlers import target_docs
from .live import LIVE

# PWS figures are aggregates (no person appears), readable by every role but integrators,
# each within its wilayah: any `area_code` in the path or query is checked here once.
READERS = ("kader", "bidan", "perawat", "puskesmas_admin", "dinkes_admin", "operator")


async def _reader_in_scope(request: Request, caller: Caller) -> None:
    require(caller, *READERS)
    code = request.path_params.get("area_code") or request.query_params.get("area_code")
    if code is not None:
        require_area(caller, _code(code))


router = APIRouter(tags=["pws"], dependencies=[Depends(_reader_in_scope)])
pages = APIRouter(include_in_schema=False)
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
DASHBOARD = Path(__file__).resolve().parent / "dashboard.html"


@cache
def _catalogue(path: Path | None) -> tuple[Indicator, ...]:
    return load_catalogue(path).indicators


def catalogue_for(settings: ServiceSettings) -> tuple[Indicator, ...]:
    return _catalogue(settings.pws_catalogue)


class IndicatorOut(BaseModel):
    id: str
    name: str
    numerator: int
    denominator: int | None
    pct: float | None
    target_pct: float
    colour: str
    previous_pct: float | None = Field(default=None, description="Last month's value")
    month_pct: float | None = Field(
        default=None, description="What the month itself achieved (PWS: cakupan bulan "
        "ini): for a coverage counted from January, the share of the yearly sasaran "
        "reached in this month; otherwise the value")
    previous_month_pct: float | None = Field(default=None,
                                             description="The same for last month")
    trend: Literal["naik", "turun", "tetap"] | None = Field(
        default=None, description="This month's achievement against last month's")
    status: Literal["baik", "kurang", "cukup", "jelek"] | None = Field(
        default=None, description="PWS status (Pedoman PWS KIA): baik on target and "
        "improving, kurang on target but worsening, cukup short of it but improving, "
        "jelek short of it and worsening (a month like the last: baik on target, jelek "
        "short of it); improving is a coverage rising or a prevalence falling")
    targets_missing: int = Field(default=0, description="desa of the area without this "
                                 "indicator's sasaran: coverage reads too high until set")
    period: str = Field(default="month", description='"year_to_date": persons counted '
                        "once a year from January (kumulatif); the target is the share of "
                        "the yearly target due by this month")


class AreaIndicators(BaseModel):
    area_code: str
    area_name: str
    level: str
    period: str
    indicators: list[IndicatorOut]


class AreaTable(BaseModel):
    area: AreaIndicators
    rows: list[AreaIndicators]


def _code(raw: str) -> str:
    try:
        return parse_area_code(raw).code
    except InvalidAreaCode as exc:
        raise UnprocessableError(("path", "area_code"), reason(exc), "invalid_area_code") from exc


def _month(period: str) -> int:
    return int(period[5:])


def previous_period(period: str, months: int = 1) -> str:
    year, month = int(period[:4]), int(period[5:])
    index = year * 12 + month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def _area(reader: Reader, code: str) -> dict[str, Any]:
    area = await reader.get("areas", code)
    if area is None:
        raise NotFoundError(_("area {id}", id=code))
    return area


async def _counts_by_desa(reader: Reader, prefix: str, period: str,
                          years: dict[str, dict[str, dict[str, Any]]] | None = None
                          ) -> dict[str, Counter[str]]:
    """Each desa's counts as of a month (`to_date`): its month and its year, two reads
    whatever the month. `years`: the year documents already read (a trend's months)."""
    months = {doc["desa_code"]: doc["counts"] for doc in await reader.find(
        "desa_months", Query.of(prefix=("desa_code", prefix), period=period))}
    years = {} if years is None else years
    if period[:4] not in years:
        years[period[:4]] = {doc["desa_code"]: doc["to_date"] for doc in await reader.find(
            "desa_years", Query.of(prefix=("desa_code", prefix), year=period[:4]))}
    year = years[period[:4]]
    return {desa: to_date(months.get(desa, {}), year.get(desa, {}), period)
            for desa in months.keys() | year.keys()}


async def _desa_codes(reader: Reader, prefix: str) -> list[str]:
    """Every desa/kelurahan code under an area (or the area itself, if one)."""
    docs = await reader.find("areas", Query.of(prefix=("code", prefix), level="village",
                                               limit=None))
    return [doc["code"] for doc in docs]


def _under(codes: list[str], prefix: str) -> list[str]:
    return [code for code in codes if code == prefix or code.startswith(prefix + ".")]


async def _targets(reader: Reader, code: str, year: int, desa: list[str]
                   ) -> tuple[Counter[str], Counter[str]]:
    """An area's sasaran per group, and per group how many of `desa` have none set."""
    return area_targets(await target_docs(reader, code, year), code, desa)


async def _targets_by_year(reader: Reader, code: str, months: tuple[str, ...], desa: list[str]
                           ) -> dict[int, tuple[Counter[str], Counter[str]]]:
    """`_targets` for each year the months fall in: read once for months of one year."""
    return {year: await _targets(reader, code, year, desa)
            for year in {int(month[:4]) for month in months}}


def _sum(counts: dict[str, Counter[str]], prefix: str) -> Counter[str]:
    total: Counter[str] = Counter()
    for desa, desa_counts in counts.items():
        if desa.startswith(prefix):
            total.update(desa_counts)
    return total


def _row(catalogue: tuple[Indicator, ...], period: str, code: str, name: str, level: str,
         values: tuple[list[IndicatorValue], ...]) -> dict[str, Any]:
    """An area's row: its indicators this month, with their trend and PWS status read from
    `values` of this month, last month and the month before."""
    return {"area_code": code, "area_name": name, "level": level, "period": period,
            "indicators": with_status(catalogue, values, _month(period))}


def _three_months(period: str) -> tuple[str, str, str]:
    """A month, the one before and the one before that: what its trend and PWS status
    are read from (an accruing coverage's month is its gain on the month before)."""
    return period, previous_period(period), previous_period(period, 2)


async def _indicators(rt: Runtime, area: dict[str, Any], period: str) -> dict[str, Any]:
    catalogue, code = catalogue_for(rt.settings), area["code"]
    desa = await _desa_codes(rt.store, code)
    years: dict[str, dict[str, dict[str, Any]]] = {}  # months of one year share its document
    months = _three_months(period)
    sasaran = await _targets_by_year(rt.store, code, months, desa)
    values = []
    for month in months:
        targets, missing = sasaran[int(month[:4])]
        counts = _sum(await _counts_by_desa(rt.store, code, month, years), code)
        values.append(evaluate(counts, targets, catalogue, missing, _month(month)))
    return _row(catalogue, period, code, area["name"], area["level"], tuple(values))


@router.get("/areas/{area_code}/indicators", response_model=AreaIndicators)
async def area_indicators(area_code: str, period: Period, rt: RuntimeDep) -> dict[str, Any]:
    """Indicators of a desa, or summed over every desa below a kecamatan, kab/kota or
    province, with last month's value for the trend."""
    return await _indicators(rt, await _area(rt.store, _code(area_code)), period)


async def _table(rt: Runtime, code: str, period: str) -> dict[str, Any]:
    """The area and one row per child area (desa of a kecamatan, kecamatan of a kota…),
    each with its trend and PWS status: a few queries a month whatever the size of the
    area."""
    catalogue, months = catalogue_for(rt.settings), _three_months(period)
    area = await _area(rt.store, code)
    years: dict[str, dict[str, dict[str, Any]]] = {}
    counts = [await _counts_by_desa(rt.store, code, month, years) for month in months]
    if area["level"] == "village":
        return await _posyandu_table(rt, area, counts, months)
    children = await rt.store.find("areas", Query.of(parent_code=code, limit=2000))
    targets = {year: await target_docs(rt.store, code, year)
               for year in {int(month[:4]) for month in months}}
    desa = await _desa_codes(rt.store, code)

    def row(child: dict[str, Any]) -> dict[str, Any]:
        under = _under(desa, child["code"])
        # summed up the hierarchy once a year, not once a month (the table's costliest part)
        sasaran = {year: area_targets(docs, child["code"], under)
                   for year, docs in targets.items()}

        def of_month(month: str, by_desa: dict[str, Counter[str]]) -> list[IndicatorValue]:
            totals, missing = sasaran[int(month[:4])]
            return evaluate(_sum(by_desa, child["code"]), totals, catalogue, missing,
                            _month(month))
        values = tuple(of_month(month, by_desa)
                       for month, by_desa in zip(months, counts, strict=True))
        return _row(catalogue, period, child["code"], child["name"], child["level"], values)

    return {"area": row(area), "rows": [row(child) for child in children]}


async def _posyandu_table(rt: Runtime, area: dict[str, Any], counts: list[dict[str, Counter[str]]],
                          months: tuple[str, str, str]) -> dict[str, Any]:
    """Below a desa: one row per posyandu (RW/dusun), and one for its pustu, where
    screenings are made too. Sasaran exist per desa only, so coverage shows at desa level
    and prevalences per posyandu."""
    catalogue, code, period = catalogue_for(rt.settings), area["code"], months[0]
    posyandu = await rt.store.find("posyandu", Query.of(desa_code=code, limit=500))
    desa_values, posyandu_values = [], []
    years: dict[str, dict[str, Any]] = {}  # months of one year share its documents
    sasaran = await _targets_by_year(rt.store, code, months, [code])
    for month, by_desa in zip(months, counts, strict=True):
        targets, missing = sasaran[int(month[:4])]
        desa_values.append(evaluate(by_desa.get(code, Counter()), targets, catalogue, missing,
                                    _month(month)))
        month_docs = {doc["posyandu_id"]: doc["counts"] for doc in await rt.store.find(
            "posyandu_months", Query.of(desa_code=code, period=month, limit=500))}
        if month[:4] not in years:
            years[month[:4]] = {doc["posyandu_id"]: doc["to_date"] for doc in await rt.store.find(
                "posyandu_years", Query.of(desa_code=code, year=month[:4], limit=500))}
        year_docs = years[month[:4]]
        posyandu_values.append({p["code"]: evaluate(
            to_date(month_docs.get(p["code"], {}), year_docs.get(p["code"], {}), month), {},
            catalogue, month=_month(month)) for p in posyandu})

    return {"area": _row(catalogue, period, code, area["name"], "village", tuple(desa_values)),
            "rows": [_row(catalogue, period, p["code"], f"{p['name']} ({p['rw']})" if p.get("rw") else p["name"],
                         p.get("type", "posyandu"),
                         tuple(values[p["code"]] for values in posyandu_values))
                     for p in posyandu]}


@router.get("/areas/{area_code}/table", response_model=AreaTable)
async def area_table(area_code: str, period: Period, rt: RuntimeDep) -> dict[str, Any]:
    return await _table(rt, _code(area_code), period)


@router.get("/areas/{area_code}/table.{fmt}", response_class=Response)
async def area_table_sheet(area_code: str, fmt: Format, period: Period, rt: RuntimeDep,
                           excel: Excel = False, life_cycle: LifeCycle = None) -> Response:
    """The table as a spreadsheet (`.xlsx` or `.csv`), one line per area and
    indicator – of one stage, or the SPM's (the Dinkes's yearly report), if asked."""
    shown = _of_stage(rt, life_cycle)
    return await _as_sheet(_showing(await _table(rt, _code(area_code), period), shown),
                           period, fmt, excel)


@router.get("/puskesmas/{puskesmas_id}/table.{fmt}", response_class=Response)
async def puskesmas_table_sheet(puskesmas_id: str, fmt: Format, period: Period,
                                rt: RuntimeDep, caller: Caller, excel: Excel = False,
                                life_cycle: LifeCycle = None) -> Response:
    """A puskesmas's table as a spreadsheet, as an area's."""
    shown = _of_stage(rt, life_cycle)
    return await _as_sheet(_showing(await puskesmas_table(puskesmas_id, period, rt, caller),
                                    shown), period, fmt, excel)


def _showing(table: dict[str, Any], shown: list[str]) -> dict[str, Any]:
    """The table with the indicators `shown` only, in their order."""
    def pick(row: dict[str, Any]) -> dict[str, Any]:
        by_id = {ind["id"]: ind for ind in row["indicators"]}
        return {**row, "indicators": [by_id[i] for i in shown if i in by_id]}
    return {"area": pick(table["area"]), "rows": [pick(row) for row in table["rows"]]}


async def _as_sheet(table: dict[str, Any], period: str, fmt: Format, excel: bool
                    ) -> Response:
    return await sheet_download(
        ["kode_wilayah", "nama_wilayah", "periode", "indikator", "nama_indikator",
         "pembilang", "penyebut", "persen", "target_persen", "warna", "desa_tanpa_sasaran",
         "persen_bulan_ini", "persen_bulan_lalu", "tren", "status_pws"],
        ([row["area_code"], row["area_name"], period, ind["id"], ind["name"],
          ind["numerator"], ind["denominator"], ind["pct"], ind["target_pct"], ind["colour"],
          ind.get("targets_missing", 0), ind["month_pct"], ind["previous_month_pct"],
          ind["trend"], ind["status"]]
         for row in [table["area"], *table["rows"]] for ind in row["indicators"]),
        f"pws-{table['area']['area_code']}-{period}", fmt, excel)


@router.get("/puskesmas/{puskesmas_id}/table", response_model=AreaTable)
async def puskesmas_table(puskesmas_id: str, period: Period, rt: RuntimeDep,
                          caller: Caller) -> dict[str, Any]:
    """A puskesmas working area: its total and one row per desa it serves (which may
    cross kecamatan borders) – without a working area registered, the desa of the pustu
    and posyandu that come under it."""
    catalogue, months = catalogue_for(rt.settings), _three_months(period)
    puskesmas = await _puskesmas(rt, puskesmas_id, caller)
    desa = await _desa_values(rt, await _served(rt, puskesmas), months)
    wholes = []
    for n, month in enumerate(months):
        total: list[Counter[str]] = [Counter(), Counter(), Counter()]
        for _code, values in desa:
            for sums, part in zip(total, values[n][1], strict=True):
                sums.update(part)
        wholes.append(evaluate(total[0], total[1], catalogue, total[2], _month(month)))
    return {"area": _row(catalogue, period, puskesmas_id, puskesmas["name"], "puskesmas",
                         tuple(wholes)),
            "rows": [_row(catalogue, period, v["code"], v["name"], "village",
                          tuple(value for value, _counts in values)) for v, values in desa]}


DesaMonth = tuple[list[IndicatorValue], tuple[Counter[str], Counter[str], Counter[str]]]


async def _desa_values(rt: Runtime, codes: list[str], months: tuple[str, ...]
                       ) -> list[tuple[dict[str, Any], list[DesaMonth]]]:
    """Each desa (its area document) and, for each of the `months`, its indicators and
    what they were read from (counts, sasaran, groups without sasaran) for a total over
    them – the desa, its year's counts and sasaran read once for months of one year."""
    catalogue, found = catalogue_for(rt.settings), []
    for code in codes:
        desa = await rt.store.get("areas", code) or {"code": code, "name": code}
        years: dict[str, dict[str, dict[str, Any]]] = {}
        targets = await _targets_by_year(rt.store, code, months, [code])
        per_month: list[DesaMonth] = []
        for month in months:
            counts = _sum(await _counts_by_desa(rt.store, code, month, years), code)
            sasaran, missing = targets[int(month[:4])]
            per_month.append((evaluate(counts, sasaran, catalogue, missing, _month(month)),
                              (counts, sasaran, missing)))
        found.append((desa, per_month))
    return found


async def _puskesmas(rt: Runtime, puskesmas_id: str, caller: Principal) -> dict[str, Any]:
    """A puskesmas its admin may read, or one in the caller's wilayah."""
    puskesmas = await rt.store.get("puskesmas", puskesmas_id)
    if puskesmas_id not in caller.facilities:
        require_area(caller, puskesmas.get("kecamatan") if puskesmas else None,
                     f"puskesmas {puskesmas_id}")
    if puskesmas is None:
        raise NotFoundError(_("puskesmas {id}", id=puskesmas_id))
    return puskesmas


async def _served(rt: Runtime, puskesmas: dict[str, Any]) -> list[str]:
    """The desa a puskesmas serves: its working area; without one, those under it and –
    the only puskesmas of its kecamatan (Permenkes 43/2019) – every desa of the
    kecamatan."""
    if puskesmas["working_area"]:
        return list(puskesmas["working_area"])
    under = await _desa_under(rt.store, puskesmas["code"])
    open_there = [p for p in await rt.store.find("puskesmas", Query.of(
        kecamatan=puskesmas["kecamatan"])) if p.get("active", True)]
    if [p["code"] for p in open_there] != [puskesmas["code"]]:
        return under
    kecamatan = await rt.store.find("areas", Query.of(parent_code=puskesmas["kecamatan"],
                                                      limit=None))
    return sorted({*under, *(area["code"] for area in kecamatan)})


async def _desa_under(reader: Reader, puskesmas_id: str) -> list[str]:
    """The desa of the places that come under a puskesmas: its pustu and posyandu, and the
    posyandu under those pustu (as notify finds the puskesmas of a desa)."""
    under = await reader.find("posyandu", Query.of(parent_facility_id=puskesmas_id,
                                                   limit=2000))
    for pustu in [p["code"] for p in under if p.get("type") == "pustu"]:
        under += await reader.find("posyandu", Query.of(parent_facility_id=pustu, limit=500))
    return sorted({p["desa_code"] for p in under})


class RankedDesa(BaseModel):
    area_code: str
    area_name: str
    red: int
    yellow: int
    red_indicators: list[str]
    # Coverage indicators that cannot be read here yet: the desa has no sasaran for them.
    no_target_indicators: list[str] = []
    jelek: int = Field(default=0, description="Indicators whose PWS status is jelek: short "
                       "of the target and worse than last month")


LifeCycle = Annotated[str | None, Param(description="One life-cycle stage's indicators "
                                        "only (the catalogue's `life_cycle`), or `spm`: "
                                        "those of the SPM's services, in its order")]


@router.get("/areas/{area_code}/ranking", response_model=list[RankedDesa])
async def ranking(area_code: str, period: Period, rt: RuntimeDep,
                  limit: Annotated[int, Param(ge=1, le=500)] = 10,
                  life_cycle: LifeCycle = None) -> list[dict[str, Any]]:
    """Desa that need attention first: most red indicators, then most yellow."""
    counted = set(_of_stage(rt, life_cycle))
    code = _code(area_code)
    # Every desa below (a province has up to ~8,600): a ranking of some is a wrong one.
    desa = await rt.store.find("areas", Query.of(prefix=("code", code), level="village"))
    catalogue, months = catalogue_for(rt.settings), _three_months(period)
    years: dict[str, dict[str, dict[str, Any]]] = {}
    counts = [await _counts_by_desa(rt.store, code, month, years) for month in months]
    targets = {year: await target_docs(rt.store, code, year)  # one query a year for all desa
               for year in {int(month[:4]) for month in months}}

    def values(village: str, n: int) -> list[IndicatorValue]:  # month n of the three
        sasaran, missing = area_targets(targets[int(months[n][:4])], village, [village])
        return evaluate(counts[n].get(village, Counter()), sasaran, catalogue, missing,
                        _month(months[n]))

    first = _rank([(village, values(village["code"], 0)) for village in desa], counted)[:limit]
    return _with_jelek(first, lambda code: tuple(values(code, n) for n in range(3)), counted,
                       catalogue, _month(period))


@router.get("/puskesmas/{puskesmas_id}/ranking", response_model=list[RankedDesa])
async def puskesmas_ranking(puskesmas_id: str, period: Period, rt: RuntimeDep,
                            caller: Caller, limit: Annotated[int, Param(ge=1, le=500)] = 10,
                            life_cycle: LifeCycle = None) -> list[dict[str, Any]]:
    """The desa of a puskesmas's working area that need attention first."""
    counted, catalogue = set(_of_stage(rt, life_cycle)), catalogue_for(rt.settings)
    served = await _served(rt, await _puskesmas(rt, puskesmas_id, caller))
    desa = await _desa_values(rt, served, _three_months(period))
    by_code = {village["code"]: tuple(value for value, _counts in values) for village, values in desa}
    first = _rank([(village, values[0][0]) for village, values in desa], counted)[:limit]
    return _with_jelek(first, by_code.__getitem__, counted, catalogue, _month(period))


def _of_stage(rt: Runtime, life_cycle: str | None) -> list[str]:
    """The indicators a ranking counts or a sheet lists: every one, or one life-cycle
    stage's, or the SPM's in its order."""
    catalogue = catalogue_for(rt.settings)
    chosen = of_stage(catalogue, life_cycle)
    if not chosen:
        stages = sorted({i.life_cycle for i in catalogue} |
                        ({SPM} if any(i.spm for i in catalogue) else set()))
        raise UnprocessableError(("query", "life_cycle"), _(
            "no indicator of life cycle {given!r}; known: {known}", given=life_cycle,
            known=", ".join(stages)), "unknown_life_cycle")
    return [i.id for i in chosen]


def _rank(desa: list[tuple[dict[str, Any], list[IndicatorValue]]], counted: set[str]
          ) -> list[dict[str, Any]]:
    """Most red indicators first, then most yellow (of the `counted` indicators)."""
    ranked = []
    for village, all_values in desa:
        values = [v for v in all_values if v.id in counted]
        reds = [v.id for v in values if v.colour == "red"]
        ranked.append({"area_code": village["code"], "area_name": village["name"],
                       "red": len(reds), "yellow": sum(v.colour == "yellow" for v in values),
                       "red_indicators": reds,
                       "no_target_indicators": [v.id for v in values if v.targets_missing]})
    return sorted(ranked, key=lambda r: (-r["red"], -r["yellow"], r["area_code"]))


def _with_jelek(ranked: list[dict[str, Any]],
                months_of: Callable[[str], tuple[list[IndicatorValue], ...]],
                counted: set[str], catalogue: tuple[Indicator, ...], month: int
                ) -> list[dict[str, Any]]:
    """The desa ranked, each with how many of its `counted` indicators are jelek – read
    from three months, so only for those shown (a province ranks ~8,600 desa)."""
    for row in ranked:
        found = progress(catalogue, months_of(row["area_code"]), month)
        row["jelek"] = sum(progress_of[-1] == "jelek" for ind, progress_of
                           in zip(catalogue, found, strict=True) if ind.id in counted)
    return ranked


class SilentPlace(BaseModel):
    code: str
    name: str
    type: str = Field(description="posyandu or pustu")
    desa_code: str
    desa_name: str


class Reporting(BaseModel):
    period: str
    places: int = Field(description="Open posyandu and pustu of the area")
    reporting: int = Field(description="Of them, those with a screening counted this month")
    silent: list[SilentPlace] = Field(description="Those without, by desa (kelengkapan "
                                      "laporan: no data is not no problem)")


@router.get("/areas/{area_code}/reporting", response_model=Reporting)
async def area_reporting(area_code: str, period: Period, rt: RuntimeDep) -> dict[str, Any]:
    """Which posyandu and pustu of the area have data for the month, and which not yet."""
    return await _reporting(rt, [_code(area_code)], period)


@router.get("/puskesmas/{puskesmas_id}/reporting", response_model=Reporting)
async def puskesmas_reporting(puskesmas_id: str, period: Period, rt: RuntimeDep,
                              caller: Caller) -> dict[str, Any]:
    """The same for the desa of a puskesmas's working area."""
    served = await _served(rt, await _puskesmas(rt, puskesmas_id, caller))
    return await _reporting(rt, served, period)


async def _reporting(rt: Runtime, areas: list[str], period: str) -> dict[str, Any]:
    """The open places under the areas, and those none of whose screenings this month was
    counted (a place is open unless the registry closed it)."""
    places, counted = [], set()
    for code in areas:
        places += [p for p in await rt.store.find("posyandu", Query.of(
            prefix=("desa_code", code))) if p.get("active", True)]
        counted |= {doc["posyandu_id"] for doc in await rt.store.find(
            "posyandu_months", Query.of(prefix=("desa_code", code), period=period))
            if any(n > 0 for flag, n in doc["counts"].items() if flag.endswith("_screened"))}
    silent = sorted((p for p in places if p["code"] not in counted),
                    key=lambda p: (p["desa_code"], p["name"]))
    names = {d: ((await rt.store.get("areas", d)) or {}).get("name", d)
             for d in {p["desa_code"] for p in silent}}
    return {"period": period, "places": len(places), "reporting": len(places) - len(silent),
            "silent": [{"code": p["code"], "name": p["name"], "type": p.get("type", "posyandu"),
                        "desa_code": p["desa_code"], "desa_name": names[p["desa_code"]]}
                       for p in silent]}


class TrendPoint(BaseModel):
    period: str
    pct: float | None
    numerator: int
    denominator: int | None
    target_pct: float = Field(description="that month's target (a to-date one grows)")
    targets_missing: int = Field(default=0, description="desa of the area without this "
                                 "indicator's sasaran for that year")


@router.get("/areas/{area_code}/trend", response_model=dict[str, list[TrendPoint]])
async def trend(area_code: str, period: Period, rt: RuntimeDep,
                months: Annotated[int, Param(ge=2, le=36)] = 12) -> dict[str, Any]:
    """Per indicator, the last `months` months up to `period` (oldest first)."""
    code = _code(area_code)
    await _area(rt.store, code)
    return await _trend(rt, [(code, await _desa_codes(rt.store, code))], period, months)


@router.get("/puskesmas/{puskesmas_id}/trend", response_model=dict[str, list[TrendPoint]])
async def puskesmas_trend(puskesmas_id: str, period: Period, rt: RuntimeDep, caller: Caller,
                          months: Annotated[int, Param(ge=2, le=36)] = 12) -> dict[str, Any]:
    """As an area's, over the desa of a puskesmas's working area together."""
    served = await _served(rt, await _puskesmas(rt, puskesmas_id, caller))
    return await _trend(rt, [(code, [code]) for code in served], period, months)


async def _trend(rt: Runtime, places: list[tuple[str, list[str]]], period: str, months: int
                 ) -> dict[str, Any]:
    """`places`: (code, the desa under it) summed together – an area, or a puskesmas's
    desa."""
    catalogue = catalogue_for(rt.settings)
    series: dict[str, list[dict[str, Any]]] = {ind.id: [] for ind in catalogue}
    yearly: dict[int, tuple[Counter[str], Counter[str]]] = {}
    years: dict[str, dict[str, dict[str, dict[str, Any]]]] = {code: {} for code, _name in places}
    for back in range(months - 1, -1, -1):
        month = previous_period(period, back)
        counts: Counter[str] = Counter()
        for code, _name in places:
            counts.update(_sum(await _counts_by_desa(rt.store, code, month, years[code]), code))
        year = int(month[:4])
        if year not in yearly:  # sasaran are per year: a 12-month trend spans two at most
            yearly[year] = (Counter(), Counter())
            for code, desa in places:
                for sums, part in zip(yearly[year], await _targets(rt.store, code, year, desa),
                                      strict=True):
                    sums.update(part)
        targets, missing = yearly[year]
        for value in evaluate(counts, targets, catalogue, missing, _month(month)):
            series[value.id].append({"period": month, "pct": value.pct,
                                     "numerator": value.numerator,
                                     "denominator": value.denominator,
                                     "target_pct": value.target_pct,
                                     "targets_missing": value.targets_missing})
    return series


class AreaOut(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None


@router.get("/areas", response_model=list[AreaOut])
async def list_areas(rt: RuntimeDep, caller: Caller, parent: str | None = None,
                     level: str | None = None) -> list[dict[str, Any]]:
    """The area tree as PWS knows it, as far as the caller may look (for choosing what
    to look at): a kota's admin is offered her province and her kota, not the others."""
    where: dict[str, Any] = {"parent_code": _code(parent)} if parent else {}
    if level:
        where["level"] = level
    if caller.unrestricted or "*" in caller.wilayah:
        return await rt.store.find("areas", Query.of(limit=2000, order_by="name", **where))
    # Her branch, asked of the store as such: filtering the first 2,000 of the whole
    # country left a desa admin nothing to choose once her desa sorted later.
    branch: dict[str, dict[str, Any]] = {}
    for code in caller.wilayah:
        wider = [code[:end] for end in range(len(code)) if code[end] == "."]
        found = await rt.store.find("areas", Query.of(prefix=("code", code), limit=2000,
                                                      **where))
        found += [area for above in wider if (area := await rt.store.get("areas", above))
                  and all(area.get(k) == v for k, v in where.items())]
        branch |= {area["code"]: area for area in found if caller.sees(area["code"])}
    return sorted(branch.values(), key=lambda area: area["name"])


@router.get("/catalogue", response_model=list[Indicator])
async def catalogue(rt: RuntimeDep) -> tuple[Indicator, ...]:
    return catalogue_for(rt.settings)


@router.get("/live")
async def live(rt: RuntimeDep, caller: Caller, area_code: str | None = None,
               puskesmas: str | None = None, access_token: AccessToken = None
               ) -> EventSourceResponse:
    """Server-sent events: `update` with {desa_code, period} whenever counts below the
    area change – or in a puskesmas's desa (`puskesmas=`, as its table) –, so an open
    dashboard refreshes within a second. (`access_token` is read by the authentication
    every endpoint has; declared here, where it is allowed, to be documented and known.)"""
    if puskesmas:
        ready, watched = puskesmas, await _served(rt, await _puskesmas(rt, puskesmas, caller))
    elif area_code:
        ready = _code(area_code)
        watched = [ready]
    else:
        raise UnprocessableError(("query", "area_code"), _("give area_code or puskesmas"),
                                 "missing")
    entry = LIVE.listen(*watched)

    async def events() -> AsyncIterator[dict[str, str]]:
        try:
            yield {"event": "ready", "data": ready}
            while True:
                desa_code, period = await entry[1].get()
                await asyncio.sleep(0.2)  # coalesce a burst into one refresh
                while not entry[1].empty():
                    entry[1].get_nowait()
                yield {"event": "update", "data": f'{{"desa_code": "{desa_code}", '
                                                  f'"period": "{period}"}}'}
        finally:
            LIVE.stop(entry)

    return EventSourceResponse(events(), ping=15)


@pages.get("/dashboard")
async def dashboard() -> FileResponse:
    return FileResponse(DASHBOARD, media_type="text/html")


@pages.get("/dashboard/sign-in")
async def dashboard_sign_in(rt: RuntimeDep) -> dict[str, str]:
    """Where the dashboard signs its user in: the OIDC issuer and the dashboard's public
    client in production; nothing in the embedded platform, whose tokens come in the
    link (`./ilp up`, `./ilp token`)."""
    settings = rt.settings
    if settings.auth_mode != "oidc":
        return {}
    return {"issuer": settings.oidc_issuer.rstrip("/"), "client_id": settings.oidc_dashboard_client}
