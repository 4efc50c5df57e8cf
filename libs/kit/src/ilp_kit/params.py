"""Query parameters every service's list endpoints share: paging, and the month (PWS's
period) – checked alike, so a typo is a 422 naming the parameter, never an empty list;
and the check every service endpoint makes that it reads each parameter it is given."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Query as Param, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from .errors import InvalidInput, unknown_name

Limit = Annotated[int, Param(ge=1, le=1000)]
Offset = Annotated[int, Param(ge=0, le=10_000_000)]
Period = Annotated[str, Param(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])]


async def known_query_parameters(request: Request) -> None:
    """Refuse a query parameter the endpoint does not read (`?area_code=` where it reads
    `desa_code`, `?periode=`): ignored, it would answer as if no filter had been asked –
    a whole wilayah's tasks, the current month – and nobody would notice. (`async`, though
    it awaits nothing: FastAPI runs a plain function in a worker thread, which measured
    ~0.15 ms of CPU a request.)"""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_names(route)
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in known]
    if unknown:
        raise InvalidInput([(("query", name), unknown_name(name, known, "parameter"),
                             "unknown_parameter") for name in unknown])


_KNOWN = "_ilp_query_names"  # a route's query parameter names, worked out once


def _query_names(route: APIRoute) -> frozenset[str]:
    names = getattr(route, _KNOWN, None)
    if names is None:
        names = frozenset(_read_by(route.dependant))
        setattr(route, _KNOWN, names)
    return names


def _read_by(dependant: Dependant) -> Iterator[str]:
    """The query parameters an endpoint reads, its dependencies' too."""
    yield from (param.alias for param in dependant.query_params)
    for dependency in dependant.dependencies:
        yield from _read_by(dependency)

