"""The deployment files agree with the code: settings they set exist, ports match."""

from __future__ import annotations

import re

import yaml

from services.core.settings import Settings
from tests.conftest import ROOT

FIELDS = {f"NEWSWIRE_{name.upper()}" for name in Settings.model_fields}
SERVICES = ("ingester", "normalizer", "enricher")


def test_compose_sets_only_real_settings_and_runs_real_services() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name, service in services.items():
        for key in service.get("environment") or {}:
            if key.startswith("NEWSWIRE_"):
                assert key in FIELDS, f"{name} sets {key}, which no setting reads"
    for name in ("ingester", "normalizer", "enricher"):
        assert services[name]["command"] == [name]
        assert "/healthz" in " ".join(services[name]["healthcheck"]["test"])
        assert (
            services[name]["depends_on"]["topics"]["condition"] == "service_completed_successfully"
        )
        assert "ports" not in services[name]  # so that --scale works
    assert services["topics"]["command"] == ["topics"]


def test_dockerfile_settings_and_port() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    for key in re.findall(r"\b(NEWSWIRE_[A-Z_]+)=", dockerfile):
        assert key in FIELDS, key
    port = Settings.model_fields["http_port"].default
    assert f"EXPOSE {port}" in dockerfile and f":{port}/healthz" in dockerfile


def test_prometheus_finds_every_replica_of_each_service_on_its_port() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    [job] = config["scrape_configs"]
    assert "static_configs" not in job  # a static name would land on one replica per scrape
    [discovery] = job["dns_sd_configs"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert sorted(discovery["names"]) == sorted(SERVICES)
    assert set(SERVICES) <= set(compose["services"])
    assert discovery["type"] == "A"
    assert discovery["port"] == Settings.model_fields["http_port"].default
    [relabel] = job["relabel_configs"]
    assert relabel["source_labels"] == ["__meta_dns_name"]
    assert relabel["target_label"] == "component"


def k8s_documents() -> list[dict[str, object]]:
    docs: list[dict[str, object]] = []
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def test_k8s_deployments_have_probes_settings_and_a_metrics_service() -> None:
    docs = k8s_documents()
    kustomization = yaml.safe_load((ROOT / "deploy" / "k8s" / "kustomization.yaml").read_text())
    assert all((ROOT / "deploy" / "k8s" / r).exists() for r in kustomization["resources"])
    config = next(
        d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "newswire-settings"
    )  # type: ignore[index]
    for key in config["data"]:  # type: ignore[index]
        assert key in FIELDS, f"the ConfigMap sets {key}, which no setting reads"
    port = Settings.model_fields["http_port"].default
    assert config["data"]["NEWSWIRE_HTTP_PORT"] == str(port)  # type: ignore[index]
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}  # type: ignore[index]
    assert set(deployments) == {"ingester", "normalizer", "enricher"}
    services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}  # type: ignore[index]
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]  # type: ignore[index]
        [container] = pod["spec"]["containers"]
        assert container["args"] == [name]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["ports"][0]["containerPort"] == port
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        assert container["resources"]["requests"]
        assert f"{name}-metrics" in services


def test_the_dashboard_queries_only_exported_metrics() -> None:
    import json

    from tests.unit.test_prometheus import exported_metrics

    dashboard = json.loads(
        (ROOT / "deploy" / "grafana" / "dashboards" / "newswire.json").read_text()
    )
    exported = exported_metrics()
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\b(newswire_[a-z_]+|up)\b", target["expr"])
    }
    unknown = {
        q
        for q in queried - {"up"}
        if q not in exported and q.removesuffix("_bucket") not in exported
    }
    assert not unknown, sorted(unknown)
    assert len(dashboard["panels"]) >= 10
