"""The operators' alert rules (deploy/prometheus) with Prometheus's own `promtool`: the
rules and the scrape configuration are valid, and each alert fires on the series it is
for and stays quiet on those it is not (tests/deploy/alerts_test.yaml). `./ilp test`
unpacks promtool from Debian's prometheus package (no daemon is installed); without it
these tests skip and say so. That the rules read metrics the services really export is
checked on a running platform (tests/e2e/test_status_cli.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "ilp-alerts.yaml"
PROMTOOL = shutil.which("promtool") or str(ROOT / ".cache" / "tools" / "promtool")
needs_promtool = pytest.mark.skipif(not Path(PROMTOOL).exists(),
                                    reason="promtool not installed (./ilp test fetches it)")


def promtool(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@needs_promtool
def test_the_rules_and_the_scrape_configuration_are_valid() -> None:
    assert "SUCCESS: 6 rules found" in promtool("check", "rules", str(RULES))
    promtool("check", "config", str(RULES.with_name("prometheus.yml")))


@needs_promtool
def test_each_alert_fires_when_it_should_and_only_then() -> None:
    promtool("test", "rules", "alerts_test.yaml", cwd=Path(__file__).parent)


def test_every_alert_is_unit_tested_and_says_what_to_do() -> None:
    rules = [rule for group in yaml.safe_load(RULES.read_text())["groups"]
             for rule in group["rules"]]
    tested = set(re.findall(r"alertname: (\w+)", (Path(__file__).parent /
                                                   "alerts_test.yaml").read_text()))
    assert {rule["alert"] for rule in rules} == tested
    assert all(rule["labels"]["severity"] in ("warning", "critical") and
               rule["annotations"]["summary"] and rule["annotations"]["description"]
               for rule in rules)

