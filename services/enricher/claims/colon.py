"""Attributions by colon, as headlines and transcripts write them: "Kerry: Refugee cap will
rise", "Poll: Voters abandon the party", "PENCE: Well, look, ..." (the rest of the
paragraph)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cues import NOT_SOURCES, SOURCE_NOUNS
from .found import Found, Page
from .spans import after_colon, token_span, trim, with_quotes

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MAX_SOURCE = 6
"""Tokens before the colon, at most: a name, not a clause."""


RULE = "headline-colon"


def colon(doc: Doc, page: Page) -> list[Found]:
    out = []
    text = page.text
    for sent in doc.sents:
        marks = [t for t in sent if t.text == ":"]
        if not marks:
            continue
        mark = marks[0]
        before = [t for t in sent if t.i < mark.i and not (t.is_space or t.is_quote)]
        if not before or len(before) > MAX_SOURCE:
            continue
        if any(t.pos_ in ("VERB", "AUX") for t in before):
            continue  # "He wrote:" is a cue verb's; "Details:" has no proper name
        if not any(_names(t) for t in before) or before[0].lower_ in NOT_SOURCES:
            continue
        head = max(before, key=lambda t: (_names(t), t.i))
        rest = after_colon(text, mark.idx + 1)
        if rest is None:
            continue
        start, end = with_quotes(text, *trim(text, *rest), page.quotes)
        if len(text[start:end].split()) < 2:
            continue
        out.append(
            Found(
                content=(start, end),
                rule=RULE,
                cue=(mark.idx, mark.idx + 1),
                lemma=":",
                source=trim(text, *token_span(before)),
                source_token=head.i,
                cue_token=mark.i,
            )
        )
    return out


def _names(tok: Token) -> bool:
    """A word that can name a source: a name, a speaker's label in capitals, or a noun
    like "poll"."""
    return (
        tok.pos_ == "PROPN"
        or tok.ent_type_ in ("PERSON", "ORG")
        or (tok.is_upper and len(tok.text) > 1 and tok.is_alpha)
        or tok.lemma_.lower() in SOURCE_NOUNS
    )
