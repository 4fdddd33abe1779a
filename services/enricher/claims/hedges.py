"""Hedges: the words that mark a claim as uncertain or unverified.

Looked for in the cue, the words that modify it, and the content: "allegedly",
"reportedly", "vaguely", "unconfirmed", modal "may"/"might"... A cue that itself hedges
("alleged", "claimed", "suggested") counts as one, and so does a verb that raises the cue
("appeared to suggest", "seemed to think").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .anchors import seeming
from .cues import words

if TYPE_CHECKING:
    from spacy.tokens import Doc

WORDS = words(
    """
    alleged allegedly reportedly reported purportedly purported apparently apparent
    vaguely unconfirmed unverified supposedly supposed rumored rumoured possibly
    perhaps probably likely unlikely may might seemingly unclear unspecified unnamed
    anonymous uncertain unsubstantiated claimed believed suspected presumably
    """
)
HEDGING_CUES = frozenset({"allege", "claim", "suggest", "speculate", "rumor", "rumour", "imply"})


def hedges(doc: Doc, cue_token: int | None, content: tuple[int, int]) -> list[str]:
    found: set[str] = set()
    if cue_token is not None:
        cue = doc[cue_token]
        if cue.lemma_.lower() in HEDGING_CUES:
            found.add(cue.lower_)
        for c in cue.children:
            if c.dep_ in ("advmod", "aux", "acomp") and c.lower_ in WORDS:
                found.add(c.lower_)
        raising = seeming(cue)
        if raising is not None:  # "he appeared to suggest"
            found.add(raising.lower_)
    span = doc.char_span(*content, alignment_mode="expand")
    if span is not None:
        found.update(t.lower_ for t in span if t.lower_ in WORDS)
    return sorted(found)
