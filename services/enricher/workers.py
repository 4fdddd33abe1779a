"""The enricher's analysis in worker processes, away from the process that talks to Kafka.

spaCy holds the GIL for most of its work. Run in a thread of the service's process, it
shares the GIL with the event loop (fetches, produces, transactions, heartbeats): each
waits for the other, and on a small machine the analysis took a fifth more CPU time than
alone. In a worker process of its own it runs at the speed of bare ``nlp.pipe``
(docs/enricher.md has the measurements).

``AnalysisWorkers`` keeps ``processes`` spawned workers, each with the model loaded once.
A batch of articles is cut into chunks of ``batch_size`` (one ``nlp.pipe`` batch each),
submitted in order and gathered in order. An article whose analysis raises comes back as
a ``Failure``; the others of its chunk are unaffected. A worker that dies (killed, out of
memory, a crash in native code) is replaced, and the articles it held are analysed again
one by one in fresh workers, so an article that kills a worker by itself comes back as a
``Failure`` and the rest go through.

``processes=0`` analyses in a thread of this process instead (less memory, one process).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.queues import SimpleQueue

from ..core.settings import DEFAULTS
from ..core.transform import Failure
from .analysis import Analysis, Text, analyse_doc
from .pipeline import nlp


@dataclass(frozen=True, slots=True)
class Analysed:
    """One article's analysis (or why it failed) and the seconds it took."""

    result: Analysis | Failure
    seconds: float


ChunkFn = Callable[[Sequence[Text], int, int], list[Analysed]]
"""Analyses a chunk of texts in a worker: texts, batch size, characters analysed at most."""


def analyse_chunk(texts: Sequence[Text], batch_size: int, max_chars: int) -> list[Analysed]:
    """One ``Analysed`` per text, in order; spaCy batches the texts.

    The seconds of an article run from the end of the previous one, so the first article
    of each spaCy batch carries that batch's parsing."""
    out: list[Analysed] = []
    docs = nlp().pipe((t.text[:max_chars] for t in texts), batch_size=batch_size)
    started = time.perf_counter()
    for i, text in enumerate(texts):
        result: Analysis | Failure
        try:
            doc = next(docs)
        except Exception as exc:  # spaCy failed on this text: it fails, the rest go on
            result = Failure.from_exception(exc)
            rest = texts[i + 1 :]
            docs = nlp().pipe((t.text[:max_chars] for t in rest), batch_size=batch_size)
        else:
            try:
                result = analyse_doc(doc, text.title, text.embeds, max_chars)
            except Exception as exc:  # this article fails alone
                result = Failure.from_exception(exc)
        ended = time.perf_counter()
        out.append(Analysed(result, ended - started))
        started = ended
    return out


def _orphan_watch(parent: int) -> None:
    """Exit when the service process is gone (killed without closing its workers)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _start_worker(parent: int, started: SimpleQueue[int]) -> None:
    """A worker's start: it says its process id, loads the model once; Ctrl-C is the
    service's to handle."""
    started.put(os.getpid())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_orphan_watch, args=(parent,), daemon=True).start()
    nlp()


def _ready() -> int:
    return os.getpid()


class AnalysisWorkers:
    """Analyses articles in ``processes`` worker processes (or a thread, if 0)."""

    def __init__(
        self,
        processes: int = DEFAULTS.enricher_processes,
        batch_size: int = DEFAULTS.enricher_batch_size,
        max_chars: int = DEFAULTS.enricher_max_chars,
        chunk_fn: ChunkFn = analyse_chunk,
        on_restart: Callable[[], None] | None = None,
    ) -> None:
        self.processes = processes
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.chunk_fn = chunk_fn
        self.on_restart = on_restart
        self._pool: ProcessPoolExecutor | None = None
        self._started: SimpleQueue[int] | None = None  # the pool's workers say their pids
        self._pids: list[int] = []
        self._replacing = asyncio.Lock()
        self._in_thread = asyncio.Lock()  # one pipeline, used by one thread at a time

    def start(self) -> None:
        """Start the workers and wait until each has loaded the model (blocking)."""
        if self.processes == 0:
            nlp()
            return
        for future in self._warming(self._new_pool()):
            future.result()

    def _warming(self, pool: ProcessPoolExecutor) -> list[Future[int]]:
        return [pool.submit(_ready) for _ in range(self.processes)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def pids(self) -> list[int]:
        """The ids of the current pool's worker processes, as each said when it started
        (none with ``processes=0``)."""
        while self._started is not None and not self._started.empty():
            self._pids.append(self._started.get())
        return sorted(self._pids)

    async def analyse(self, texts: Sequence[Text]) -> list[Analysed]:
        """One ``Analysed`` per text, in order."""
        size = self.batch_size
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        if self.processes == 0:
            out: list[Analysed] = []
            async with self._in_thread:
                for chunk in chunks:
                    out += await asyncio.to_thread(self.chunk_fn, chunk, size, self.max_chars)
            return out
        pool = self._pool or self._new_pool()
        pending = [self._submit(pool, chunk) for chunk in chunks]
        results: list[Analysed] = []
        for chunk, future in zip(chunks, pending, strict=True):
            try:
                results += await future
            except BrokenProcessPool:
                await self._replace(pool)
                for text in chunk:  # alone, so that only the culprit fails
                    results.append(await self._alone(text))
        return results

    def _submit(self, pool: Executor, chunk: Sequence[Text]) -> asyncio.Future[list[Analysed]]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(pool, self.chunk_fn, chunk, self.batch_size, self.max_chars)

    async def _alone(self, text: Text) -> Analysed:
        pool = self._pool or self._new_pool()
        try:
            [done] = await self._submit(pool, [text])
            return done
        except BrokenProcessPool:
            await self._replace(pool)
            return Analysed(
                Failure(
                    "transform",
                    "WorkerCrashed",
                    "the analysis worker died on this article (killed, out of memory, or a "
                    "crash in native code); it was restarted",
                ),
                0.0,
            )

    async def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A new pool for a broken one, once, however many batches saw it break."""
        async with self._replacing:
            if self._pool is broken:
                if self.on_restart is not None:
                    self.on_restart()
                broken.shutdown(wait=False, cancel_futures=True)
                pool = self._new_pool()  # in use at once: nobody starts a second one
                await asyncio.gather(*(asyncio.wrap_future(f) for f in self._warming(pool)))

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")
        self._started, self._pids = context.SimpleQueue(), []
        self._pool = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), self._started),
        )
        return self._pool
