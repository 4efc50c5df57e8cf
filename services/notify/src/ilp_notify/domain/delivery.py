"""Webhook delivery rules (pure): what is sent, how it is signed, when to retry.

The body carries what a kader/bidan app needs to fetch the task – ids, reason, place,
due time – and no personal data (no name, no NIK: the person id is pseudonymous).
Signature: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret, sent as
`X-ILP-Signature: sha256=<hex>` with `X-ILP-Timestamp`, so a receiver can refuse replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from .lifecycle import NOBODY_HOME, REFUSED
from .reasons import label_of
from .review import Red

PAYLOAD_FIELDS = ("task_id", "person_id", "reason", "role", "assignee_id", "priority",
                  "due_at", "desa_code", "posyandu_id", "rw", "rt", "escalation_level")


def _summary(task: dict[str, Any]) -> dict[str, Any]:
    """A task as a notice carries it (a cancelled one with why); tasks from before revisits
    count as first tries."""
    return {**{k: task.get(k) for k in PAYLOAD_FIELDS}, "attempt": task.get("attempt", 1),
            "follows_outcome": task.get("follows_outcome"), "also": task.get("also", []),
            **({"cancel_reason": task["cancel_reason"]} if task.get("cancel_reason") else {})}


# Why a visit was cancelled, as its worker reads it; a reason written by hand (a puskesmas
# cancelling it) is shown as written.
CANCELLED_BECAUSE = {
    "came": "sudah datang ke posyandu/pustu", "delivered": "sudah bersalin",
    "resolved": "pada pemeriksaan berikutnya masalah gizinya tidak ditemukan lagi",
    "not_pregnant": "tidak hamil lagi", "birth_voided": "catatan persalinannya dibatalkan",
    "screening_voided": "hasil skriningnya dibatalkan (salah catat)",
    "screening_amended": "hasil skriningnya dikoreksi",
    "person_merged": "datanya ganda dan sudah digabungkan",
    "person_moved": "sudah pindah", "person_died": "meninggal dunia",
    "tb_treatment_started": "sudah mulai pengobatan TBC",
    "tb_treatment_voided": "catatan pengobatan TBC-nya dibatalkan",
    **{f"tb_treatment_{outcome}": f"pengobatan TBC-nya berakhir ({said})" for outcome, said in (
        ("cured", "sembuh"), ("completed", "lengkap"), ("failed", "gagal"),
        ("lost_to_follow_up", "putus berobat"), ("died", "meninggal"), ("moved", "pindah"))},
}


def _verb(kind: str, task: dict[str, Any]) -> str:
    """What kind of notice: new, passed on (escalated, or given by hand or when a worker
    left), one more reason for a visit, or a visit that follows one not made."""
    if kind in ("task.escalated", "task.assigned"):
        return "dialihkan kepada Anda"
    if kind == "task.extended":
        return "diperbarui (alasan ditambah)"
    if kind == "task.cancelled":
        return "dibatalkan"
    if task.get("follows_outcome") == REFUSED and task.get("attempt", 1) == 1:
        return "baru (keluarga menolak kunjungan kader)"
    if task.get("attempt", 1) > 1:
        before = {NOBODY_HOME: "sebelumnya tidak ada di rumah",
                  REFUSED: "sebelumnya menolak"}[task.get("follows_outcome") or NOBODY_HOME]
        return f"ulang (ke-{task['attempt']}, {before})"
    return "baru"


def _where(task: dict[str, Any]) -> str:
    """The desa, and the person's RW (or dusun) and RT when the screening gave them: where
    the worker finds the household."""
    units = [f"{unit} {label}" if label.strip()[:1].isdigit() else label
             for unit, label in (("RW", task.get("rw")), ("RT", task.get("rt"))) if label]
    return ", ".join([f"desa {task['desa_code']}", *units])


def _reasons(task: dict[str, Any]) -> str:
    """What a visit is for, in words: its reason and those a round joined to it."""
    return "; juga ".join(label_of(reason) for reason in (task["reason"], *task.get("also", [])))


def payload(kind: str, task: dict[str, Any]) -> bytes:
    body = {"type": kind, "task": _summary(task)}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def digest_payload(day: str, tasks: list[dict[str, Any]]) -> bytes:
    """A worker's open tasks of the day in one notice (the daily-digest option)."""
    body = {"type": "digest", "date": day,
            "tasks": [_summary(t) for t in tasks]}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def review_payload(desa_code: str, period: str, reds: list[Red]) -> bytes:
    """A desa's indicators still red when the month ended (the monthly review)."""
    body = {"type": "pws.review", "desa_code": desa_code, "period": period,
            "red": [{"indicator_id": r.indicator_id, "name": r.name, "pct": r.pct}
                    for r in reds]}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def _render_review(notice: dict[str, Any]) -> tuple[str, str, str]:
    red, desa, period = notice["red"], notice["desa_code"], notice["period"]
    named = [r.get("name") or r["indicator_id"] for r in red]
    shown = [f"{name} ({format(r['pct'], 'g').replace('.', ',')} %)" if r["pct"] is not None
             else name for name, r in zip(named, red, strict=True)]
    subject = f"PWS {period} desa {desa}: {len(red)} indikator merah"
    text = (f"Indikator PWS desa/kelurahan {desa} yang masih merah pada akhir {period}, "
            "untuk ditindaklanjuti dan dibahas pada lokakarya mini bulanan:\n\n"
            + "\n".join(f"- {line}" for line in shown)
            + "\n\nBuka dasbor PWS untuk rinciannya.\n")
    return subject, text, (f"ILP PWS {period} desa {desa}: {len(red)} indikator merah – "
                           f"{', '.join(shown)}. Lihat dasbor PWS.")


