"""The kinds of cue a rule starts from: the anchor of its patterns (which words can be the
cue, from the lists of ``cues.py``), the cue's span and lemma, and the words that look like
a cue but are not one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cues import ADJECTIVES, CLAUSE_SPEECH, EVIDENTIAL, NOUN_PREPOSITIONS, NOUNS, VERBS
from .found import Range
from .patterns import Bound, Node, Pattern, anchor, one_of
from .spans import token_span
from .subjects import passive

if TYPE_CHECKING:
    from spacy.tokens import Token


def _never(tok: Token) -> bool:
    return False


@dataclass(frozen=True)
class CueKind:
    name: str
    attrs: Mapping[str, object]
    """The anchor's token attributes."""
    span: Callable[[Token, Bound], Range]
    lemma: Callable[[Token], str]
    excluded: Callable[[Token], bool] = _never
    """An anchor that is no cue of this kind."""

    def pattern(self, *nodes: Node, **attrs: object) -> Pattern:
        """A pattern anchored on this kind of cue; ``attrs`` narrow the anchor's
        (``LEMMA=one_of(...)``: only these cue words)."""
        return [anchor({**self.attrs, **attrs}), *nodes]


def lower_lemma(tok: Token) -> str:
    return tok.lemma_.lower()


PREPOSITION_REACH = 3
"""Tokens from a cue verb to the preposition that belongs to it, at most."""


def seeming(cue: Token) -> Token | None:
    """The verb that hedges a cue it raises: "appeared" in "he appeared to suggest"."""
    head = cue.head
    if cue.dep_ == "xcomp" and head.lemma_.lower() in EVIDENTIAL and 0 < cue.i - head.i <= 3:
        return head
    return None


def _with_auxiliaries(verb: Token) -> Token:
    """The first of a verb's auxiliaries and negation just before it, else the verb."""
    first = verb
    for c in verb.children:
        if c.dep_ in ("aux", "auxpass", "neg") and c.i < verb.i and verb.i - c.i <= 3:
            first = c if c.i < first.i else first
    return first


def verb_span(cue: Token, bound: Bound) -> Range:
    """The verb with its auxiliaries and negation just before it (and a verb that hedges
    it: "appeared to suggest"), a particle just after it, and the preposition that marks
    its content: "have separately alleged", "didn't disclose", "pointed out", "called
    for", "commented Tuesday on"."""
    first = _with_auxiliaries(seeming(cue) or cue)
    after = [c for c in cue.children if c.dep_ == "prt" and c.i == cue.i + 1]
    marks = [*bound.get("preposition", ()), *bound.get("mark", ())][:1]
    after += [m for m in marks if 0 < m.i - cue.i <= PREPOSITION_REACH]
    return token_span([first, cue, *after])


def opens_content(tok: Token) -> bool:
    """The gerund that a clause-taking cue's content starts with ("said seeing X was Y"):
    what was said, not a cue of its own."""
    head = tok.head
    return (
        tok.dep_ == "xcomp"
        and tok.tag_ == "VBG"
        and tok.i == head.i + 1
        and head.lemma_.lower() in CLAUSE_SPEECH
        and not passive(head)
    )


VERB = CueKind(
    name="verb",
    attrs={"POS": "VERB", "LEMMA": one_of(VERBS), "DEP": {"NOT_IN": ["amod", "compound"]}},
    span=verb_span,
    lemma=lower_lemma,
    excluded=opens_content,
)
"""Verbs of saying, reporting and thinking."""


def according_span(cue: Token, bound: Bound) -> Range:
    to = bound["to"][0]
    return cue.idx, to.idx + len(to.text)


ACCORDING = CueKind(
    name="according",
    attrs={"LOWER": "according"},
    span=according_span,
    lemma=lambda tok: "according to",
)
""""according to"."""


def noun_span(cue: Token, bound: Bound) -> Range:
    """The noun, with its preposition when that marks the content ("support for")."""
    preposition = bound.get("preposition")
    return token_span([cue, preposition[0]]) if preposition else token_span([cue])


NOUN = CueKind(
    name="noun",
    attrs={"POS": "NOUN", "LEMMA": one_of(NOUNS | frozenset(NOUN_PREPOSITIONS))},
    span=noun_span,
    lemma=lower_lemma,
)
"""Nouns that carry a claim: "the claim that", "her support for"."""


ADJECTIVE = CueKind(
    name="adjective",
    attrs={"POS": "ADJ", "LOWER": one_of(ADJECTIVES), "DEP": "acomp"},
    span=lambda cue, bound: token_span([cue.head, cue]),
    lemma=lambda tok: tok.lower_,
)
"""Adjectives of belief: "is confident that"."""


INFERENCE = CueKind(
    name="inference",
    attrs={"POS": one_of(["VERB", "AUX"]), "LEMMA": one_of(EVIDENTIAL)},
    span=lambda cue, bound: token_span([cue]),
    lemma=lower_lemma,
)
"""Verbs that mark a statement as inference: "appears", "seems"."""
