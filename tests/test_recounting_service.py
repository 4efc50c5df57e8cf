"""A service recounting its store by new counting rules, as the operator's commands see it:
`./ilp up` waits for it as long as it takes (a data directory of millions of events:
minutes), where a service that does not answer at all still times out; `./ilp status`
says it is recounting, not dead."""

from __future__ import annotations

import subprocess
import sys
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from ilp_platform.embedded import Platform

from tests.e2e.helpers import answering_get


def _serving(ready_after_s: float) -> ThreadingHTTPServer:
    """A PWS that recounts (503 "recounting") until `ready_after_s`, then is ready."""
    ready_at = time.monotonic() + ready_after_s

    def health(_request: object) -> tuple[int, bytes]:
        if time.monotonic() >= ready_at:
            return 200, b'{"status": "ok"}'
        return 503, b'{"status": "recounting"}'
    return answering_get(health)


def test_a_recount_longer_than_the_start_timeout_is_waited_for(tmp_path: Path, capsys) -> None:
    server = _serving(ready_after_s=2.5)
    platform = Platform(tmp_path, service_port_base=server.server_address[1] - 2)  # pws: 3rd
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    platform.processes.update(pws=running, notify=running)  # notify's port: nobody there
    try:
        platform.wait_ready(("pws",), timeout=1.0)
        assert "pws menghitung ulang" in capsys.readouterr().out
        with pytest.raises(TimeoutError):  # not answering at all: not waited for forever
            platform.wait_ready(("notify",), timeout=0.5)
    finally:
        running.kill()
        server.shutdown()


async def test_ilp_status_says_a_recounting_service_is_recounting_not_dead() -> None:
    import httpx
    from ilp_platform.status import RECOUNTING, _ready, _services_table
    from rich.console import Console

    def answer(request: httpx.Request) -> httpx.Response:
        if "/pws/" in request.url.path:
            return httpx.Response(503, json={"status": "recounting"})
        return httpx.Response(503, text="no")
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        pws, notify = [await _ready(client, "http://gw", name) for name in ("pws", "notify")]
    assert (pws.problem, notify.problem) == (RECOUNTING, "HTTP 503: no")
    console = Console(record=True, width=120)
    console.print(_services_table([pws, notify]))
    shown = console.export_text()
    assert "menghitung ulang" in shown and "mati" in shown
