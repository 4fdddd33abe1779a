"""Attributions carried by a noun: "Trump's claim that Y", "the WSJ report that Y"."""

from __future__ import annotations

from typing import Any

from .cues import NOUNS
from .found import Found, Range
from .spans import token_span, trim, with_quotes


def nominal(doc: Any, quotes: list[Range]) -> list[Found]:
    out = []
    text: str = doc.text
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in NOUNS:
            continue
        clauses = [
            c
            for c in tok.children
            if c.dep_ in ("acl", "ccomp", "relcl")
            and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        ]
        if not clauses:
            continue
        start, end = trim(text, *token_span(clauses[0].subtree))
        start, end = with_quotes(text, start, end, quotes)
        source_tok = _owner(tok)
        source = token_span(source_tok.subtree) if source_tok is not None else None
        out.append(
            Found(
                content=(start, end),
                cue=(tok.idx, tok.idx + len(tok.text)),
                lemma=tok.lemma_.lower(),
                source=source,
                source_token=source_tok.i if source_tok is not None else None,
                cue_token=tok.i,
            )
        )
    return out


def _owner(noun: Any) -> Any:
    for c in noun.children:
        if c.dep_ == "poss" or (c.dep_ == "compound" and c.pos_ == "PROPN"):
            return c
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
            objects = [g for g in c.children if g.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None
