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
    for name in ("topics", *SERVICES):  # as restricted as in Kubernetes (deploy/k8s)
        service = services[name]
        assert service["read_only"] is True and service["tmpfs"] == ["/tmp"], name
        assert service["cap_drop"] == ["ALL"], name
        assert service["security_opt"] == ["no-new-privileges:true"], name
    for name, service in services.items():  # back after a crash or a reboot of the engine
        assert service["restart"] == ("no" if name == "topics" else "unless-stopped"), name
    for service in services.values():  # the stack's UIs answer on this machine only
        ports = [str(p) for p in service.get("ports", [])]
        assert all(p.startswith("127.0.0.1:") for p in ports), ports


def test_compose_polls_no_feed_unless_asked_to() -> None:
    from services.ingester.feedlist import parse_feed_list

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    ingester = compose["services"]["ingester"]
    target = ingester["environment"]["NEWSWIRE_FEEDS_FILE"]
    mounted = {v.split(":")[1]: v.split(":")[0] for v in ingester["volumes"]}
    default = ROOT / mounted[target]
    assert parse_feed_list(default.read_text(), str(default)) == []  # seeds/ only
    # The documented override mounts the public example feeds in its place.
    override = yaml.safe_load((ROOT / "deploy" / "compose.example-feeds.yml").read_text())
    [volume] = override["services"]["ingester"]["volumes"]
    source, path = volume.split(":")[:2]
    assert path == target
    example = ROOT / source
    assert [f.url for f in parse_feed_list(example.read_text(), str(example))]
    readme = (ROOT / "README.md").read_text()
    assert "deploy/compose.example-feeds.yml" in readme


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


def test_the_dashboard_queries_only_exported_metrics(exported: set[str]) -> None:
    import json

    dashboard = json.loads(
        (ROOT / "deploy" / "grafana" / "dashboards" / "newswire.json").read_text()
    )
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


def test_grafana_provisioning_points_at_the_stack_and_the_dashboard() -> None:
    """Grafana's image cannot be had here: its provisioning is checked, not run."""
    import json

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grafana = compose["services"]["grafana"]
    mounts = {v.split(":")[1]: ROOT / v.split(":")[0] for v in grafana["volumes"]}
    provisioning = mounts["/etc/grafana/provisioning"]
    [source] = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    assert source["type"] == "prometheus"
    prometheus_port = compose["services"]["prometheus"]["ports"][0].rsplit(":", 1)[1]
    assert source["url"] == f"http://prometheus:{prometheus_port}"
    [provider] = yaml.safe_load((provisioning / "dashboards" / "newswire.yml").read_text())[
        "providers"
    ]
    dashboards = mounts[provider["options"]["path"]]
    assert provider["type"] == "file" and (dashboards / "newswire.json").exists()
    dashboard = json.loads((dashboards / "newswire.json").read_text())
    uids = {
        (panel.get("datasource") or {}).get("uid")
        for panel in dashboard["panels"]
        if isinstance(panel.get("datasource"), dict)
    }
    assert uids <= {source["uid"], None}, uids
