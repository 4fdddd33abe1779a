"""The enricher's analysis workers: the same results as in-process, and surviving deaths."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from services.core.transform import Failure
from services.enricher.analysis import Text, analyse
from services.enricher.workers import Analysed, AnalysisWorkers, analyse_chunk

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    Text("The mayor said that the bridge would reopen in March."),
    Text("“We will not stop,” John Kirby told reporters in Washington."),
    Text("According to the ministry, 40 people were evacuated from Kursk."),
]


def explosive_chunk(texts: Sequence[Text], batch_size: int, max_chars: int) -> list[Analysed]:
    """Kills its worker on a text that says "explode" (as a crash in native code would)."""
    if any("explode" in t.text for t in texts):
        os._exit(3)
    return analyse_chunk(texts, batch_size, max_chars)


def slow_chunk(texts: Sequence[Text], batch_size: int, max_chars: int) -> list[Analysed]:
    time.sleep(1.0)
    return analyse_chunk(texts, batch_size, max_chars)


def claims(done: Analysed) -> list[tuple[str | None, str, str]]:
    assert not isinstance(done.result, Failure), done.result
    return [(c.source and c.source.text, c.cue.lemma, c.content.text) for c in done.result.claims]


async def test_workers_give_what_the_analysis_gives_in_process() -> None:
    workers = AnalysisWorkers(processes=1, batch_size=2)
    workers.start()
    try:
        done = await workers.analyse(TEXTS)
        pid = workers.pids()
    finally:
        workers.close()
    assert pid and pid[0] != os.getpid()
    assert len(done) == len(TEXTS)
    for text, one in zip(TEXTS, done, strict=True):
        expected = analyse(text.text)
        assert claims(one) == [
            (c.source and c.source.text, c.cue.lemma, c.content.text) for c in expected.claims
        ]
        assert not isinstance(one.result, Failure)
        assert [e.name for e in one.result.entities] == [e.name for e in expected.entities]
    assert claims(done[0]) == [("The mayor", "say", "that the bridge would reopen in March")]


async def test_an_article_that_kills_its_worker_fails_alone() -> None:
    restarts: list[int] = []
    workers = AnalysisWorkers(
        processes=1,
        batch_size=4,
        chunk_fn=explosive_chunk,
        on_restart=lambda: restarts.append(1),
    )
    workers.start()
    texts = [TEXTS[0], Text("This one will explode."), TEXTS[2]]
    try:
        done = await workers.analyse(texts)
        after = await workers.analyse([TEXTS[1]])  # the replacement worker goes on
    finally:
        workers.close()
    failed = done[1].result
    assert isinstance(failed, Failure) and failed.error_class == "WorkerCrashed"
    assert claims(done[0]) == [("The mayor", "say", "that the bridge would reopen in March")]
    assert claims(done[2])[0][1] == "according to"
    assert claims(after[0])[0][0] == "John Kirby"
    assert len(restarts) == 2  # the batch's worker, then the culprit's own


async def test_a_worker_killed_from_outside_is_replaced_and_nothing_is_lost() -> None:
    restarts: list[int] = []
    workers = AnalysisWorkers(
        processes=1, batch_size=1, chunk_fn=slow_chunk, on_restart=lambda: restarts.append(1)
    )
    workers.start()
    try:
        running = asyncio.create_task(workers.analyse(TEXTS))
        await asyncio.sleep(0.5)
        [victim] = workers.pids()
        os.kill(victim, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        done = await running
        assert workers.pids() != [victim]
    finally:
        workers.close()
    assert restarts == [1]
    assert [claims(d)[0][0] for d in done] == ["The mayor", "John Kirby", "the ministry"]


def test_workers_exit_when_their_service_is_killed() -> None:
    script = (
        "from services.enricher.workers import AnalysisWorkers\n"
        "import time\n"
        "w = AnalysisWorkers(processes=1)\n"
        "w.start()\n"
        "print(w.pids()[0], flush=True)\n"
        "time.sleep(600)\n"
    )
    service = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert service.stdout is not None
        worker = int(service.stdout.readline())
        service.kill()  # SIGKILL: no chance to close its workers
        service.wait(10)
        deadline = time.monotonic() + 15
        while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        alive = Path(f"/proc/{worker}").exists()
        if alive:
            os.kill(worker, signal.SIGKILL)
        assert not alive, "the worker outlived its service"
    finally:
        service.kill()


def test_the_service_process_does_not_load_spacy() -> None:
    # spaCy and the model live in the analysis workers; the service's own process stays
    # small (the claims and entities modules use spaCy's types only for type checking)
    code = "import sys, services.enricher.service; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
