"""Registry rules: ILP rollout only moves forward, the summary reads like a Dinkes report,
and the pustu staffing minimum (1 bidan, 1 perawat, 2 kader)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ilp_registry.domain import (
    ROLLOUT_ORDER,
    RolloutError,
    missing_targets,
    network_gaps,
    next_rollout,
    pustu_of,
    staffing_gaps,
    summarise_rollout,
)

stages = st.sampled_from(ROLLOUT_ORDER)


@given(stages, stages)
def test_rollout_moves_forward_or_is_refused(current, wanted) -> None:
    if ROLLOUT_ORDER.index(wanted) >= ROLLOUT_ORDER.index(current):
        assert next_rollout(current, wanted) == wanted
    else:
        with pytest.raises(RolloutError):
            next_rollout(current, wanted)


def test_a_new_puskesmas_may_start_at_any_stage() -> None:
    assert next_rollout(None, "launched") == "launched"


def test_summary_counts_and_reads_like_the_dinkes_report() -> None:
    summary = summarise_rollout("36.71", ["launched"] * 24 + ["sosialisasi"] * 15)
    assert summary.puskesmas == 39
    assert summary.by_status == {"belum": 0, "sosialisasi": 15, "kick_off": 0, "launched": 24}
    assert summary.text == "24 dari 39 puskesmas launching, 15 sosialisasi"
    mixed = summarise_rollout("33.73", ["launched", "kick_off", None])
    assert mixed.text == "1 dari 3 puskesmas launching, 1 kick-off, 1 belum mulai"


@pytest.mark.parametrize(("roles", "missing"), [
    (["bidan", "perawat", "kader", "kader"], {}),
    (["bidan", "perawat", "kader", "kader", "kader", "dokter"], {}),
    (["bidan", "kader"], {"perawat": 1, "kader": 1}),
    ([], {"bidan": 1, "perawat": 1, "kader": 2}),
    (["perawat", "perawat", "kader", "kader"], {"bidan": 1}),
])
def test_pustu_staffing_gaps(roles, missing) -> None:
    assert staffing_gaps(roles) == missing


def test_missing_targets_name_each_desa_and_group_still_unset() -> None:
    targets = [{"area_code": "33.75.02.1001", "group": group}
               for group in ("balita", "bayi", "ibu_hamil", "usia_15_plus", "lansia", "remaja")]
    targets.append({"area_code": "33.75.02.1002", "group": "balita"})
    gaps = missing_targets(["33.75.02.1001", "33.75.02.1002", "33.75.02.2003"], targets)
    assert "33.75.02.1001" not in gaps  # all six set
    assert gaps["33.75.02.1002"] == ["bayi", "ibu_hamil", "usia_15_plus", "lansia", "remaja"]
    assert len(gaps["33.75.02.2003"]) == 6


def test_a_posyandu_counts_towards_its_pustu_or_else_the_one_of_its_desa() -> None:
    def facility(id_: str, type_: str, desa: str, parent: str | None = None) -> dict:
        return {"id": id_, "type": type_, "area_code": desa, "parent_facility_id": parent}

    facilities = [
        facility("pustu-a", "pustu", "A"), facility("psy-a1", "posyandu", "A"),
        facility("psy-a2", "posyandu", "A", parent="pustu-a"),
        facility("pustu-b1", "pustu", "B"), facility("pustu-b2", "pustu", "B"),
        facility("psy-b", "posyandu", "B"),  # two pustu in the desa: which one is unknown
        facility("psy-c", "posyandu", "C"), facility("pkm", "puskesmas", "A"),
        facility("psy-x", "posyandu", "A", parent="pustu-b1")]  # its parent names it
    assert pustu_of(facilities) == {
        "pustu-a": "pustu-a", "psy-a1": "pustu-a", "psy-a2": "pustu-a",
        "pustu-b1": "pustu-b1", "pustu-b2": "pustu-b2", "psy-x": "pustu-b1"}


def test_network_gaps_name_what_each_desa_still_lacks() -> None:
    """A: all of it. B: a posyandu only, in no working area. C: nothing but a closed
    pustu. D: served by a puskesmas that has since closed."""
    a, b, c, d = "91.03.01.2001", "91.03.01.2002", "91.03.01.2003", "91.03.02.2001"
    facilities = [
        {"id": "pkm-1", "type": "puskesmas", "area_code": "91.03.01", "working_area": [a]},
        {"id": "pkm-2", "type": "puskesmas", "area_code": "91.03.02", "working_area": [d],
         "active": False},
        {"id": "pustu-a", "type": "pustu", "area_code": a},
        {"id": "psy-a", "type": "posyandu", "area_code": a},
        {"id": "psy-b", "type": "posyandu", "area_code": b},
        {"id": "pustu-c", "type": "pustu", "area_code": c, "active": False},
        {"id": "pustu-d", "type": "pustu", "area_code": d},
        {"id": "psy-d", "type": "posyandu", "area_code": d}]
    assert network_gaps([a, b, c, d], facilities) == {
        b: ["pustu", "puskesmas"], c: ["pustu", "posyandu", "puskesmas"], d: ["puskesmas"]}


def test_a_puskesmas_without_a_working_area_serves_the_desa_under_it() -> None:
    """E's posyandu comes under a pustu under a puskesmas that has no working area: that
    puskesmas serves E. F's pustu comes under one whose working area does not name F (its
    PWS table counts only what it names): F is still nobody's."""
    e, f = "91.03.01.2005", "91.03.01.2006"
    facilities = [
        {"id": "pkm-open", "type": "puskesmas", "area_code": "91.03.01", "working_area": []},
        {"id": "pkm-named", "type": "puskesmas", "area_code": "91.03.01",
         "working_area": ["91.03.01.2001"]},
        {"id": "pustu-e", "type": "pustu", "area_code": e, "parent_facility_id": "pkm-open"},
        {"id": "psy-e", "type": "posyandu", "area_code": e, "parent_facility_id": "pustu-e"},
        {"id": "pustu-f", "type": "pustu", "area_code": f, "parent_facility_id": "pkm-named"},
        {"id": "psy-f", "type": "posyandu", "area_code": f}]
    assert network_gaps([e, f], facilities) == {f: ["puskesmas"]}


def test_the_only_puskesmas_of_its_kecamatan_serves_all_of_it() -> None:
    """Permenkes 43/2019: a puskesmas serves a kecamatan, or part of one where there are
    several. The only one of its kecamatan, with no working area named, serves every desa
    of it – one with no pustu or posyandu yet too; one naming its area serves that."""
    g, h, i = "63.07.06.2001", "63.07.06.2002", "63.07.07.2001"
    facilities = [
        {"id": "pkm-pandawan", "type": "puskesmas", "area_code": "63.07.06",
         "working_area": []},
        {"id": "pkm-x", "type": "puskesmas", "area_code": "63.07.07",
         "working_area": ["63.07.07.2009"]},
        {"id": "psy-h", "type": "posyandu", "area_code": h},
        {"id": "psy-i", "type": "posyandu", "area_code": i}]
    assert network_gaps([g, h, i], facilities) == {
        g: ["pustu", "posyandu"], h: ["pustu"], i: ["pustu", "puskesmas"]}
