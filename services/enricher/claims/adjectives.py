"""Attributions of belief by adjective: "X is confident that Y", "X was worried that Y"."""

from __future__ import annotations

from typing import Any

from .cues import ADJECTIVES
from .found import Found, Range
from .spans import text_of, token_span, trim, with_quotes


def adjectival(doc: Any, quotes: list[Range]) -> list[Found]:
    out = []
    text = text_of(doc)
    for tok in doc:
        if tok.pos_ != "ADJ" or tok.lower_ not in ADJECTIVES or tok.dep_ != "acomp":
            continue
        clauses = [c for c in tok.children if c.dep_ == "ccomp"]
        subjects = [c for c in tok.head.children if c.dep_ == "nsubj"]
        if not clauses or not subjects:
            continue
        start, end = with_quotes(text, *trim(text, *token_span(clauses[0].subtree)), quotes)
        subject = subjects[0]
        out.append(
            Found(
                content=(start, end),
                cue=token_span([tok.head, tok]),
                lemma=tok.lower_,
                source=trim(text, *token_span(subject.subtree)),
                source_token=subject.i,
                cue_token=tok.i,
            )
        )
    return out
