"""A small static HTTP server for the example feeds of the local run (``newswire run``).

It answers GET and HEAD on 127.0.0.1 with ETag and Last-Modified, and 304 to conditional
requests, so the local run shows the same fetch behaviour as real feeds.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
from email.utils import formatdate
from pathlib import Path

from ..core.logs import get_logger
from .feedlist import FeedSpec

log = get_logger(__name__)

TYPES = {
    ".xml": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
}


class ExampleFeedServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self, port: int) -> None:
        """Listen on ``port`` if free (the feeds' URLs, and so their identity, stay the
        same from run to run), else on any free port."""
        try:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        except OSError:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("serving example feeds", url=self.base_url, folder=str(self.folder))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def feeds(self) -> list[FeedSpec]:
        return [
            FeedSpec(url=f"{self.base_url}/{p.name}", name=p.stem, tags=("example",))
            for p in sorted(self.folder.iterdir())
            if p.suffix in TYPES
        ]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = [*lines[0].split(" "), "", ""][:3]
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            status, extra, body = self._respond(target.split("?")[0].lstrip("/"), headers)
            out = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
            out += [f"{k}: {v}" for k, v in extra.items()]
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
            if method != "HEAD":
                writer.write(body)
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def _respond(self, name: str, headers: dict[str, str]) -> tuple[str, dict[str, str], bytes]:
        path = self.folder / name
        if "/" in name or not name or not path.is_file():
            return "404 Not Found", {"Content-Type": "text/plain"}, b"not found\n"
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = formatdate(path.stat().st_mtime, usegmt=True)
        extra = {
            "ETag": etag,
            "Last-Modified": modified,
            "Content-Type": TYPES.get(path.suffix) or mimetypes.guess_type(name)[0] or "",
        }
        if headers.get("if-none-match") == etag or (
            "if-none-match" not in headers and headers.get("if-modified-since") == modified
        ):
            return "304 Not Modified", extra, b""
        return "200 OK", extra, body
