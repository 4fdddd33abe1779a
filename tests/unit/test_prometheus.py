"""The shipped Prometheus configuration, rules and alerts: valid, tested, and about metrics
that the services really export."""

from __future__ import annotations

import re
import shutil
import subprocess

import yaml

from services.reference import all_metrics
from tests.conftest import ROOT

PROMETHEUS = ROOT / "deploy" / "prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: `make test` installs it (Debian package prometheus)"
    return subprocess.run(
        [tool, *args], capture_output=True, text=True, cwd=PROMETHEUS, check=False
    )


def test_promtool_checks_the_config_and_the_rules() -> None:
    config = promtool("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    rules = promtool("check", "rules", "rules/recording.yml", "rules/alerts.yml")
    assert rules.returncode == 0, rules.stdout + rules.stderr


def test_every_alert_has_a_rule_unit_test_and_they_pass() -> None:
    alerts = yaml.safe_load((PROMETHEUS / "rules" / "alerts.yml").read_text())
    names = {r["alert"] for g in alerts["groups"] for r in g["rules"]}
    tests = yaml.safe_load((PROMETHEUS / "tests" / "alerts_test.yml").read_text())
    tested = {t["alertname"] for case in tests["tests"] for t in case.get("alert_rule_test", [])}
    assert names == tested
    result = subprocess.run(
        [shutil.which("promtool") or "promtool", "test", "rules", "alerts_test.yml"],
        capture_output=True, text=True, cwd=PROMETHEUS / "tests", check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def exported_metrics() -> set[str]:
    registry = all_metrics()
    names = set()
    for family in registry.collect():
        names |= {s.name for s in family.samples}
        names.add(family.name)
        if family.type == "counter":  # labelled counters have no sample before first use
            names.add(family.name + "_total")
    return names


def test_rules_only_query_metrics_the_services_export() -> None:
    exported = exported_metrics()
    recorded: set[str] = set()
    queried: set[str] = set()
    for path in sorted((PROMETHEUS / "rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "record" in rule:
                    recorded.add(rule["record"])
                queried |= set(re.findall(r"\b(newswire_[a-z_]+|up)\b", rule["expr"]))
    unknown = queried - exported - recorded - {"up"}
    assert not unknown, f"rules query metrics nobody exports: {sorted(unknown)}"
