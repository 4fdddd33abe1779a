"""A small static HTTP server for the example feeds of the local run (``newswire run``).

It answers GET and HEAD on 127.0.0.1 with ETag and Last-Modified, and 304 to conditional
requests, so the local run shows the same fetch behaviour as real feeds.
"""

from __future__ import annotations

import hashlib
import mimetypes
from email.utils import formatdate
from pathlib import Path

from ..core.httpserver import HttpServer, Reply, Request
from ..core.logs import get_logger
from .feedlist import FeedSpec

log = get_logger(__name__)

LOOPBACK = "127.0.0.1"  # the example feeds are for this machine only
HEAD_TIMEOUT_S = 10.0
TYPES = {
    ".xml": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/feed+json",
}


class ExampleFeedServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._http: HttpServer | None = None

    async def start(self, port: int) -> None:
        """Listen on ``port`` if free (the feeds' URLs, and so their identity, stay the
        same from run to run), else on any free port."""
        try:
            self._http = await self._serve(port)
        except OSError:
            self._http = await self._serve(0)
        log.info("serving example feeds", url=self.base_url, folder=str(self.folder))

    async def _serve(self, port: int) -> HttpServer:
        # One request per connection, as from a real feed's server (polls are minutes apart).
        http = HttpServer(
            self._respond, LOOPBACK, port, keep_alive=False, idle_timeout_s=HEAD_TIMEOUT_S
        )
        await http.start()
        return http

    @property
    def base_url(self) -> str:
        assert self._http is not None, "start() first"
        return self._http.url()

    def feeds(self) -> list[FeedSpec]:
        return [
            FeedSpec(url=f"{self.base_url}/{p.name}", name=p.stem, tags=("example",))
            for p in sorted(self.folder.iterdir())
            if p.suffix in TYPES
        ]

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.stop()

    def _respond(self, request: Request) -> Reply:
        name = request.path.lstrip("/")
        path = self.folder / name
        if request.method not in ("GET", "HEAD"):
            return Reply.text(405, "method not allowed\n")
        if "/" in name or not name or not path.is_file():
            return Reply.text(404, "not found\n")
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = formatdate(path.stat().st_mtime, usegmt=True)
        headers = {
            "ETag": etag,
            "Last-Modified": modified,
            "Content-Type": TYPES.get(path.suffix) or mimetypes.guess_type(name)[0] or "",
        }
        conditional = request.headers
        if conditional.get("if-none-match") == etag or (
            "if-none-match" not in conditional and conditional.get("if-modified-since") == modified
        ):
            return Reply(304, headers)
        return Reply(200, headers, body)
