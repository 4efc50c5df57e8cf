"""Query parameters every service's list endpoints share: paging, and the month (PWS's
period) – checked alike, so a typo is a 422 naming the parameter, never an empty list."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query as Param

Limit = Annotated[int, Param(ge=1, le=1000)]
Offset = Annotated[int, Param(ge=0, le=10_000_000)]
Period = Annotated[str, Param(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])]
