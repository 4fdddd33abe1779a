"""Fixtures shared by every test. The Kafka broker is real: one per test session."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KAFKA_SCRIPT = ROOT / "deploy" / "kafka" / "kafka.sh"
SEED = ROOT / "seeds" / "000_0476a4ae6c8b30a8.txt"


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
