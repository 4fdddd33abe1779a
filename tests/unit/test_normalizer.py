"""The normalizer's steps: canonical URLs, litter, embeds, language, the seed article."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.core.records import RawItem, Source, Timestamp
from services.core.testing import raw_item
from services.normalizer.canonical import canonical_url
from services.normalizer.embeds import cut_embeds
from services.normalizer.language import detect_language
from services.normalizer.litter import remove_litter
from services.normalizer.transform import normalize
from tests.conftest import ROOT, SEED, seed_article

NOW = datetime(2024, 10, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://Example.ORG:443/a/b?utm_source=rss&b=2&a=1#frag",
            "https://example.org/a/b?a=1&b=2",
        ),
        ("http://example.org:80", "http://example.org/"),
        (
            "http://example.org:8080/x?fbclid=abc&gclid=1&mc_cid=2&mc_eid=3",
            "http://example.org:8080/x",
        ),
        ("https://example.org/p?id=5&utm_medium=feed&UTM_campaign=x", "https://example.org/p?id=5"),
        ("https://example.org./story", "https://example.org/story"),
        ("mailto:someone@example.org", None),
        ("javascript:alert(1)", None),
        ("https://[::1]:8443/x", "https://[::1]:8443/x"),
    ],
)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert canonical_url(url) == expected


def test_relative_urls_resolve_against_the_page() -> None:
    assert (
        canonical_url("../b?utm_term=x", "https://example.org/news/a/")
        == "https://example.org/news/b"
    )


def test_litter_lines_go_and_real_sentences_stay() -> None:
    paragraphs = [
        "Loading…",
        "Share this article",
        "Read more",
        "Subscribe to our newsletter for daily updates",
        "Advertisement",
        "Officials said they would share the report with the committee.",
        "Read more about the vote in our explainer, the minister said on Tuesday, adding detail.",
        "Ukraine must win. pic.twitter.com/BUsDxCt2jc",
    ]
    assert remove_litter(paragraphs) == [
        "Officials said they would share the report with the committee.",
        "Read more about the vote in our explainer, the minister said on Tuesday, adding detail.",
        "Ukraine must win.",
    ]


def test_appeals_at_the_end_go_and_the_same_words_inside_stay() -> None:
    paragraphs = [
        "Subscribers to the ferry company's newsletter were told of the strike first.",
        "Sailings resume on Saturday, the company said.",
        "Read more: Unions accept the revised pay offer",
        "Sign up for our morning newsletter to get the news first.",
        "Follow The Harbour Gazette on Twitter and Facebook.",
        "© 2024 The Harbour Gazette. All rights reserved.",
    ]
    assert remove_litter(paragraphs) == paragraphs[:2]
    assert remove_litter(paragraphs[4:]) == paragraphs[4:5]  # never all of the text
    news = [
        "The streaming service reported results on Tuesday.",
        "It added two million subscribers, and users can download the app from today.",
        "The findings were first reported in a newsletter, and copyright lawyers agreed.",
    ]
    assert remove_litter(news) == news  # about subscribers, not asking the reader


def test_embedded_post_residue_becomes_an_embed() -> None:
    paragraphs = [
        "A long introductory paragraph that explains what happened at the summit yesterday " * 3,
        "One official posted:",
        "We will not back down.",
        "Details tomorrow. pic.twitter.com/Abc123",
        "— Jane Roe (@jane_roe) March 3, 2023",
        "The story goes on.",
    ]
    kept, [embed] = cut_embeds(paragraphs)
    assert kept == [paragraphs[0], "One official posted:", "The story goes on."]
    assert (embed.author, embed.handle, embed.date) == ("Jane Roe", "@jane_roe", "2023-03-03")
    assert embed.text == "We will not back down.\nDetails tomorrow."
    assert embed.url == "https://pic.twitter.com/Abc123"


def test_language() -> None:
    assert (
        detect_language("Western officials have claimed that a senior general was wounded.") == "en"
    )
    assert (
        detect_language("Les responsables occidentaux ont affirmé qu'un général avait été blessé.")
        == "fr"
    )
    assert detect_language("Ja") is None


def test_the_seed_article() -> None:
    article = normalize(seed_article())
    assert "Loading" not in article.text and "pic.twitter.com" not in article.text
    [embed] = article.embeds
    assert (embed.author, embed.handle, embed.date) == (
        "Damian Boeselager",
        "@d_boeselager",
        "2024-10-22",
    )
    assert embed.text.startswith("“If you clapped for Orbán") and embed.text.endswith(
        "Orbán must go."
    )
    assert "clapped for Orbán" not in article.text
    assert article.language == "en"
    assert article.title == (
        "Western officials have claimed that a senior North Korean general was recently wounded "
        "in a Ukrainian strike on Russia’s Kursk region."
    )
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 13  # 18 lines, less the post (3), its signature, "Loading…"
    assert paragraphs[0] == article.title
    assert "“fair game and fair targets.”" in article.text  # curly quotes preserved
    assert article.published_at_source == "file" and article.word_count > 400


def test_page_html_main_content_canonical_link_and_date() -> None:
    html = (
        '<html><head><title>Site | Ferry</title><link rel="canonical" '
        'href="https://news.example.org/ferry?utm_source=share">'
        '<meta property="article:published_time" content="2024-10-22T10:00:00+02:00">'
        '<meta name="author" content="Ana Ferreira"></head><body><nav>Home World Sport</nav>'
        "<article><h1>Ferry strike to end</h1><p>The harbour authority said on Tuesday that "
        "the ferry strike, now in its fourth day, would end on Friday.</p><p>Share this "
        "article</p><p>“We expect normal sailings from Saturday,” a spokesperson told "
        "reporters, according to a statement published on the authority's website.</p>"
        "</article><footer>Subscribe now</footer></body></html>"
    )
    item = raw_item(
        at=NOW, source=Source(kind="feed", uri="f"),
        link="https://news.example.org/ferry?utm_medium=rss", summary_html="<p>Short.</p>",
        page_html=html, published=Timestamp(),
    )  # fmt: skip
    article = normalize(item)
    assert article.canonical_url == "https://news.example.org/ferry"
    assert "Share this article" not in article.text and "Home World Sport" not in article.text
    assert "“We expect normal sailings from Saturday,”" in article.text
    assert article.published_at_source == "page" and article.published_at is not None
    assert article.published_at.date().isoformat() == "2024-10-22"
    assert article.authors == ["Ana Ferreira"]


def test_identity_is_the_canonical_url_and_revisions_follow_the_item() -> None:
    base = seed_article().model_copy(update={"link": "https://example.org/a?utm_source=x"})
    first = normalize(base)
    second = normalize(base.model_copy(update={"link": "https://EXAMPLE.org/a#top", "revision": 2}))
    assert first.article_id == second.article_id and second.revision == 2
    other = normalize(base.model_copy(update={"link": "https://example.org/b"}))
    assert other.article_id != first.article_id


def test_example_feeds_are_in_the_repo() -> None:
    assert sorted(p.name for p in (ROOT / "examples" / "feeds").iterdir()) == [
        "science.atom",
        "tech.json",
        "world.xml",
    ]
    assert Path(SEED).exists()


def test_blockquote_embeds_links_and_images_from_feed_html() -> None:
    html = (
        "<p>Officials reacted quickly to the announcement on Tuesday, with several statements "
        'published online. <a href="https://example.org/story?utm_source=feed">More</a></p>'
        "<p>One minister wrote:</p>"
        '<blockquote class="twitter-tweet"><p lang="en">We will not back down. '
        '<a href="https://t.co/x">pic.twitter.com/Abc123</a></p>&mdash; Jane Roe (@jane_roe) '
        '<a href="https://twitter.com/jane_roe/status/1">March 3, 2023</a></blockquote>'
        '<p>The debate continues. <img src="/img/a.jpg"></p>'
    )
    item = seed_article().model_copy(
        update={"content_text": None, "content_html": html, "link": "https://example.org/a"}
    )
    article = normalize(item)
    [embed] = article.embeds
    assert (embed.author, embed.handle, embed.text) == (
        "Jane Roe",
        "@jane_roe",
        "We will not back down.",
    )
    assert "back down" not in article.text and "One minister wrote:" in article.text
    assert "https://example.org/story" in article.links
    assert article.images == ["https://example.org/img/a.jpg"]


def test_dates_come_from_the_item_then_the_page_then_the_file() -> None:
    base = seed_article()
    page = '<html><head><meta property="article:published_time" content="2024-10-20T23:30:00-05:00"></head><body><article><p>The council said on Sunday that the vote would go ahead as planned, despite the storm.</p></article></body></html>'
    cet = datetime.fromisoformat("2024-10-22T09:15:00+02:00")
    from_item = normalize(base.model_copy(update={"published": Timestamp(raw="x", utc=cet)}))
    assert from_item.published_at == datetime(2024, 10, 22, 7, 15, tzinfo=UTC)
    assert from_item.published_at_source == "item"
    paged = base.model_copy(update={"content_text": None, "page_html": page})
    from_page = normalize(paged)
    assert from_page.published_at_source == "page" and from_page.published_at is not None
    assert from_page.published_at.tzinfo is not None
    assert from_page.published_at.date().isoformat() in ("2024-10-20", "2024-10-21")
    from_file = normalize(base)
    assert from_file.published_at_source == "file" and from_file.published_at == base.file_mtime
    nothing = normalize(base.model_copy(update={"file_mtime": None}))
    assert nothing.published_at is None and nothing.published_at_source is None


def test_a_changed_article_is_a_new_revision_with_a_new_hash() -> None:
    first = normalize(seed_article())
    edited = seed_article().model_copy(
        update={
            "revision": 2,
            "content_text": (seed_article().content_text or "") + "\nA correction.\n",
        }
    )
    second = normalize(edited)
    assert second.article_id == first.article_id and second.revision == 2
    assert second.content_hash != first.content_hash and second.text.endswith("A correction.")


def feed_item(title: str, authors: list[str] | None = None, language: str | None = None) -> RawItem:
    return raw_item(
        at=NOW, source=Source(kind="feed", uri="f"), title=title, authors=authors or [],
        language=language,
        summary_html="<p>The council voted on Tuesday to close the old bridge.</p>",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("<b>Slack</b> is down", "Slack is down"),
        ("That&#8217;s it &amp; more", "That’s it & more"),
        ("<span class='webrupee'>₹</span> 500\n crore", "₹ 500 crore"),
        ("a < b, and AT&T", "a < b, and AT&T"),  # text, not markup: kept as it is
        ("  Plain\ttitle  ", "Plain title"),
        ("&lt;b&gt;Escaped&lt;/b&gt; twice", "Escaped twice"),
    ],
)
def test_article_titles_and_authors_never_carry_markup(title: str, expected: str) -> None:
    article = normalize(feed_item(title, [f"<i>{title}</i>"]))
    assert article.title == expected
    assert article.authors == [expected]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<b>", "</b>", "<i>", "&amp;", "&#8217;", "&lt;", "&gt;", "&lt;/p&gt;", "/", "x", " "]
        )
        | st.text(alphabet="ab <>&;/", max_size=5),
        max_size=12,
    ).map("".join)
)
def test_no_title_leaves_the_normalizer_with_a_closing_tag(title: str) -> None:
    article = normalize(feed_item(title))
    assert not re.search(r"</[a-zA-Z][a-zA-Z0-9]*\s*>", article.title), article.title


def test_the_language_declared_by_the_feed_is_the_fallback() -> None:
    assert normalize(feed_item("Bridge", language="en-GB")).language == "en"
    short = feed_item("x", language="fr-FR").model_copy(update={"summary_html": "<p>1 2 3</p>"})
    assert normalize(short).language == "fr"
