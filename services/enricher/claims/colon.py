"""Attributions by colon, as headlines write them: "Kerry: Refugee cap will rise"."""

from __future__ import annotations

from typing import Any

from .found import Found, Range
from .spans import text_of, token_span, trim, with_quotes

MAX_SOURCE = 6
"""Tokens before the colon, at most: a name, not a clause."""


def colon(doc: Any, quotes: list[Range]) -> list[Found]:
    out = []
    text = text_of(doc)
    for sent in doc.sents:
        marks = [t for t in sent if t.text == ":"]
        if not marks:
            continue
        mark = marks[0]
        before = [t for t in sent if t.i < mark.i and not t.is_space]
        after = [t for t in sent if t.i > mark.i and not t.is_space]
        if not before or len(before) > MAX_SOURCE or len(after) < 2:
            continue
        if any(t.pos_ in ("VERB", "AUX") for t in before):
            continue  # "He wrote:" is a cue verb's; "Details:" has no proper name
        if not any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG") for t in before):
            continue
        head = max(before, key=lambda t: (t.pos_ == "PROPN", t.i))
        start, end = with_quotes(text, *trim(text, *token_span(after)), quotes)
        out.append(
            Found(
                content=(start, end),
                cue=(mark.idx, mark.idx + 1),
                lemma=":",
                source=trim(text, *token_span(before)),
                source_token=head.i,
                cue_token=mark.i,
            )
        )
    return out
