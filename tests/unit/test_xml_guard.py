"""The entity guard, decided by expat in the encoding the document has, for feeds, seed
XML files and OPML alike; and the encodings and characters that used to escape the parse."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from services.core.errors import ConfigurationError
from services.ingester.opml import parse_opml
from services.ingester.parsers import FeedParseError, parse_feed
from services.ingester.seeds import SeedFolder

from .seedscan import Memory, settle

# One entity of 5,000 characters referenced 10,000 times: 57 KB that a parser which
# expands it turns into 50 million characters.
ENTITY = '<!ENTITY a "' + "x" * 5000 + '">'
REFS = "&a;" * 10_000


def rss(doctype: str, description: str = REFS, declaration: str = "") -> str:
    return (
        f"{declaration}{doctype}<rss version='2.0'><channel><title>t</title>"
        f"<item><guid>g</guid><title>x</title><description>{description}</description>"
        "</item></channel></rss>"
    )


def utf32_without_bom(text: str) -> bytes:
    return text.encode("utf-32-be")


WALKAROUNDS = {
    "quoted > in the system id": rss(f'<!DOCTYPE rss SYSTEM "x>y" [ {ENTITY} ]>').encode(),
    "]> inside a comment": rss(f"<!DOCTYPE rss [ <!-- ]> --> {ENTITY} ]>").encode(),
    "]> inside an entity value": rss(f'<!DOCTYPE rss [ <!ENTITY b "]>"> {ENTITY} ]>').encode(),
    "UTF-32 with BOM": rss(
        f"<!DOCTYPE rss [ {ENTITY} ]>", declaration='<?xml version="1.0" encoding="UTF-32"?>'
    ).encode("utf-32"),
    "UTF-32 without BOM": utf32_without_bom(
        rss(f"<!DOCTYPE rss [ {ENTITY} ]>", declaration='<?xml version="1.0" encoding="UTF-32"?>')
    ),
    "UTF-16 without BOM": rss(
        f"<!DOCTYPE rss [ {ENTITY} ]>", declaration='<?xml version="1.0" encoding="UTF-16"?>'
    ).encode("utf-16-le"),
    "EBCDIC": rss(
        f"<!DOCTYPE rss [ {ENTITY} ]>", declaration='<?xml version="1.0" encoding="cp037"?>'
    ).encode("cp037"),
    "declared punycode, entities in UTF-8": rss(
        f"<!DOCTYPE rss [ {ENTITY} ]>", declaration='<?xml version="1.0" encoding="punycode"?>'
    ).encode(),
    "internal subset with no entity": rss("<!DOCTYPE rss [ <!ELEMENT rss ANY> ]>").encode(),
    "parameter entity": rss('<!DOCTYPE rss [ <!ENTITY % p "x"> ]>').encode(),
    "whitespace before the declaration": rss(
        f"<!DOCTYPE rss [ {ENTITY} ]>", declaration='\n\n<?xml version="1.0"?>'
    ).encode(),
}


@pytest.mark.parametrize("body", WALKAROUNDS.values(), ids=WALKAROUNDS.keys())
def test_every_way_around_the_old_scan_is_refused_without_expanding(body: bytes) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(FeedParseError, match="declares entities"):
            parse_feed(body)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 8 * 2**20, f"{peak} bytes traced: something expanded"


def test_a_prolog_expat_cannot_read_is_refused_not_guessed() -> None:
    for body in (
        rss(f"<!DOCTYPE rss [ {ENTITY} ").encode(),  # never closed
        b"<!DOCTYPE rss PUBLIC><rss version='2.0'><channel><title>t</title></channel></rss>",
        b"<?xml version='1.0' <rss/>",
    ):
        with pytest.raises(FeedParseError, match=r"refused|not XML"):
            parse_feed(body)


def test_an_entity_in_a_comment_declares_nothing_and_nothing_expands() -> None:
    body = rss(f"<!-- {ENTITY} --><!DOCTYPE rss>", description="&a;" * 3000).encode()
    [item] = parse_feed(body).items
    assert len(item.summary_html or "") < 50_000


def test_a_declaration_after_the_root_is_never_given_to_a_parser() -> None:
    body = (
        "<rss version='2.0'><channel><title>t</title>"
        f"<!DOCTYPE x [ {ENTITY} ]><item><guid>g</guid><description>{REFS}</description>"
        "</item></channel></rss>"
    ).encode()
    tracemalloc.start()
    try:
        feed = parse_feed(body)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 8 * 2**20
    assert all(len(i.summary_html or "") < 100_000 for i in feed.items)


def test_the_netscape_doctype_is_kept_and_its_feed_read() -> None:
    body = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!-- comment -->\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        b"<rss version='0.91'><channel><title>T</title><item><title>caf\xe9</title></item>"
        b"</channel></rss>"
    )
    assert parse_feed(body).items[0].title == "café"


ENCODINGS = {
    "punycode": '<?xml version="1.0" encoding="punycode"?>',
    "undefined": '<?xml version="1.0" encoding="undefined"?>',
    "idna": '<?xml version="1.0" encoding="idna"?>',
    "rot13": '<?xml version="1.0" encoding="rot13"?>',
    "utf-7": '<?xml version="1.0" encoding="utf-7"?>',
    "no such codec": '<?xml version="1.0" encoding="x-no-such"?>',
    "UTF-16 declared, UTF-8 bytes": '<?xml version="1.0" encoding="UTF-16"?>',
}


@pytest.mark.parametrize("declaration", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_declared_encodings_that_are_no_text_encoding_read_as_undeclared(
    declaration: str,
) -> None:
    body = rss("", description="news of the day", declaration=declaration).encode()
    [item] = parse_feed(body).items
    assert item.summary_html == "news of the day"


@pytest.mark.parametrize(
    ("reference", "kept"),
    [("&#xd800;", "\ufffd"), ("&#1114112;", "\ufffd"), ("&#0;", "\ufffd"), ("&#x41;", "A")],
)
def test_references_to_characters_xml_forbids_become_a_replacement(
    reference: str, kept: str
) -> None:
    body = rss("", description=f"a{reference}b").encode()
    [item] = parse_feed(body).items
    assert item.summary_html == f"a{kept}b"
    assert item.summary_html.encode()  # no lone surrogate left


def test_utf32_and_ebcdic_feeds_are_read() -> None:
    text = rss("", description="caf\u00e9", declaration='<?xml version="1.0" encoding="UTF-32"?>')
    assert parse_feed(text.encode("utf-32")).items[0].summary_html == "café"
    assert parse_feed(utf32_without_bom(text)).items[0].summary_html == "café"
    ebcdic = rss("", description="cafe", declaration='<?xml version="1.0" encoding="cp037"?>')
    assert parse_feed(ebcdic.encode("cp037")).items[0].summary_html == "cafe"


OPML_BOMB = (
    '<?xml version="1.0" encoding="UTF-32"?><!DOCTYPE opml [' + ENTITY + "]>"
    '<opml version="2.0"><head><title>&a;</title></head><body>'
    '<outline text="&a;" xmlUrl="https://example.org/feed"/></body></opml>'
)


@pytest.mark.parametrize(
    "body",
    [
        OPML_BOMB.encode("utf-32"),
        OPML_BOMB.replace("UTF-32", "UTF-8").replace("[", "[ <!-- ]> --> ").encode(),
    ],
    ids=["utf-32", "comment"],
)
def test_opml_takes_the_same_guard(body: bytes) -> None:
    with pytest.raises(ConfigurationError, match="declares entities"):
        parse_opml(body)


def test_opml_in_utf16_is_read() -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-16"?><opml version="2.0"><body>'
        '<outline text="Café" xmlUrl="https://example.org/feed"/></body></opml>'
    ).encode("utf-16")
    [feed] = parse_opml(body)
    assert feed.name == "Café" and feed.url == "https://example.org/feed"


def test_seed_xml_files_take_the_same_guard(tmp_path: Path) -> None:
    for name, body in WALKAROUNDS.items():
        path = tmp_path / f"{name.replace(' ', '_').replace('>', 'gt')}.xml"
        path.write_bytes(body)
        settle(path)
    good = tmp_path / "good.xml"
    good.write_text(rss("", description="fine"))
    settle(good)
    changes = Memory().scan(SeedFolder(tmp_path))
    errors = {c.relative: str(c.error) for c in changes if c.error is not None}
    assert len(errors) == len(WALKAROUNDS)
    assert all("declares entities" in e for e in errors.values()), errors
    [ok] = [c for c in changes if c.relative == "good.xml"]
    assert [i.summary_html for i in ok.items] == ["fine"]
