"""Quotations signed with a dash, as testimonials and epigraphs are: "“...” ―Maria, 34"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .found import Found, Page

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SIGNATURE = re.compile(
    r"[ \t\u00a0]*[\u2015\u2014\u2013][ \t\u00a0]*(?=[A-Z])([^\n,;(\u201c\"]{2,60})"
)
"""A dash right after the closing mark, then a name (up to a comma or the line's end)."""


RULE = "dash-signature"


def dashed(doc: Doc, page: Page) -> list[Found]:
    out = []
    text = page.text
    for start, end in page.quotes:
        match = SIGNATURE.match(text, end)
        if match is None or len(text[start:end].split()) < 3:
            continue
        name_start = match.start(1)
        signature = match.group(1).rstrip(" .\u00a0")
        name_end = name_start + len(signature)
        name = _overlapping(doc, name_start, name_end)
        capitalised = all(w[:1].isupper() for w in signature.split()[:3])
        if not (capitalised or any(t.pos_ == "PROPN" for t in name)):
            continue
        dash = end + len(match.group(0)) - len(match.group(0).lstrip(" \t\u00a0"))
        head = max(name, key=lambda t: (t.pos_ == "PROPN", -t.i))
        out.append(
            Found(
                content=(start, end),
                rule=RULE,
                cue=(dash, dash + 1),
                lemma="\u2014",
                source=(name_start, name_end),
                source_token=head.i,
                cue_token=_overlapping(doc, dash, dash + 1)[0].i,
            )
        )
    return out


def _overlapping(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens that share a character with ``start:end`` (a dash and a name may be
    one token: "”―Jose")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None:
        return list(span)
    return [t for t in doc if t.idx < end and start < t.idx + len(t.text)]