def _render_cancelled(task: dict[str, Any]) -> tuple[str, str, str]:
    """A visit no longer needed: what it was for, where, and why – no trip for nothing."""
    label, why = _reasons(task), task.get("cancel_reason") or ""
    because = CANCELLED_BECAUSE.get(why, why)
    subject = f"Kunjungan rumah dibatalkan: {label} ({task['desa_code']})"
    text = (f"Tugas kunjungan rumah dibatalkan, tidak perlu dikunjungi: {because}.\n\n"
            f"Alasan kunjungan: {label}\nTempat: {_where(task)}\n"
            f"Nomor tugas: {task['task_id']}\n")
    return subject, text, (f"ILP: kunjungan rumah dibatalkan – {label}, {_where(task)}: "
                           f"{because}. Tugas {task['task_id'][:8]}.")


def render(notice: dict[str, Any]) -> tuple[str, str, str]:
    """(e-mail subject, e-mail text, SMS text) of a notice, in Bahasa Indonesia."""
    if notice["type"] == "pws.review":
        return _render_review(notice)
    if notice["type"] == "digest":
        tasks = sorted(notice["tasks"], key=lambda t: t["due_at"])
        lines = [f"- {_reasons(t)}"
                 + (f" (kunjungan ke-{t['attempt']})" if t.get("attempt", 1) > 1 else "")
                 + f", {_where(t)}, diperiksa di {t['posyandu_id']}, batas "
                 f"{t['due_at'][:10]} (tugas {t['task_id'][:8]})" for t in tasks]
        subject = f"Ringkasan harian {notice['date']}: {len(tasks)} kunjungan rumah"
        text = (f"Kunjungan rumah yang masih terbuka per {notice['date']}:\n\n"
                + "\n".join(lines) + "\n\nBuka aplikasi ILP untuk rinciannya.\n")
        soonest = tasks[0]["due_at"][:10] if tasks else "-"
        return subject, text, (f"ILP {notice['date']}: {len(tasks)} kunjungan rumah terbuka, "
                               f"terdekat batas {soonest}.")
    task = notice["task"]
    if notice["type"] == "task.cancelled":
        return _render_cancelled(task)
    verb = _verb(notice["type"], task)
    label = _reasons(task)
    subject = f"Kunjungan rumah {verb}: {label} ({task['desa_code']})"
    text = (f"Tugas kunjungan rumah {verb}.\n\nAlasan: {label}\n"
            f"Prioritas: {task['priority']}\nTempat: {_where(task)}\n"
            f"Diperiksa di: {task['posyandu_id']}\nBatas waktu: {task['due_at']}\n"
            f"Nomor tugas: {task['task_id']}\n\nBuka aplikasi ILP untuk rinciannya.\n")
    sms = (f"ILP: kunjungan rumah {verb} – {label}, {_where(task)}, "
           f"batas {task['due_at'][:10]}. Tugas {task['task_id'][:8]}.")
    return subject, text, sms
