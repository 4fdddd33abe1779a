"""A small HTTP/1.1 server on asyncio streams, for local endpoints.

newswire's health endpoints, the example feeds of the local run, the benchmarks' feed farm
and the tests' servers are all this one server with a handler of their own::

    async def hello(request: Request) -> Reply:
        return Reply(200, {"Content-Type": "text/plain"}, b"hello\\n")

    server = HttpServer(hello, "127.0.0.1", 0)
    await server.start()   # server.port: the port it got
    ...
    await server.stop()

A handler takes a ``Request`` (method, target, headers with lower-case names) and returns a
``Reply``, or a coroutine of one. A reply's body is bytes (sent with its length; not sent
for HEAD), or a function giving an async iterator of chunks (sent chunked, as they come).
A reply with ``raw`` bytes is written exactly as given, then the connection closes: a
malformed response, for testing clients. A handler that raises is answered 500 (and
logged). Connections stay open for the next request unless the client or ``keep_alive``
says otherwise. Requests have no body worth reading here: a declared one up to 64 KiB is
read and dropped; a chunked or larger one ends the connection with 413.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus

from .logs import get_logger

log = get_logger(__name__)

REASONS = {status.value: status.phrase for status in HTTPStatus}
MAX_REQUEST_BODY = 64 * 1024
_DROPPED = (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, TimeoutError)


@dataclass(slots=True)  # not frozen: a frozen dataclass costs the farm's hot path
class Request:
    method: str
    target: str
    """As sent: a path with its query, or an absolute URL (a request to a proxy)."""
    headers: Mapping[str, str]
    received_at: float
    """``time.monotonic()`` when the request's head had arrived."""

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


Body = bytes | Callable[[], AsyncIterator[bytes]]


@dataclass(slots=True)
class Reply:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Body = b""
    raw: bytes | None = None
    """Written as is instead of a response made of the fields above; then the connection
    closes."""

    @classmethod
    def text(cls, status: int, text: str) -> Reply:
        return cls(status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode())


Handler = Callable[[Request], Reply | Awaitable[Reply]]


class HttpServer:
    """Serves ``handler`` on ``host`` and ``port`` (0: any free port; ``port`` then says
    which). ``idle_timeout_s``: how long a connection may wait with no complete request
    head before it is closed (None: as long as the client keeps it)."""

    def __init__(
        self,
        handler: Handler,
        host: str,
        port: int,
        *,
        keep_alive: bool = True,
        idle_timeout_s: float | None = None,
    ) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.keep_alive = keep_alive
        self.idle_timeout_s = idle_timeout_s
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        """Listen (``OSError`` when the address cannot be had)."""
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and close the open connections."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._connections):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    def url(self, path: str = "") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # The loop is the hot path of the benchmarks' feed farm: the common case (a request
        # without a body, a handler that answers at once) makes no call it can do without.
        self._connections.add(writer)
        timeout = self.idle_timeout_s
        try:
            while True:
                if timeout is None:
                    head = await reader.readuntil(b"\r\n\r\n")
                else:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
                lines = head.decode("latin-1").split("\r\n")
                method, target, version = [*lines[0].split(" ", 2), "", ""][:3]
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.partition(":") for line in lines[1:] if line)
                }
                request = Request(method, target, headers, time.monotonic())
                if (
                    "content-length" in headers or "transfer-encoding" in headers
                ) and not await _drop_body(reader, headers):
                    await _send(writer, request, Reply.text(413, "no request bodies here\n"), False)
                    return
                try:
                    reply = self.handler(request)
                    if not isinstance(reply, Reply):
                        reply = await reply
                except Exception as exc:
                    reply = _failed(request, exc)
                if reply.raw is not None:
                    writer.write(reply.raw)
                    await writer.drain()
                    return
                again = (
                    self.keep_alive
                    and version == "HTTP/1.1"
                    and headers.get("connection", "").lower() != "close"
                )
                await _send(writer, request, reply, again)
                if not again:
                    return
        except _DROPPED:
            pass
        finally:
            self._connections.discard(writer)
            writer.close()


def _failed(request: Request, exc: Exception) -> Reply:
    log.warning("http handler failed", target=request.target, error=repr(exc))
    return Reply.text(500, f"the handler failed: {exc!r}\n")


async def _drop_body(reader: asyncio.StreamReader, headers: Mapping[str, str]) -> bool:
    """Read and drop a request's body; False when it is one this server does not take."""
    if "transfer-encoding" in headers:
        return False
    length = headers.get("content-length", "0")
    if not length.isdigit() or int(length) > MAX_REQUEST_BODY:
        return False
    if int(length):
        await reader.readexactly(int(length))
    return True


async def _send(
    writer: asyncio.StreamWriter, request: Request, reply: Reply, keep_alive: bool
) -> None:
    lines = [f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in reply.headers.items()]
    if not keep_alive:
        lines.append("Connection: close")
    body = reply.body
    if isinstance(body, bytes):
        if "Content-Length" not in reply.headers:
            lines.append(f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        writer.write(head if request.method == "HEAD" else head + body)
        await writer.drain()
        return
    lines.append("Transfer-Encoding: chunked")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    if request.method != "HEAD":
        async for chunk in body():
            if chunk:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
        writer.write(b"0\r\n\r\n")
    await writer.drain()
