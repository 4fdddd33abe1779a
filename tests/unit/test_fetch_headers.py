"""Response headers read defensively: validators, Retry-After, dates, max-age, Location,
charsets."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import formatdate

import pytest
from yarl import URL

from services.ingester.fetch import (
    FetchConfig,
    Fetcher,
    RefusedURL,
    charset,
    decode_page,
    media_type,
    parse_retry_after,
)
from services.ingester.fetch.headers import (
    BadLocation,
    host_problem,
    http_date,
    location,
    max_age,
    validator,
)

NOW = datetime(2024, 10, 22, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ('"abc-123"', '"abc-123"'),
        ('W/"5f2a"', 'W/"5f2a"'),
        ("Tue, 22 Oct 2024 10:00:00 GMT", "Tue, 22 Oct 2024 10:00:00 GMT"),
        ('  "padded"  ', '"padded"'),
        ('"caf\xe9"', None),  # not ASCII: could not be sent back
        ('"\u00b2"', None),
        ('"a\x00b"', None),  # control characters
        ('"a\rb"', None),
        ('"a\x7fb"', None),
        ('"a\udcffb"', None),  # a byte that was not UTF-8, escaped
        ("", None),
        ("x" * 5000, None),
        (None, None),
    ],
)
def test_validators_are_kept_only_when_they_can_be_sent_back(
    value: str | None, kept: str | None
) -> None:
    assert validator(value) == kept


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("99999999999999999999", 86400.0),  # capped at a day
        ("\u00b2", None),  # a superscript two is a digit to str.isdigit, not to HTTP
        ("\u0663", None),  # an Arabic-Indic three
        ("１２", None),  # fullwidth digits
        ("12.5", None),
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("Tue, 22 Oct 2024 12:01:30 GMT", 90.0),
        ("Tuesday, 22-Oct-24 12:01:30 GMT", 90.0),
        ("Tue Oct 22 12:01:30 2024", 90.0),
        ("Tue, 22 Oct 2024 11:00:00 GMT", 0.0),  # in the past
        ("Tue, 32 Oct 2024 12:00:00 GMT", None),
        ("Tue, 22 Oct 99999 12:00:00 GMT", None),
        ("Tue, 22 Oct 2024 12:00:00 GMT\u00b2", None),
    ],
)
def test_retry_after_is_ascii_seconds_or_an_http_date(
    value: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_dates_and_max_age_in_range_or_none() -> None:
    later = formatdate(time.time() + 60, usegmt=True)
    when = http_date(later)
    assert when is not None and timedelta(seconds=50) < when - datetime.now(UTC) <= timedelta(
        seconds=60
    )
    for bad in ("", "0", "never", "Tue, 22 Oct 2024 25:00:00 GMT", "é", "x" * 100):
        assert http_date(bad) is None
    assert max_age("public, max-age=600") == 600
    assert max_age('max-age="60"') == 60
    assert max_age("s-maxage=5, max-age=30") == 30
    assert max_age("max-age=" + "9" * 12) == 366 * 24 * 3600  # capped
    assert max_age("max-age=" + "9" * 400) == 366 * 24 * 3600
    for bad in (None, "", "no-cache", "max-age=\u0663", "max-age=-1", "max-age=\u00b2"):
        assert max_age(bad) is None


BASE = URL("http://feeds.example.org/a/feed.xml")


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("/b/feed.xml", "http://feeds.example.org/b/feed.xml"),
        ("other.xml", "http://feeds.example.org/a/other.xml"),
        ("https://example.net/x", "https://example.net/x"),
        ("//cdn.example.net/f", "http://cdn.example.net/f"),
        ("http://straße.example/f", "http://xn--strae-oqa.example/f"),
        ("http://example.org:8080/f", "http://example.org:8080/f"),
    ],
)
def test_locations_resolve_against_the_request(value: str, target: str) -> None:
    assert str(location(BASE, value)) == target


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("http://example.org:99999/f", "port|not a valid URL"),
        ("http://example.org:65536/f", "port|not a valid URL"),
        ("http://" + "é" * 64 + ".example/", "not a valid URL"),  # IDNA: label too long
        ("http://\xad.example/", "control characters"),
        ("http://a\u200d.example/", "control characters"),
        ("http://exa mple.org/", "not a valid host name"),
        ("http://\u2488.example/", "not a valid host name"),  # maps to '1.', an empty label
        ("http://-a-.example/", "not a valid host name"),
        ("http://[::1/f", "not a valid URL"),
        ("ftp://example.org/f", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http://exa\x00mple.org/", "control characters"),
        ("", "empty"),
    ],
)
def test_bad_locations_are_a_clear_error(value: str, why: str) -> None:
    with pytest.raises(BadLocation, match=why):
        location(BASE, value)


@pytest.mark.parametrize(
    ("content_type", "codec"),
    [
        ("text/html; charset=utf-8", "utf-8"),
        ('text/xml; charset="ISO-8859-1"', "iso8859-1"),
        ("text/html;charset=windows-1252", "cp1252"),
        ("text/html; charset=Shift_JIS", "shift_jis"),
        ("text/html; charset=koi8-r", "koi8-r"),
        ("text/html; charset=punycode", None),
        ("text/html; charset=idna", None),
        ("text/html; charset=rot13", None),
        ("text/html; charset=utf-7", None),
        ("text/html; charset=base64", None),
        ("text/html; charset=zlib", None),
        ("text/html; charset=uu", None),
        ("text/html; charset=hex", None),
        ("text/html; charset=unicode_escape", None),
        ("text/html; charset=raw_unicode_escape", None),
        ("text/html; charset=no-such-thing", None),
        ("text/html; charset=", None),
        ("text/html", None),
        (None, None),
    ],
)
def test_charsets_only_from_the_allow_list(content_type: str | None, codec: str | None) -> None:
    assert charset(content_type) == codec


def test_media_type_keeps_an_allowed_charset_only() -> None:
    assert media_type("Text/HTML; charset=punycode") == "text/html"
    assert (
        media_type("application/rss+xml; charset=ISO-8859-1")
        == "application/rss+xml; charset=iso8859-1"
    )
    assert media_type(None) is None


def test_decoding_a_page_falls_back_to_utf8() -> None:
    assert decode_page("café".encode("latin-1"), "text/html; charset=latin-1") == "café"
    assert decode_page("café".encode(), "text/html; charset=punycode") == "café"
    assert decode_page(b"caf\xe9", "text/html") == "caf\ufffd"


async def test_a_host_with_a_nul_is_refused_not_raised() -> None:
    """A NUL in a feed's or a page's host made the socket module raise ValueError."""
    assert host_problem("a\x00b.example") == "host 'a\\x00b.example' has control characters"
    fetcher = Fetcher(FetchConfig())
    try:
        with pytest.raises(RefusedURL, match="control characters"):
            await fetcher.fetch("http://a\x00b.example/")
    finally:
        await fetcher.aclose()
