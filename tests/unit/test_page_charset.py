"""Article pages decoded as a browser decodes them: mark, header, then <meta>."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingester.fetch import decode_page, page_encoding
from services.ingester.fetch.pagecharset import prescan

RUSSIAN = "Новости дня: «Москва»"


def page(head: str, body: str, encoding: str) -> bytes:
    return f"<!doctype html><html><head>{head}</head><body><p>{body}</p></body></html>".encode(
        encoding
    )


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="windows-1251">',
        "<meta charset=windows-1251>",
        "<META CHARSET='Windows-1251'/>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
        "<meta content='text/html;charset=\"cp1251\"' http-equiv=content-type>",
        '<title>a "quoted > title"</title><meta name="x" content=">"><meta charset="cp1251">',
    ],
)
def test_a_charset_declared_only_in_the_page_is_used(head: str) -> None:
    body = page(head, RUSSIAN, "cp1251")
    assert RUSSIAN in decode_page(body, "text/html")
    assert RUSSIAN in decode_page(body, None)


def test_the_header_wins_over_the_meta_and_a_mark_over_both() -> None:
    body = page('<meta charset="iso-8859-5">', RUSSIAN, "cp1251")
    assert RUSSIAN in decode_page(body, "text/html; charset=windows-1251")
    marked = codecs.BOM_UTF8 + page('<meta charset="cp1251">', RUSSIAN, "utf-8")
    assert decode_page(marked, "text/html; charset=iso-8859-1").startswith("<!doctype")
    assert RUSSIAN in decode_page(marked, "text/html; charset=iso-8859-1")
    utf16 = codecs.BOM_UTF16_LE + page("", RUSSIAN, "utf-16-le")
    assert RUSSIAN in decode_page(utf16, None)


def test_what_the_prescan_skips_and_where_it_stops() -> None:
    hidden = page('<!-- <meta charset="cp1251"> --><meta charset="koi8-r">', "Новости", "koi8-r")
    assert page_encoding(hidden, None) == ("koi8-r", 0)
    late = b"<html><head>" + b" " * 1100 + b'<meta charset="cp1251"></head></html>'
    assert prescan(late) is None  # past the first 1,024 bytes: not looked for
    assert page_encoding(late, None) == ("utf-8", 0)


@pytest.mark.parametrize(
    ("declared", "read_as"),
    [
        ("utf-7", "utf-8"),  # not a text encoding of the allow-list: no declaration
        ("punycode", "utf-8"),
        ("x-no-such-thing", "utf-8"),
        ("utf-16", "utf-8"),  # a <meta> the prescan could read is not UTF-16
        ("iso-8859-1", "cp1252"),  # as browsers read that label
        ("us-ascii", "cp1252"),
        ("shift_jis", "shift_jis"),
    ],
)
def test_only_allowed_encodings_and_as_browsers_read_them(declared: str, read_as: str) -> None:
    assert page_encoding(f'<meta charset="{declared}">'.encode(), None) == (read_as, 0)


def test_a_latin_1_page_with_curly_quotes_reads_them() -> None:
    body = page('<meta charset="iso-8859-1">', "“café”", "cp1252")
    assert "“café”" in decode_page(body, "text/html")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([None, "text/html", "text/html; charset=x"]))
def test_any_bytes_decode_to_text(data: bytes, content_type: str | None) -> None:
    assert isinstance(decode_page(data, content_type), str)
