"""Running services: signals, the health server, and stopping everything together."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Sequence
from typing import Protocol

from .errors import NewswireError
from .http import HealthServer
from .logs import get_logger
from .metrics import Metrics

log = get_logger(__name__)


class Service(Protocol):
    """A long-running part of the pipeline."""

    @property
    def name(self) -> str: ...

    @property
    def ready(self) -> bool: ...

    async def run(self, stop: asyncio.Event) -> None: ...


def _ready_check(service: Service) -> Callable[[], bool]:
    return lambda: service.ready


def install_signal_handlers(stop: asyncio.Event) -> None:
    """SIGTERM and SIGINT set ``stop``: the services finish their batch, commit and close."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def run_services(
    services: Sequence[Service],
    metrics: Metrics,
    *,
    host: str,
    port: int,
    stop: asyncio.Event | None = None,
) -> None:
    """Run ``services`` until ``stop`` is set (or a signal arrives) or one of them fails."""
    stop = stop or asyncio.Event()
    install_signal_handlers(stop)
    health = HealthServer(metrics.registry, host, port)
    for service in services:
        health.add_check(service.name, _ready_check(service))
    await health.start()
    tasks = {asyncio.create_task(s.run(stop), name=s.name): s for s in services}
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        failed = [t for t in done if not t.cancelled() and t.exception() is not None]
        if failed:
            stop.set()
            await asyncio.wait(tasks, timeout=30)
            error = failed[0].exception()
            assert error is not None
            # newswire's own errors name the cause; the command reports them once.
            report = log.debug if isinstance(error, NewswireError) else log.error
            report("service failed", service=failed[0].get_name(), error=repr(error))
            raise error
    finally:
        stop.set()
        pending = [t for t in tasks if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=30)
        for task in pending:
            task.cancel()
        await health.stop()
