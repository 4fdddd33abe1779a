"""The small HTTP server every service runs: ``/metrics``, ``/healthz`` and ``/readyz``.

``/healthz`` answers 200 while the event loop runs. ``/readyz`` answers 200 only when every
registered readiness check passes (for a consuming service: connected to the broker, with
partitions assigned), else 503; both bodies are JSON naming each check.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from .errors import ConfigurationError
from .httpserver import HttpServer, Reply, Request
from .logs import get_logger

log = get_logger(__name__)

ReadyCheck = Callable[[], bool]
HEAD_TIMEOUT_S = 10.0
"""A connection that has not sent a whole request head after this long is closed."""
JSON = {"Content-Type": "application/json"}


class HealthServer(HttpServer):
    def __init__(self, registry: CollectorRegistry, host: str, port: int):
        # One request per connection: a scraper never races an idle connection's close.
        super().__init__(self._route, host, port, keep_alive=False, idle_timeout_s=HEAD_TIMEOUT_S)
        self.registry = registry
        self.checks: dict[str, ReadyCheck] = {}

    def add_check(self, name: str, check: ReadyCheck) -> None:
        self.checks[name] = check

    def readiness(self) -> tuple[bool, dict[str, bool]]:
        results = {}
        for name, check in self.checks.items():
            try:
                results[name] = bool(check())
            except Exception:
                results[name] = False
        return bool(results) and all(results.values()), results

    async def start(self) -> None:
        try:
            await super().start()
        except OSError as exc:
            raise ConfigurationError(
                f"cannot serve /metrics on {self.host}:{self.port} ({exc.strerror}): another "
                "process uses the port; stop it or set NEWSWIRE_HTTP_PORT (0: any free port)"
            ) from None
        log.info("http server listening", url=self.url())

    def _route(self, request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return Reply.text(405, "method not allowed\n")
        if request.path == "/metrics":
            return Reply(200, {"Content-Type": CONTENT_TYPE_LATEST}, generate_latest(self.registry))
        if request.path == "/healthz":
            return Reply(200, JSON, b'{"status": "ok"}\n')
        if request.path == "/readyz":
            ready, checks = self.readiness()
            body = json.dumps({"ready": ready, "checks": checks}).encode() + b"\n"
            return Reply(200 if ready else 503, JSON, body)
        return Reply.text(404, "not found: try /metrics, /healthz or /readyz\n")
