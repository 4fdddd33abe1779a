"""One record per distinct item, through a real server, the ingester and its broker:
however often a feed that repeats a GUID is polled, and after the feed moves (301)."""

from __future__ import annotations

from pathlib import Path

from services.core.testing import Reply, WebServer, wait_until
from services.ingester.feedlist import FeedSpec

from .ingesting import ingesting, make_settings, raw_items, sample

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local</title>'
    b"<item><guid isPermaLink='false'>post-7</guid><title>Floods close the bridge</title>"
    b"<pubDate>Tue, 22 Oct 2024 09:00:00 GMT</pubDate><description>First.</description></item>"
    b"<item><guid>1559104147038</guid><title>A bare GUID</title></item>"
    b"<item><title>No GUID</title><link>stories/no-guid.html</link></item>"
    b"<item><guid isPermaLink='false'>post-7</guid><description>First.</description>"
    b"<pubDate>Tue, 22 Oct 2024 10:30:00 GMT</pubDate></item>"
    b"</channel></rss>"
)
DISTINCT = 3


async def test_a_feed_repeating_a_guid_polled_five_times_gives_one_record_per_item(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    feed = FeedSpec(url=web.route("/id/repeating.xml", Reply(200, body=FEED)))
    async with ingesting(settings, [feed]) as ingester:
        await wait_until(lambda: len(web.hits("/id/repeating.xml")) >= 5, 60, "five polls")
        await wait_until(lambda: ingester.settled, 30, "the polls committed")
    records = await raw_items(settings)
    assert len(records) == DISTINCT
    assert len({r.item_id for r in records}) == DISTINCT and {r.revision for r in records} == {1}
    titles = {r.title for r in records}
    assert titles == {"Floods close the bridge", "A bare GUID", "No GUID"}
    assert sample(ingester, "newswire_items_total", result="repeated") >= 5


async def test_a_feed_that_moves_emits_nothing_again(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    old = web.route("/id/old/feed.xml", Reply(200, body=FEED))
    new = web.route("/id/moved/elsewhere/feed.rss", Reply(200, body=FEED))
    feed = FeedSpec(url=old)
    async with ingesting(settings, [feed]) as ingester:
        await wait_until(lambda: ingester.settled, 60, "the first poll committed")
        before = await raw_items(settings)
        assert len(before) == DISTINCT
        web.route("/id/old/feed.xml", Reply(301, {"Location": "/id/moved/elsewhere/feed.rss"}))
        await wait_until(lambda: len(web.hits("/id/moved/elsewhere/feed.rss")) >= 3, 60, "moved")
        await wait_until(lambda: ingester.settled, 30, "the polls committed")
        assert ingester.store.states[feed.source_id].fetch_url == new
    after = await raw_items(settings)
    # nothing new (records are read from every partition, in no set order)
    assert sorted(r.item_id for r in after) == sorted(r.item_id for r in before)
    [no_guid] = [r for r in before if r.title == "No GUID"]
    assert no_guid.link == web.url("/id/old/stories/no-guid.html")
