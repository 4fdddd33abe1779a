"""Polling feeds over real HTTP: validators, backoff and recovery, moves, hostile feeds."""

from __future__ import annotations

from datetime import timedelta

from services.core.testing import Reply, Request, WebServer
from services.ingester.feedlist import FeedSpec
from services.ingester.poller import initial_state, poll_feed

from .fetching import NOW, POLICY, fetcher, rss


async def test_new_items_then_304_then_a_revision(web: WebServer) -> None:
    body = {"v": rss("a", "b")}

    def feed(request: Request) -> Reply:
        etag = f'"{hash(body["v"])}"'
        if request.headers.get("if-none-match") == etag:
            return Reply(304, {"ETag": etag})
        return Reply(200, {"ETag": etag, "Content-Type": "application/rss+xml"}, body["v"])

    spec = FeedSpec(url=web.route("/p/feed", feed))
    f = fetcher()
    first = await poll_feed(spec, initial_state(spec), f, POLICY, NOW)
    assert first.outcome == "200" and [i.title for i in first.items] == ["a", "b"]
    assert (first.counts.new, first.state.health, first.state.etag) == (
        2,
        "healthy",
        first.state.etag,
    )
    assert {i.revision for i in first.items} == {1}
    second = await poll_feed(spec, first.state, f, POLICY, NOW)
    assert second.outcome == "304" and second.items == []
    assert second.state.interval_s is not None and first.state.interval_s is not None
    assert second.state.interval_s > first.state.interval_s  # nothing new: slower
    body["v"] = (
        rss("a", "b-edited")
        .replace(b"<title>b-edited</title>", b"<title>b</title>")
        .replace(b"<guid>b-edited</guid>", b"<guid>b</guid>")
        + b" "
    )
    body["v"] = rss("a").replace(
        b"</channel>", b"<item><guid>b</guid><title>b, updated</title></item></channel>"
    )
    third = await poll_feed(spec, second.state, f, POLICY, NOW)
    [revised] = third.items
    assert revised.title == "b, updated" and revised.revision == 2
    assert revised.item_id == next(i.item_id for i in first.items if i.title == "b")
    assert (third.counts.revised, third.counts.unchanged) == (1, 1)


async def test_backoff_grows_while_failing_and_recovery_resets_it(web: WebServer) -> None:
    healthy = {"ok": False}
    spec = FeedSpec(
        url=web.route(
            "/p/flaky", lambda r: Reply(200, body=rss("x")) if healthy["ok"] else Reply(500)
        )
    )
    f = fetcher()
    state = initial_state(spec)
    delays = []
    for n in range(1, 6):
        outcome = await poll_feed(spec, state, f, POLICY, NOW)
        state = outcome.state
        assert outcome.outcome == "5xx" and state.error_count == n
        assert state.last_error and "HTTP 500" in state.last_error
        assert state.next_poll_at is not None
        delays.append((state.next_poll_at - NOW).total_seconds())
        assert POLICY.backoff.ceiling(n) / 2 <= delays[-1] <= POLICY.backoff.ceiling(n)
    assert [state.health] == ["failing"]
    assert delays[-1] > delays[0] * 4  # grew
    healthy["ok"] = True
    recovered = await poll_feed(spec, state, f, POLICY, NOW)
    assert recovered.state.error_count == 0 and recovered.state.health == "healthy"
    assert recovered.items and recovered.state.last_error is None


async def test_backoff_is_capped() -> None:
    assert POLICY.backoff.ceiling(50) == 3600


async def test_retry_after_sets_the_next_poll(web: WebServer) -> None:
    spec = FeedSpec(url=web.route("/p/limited", Reply(429, {"Retry-After": "7200"})))
    outcome = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert outcome.outcome == "4xx" and outcome.state.next_poll_at is not None
    assert outcome.state.next_poll_at >= NOW + timedelta(seconds=7200)


async def test_301_moves_the_feed_and_302_does_not(web: WebServer) -> None:
    new = web.route("/p/new-home", Reply(200, body=rss("m")))
    spec = FeedSpec(url=web.route("/p/old-home", Reply(301, {"Location": "/p/new-home"})))
    moved = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert moved.state.fetch_url == new
    again = await poll_feed(spec, moved.state, fetcher(), POLICY, NOW)
    assert web.hits("/p/new-home")[-1] and again.state.fetch_url == new
    spec = FeedSpec(url=web.route("/p/temp", Reply(302, {"Location": "/p/new-home"})))
    temp = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert temp.outcome == "200" and temp.state.fetch_url is None


async def test_hostile_and_broken_feeds_are_counted_not_fatal(web: WebServer) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title></channel></rss>'
    spec = FeedSpec(url=web.route("/p/bomb", Reply(200, body=bomb)))
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert out.outcome == "parse_error" and "declares entities" in (out.state.last_error or "")
    spec = FeedSpec(url=web.route("/p/html", Reply(200, body=b"<html><p>not a feed</p></html>")))
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert out.outcome == "parse_error" and out.state.error_count == 1
    truncated = rss("ok1", "ok2")[: -len("</channel></rss>")]
    spec = FeedSpec(url=web.route("/p/truncated", Reply(200, body=truncated)))
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert out.outcome == "200" and [i.title for i in out.items] == ["ok1", "ok2"] and out.problems


async def test_json_feed_and_iso_8859_1_over_http(web: WebServer) -> None:
    jf = b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "title": "caf\xc3\xa9", "content_html": "<p>x</p>"}]}'
    spec = FeedSpec(
        url=web.route("/p/json", Reply(200, {"Content-Type": "application/feed+json"}, jf))
    )
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert [i.title for i in out.items] == ["café"] and out.items[0].format == "jsonfeed"
    latin = b'<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>L</title><item><title>Z\xfcrich</title></item></channel></rss>'
    spec = FeedSpec(url=web.route("/p/latin", Reply(200, {"Content-Type": "text/xml"}, latin)))
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert [i.title for i in out.items] == ["Zürich"]


async def test_feed_hints_set_a_floor_on_the_interval(web: WebServer) -> None:
    spec = FeedSpec(
        url=web.route("/p/ttl", Reply(200, {"Cache-Control": "max-age=60"}, rss("t", ttl=180)))
    )
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert out.state.interval_s == 180 * 60  # ttl (minutes) beats the halved default


async def test_full_text_pages_are_attached(web: WebServer) -> None:
    page = web.route(
        "/p/article",
        Reply(
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            "<html><p>Full story, café.</p></html>".encode(),
        ),
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title><item><guid>s1</guid><link>{page}</link><description>Short.</description></item></channel></rss>'.encode()
    spec = FeedSpec(url=web.route("/p/summaries", Reply(200, body=body)), full_text=True)
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    [item] = out.items
    assert item.page_html is not None and "Full story, café." in item.page_html


async def test_a_page_that_declares_its_charset_only_in_a_meta_is_read_right(
    web: WebServer,
) -> None:
    story = "Новости: «мост закрыт»"
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{story}</p></body></html>'
    page = web.route("/p/cp1251", Reply(200, {"Content-Type": "text/html"}, html.encode("cp1251")))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title><item><guid>r1</guid><link>{page}</link><description>Short.</description></item></channel></rss>'.encode()
    spec = FeedSpec(url=web.route("/p/cyrillic", Reply(200, body=body)), full_text=True)
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    [item] = out.items
    assert item.page_html is not None and story in item.page_html
    assert (out.pages, out.page_failures) == (1, 0)
