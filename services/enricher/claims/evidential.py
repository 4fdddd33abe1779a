"""Statements marked as inference: "the fallout appears significant", "Carson seems to be
slipping". No one is named as the source (the writer is), and the content is the subject
with its complement; the verb is the cue."""

from __future__ import annotations

from typing import Any

from .cues import EVIDENTIAL
from .found import Found, Range
from .spans import text_of, token_span, trim

COMPLEMENTS = ("xcomp", "acomp", "attr", "oprd")


def evidential(doc: Any, quotes: list[Range]) -> list[Found]:
    out = []
    text = text_of(doc)
    for tok in doc:
        if tok.lemma_.lower() not in EVIDENTIAL or tok.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in tok.children if c.dep_ == "nsubj" and c.lower_ != "it"]
        complements = [c for c in tok.children if c.dep_ in COMPLEMENTS and c.i > tok.i]
        if not subjects or not complements:
            continue
        tokens = [t for c in subjects[:1] + complements[:1] for t in c.subtree] + [tok]
        start, end = trim(text, *token_span(tokens))
        out.append(
            Found(
                content=(start, end),
                cue=(tok.idx, tok.idx + len(tok.text)),
                lemma=tok.lemma_.lower(),
                cue_token=tok.i,
            )
        )
    return out
