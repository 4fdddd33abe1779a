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

from services.core.records import RawItem
from services.core.testing import Consumed, read_topic, written
from tests.conftest import seed_article

from .conftest import PYTHON, service_env

KILLS = int(os.environ.get("NEWSWIRE_CRASH_KILLS", "20"))
"""Kills per service in the full suite."""
IDLE_S = 30.0
"""How long a run may write nothing before it is killed anyway (the input may be done).
Well above the group's 10 s session timeout: after a SIGKILL, the restarted process's
first write waits for the group to give up on the killed member."""


def raw(i: int, revision: int) -> RawItem:
    """Raw item ``i`` at ``revision``: the seed article with a short text of its own."""
    base = seed_article()
    return base.model_copy(
        update={
            "item_id": f"item{i:04d}",
            "revision": revision,
            "link": f"https://news.example.org/story/{i}",
            "content_text": f"Story {i}, version {revision}. The mayor said that road {i} is shut.",
            "content_hash": f"{i}-{revision}",
            "page_html": None,
        }
    )


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
            prefix=self.prefix,
            **self.env,
        )
        with self.log.open("ab") as out:
            return subprocess.Popen(
                [PYTHON, "-m", "services", self.service],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )


async def kill_once_written(
    start: Callable[[], subprocess.Popen[bytes]],
    bootstrap: str,
    topic: str,
    threshold: int,
    log: Path,
    timeout_s: float,
) -> None:
    """Start a service, wait until ``threshold`` records are written to ``topic``
    (committed or not), and SIGKILL it; fail if it exits first or takes ``timeout_s``."""
    proc = start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while await written(bootstrap, topic) < threshold:
            assert proc.poll() is None, f"the service exited:\n{tail(log)}"
            assert asyncio.get_running_loop().time() < deadline, tail(log)
            await asyncio.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


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
