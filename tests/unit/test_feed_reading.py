"""Real feeds read right: each class of mistake a reader notices, on feeds written here.

Repeated GUIDs, markup in titles and names, identity that does not depend on the fetch
URL, feed-level authors and languages, lenient JSON Feed, dates, relative links in files
of the seeds folder.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from services.core.records import RawItem, Source, SourceState
from services.ingester.files import read_seed, seed_items
from services.ingester.items import Adapted, FetchContext, raw_items
from services.ingester.parsers import looks_like_feed, parse_feed

NOW = datetime(2024, 10, 22, 12, tzinfo=UTC)
FEED_URL = "https://news.example/feeds/world.xml"


def adapt(
    body: bytes, state: SourceState | None = None, base: str | None = FEED_URL
) -> tuple[Adapted, SourceState]:
    """One poll of ``body``, fetched from ``base``; and the source's state after it."""
    state = state or SourceState(source_id="feed-1", kind="feed", uri=FEED_URL)
    context = FetchContext(Source(kind="feed", uri=FEED_URL), NOW, None, base=base)
    adapted = raw_items(parse_feed(body), state, context, seen_limit=500)
    return adapted, state.model_copy(update={"seen": adapted.seen})


def items(body: bytes, base: str | None = FEED_URL) -> list[RawItem]:
    return adapt(body, base=base)[0].items


def rss(entries: str, channel: str = "", namespaces: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {namespaces}><channel>'
        f"<title>World</title>{channel}{entries}</channel></rss>"
    ).encode()


def atom(entries: str, feed: str = "", attributes: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        f"{attributes}><title>World</title><id>urn:x:feed</id>{feed}{entries}</feed>"
    ).encode()


def json_feed(**fields: object) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", **fields}).encode()


# -- one item per identity ----------------------------------------------------------------

REPEATED = rss(
    "<item><guid isPermaLink='false'>post-7</guid><title>Floods close the bridge</title>"
    "<link>https://news.example/7</link><pubDate>Tue, 22 Oct 2024 09:00:00 GMT</pubDate>"
    "<description>First report.</description></item>"
    "<item><guid>other</guid><title>Another story</title></item>"
    "<item><guid isPermaLink='false'>post-7</guid><link>https://news.example/7</link>"
    "<pubDate>Tue, 22 Oct 2024 10:30:00 GMT</pubDate><description>First report.</description>"
    "</item>"
)


def test_a_repeated_guid_is_one_item_and_an_unchanged_document_yields_nothing() -> None:
    first, state = adapt(REPEATED)
    assert [i.title for i in first.items] == ["Floods close the bridge", "Another story"]
    assert {i.revision for i in first.items} == {1}
    assert first.counts.repeated == 1
    assert any("repeat the identity 'guid:post-7'" in p for p in first.problems)
    for _ in range(4):
        again, state = adapt(REPEATED, state)
        assert again.items == [] and again.counts.unchanged == 2


def test_the_copy_kept_does_not_depend_on_the_order_of_the_copies() -> None:
    _, state = adapt(REPEATED)
    entries = REPEATED.split(b"<item>")
    swapped = b"<item>".join([entries[0], entries[3].replace(b"</channel></rss>", b""),
                              entries[2], entries[1] + b"</channel></rss>"])  # fmt: skip
    assert swapped.count(b"post-7") == 2
    again, _ = adapt(swapped, state)
    assert again.items == []  # the same copy, so nothing changed


def test_one_guid_on_different_pages_is_several_items_each_emitted_once() -> None:
    body = rss(
        "".join(
            f"<item><guid>42</guid><title>Episode {n}</title><link>https://pod.example/{n}</link>"
            "</item>"
            for n in (1, 2, 3)
        )
    )
    first, state = adapt(body)
    assert [i.title for i in first.items] == ["Episode 1", "Episode 2", "Episode 3"]
    assert len({i.item_id for i in first.items}) == 3
    again, _ = adapt(body, state)
    assert again.items == []


