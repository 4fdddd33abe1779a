"""Article pages: what main-content extraction drops or mangles, and what the normalizer
does about it (the lead, embedded posts, the article's links, litter at the end, a page
read the same way however often, hostile links)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import trafilatura
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core.records import RawItem, Source, SourceState, Timestamp
from services.core.testing import raw_item
from services.ingester.files import read_seed, seed_items
from services.normalizer.extract import Page
from services.normalizer.locate import TextIndex
from services.normalizer.transform import normalize

NOW = datetime(2024, 10, 23, tzinfo=UTC)
BODY = "".join(
    f"<p>Paragraph {n} of the story: the harbour authority said on Tuesday that the ferry "
    f"strike, now in its fourth day, would end on Friday after talks.</p>"
    for n in range(1, 6)
)
LEAD = (
    "The strike that stranded thousands of travellers on the islands is over, the "
    "harbour authority says."
)


def page(head: str = "", header: str = "", body: str = BODY, after: str = "") -> str:
    return (
        f"<html><head><title>Ferry strike to end</title>{head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        f"<article><header><h1>Ferry strike to end</h1>{header}</header>"
        f'<div class="body">{body}</div></article>{after}'
        "<footer>About us. Contact. Terms of use and privacy policy of the site.</footer>"
        "</body></html>"
    )


def item(html: str, revision: int = 1) -> RawItem:
    return raw_item(
        at=NOW, revision=revision, source=Source(kind="feed", uri="f"),
        link="https://news.example.org/ferry", page_html=html, published=Timestamp(),
    )  # fmt: skip


def test_a_lead_outside_the_body_that_the_description_names_comes_first() -> None:
    html = page(
        head=f'<meta name="description" content="{LEAD}">',
        header=f'<div class="teaser-text">{LEAD}</div>',
    )
    assert LEAD not in (trafilatura.extract(html) or "")  # dropped as page furniture
    text = normalize(item(html)).text
    assert text.startswith(LEAD + "\n\n") and "Paragraph 1 of the story" in text
    assert text.count(LEAD) == 1


def test_a_lead_marked_as_one_comes_first_without_a_description() -> None:
    html = page(header=f'<div class="article-teaser"><p>{LEAD}</p></div>')
    assert LEAD not in (trafilatura.extract(html) or "")
    assert normalize(item(html)).text.startswith(LEAD + "\n\n")


def test_teasers_of_other_stories_bylines_and_captions_are_no_lead() -> None:
    other = "Another story entirely: the council voted on the new budget for the harbour."
    html = page(
        head=f'<meta name="description" content="{other}">',
        header=(
            '<p class="intro-byline">By Ana Ferreira, 22.10.2024 10:00</p>'
            f'<ul class="teaser-list"><li><p class="teaser">{other}</p></li></ul>'
            '<figure><figcaption class="summary">The ferry terminal on Monday, when the '
            "strike began and nobody sailed.</figcaption></figure>"
        ),
    )
    found = Page(html, "https://news.example.org/ferry")
    assert found.text == found.main_text  # no lead added
    assert "Another story" not in found.text and "Ana Ferreira" not in found.text


def test_an_embedded_post_takes_only_itself_out_of_the_text() -> None:
    short = "".join(f"<p>Short paragraph {n} of the story.</p>" for n in range(1, 4))
    tweet = (
        '<blockquote class="twitter-tweet"><p lang="en">We will not back down. '
        '<a href="https://t.co/x">pic.twitter.com/Abc123</a></p>&mdash; Jane Roe (@jane_roe) '
        '<a href="https://twitter.com/jane_roe/status/1?ref_src=twsrc%5Etfw">March 3, 2023'
        "</a></blockquote>"
    )
    article = normalize(item(page(body=BODY + short + tweet + "<p>The story goes on.</p>")))
    [embed] = article.embeds
    assert (embed.author, embed.handle, embed.date, embed.text, embed.url) == (
        "Jane Roe",
        "@jane_roe",
        "2023-03-03",
        "We will not back down.",
        "https://twitter.com/jane_roe/status/1",
    )
    for n in range(1, 4):  # the short paragraphs above the post stay in the text
        assert f"Short paragraph {n} of the story." in article.text
    assert "back down" not in article.text and "The story goes on." in article.text


def test_an_embedded_post_in_feed_html_takes_only_itself_too() -> None:
    short = "".join(f"<p>Short paragraph {n} of the story.</p>" for n in range(1, 4))
    html = (
        f'{short}<blockquote class="twitter-tweet"><p>We will not back down.</p>&mdash; '
        "Jane Roe (@jane_roe) March 3, 2023</blockquote><p>The story goes on.</p>"
    )
    feed_item = item("").model_copy(update={"page_html": None, "content_html": html})
    article = normalize(feed_item)
    assert [e.text for e in article.embeds] == ["We will not back down."]
    assert article.text.split("\n\n") == [
        "Short paragraph 1 of the story.",
        "Short paragraph 2 of the story.",
        "Short paragraph 3 of the story.",
        "The story goes on.",
    ]


def test_a_page_that_is_only_a_post_keeps_it_as_its_text() -> None:
    html = (
        '<html><body><blockquote class="twitter-tweet"><p>The vote is tomorrow and every '
        "member of the council will be there, the mayor says.</p>&mdash; Town Hall "
        "(@townhall) May 1, 2024</blockquote></body></html>"
    )
    article = normalize(item(html))
    assert article.text.startswith("The vote is tomorrow") and article.embeds == []


def test_a_page_reads_the_same_however_often_it_is_read() -> None:
    html = page()
    first = normalize(item(html)).text
    for revision in range(2, 6):  # no memory of pages seen before drops their paragraphs
        assert normalize(item(html, revision=revision)).text == first


def test_links_and_images_are_the_articles_and_a_malformed_link_is_no_crash() -> None:
    body = BODY.replace(
        "after talks.</p>",
        'after <a href="/talks?utm_source=x">talks</a>.<img src="/img/port.jpg"></p>',
        1,
    )
    html = page(
        head='<meta property="og:image" content="https://news.example.org/img/lead.jpg">',
        body=body,
        after='<div><a href="http://[ccpa-preferences]">Privacy</a></div>',
    )
    article = normalize(item(html))
    assert article.links == ["https://news.example.org/talks"]  # not the navigation's
    assert article.images == [
        "https://news.example.org/img/lead.jpg",
        "https://news.example.org/img/port.jpg",
    ]


def test_a_page_whose_only_text_trafilatura_files_as_comments_is_not_empty() -> None:
    comments = "".join(
        f'<li class="comment"><p>Reader {n}: the ferry was late again today and nobody '
        "at the harbour could say when the next one would sail.</p></li>"
        for n in range(1, 6)
    )
    html = f'<html><body><div id="comments"><ol class="commentlist">{comments}</ol></div></body></html>'
    assert trafilatura.extract(html)  # trafilatura's defaults find text here
    assert "the ferry was late again" in Page(html).text


def test_text_index_finds_text_across_markup_and_not_in_scripts() -> None:
    tree = lxml.html.fromstring(
        "<html><body><div><p>The <b>ferry</b> strike <!-- ad --> ends.</p>"
        "<script>var strike = 'ends';</script><p>Second one.</p></div></body></html>"
    )
    index = TextIndex(tree)
    found = index.find("The ferry strike ends.")
    assert found is not None and found.tag == "p"
    assert index.find("var strike") is None
    holder = index.find("ends. Second")  # two paragraphs: their common parent
    assert holder is None or holder.tag == "div"


PIECES = st.sampled_from(
    [
        "<html>", "<body>", "<p>", "</p>", "<article>", "</article>", "<li>", "<script>",
        "</script>", "<!--", "-->", '<blockquote class="twitter-tweet">', "</blockquote>",
        '<meta name="description" content="a b c d e f g h i">', "<a href='http://[x]'>",
        "\x00", "&amp;", "&#0;", "<?xml version='1.0' encoding='utf-8'?>", "ferry strike ",
        "The harbour authority said on Tuesday that the strike would end. ",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=40))
def test_hostile_pages_are_read_without_failing(pieces: list[str]) -> None:
    found = Page("".join(pieces), "https://news.example.org/a")
    assert isinstance(found.text, str)
    assert isinstance(found.links, list) and isinstance(found.images, list)
    assert found.title is None or isinstance(found.title, str)
    assert isinstance(found.authors, list)
    assert found.published is None or found.published.tzinfo is not None


def test_an_html_file_of_a_whole_page_is_read_as_a_page(tmp_path: Path) -> None:
    head = (
        '<link rel="canonical" href="https://news.example.org/ferry">'
        '<meta property="article:published_time" content="2024-10-22T10:00:00+02:00">'
    )
    (tmp_path / "ferry.html").write_text(page(head=head), encoding="utf-8")
    (tmp_path / "note.html").write_text("<p>A short note on the ferry timetable.</p>")
    state = SourceState(source_id="s", kind="file", uri="ferry.html")
    [saved] = seed_items(read_seed(tmp_path, tmp_path / "ferry.html"), state, NOW).items
    article = normalize(saved)
    assert article.text.startswith("Ferry strike to end\n\nParagraph 1 of the story")
    assert "Home" not in article.text and "Terms of use" not in article.text
    assert article.canonical_url == "https://news.example.org/ferry"
    assert article.published_at_source == "page"
    [fragment] = seed_items(read_seed(tmp_path, tmp_path / "note.html"), state, NOW).items
    assert normalize(fragment).text == "A short note on the ferry timetable."  # flattened
