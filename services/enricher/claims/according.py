"""Attributions by preposition: "Y, according to X" and "According to X, Y"."""

from __future__ import annotations

from typing import Any

from .found import Found, Range
from .spans import text_of, token_span, trim, with_quotes


def according(doc: Any, quotes: list[Range]) -> list[Found]:
    out = []
    text = text_of(doc)
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"]
        source_tok = objects[0] if objects else (doc[tok.i + 2] if tok.i + 2 < len(doc) else None)
        if source_tok is None:
            continue
        phrase = {t.i for t in tok.subtree} | {t.i for t in to.subtree}
        source = token_span(t for t in source_tok.subtree if t.i > to.i)
        sent = tok.sent
        before = [t for t in sent if t.i < tok.i and t.i not in phrase]
        after = [t for t in sent if t.i > max(phrase) and t.i not in phrase]
        source = trim(text, *source)
        side = before if len(before) >= len(after) else after
        if not side:
            continue
        start, end = trim(text, *token_span(side))
        start, end = with_quotes(text, start, end, quotes)
        if end - start < 3:
            continue
        out.append(
            Found(
                content=(start, end),
                cue=(tok.idx, to.idx + len(to.text)),
                lemma="according to",
                source=source,
                source_token=source_tok.i,
                according=True,
                cue_token=tok.i,
            )
        )
    return out
