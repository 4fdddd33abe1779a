"""The Kubernetes manifests, built with kustomize (alone and with every optional component)
and checked: against the API's schemas of a current Kubernetes (kubernetes-validate
--strict), against the Pod Security "restricted" profile, and against the code."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from services.core.settings import Settings
from services.core.topics import ARTICLES
from tests.conftest import ROOT

K8S = ROOT / "deploy" / "k8s"
KUBERNETES = "1.37.0"  # the newest version kubernetes-validate knows
COMPONENTS = ("servicemonitor", "keda", "kafka-security")
SERVICES = ("ingester", "normalizer", "enricher")
FIELDS = {f"NEWSWIRE_{name.upper()}" for name in Settings.model_fields}
KUSTOMIZE_VERSION = "v5.5.0"

Doc = dict[str, Any]


def kustomize_command() -> list[str]:
    """kubectl's kustomize, or kustomize itself; else built from the Go module proxy."""
    if kubectl := shutil.which("kubectl"):
        return [kubectl, "kustomize"]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newswire" / "bin"
    found = shutil.which("kustomize") or shutil.which("kustomize", path=str(cache))
    if not found:
        go = shutil.which("go")
        assert go, "kubectl, kustomize or Go is needed to build the Kubernetes manifests"
        done = subprocess.run(
            [go, "install", f"sigs.k8s.io/kustomize/kustomize/v5@{KUSTOMIZE_VERSION}"],
            env={**os.environ, "GOBIN": str(cache)}, capture_output=True, text=True,
            timeout=900, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"go install kustomize failed:\n{done.stderr[-3000:]}"
        found = str(cache / "kustomize")
    return [found, "build"]


def kustomize(path: Path) -> list[Doc]:
    done = subprocess.run(
        [*kustomize_command(), str(path)], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


@pytest.fixture(scope="module")
def base() -> list[Doc]:
    return kustomize(K8S)


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> list[Doc]:
    """The manifests with every optional component, as a user's kustomization takes them."""
    tmp = tmp_path_factory.mktemp("k8s")
    shutil.copytree(K8S, tmp / "k8s")
    (tmp / "site").mkdir()
    (tmp / "site" / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "resources": ["../k8s"],
                "components": [f"../k8s/components/{c}" for c in COMPONENTS],
            }
        )
    )
    return kustomize(tmp / "site")