# -- titles and names as plain text -------------------------------------------------------


def test_titles_are_plain_text_in_every_format() -> None:
    feed = atom(
        "<entry><id>urn:1</id><title type='html'>&lt;b&gt;Slack&lt;/b&gt; is down</title></entry>"
        "<entry><id>urn:2</id><title type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
        "Good <i>dogs</i></div></title></entry>"
        "<entry><id>urn:3</id><title type='html'>&amp;lt;b&amp;gt; is a tag</title></entry>"
        "<entry><id>urn:4</id><title type='text'>a &lt; b</title></entry>"
    )
    assert [i.title for i in items(feed)] == ["Slack is down", "Good dogs", "<b> is a tag", "a < b"]
    feed = rss(
        "<item><guid>1</guid><title><![CDATA[<span class='webrupee'>₹</span> 500 crore]]></title>"
        "</item><item><guid>2</guid><title>That&amp;#8217;s\n   all,\tfolks</title></item>"
        "<item><guid>3</guid><title>AT&amp;T &amp; Verizon</title></item>"
    )
    assert [i.title for i in items(feed)] == ["₹ 500 crore", "That’s all, folks", "AT&T & Verizon"]
    feed = json_feed(items=[{"id": "1", "title": "It&#8217;s <em>here</em>"}])
    assert [i.title for i in items(feed)] == ["It’s here"]


def test_author_names_are_plain_text_and_html_stays_html() -> None:
    feed = rss(
        "<item><guid>1</guid><title>t</title><dc:creator><![CDATA[<b>Ann</b> Lee]]></dc:creator>"
        "<description>&lt;p&gt;Body with &lt;b&gt;bold&lt;/b&gt;.&lt;/p&gt;</description></item>",
        namespaces='xmlns:dc="http://purl.org/dc/elements/1.1/"',
    )
    [item] = items(feed)
    assert item.authors == ["Ann Lee"]
    assert item.summary_html == "<p>Body with <b>bold</b>.</p>"
    feed = atom("<entry><id>u</id><author><name>Tom &amp;amp; Jerry</name></author></entry>")
    assert items(feed)[0].authors == ["Tom & Jerry"]


# -- identity that does not depend on where the feed was fetched from ---------------------

BARE = rss(
    "<item><guid>1559104147038</guid><title>Bare</title>"
    "<description>&lt;a href='/more'&gt;more&lt;/a&gt;</description></item>"
    "<item><guid>https://news.example/posts/8</guid><title>Permalink</title></item>"
    "<item><guid isPermaLink='false'>https://news.example/posts/9</guid><title>Not</title>"
    "</item><item><title>Relative</title><link>/posts/10</link></item>"
)


def test_a_bare_guid_is_an_identifier_not_a_link() -> None:
    bare, permalink, not_permalink, relative = items(BARE)
    assert bare.link is None
    assert permalink.link == "https://news.example/posts/8"
    assert not_permalink.link is None
    assert relative.link == "https://news.example/posts/10"
    assert [i.guid for i in parse_feed(BARE).items][:3] == [
        "1559104147038",
        "https://news.example/posts/8",
        "https://news.example/posts/9",
    ]


def test_item_ids_are_the_same_whatever_url_the_feed_was_fetched_from() -> None:
    before = items(BARE, base="https://news.example/feeds/world.xml")
    after = items(BARE, base="https://cdn.example/moved/world.rss")
    assert [i.item_id for i in before] == [i.item_id for i in after]
    assert [i.content_hash for i in before] == [i.content_hash for i in after]
    assert after[3].link == "https://cdn.example/posts/10"  # links resolve where it is now


# -- what the feed says for all its items --------------------------------------------------


