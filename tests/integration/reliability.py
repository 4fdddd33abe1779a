"""Crash trials: a service run as a process, killed with SIGKILL at random points of its
progress and restarted, then its committed output checked against its input."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from services.core.admin import topic_partitions
from services.core.testing import Consumed, read_topic

from .conftest import PYTHON, service_env

KILLS = int(os.environ.get("NEWSWIRE_CRASH_KILLS", "20"))
"""Kills per service in the full suite."""
IDLE_S = 30.0
"""How long a run may write nothing before it is killed anyway (the input may be done).
Well above the group's 10 s session timeout: after a SIGKILL, the restarted process's
first write waits for the group to give up on the killed member."""


@dataclass
class Trial:
    """One service under test and what its output must be."""

    service: str
    bootstrap: str
    prefix: str
    output: str
    expected: int
    identity: Callable[[Consumed], tuple[str, int]]
    """(key, revision) of an output record: keys once per revision, revisions in order."""
    env: dict[str, str] = field(default_factory=dict)
    log: Path = Path("service.log")
    kills: list[int] = field(default_factory=list)
    mid_stream: int = 0
    """Kills that came after the process had written output in its run."""

    def start(self) -> subprocess.Popen[bytes]:
        env = service_env(
            self.bootstrap,
            NEWSWIRE_TOPIC_PREFIX=self.prefix,
            NEWSWIRE_GROUP_PREFIX=self.prefix,
            NEWSWIRE_HTTP_PORT="0",
            **self.env,
        )
        with self.log.open("ab") as out:
            return subprocess.Popen(
                [PYTHON, "-m", "services", self.service],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )


async def written(bootstrap: str, topic: str) -> int:
    """Records written to ``topic`` so far, committed or not (the high-water marks)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        partitions = await topic_partitions(bootstrap, topic)
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


async def kill_and_restart(trial: Trial, kills: int, rng: random.Random) -> None:
    """``kills`` times: start the service, wait until it writes output (or, once the input
    is done, up to ``IDLE_S``), then a random moment more, and SIGKILL it."""
    for _ in range(kills):
        base = await written(trial.bootstrap, trial.output)
        proc = trial.start()
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + IDLE_S
            while await written(trial.bootstrap, trial.output) <= base:
                if proc.poll() is not None:
                    raise AssertionError(f"{trial.service} exited:\n{tail(trial.log)}")
                if loop.time() > deadline:
                    break
                await asyncio.sleep(0.02)
            else:
                trial.mid_stream += 1
            await asyncio.sleep(rng.uniform(0.0, 0.15))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        trial.kills.append(await written(trial.bootstrap, trial.output))


async def finish_and_check(trial: Trial) -> list[Consumed]:
    """A last run to the end; the committed output: each (key, revision) once, in order."""
    proc = trial.start()
    try:
        out = await read_topic(
            trial.bootstrap, trial.output, expect=trial.expected, timeout_s=300, quiet_s=3
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, tail(trial.log)
    seen = [trial.identity(r) for r in out]
    lost = trial.expected - len(set(seen))
    duplicated = len(seen) - len(set(seen))
    print(
        f"{trial.service}: {len(trial.kills)} kills ({trial.mid_stream} mid-stream), "
        f"{len(out)} records committed, "
        f"{lost} lost, {duplicated} duplicated"
    )
    assert duplicated == 0 and lost == 0 and len(seen) == trial.expected
    assert trial.mid_stream >= min(2, len(trial.kills)), "kills must land mid-stream"
    last: dict[str, int] = {}
    for r in sorted(out, key=lambda r: (r.partition, r.offset)):
        key, revision = trial.identity(r)
        assert revision > last.get(key, 0), f"{key}: revision {revision} after {last[key]}"
        last[key] = revision
    return out


def tail(log: Path, size: int = 3000) -> str:
    return log.read_text(errors="replace")[-size:] if log.exists() else "(no log)"
