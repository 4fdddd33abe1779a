"""The ingester through the real broker: restarts, replicas, and the seeds folder."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections import Counter
from pathlib import Path

from services.core.testing import Reply, WebServer, produce, wait_until
from services.ingester.feedlist import FeedSpec
from services.ingester.service import Ingester
from services.ingester.statestore import partition_for
from tests.conftest import SEED

from .ingesting import ingesting, make_settings, raw_items, sample


def rss(name: str, count: int) -> bytes:
    items = "".join(
        f"<item><guid>{name}-{i}</guid><title>{name} story {i}</title></item>" for i in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'.encode()


def polls(web: WebServer, path: str) -> int:
    return len(web.hits(path))


async def test_restart_does_not_emit_seen_items_again(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    feed = FeedSpec(url=web.route("/i/restart", Reply(200, body=rss("r", 3))))
    async with ingesting(settings, [feed]) as ingester:
        await wait_until(lambda: ingester.settled, 60, "first poll committed")
    first = await raw_items(settings)
    assert sorted(i.title or "" for i in first) == ["r story 0", "r story 1", "r story 2"]
    before = polls(web, "/i/restart")
    async with ingesting(settings, [feed]) as ingester:
        await wait_until(lambda: polls(web, "/i/restart") >= before + 2, 60, "polls after restart")
    assert len(await raw_items(settings)) == 3


async def test_two_replicas_split_the_feeds_without_duplicates(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    sizes = {f"/i/rep{n}": 1 for n in range(8)}
    feeds = []
    for path in sizes:
        web.route(path, lambda r, p=path: Reply(200, body=rss(p.rsplit("/", 1)[1], sizes[p])))
        feeds.append(FeedSpec(url=web.url(path)))
    async with ingesting(settings, feeds) as one, ingesting(settings, feeds) as two:
        await wait_until(lambda: one.ready and two.ready, 60, "both replicas own partitions")
        await wait_until(lambda: one.store.owned.isdisjoint(two.store.owned), 30, "disjoint")
        for _ in range(4):  # the feeds grow while both replicas poll them
            await asyncio.sleep(0.8)
            for path in sizes:
                sizes[path] += 1
        await asyncio.sleep(1.5)
        await wait_until(lambda: one.settled and two.settled, 60, "settled")
    items = await raw_items(settings)
    keys = Counter((i.item_id, i.revision) for i in items)
    assert keys and max(keys.values()) == 1, [k for k, n in keys.items() if n > 1][:3]
    assert len({i.item_id for i in items}) == len(items)
    expected = sum(sizes.values())
    assert expected - len(sizes) <= len(items) <= expected  # the last growth may be unpolled


async def test_seed_file_once_and_an_edit_is_one_revision(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    path = tmp_path / SEED.name
    shutil.copy(SEED, path)
    old = time.time() - 60
    os.utime(path, (old, old))
    async with ingesting(settings) as ingester:
        await wait_until(lambda: ingester.settled and ingester.scans > 1, 60, "seed scanned")
        [item] = await raw_items(settings)
        assert item.source.uri == SEED.name and item.revision == 1
        path.write_text(SEED.read_text() + "\nA correction was appended.\n")
        os.utime(path, (old + 10, old + 10))
        deadline = time.monotonic() + 30
        while len(await raw_items(settings)) < 2:
            assert time.monotonic() < deadline, "no revision"
            await asyncio.sleep(0.2)
    first, second = await raw_items(settings)
    assert second.item_id == first.item_id and second.revision == 2
    assert second.content_text and second.content_text.endswith("A correction was appended.\n")
    await asyncio.sleep(1)
    assert len(await raw_items(settings)) == 2


def feed_series(ingester: Ingester) -> set[str]:
    """The feeds that have per-feed series on the replica's registry."""
    return {
        s.labels["feed"]
        for family in ingester.metrics.registry.collect()
        for s in family.samples
        if s.name.startswith(("newswire_feed_consecutive", "newswire_feed_last_success"))
    }


