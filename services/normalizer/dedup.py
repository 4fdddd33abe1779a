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
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from ..core.settings import DEFAULTS, Settings

BANDS = 8
BAND_BITS = 8
MIN_WORDS = 40
"""Shorter texts are too alike by chance for near-duplicate matching (exact still counts)."""

_WORD = re.compile(r"\w+", re.UNICODE)


_BYTE_BITS = [[bit for bit in range(8) if value >> bit & 1] for value in range(256)]


def simhash(text: str, shingle: int = 3) -> int:
    """64-bit SimHash of the word ``shingle``-grams (BLAKE2b, 8 bytes, big-endian).

    Bit b is set when more grams have it set than not. The bits are counted byte column
    by byte column (how many grams have each byte value in each of the 8 positions), not
    gram by gram and bit by bit: the same result, in a fraction of the time."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0
    if len(words) < shingle:
        grams = [" ".join(words)]
    else:
        shifted = (words[i:] for i in range(shingle))  # gram i is words i .. i + shingle - 1
        grams = [" ".join(gram) for gram in zip(*shifted, strict=False)]
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(g.encode(), digest_size=8).digest() for g in grams])
    ones = [0] * 64
    for position in range(8):
        low = (7 - position) * 8  # big-endian: the first byte holds the highest bits
        for value, count in Counter(digests[position::8]).items():
            for bit in _BYTE_BITS[value]:
                ones[low + bit] += count
    return sum(1 << bit for bit in range(64) if 2 * ones[bit] > len(grams))


def _bands(value: int) -> list[tuple[int, int]]:
    mask = (1 << BAND_BITS) - 1
    return [(b, value >> (b * BAND_BITS) & mask) for b in range(BANDS)]


@dataclass
class _Entry:
    exact: str
    near: int | None


@dataclass
class DuplicateWindow:
    capacity: int = DEFAULTS.dedup_window
    max_distance: int = DEFAULTS.dedup_max_distance
    _entries: OrderedDict[str, _Entry] = field(default_factory=OrderedDict)
    _exact: dict[str, str] = field(default_factory=dict)
    _bands: dict[tuple[int, int], set[str]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> DuplicateWindow:
        return cls(settings.dedup_window, settings.dedup_max_distance)

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
