"""The image and the compose stack, built and run: what `docker compose up` gives a user.

The image is built with deploy/Dockerfile and labelled with the commit; ``newswire
--help`` and ``newswire analyze`` run in it with no network, read-only, as its own user
with no capabilities, and find what this checkout finds. The shipped compose file then
starts Kafka, the topics job, the three services (two enrichers) and Prometheus with the
default seeds-only feed list, on an internal network the host forwards nothing from: the
seed file goes through the containers onto news.claims, and Prometheus finds every
service up, each enricher replica as its own target and series. Grafana is left out (no
image can be had here); its provisioning is checked in tests/unit/test_deploy.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, SEED

from .engine import Engine, engine, say
from .standins import base_images, ensure

# A first run on a fresh machine installs Docker and builds the base images: minutes.
pytestmark = [pytest.mark.containers, pytest.mark.timeout(1800)]

IMAGE = "newswire:local"  # the name docker-compose.yml gives the image
SERVICES = ["kafka", "topics", "ingester", "normalizer", "enricher", "prometheus"]
ENRICHERS = 2
FROM = set(re.findall(r"^FROM (\S+)", (ROOT / "deploy" / "Dockerfile").read_text(), re.M))
PARTITIONS = 6  # NEWSWIRE_KAFKA_PARTITIONS of the compose file


class Timer:
    def __init__(self) -> None:
        self.start = time.monotonic()

    def lap(self, what: str) -> None:
        now = time.monotonic()
        say(f"{what}: {now - self.start:.0f} s")
        self.start = now


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A running engine with the base images and newswire's image built from this tree."""
    workdir = tmp_path_factory.mktemp("containers")
    timer = Timer()
    with engine(workdir) as running:
        timer.lap("engine ready")
        # The base images come in parallel (building a stand-in is mostly waiting for apt);
        # newswire's image needs only its own base.
        with ThreadPoolExecutor(max_workers=3) as pool:
            bases = {name: pool.submit(ensure, running, name) for name in base_images(SERVICES)}
            for name in [n for n in bases if n in FROM] + [n for n in bases if n not in FROM]:
                timer.lap(f"{name} {bases[name].result()}")
                if name in FROM and all(bases[n].done() for n in FROM):
                    build_image(running)
                    timer.lap(f"{IMAGE} built")
        yield running


def build_image(running: Engine) -> None:
    running.docker(
        "build", "--network", "host", "--file", str(ROOT / "deploy" / "Dockerfile"),
        "--build-arg", f"REVISION={git_revision()}", "--tag", IMAGE, str(ROOT), timeout=1500,
    )  # fmt: skip


def git_revision() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"the image is labelled with the commit: {done.stderr}"
    return done.stdout.strip()


def host_analysis() -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "services", "analyze", str(SEED), "--format", "json"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return dict(json.loads(done.stdout))


def test_the_image_is_labelled_and_analyzes_without_network_as_a_restricted_user(
    built: Engine,
) -> None:
    labels = json.loads(
        built.docker("image", "inspect", "--format", "{{json .Config.Labels}}", IMAGE).stdout
    )
    assert labels["org.opencontainers.image.revision"] == git_revision()
    # As Kubernetes' restricted profile runs it: no network, a read-only root with a
    # writable /tmp, not root, no capabilities, no privilege escalation.
    restricted = [
        "run", "--rm", "--network", "none", "--read-only", "--tmpfs", "/tmp",
        "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
    ]  # fmt: skip
    usage = built.docker(*restricted, IMAGE, "--help", timeout=120).stdout
    for command in ("ingester", "normalizer", "enricher", "analyze", "topics"):
        assert command in usage
    assert built.docker(*restricted, "--entrypoint", "id", IMAGE, "-u").stdout.strip() == "10001"
    seeds = f"{ROOT / 'seeds'}:/seeds:ro"
    out = built.docker(
        *restricted, "--volume", seeds, IMAGE, "analyze", f"/seeds/{SEED.name}", "--format", "json",
        timeout=300,
    ).stdout  # fmt: skip
    inside, outside = json.loads(out), host_analysis()
    # The same code and model as this checkout's: the same findings.
    assert inside["claims"] and inside["entities"]
    assert inside["claims"] == outside["claims"]
    assert inside["entities"] == outside["entities"]


