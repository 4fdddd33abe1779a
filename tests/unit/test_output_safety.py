"""What downstream consumers trust: http(s) URLs only, HTML sanitised alike in every
format, a page's canonical link only on its own site, records within the size limit."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from services.core.records import RawItem, Source, SourceState
from services.core.settings import DEFAULTS
from services.core.testing import raw_item
from services.core.transform import Output, encoded_size
from services.core.urls import http_url
from services.ingester.items import FetchContext, raw_items
from services.ingester.parsers import parse_feed
from services.ingester.sanitize import sanitize_html
from services.ingester.sizing import fitted
from services.normalizer.transform import normalize

NOW = datetime(2024, 10, 22, tzinfo=UTC)
HOSTILE_HTML = (
    '<p onclick="steal()">Body <a href="javascript:alert(1)">link</a>'
    ' <a href="/more">more</a></p><script>alert(1)</script>'
    '<img src="x" onerror="alert(1)"><img src="data:image/png;base64,AAAA">'
    '<iframe src="https://evil.example/"></iframe><style>p{}</style>'
)


def adapt(body: bytes, base: str = "https://news.example/feed") -> list[RawItem]:
    feed = parse_feed(body)
    state = SourceState(source_id="s", kind="feed", uri=base)
    context = FetchContext(Source(kind="feed", uri=base), NOW, None, base=base)
    return raw_items(feed, state, context, seen_limit=100).items


def json_feed(**item: object) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", **item}]}
    ).encode()


def rss(item: str) -> bytes:
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        f"<item><guid>g</guid>{item}</item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("vbscript:x", None),
        ("mailto:a@example.org", None),
        ("http://0177.0.0.1/", None),
        ("http://0x7f000001/", None),
        ("http://127.1/", None),
        ("http://a\x00b.example/", None),
        ("http://[::1/", None),
        ("http://example.org:99999/", None),
        ("//example.org/x", None),
        ("HTTP://User:Pass@Example.ORG:80/a b?q=é#top", "http://example.org/a%20b?q=%C3%A9#top"),
        ("https://straße.example/", "https://xn--strae-oqa.example/"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_only_http_urls_in_one_spelling(url: str, expected: str | None) -> None:
    assert http_url(url) == expected
    if expected:
        assert http_url(expected) == expected  # one spelling: stable


def test_a_relative_url_is_resolved_against_its_base() -> None:
    assert http_url("../b?x=1", "https://example.org/a/c") == "https://example.org/b?x=1"
    assert http_url("/b") is None


def test_item_links_and_enclosures_keep_only_http_urls() -> None:
    [item] = adapt(
        rss(
            "<link>javascript:alert(1)</link>"
            '<enclosure url="data:audio/mp3;base64,AAAA" type="audio/mpeg" length="4"/>'
            '<enclosure url="javascript:x()" type="audio/mpeg" length="4"/>'
            '<enclosure url="https://cdn.example/a.mp3" type="audio/mpeg" length="4"/>'
        )
    )
    assert item.link is None
    assert [e.url for e in item.enclosures] == ["https://cdn.example/a.mp3"]
    [jf] = adapt(
        json_feed(
            url="javascript:alert(1)",
            content_text="x",
            attachments=[{"url": "data:x"}, {"url": "/a.mp3", "mime_type": "audio/mpeg"}],
        )
    )
    assert jf.link is None
    assert [e.url for e in jf.enclosures] == ["https://news.example/a.mp3"]


def test_json_feed_html_is_sanitised_like_rss_html() -> None:
    [jf] = adapt(json_feed(url="https://news.example/a", content_html=HOSTILE_HTML))
    [rs] = adapt(
        rss(
            f"<link>https://news.example/a</link><description><![CDATA[{HOSTILE_HTML}]]>"
            "</description>"
        )
    )
    for html in (jf.content_html, rs.summary_html):
        assert html is not None
        lowered = html.lower()
        assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
        assert "javascript:" not in lowered and "data:" not in lowered
        assert "<iframe" not in lowered and "<style" not in lowered
        assert 'href="https://news.example/more"' in html and "Body" in html
    assert jf.content_html == rs.summary_html  # one sanitizer, whatever the format


def test_sanitised_html_is_stable_and_escaped() -> None:
    once = sanitize_html('<p title="&quot;><script>x</script>">a &lt;b&gt; &amp; c</p>')
    assert once == '<p title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">a &lt;b&gt; &amp; c</p>'
    assert sanitize_html(once) == once


def test_a_javascript_link_does_not_reach_the_article() -> None:
    item = RawItem(
        item_id="i",
        revision=1,
        content_hash="h",
        source=Source(kind="feed", uri="https://news.example/feed"),
        format="rss",
        link="javascript:alert(1)",
        content_text="The mayor said that it rained all day in the city.",
        fetched_at=NOW,
        first_seen_at=NOW,
    )
    article = normalize(item)
    assert article.url is None and article.canonical_url is None


def page(canonical: str) -> str:
    body = "".join(
        f"<p>Paragraph {i} of the story about the harbour and the mayor.</p>" for i in range(12)
    )
    return (
        f'<html><head><title>Story</title><link rel="canonical" href="{canonical}"></head>'
        f"<body><article><h1>Story</h1>{body}</article></body></html>"
    )


def raw_with_page(link: str, canonical: str) -> RawItem:
    return raw_item(at=NOW, link=link, page_html=page(canonical))


def test_a_canonical_link_to_another_site_is_ignored_and_heard_of() -> None:
    ignored: list[str] = []
    other = normalize(
        raw_with_page("https://www.news.example/a", "https://other-outlet.example/story"),
        ignored.append,
    )
    assert other.canonical_url == "https://www.news.example/a"
    assert ignored == ["https://other-outlet.example/story"]
    own = normalize(
        raw_with_page("https://www.news.example/a?utm_source=x", "https://amp.news.example/a"),
        ignored.append,
    )
    assert own.canonical_url == "https://amp.news.example/a"
    assert own.article_id != other.article_id and len(ignored) == 1
    # A private suffix is a boundary too: two users of one host are two sites.
    hosted = normalize(raw_with_page("https://alice.github.io/a", "https://bob.github.io/a"))
    assert hosted.canonical_url == "https://alice.github.io/a"


def _encode(item: RawItem) -> Output:
    return Output(topic="t", key=item.item_id.encode(), value=item.model_dump_json().encode())


def test_an_oversized_page_is_cut_to_fit_and_a_too_large_item_is_refused() -> None:
    big = raw_with_page("https://news.example/a", "https://news.example/a")
    big = big.model_copy(update={"page_html": "<p>" + 'é"<\\' * 400_000 + "</p>"})
    fit = fitted(big, _encode)
    assert fit.output is not None and encoded_size(fit.output) <= DEFAULTS.max_record_bytes
    assert fit.note and "page_html cut" in fit.note
    kept = RawItem.model_validate_json(fit.output.value).page_html or ""
    assert len(kept) > 100_000 and (big.page_html or "").startswith(kept)
    small = raw_with_page("https://news.example/a", "https://news.example/a")
    assert fitted(small, _encode).note is None
    huge = small.model_copy(update={"content_text": "x" * 1_100_000, "page_html": None})
    refused = fitted(huge, _encode)
    assert refused.output is None and refused.note and "over the 1000000-byte limit" in refused.note
