import os
from pathlib import Path

import pytest

from services.core.errors import ConfigurationError
from services.ingester.feedlist import FeedListFile, parse_feed_list
from services.ingester.opml import import_opml, parse_opml


def test_feed_list_with_options_and_duplicates() -> None:
    feeds = parse_feed_list(
        "feeds:\n"
        "  - url: https://example.org/a.xml\n    name: A\n    tags: [x]\n    full_text: true\n"
        "  - url: https://example.org/b.xml\n    min_interval_s: 60\n"
        "  - url: https://example.org/a.xml\n"
    )
    assert [f.url for f in feeds] == ["https://example.org/a.xml", "https://example.org/b.xml"]
    assert feeds[0].full_text and feeds[0].tags == ("x",) and feeds[1].min_interval_s == 60
    assert feeds[0].source_id != feeds[1].source_id


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feeds: [{url: 'ftp://x/y'}]", "only http and https"),
        ("feeds: [{url: 'https://x/y', every: 5}]", "every"),
        ("feeds: [", "not valid YAML"),
    ],
)
def test_bad_feed_lists_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_feed_list(text, "feeds.yaml")


def test_reload_on_change_and_keep_the_last_good_list(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    watched = FeedListFile(path)
    assert watched.current() == ([], False, None)
    path.write_text("- url: https://example.org/a.xml\n")
    feeds, changed, error = watched.current()
    assert changed and error is None and len(feeds) == 1
    assert watched.current()[1] is False  # unchanged
    path.write_text("- url: https://example.org/a.xml\n- url: https://example.org/b.xml\n")
    os.utime(path, ns=(1, 2 * 10**18))
    assert len(watched.current()[0]) == 2
    path.write_text("- url: [broken\n")
    os.utime(path, ns=(1, 3 * 10**18))
    feeds, changed, error = watched.current()
    assert len(feeds) == 2 and not changed and error is not None


@pytest.mark.parametrize(
    "body",
    [
        b"- url: https://example.org/a.xml\n  name: 2024-13-45\n",  # an impossible date
        b"feeds: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        b"- url: https://example.org/caf\xe9.xml\n",  # not UTF-8
    ],
    ids=["date", "deep", "latin-1"],
)
def test_a_feed_list_that_cannot_be_read_keeps_the_last_good_one(
    tmp_path: Path, body: bytes
) -> None:
    path = tmp_path / "feeds.yaml"
    watched = FeedListFile(path)
    path.write_text("- url: https://example.org/a.xml\n")
    assert len(watched.current()[0]) == 1
    path.write_bytes(body)
    os.utime(path, ns=(1, 3 * 10**18))
    feeds, changed, error = watched.current()
    assert len(feeds) == 1 and not changed and error is not None


OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="News"><outline text="World" title="World" type="rss" xmlUrl="https://example.org/world.xml"/>
<outline text="Tech" xmlUrl="https://example.org/tech.xml" category="/tech,/en"/></outline>
<outline text="Loose" xmlUrl="http://example.net/feed"/>
<outline text="Not a feed" htmlUrl="https://example.org"/></body></opml>"""


def test_opml_import_merges_into_the_feed_list(tmp_path: Path) -> None:
    feeds = parse_opml(OPML)
    assert [(f.url, f.name, f.tags) for f in feeds] == [
        ("https://example.org/world.xml", "World", ("News",)),
        ("https://example.org/tech.xml", "Tech", ("News", "tech", "en")),
        ("http://example.net/feed", "Loose", ()),
    ]
    opml = tmp_path / "subs.opml"
    opml.write_bytes(OPML)
    target = tmp_path / "feeds.yaml"
    target.write_text("- url: http://example.net/feed\n")
    assert import_opml(opml, target) == (2, 1)
    assert len(parse_feed_list(target.read_text())) == 3
    assert import_opml(opml, target) == (0, 3)


def test_opml_with_entities_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="entities"):
        parse_opml(b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "b">]><opml><body/></opml>')
