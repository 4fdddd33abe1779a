"""Attributions carried by a noun: "Trump's claim that Y", "the WSJ report that Y", "her
support for Y", "X voiced concern about Y" (the source is the owner of the noun, else the
subject of the verb it is the object of)."""

from __future__ import annotations

from typing import Any

from .cues import NOUN_PREPOSITIONS, NOUNS
from .found import Found, Range
from .spans import text_of, token_span, trim, with_quotes


def nominal(doc: Any, quotes: list[Range]) -> list[Found]:
    out = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "NOUN" or (lemma not in NOUNS and lemma not in NOUN_PREPOSITIONS):
            continue
        found = _with_clause(doc, tok, quotes) or _with_object(doc, tok, lemma)
        if found is not None:
            out.append(found)
    return out


def _with_object(doc: Any, tok: Any, lemma: str) -> Found | None:
    text = text_of(doc)
    allowed = NOUN_PREPOSITIONS.get(lemma, ())
    preps = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in allowed]
    objects = [g for p in preps[:1] for g in p.children if g.dep_ in ("pobj", "pcomp")]
    if not objects:
        return None
    source_tok = _owner(tok)
    if source_tok is None and tok.dep_ == "dobj":  # "X expressed support for Y"
        source_tok = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
    if source_tok is None:
        return None
    start, end = trim(text, *token_span(objects[0].subtree))
    return Found(
        content=(start, end),
        cue=token_span([tok, preps[0]]),
        lemma=lemma,
        source=trim(text, *token_span(source_tok.subtree)),
        source_token=source_tok.i,
        cue_token=tok.i,
    )


def _with_clause(doc: Any, tok: Any, quotes: list[Range]) -> Found | None:
    text = text_of(doc)
    clauses = [
        c
        for c in tok.children
        if c.dep_ in ("acl", "ccomp", "relcl")
        and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
    ]
    if not clauses:
        return None
    start, end = trim(text, *token_span(clauses[0].subtree))
    start, end = with_quotes(text, start, end, quotes)
    source_tok = _owner(tok)
    return Found(
        content=(start, end),
        cue=(tok.idx, tok.idx + len(tok.text)),
        lemma=tok.lemma_.lower(),
        source=token_span(source_tok.subtree) if source_tok is not None else None,
        source_token=source_tok.i if source_tok is not None else None,
        cue_token=tok.i,
    )


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
