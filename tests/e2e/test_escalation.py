"""Overdue home-visit tasks escalate kader → bidan on the running platform, once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from ilp_platform.embedded import Platform

from .helpers import eventually, free_port_block

DESA = "33.73.04.2004"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("escalation"), ports, ports + 1, ports + 2,
                        extra_env={"ILP_ESCALATION_INTERVAL_S": "0.5"})
    platform.start()
    yield platform
    platform.stop()


def test_an_overdue_kader_task_goes_to_the_bidan(platform: Platform) -> None:
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    for body in ({"code": "33.73.04", "name": "Sidorejo"}, {"code": DESA, "name": "Desa X"}):
        registry.post("/areas", json=body).raise_for_status()
    for body in ({"id": "psy-x", "type": "posyandu", "name": "Posyandu X", "area_code": DESA},
                 {"id": "pustu-x", "type": "pustu", "name": "Pustu X", "area_code": DESA}):
        registry.post("/facilities", json=body).raise_for_status()
    for body in ({"id": "kader-x", "name": "Kader", "role": "kader", "facility_id": "psy-x"},
                 {"id": "bidan-x", "name": "Bidan", "role": "bidan", "facility_id": "pustu-x"}):
        registry.post("/workers", json=body).raise_for_status()
    screening = httpx.Client(base_url=platform.base_url_of("screening"), timeout=10)
    body = {"person": {"nik": "3373041011240009", "name": "Anak", "sex": "M",
                       "birth_date": "2024-11-10"},
            "posyandu_id": "psy-x", "screened_on": "2026-10-01",  # due a week later: overdue
            "measurements": {"weight_kg": 9.4, "height_cm": 79.0, "measured_lying": True}}
    eventually(lambda: screening.post("/screenings", json=body, headers={
        "Idempotency-Key": str(uuid.uuid4())}).status_code == 201)
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    [task] = eventually(lambda: notify.get("/tasks", params={"assignee_id": "bidan-x"}).json())
    assert (task["role"], task["escalation_level"]) == ("bidan", 1)  # was the kader's, level 0
    assert task["reason"] == "masalah_gizi_balita"
    assert notify.get("/tasks", params={"assignee_id": "kader-x"}).json() == []