def named(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_the_core_resources_are_valid_for_a_current_kubernetes(everything: list[Doc]) -> None:
    unknown = []
    for doc in everything:
        try:
            kubernetes_validate.validate(doc, KUBERNETES, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            unknown.append(doc["kind"])  # custom resources: checked field by field below
        except kubernetes_validate.ValidationError as exc:
            raise AssertionError(f"{doc['kind']}/{doc['metadata']['name']}: {exc}") from None
    assert sorted(unknown) == ["ScaledObject", "ServiceMonitor"]


def test_the_strict_validation_rejects_what_the_api_would() -> None:
    deployment = copy.deepcopy(next(d for d in kustomize(K8S) if d["kind"] == "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsNonroot"] = 1
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)


# -- Pod Security "restricted" (https://kubernetes.io/docs/concepts/security/pod-security-standards/)

ALLOWED_VOLUMES = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
    "projected", "secret",
}  # fmt: skip


def restricted_violations(pod: Doc) -> Iterator[str]:
    """What keeps a pod spec from the "restricted" profile (baseline included)."""
    spec, pod_ctx = pod, pod.get("securityContext") or {}
    for flag in ("hostNetwork", "hostPID", "hostIPC", "hostUsers"):
        if spec.get(flag) and flag != "hostUsers":
            yield f"{flag} is set"
    for volume in spec.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if not kinds <= ALLOWED_VOLUMES:
            yield f"volume {volume['name']} is of type {sorted(kinds)}"
    containers = [*spec.get("initContainers", []), *spec["containers"]]
    for c in containers:
        ctx = c.get("securityContext") or {}
        name = c["name"]
        if ctx.get("privileged"):
            yield f"{name} is privileged"
        if ctx.get("allowPrivilegeEscalation") is not False:
            yield f"{name} does not set allowPrivilegeEscalation: false"
        caps = ctx.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            yield f"{name} does not drop ALL capabilities"
        if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
            yield f"{name} adds capabilities {caps['add']}"
        if not ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")):
            yield f"{name} may run as root (runAsNonRoot)"
        if ctx.get("runAsUser", pod_ctx.get("runAsUser")) == 0:
            yield f"{name} runs as user 0"
        seccomp = (ctx.get("seccompProfile") or pod_ctx.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            yield f"{name} has no RuntimeDefault or Localhost seccomp profile"
        for port in c.get("ports") or []:
            if port.get("hostPort"):
                yield f"{name} uses a host port"
        if ctx.get("procMount", "Default") != "Default":
            yield f"{name} changes procMount"


def pods(docs: list[Doc]) -> dict[str, Doc]:
    return {
        f"{d['kind']}/{d['metadata']['name']}": d["spec"]["template"]["spec"]
        for d in docs
        if d["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet")
    }


def test_every_pod_meets_pod_security_restricted_with_a_read_only_root(
    everything: list[Doc],
) -> None:
    [namespace] = named(everything, "Namespace").values()
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert {d["metadata"].get("namespace") for d in everything if d["kind"] != "Namespace"} == {
        namespace["metadata"]["name"]
    }
    found = pods(everything)
    assert len(found) == 4
    for where, pod in found.items():
        assert list(restricted_violations(pod)) == [], where
        assert pod["automountServiceAccountToken"] is False, where
        tmp = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        for c in pod["containers"]:
            assert c["securityContext"]["readOnlyRootFilesystem"] is True, where
            mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
            assert mounts.get("/tmp") in tmp, f"{where}: no writable /tmp"


@pytest.mark.parametrize(
    ("path", "value", "complaint"),
    [
        (("containers", 0, "securityContext", "capabilities", "drop"), [], "drop ALL"),
        (("containers", 0, "securityContext", "allowPrivilegeEscalation"), True, "Escalation"),
        (("securityContext", "seccompProfile", "type"), "Unconfined", "seccomp"),
        (("securityContext", "runAsNonRoot"), False, "runAsNonRoot"),
        (("hostNetwork",), True, "hostNetwork"),
        (("volumes", 0), {"name": "h", "hostPath": {"path": "/"}}, "hostPath"),
    ],
)
def test_the_pod_security_check_catches_each_violation(
    base: list[Doc], path: tuple[str | int, ...], value: object, complaint: str
) -> None:
    pod = copy.deepcopy(pods(base)["Deployment/enricher"])
    target: Any = pod
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert any(complaint in v for v in restricted_violations(pod)), list(restricted_violations(pod))


# -- what the manifests say agrees with the code and with each other


def test_settings_are_generated_and_roll_the_pods(base: list[Doc]) -> None:
    maps = named(base, "ConfigMap")
    [settings_name] = [n for n in maps if n.startswith("newswire-settings-")]  # hashed name
    [feeds_name] = [n for n in maps if n.startswith("newswire-feeds-")]
    settings = maps[settings_name]["data"]
    assert set(settings) <= FIELDS, set(settings) - FIELDS
    assert settings["NEWSWIRE_HTTP_PORT"] == str(Settings.model_fields["http_port"].default)
    assert settings["NEWSWIRE_KAFKA_CREATE_TOPICS"] == "false"  # the Job creates them
    for where, pod in pods(base).items():
        refs = {e["configMapRef"]["name"] for c in pod["containers"] for e in c["envFrom"]}
        assert refs == {settings_name}, where
    ingester = pods(base)["Deployment/ingester"]
    assert {"configMap": {"name": feeds_name}} in [
        {k: v for k, v in vol.items() if k != "name"} for vol in ingester["volumes"]
    ]


def test_deployments_probes_services_and_disruption_budgets(base: list[Doc]) -> None:
    deployments = named(base, "Deployment")
    assert set(deployments) == set(SERVICES)
    port = Settings.model_fields["http_port"].default
    services, budgets = named(base, "Service"), named(base, "PodDisruptionBudget")
    for name, deployment in deployments.items():
        template = deployment["spec"]["template"]
        labels = template["metadata"]["labels"]
        [container] = template["spec"]["containers"]
        assert container["args"] == [name]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["ports"][0]["containerPort"] == port
        assert template["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        assert container["resources"]["requests"]
        selector = services[f"{name}-metrics"]["spec"]["selector"]
        assert selector.items() <= labels.items()
        assert services[f"{name}-metrics"]["metadata"]["labels"]["app.kubernetes.io/name"] == (
            "newswire"
        )
        budget = budgets[name]["spec"]
        assert budget["selector"]["matchLabels"].items() <= labels.items()
        assert budget.get("maxUnavailable") == 1
    # The model loads before /healthz answers: the enricher gets minutes to start.
    startup = deployments["enricher"]["spec"]["template"]["spec"]["containers"][0]["startupProbe"]
    assert startup["httpGet"]["path"] == "/healthz"
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 180


def test_one_job_creates_the_topics(base: list[Doc]) -> None:
    [job] = named(base, "Job").values()
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["topics"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"
    assert job["spec"]["ttlSecondsAfterFinished"] > 0  # the next apply runs it again


def test_the_service_monitor_gives_the_labels_the_rules_use(everything: list[Doc]) -> None:
    [monitor] = named(everything, "ServiceMonitor").values()
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    spec = monitor["spec"]
    services = named(everything, "Service").values()
    selected = [
        s
        for s in services
        if spec["selector"]["matchLabels"].items() <= s["metadata"]["labels"].items()
    ]
    assert len(selected) == len(SERVICES)
    # job="newswire" as the alert rules expect: the value of the Services' jobLabel.
    assert {s["metadata"]["labels"][spec["jobLabel"]] for s in selected} == {"newswire"}
    [endpoint] = spec["endpoints"]
    assert all(endpoint["port"] == s["spec"]["ports"][0]["name"] for s in selected)
    assert endpoint["path"] == "/metrics"
    [relabel] = endpoint["relabelings"]
    assert relabel["targetLabel"] == "component"
    label = relabel["sourceLabels"][0].removeprefix("__meta_kubernetes_service_label_")
    assert {s["metadata"]["labels"]["app.kubernetes.io/component"] for s in selected} == set(
        SERVICES
    )
    assert label == "app_kubernetes_io_component"


def test_keda_scales_the_enricher_on_its_consumer_lag(
    base: list[Doc], everything: list[Doc]
) -> None:
    [scaled] = named(everything, "ScaledObject").values()
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    spec = scaled["spec"]
    assert spec["scaleTargetRef"]["name"] == "enricher"
    assert "replicas" not in named(everything, "Deployment")["enricher"]["spec"]
    assert "replicas" in named(base, "Deployment")["enricher"]["spec"]
    [settings] = [
        m["data"]
        for n, m in named(everything, "ConfigMap").items()
        if n.startswith("newswire-settings")
    ]
    [trigger] = spec["triggers"]
    assert trigger["type"] == "kafka"
    meta = trigger["metadata"]
    defaults = Settings.model_fields
    assert meta["bootstrapServers"] == settings["NEWSWIRE_KAFKA_BOOTSTRAP"]
    assert meta["consumerGroup"] == f"{defaults['group_prefix'].default}.enricher"
    assert meta["topic"] == ARTICLES.full_name(defaults["topic_prefix"].default)
    assert int(meta["lagThreshold"]) > 0
    # More replicas than partitions would idle.
    assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
    assert spec["maxReplicaCount"] <= int(settings["NEWSWIRE_KAFKA_PARTITIONS"])
