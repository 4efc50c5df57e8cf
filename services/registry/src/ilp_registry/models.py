"""Request and response bodies of the registry API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from ilp_contracts.registry import AreaLevel, FacilityType, TargetGroup, WorkerRole


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AreaIn(_Body):
    code: str = Field(examples=["33.73.04.1001"], description="Kemendagri code, dotted or not")
    name: str = Field(min_length=1, max_length=200)


class Area(BaseModel):
    code: str
    name: str
    level: AreaLevel
    parent_code: str | None


class FacilityIn(_Body):
    id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$",
                           description="Opaque id (e.g. SATUSEHAT); generated if absent")
    type: FacilityType
    name: str = Field(min_length=1, max_length=200)
    area_code: str = Field(description="Kecamatan for a puskesmas; desa/kelurahan otherwise")
    rw: str | None = Field(default=None, max_length=40, description="RW/dusun of a posyandu")
    parent_facility_id: str | None = None
    working_area: list[str] = Field(default_factory=list, max_length=200,
                                    description="Puskesmas: desa/kelurahan codes it serves")


class Facility(BaseModel):
    id: str
    type: FacilityType
    name: str
    area_code: str
    rw: str | None
    parent_facility_id: str | None
    working_area: list[str] = []
    active: bool = True


class WorkerIn(_Body):
    id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    name: str = Field(min_length=1, max_length=200)
    role: WorkerRole
    facility_id: str
    email: str | None = Field(default=None, max_length=200,
                              pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                              description="For notices of new home-visit tasks")
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9]{8,15}$",
                              description="For SMS/WhatsApp notices, e.g. +6281234567890")


class Worker(BaseModel):
    id: str
    name: str
    role: WorkerRole
    facility_id: str
    area_code: str
    email: str | None = None
    phone: str | None = None
    active: bool = True


class TargetIn(_Body):
    area_code: str
    year: int = Field(ge=2000, le=2100)
    group: TargetGroup
    count: int = Field(ge=0, le=10_000_000)


class Target(BaseModel):
    area_code: str
    year: int
    group: TargetGroup
    count: int
