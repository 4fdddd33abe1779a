"""The security wiring of docker-compose.yml and deploy/k8s/components/kafka-security: real settings,
files where the settings say, and a combination that newswire accepts."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import yaml

from services.core.settings import Settings
from tests.conftest import ROOT

FIELDS = {f"NEWSWIRE_{name.upper()}" for name in Settings.model_fields}
COMPONENT = ROOT / "deploy" / "k8s" / "components" / "kafka-security"


def as_settings(env: dict[str, str]) -> Settings:
    return Settings(**{k.removeprefix("NEWSWIRE_").lower(): v for k, v in env.items()})


def test_compose_shows_the_security_settings() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    commented = dict(re.findall(r"^\s*#\s*(NEWSWIRE_[A-Z_]+):\s*(\S+)", text, re.MULTILINE))
    assert {"NEWSWIRE_KAFKA_SECURITY_PROTOCOL", "NEWSWIRE_KAFKA_SASL_PASSWORD_FILE"} <= set(
        commented
    )
    assert set(commented) <= FIELDS
    secrets = set(re.findall(r"^#\s+(\w+): \{ file:", text, re.MULTILINE))
    for key, value in commented.items():
        if key.endswith("_FILE"):
            path = PurePosixPath(value)
            assert path.parent == PurePosixPath("/run/secrets") and path.name in secrets, key
    as_settings({**commented, "NEWSWIRE_KAFKA_BOOTSTRAP": "kafka:9092"})  # accepted


def test_the_k8s_component_reads_its_credentials_from_a_secret() -> None:
    kustomization = yaml.safe_load((COMPONENT / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Component"
    patches: list[dict[str, Any]] = []
    for patch in kustomization["patches"]:
        patches += [d for d in yaml.safe_load_all((COMPONENT / patch["path"]).read_text()) if d]
    workloads = {}  # every pod template that talks to Kafka: the services and the topics Job
    for path in (ROOT / "deploy" / "k8s").glob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") in ("Deployment", "Job"):
                workloads[doc["kind"], doc["metadata"]["name"]] = doc
    assert {(p["kind"], p["metadata"]["name"]) for p in patches} == set(workloads)
    for patch in patches:
        pod = patch["spec"]["template"]["spec"]
        [container] = pod["containers"]
        workload = workloads[patch["kind"], patch["metadata"]["name"]]
        [target] = workload["spec"]["template"]["spec"]["containers"]
        assert container["name"] == target["name"]
        [volume] = pod["volumes"]
        keys = {item["key"]: item["path"] for item in volume["secret"]["items"]}
        [mount] = [m for m in container["volumeMounts"] if m["name"] == volume["name"]]
        env: dict[str, str] = {}
        for var in container["env"]:
            assert var["name"] in FIELDS, var["name"]
            if "valueFrom" in var:
                ref = var["valueFrom"]["secretKeyRef"]
                assert ref["name"] == volume["secret"]["secretName"]
                env[var["name"]] = f"from-{ref['key']}"
            else:
                env[var["name"]] = var["value"]
            if var["name"].endswith("_FILE"):
                path = PurePosixPath(var["value"])
                assert path.parent == PurePosixPath(mount["mountPath"])
                assert path.name in keys.values(), f"{var['name']} is not in the Secret"
        settings = as_settings({**env, "NEWSWIRE_KAFKA_BOOTSTRAP": "kafka:9093"})
        assert settings.kafka_security_protocol == "SASL_SSL"
        assert settings.kafka_sasl_password is None  # never in the environment
