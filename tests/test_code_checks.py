"""STYLE.md's house rules, checked: the whole code base – the pure domain packages, the
event contracts, the kit every service is built on, the services' adapters and the `ilp`
command – type-checks under `mypy --strict`, and ruff finds no error in the code (its
rules: pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = [
    "libs/contracts/src/ilp_contracts",
    "libs/kit/src/ilp_kit",
    *(f"services/{name}/src/ilp_{name}" for name in ("registry", "screening", "pws", "notify")),
    "src/ilp_platform",
]


def test_the_code_type_checks_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports",
         "--cache-dir", str(tmp_path), *CHECKED],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint_finds_no_error() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "libs", "services", "src",
                             "tests", "bench"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
