"""The shipped Prometheus configuration, rules and alerts: valid, tested, and about metrics
that the services really export."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics import MetricWrapperBase

from services.core.metrics import Metrics, label_names
from services.enricher.metrics import EnricherMetrics
from services.ingester.metrics import IngesterMetrics
from services.normalizer.metrics import NormalizerMetrics
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


def test_rules_only_query_metrics_the_services_export(exported: set[str]) -> None:
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


RUNBOOK = "https://github.com/newswire/newswire/blob/main/docs/operations.md#"


def rules(kind: str) -> list[dict[str, object]]:
    found = []
    for path in sorted((PROMETHEUS / "rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            found += [r for r in group["rules"] if kind in r]
    return found


def test_alerts_follow_the_conventions_and_link_their_runbook() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    headings = set(re.findall(r"^### (\S+)$", operations, re.M))
    alerts = rules("alert")
    assert alerts
    for alert in alerts:
        name = str(alert["alert"])
        labels, annotations = alert["labels"], alert["annotations"]
        assert isinstance(labels, dict) and isinstance(annotations, dict)
        assert labels["severity"] in {"critical", "warning"}, name
        assert {"summary", "description", "runbook_url"} <= set(annotations), name
        # The runbook is the alert's own section of docs/operations.md.
        assert annotations["runbook_url"] == RUNBOOK + name.lower(), name
        assert name in headings, f"docs/operations.md has no '### {name}' section"
    assert headings >= {str(a["alert"]) for a in alerts}


def test_recording_rules_are_named_level_metric_operations(exported: set[str]) -> None:
    for rule in rules("record"):
        name, expr = str(rule["record"]), str(rule["expr"])
        level, metric, operations = name.split(":")
        # level: the labels the expression keeps (histogram_quantile consumes `le`).
        [by] = re.findall(r"\bby \(([^)]*)\)", expr)
        kept = [label.strip() for label in by.split(",") if label.strip() != "le"]
        assert level == "_".join(kept), name
        # metric: the one queried, without the _total of counters or the _bucket of histograms.
        [queried] = set(re.findall(r"\b(newswire_[a-z_]+)\b", expr))
        assert queried in exported, name
        assert metric == queried.removesuffix("_total").removesuffix("_bucket"), name
        # operations: newest first, each with its range when it has one.
        for op in operations.split("_"):
            match = re.fullmatch(r"([a-z]+?)(\d+[smh])?|p(\d\d)", op)
            assert match, f"{name}: unknown operation {op}"
            if match[3]:
                assert f"histogram_quantile(0.{match[3]}" in expr, name
            elif match[2]:
                assert f"{match[1]}({queried}[{match[2]}])" in expr, name
            else:
                assert f"{match[1]} by" in expr, name


def test_freshness_resolves_sub_second_delays() -> None:
    [freshness] = [f for f in all_metrics().collect() if f.name == "newswire_freshness_seconds"]
    bounds = sorted(float(s.labels["le"]) for s in freshness.samples if s.name.endswith("_bucket"))
    assert bounds[0] == 0.05 and sum(b < 1 for b in bounds) >= 4


def test_the_registry_has_process_metrics_and_no_created_series() -> None:
    metrics = Metrics()
    EnricherMetrics(metrics.registry).freshness.observe(0.15)
    metrics.consumed.labels("enricher", "news.articles").inc()
    text = generate_latest(metrics.registry).decode()
    assert 'newswire_records_consumed_total{service="enricher",topic="news.articles"} 1.0' in text
    assert 'newswire_freshness_seconds_bucket{le="0.25"} 1.0' in text
    assert "_created" not in text
    for name in ("process_cpu_seconds_total", "process_resident_memory_bytes", "python_info"):
        assert re.search(rf"^{name}\b", text, re.M), name


def test_every_metric_notes_its_real_label_names() -> None:
    """docs/metrics.md shows the label names newswire noted when it made each metric (the
    client library has no public way to list them): every family has them, and they are
    the ones its series take."""
    registry = CollectorRegistry()
    owners = [
        Metrics(registry),
        IngesterMetrics(registry),
        NormalizerMetrics(registry),
        EnricherMetrics(registry),
    ]
    noted = label_names(registry)
    families = {f.name for f in registry.collect() if f.name.startswith("newswire_")}
    assert families and families == set(noted), families ^ set(noted)
    assert noted["newswire_records_consumed"] == ("service", "topic")
    made = [m for owner in owners for m in vars(owner).values() if isinstance(m, MetricWrapperBase)]
    assert len(made) == len(families) - 1  # all but the lag, which is a collector of its own
    for metric in made:
        [family] = metric.describe()
        if noted[family.name]:
            metric.labels(**dict.fromkeys(noted[family.name], "x"))  # raises if they differ
        else:
            with pytest.raises(ValueError, match="No label names"):
                metric.labels("x")
