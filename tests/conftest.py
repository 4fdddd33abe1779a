"""Fixtures and helpers shared by every test. The Kafka broker is real: one per test
session."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.core.records import RawItem, SourceState
from services.ingester.files import read_seed, seed_items

ROOT = Path(__file__).resolve().parents[1]
KAFKA_SCRIPT = ROOT / "deploy" / "kafka" / "kafka.sh"
SEED = ROOT / "seeds" / "000_0476a4ae6c8b30a8.txt"
SEED_READ_AT = datetime(2024, 10, 23, tzinfo=UTC)


def seed_article() -> RawItem:
    """The seed file (``SEED``) as the ingester reads it: one raw item."""
    seed = read_seed(SEED.parent, SEED)
    state = SourceState(source_id="s", kind="file", uri=SEED.name)
    [item] = seed_items(seed, state, SEED_READ_AT).items
    return item


def kafka_script(action: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``deploy/kafka/kafka.sh ACTION``; stdout captured, progress on stderr."""
    return subprocess.run(
        ["bash", str(KAFKA_SCRIPT), action],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="session")
def kafka_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the session's broker: its own state folder."""
    return {**os.environ, "NEWSWIRE_KAFKA_STATE_DIR": str(tmp_path_factory.mktemp("kafka"))}


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka_env: dict[str, str]) -> Iterator[str]:
    """A real single-node Kafka broker on 127.0.0.1, started for this test session.

    ``NEWSWIRE_TEST_KAFKA_BOOTSTRAP`` points the tests at a broker that already runs.
    """
    given = os.environ.get("NEWSWIRE_TEST_KAFKA_BOOTSTRAP")
    if given:
        yield given
        return
    started = kafka_script("start", kafka_env)
    if started.returncode != 0:
        pytest.fail(
            f"the local Kafka broker did not start: {KAFKA_SCRIPT} exited {started.returncode}"
        )
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        kafka_script("stop", kafka_env)


@dataclass(frozen=True)
class SecuredBroker:
    """The session's secured broker (``NEWSWIRE_KAFKA_SECURED=1 kafka.sh start``): its
    listeners, the CA and client certificate made for it, and the SCRAM user."""

    plaintext: str
    sasl_ssl: str
    ssl: str
    ca_file: str
    cert_file: str
    key_file: str
    username: str
    password_file: str

    @property
    def password(self) -> str:
        return Path(self.password_file).read_text().strip()

    def scram_env(self, mechanism: str = "SCRAM-SHA-512") -> dict[str, str]:
        """The settings of a client on the SASL_SSL listener, the password in a file."""
        return {
            "NEWSWIRE_KAFKA_BOOTSTRAP": self.sasl_ssl,
            "NEWSWIRE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "NEWSWIRE_KAFKA_SASL_MECHANISM": mechanism,
            "NEWSWIRE_KAFKA_SASL_USERNAME": self.username,
            "NEWSWIRE_KAFKA_SASL_PASSWORD_FILE": self.password_file,
            "NEWSWIRE_KAFKA_SSL_CA_FILE": self.ca_file,
        }

    def mtls_env(self) -> dict[str, str]:
        """The settings of a client on the mutual-TLS listener."""
        return {
            "NEWSWIRE_KAFKA_BOOTSTRAP": self.ssl,
            "NEWSWIRE_KAFKA_SECURITY_PROTOCOL": "SSL",
            "NEWSWIRE_KAFKA_SSL_CA_FILE": self.ca_file,
            "NEWSWIRE_KAFKA_SSL_CERT_FILE": self.cert_file,
            "NEWSWIRE_KAFKA_SSL_KEY_FILE": self.key_file,
        }


@pytest.fixture(scope="session")
def secured_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    """A second real broker, with a SASL_SSL and a mutual-TLS listener, for the tests of
    secured clusters: one per session, in its own state folder, on free ports."""
    state = tmp_path_factory.mktemp("kafka-secured")
    env = {**os.environ, "NEWSWIRE_KAFKA_STATE_DIR": str(state), "NEWSWIRE_KAFKA_SECURED": "1"}
    started = kafka_script("start", env)
    if started.returncode != 0:
        pytest.fail(
            f"the secured Kafka broker did not start: {KAFKA_SCRIPT} exited {started.returncode}"
        )
    try:
        facts = dict(
            line.split("=", 1) for line in (state / "secured.env").read_text().splitlines()
        )
        yield SecuredBroker(
            plaintext=started.stdout.strip().splitlines()[-1],
            sasl_ssl=facts["SASL_SSL_BOOTSTRAP"],
            ssl=facts["SSL_BOOTSTRAP"],
            ca_file=facts["CA_FILE"],
            cert_file=facts["CLIENT_CERT_FILE"],
            key_file=facts["CLIENT_KEY_FILE"],
            username=facts["USERNAME"],
            password_file=facts["PASSWORD_FILE"],
        )
    finally:
        kafka_script("stop", env)


@pytest.fixture
def nested_folders() -> Iterator[Callable[[Path, int], Path]]:
    """``make(root, depth)`` makes ``root/d/d/.../d`` (``depth`` folders) and returns the
    deepest; they are removed after the test, one by one (``shutil.rmtree`` and pytest's
    own clean-up recurse once per level and fail past about a thousand)."""
    made: list[Path] = []

    def make(root: Path, depth: int) -> Path:
        path = str(root)
        for _ in range(depth):
            path = os.path.join(path, "d")
            os.mkdir(path)
        made.append(root / "d")
        return Path(path)

    yield make
    for top in made:
        remove_nested(top)


def remove_nested(top: Path) -> None:
    """Remove a chain of nested folders from the bottom up, without recursion."""
    chain = []
    path = str(top)
    while os.path.isdir(path) and not os.path.islink(path):
        chain.append(path)
        path = os.path.join(path, "d")
    for folder in reversed(chain):
        for name in os.listdir(folder):
            full = os.path.join(folder, name)
            if not os.path.isdir(full) or os.path.islink(full):
                os.unlink(full)
        os.rmdir(folder)
