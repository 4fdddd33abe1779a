"""The normalizer through the real broker: articles, duplicates across restarts, dead letters."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.core.admin import ensure_topics
from services.core.metrics import Metrics
from services.core.records import Article, DeadLetter, RawItem, Source, Timestamp
from services.core.settings import Settings
from services.core.testing import metric_value, produce, read_topic, running, wait_until
from services.core.topics import ALL_TOPICS
from services.normalizer.service import build

NOW = datetime(2024, 10, 22, 12, tzinfo=UTC)
STORY = " ".join(
    f"Paragraph {n}: the harbour authority said the ferry strike would end on Friday after "
    f"unions accepted a revised pay offer, and sailings resume on Saturday."
    for n in range(12)
)


def raw(item_id: str, source: str, html: str, link: str | None = None) -> tuple[bytes, bytes]:
    item = RawItem(
        item_id=item_id, revision=1, content_hash=item_id, source=Source(kind="feed", uri=source),
        format="rss", link=link, title=f"Title {item_id}", content_html=html,
        published=Timestamp(raw="x", utc=NOW), fetched_at=NOW, first_seen_at=NOW,
    )  # fmt: skip
    return item.item_id.encode(), item.model_dump_json().encode()


async def normalize_all(settings: Settings, n: int) -> None:
    assert settings.kafka_bootstrap
    metrics = Metrics()
    loop = build(settings, settings.kafka_bootstrap, metrics)
    async with running(loop):
        await wait_until(
            lambda: (
                metric_value(metrics.consumed.labels("normalizer", f"{settings.topic_prefix}.raw"))
                >= n
            ),
            60,
            f"{n} raw items consumed",
        )


async def test_articles_duplicates_and_dead_letters(kafka_bootstrap: str) -> None:
    prefix = f"norm{uuid.uuid4().hex[:6]}"
    settings = Settings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix, group_prefix=prefix)
    await ensure_topics(kafka_bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    raw_topic = f"{prefix}.raw"
    await produce(
        kafka_bootstrap,
        raw_topic,
        [
            raw(
                "orig",
                "https://a.example/feed",
                f"<p>{STORY}</p>",
                "https://a.example/ferry?utm_source=rss",
            ),
            raw("empty", "https://c.example/feed", "<p>   </p>", "https://c.example/nothing"),
            (b"garbage", b"not json"),
        ],
    )
    await normalize_all(settings, 3)
    # The copy comes later, from another outlet; the normalizer meets it after a restart,
    # so its window must come back from news.articles.
    copy = f"<p>{STORY} (Example Wire)</p><p>Share this article</p>"
    await produce(
        kafka_bootstrap,
        raw_topic,
        [raw("copy", "https://b.example/feed", copy, "https://b.example/ferry")],
    )
    await normalize_all(settings, 1)
    articles = {
        a.item_id: a
        for a in (
            Article.model_validate_json(r.value or b"")
            for r in await read_topic(kafka_bootstrap, f"{prefix}.articles")
        )
    }
    assert set(articles) == {"orig", "copy"}
    assert articles["orig"].canonical_url == "https://a.example/ferry"
    assert articles["orig"].duplicate_of is None and articles["orig"].language == "en"
    assert articles["copy"].duplicate_of == articles["orig"].article_id
    assert "Share this article" not in articles["copy"].text
    letters = [
        DeadLetter.model_validate_json(r.value or b"")
        for r in await read_topic(kafka_bootstrap, f"{prefix}.deadletter.normalizer")
    ]
    assert sorted((d.stage, d.error_class) for d in letters) == [
        ("decode", "DecodeError"),
        ("transform", "TransformError"),
    ]
    assert any("has no text" in d.error_message for d in letters)

    # Once more, with a copy identical to the original's text.
    await produce(
        kafka_bootstrap,
        raw_topic,
        [raw("late", "https://d.example/feed", f"<p>{STORY}</p>", "https://d.example/ferry")],
    )
    await normalize_all(settings, 1)
    late = [
        a
        for a in (
            Article.model_validate_json(r.value or b"")
            for r in await read_topic(kafka_bootstrap, f"{prefix}.articles")
        )
        if a.item_id == "late"
    ]
    assert [a.duplicate_of for a in late] == [articles["orig"].article_id]
