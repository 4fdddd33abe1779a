"""The base images the Dockerfile and the compose file name, pulled or else built here.

Where no container registry is reachable, each one is replaced by a stand-in made from
Debian's packages with mmdebstrap (through the host's own apt sources) and tagged with the
real name: ``python:3.11-slim`` (bookworm's Python 3.11 and pip, with the host's extra CA
certificates so that pip in a build trusts what the host's pip trusts, and
EXTERNALLY-MANAGED removed as in the official image), ``apache/kafka`` (the jars of
deploy/kafka/pom.xml plus kafka-tools, on Debian's Java 17, with an entry point that turns
KAFKA_* variables into server.properties) and ``prom/prometheus`` (Debian's prometheus).
A stand-in carries a label with the hash of its recipe: it is rebuilt when the recipe
changes, and kept otherwise.

    python -m tests.containers.standins     # make them available (starts a dockerd if needed)
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.conftest import ROOT

from .engine import Engine, say

HERE = Path(__file__).resolve().parent
KAFKA_FILES = HERE / "kafka-standin"
LABEL = "io.newswire.standin"
NO_DOCS = ("/usr/share/doc/*", "/usr/share/man/*", "/usr/share/locale/*", "/usr/share/info/*")


@dataclass
class Recipe:
    """An mmdebstrap run and the image configuration ``docker import`` gives its tarball."""

    packages: list[str]
    hooks: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    # Copied into the folder the hooks know as $FILES, under these names, and hashed.
    files: dict[str, Path] = field(default_factory=dict)
    # Fills $FILES with what derives from ``files`` (fetched jars, say), before the hooks run.
    prepare: Callable[[Path], None] | None = None

    def digest(self) -> str:
        h = hashlib.sha256(repr((self.packages, self.hooks, self.changes)).encode())
        for name, path in sorted(self.files.items()):
            h.update(name.encode())
            for f in sorted(p for p in [path, *path.rglob("*")] if p.is_file()):
                h.update(f.name.encode() + f.read_bytes())
        return h.hexdigest()[:16]


def apt_sources() -> Path:
    """The host's Debian sources, which mmdebstrap pastes into the image's apt."""
    for path in (Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")):
        if path.exists() and re.search(r"^(deb |Types:)", path.read_text(), re.M):
            return path
    raise AssertionError("no Debian apt sources on this machine to build base images from")


def python_recipe(tag: str) -> Recipe:
    assert tag.startswith("3.11"), f"python:{tag}: Debian bookworm's python3 is 3.11"
    return Recipe(
        packages=["python3", "python3-pip", "python-is-python3", "ca-certificates"],
        hooks=[
            'cp "$FILES"/cas/* "$1/usr/local/share/ca-certificates/" 2>/dev/null || true',
            'chroot "$1" update-ca-certificates >/dev/null',
            'rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED',
        ],
        changes=["ENV LANG=C.UTF-8", 'CMD ["python3"]'],
        files={"cas": Path("/usr/local/share/ca-certificates")},
    )


def kafka_recipe(tag: str) -> Recipe:
    pom = (ROOT / "deploy" / "kafka" / "pom.xml").read_text()
    version = re.search(r"<kafka.version>(.+?)</kafka.version>", pom)
    assert version and version[1] == tag, (
        f"apache/kafka:{tag} in the compose file, Kafka {version and version[1]} in "
        "deploy/kafka/pom.xml: keep them the same"
    )
    return Recipe(
        packages=["openjdk-17-jre-headless"],
        hooks=[
            'mkdir -p "$1/opt/kafka/bin" "$1/opt/kafka/config" "$1/var/lib/kafka/data"',
            'cp -r "$FILES/libs" "$1/opt/kafka/libs"',
            'cp "$FILES"/kafka/*.sh "$1/opt/kafka/bin/"',
            'cp "$FILES/kafka/log4j2.properties" "$1/opt/kafka/config/"',
            'chroot "$1" useradd --uid 1000 --no-create-home appuser',
            'chroot "$1" chown -R appuser /opt/kafka/config /var/lib/kafka',
        ],
        changes=[
            "USER appuser",
            "EXPOSE 9092",
            'ENTRYPOINT ["/opt/kafka/bin/entrypoint.sh"]',
        ],
        files={"kafka": KAFKA_FILES, "pom": ROOT / "deploy" / "kafka" / "pom.xml"},
        prepare=kafka_libs,
    )


def prometheus_recipe(tag: str) -> Recipe:
    return Recipe(
        packages=["prometheus"],
        hooks=['mkdir -p "$1/prometheus"', 'chroot "$1" chown nobody:nogroup /prometheus'],
        changes=[
            "USER nobody",
            "WORKDIR /prometheus",
            "EXPOSE 9090",
            'ENTRYPOINT ["/usr/bin/prometheus"]',
            'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]',
        ],
    )


def kafka_libs(into: Path) -> None:
    """The broker's jars (deploy/kafka/pom.xml) and kafka-tools', from Maven's repository."""
    pom = (into / "pom").read_text()
    tools = (
        "<dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId>"
        "<version>${kafka.version}</version></dependency>"
    )
    (into / "pom.xml").write_text(pom.replace("</dependencies>", tools + "</dependencies>", 1))
    mvn = shutil.which("mvn")
    assert mvn, "Maven is missing: it fetches Kafka's jars for the stand-in apache/kafka image"
    done = subprocess.run(
        [mvn, "-q", "-B", "-f", str(into / "pom.xml"), "dependency:copy-dependencies",
         f"-DoutputDirectory={into / 'libs'}", "-DincludeScope=runtime"],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"Maven could not fetch Kafka's jars:\n{done.stdout[-3000:]}"


def base_images(services: Collection[str]) -> list[str]:
    """The images the Dockerfile builds from and ``services`` of the compose file run, but
    newswire's own."""
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    names = set(re.findall(r"^FROM (\S+)", dockerfile, re.M))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    names |= {s["image"] for n, s in compose["services"].items() if n in services}
    return sorted(n for n in names if not n.startswith("newswire"))


RECIPES: dict[str, Callable[[str], Recipe]] = {
    "python": python_recipe,
    "apache/kafka": kafka_recipe,
    "prom/prometheus": prometheus_recipe,
}


def recipe_for(image: str) -> Recipe | None:
    repository, _, tag = image.partition(":")
    maker = RECIPES.get(repository)
    return maker(tag) if maker else None


def build(engine: Engine, image: str, recipe: Recipe, workdir: Path) -> None:
    digest = recipe.digest()
    files = workdir / "files"
    files.mkdir()
    for name, path in recipe.files.items():
        if path.is_dir():
            shutil.copytree(path, files / name)
        elif path.exists():
            shutil.copy(path, files / name)
    if recipe.prepare is not None:
        recipe.prepare(files)
    tarball = workdir / "rootfs.tar"
    command = [
        "mmdebstrap", "--variant=minbase", "--quiet", f"--include={','.join(recipe.packages)}",
        *[f"--dpkgopt=path-exclude={p}" for p in NO_DOCS],
        # Without manuals, but with their folders: Java's postinst links its manual there.
        '--essential-hook=mkdir -p "$1/usr/share/man/man1"',
        *[f"--customize-hook=FILES={shlex.quote(str(files))}; {hook}" for hook in recipe.hooks],
        '--customize-hook=rm -rf "$1"/var/lib/apt/lists/*',
        "bookworm", str(tarball), str(apt_sources()),
    ]  # fmt: skip
    say(f"building a stand-in {image} with mmdebstrap from Debian's packages")
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, f"mmdebstrap failed for {image}:\n{done.stderr[-4000:]}"
    changes = [*recipe.changes, f"LABEL {LABEL}={digest}"]
    engine.docker(
        "import", *[a for c in changes for a in ("--change", c)], str(tarball), image, timeout=600
    )
    tarball.unlink()


def ensure(engine: Engine, image: str) -> str:
    """Make ``image`` available; return how (cached, pulled, built)."""
    with tempfile.TemporaryDirectory(prefix="standin-") as tmp:
        recipe = recipe_for(image)
        inspect = engine.docker(
            "image", "inspect", "--format", f'{{{{index .Config.Labels "{LABEL}"}}}}', image,
            check=False,
        )  # fmt: skip
        if inspect.returncode == 0:
            label = inspect.stdout.strip()
            if label in ("", "<no value>") or recipe is None or label == recipe.digest():
                return "cached"  # the real image, or a stand-in of the current recipe
        elif engine.docker("pull", image, timeout=300, check=False).returncode == 0:
            return "pulled"
        assert recipe is not None, f"{image} cannot be pulled and has no stand-in recipe"
        build(engine, image, recipe, Path(tmp))
        return "built"


if __name__ == "__main__":
    from .engine import engine

    with tempfile.TemporaryDirectory() as work, engine(Path(work)) as running:
        for name in base_images(["kafka", "prometheus"]):
            print(name, ensure(running, name))
