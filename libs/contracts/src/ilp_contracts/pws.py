"""Events published by the PWS service."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from .envelope import Event

Colour = Literal["green", "yellow", "red", "grey"]


class IndicatorChanged(Event):
    """A desa's indicator changed colour for a month (e.g. turned red: the pustu follows
    up)."""

    SUBJECT: ClassVar[str] = "ilp.pws.indicator.changed.v1"

    desa_code: str
    period: str = Field(pattern=r"^\d{4}-\d{2}$")
    indicator_id: str
    indicator_name: str | None = Field(default=None, description="As the dashboard names "
                                       "it (Bahasa Indonesia): the PWS catalogue's")
    previous_colour: Colour
    colour: Colour
    pct: float | None = None

    @property
    def ce_subject(self) -> str:
        return f"{self.desa_code}/{self.indicator_id}"
