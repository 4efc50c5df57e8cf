"""Who may take on and complete a home visit, and who may be given one by hand."""

from __future__ import annotations

import pytest
from ilp_kit.auth import Principal
from ilp_kit.errors import ForbiddenError
from ilp_notify.api import _may_visit
from ilp_notify.domain.assignment import handover_problem


def person(role: str, worker: str) -> Principal:
    return Principal(subject=worker, roles=frozenset({role}), wilayah=("33.73.04.1001",),
                     worker_id=worker)


def test_a_kader_makes_kader_visits_and_health_worker_visits_given_to_her() -> None:
    kf1 = {"role": "bidan", "assignee_id": "bidan-ani"}
    given_to_her = {"role": "perawat", "assignee_id": "kader-siti"}  # no perawat in the desa
    _may_visit(person("kader", "kader-siti"), "kader-siti", {"role": "kader",
                                                             "assignee_id": "kader-umi"})
    _may_visit(person("kader", "kader-siti"), "kader-siti", given_to_her)
    with pytest.raises(ForbiddenError):
        _may_visit(person("kader", "kader-siti"), "kader-siti", kf1)
    _may_visit(person("bidan", "bidan-ani"), "bidan-ani", kf1)
    _may_visit(person("perawat", "perawat-eko"), "perawat-eko", kf1)  # the pustu's colleague


KADER_VISIT = {"role": "kader", "desa_code": "33.73.04.1001"}
KF1 = {"role": "bidan", "desa_code": "33.73.04.1001"}


def worker(role: str, area: str = "33.73.04.1001", active: bool = True) -> dict:
    return {"id": f"{role}-x", "role": role, "area_code": area, "active": active}


@pytest.mark.parametrize(("task", "given", "kind"), [
    (KADER_VISIT, worker("kader"), None),
    (KADER_VISIT, worker("bidan"), None),
    (KADER_VISIT, worker("perawat", "33.73.04"), None),  # the puskesmas's, around the desa
    (KF1, worker("perawat"), None),
    (KF1, worker("kader"), "wrong_role"),  # a kader's word does not make a KF visit
    ({**KF1, "role": "home_care"}, worker("kader"), "wrong_role"),
    (KADER_VISIT, worker("dokter"), "wrong_role"),  # who cannot complete it with her token
    (KADER_VISIT, worker("kader", "33.73.04.1002"), "outside_area"),  # the next desa's
    (KADER_VISIT, worker("kader", "33.73.04.10"), "outside_area"),  # not a prefix by text
    (KADER_VISIT, worker("kader", active=False), "inactive_worker"),
    (KADER_VISIT, None, "unknown_worker"),
])
def test_a_visit_is_given_by_hand_only_to_who_can_make_it_there(task: dict, given: dict | None,
                                                                kind: str | None) -> None:
    problem = handover_problem(task, given, "w-1")
    assert (problem and problem[1]) == kind
    if problem:
        assert "w-1" in problem[0] or given and given["role"] in problem[0]