def wait_for(what: str, timeout_s: float, probe: Callable[[], Any]) -> Any:
    """Call ``probe`` until it returns something true; its last error says why not."""
    deadline = time.monotonic() + timeout_s
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = probe()
            if result:
                return result
            last = result
        except AssertionError as exc:
            last = exc
        time.sleep(3)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}; last: {last}")


class Stack:
    """One compose project of the shipped docker-compose.yml, on a network with no way out.

    The network is internal, and since a daemon without firewall rules (as started here)
    does not isolate internal networks, the host also forwards nothing that arrives on its
    bridge: the containers reach each other and this machine, nothing beyond.
    """

    def __init__(self, running: Engine, workdir: Path) -> None:
        self.engine = running
        tag = uuid.uuid4().hex[:8]
        self.project, self.network, self.bridge = (
            f"newswire-test-{tag}",
            f"nwtest-{tag}",
            f"nwt{tag}",
        )
        override = workdir / "network.yml"
        override.write_text(
            yaml.safe_dump({"networks": {"default": {"external": True, "name": self.network}}})
        )
        self.files = [ROOT / "docker-compose.yml", override]

    def remove_leftovers(self) -> None:
        """Stacks of an earlier run that was killed before it could take them down."""
        listed = self.engine.docker(
            "ps", "--all", "--filter", "label=com.docker.compose.project",
            "--format", '{{.ID}} {{.Label "com.docker.compose.project"}}',
        ).stdout.split("\n")  # fmt: skip
        stale = [line.split()[0] for line in listed if " newswire-test-" in f" {line}"]
        if stale:
            self.engine.docker("rm", "--force", "--volumes", *stale)
        networks = self.engine.docker("network", "ls", "--format", "{{.Name}}").stdout.split()
        for name in networks:
            if name.startswith("nwtest-"):
                self.engine.docker("network", "rm", name, check=False)

    def create_network(self) -> None:
        self.engine.docker(
            "network", "create", "--internal",
            "--opt", f"com.docker.network.bridge.name={self.bridge}", self.network,
        )  # fmt: skip
        self.forwarding.write_text("0\n")

    @property
    def forwarding(self) -> Path:
        return Path(f"/proc/sys/net/ipv4/conf/{self.bridge}/forwarding")

    def remove_network(self) -> None:
        self.engine.docker("network", "rm", self.network, check=False)

    def compose(self, *args: str, timeout: float = 300) -> str:
        return self.engine.compose(self.project, self.files, *args, timeout=timeout).stdout

    def python_in(self, service: str, code: str, *args: str) -> str:
        return self.compose("exec", "-T", service, "python", "-c", code, *args, timeout=120)

    def prometheus(self, path: str, **params: str) -> Any:
        """Prometheus' API, asked from inside the network (the ingester's container)."""
        code = (
            "import sys, urllib.parse, urllib.request;"
            "q = urllib.parse.urlencode(dict(a.split('=', 1) for a in sys.argv[2:]));"
            "print(urllib.request.urlopen(sys.argv[1] + '?' + q, timeout=10).read().decode())"
        )
        args = [f"{k}={v}" for k, v in params.items()]
        reply = json.loads(self.python_in("ingester", code, f"http://prometheus:9090{path}", *args))
        assert reply["status"] == "success", reply
        return reply["data"]

    def logs(self) -> str:
        done = self.engine.compose(
            self.project, self.files, "logs", "--no-color", "--tail", "40", check=False
        )
        return done.stdout[-12000:]


