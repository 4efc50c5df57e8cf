"""Schemathesis against every service's OpenAPI: generated requests (valid and invalid)
must never cause a 5xx, and every answer must match the documented response schema.

The operations are driven with hypothesis directly (schemathesis' lazy pytest fixture
does not work with pytest 9 yet), one test per service, all failures reported at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from ilp_platform.embedded import Platform
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .helpers import free_port_block

CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    ports = free_port_block(6)
    platform = Platform(tmp_path_factory.mktemp("fuzz"), ports, ports + 1, ports + 2)
    platform.start()  # with the sample kota, so generated ids sometimes exist
    yield platform
    platform.stop()


@pytest.mark.parametrize("service", ["registry", "screening", "pws", "notify"])
def test_api_never_fails_and_keeps_its_contract(platform: Platform, service: str) -> None:
    schema = schemathesis.openapi.from_url(f"{platform.base_url_of(service)}/openapi.json")
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.endswith("/live"):
            continue  # an endless event stream: covered by the SSE tests
        tried += 1

        @FUZZ
        @given(case=operation.as_strategy())
        def exercise(case) -> None:  # noqa: ANN001
            case.call_and_validate(checks=CHECKS, timeout=30)
        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 – collect them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:1500])
    assert tried >= 4
    assert not failures, "\n\n".join(failures)
