"""The visit a completed one leads to – nobody at home: the worker goes again; a kader
turned away: the bidan goes – and a refused transition in words (pure rules)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ilp_contracts.wilayah import WIB, WIT
from ilp_notify.domain.delivery import digest_payload, payload, render
from ilp_notify.domain.lifecycle import (MAX_ATTEMPTS, RETRY_DAYS, next_visit, revisit_due,
                                        transition_problem)

# 16:00 UTC on 25 November is already the 26th in Jayapura (WIT, UTC+9).
DONE = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def task(priority: str = "high", attempt: int | None = None, **extra: object) -> dict:
    """Due on the 24th: the visit was made late, so the next try counts from it."""
    return {"priority": priority, "due_at": "2026-11-24T23:59:00+07:00",
            **({"attempt": attempt} if attempt else {}), **extra}


@pytest.mark.parametrize(("priority", "day"), [("urgent", 26), ("high", 27), ("routine", 2)])
def test_the_next_attempt_is_due_days_after_the_visit_by_priority(priority: str,
                                                                  day: int) -> None:
    due = revisit_due(task(priority), DONE, WIB)
    assert (due.day, due.hour, due.minute, due.utcoffset()) == (day, 23, 59,
                                                                timedelta(hours=7))


def test_a_visit_made_early_keeps_its_first_due_day() -> None:
    early = task("urgent", due_at="2026-12-02T23:59:00+07:00")
    assert revisit_due(early, DONE, WIB) == datetime(2026, 12, 2, 23, 59, tzinfo=WIB)


def test_days_are_the_persons_own() -> None:
    """Done at 01:00 WIT on the 26th: an urgent revisit is due at the end of the 27th, WIT."""
    due = revisit_due(task("urgent"), DONE, WIT)
    assert due == datetime(2026, 11, 27, 23, 59, tzinfo=WIT)


@given(st.integers(min_value=1, max_value=6), st.sampled_from(sorted(RETRY_DAYS)))
def test_attempts_end_after_the_last(attempt: int, priority: str) -> None:
    due = revisit_due(task(priority, attempt), DONE, WIB)
    assert (due is None) == (attempt >= MAX_ATTEMPTS)
    if due is not None:
        assert due > DONE


def test_a_postnatal_visit_is_tried_again_only_within_its_window() -> None:
    kn1 = task("urgent", birth_id="b-1", due_at="2026-11-26T23:59:00+07:00")
    assert revisit_due(kn1, DONE, WIB) == datetime(2026, 11, 26, 23, 59, tzinfo=WIB)
    closed = {**kn1, "due_at": "2026-11-25T23:59:00+07:00"}  # 16:00 UTC is 23:00 WIB
    assert revisit_due(closed, DONE + timedelta(hours=1), WIB) is None


def test_a_refused_transition_says_so_in_words() -> None:
    assert transition_problem("complete", "completed") == (
        "a task that is completed cannot be completed")
    assert transition_problem("cancel", "completed") == (
        "a task that is completed cannot be cancelled")
    assert transition_problem("accept", "open") is None


def completed(role: str, priority: str, outcome: str, **extra: object) -> dict:
    reason = "kesehatan_jiwa" if role == "perawat" else "masalah_gizi_balita"
    return {**task(priority, **extra), "role": role, "outcome": outcome, "reason": reason}


@pytest.mark.parametrize(("role", "priority", "outcome", "expected"), [
    ("kader", "high", "not_at_home", ("kader", True, 2)),  # the same kader, again
    ("bidan", "urgent", "not_at_home", ("bidan", True, 2)),
    ("kader", "urgent", "refused", ("bidan", False, 1)),  # turned away: the bidan goes
    ("kader", "high", "refused", ("bidan", False, 1)),
    ("kader", "routine", "refused", None),  # a missed weighing refused ends there
    ("bidan", "urgent", "refused", None),
    ("perawat", "routine", "refused", ("perawat", True, 2)),  # mental health: again
    ("kader", "high", "visited", None), ("kader", "high", "referred", None),
])
def test_the_visit_an_outcome_leads_to(role: str, priority: str, outcome: str,
                                       expected: tuple | None) -> None:
    visit = next_visit(completed(role, priority, outcome), DONE, WIB)
    assert (visit and (visit.role, visit.same_worker, visit.attempt)) == expected
    if visit is not None:
        assert visit.due_at == revisit_due(task(priority), DONE, WIB)


def test_the_notice_says_why_a_visit_follows_another() -> None:
    base = {"task_id": "t-2", "reason": "masalah_gizi_balita", "priority": "high",
            "desa_code": "33.73.04.1001", "posyandu_id": "psy-1",
            "due_at": "2026-11-27T23:59:00+07:00"}

    def sms(**task: object) -> str:
        return render(json.loads(payload("task.created", {**base, **task})))[2]
    assert "kunjungan rumah baru – Balita bermasalah gizi" in sms()
    assert "ulang (ke-2, sebelumnya tidak ada di rumah)" in sms(attempt=2,
                                                               follows_outcome="not_at_home")
    assert "ulang (ke-3, sebelumnya menolak)" in sms(attempt=3, follows_outcome="refused")
    assert "baru (keluarga menolak kunjungan kader)" in sms(follows_outcome="refused")


def test_the_digest_names_a_visit_tried_again() -> None:
    base = {"task_id": "t-2", "reason": "masalah_gizi_balita", "priority": "high",
            "desa_code": "33.73.04.1001", "posyandu_id": "psy-1",
            "due_at": "2026-11-27T23:59:00+07:00"}
    text = render(json.loads(digest_payload("2026-11-26", [
        base, {**base, "task_id": "t-3", "attempt": 2, "follows_outcome": "not_at_home"}])))[1]
    assert "BB tidak naik), desa 33.73.04.1001" in text  # the first try says nothing more
    assert "BB tidak naik) (kunjungan ke-2), desa 33.73.04.1001" in text
