"""Realistic article pages for benchmarks, generated (no third-party text is shipped).

Each page has what news pages have around the story: navigation, share buttons, a
"Loading…" widget, related links, a footer, scripts and styles, and sometimes an embedded
post, so that extraction and cleaning do their real work.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from services.core.records import RawItem, Source, Timestamp

SUBJECTS = [
    "The ministry", "A spokesperson", "Western officials", "The city council",
    "Union leaders", "The harbour authority", "Researchers", "The central bank",
]  # fmt: skip
VERBS = ["said", "claimed", "warned", "told reporters", "confirmed", "announced"]
OBJECTS = [
    "that the talks would resume next week",
    "that the ferry strike would end on Friday after a revised pay offer",
    "that the new rules would take effect in the spring",
    "that thousands of troops had been moved closer to the border",
    "that inflation had slowed for a third month in a row",
    "that the bridge would stay closed until repairs were finished",
]
EXTRAS = [
    "according to a statement published on its website",
    "citing documents seen by local reporters",
    "although the figures have not been independently verified",
    "in an interview broadcast on Tuesday evening",
]


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, {rng.choice(EXTRAS)}."
    )


def page(n: int, rng: random.Random) -> str:
    paragraphs = "".join(
        f"<p>{' '.join(sentence(rng) for _ in range(rng.randint(2, 4)))}</p>"
        for _ in range(rng.randint(8, 16))
    )
    embed = (
        '<blockquote class="twitter-tweet"><p>We will not back down. '
        '<a href="https://t.co/x">pic.twitter.com/Abc123</a></p>&mdash; Jane Roe (@jane_roe) '
        '<a href="https://twitter.com/jane_roe/status/1">March 3, 2023</a></blockquote>'
        if n % 5 == 0
        else ""
    )
    return (
        f"<!doctype html><html><head><title>Story {n} | Example Wire</title>"
        f'<link rel="canonical" href="https://news.example.org/{n}?utm_source=rss">'
        '<meta property="article:published_time" content="2024-10-22T10:00:00+02:00">'
        "<style>body{font:16px sans-serif}</style><script>var tracking = 1;</script></head>"
        '<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<main><article><h1>Story number {n}</h1><p>Share this article</p>{paragraphs}"
        f"{embed}<p>Loading…</p></article>"
        '<aside><h2>Related</h2><ul><li><a href="/r/1">Another story</a></li></ul></aside></main>'
        "<footer><p>Subscribe to our newsletter</p><p>© Example Wire</p></footer></body></html>"
    )


def raw_items(count: int, seed: int = 7) -> list[RawItem]:
    rng = random.Random(seed)
    now = datetime(2024, 10, 22, 12, tzinfo=UTC)
    return [
        RawItem(
            item_id=f"bench-{n}",
            revision=1,
            content_hash=f"h{n}",
            source=Source(kind="feed", uri="https://news.example.org/feed"),
            format="rss",
            link=f"https://news.example.org/{n}",
            title=f"Story number {n}",
            summary_html="<p>A short summary.</p>",
            page_html=page(n, rng),
            published=Timestamp(),
            fetched_at=now,
            first_seen_at=now,
        )
        for n in range(count)
    ]
