"""The lock files of requirements/ agree with pyproject.toml, pin every dependency with its
hashes, and are what the image and make's venv install (`make lock` rewrites them)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT

REQUIREMENTS = ROOT / "requirements"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


@dataclass
class Pin:
    name: str
    version: Version
    hashes: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)


def read_lock(path: Path) -> dict[str, list[Pin]]:
    """Pins by canonical name (a name may be pinned twice, under exclusive markers)."""
    pins: dict[str, list[Pin]] = {}
    current: Pin | None = None
    in_via = False
    for line in path.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", line):
            current = Pin(canonicalize_name(match[1]), Version(match[2]))
            pins.setdefault(current.name, []).append(current)
            in_via = False
        elif current is None:
            continue
        elif match := re.match(r"^\s+--hash=(sha256:[0-9a-f]{64})", line):
            current.hashes.append(match[1])
        elif match := re.match(r"^\s+# via ?(.*)$", line):
            in_via = not match[1]
            if match[1]:
                current.via.append(match[1].strip())
        elif in_via and (match := re.match(r"^\s+#\s+(.*)$", line)):
            current.via.append(match[1].strip())
        elif line.strip():
            raise AssertionError(f"{path.name}: unexpected line {line!r}")
    return pins


def direct(pins: dict[str, list[Pin]], source: str) -> set[str]:
    return {name for name, ps in pins.items() if any(source in v for p in ps for v in p.via)}


def assert_satisfied(requirements: list[str], pins: dict[str, list[Pin]], where: str) -> None:
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{where} does not pin {name}: run `make lock`"
        for pin in pins[name]:
            assert requirement.specifier.contains(pin.version, prereleases=True), (
                f"{where} pins {name}=={pin.version}, but pyproject.toml asks for "
                f"{requirement}: run `make lock`"
            )


@pytest.mark.parametrize("lock", ["runtime.txt", "dev.txt", "build.txt", "model.txt"])
def test_every_pin_has_hashes(lock: str) -> None:
    pins = read_lock(REQUIREMENTS / lock)
    assert pins
    for name, ps in pins.items():
        for pin in ps:
            assert pin.hashes, f"{lock}: {name}=={pin.version} has no hash"


def test_the_runtime_lock_pins_exactly_the_project_dependencies() -> None:
    pins = read_lock(REQUIREMENTS / "runtime.txt")
    wanted = PYPROJECT["project"]["dependencies"]
    assert_satisfied(wanted, pins, "requirements/runtime.txt")
    # A dependency dropped from pyproject.toml must leave the lock too.
    declared = {canonicalize_name(Requirement(r).name) for r in wanted}
    assert direct(pins, "pyproject.toml") == declared, "run `make lock`"


def test_the_dev_lock_adds_the_dev_tools_and_the_build_backend_to_the_same_pins() -> None:
    runtime = read_lock(REQUIREMENTS / "runtime.txt")
    dev = read_lock(REQUIREMENTS / "dev.txt")
    assert_satisfied(PYPROJECT["project"]["optional-dependencies"]["dev"], dev, "dev.txt")
    assert_satisfied(PYPROJECT["build-system"]["requires"], dev, "dev.txt")
    for name, ps in runtime.items():
        assert name in dev, f"dev.txt lacks {name}: run `make lock`"
        assert {p.version for p in ps} == {p.version for p in dev[name]}, name
    declared = {
        canonicalize_name(Requirement(r).name)
        for r in [
            *PYPROJECT["project"]["dependencies"],
            *PYPROJECT["project"]["optional-dependencies"]["dev"],
        ]
    }
    assert direct(dev, "pyproject.toml") == declared, "run `make lock`"


def test_the_build_lock_pins_the_build_backend() -> None:
    build_in = [
        line.strip()
        for line in (REQUIREMENTS / "build.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # build.in restates pyproject's [build-system] requires: they must not drift apart.
    assert sorted(build_in) == sorted(PYPROJECT["build-system"]["requires"])
    assert_satisfied(build_in, read_lock(REQUIREMENTS / "build.txt"), "build.txt")


def test_the_image_and_the_venv_install_from_the_locks_with_hashes() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for lock in ("runtime.txt", "build.txt", "model.txt"):
        assert re.search(rf"--require-hashes[^\n]*-r \S*{lock}", dockerfile), lock
    for lock in ("dev.txt", "model.txt"):
        assert re.search(rf"--require-hashes -r requirements/{lock}", makefile), lock
    # Nothing is resolved outside the locks: newswire itself goes in without dependencies.
    assert re.search(r"pip (wheel|install)[^\n]*--no-deps[^\n]*--no-build-isolation", dockerfile)
    assert "--no-deps --no-build-isolation -e ." in makefile
