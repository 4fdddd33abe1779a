"""Politeness per host: a concurrency limit, spacing between requests, Retry-After embargoes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from yarl import URL


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    next_start: float = 0.0
    embargo_until: float = 0.0
    users: int = 0


@dataclass
class HostGate:
    per_host: int
    min_interval_s: float
    clock: Callable[[], float] = time.monotonic
    _hosts: dict[str, _Host] = field(default_factory=dict)

    @staticmethod
    def key(url: URL) -> str:
        return f"{url.scheme}://{url.raw_host}:{url.port or ''}"

    def block(self, url: URL, seconds: float) -> None:
        """Embargo the host for ``seconds`` (Retry-After on 429 and 503)."""
        host = self._hosts.setdefault(self.key(url), _Host(asyncio.Semaphore(self.per_host)))
        host.embargo_until = max(host.embargo_until, self.clock() + seconds)

    def embargo_remaining(self, url: URL) -> float:
        host = self._hosts.get(self.key(url))
        return max(0.0, host.embargo_until - self.clock()) if host else 0.0

    @asynccontextmanager
    async def slot(self, url: URL) -> AsyncIterator[None]:
        """Wait for the host's turn; hold one of its concurrent slots meanwhile."""
        key = self.key(url)
        host = self._hosts.setdefault(key, _Host(asyncio.Semaphore(self.per_host)))
        host.users += 1
        try:
            async with host.semaphore:
                while True:
                    now = self.clock()
                    start = max(host.next_start, host.embargo_until)
                    if start <= now:
                        break
                    await asyncio.sleep(start - now)
                host.next_start = self.clock() + self.min_interval_s
                yield
        finally:
            host.users -= 1
            if host.users == 0 and self.clock() > max(host.next_start, host.embargo_until):
                self._hosts.pop(key, None)  # idle and unrestricted: forget it
