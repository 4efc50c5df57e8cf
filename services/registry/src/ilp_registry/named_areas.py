"""Wilayah a Dinkes's sheet names by name, not code: a facility list's *Desa* and
*Kecamatan* ("Rarang", "Kec. Sakra"), a sasaran table's *Desa/Kelurahan*. Each name is
looked up among the areas of the caller's wilayah – one found is its code; none, or
several (two kecamatan may each have a Sukamaju), is the row's problem, naming them."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ilp_contracts.registry import area_name_key
from ilp_contracts.text import _
from ilp_kit.auth import Principal
from ilp_kit.errors import UnprocessableError
from ilp_kit.store import Query, Reader

from .commands import facility_named
from .models import known_word

DESA_NAME, KECAMATAN_NAME = "desa_name", "kecamatan_name"
# A sasaran list by puskesmas ("Data Sasaran Puskesmas"): its kecamatan's
PUSKESMAS_NAME = "puskesmas_name"
NAMED = (DESA_NAME, KECAMATAN_NAME, PUSKESMAS_NAME)
# The field a kind's row gives its area in; a puskesmas lies in its kecamatan.
AREA_FIELD = {"facilities": "area_code", "targets": "area_code", "local_units": "desa_code"}


class AreaNames:
    """The areas of one level in the caller's wilayah by name, read once per import."""

    def __init__(self, reader: Reader, scope: Principal) -> None:
        self.reader, self.scope = reader, scope
        self._by_level: dict[str, dict[str, list[dict[str, Any]]]] = {}

    async def named(self, level: str, name: str, within: str | None = None
                    ) -> list[dict[str, Any]]:
        if level not in self._by_level:
            named = defaultdict(list)
            for area in await self.reader.find("areas", Query.of(level=level)):
                if self.scope.covers(area["code"]):
                    named[area_name_key(area["name"])].append(area)
            self._by_level[level] = named
        return [area for area in self._by_level[level].get(area_name_key(name), [])
                if within is None or area["code"].startswith(within + ".")]


_CODE = re.compile(r"[\d.\s]+")  # a Kemendagri code, dotted or not


async def with_area_named(names: AreaNames, kind: str, fields: dict[str, Any]
                          ) -> dict[str, Any]:
    """The row with the area its names give in its kind's area field – unless it gives
    a code there already – and the names taken out; a puskesmas's working area named by
    its desa ("Vim, Kota Baru"), their codes."""
    field = AREA_FIELD.get(kind)
    if field is None:
        return fields
    fields = await _located(names, kind, field, fields)
    if kind == "facilities" and isinstance(area := fields.get("working_area"), list):
        kecamatan = str(fields.get(field) or "")
        fields["working_area"] = [item if _CODE.fullmatch(str(item)) else
                                  await _desa_near(names, str(item), kecamatan)
                                  for item in area]
    return fields


async def _desa_near(names: AreaNames, name: str, kecamatan: str) -> str:
    """A desa of a puskesmas's working area by name: of its kecamatan where one has the
    name, else of the caller's wilayah (a desa of the next kecamatan may be nearer)."""
    within = kecamatan if kecamatan and await names.named("village", name, kecamatan) else None
    return str((await _one(names, "village", name, within, "working_area"))["code"])


async def _located(names: AreaNames, kind: str, field: str, fields: dict[str, Any]
                   ) -> dict[str, Any]:
    desa, kecamatan, puskesmas = (fields.pop(name, None) for name in NAMED)
    if fields.get(field) or not (desa or kecamatan or puskesmas):
        return fields
    if puskesmas and not (desa or kecamatan):
        return {**fields, field: await _kecamatan_served(names, str(puskesmas))}
    within = None
    if kecamatan:
        within = (await _one(names, "district", str(kecamatan), None, KECAMATAN_NAME))["code"]
    a_puskesmas = kind == "facilities" and known_word(fields.get("type")) == "puskesmas"
    if desa and not (a_puskesmas and within):
        village = await _one(names, "village", str(desa), within, DESA_NAME)
        return {**fields, field: village["parent_code"] if a_puskesmas else village["code"]}
    return {**fields, field: within}


async def _kecamatan_served(names: AreaNames, name: str) -> str:
    """The kecamatan a puskesmas (by its name or id) serves alone – a sasaran given per
    puskesmas is its kecamatan's. One of several in its kecamatan serves part of it, which
    no wilayah code names: refused, to give its sasaran per desa."""
    found = await facility_named(names.reader, name, PUSKESMAS_NAME, names.scope)
    if found["type"] != "puskesmas":
        raise UnprocessableError(PUSKESMAS_NAME, _("{name} is a {type}, not a puskesmas",
                                                   name=name, type=found["type"]),
                                 "not_a_puskesmas")
    others = [f["name"] for f in await names.reader.find("facilities", Query.of(
        area_code=found["area_code"], type="puskesmas")) if f["id"] != found["id"]
        and f.get("active", True)]
    if others:
        raise UnprocessableError(PUSKESMAS_NAME, _(
            "{name} shares kecamatan {code} with {others}: give its sasaran per desa",
            name=found["name"], code=found["area_code"], others=", ".join(sorted(others))),
            "puskesmas_shares_kecamatan")
    return str(found["area_code"])


async def _one(names: AreaNames, level: str, name: str, within: str | None, column: str
               ) -> dict[str, Any]:
    found = await names.named(level, name, within)
    if len(found) == 1:
        return found[0]
    what = _("kecamatan") if level == "district" else _("desa/kelurahan")
    if not found:
        raise UnprocessableError(column, _("no {what} named {name!r} in your wilayah",
                                           what=what, name=name), "unknown_area")
    which = ", ".join(f"{area['code']} ({area['name']})" for area in found[:5])
    raise UnprocessableError(column, _(
        "{count} {what} in your wilayah are named {name!r}: {which}; give its kecamatan "
        "or its code", count=len(found), what=what, name=name, which=which),
        "ambiguous_area")
