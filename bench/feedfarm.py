"""A farm of feeds on 127.0.0.1 for the poller benchmark, run as its own process.

Feed ``/feed/N`` on port ``ports[N % len(ports)]`` behaves by N % 100:

* 0-84: a 20-item feed with an ETag that never changes: 304 once the poller has it;
* 85-94: a 20-item feed whose newest item changes on every request (200 each time);
* 95-97: HTTP 500;
* 98-99: slow: answers after 1 s.

    python -m bench.feedfarm --ports 200   # prints the ports as JSON, then serves
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Mapping

from services.core.httpserver import HttpServer, Reply, Request

RSS = {"Content-Type": "application/rss+xml"}

ITEM = (
    "<item><guid>{feed}-{n}</guid><title>Story {n} of feed {feed}</title>"
    "<link>https://example.org/{feed}/{n}</link>"
    "<pubDate>Tue, 22 Oct 2024 10:{m:02d}:00 GMT</pubDate>"
    "<description>&lt;p&gt;Officials said on Tuesday that item {n} of feed {feed} had been "
    "updated, according to a statement.&lt;/p&gt;</description></item>"
)


def feed_body(feed: int, newest: int) -> bytes:
    items = "".join(ITEM.format(feed=feed, n=n, m=n % 60) for n in range(newest, newest - 20, -1))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>https://example.org/{feed}</link>{items}</channel></rss>"
    ).encode()


class Farm:
    def __init__(self) -> None:
        self.counter: dict[int, int] = {}

    def reply(self, feed: int, headers: Mapping[str, str]) -> Reply:
        kind = feed % 100
        if 95 <= kind <= 97:
            return Reply(500, body=b"boom")
        if 85 <= kind < 95:
            self.counter[feed] = self.counter.get(feed, 100) + 1
            return Reply(200, RSS, feed_body(feed, self.counter[feed]))
        etag = f'"f{feed}"'
        if headers.get("if-none-match") == etag:
            return Reply(304, {"ETag": etag})
        return Reply(200, {"ETag": etag, **RSS}, feed_body(feed, 100))

    def handle(self, request: Request) -> Reply | Awaitable[Reply]:
        try:
            feed = int(request.path.rsplit("/", 1)[1])
        except (ValueError, IndexError):
            return Reply(404)
        if feed % 100 >= 98:
            return self.slowly(feed, request.headers)
        return self.reply(feed, request.headers)

    async def slowly(self, feed: int, headers: Mapping[str, str]) -> Reply:
        await asyncio.sleep(1.0)
        return self.reply(feed, headers)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ports", type=int, default=200)
    args = parser.parse_args()
    farm = Farm()
    servers = [HttpServer(farm.handle, "127.0.0.1", 0) for _ in range(args.ports)]
    for server in servers:
        await server.start()
    ports = [server.port for server in servers]
    print(json.dumps(ports), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
