"""Feeds read within bounds: depth, item count, memory; every bad entry a value."""

from __future__ import annotations

import json
import time
import tracemalloc
from datetime import UTC, datetime

import pytest

from services.core.records import Source, SourceState
from services.ingester.items import FetchContext, raw_items
from services.ingester.parsers import FeedParseError, parse_feed

NOW = datetime(2024, 10, 22, tzinfo=UTC)
VERSION = b'"version": "https://jsonfeed.org/version/1.1"'


def adapt(body: bytes) -> tuple[list[str | None], list[str]]:
    feed = parse_feed(body)
    state = SourceState(source_id="s", kind="feed", uri="https://e.example/f")
    adapted = raw_items(
        feed, state, FetchContext(Source(kind="feed", uri="u"), NOW, None), seen_limit=10
    )
    return [i.title for i in adapted.items], [r.message for r in adapted.rejected]


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deep_json_is_refused_before_it_is_decoded(depth: int) -> None:
    nested = b"[" * depth + b"]" * depth
    for body in (
        b"{" + VERSION + b', "items": [' + nested + b"]}",
        b"{" + VERSION + b', "title": ' + nested + b', "items": []}',
    ):
        with pytest.raises(FeedParseError, match="nested deeper than 64"):
            parse_feed(body)


def test_three_hundred_thousand_empty_items_cost_one_item_of_memory() -> None:
    body = b"{" + VERSION + b', "items": [' + b",".join([b"{}"] * 300_000) + b"]}"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        feed = parse_feed(body, max_items=1000)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert len(feed.items) == 1000
    assert feed.problems == ["the feed has 300000 entries; the first 1000 are kept"]
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB traced"
    assert time.perf_counter() - started < 10


def test_a_lone_surrogate_in_json_becomes_a_replacement_character() -> None:
    titles, rejected = adapt(
        b"{" + VERSION + b', "items": [{"id": "\\ud800", "title": "a\\udfffb"}]}'
    )
    assert titles == ["a\ufffdb"] and rejected == []


def test_an_item_that_is_no_object_is_rejected_and_a_bad_field_only_dropped() -> None:
    items = [
        {"id": "1", "title": "fine"},
        {"id": "2", "title": 5},
        {"id": "3", "title": "no attachments", "attachments": "no"},
        "not an object",
        {"id": "5", "title": "fine too", "tags": {"a": 1}},
    ]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    titles, rejected = adapt(body)
    assert titles == ["fine", "5", "no attachments", "fine too"]
    [refused] = rejected
    assert "not an object" in refused
    feed = parse_feed(body)
    assert feed.problems == [
        "item '3': attachments: text, not a list: dropped",
        "item '5': tags: an object, not a list: dropped",
    ]


def test_json_that_is_not_a_feed_object_is_refused_clearly() -> None:
    for body, reason in [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 5}', "items"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [1,}', "not valid JSON"),
        (b'{"version": "https://jsonfeed.org/version/1.1"} trailing', "extra data"),
        (b'{"version": 1}', "version"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []', "expected"),
        (b"{\xff}", "not UTF-8"),
    ]:
        with pytest.raises(FeedParseError, match=reason):
            parse_feed(body)


def test_dates_out_of_range_keep_their_text() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "1", "date_published": "9999-12-31T23:59:59-23:59"}],
        }
    ).encode()
    [item] = parse_feed(body).items
    assert item.published_raw == "9999-12-31T23:59:59-23:59" and item.published_utc is None


def test_an_rss_entry_our_code_fails_on_is_rejected_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.ingester.parsers import xmlfeed

    real = xmlfeed._item

    def failing(entry: dict[str, object], *args: object) -> object:
        if entry.get("title") == "bad":
            raise RuntimeError("a bug")
        return real(entry, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(xmlfeed, "_item", failing)
    body = (
        b"<rss version='2.0'><channel><title>t</title><item><guid>1</guid><title>ok</title></item>"
        b"<item><guid>2</guid><title>bad</title></item></channel></rss>"
    )
    feed = parse_feed(body)
    assert [i.title for i in feed.items] == ["ok"]
    [refused] = feed.rejected
    assert refused.stage == "internal" and refused.error_class == "RuntimeError"
    assert isinstance(refused.error, RuntimeError) and refused.key == "2"
