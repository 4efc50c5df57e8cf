"""PWS read API: indicator values for any area (desa or a roll-up) and month."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query as Param
from ilp_contracts.wilayah import InvalidAreaCode, parse_area_code
from ilp_kit.errors import NotFoundError, UnprocessableError
from ilp_kit.service import Runtime, runtime_of
from ilp_kit.store import Query
from pydantic import BaseModel

from .domain.indicators import evaluate

router = APIRouter(tags=["pws"])
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
Period = Annotated[str, Param(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])]


class IndicatorOut(BaseModel):
    id: str
    name: str
    numerator: int
    denominator: int | None
    pct: float | None
    target_pct: float
    colour: str


class AreaIndicators(BaseModel):
    area_code: str
    area_name: str
    level: str
    period: str
    counts: dict[str, int]
    indicators: list[IndicatorOut]


@router.get("/areas/{area_code}/indicators", response_model=AreaIndicators)
async def area_indicators(area_code: str, period: Period, rt: RuntimeDep) -> dict:
    """Indicators of a desa, or the sum over every desa below a kecamatan/kab/province."""
    try:
        code = parse_area_code(area_code).code
    except InvalidAreaCode as exc:
        raise UnprocessableError(("path", "area_code"), str(exc), "invalid_area_code") from exc
    area = await rt.store.get("areas", code)
    if area is None:
        raise NotFoundError(f"area {area_code}")
    counts: Counter[str] = Counter()
    for doc in await rt.store.find("desa_months", Query.of(prefix=("desa_code", code),
                                                           period=period)):
        counts.update(doc["counts"])
    targets: Counter[str] = Counter()
    for doc in await rt.store.find("targets", Query.of(prefix=("area_code", code),
                                                       year=int(period[:4]))):
        if doc["area_code"].count(".") == 3:  # village targets only: no double counting
            targets[doc["group"]] += doc["count"]
    return {"area_code": code, "area_name": area["name"], "level": area["level"],
            "period": period, "counts": dict(counts),
            "indicators": [asdict(v) for v in evaluate(counts, targets)]}
