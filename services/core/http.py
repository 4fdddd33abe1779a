"""The small HTTP server every service runs: ``/metrics``, ``/healthz`` and ``/readyz``.

``/healthz`` answers 200 while the event loop runs. ``/readyz`` answers 200 only when every
registered readiness check passes (for a consuming service: connected to the broker, with
partitions assigned), else 503; both bodies are JSON naming each check.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from .errors import ConfigurationError
from .logs import get_logger

log = get_logger(__name__)

ReadyCheck = Callable[[], bool]


class HealthServer:
    def __init__(self, registry: CollectorRegistry, host: str, port: int):
        self.registry = registry
        self.host = host
        self.port = port
        self.checks: dict[str, ReadyCheck] = {}
        self._server: asyncio.Server | None = None

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
            self._server = await asyncio.start_server(self._handle, self.host, self.port)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot serve /metrics on {self.host}:{self.port} ({exc.strerror}): another "
                "process uses the port; stop it or set NEWSWIRE_HTTP_PORT (0: any free port)"
            ) from None
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("http server listening", url=self.url)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            method, _, rest = request.partition(b" ")
            path = rest.split(b" ", 1)[0].split(b"?", 1)[0].decode("latin-1")
            status, content_type, body = self._route(method.decode("latin-1"), path)
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode("latin-1") + (b"" if method == b"HEAD" else body))
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except ConnectionError:
            pass
        finally:
            writer.close()

    def _route(self, method: str, path: str) -> tuple[str, str, bytes]:
        if method not in ("GET", "HEAD"):
            return "405 Method Not Allowed", "text/plain", b"method not allowed\n"
        if path == "/metrics":
            return "200 OK", CONTENT_TYPE_LATEST, generate_latest(self.registry)
        if path == "/healthz":
            return "200 OK", "application/json", b'{"status": "ok"}\n'
        if path == "/readyz":
            ready, checks = self.readiness()
            body = json.dumps({"ready": ready, "checks": checks}).encode() + b"\n"
            return ("200 OK" if ready else "503 Service Unavailable"), "application/json", body
        return "404 Not Found", "text/plain", b"not found: try /metrics, /healthz or /readyz\n"
