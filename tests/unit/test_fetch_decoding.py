"""Content codings undone incrementally, each step's output bounded."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from services.ingester.fetch.decoding import STEP, CodingError, Decoder

TEXT = b"<rss><channel><title>caf\xc3\xa9</title></channel></rss>" * 200


def deflate_raw(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


def decode(header: str | None, body: bytes, chunk: int = 7) -> bytes:
    decoder = Decoder(header)
    out = bytearray()
    for start in range(0, len(body), chunk):
        for piece in decoder.feed(body[start : start + chunk]):
            assert len(piece) <= 2 * STEP
            out += piece
    return bytes(out)


@pytest.mark.parametrize(
    ("header", "body"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),  # zlib-wrapped, as the standard says
        ("deflate", deflate_raw(TEXT)),  # raw, as some servers send it
        ("br", brotli.compress(TEXT)),
        ("gzip, gzip", gzip.compress(gzip.compress(TEXT))),
        ("deflate, br", brotli.compress(zlib.compress(TEXT))),
        ("br,gzip", gzip.compress(brotli.compress(TEXT))),
        ("identity, gzip", gzip.compress(TEXT)),
    ],
)
def test_every_coding_and_stack_decodes(header: str | None, body: bytes) -> None:
    assert decode(header, body) == TEXT
    assert decode(header, body, chunk=len(body) or 1) == TEXT


def test_gzip_members_one_after_another_and_trailing_bytes() -> None:
    body = gzip.compress(TEXT[:100]) + gzip.compress(TEXT[100:])
    assert decode("gzip", body) == TEXT
    assert decode("gzip", gzip.compress(TEXT) + b"\0\0\0\0") == TEXT


@pytest.mark.parametrize("header", ["compress", "zstd", "x-foo", "gzip, sdch", "br, chunked"])
def test_unknown_codings_are_a_clear_error(header: str) -> None:
    with pytest.raises(CodingError, match="unknown content coding"):
        Decoder(header)


def test_too_many_codings_and_corrupt_data() -> None:
    with pytest.raises(CodingError, match="5 content codings stacked"):
        Decoder("gzip, gzip, gzip, gzip, gzip")
    with pytest.raises(CodingError, match="gzip data is corrupt"):
        decode("gzip", b"\x1f\x8bnot really gzip at all")
    with pytest.raises(CodingError, match="br data is corrupt"):
        decode("br", b"\xff" * 64)
    with pytest.raises(CodingError, match="deflate data is corrupt"):
        decode("deflate", b"\x78\x9c" + b"\xff" * 64)


@pytest.mark.parametrize(
    ("header", "bomb"),
    [
        ("gzip", lambda z: gzip.compress(z, 9)),
        ("deflate", lambda z: zlib.compress(z, 9)),
        ("br", lambda z: brotli.compress(z, quality=11)),
        ("gzip, gzip", lambda z: gzip.compress(gzip.compress(z, 9), 9)),
        ("br, gzip", lambda z: gzip.compress(brotli.compress(z, quality=11), 9)),
    ],
)
def test_a_bomb_expands_one_bounded_step_at_a_time(header: str, bomb) -> None:  # type: ignore[no-untyped-def]
    body = bomb(b"\0" * (8 * 1024 * 1024))
    assert len(body) < 50_000
    decoder = Decoder(header)
    taken = 0
    for piece in decoder.feed(body):
        assert len(piece) <= 2 * STEP
        taken += len(piece)
        if taken > 1024 * 1024:
            break  # what the fetcher does at its cap: nothing more is expanded
    assert taken <= 1024 * 1024 + 2 * STEP