async def test_feed_list_reload_and_metrics(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    settings = settings.model_copy(update={"feeds_file": tmp_path / "feeds.yaml"})
    good = web.route("/i/listed", Reply(200, body=rss("listed", 2)))
    bad = web.route("/i/listed-broken", Reply(503, {"Retry-After": "3600"}))
    async with ingesting(settings) as ingester:
        await wait_until(lambda: ingester.settled, 60, "started with no feeds")
        assert await raw_items(settings) == []
        settings.feeds_file.write_text(f"feeds:\n  - url: {good}\n  - url: {bad}\n")
        await wait_until(lambda: len(web.hits("/i/listed")) >= 1, 30, "the new feed polled")
        await wait_until(lambda: ingester.settled, 30, "committed")
        assert sample(ingester, "newswire_fetches_total", outcome="200") >= 1
        assert sample(ingester, "newswire_fetches_total", outcome="5xx") == 1
        assert sample(ingester, "newswire_items_total", result="new") == 2
        assert sample(ingester, "newswire_feeds", state="healthy") == 1
        assert sample(ingester, "newswire_feeds", state="backing_off") == 1
        assert sample(ingester, "newswire_feed_consecutive_errors", feed=bad) == 1
        assert feed_series(ingester) == {good, bad}
        # A feed that leaves the list leaves the metrics too.
        settings.feeds_file.write_text(f"feeds:\n  - url: {good}\n")
        await wait_until(
            lambda: feed_series(ingester) == {good}, 30, "the removed feed's series gone"
        )
        assert sample(ingester, "newswire_feeds", state="backing_off") == 0
    assert sorted(i.title or "" for i in await raw_items(settings)) == [
        "listed story 0",
        "listed story 1",
    ]


async def test_an_unreadable_state_record_does_not_stop_the_ingester(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    feed = FeedSpec(url=web.route("/i/garbled", Reply(200, body=rss("g", 1))))
    await produce(
        kafka_bootstrap,
        f"{settings.topic_prefix}.ingester.state",
        [(feed.source_id.encode(), b'{"not": "a state"}')],
    )
    async with ingesting(settings, [feed]) as ingester:
        await wait_until(lambda: ingester.settled, 60, "started despite the bad record")
    assert [i.title for i in await raw_items(settings)] == ["g story 0"]


async def test_per_feed_series_follow_the_partitions_a_replica_owns(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    urls: list[str] = []
    per_partition = Counter[int]()
    while min(per_partition[p] for p in range(3)) < 2:  # feeds on every state partition
        url = web.route(f"/i/own{len(urls)}", Reply(200, body=rss(f"own{len(urls)}", 1)))
        urls.append(url)
        per_partition[partition_for(FeedSpec(url=url).source_id, 3)] += 1
    feeds = [FeedSpec(url=u) for u in urls]

    def owned(ingester: Ingester) -> set[str]:
        return {f.url for f in feeds if ingester.store.owns(f.source_id)}

    async with ingesting(settings, feeds) as one:
        await wait_until(lambda: feed_series(one) == set(urls), 60, "one replica polls them all")
        async with ingesting(settings, feeds) as two:
            # Mid-rebalance a replica owns nothing, which is disjoint from anything: wait
            # for the two to split the partitions between them.
            await wait_until(
                lambda: (
                    two.ready
                    and one.ready
                    and one.store.owned.isdisjoint(two.store.owned)
                    and len(one.store.owned | two.store.owned) == 3
                ),
                60,
                "rebalanced",
            )
            assert owned(one) and owned(two)
            # The partitions that moved took their feeds' series with them.
            await wait_until(lambda: feed_series(one) == owned(one), 30, "one's series pruned")
            await wait_until(lambda: feed_series(two) == owned(two), 30, "two polls its feeds")


async def test_problems_of_a_seed_feed_file_are_counted(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    settings = await make_settings(kafka_bootstrap, tmp_path)
    feed = tmp_path / "local.rss"
    feed.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
        b"<item><guid>a</guid><title>Kept</title><link>javascript:alert(1)</link></item>"
        b"</channel></rss>"
    )
    old = time.time() - 60
    os.utime(feed, (old, old))
    async with ingesting(settings) as ingester:
        await wait_until(lambda: len(ingester.store.states) > 0 and ingester.settled, 60, "read")
        assert sample(ingester, "newswire_feed_parse_problems_total") >= 1  # the dropped link
    [item] = await raw_items(settings)
    assert item.title == "Kept" and item.link is None
