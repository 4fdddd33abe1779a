"""Character spans: from token ranges, trimmed of edge punctuation, quotes kept whole."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


OPENING = '\u201c\u2018\u00ab"'
CLOSING = '\u201d\u2019\u00bb"'
EDGE = " \t\r\n\u00a0,;:\u2014\u2013-"
TAIL = EDGE

DOUBLED = "''"
"""Two apostrophes for a quotation mark, as some archives write them: ''Yes,'' he said."""

_PAIR = re.compile(
    r"\u201c[^\u201c\u201d\"]*\u201d"  # curly
    r"|[\u201c\"][^\u201c\u201d\"\n]*[\u201d\"]"  # straight, or curly and straight mixed
    r"|(?m:^)\u201d[^\u201c\u201d\n]*\u201d"  # a closing mark for the opening one
    r"|\u00ab[^\u00ab\u00bb]*\u00bb"  # guillemets
    r"|''[^\n]*?''"  # doubled apostrophes
)


def text_of(doc: Doc) -> str:
    """The text of a Doc, kept: spaCy rebuilds ``doc.text`` from its tokens on every call."""
    cached = doc.user_data.get("newswire.text")
    if cached is None:
        cached = doc.user_data["newswire.text"] = doc.text
    return str(cached)


def quotes_of(doc: Doc) -> list[tuple[int, int]]:
    """The quotations of a Doc's text (``quote_pairs``), found once."""
    cached = doc.user_data.get("newswire.quotes")
    if cached is None:
        cached = doc.user_data["newswire.quotes"] = quote_pairs(text_of(doc))
    pairs: list[tuple[int, int]] = cached
    return pairs


def inside_quotation(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The quotation that holds ``start:end``, if one does."""
    return next(((a, b) for a, b in quotes_of(doc) if a <= start and end <= b), None)


def quote_pairs(text: str) -> list[tuple[int, int]]:
    """Spans of quotations, marks included: curly, straight and guillemet pairs."""
    return [(m.start(), m.end()) for m in _PAIR.finditer(text)]


def token_span(tokens: Iterable[Token]) -> tuple[int, int]:
    """The character span from the first to the last of ``tokens``."""
    toks = list(tokens)
    first = min(t.idx for t in toks)
    last = max(t.idx + len(t.text) for t in toks)
    return first, last


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Without edge whitespace and punctuation; a final full stop goes unless quoted."""
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in TAIL:
        end -= 1
    if end > start and text[end - 1] == "." and text.count("\u201c", start, end) == 0:
        end -= 1
        while end > start and text[end - 1] in TAIL:
            end -= 1
    if end > start and text[start] == "(" and text.count(")", start, end) == 0:
        return trim(text, start + 1, end)
    if end > start and text[end - 1] == ")" and text.count("(", start, end) == 0:
        return trim(text, start, end - 1)
    return start, end


def with_quotes(
    text: str, start: int, end: int, quotes: list[tuple[int, int]], cue: int | None = None
) -> tuple[int, int]:
    """A span grown to the whole of any quotation it opens or closes. With ``cue`` (the
    offset of its cue), a span inside a quotation that runs to the closing mark is the
    whole quotation when the cue is outside it: the parser split a quotation of several
    sentences ("“A. B,” she said" gives "B")."""
    for q_start, q_end in quotes:
        if start <= q_start < end < q_end:
            end = q_end
        elif q_start < start < q_end <= end:
            start = q_start
        elif q_start < start and end <= q_end and _whole(text, start, end, q_start, q_end, cue):
            start, end = q_start, q_end
    return start, end


def _whole(text: str, start: int, end: int, q_start: int, q_end: int, cue: int | None) -> bool:
    """A span inside a quotation stands for all of it: it starts at the opening mark, or
    it runs to the closing mark and the cue is outside."""
    if start - q_start <= 2:
        return True
    outside = cue is not None and not q_start <= cue < q_end
    return outside and text[end:q_end].strip(EDGE + ".!?" + CLOSING) == ""


def is_quoted(text: str, start: int, end: int) -> bool:
    """The whole span is one quotation."""
    s = text[start:end]
    if len(s) >= 4 and s.startswith(DOUBLED) and s.endswith(DOUBLED):
        return s.count(DOUBLED) == 2
    return len(s) >= 2 and opens(text, start) and s[-1] in CLOSING and _closes_at_end(s[1:])


def opens(text: str, start: int) -> bool:
    """A quotation mark at ``start`` (a closing mark that opens a paragraph counts)."""
    if text[start] == "\u201d":
        return start == 0 or text[start - 1] == "\n"
    return text[start] in OPENING or text.startswith(DOUBLED, start)


def closes(text: str, end: int) -> bool:
    """A quotation mark just before ``end``."""
    return text[end - 1] in CLOSING or text.startswith(DOUBLED, end - 2)


def has_quote(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> bool:
    return any(start <= q_start and q_end <= end for q_start, q_end in quotes)


def _closes_at_end(s: str) -> bool:
    """No curly quotation closes before the end of ``s`` (which follows an opening mark)."""
    depth = 1
    for i, ch in enumerate(s):
        if ch == "\u201c":
            depth += 1
        elif ch == "\u201d":
            depth -= 1
            if depth == 0 and i != len(s) - 1:
                return False
    return True


MAX_PARAGRAPHS = 12
"""Paragraphs one quotation may run on through, at most."""


def after_colon(text: str, start: int) -> tuple[int, int] | None:
    """What a colon at ``start - 1`` introduces: the rest of its paragraph or, when the
    colon ends its line, the next paragraph (with the ones a quotation runs on into)."""
    rest = paragraph(text, start)
    if text[rest[0] : rest[1]].strip():
        return rest
    following = rest[1]
    while following < len(text) and text[following].isspace():
        following += 1
    if following >= len(text) or text.count("\n", rest[1], following) > 2:
        return None  # the next paragraph is not the content of a colon far above it
    return paragraph(text, following)


def paragraph(text: str, start: int) -> tuple[int, int]:
    """From ``start`` to the end of its paragraph (line); a quotation that opens there and
    does not close runs on through the following paragraphs that open with a quotation
    mark, as a quotation of several paragraphs is written."""
    end = _line_end(text, start)
    line_start = start
    for _ in range(MAX_PARAGRAPHS):
        if not _left_open(text[line_start:end]):
            break
        nxt = end
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt >= len(text) or not opens(text, nxt):
            break
        line_start, end = nxt, _line_end(text, nxt)
    return start, end


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end == -1 else end


def _left_open(line: str) -> bool:
    """A quotation opens in ``line`` and is not closed there."""
    curly = line.count("\u201c") > line.count("\u201d")
    return curly or line.count('"') % 2 == 1 or line.count(DOUBLED) % 2 == 1