def test_atom_entries_without_authors_have_the_source_or_feed_authors() -> None:
    feed = atom(
        "<entry><id>1</id><title>own</title><author><name>Ann</name></author></entry>"
        "<entry><id>2</id><title>feed's</title></entry>"
        "<entry><id>3</id><title>source's</title><source><author><name>Wire</name></author>"
        "</source></entry>",
        feed="<author><name>Desk</name></author><author><name>Bo</name></author>",
        attributes='xml:lang="fr-FR"',
    )
    got = items(feed)
    assert [i.authors for i in got] == [["Ann"], ["Desk", "Bo"], ["Wire"]]
    assert {i.language for i in got} == {"fr-FR"}


def test_json_feed_authors_and_language_apply_to_items_without_their_own() -> None:
    feed = json_feed(
        language="pt-br",
        authors=[{"name": "Redação"}],
        items=[
            {"id": "1", "title": "a"},
            {"id": "2", "title": "b", "authors": [{"name": "Ana"}], "language": "en"},
        ],
    )
    a, b = items(feed)
    assert (a.authors, a.language) == (["Redação"], "pt-BR")
    assert (b.authors, b.language) == (["Ana"], "en")
    old = json.dumps({
        "version": "https://jsonfeed.org/version/1", "author": {"name": "Brent"},
        "items": [{"id": "1", "title": "a"}],
    }).encode()  # fmt: skip
    assert items(old)[0].authors == ["Brent"]


def test_rss_items_have_the_channel_language() -> None:
    feed = rss("<item><guid>1</guid><title>t</title></item>", channel="<language>en-us</language>")
    assert items(feed)[0].language == "en-US"


# -- JSON Feed: what can be read is read ---------------------------------------------------


def test_json_feed_versions_over_http_and_any_1_x() -> None:
    for version in (
        "http://jsonfeed.org/version/1",
        "https://jsonfeed.org/version/1.1",
        "https://jsonfeed.org/version/1.2",
        "1.0",
    ):
        body = json.dumps({"version": version, "items": [{"id": "1", "title": "t"}]}).encode()
        assert looks_like_feed(body), version
        assert [i.title for i in items(body)] == ["t"], version


def test_a_malformed_optional_field_is_dropped_for_its_item_with_a_recorded_problem() -> None:
    feed = json_feed(
        items=[
            {"id": "a", "title": "tags as a string", "tags": "politics, elections ,  europe"},
            {"id": "b", "title": "bad fields", "url": 7, "authors": "Ann", "date_published": [1],
             "attachments": [{"url": "https://news.example/a.mp3"}, {"no": "url"}]},
            {"id": "c", "title": "fine", "tags": ["x"]},
        ]
    )  # fmt: skip
    adapted, _ = adapt(feed)
    a, b, c = adapted.items
    assert a.categories == ["politics", "elections", "europe"]
    assert (b.link, b.authors, b.published.raw) == (None, [], None)
    assert [e.url for e in b.enclosures] == ["https://news.example/a.mp3"]
    assert c.categories == ["x"]
    assert adapted.rejected == []
    assert "item 'a': tags: one string, not a list: read as comma-separated" in adapted.problems
    assert "item 'b': url: a number, not a URL: dropped" in adapted.problems
    assert "item 'b': authors: text, not a list: dropped" in adapted.problems
    assert "item 'b': date_published: a list, not text: dropped" in adapted.problems
    assert any(p.startswith("item 'b': attachments[1]: an object") for p in adapted.problems)


def test_relative_json_feed_urls_resolve_against_feed_url_then_home_page_then_fetch_url() -> None:
    item = {"id": "1", "url": "posts/1", "attachments": [{"url": "a.mp3"}]}
    own = json_feed(feed_url="https://blog.example/en/feed.json", items=[item])
    home = json_feed(home_page_url="https://blog.example/fr/", items=[item])
    neither = json_feed(items=[item])
    assert items(own)[0].link == "https://blog.example/en/posts/1"
    assert items(own)[0].enclosures[0].url == "https://blog.example/en/posts/a.mp3"
    assert items(home)[0].link == "https://blog.example/fr/posts/1"
    assert items(neither)[0].link == "https://news.example/feeds/posts/1"
    assert items(own, base=None)[0].link == "https://blog.example/en/posts/1"


