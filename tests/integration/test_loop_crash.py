"""A consuming service killed with SIGKILL mid-stream, restarted: nothing lost or duplicated."""

from __future__ import annotations

import signal
import subprocess
import uuid
from pathlib import Path

from services.core.admin import create_topic
from services.core.testing import produce, read_topic, unique_topic

from .conftest import PYTHON, service_env
from .relaying import N, assert_exactly_once_in_order, records
from .reliability import kill_once_written

KILL_AT = (1_500, 4_000, 7_000)  # output records written (committed or not) at each kill


def start_relay(
    bootstrap: str, source: str, target: str, prefix: str, log: Path
) -> subprocess.Popen[bytes]:
    env = service_env(
        bootstrap,
        prefix=prefix,
        NEWSWIRE_BATCH_MAX_RECORDS="100",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [PYTHON, "-m", "services", "relay", "--from", source, "--to", target],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_sigkill_at_several_points_loses_and_duplicates_nothing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    source, target = unique_topic("crash-in"), unique_topic("crash-out")
    prefix = f"crash{uuid.uuid4().hex[:6]}"
    await create_topic(kafka_bootstrap, source, 3)
    await create_topic(kafka_bootstrap, target, 3)
    await produce(kafka_bootstrap, source, records())
    log = tmp_path / "relay.log"
    for threshold in KILL_AT:
        await kill_once_written(
            lambda: start_relay(kafka_bootstrap, source, target, prefix, log),
            kafka_bootstrap,
            target,
            threshold,
            log,
            timeout_s=120,
        )
    committed_so_far = await read_topic(kafka_bootstrap, target)
    assert 0 < len(committed_so_far) < N, "the kills must land mid-stream"

    proc = start_relay(kafka_bootstrap, source, target, prefix, log)
    try:
        out = await read_topic(kafka_bootstrap, target, expect=N, timeout_s=180, quiet_s=3)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
    assert_exactly_once_in_order(out)
