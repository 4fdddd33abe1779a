"""Feeds nobody here wrote, through the ingester, its broker and a real server: each ends as
items, a recorded failure of its feed, or a dead letter; none stops or stalls the rest."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from services.core.records import DeadLetter, RawItem
from services.core.settings import DEFAULTS
from services.core.testing import Reply, WebServer, read_topic, wait_until
from services.ingester import poller
from services.ingester.feedlist import FeedSpec

from .ingesting import ingesting, make_settings, raw_items, sample


def rss(title: str, declaration: str = '<?xml version="1.0"?>', link: str = "") -> bytes:
    return (
        f"{declaration}<rss version='2.0'><channel><title>t</title><item><guid>1</guid>"
        f"<title>{title}</title><link>{link}</link><description>Body.</description></item>"
        "</channel></rss>"
    ).encode()


def json_feed(items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()


async def letters(settings: Any) -> list[DeadLetter]:
    records = await read_topic(
        settings.kafka_bootstrap, f"{settings.topic_prefix}.deadletter.ingester"
    )
    return [DeadLetter.model_validate_json(r.value or b"") for r in records]


async def test_feeds_that_used_to_raise_end_as_items_or_as_their_feed_failure(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    routes = {
        "punycode": rss("puny", '<?xml version="1.0" encoding="punycode"?>'),
        "undefined": rss("undef", '<?xml version="1.0" encoding="undefined"?>'),
        "surrogate": rss("a &#xd800; b"),
        "beyond-unicode": rss("c &#1114112; d"),
        "octal-link": rss("octal", link="http://0177.0.0.1/"),
        "deep-json": b'{"version": "https://jsonfeed.org/version/1.1", "items": ['
        + b"[" * 100_000
        + b"]" * 100_000
        + b"]}",
        "bug": rss("never read"),
        "json": json_feed(
            [
                {
                    "id": "j1",
                    "url": "javascript:alert(1)",
                    "title": "scripted",
                    "content_html": '<p onclick="x()">Hi</p><script>alert(1)</script>'
                    '<img src="x" onerror="alert(1)">',
                    "attachments": [{"url": "data:audio/mp3;base64,AAAA"}],
                },
                ["j2", "is not an item"],
            ]
        ),
        "good": rss("good"),
    }
    urls = {name: web.route(f"/h/{name}", Reply(200, body=body)) for name, body in routes.items()}
    real = poller.parse_feed

    def parse(body: bytes, **kwargs: Any) -> Any:
        if b"never read" in body:
            raise RuntimeError("a bug of ours in the parse")
        return real(body, **kwargs)

    monkeypatch.setattr(poller, "parse_feed", parse)
    feeds = [FeedSpec(url=u) for u in urls.values()]
    async with ingesting(settings, feeds) as ingester:
        await wait_until(
            lambda: all(len(web.hits(f"/h/{n}")) >= 3 for n in ("good", "json")),
            60,
            "the healthy feeds polled three times",
        )
        await wait_until(lambda: ingester.settled, 30, "committed")
        states = {
            name: ingester.store.states[FeedSpec(url=u).source_id] for name, u in urls.items()
        }
        assert sample(ingester, "newswire_fetches_total", outcome="internal") == 1
        assert sample(ingester, "newswire_fetches_total", outcome="parse_error") == 1
        assert (
            sample(ingester, "newswire_internal_errors_total", service="ingester", boundary="feed")
            == 1
        )
        assert sample(ingester, "newswire_feeds", state="backing_off") == 2
    for name in ("punycode", "undefined", "surrogate", "beyond-unicode", "octal-link", "json"):
        assert states[name].last_outcome == "200" and states[name].error_count == 0, name
    for name, outcome in (("deep-json", "parse_error"), ("bug", "internal")):
        state = states[name]
        assert state.last_outcome == outcome and state.error_count == 1, name
        assert state.health == "backing_off" and state.next_poll_at and state.last_polled_at
        assert (state.next_poll_at - state.last_polled_at).total_seconds() >= 30  # backoff
    assert "nested deeper than 64" in (states["deep-json"].last_error or "")
    assert "RuntimeError: a bug of ours" in (states["bug"].last_error or "")
    assert len(web.hits("/h/bug")) == 1

    items = {i.source.uri.rsplit("/", 1)[1]: i for i in await raw_items(settings)}
    assert items["punycode"].title == "puny" and items["undefined"].title == "undef"
    assert (
        items["surrogate"].title == "a \ufffd b" and items["beyond-unicode"].title == "c \ufffd d"
    )
    assert items["octal-link"].link is None and items["good"].title == "good"
    scripted = items["json"]
    assert scripted.link is None and scripted.enclosures == []
    assert scripted.content_html == f'<p>Hi</p><img src="http://127.0.0.1:{web.port}/h/x">'
    [letter] = await letters(settings)  # the invalid item, once, though polled again
    assert letter.source_uri == urls["json"] and letter.original_key == "item 1"
    assert letter.stage == "parse" and "not an object" in letter.error_message


async def test_one_bad_page_costs_its_item_nothing_but_the_page(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    html = {"Content-Type": "text/html; charset=utf-8"}
    pages = {
        "fine1": Reply(200, html, b"<html><p>First page.</p></html>"),
        "buggy": Reply(200, html, b"<html><p>BUG</p></html>"),
        "missing": Reply(404),
        "huge": Reply(200, html, b"<html><p>" + b"big " * 300_000 + b"</p></html>"),
        "fine2": Reply(200, html, b"<html><p>Second page.</p></html>"),
    }
    links = {name: web.route(f"/page/{name}", reply) for name, reply in pages.items()}
    links["octal"] = "http://0177.0.0.1/story"
    entries = "".join(
        f"<item><guid>{name}</guid><title>{name}</title><link>{link}</link>"
        "<description>Short.</description></item>"
        for name, link in links.items()
    )
    body = f"<rss version='2.0'><channel><title>t</title>{entries}</channel></rss>".encode()
    feed = FeedSpec(url=web.route("/h/summaries", Reply(200, body=body)), full_text=True)
    real = poller.decode_page

    def decode(data: bytes, content_type: str | None) -> str:
        if b"BUG" in data:
            raise ValueError("a bug of ours in decoding")
        return real(data, content_type)

    monkeypatch.setattr(poller, "decode_page", decode)
    async with ingesting(settings, [feed]) as ingester:
        await wait_until(lambda: ingester.settled, 60, "the poll committed")
        assert sample(ingester, "newswire_article_pages_total", result="failed") == 2
        assert sample(ingester, "newswire_article_pages_total", result="ok") == 3
        assert sample(ingester, "newswire_raw_items_oversize_total", action="trimmed") == 1
        assert sample(ingester, "newswire_internal_errors_total", boundary="feed") == 1
    records = await read_topic(kafka_bootstrap, f"{settings.topic_prefix}.raw")
    assert all(len(r.value or b"") <= DEFAULTS.max_record_bytes for r in records)
    items = {i.title: i for i in (RawItem.model_validate_json(r.value or b"") for r in records)}
    assert set(items) == set(links)  # every item, though one page failed in our code
    assert "First page." in (items["fine1"].page_html or "")
    assert "Second page." in (items["fine2"].page_html or "")
    assert items["buggy"].page_html is None and items["missing"].page_html is None
    assert items["octal"].link is None and items["octal"].page_html is None
    huge = items["huge"].page_html or ""
    assert 500_000 < len(huge) < 1_000_000 and huge.startswith("<html><p>big big")


async def test_a_seed_file_over_the_record_limit_is_a_dead_letter(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    (tmp_path / "huge.txt").write_text("A long story. " * 80_000)
    (tmp_path / "small.txt").write_text("A short story.")
    then = time.time() - 60
    for name in ("huge.txt", "small.txt"):
        os.utime(tmp_path / name, (then, then))
    async with ingesting(settings) as ingester:
        await wait_until(lambda: ingester.settled and ingester.scans > 1, 60, "scanned")
        assert sample(ingester, "newswire_raw_items_oversize_total", action="dead_lettered") == 1
    assert [i.source.uri for i in await raw_items(settings)] == ["small.txt"]
    [letter] = await letters(settings)
    assert letter.source_uri == "huge.txt" and letter.error_class == "RecordTooLarge"
    assert letter.stage == "produce" and "over the 1000000-byte limit" in letter.error_message


async def test_feeds_are_polled_while_a_large_seeds_folder_is_read(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    then = time.time() - 60
    for n in range(60):  # each file commits on its own: the scan takes seconds
        path = tmp_path / f"story{n:03}.txt"
        path.write_text(f"Story {n}.")
        os.utime(path, (then, then))
    feed = FeedSpec(url=web.route("/h/while-scanning", Reply(200, body=rss("polled"))))
    async with ingesting(settings, [feed]) as ingester:
        await wait_until(lambda: len(web.hits("/h/while-scanning")) >= 3, 60, "three polls")
        assert ingester.scans == 0, "the feed waited for the folder"
        await wait_until(lambda: ingester.scans > 0 and ingester.settled, 120, "the scan done")
    assert len(await raw_items(settings)) == 61
