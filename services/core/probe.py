"""Is the broker reachable? A periodic metadata request, for ``/readyz``.

A consumer that has nothing to read makes no request that fails when the broker goes
away, so a service would stay "ready" through an outage. The probe asks the cluster for
its metadata every ``interval_s``; an answer within ``timeout_s`` means reachable.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka.errors import KafkaError

from .logs import get_logger
from .settings import DEFAULTS

log = get_logger(__name__)


class BrokerProbe:
    def __init__(
        self,
        ask: Callable[[], Awaitable[Any]],
        interval_s: float = DEFAULTS.ready_probe_interval_s,
        timeout_s: float = DEFAULTS.ready_probe_timeout_s,
    ) -> None:
        self.ask = ask
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.reachable = True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(self.ask(), self.timeout_s)
                reachable = True
            except (KafkaError, TimeoutError, OSError):
                reachable = False
            if reachable != self.reachable:
                log.warning("broker reachable" if reachable else "broker unreachable")
            self.reachable = reachable
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval_s)
