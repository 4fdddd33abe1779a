"""Content-Encoding, decoded incrementally with a bound on every step's output.

``Decoder(header)`` undoes every coding of a (possibly stacked) ``Content-Encoding`` in
reverse order: gzip (several members too), deflate (zlib-wrapped or raw, as servers send
both), br, identity. Each stage hands the next at most ``STEP`` bytes at a time, so a
small compressed body that expands a thousandfold is never expanded past what the caller
takes: the caller counts the output against the body cap and stops there, and memory
stays within the cap plus a few steps and the decompressors' windows, whatever the ratio.
An unknown coding, too many codings or corrupt data raise ``CodingError`` (``ValueError``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli

STEP = 64 * 1024
MAX_CODINGS = 4
GZIP_MAGIC = b"\x1f\x8b"


class CodingError(ValueError):
    pass


class Stage(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]:
        """The output of ``data``, in pieces of at most about ``STEP`` bytes."""
        ...


class Inflater(Protocol):
    """What a zlib decompression object offers (zlib names no public type for it)."""

    @property
    def unconsumed_tail(self) -> bytes: ...
    @property
    def unused_data(self) -> bytes: ...
    @property
    def eof(self) -> bool: ...
    def decompress(self, data: bytes, max_length: int = 0, /) -> bytes: ...


class Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), STEP):
            yield data[start : start + STEP]


class Zlib:
    """gzip (``gzip=True``, members one after another) or deflate (zlib header or raw)."""

    def __init__(self, gzip: bool) -> None:
        self.gzip = gzip
        self.name = "gzip" if gzip else "deflate"
        self.d: Inflater | None = None
        self.head = b""
        self.done = False

    def _start(self, data: bytes) -> Inflater:
        if self.gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        cmf_flg = int.from_bytes(data[:2], "big")
        wrapped = (data[0] & 0x0F) == 8 and cmf_flg % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.done:
            return
        if self.d is None:
            self.head += data
            if len(self.head) < 2:
                return
            data, self.head = self.head, b""
            self.d = self._start(data)
        pending = data
        try:
            while True:
                out = self.d.decompress(pending, STEP)
                pending = self.d.unconsumed_tail
                if out:
                    yield out
                if self.d.eof:
                    rest = self.d.unused_data
                    if self.gzip and rest.startswith(GZIP_MAGIC):
                        self.d = self._start(rest)
                        pending = rest
                        continue
                    self.done = True  # trailing bytes after the stream: ignored
                    return
                if len(out) < STEP and not pending:
                    return
        except zlib.error as exc:
            raise CodingError(f"{self.name} data is corrupt: {exc}") from None


class Brotli:
    def __init__(self) -> None:
        self.d = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            for start in range(0, max(len(data), 1), STEP):
                if self.d.is_finished():
                    return
                out = self.d.process(data[start : start + STEP], output_buffer_limit=STEP)
                if out:
                    yield out
                while not self.d.can_accept_more_data():
                    out = self.d.process(b"", output_buffer_limit=STEP)
                    if not out:
                        break
                    yield out
        except brotli.error as exc:
            raise CodingError(f"br data is corrupt: {exc}") from None


def _stage(coding: str) -> Stage:
    if coding in ("gzip", "x-gzip"):
        return Zlib(gzip=True)
    if coding == "deflate":
        return Zlib(gzip=False)
    if coding == "br":
        return Brotli()
    if coding == "identity":
        return Identity()
    raise CodingError(f"unknown content coding {coding!r} (gzip, deflate, br and identity only)")


def codings(header: str | None) -> list[str]:
    """The codings of a Content-Encoding value, in the order they were applied."""
    if not header:
        return []
    found = [c.strip().lower() for c in header.split(",") if c.strip()]
    if len(found) > MAX_CODINGS:
        raise CodingError(f"{len(found)} content codings stacked: at most {MAX_CODINGS}")
    return found


class Decoder:
    """Undoes a Content-Encoding; ``feed`` yields the decoded bytes in bounded pieces."""

    def __init__(self, header: str | None) -> None:
        # Applied in the order listed, so undone last one first.
        self.stages = [_stage(c) for c in reversed(codings(header)) if c != "identity"]

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, data)

    def _through(self, level: int, data: bytes) -> Iterator[bytes]:
        if level == len(self.stages):
            if data:
                yield data
            return
        for piece in self.stages[level].feed(data):
            yield from self._through(level + 1, piece)