# -- dates you can trust -------------------------------------------------------------------


def test_dates_feedparser_misreads_are_read_and_unreadable_ones_are_absent() -> None:
    feed = rss(
        "<item><guid>1</guid><pubDate>2020/1/10 14:33:00</pubDate></item>"
        "<item><guid>2</guid><dc:date>1559104147</dc:date></item>"
        "<item><guid>3</guid><pubDate>2024-10-22 10:15:00</pubDate></item>"
        "<item><guid>4</guid><pubDate>Sat, 16 Dec 2023 02:02:33 PM</pubDate></item>"
        "<item><guid>5</guid><pubDate>sometime last week</pubDate></item>"
        "<item><guid>6</guid><pubDate>Tue, 22 Oct 2024 10:15:00 CEST</pubDate></item>",
        namespaces='xmlns:dc="http://purl.org/dc/elements/1.1/"',
    )
    got = [(i.published.raw, i.published.utc) for i in items(feed)]
    assert got == [
        ("2020/1/10 14:33:00", datetime(2020, 1, 10, 14, 33, tzinfo=UTC)),
        ("1559104147", datetime(2019, 5, 29, 4, 29, 7, tzinfo=UTC)),
        ("2024-10-22 10:15:00", datetime(2024, 10, 22, 10, 15, tzinfo=UTC)),
        ("Sat, 16 Dec 2023 02:02:33 PM", datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)),
        ("sometime last week", None),
        ("Tue, 22 Oct 2024 10:15:00 CEST", datetime(2024, 10, 22, 8, 15, tzinfo=UTC)),
    ]


def test_a_far_future_date_is_a_recorded_problem_and_kept_only_as_written() -> None:
    feed = rss(
        "<item><guid>1</guid><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
        "<item><guid>2</guid><pubDate>Tue, 22 Oct 2024 20:00:00 GMT</pubDate></item>"
    )
    adapted, _ = adapt(feed)
    far, soon = adapted.items
    assert far.published.raw == "Fri, 01 Jan 2100 00:00:00 GMT" and far.published.utc is None
    assert soon.published.utc == datetime(2024, 10, 22, 20, tzinfo=UTC)  # hours ahead: kept
    assert any("in the future" in p and "2100" in p for p in adapted.problems)


# -- relative links in files of the seeds folder -------------------------------------------


def seed_feed(tmp_path: Path, name: str, body: bytes) -> list[RawItem]:
    path = tmp_path / name
    path.write_bytes(body)
    state = SourceState(source_id="file", kind="file", uri=name)
    return seed_items(read_seed(tmp_path, path), state, NOW).items


def test_a_feed_file_resolves_its_relative_links_with_xml_base_and_its_own_link(
    tmp_path: Path,
) -> None:
    channel = "<link>https://blog.example/news/</link>"
    body = rss(
        "<item><guid>1</guid><title>t</title><link>2024/story.html</link>"
        "<description>&lt;img src='pics/a.jpg'&gt;</description>"
        "<enclosure url='media/a.mp3' type='audio/mpeg' length='1'/></item>",
        channel=channel,
    )
    [item] = seed_feed(tmp_path, "blog.rss", body)
    assert item.link == "https://blog.example/news/2024/story.html"
    assert item.enclosures[0].url == "https://blog.example/news/2024/media/a.mp3"
    assert item.summary_html == '<img src="https://blog.example/news/2024/pics/a.jpg">'
    body = atom(
        "<entry><id>1</id><link href='post/1'/><content type='html' xml:base='/static/'>"
        "&lt;a href='x.pdf'&gt;x&lt;/a&gt;</content></entry>",
        feed="<link href='https://else.example/'/>",
        attributes='xml:base="https://site.example/blog/"',
    )
    [item] = seed_feed(tmp_path, "site.atom", body)
    assert item.link == "https://site.example/blog/post/1"
    assert item.content_html == '<a href="https://site.example/static/x.pdf">x</a>'
