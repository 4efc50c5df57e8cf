"""Who may take on and complete a home visit."""

from __future__ import annotations

import pytest
from ilp_kit.auth import Principal
from ilp_kit.errors import ForbiddenError
from ilp_notify.api import _may_visit


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
