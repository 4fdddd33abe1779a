"""A Docker engine for the container tests: the one that runs, or one started for them.

What a fresh Debian machine lacks is installed first (Debian's docker.io, docker-compose and
mmdebstrap). A dockerd is started only when none answers, and only that one is stopped
afterwards, by its pid. The daemon keeps its images and build cache in /var/lib/docker, so
a second run on the same machine reuses the base images and the image layers.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PACKAGES = {"dockerd": "docker.io", "docker-compose": "docker-compose", "mmdebstrap": "mmdebstrap"}
# No default bridge and no firewall rules: containers only reach the networks the tests
# create (which are internal) and the host's own network when a build asks for it.
DOCKERD_FLAGS = (
    "--iptables=false",
    "--ip6tables=false",
    "--bridge=none",
    "--storage-driver=overlay2",
    "--exec-opt",
    "native.cgroupdriver=cgroupfs",
)
LOCK = Path("/tmp/newswire-container-tests.lock")


def say(message: str) -> None:
    """Progress on the terminal (pytest captures stdout, not this)."""
    os.write(2, f"[containers] {message}\n".encode())


def install_missing() -> None:
    missing = sorted({pkg for cmd, pkg in PACKAGES.items() if not shutil.which(cmd)})
    if not missing:
        return
    apt = shutil.which("apt-get")
    assert apt, f"install {', '.join(missing)} (Debian packages) to run the container tests"
    say(f"installing {', '.join(missing)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", *missing]):
        done = subprocess.run(
            [apt, *args], env=env, capture_output=True, text=True, timeout=900, check=False
        )
        assert done.returncode == 0, f"apt-get {' '.join(args)} failed:\n{done.stderr[-3000:]}"


def client_version(cli: str) -> int:
    done = subprocess.run(
        [cli, "version", "--format", "{{.Client.Version}}"],
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    try:
        return int(done.stdout.strip().split(".")[0])
    except ValueError:
        return 0


def pick_cli() -> str:
    """A docker client that builds with BuildKit (the Dockerfile's cache mounts need it)."""
    candidates = [c for c in (shutil.which("docker"), "/usr/bin/docker") if c and os.path.exists(c)]
    assert candidates, "no docker client: install Debian's docker.io"
    for cli in candidates:
        buildx = subprocess.run(
            [cli, "buildx", "version"], capture_output=True, check=False, timeout=30
        )
        if buildx.returncode == 0 or 0 < client_version(cli) < 23:  # 20.10 has BuildKit built in
            return cli
    raise AssertionError(
        f"none of {candidates} builds with BuildKit: install the buildx plugin, or Debian's "
        "docker.io (its 20.10 client has BuildKit built in)"
    )


@dataclass
class Engine:
    cli: str
    compose_cmd: list[str]
    started: subprocess.Popen[bytes] | None = None

    def docker(
        self, *args: str, timeout: float = 300, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DOCKER_BUILDKIT": "1"}
        done = subprocess.run(
            [self.cli, *args], env=env, capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip
        if check:
            assert done.returncode == 0, (
                f"docker {' '.join(args)} exited {done.returncode}:\n"
                f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
            )
        return done

    def compose(
        self,
        project: str,
        files: Sequence[Path],
        *args: str,
        timeout: float = 300,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        command = [*self.compose_cmd, "--project-name", project]
        for path in files:
            command += ["--file", str(path)]
        done = subprocess.run(
            [*command, *args], capture_output=True, text=True, timeout=timeout, check=False,
            cwd=files[0].parent,
        )  # fmt: skip
        if check:
            assert done.returncode == 0, (
                f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n"
                f"{done.stderr[-5000:]}"
            )
        return done

    def answers(self) -> bool:
        try:
            return self.docker("version", timeout=20, check=False).returncode == 0
        except subprocess.TimeoutExpired:
            return False


def pick_compose(cli: str) -> list[str]:
    plugin = subprocess.run(
        [cli, "compose", "version"], capture_output=True, check=False, timeout=30
    )
    if plugin.returncode == 0:
        return [cli, "compose"]
    standalone = shutil.which("docker-compose")
    assert standalone, "no docker compose: install Debian's docker-compose"
    return [standalone]


def start_dockerd(log: Path) -> subprocess.Popen[bytes]:
    dockerd = shutil.which("dockerd")
    assert dockerd, "dockerd is missing: install Debian's docker.io"
    say(f"starting dockerd (log: {log})")
    with log.open("ab") as out:
        return subprocess.Popen(
            [dockerd, *DOCKERD_FLAGS], stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip


def stop_dockerd(process: subprocess.Popen[bytes]) -> None:
    say(f"stopping the dockerd this run started (pid {process.pid})")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(30)


@contextlib.contextmanager
def engine(workdir: Path) -> Iterator[Engine]:
    """A running engine for the duration of the block; one container test at a time."""
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        install_missing()
        cli = pick_cli()
        found = Engine(cli, pick_compose(cli))
        if not found.answers():
            found.started = start_dockerd(workdir / "dockerd.log")
            deadline = time.monotonic() + 90
            while not found.answers():
                if found.started.poll() is not None or time.monotonic() > deadline:
                    tail = (workdir / "dockerd.log").read_text(errors="replace")[-3000:]
                    stop_dockerd(found.started)
                    raise AssertionError(f"dockerd did not start; its log ends:\n{tail}")
                time.sleep(0.5)
        try:
            yield found
        finally:
            if found.started is not None:
                stop_dockerd(found.started)
