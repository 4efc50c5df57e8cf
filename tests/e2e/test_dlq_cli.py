"""`ilp dlq` against a real nats-server: the list shows why, resend puts the original
back on its subject, drop removes; resend and drop want numbers or --all."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import nats
import pytest
from ilp_contracts.text import _
from ilp_kit.dead_letters import reason_header
from ilp_kit.messaging import ensure_streams
from ilp_platform.cli import main

SUBJECT = "ilp.ingest.screening.v1"


async def park(url: str, body: bytes, why: str) -> None:
    """A dead letter as a consumer parks it (see ilp_kit.consumer._dead_letter); `why` a
    message with its template (said in the operator's language), or as parked before
    messages kept theirs (said as it was)."""
    nc = await nats.connect(url)
    await ensure_streams(nc)
    reason = reason_header("rejected", [{"loc": ["screening", "posyandu_id"], "msg": why}])
    await nc.jetstream().publish("ilp.dlq.screening", body, headers={
        "ilp-dlq-reason": reason, "ilp-dlq-subject": SUBJECT,
        "ilp-dlq-service": "screening", "Nats-Msg-Id": f"dlq:{why}"})
    await nc.close()


async def published_again(url: str) -> list[bytes]:
    nc = await nats.connect(url)
    sub = await nc.jetstream().pull_subscribe(SUBJECT, durable="cli-test")
    try:
        return [m.data for m in await sub.fetch(10, timeout=2)]
    except nats.errors.TimeoutError:
        return []
    finally:
        await nc.close()


def test_list_resend_and_drop(nats_server: str, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per dead letter
    asyncio.run(park(nats_server, b'{"a": 1}', "posyandu psy-x is not registered"))
    asyncio.run(park(nats_server, b"junk", _("no posyandu or pustu {id} is registered",
                                               id="psy-y")))
    main(["dlq", "--service", "screening", "--nats-url", nats_server])
    listed = capsys.readouterr().out
    assert "psy-x is not registered" in listed  # parked before: as it was said
    assert "tidak ada posyandu atau pustu psy-y yang terdaftar" in listed, listed
    with pytest.raises(SystemExit):
        main(["dlq", "resend", "--nats-url", nats_server])
    capsys.readouterr()
    first = next(int(line.split()[1]) for line in listed.splitlines() if "psy-x" in line)
    main(["dlq", "resend", str(first), "--nats-url", nats_server])
    assert "1 dead letter dikirim ulang" in capsys.readouterr().out
    assert asyncio.run(published_again(nats_server)) == [b'{"a": 1}']
    main(["dlq", "resend", str(first), "--nats-url", nats_server])  # gone: said so
    assert f"tidak ada dead letter nomor {first}" in capsys.readouterr().out
    main(["dlq", "drop", "--all", "--nats-url", nats_server])
    assert "dihapus" in capsys.readouterr().out
    main(["dlq", "--nats-url", nats_server])
    assert "0 dead letter" in capsys.readouterr().out


def test_the_nats_of_ilp_nats_url_by_default(nats_server: str) -> None:
    """An operator who set ILP_NATS_URL for the services means the same NATS here."""
    listed = subprocess.run([str(Path(sys.executable).parent / "ilp"), "dlq"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "ILP_NATS_URL": nats_server})
    assert listed.returncode == 0, listed.stderr
    assert "dead letter" in listed.stdout
