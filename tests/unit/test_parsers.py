"""Feed parsing: the real-world corpus, encodings, hostile XML, JSON Feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.ingester.parsers import FeedParseError, looks_like_feed, parse_feed

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "feeds"
NOT_FEEDS = {
    "xml_sample_1.xml": "a book catalogue, not a feed",
    "xml_sample_2.xml": "plain XML, not a feed",
    "unrecognized.rss": "an HTML 'document moved' page",
}
NO_ITEMS = {"rss_2.0_invalid_1.xml": "truncated before its first item"}
EMPTY_ITEMS = {
    "incomplete-fields.atom": "one entry with nothing but an empty author",
    "missing-fields.atom": "one entry with nothing but its id (an id is no link)",
}


def corpus_files() -> list[Path]:
    assert CORPUS.is_dir(), f"the evaluation corpus is missing: {CORPUS}"
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".xml", ".rss", ".atom", ".json"))


def test_the_corpus_is_there() -> None:
    assert len(corpus_files()) > 90


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_corpus_file_parses_or_is_refused_clearly(path: Path) -> None:
    body = path.read_bytes()
    if path.name in NOT_FEEDS:
        with pytest.raises(FeedParseError, match="not an RSS or Atom feed"):
            parse_feed(body)
        return
    feed = parse_feed(body)
    if path.name in NO_ITEMS:
        assert feed.items == [] and feed.problems
    elif path.name in EMPTY_ITEMS:
        assert len(feed.items) == 1 and not feed.items[0].title
    else:
        assert feed.items, f"{path.name}: no items"
        assert any(i.title or i.link or i.summary_html or i.content_html for i in feed.items)


def corpus(name: str) -> bytes:
    [path] = [p for p in corpus_files() if p.name == name]
    return path.read_bytes()


def test_iso_8859_1_feed_decodes_its_accents() -> None:
    feed = parse_feed(corpus("rss_1.0_iso8859.xml"))
    text = " ".join(f"{i.title} {i.summary_html}" for i in feed.items)
    assert "\ufffd" not in text
    assert any(ch in text for ch in "éèàüöäçñ")


def test_atom_fields_and_dates_in_utc() -> None:
    feed = parse_feed(corpus("atom_spec_1.xml"))
    assert feed.format == "atom"
    [item] = feed.items
    assert item.guid and item.link and item.title
    assert item.updated_utc is not None and item.updated_utc.tzinfo == UTC


def test_json_feed_spec_example() -> None:
    feed = parse_feed(corpus("jsonfeed_spec_1.json"))
    assert feed.format == "jsonfeed" and feed.items
    assert all(i.guid for i in feed.items)


def test_json_feed_items_without_id_keep_their_url() -> None:
    feed = parse_feed(corpus("jsonfeed_elastic_1.1.json"))
    assert feed.items and all(i.guid is None and i.link for i in feed.items)
    assert feed.items[0].published_utc == datetime(2019, 5, 31, 19, 17, 58, tzinfo=UTC)


RSS = b"""<?xml version="1.0" encoding="%s"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
<title>T</title><ttl>45</ttl><sy:updatePeriod>daily</sy:updatePeriod>
<sy:updateFrequency>4</sy:updateFrequency>
<item><guid>1</guid><title>%s</title><pubDate>Tue, 22 Oct 2024 09:15:00 +0200</pubDate>
<enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="1234"/></item>
</channel></rss>"""


def test_windows_1252_and_feed_hints() -> None:
    body = RSS % (b"windows-1252", b"\x93quoted\x94 \x80 5")
    feed = parse_feed(body)
    [item] = feed.items
    assert item.title == "“quoted” € 5"
    assert item.published_utc == datetime(2024, 10, 22, 7, 15, tzinfo=UTC)
    assert item.enclosures[0].url == "https://example.org/a.mp3"
    assert item.enclosures[0].length == 1234
    assert feed.ttl_s == 45 * 60 and feed.update_period_s == 86400 / 4


def test_http_charset_is_honoured_without_xml_declaration() -> None:
    body = b'<rss version="2.0"><channel><title>T</title><item><title>caf\xe9</title></item></channel></rss>'
    feed = parse_feed(body, content_type="application/rss+xml; charset=ISO-8859-1")
    assert feed.items[0].title == "café"


def test_utf16_with_bom() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>T</title><item><title>ü</title></item></channel></rss>'
    assert parse_feed(text.encode("utf-16")).items[0].title == "ü"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title><item><title>x</title></item></channel></rss>"""


@pytest.mark.parametrize(
    "body", [BOMB, XXE, BOMB.decode().encode("utf-16")], ids=["bomb", "xxe", "utf16-bomb"]
)
def test_entity_declarations_are_refused(body: bytes) -> None:
    with pytest.raises(FeedParseError, match="declares entities"):
        parse_feed(body)


def test_a_doctype_without_entities_is_fine() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        b"<title>T</title><item><title>old</title></item></channel></rss>"
    )
    assert parse_feed(body).items[0].title == "old"


def test_malformed_feed_keeps_what_it_can() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>one</title></item><item><title>two</title></item><item><title>thr"
    )
    feed = parse_feed(body)
    assert [i.title for i in feed.items][:2] == ["one", "two"]
    assert feed.problems


def test_not_feeds() -> None:
    with pytest.raises(FeedParseError):
        parse_feed(b"<html><body>Hello</body></html>")
    with pytest.raises(FeedParseError, match="not a JSON Feed"):
        parse_feed(b'{"version": "https://example.org/format/1.0", "items": []}')
    with pytest.raises(FeedParseError, match="not a JSON Feed"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/2", "items": []}')
    with pytest.raises(FeedParseError, match="empty"):
        parse_feed(b"  ")


def test_json_feed_versions_authors_and_numeric_ids() -> None:
    v10 = b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": 7, "content_text": "a\\n\\nb", "author": {"name": "Ann"}}]}'
    v11 = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "x", "authors": [{"name": "Bo"}], "attachments": [{"url": "https://e.org/p.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 9}], "date_published": "2024-10-22T10:00:00+02:00"}]}'
    [a] = parse_feed(v10).items
    assert a.guid == "7" and a.authors == ["Ann"] and a.content_html == "<p>a</p><p>b</p>"
    [b] = parse_feed(v11).items
    assert b.authors == ["Bo"] and b.enclosures[0].length == 9
    assert b.published_utc == datetime(2024, 10, 22, 8, tzinfo=UTC)
    assert looks_like_feed(v11) and not looks_like_feed(b'{"title": "article"}')
