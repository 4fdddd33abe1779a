"""Exact and near-duplicate detection over a window of recent articles.

Each article's text gets a content hash (exact copies) and a 64-bit SimHash over word
3-shingles (near copies: the same story syndicated with a different headline, byline or
boilerplate). Near means at most ``max_distance`` (6) differing bits; candidates are found
through 8 bands of 8 bits, which catches every pair within 7 bits (pigeonhole). The
window holds the last ``capacity`` articles, oldest out first, so memory is bounded; the
service rebuilds it from the tail of its output topic when it starts.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field

BANDS = 8
BAND_BITS = 8
MIN_WORDS = 40
"""Shorter texts are too alike by chance for near-duplicate matching (exact still counts)."""

_WORD = re.compile(r"\w+", re.UNICODE)


def simhash(text: str, shingle: int = 3) -> int:
    words = _WORD.findall(text.lower())
    if not words:
        return 0
    counts = [0] * 64
    grams = [" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))]
    for gram in grams:
        h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            counts[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if counts[bit] > 0)


def _bands(value: int) -> list[tuple[int, int]]:
    mask = (1 << BAND_BITS) - 1
    return [(b, value >> (b * BAND_BITS) & mask) for b in range(BANDS)]


@dataclass
class _Entry:
    exact: str
    near: int | None


@dataclass
class DuplicateWindow:
    capacity: int = 100_000
    max_distance: int = 6
    _entries: OrderedDict[str, _Entry] = field(default_factory=OrderedDict)
    _exact: dict[str, str] = field(default_factory=dict)
    _bands: dict[tuple[int, int], set[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._entries)

    def check(self, article_id: str, exact: str, near: int | None) -> str | None:
        """The id of an earlier, different article with the same or nearly the same text."""
        first = self._exact.get(exact)
        if first is not None and first != article_id:
            return first
        if near is None:
            return None
        best: tuple[int, str] | None = None
        for key in _bands(near):
            for other in self._bands.get(key, ()):
                entry = self._entries[other]
                if other == article_id or entry.near is None:
                    continue
                distance = (entry.near ^ near).bit_count()
                if distance <= self.max_distance and (best is None or distance < best[0]):
                    best = (distance, other)
        return best[1] if best else None

    def add(self, article_id: str, exact: str, near: int | None) -> None:
        self._forget(article_id)
        self._entries[article_id] = _Entry(exact, near)
        self._exact.setdefault(exact, article_id)
        if near is not None:
            for key in _bands(near):
                self._bands.setdefault(key, set()).add(article_id)
        while len(self._entries) > self.capacity:
            self._forget(next(iter(self._entries)))

    def _forget(self, article_id: str) -> None:
        entry = self._entries.pop(article_id, None)
        if entry is None:
            return
        if self._exact.get(entry.exact) == article_id:
            del self._exact[entry.exact]
        if entry.near is not None:
            for key in _bands(entry.near):
                ids = self._bands.get(key)
                if ids is not None:
                    ids.discard(article_id)
                    if not ids:
                        del self._bands[key]


def near_signature(text: str) -> int | None:
    return simhash(text) if len(text.split()) >= MIN_WORDS else None
