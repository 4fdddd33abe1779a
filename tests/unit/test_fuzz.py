"""Property tests: hostile or random input never breaks the pure parts, and they keep
their promises (canonical URLs are stable, text keeps its words, parsers only ever fail
with their own error)."""

from __future__ import annotations

import contextlib
import unicodedata
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core.records import SeenItem
from services.ingester.parsers import FeedParseError, parse_feed
from services.normalizer.canonical import canonical_url
from services.normalizer.embeds import cut_embeds
from services.normalizer.litter import remove_litter
from services.normalizer.text import clean_text, html_to_text

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

urls = st.builds(
    lambda scheme, host, port, path, query, frag: f"{scheme}://{host}{port}{path}{query}{frag}",
    st.sampled_from(["http", "https", "HTTP", "ftp", "javascript"]),
    st.from_regex(r"[A-Za-z0-9.-]{1,20}", fullmatch=True),
    st.sampled_from(["", ":80", ":443", ":8080", ":99999", ":x"]),
    st.from_regex(r"(/[A-Za-z0-9%._~-]{0,8}){0,4}", fullmatch=True),
    st.lists(
        st.tuples(st.sampled_from(["utm_source", "a", "fbclid", "id", "Z"]), st.text(max_size=5)),
        max_size=4,
    ).map(lambda kv: "?" + "&".join(f"{k}={v}" for k, v in kv) if kv else ""),
    st.sampled_from(["", "#top", "#"]),
)


@FAST
@given(urls)
def test_canonical_urls_are_stable_and_clean(url: str) -> None:
    once = canonical_url(url)
    if once is None:
        return
    assert canonical_url(once) == once  # idempotent
    assert "#" not in once and "utm_" not in once and "fbclid" not in once
    assert once.startswith(("http://", "https://"))


@FAST
@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=40)))
def test_canonical_url_never_raises(url: str, base: str | None) -> None:
    found = canonical_url(url, base)  # a malformed link is no URL, not a failed article
    assert found is None or found.startswith(("http://", "https://"))


def test_a_malformed_ip_literal_is_no_url() -> None:
    assert canonical_url("http://[ccpa-preferences]", "https://news.example.org/a") is None


@FAST
@given(st.text(max_size=2000))
def test_text_cleaning_keeps_words_and_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert "\n\n\n" not in cleaned
    assert cleaned.split() == unicodedata.normalize("NFC", text).split()


@FAST
@given(st.lists(st.text(max_size=200), max_size=30))
def test_litter_and_embeds_only_remove(paragraphs: list[str]) -> None:
    kept, embeds = cut_embeds(paragraphs)
    assert len(kept) <= len(paragraphs)
    cleaned = remove_litter(kept)
    assert len(cleaned) <= len(kept)
    for embed in embeds:
        assert embed.handle and embed.handle.startswith("@")


@FAST
@given(st.text(max_size=3000))
def test_html_flattening_never_fails(html: str) -> None:
    assert isinstance(html_to_text(html), str)


@FAST
@given(st.binary(max_size=3000))
def test_parsers_fail_only_with_their_own_error(body: bytes) -> None:
    with contextlib.suppress(FeedParseError):
        parse_feed(body)


@FAST
@given(
    st.text(alphabet="0123456789abcdef", min_size=32, max_size=64),
    st.integers(min_value=1, max_value=10**6),
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
)
def test_seen_items_round_trip(digest: str, revision: int, when: datetime) -> None:
    item = SeenItem(digest, revision, when)
    back = SeenItem.unpack(item.pack())
    assert back.revision == revision and back.first_seen_at == when and back.same_content(digest)
