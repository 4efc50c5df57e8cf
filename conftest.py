"""Fixtures shared by every test package: free ports, a real nats-server, and the store
backends the contract suites run against."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
# Tests use fixed screening dates: keep the escalation scheduler from moving their tasks
# (its own test sets a short interval for its platform).
os.environ.setdefault("ILP_ESCALATION_INTERVAL_S", "3600")
# Component and flow tests run without tokens; the access tests (tests/e2e/test_access.py)
# and the README walkthrough switch authentication back on for their platforms.
os.environ.setdefault("ILP_AUTH_MODE", "none")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _mongo_backend() -> tuple[str, str | None]:
    """('real', uri) from ILP_TEST_MONGO_URI or testcontainers, else ('fake', None)."""
    if uri := os.environ.get("ILP_TEST_MONGO_URI"):
        return "real (ILP_TEST_MONGO_URI)", uri
    if _docker_answers():
        return "real (testcontainers)", "testcontainers"
    return "fake (in-memory mongomock; no ILP_TEST_MONGO_URI and no Docker engine)", None


MONGO_BACKEND = _mongo_backend()


def pytest_report_header() -> list[str]:
    return [f"MongoDB adapter tests run against: {MONGO_BACKEND[0]}",
            f"nats-server: {VENV_BIN / 'nats-server'}"]


@pytest.fixture(scope="session")
def mongo_client_factory() -> Iterator[Callable[[], object]]:
    """Makes clients for the Mongo adapter: real when available, else the fake."""
    label, uri = MONGO_BACKEND
    container = None
    if uri == "testcontainers":
        from testcontainers.mongodb import MongoDbContainer

        container = MongoDbContainer("mongo:8.0", command="--replSet rs0 --bind_ip_all")
        container.start()
        container.exec('mongosh --quiet --eval "rs.initiate()"')
        uri = container.get_connection_url() + "/?directConnection=true"
    print(f"\n[mongo] contract tests use: {label}")

    def make() -> object:
        if uri is None:
            from ilp_kit.testing import FakeAsyncMongoClient

            return FakeAsyncMongoClient()
        from pymongo import AsyncMongoClient

        return AsyncMongoClient(uri, tz_aware=True)

    yield make
    if container is not None:
        container.stop()


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real nats-server with JetStream on a free port; yields its URL."""
    port = free_port()
    store = tmp_path_factory.mktemp("nats")
    process = subprocess.Popen(
        [str(VENV_BIN / "nats-server"), "-js", "-sd", str(store), "-a", "127.0.0.1",
         "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from ilp_platform.embedded import wait_for_port

    wait_for_port(port)
    yield f"nats://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def _workbook(**sheets: list[list[object]]) -> bytes:
    import io
    from datetime import date

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for line, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, tuple):  # a merged cell: (value, rows, columns)
                    text, down, across = value
                    sheet.merge_range(line, column, line + down - 1, column + across - 1,
                                      text)
                elif isinstance(value, date):
                    sheet.write_datetime(line, column, value, day)
                elif value is not None:
                    sheet.write(line, column, value)
    book.close()
    return out.getvalue()


@pytest.fixture(scope="session")
def workbook() -> Callable[..., bytes]:
    """Makes an .xlsx as Excel saves one – dates in date cells, TRUE/FALSE, numbers –, a
    sheet for each keyword: `workbook(Register=[[...], ...])`; a cell given as
    (value, rows, columns) is merged over that many (the cells it covers given as None)."""
    return _workbook
