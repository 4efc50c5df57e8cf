"""STYLE.md's house rules, checked: the pure domain packages – classification, indicator
maths, task rules, registry rules –, the event contracts and the kit every service is
built on (store adapters, consumer, outbox, messaging, auth, telemetry) type-check under
`mypy --strict`, and ruff finds no error in the code (its rules: pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = [
    "libs/contracts/src/ilp_contracts",
    "libs/kit/src/ilp_kit",
    "services/screening/src/ilp_screening/domain",
    "services/pws/src/ilp_pws/domain",
    "services/notify/src/ilp_notify/domain",
    "services/registry/src/ilp_registry/domain.py",
]


def test_the_domain_packages_type_check_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports",
         "--cache-dir", str(tmp_path), *CHECKED],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint_finds_no_error() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "libs", "services", "src",
                             "tests", "bench"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
