"""The broker stopped and restarted under load: the service notices (``/readyz`` answers
503), reconnects by itself (200 again, no restart of the service), and its output has
nothing lost and nothing duplicated."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.core.admin import ensure_topics
from services.core.testing import produce, read_topic
from services.core.topics import ALL_TOPICS
from tests.conftest import kafka_script

from .conftest import PYTHON, free_port, service_env
from .reliability import raw, tail

N = 400


async def readiness(port: int) -> int:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code
    except httpx.TransportError:
        return 0


async def until(port: int, status: int, timeout_s: float) -> None:
    loop = asyncio.get_running_loop()
    began = loop.time()
    while await readiness(port) != status:
        if loop.time() - began > timeout_s:
            raise AssertionError(f"/readyz did not answer {status} within {timeout_s} s")
        await asyncio.sleep(0.25)


def start_normalizer(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [PYTHON, "-m", "services", "normalizer"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "NEWSWIRE_KAFKA_STATE_DIR": str(tmp_path / "broker")}
    yield env
    kafka_script("stop", env)


async def test_broker_restart_under_load(own_broker: dict[str, str], tmp_path: Path) -> None:
    started = await asyncio.to_thread(kafka_script, "start", own_broker)
    assert started.returncode == 0
    bootstrap = started.stdout.strip().splitlines()[-1]
    prefix = f"brk{uuid.uuid4().hex[:6]}"
    await ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    items = [raw(i, 1) for i in range(N)]
    values = [(x.item_id.encode(), x.model_dump_json().encode()) for x in items]
    await produce(bootstrap, f"{prefix}.raw", values[: N // 2])

    port = free_port()
    env = service_env(
        bootstrap,
        prefix=prefix,
        NEWSWIRE_HTTP_PORT=str(port),
        NEWSWIRE_BATCH_MAX_RECORDS="5",
    )
    log = tmp_path / "normalizer.log"
    proc = start_normalizer(env, log)
    try:
        await until(port, 200, 60)
        clock = asyncio.get_running_loop().time
        before = len(await read_topic(bootstrap, f"{prefix}.articles"))
        assert before < N // 2, "the broker must stop while the service is busy"
        stopping = clock()
        stopped = await asyncio.to_thread(kafka_script, "stop", own_broker)
        assert stopped.returncode == 0
        await until(port, 503, 30)
        noticed = clock() - stopping  # from the stop command, its own run included
        starting = clock()
        again = await asyncio.to_thread(kafka_script, "start", own_broker)
        assert again.returncode == 0 and again.stdout.strip().splitlines()[-1] == bootstrap
        await until(port, 200, 120)
        recovered = clock() - starting
        assert proc.poll() is None, tail(log)  # reconnected by itself, never restarted
        await produce(bootstrap, f"{prefix}.raw", values[N // 2 :])
        out = await read_topic(bootstrap, f"{prefix}.articles", expect=N, timeout_s=180, quiet_s=3)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    ids = [json.loads(r.value or b"{}")["item_id"] for r in out]
    print(
        f"broker stopped: /readyz 503 {noticed:.1f} s after the stop command; started: 200 "
        f"{recovered:.1f} s after the start command; {before} of {N // 2} done at the stop; "
        f"{len(ids)} articles, {N - len(set(ids))} lost, "
        f"{len(ids) - len(set(ids))} duplicated"
    )
    assert sorted(ids) == sorted(x.item_id for x in items)
    assert code == 0, tail(log)