@pytest.fixture(scope="module")
def stack(built: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    timer = Timer()
    up = Stack(built, tmp_path_factory.mktemp("compose"))
    up.remove_leftovers()
    up.create_network()
    try:
        up.compose(
            "up", "--detach", "--no-build", "--scale", f"enricher={ENRICHERS}", *SERVICES,
            timeout=600,
        )  # fmt: skip
        timer.lap("compose stack up")
        yield up
    except BaseException:
        say(f"the stack's logs:\n{up.logs()}")
        raise
    finally:
        up.engine.compose(up.project, up.files, "down", "--volumes", "--timeout", "20", check=False)
        up.remove_network()
        timer.lap("compose stack down")


def claims_of(stack: Stack, article_id: str) -> set[str]:
    out = stack.compose(
        "exec", "-T", "normalizer", "newswire", "tail", "news.claims", "--json", "--idle-exit", "3",
        timeout=120,
    )  # fmt: skip
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {
        r["value"]["claim"]["claim_id"] for r in records if r["value"]["article_id"] == article_id
    }


def test_the_stack_has_no_way_out(stack: Stack) -> None:
    info = stack.engine.docker("network", "inspect", "--format", "{{.Internal}}", stack.network)
    assert info.stdout.strip() == "true"
    assert stack.forwarding.read_text().strip() == "0"
    attached = stack.engine.docker(
        "network", "inspect", "--format", "{{range .Containers}}{{.Name}} {{end}}", stack.network
    ).stdout.split()
    assert len(attached) == len(SERVICES) - 1 + ENRICHERS - 1  # all but the finished topics job
    assert all(name.startswith(stack.project) for name in attached), attached


def test_the_seed_reaches_news_claims_through_the_containers(stack: Stack) -> None:
    expected = host_analysis()
    article_id, wanted = (
        expected["article"]["article_id"],
        {c["claim_id"] for c in expected["claims"]},
    )
    assert wanted
    timer = Timer()
    try:
        found = wait_for(
            "the seed's claims on news.claims", 300, lambda: claims_of(stack, article_id)
        )
    except AssertionError:
        say(f"the stack's logs:\n{stack.logs()}")
        raise
    timer.lap("seed on news.claims")
    assert found == wanted


def test_prometheus_scrapes_every_service_and_each_enricher_replica(stack: Stack) -> None:
    def targets() -> list[dict[str, Any]]:
        active = [
            t for t in stack.prometheus("/api/v1/targets", state="active")["activeTargets"]
            if t["labels"]["job"] == "newswire"
        ]  # fmt: skip
        counts = Counter(t["labels"]["component"] for t in active)
        ready = counts == {"ingester": 1, "normalizer": 1, "enricher": ENRICHERS}
        return active if ready and all(t["health"] == "up" for t in active) else []

    timer = Timer()
    try:
        active = wait_for("every replica up in Prometheus", 180, targets)
        timer.lap("every target up")
        enrichers = {
            t["labels"]["instance"] for t in active if t["labels"]["component"] == "enricher"
        }
        assert len(enrichers) == ENRICHERS  # each replica is its own target

        def assigned() -> dict[str, float]:
            result = stack.prometheus(
                "/api/v1/query", query='newswire_assigned_partitions{service="enricher"}'
            )["result"]
            per_replica = {r["metric"]["instance"]: float(r["value"][1]) for r in result}
            settled = set(per_replica) == enrichers and sum(per_replica.values()) == PARTITIONS
            return per_replica if settled and all(per_replica.values()) else {}

        # Each replica's series is its own: together they own every input partition.
        wait_for("the enrichers' partitions in Prometheus", 180, assigned)
    except AssertionError:
        say(f"the stack's logs:\n{stack.logs()}")
        raise
    up = stack.prometheus("/api/v1/query", query='up{job="newswire"}')["result"]
    assert len(up) == 2 + ENRICHERS and all(float(s["value"][1]) == 1 for s in up)
