"""The deployment files agree with the code: settings they set exist, ports match."""

from __future__ import annotations

import re

import yaml

from services.core.settings import Settings
from tests.conftest import ROOT

FIELDS = {f"NEWSWIRE_{name.upper()}" for name in Settings.model_fields}


def test_compose_sets_only_real_settings_and_runs_real_services() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name, service in services.items():
        for key in service.get("environment") or {}:
            if key.startswith("NEWSWIRE_"):
                assert key in FIELDS, f"{name} sets {key}, which no setting reads"
    for name in ("ingester", "normalizer", "enricher"):
        assert services[name]["command"] == [name]


def test_dockerfile_settings_and_port() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    for key in re.findall(r"\b(NEWSWIRE_[A-Z_]+)=", dockerfile):
        assert key in FIELDS, key
    port = Settings.model_fields["http_port"].default
    assert f"EXPOSE {port}" in dockerfile and f":{port}/healthz" in dockerfile


def test_prometheus_scrapes_the_services_on_their_port() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    [job] = config["scrape_configs"]
    targets = job["static_configs"][0]["targets"]
    port = Settings.model_fields["http_port"].default
    assert sorted(targets) == sorted(f"{s}:{port}" for s in ("ingester", "normalizer", "enricher"))
