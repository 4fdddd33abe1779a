"""deploy/kafka/kafka.sh: start twice, status, stop cleanly, restart with its data."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from services.core.admin import create_topic
from services.core.testing import produce, read_topic
from tests.conftest import kafka_script


async def test_start_twice_status_stop_and_restart(tmp_path: Path) -> None:
    if os.environ.get("NEWSWIRE_TEST_KAFKA_BOOTSTRAP"):
        pytest.fail("this test starts its own broker: unset NEWSWIRE_TEST_KAFKA_BOOTSTRAP")
    env = {**os.environ, "NEWSWIRE_KAFKA_STATE_DIR": str(tmp_path / "state")}
    try:
        first = kafka_script("start", env)
        assert first.returncode == 0
        address = first.stdout.strip()
        host, port = address.split(":")
        assert host == "127.0.0.1" and int(port) > 0

        began = time.monotonic()
        again = kafka_script("start", env)
        assert again.returncode == 0 and again.stdout.strip() == address
        assert time.monotonic() - began < 5, "a running broker is found, not started again"

        status = kafka_script("status", env)
        assert status.returncode == 0 and status.stdout.startswith(f"running {address}")

        await create_topic(address, "survives", 1)
        await produce(address, "survives", [(b"k", b"kept across a restart")])

        assert kafka_script("stop", env).returncode == 0
        assert kafka_script("status", env).returncode == 3
        assert kafka_script("bootstrap", env).returncode == 3
        assert kafka_script("stop", env).returncode == 0  # stopping twice is fine

        restarted = kafka_script("start", env)
        assert restarted.returncode == 0 and restarted.stdout.strip() == address
        [record] = await read_topic(address, "survives")
        assert record.value == b"kept across a restart"
    finally:
        kafka_script("stop", env)
