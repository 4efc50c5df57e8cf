"""Notify on the running platform: overdue tasks escalate kader → bidan; new and
escalated tasks reach a real local webhook receiver, signed, with retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import date, datetime, timedelta, timezone
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from aiosmtpd.controller import Controller
from ilp_platform.embedded import Platform

from .helpers import (eventually, free_port_block, knows_workers, publish_events,
                      screened_in_october)

DESA = "33.73.04.2004"


SECRET = "test-webhook-secret"


class Receiver(BaseHTTPRequestHandler):
    """A webhook endpoint that refuses its first call, then records what it gets."""

    calls: list[tuple[dict[str, str], bytes]] = []
    refused = 0

    sms: list[tuple[dict[str, str], dict]] = []

    def do_POST(self) -> None:  # noqa: N802 – the stdlib's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/sms":  # the SMS/WhatsApp gateway
            Receiver.sms.append((dict(self.headers), json.loads(body)))
            self.send_response(202)
        elif Receiver.refused == 0:
            Receiver.refused += 1
            self.send_response(503)
        else:
            Receiver.calls.append((dict(self.headers), body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class Mailbox:
    """aiosmtpd handler: keeps every message a real SMTP session delivered."""

    messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001, ANN201
        Mailbox.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    smtp_port = free_port_block(1)
    smtp = Controller(Mailbox(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("escalation"), ports, ports + 1, ports + 2,
                        extra_env={"ILP_ESCALATION_INTERVAL_S": "0.5",
                                   "ILP_DELIVERY_INTERVAL_S": "0.2",
                                   "ILP_WEBHOOK_SECRET": SECRET,
                                   "ILP_SMTP_HOST": "127.0.0.1",
                                   "ILP_SMTP_PORT": str(smtp_port),
                                   "ILP_SMS_URL": "http://127.0.0.1:"
                                   f"{receiver.server_port}/sms",
                                   "ILP_SMS_TOKEN": "sms-token",
                                   "ILP_WEBHOOK_URLS": "http://127.0.0.1:"
                                   f"{receiver.server_port}/ilp-hook"})
    platform.start()
    yield platform
    platform.stop()
    receiver.shutdown()
    smtp.stop()


def test_an_overdue_kader_task_goes_to_the_bidan(platform: Platform) -> None:
    registry = httpx.Client(base_url=platform.base_url_of("registry"), timeout=10)
    for body in ({"code": "33.73.04", "name": "Sidorejo"}, {"code": DESA, "name": "Desa X"}):
        registry.post("/areas", json=body).raise_for_status()
    for body in ({"id": "psy-x", "type": "posyandu", "name": "Posyandu X", "area_code": DESA},
                 {"id": "pustu-x", "type": "pustu", "name": "Pustu X", "area_code": DESA}):
        registry.post("/facilities", json=body).raise_for_status()
    for body in ({"id": "kader-x", "name": "Kader", "role": "kader", "facility_id": "psy-x"},
                 {"id": "bidan-x", "name": "Bidan", "role": "bidan", "facility_id": "pustu-x",
                  "email": "bidan.x@puskesmas.example", "phone": "+6281234567890"}):
        registry.post("/workers", json=body).raise_for_status()
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    eventually(lambda: knows_workers(platform, "kader-x", "bidan-x"))
    publish_events(platform.nats_port, [screened_in_october(DESA, "psy-x", "p-anak-x")])
    [task] = eventually(lambda: notify.get("/tasks", params={"assignee_id": "bidan-x"}).json())
    assert (task["role"], task["escalation_level"]) == ("bidan", 1)  # was the kader's, level 0
    assert task["assignee_name"] == "Bidan"  # who, as a task list shows it
    assert task["reason"] == "masalah_gizi_balita"
    assert notify.get("/tasks", params={"assignee_id": "kader-x"}).json() == []
    # PWS counts it past its due time, in the desa-month it was created (now, in WIB)
    pws = httpx.Client(base_url=platform.base_url_of("pws"), timeout=10)
    month = f"{datetime.now(timezone(timedelta(hours=7))):%Y-%m}"

    def overdue() -> tuple[int, int] | None:
        reply = pws.get(f"/areas/{DESA}/indicators", params={"period": month})
        if reply.status_code != 200:
            return None
        [late] = [i for i in reply.json()["indicators"] if i["id"] == "kunjungan_rumah_terlambat"]
        return (late["numerator"], late["denominator"]) if late["numerator"] else None
    assert eventually(overdue) == (1, 1)



def test_tasks_reach_the_webhook_signed_after_a_retry(platform: Platform) -> None:
    """Runs after the escalation test: its task was created, then escalated."""
    # Task notices only: in a month's first week the monthly PWS review may come too.
    def task_calls() -> list:
        calls = [(h, b) for h, b in Receiver.calls if json.loads(b)["type"].startswith("task.")]
        return len(calls) >= 2 and calls
    calls = eventually(task_calls, timeout=30)
    kinds = []
    for headers, body in calls:
        expected = hmac.new(SECRET.encode(), headers["X-ILP-Timestamp"].encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        assert headers["X-ILP-Signature"] == f"sha256={expected}"
        message = json.loads(body)
        kinds.append(message["type"])
        assert "name" not in json.dumps(message) and "3373041011240009" not in body.decode()
    assert sorted(kinds) == ["task.created", "task.escalated"]
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    deliveries = notify.get("/deliveries").json()
    assert {d["status"] for d in deliveries} == {"delivered"}
    retried = [d for d in deliveries if len(d["attempts"]) == 2]
    assert len(retried) == 1 and retried[0]["attempts"][0]["error"] == "HTTP 503"



def test_the_escalated_task_is_mailed_to_the_bidan(platform: Platform) -> None:
    [mail] = eventually(lambda: [m for m in Mailbox.messages  # not a monthly review
                                 if m["Subject"].strip().startswith("Kunjungan rumah")],
                        timeout=30)
    assert mail["To"].strip() == "bidan.x@puskesmas.example"
    assert mail["Subject"].strip().startswith(
        "Kunjungan rumah dialihkan kepada Anda: Balita bermasalah gizi")
    text = mail.get_content()
    assert "33.73.04.2004" in text and "3373041011240009" not in text and "Anak" not in text


def test_a_hypertensive_adult_without_a_bp_check_for_a_month_gets_a_visit(
        platform: Platform) -> None:
    screening = httpx.Client(base_url=platform.base_url_of("screening"), timeout=10)
    body = {"person": {"nik": "3373045505800003", "name": "Ibu", "sex": "F",
                       "birth_date": "1980-05-15"},
            "posyandu_id": "psy-x", "screened_on": "2026-10-01",
            "measurements": {"systolic": 150, "diastolic": 95}}
    reply = screening.post("/screenings", json=body, headers={"Idempotency-Key": "bp-0001-x"})
    assert reply.status_code == 201, reply.text
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    [task] = eventually(lambda: [t for t in notify.get("/tasks").json()
                                 if t["reason"] == "kontrol_hipertensi"])
    assert task["person_id"] == reply.json()["person_id"] and task["screening_ids"] == []
    # A health worker's visit: no perawat in this desa, so its bidan rather than the kader
    assert task["assignee_id"] == "bidan-x"



def test_the_escalated_task_reaches_the_bidan_by_sms(platform: Platform) -> None:
    """Runs after the hypertension test: the bidan is told of that new visit too."""
    def visit_texts() -> list:  # not a monthly review
        visits = [(h, m) for h, m in Receiver.sms if "kunjungan rumah" in m["text"]]
        return len(visits) >= 2 and visits
    sms = eventually(visit_texts, timeout=30)
    assert {headers["Authorization"] for headers, _ in sms} == {"Bearer sms-token"}
    assert {message["to"] for _, message in sms} == {"+6281234567890"}
    texts = [message["text"] for _, message in sms]
    assert len(texts) == 2 and any("Hipertensi belum kontrol tekanan darah" in t for t in texts)
    assert any("Balita bermasalah gizi" in t and "kontrol" not in t for t in texts)
    assert not any("3373041011240009" in t for t in texts)


def test_a_visit_cancelled_after_its_sms_went_is_announced(platform: Platform) -> None:
    """Runs after the SMS test: the puskesmas cancels the hypertension visit (she was seen
    at the puskesmas): the webhook gets `task.cancelled` with the reason, and the bidan,
    who had its SMS, one more saying she need not go."""
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    [task] = [t for t in notify.get("/tasks").json() if t["reason"] == "kontrol_hipertensi"]
    reply = notify.post(f"/tasks/{task['task_id']}/cancel",
                        json={"reason": "sudah kontrol di puskesmas"})
    assert reply.status_code == 200, reply.text
    [cancelled] = eventually(lambda: [
        json.loads(b)["task"] for _, b in Receiver.calls
        if json.loads(b)["type"] == "task.cancelled"], timeout=30)
    assert (cancelled["task_id"], cancelled["cancel_reason"]) == (
        task["task_id"], "sudah kontrol di puskesmas")
    [text] = eventually(lambda: [m["text"] for _, m in Receiver.sms
                                 if "dibatalkan" in m["text"]], timeout=30)
    assert text.startswith("ILP: kunjungan rumah dibatalkan – Hipertensi belum kontrol")
    assert text.endswith(f"sudah kontrol di puskesmas. Tugas {task['task_id'][:8]}.")


def test_the_household_data_collection_sends_the_kader_to_who_never_came(
        platform: Platform) -> None:
    """Runs last (its visits are new notices). Registered 40 days ago and never screened:
    an adult is due the PTM screening; registered pregnant 20 days ago with no ANC contact:
    her K1. Both are the posyandu's kader's, from the next round."""
    screening = httpx.Client(base_url=platform.base_url_of("screening"), timeout=10)
    today = datetime.now(timezone(timedelta(hours=7))).date()

    def register(noted_on: date, *members: dict) -> httpx.Response:
        return screening.post("/persons/register", json={
            "posyandu_id": "psy-x", "noted_on": noted_on.isoformat(), "members": list(members)})
    adult = {"person": {"nik": "3373040203800007", "name": "Pak Joko", "sex": "M",
                        "birth_date": "1980-03-02", "rw": "RW 01", "rt": "RT 03"}}
    pregnant = {"person": {"nik": "3373045106990007", "name": "Bu Rina", "sex": "F",
                           "birth_date": "1999-06-11"}, "pregnant": True}
    man_pregnant = {**adult, "pregnant": True}
    first = register(today - timedelta(days=40), adult)
    assert first.status_code == 200, first.text
    reply = register(today - timedelta(days=20), pregnant, man_pregnant).json()
    assert (reply["registered"], reply["rejected"]) == (1, 1)
    assert reply["results"][1]["detail"][0]["loc"] == ["body", "members", 1, "pregnant"]
    again = register(today - timedelta(days=20), pregnant).json()  # the list sent again
    assert (again["registered"], again["unchanged"]) == (0, 1)
    notify = httpx.Client(base_url=platform.base_url_of("notify"), timeout=10)
    visits = eventually(lambda: (found := {
        t["reason"]: t for t in notify.get("/tasks", params={"assignee_id": "kader-x"}).json()
        if t["reason"] in ("belum_skrining_ptm", "ibu_hamil_belum_periksa")}) and len(found) == 2
        and found, timeout=30)
    ptm = visits["belum_skrining_ptm"]
    assert ptm["person_id"] == first.json()["results"][0]["person_id"]
    assert ptm["reason_label"] == "Belum pernah skrining PTM (usia ≥ 15 tahun)"
    assert visits["ibu_hamil_belum_periksa"]["priority"] == "high"
