"""Source builders: who a cue attributes its content to, as a character span and the index
of the source's head token (for entity linking and pronouns).

A cue verb's source is its subject ("X said"), a passive's agent ("was described by X"),
the subject of the verb a conjoined, infinitive or gerund cue hangs on ("X smiled and
said", "X used the reports to urge", "X responded by saying"), or a name right before a
subjectless cue. The span leaves out what the parser hung on the subject but is no part of
the name: a dateline ("WASHINGTON -- President Obama"), asides set off by commas
("Trump, speaking to veterans,", "Clinton, like Obama,") and a time at its end ("a panel
in 2001").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cues import BY_DOING, VERBS
from .found import Range
from .patterns import Bound
from .spans import inside_quotation, text_of, token_span, trim

if TYPE_CHECKING:
    from spacy.tokens import Token

Source = tuple[int | None, Range | None]
"""The source's head token index and its span; ``(None, None)`` when there is none."""

NONE: Source = (None, None)


def passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def of_verb(cue: Token, bound: Bound) -> Source:
    """The source of a cue verb."""
    return verb_source(cue, passive(cue))


def verb_source(tok: Token, is_passive: bool) -> Source:
    for c in tok.children:
        if c.dep_ == "nsubj" and not quoted_apart(c, tok):
            return c.i, _subject(c, tok)
        if is_passive and c.dep_ == "agent":
            objects = [g for g in c.children if g.dep_ == "pobj"]
            if objects:
                return objects[0].i, trimmed(list(objects[0].subtree))
    if is_passive:
        return NONE
    head = tok.head
    if tok.dep_ == "conj" and head is not tok:  # "X smiled and said": the subject of a cue
        for ancestor in tok.ancestors:  # above, or else of the verb it is joined to
            if ancestor.lemma_.lower() in VERBS and ancestor.pos_ == "VERB":
                return verb_source(ancestor, False)
        if head.pos_ == "VERB":
            return verb_source(head, False)
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    by_doing = tok.dep_ == "pcomp" and tok.tag_ == "VBG" and head.lower_ in BY_DOING
    if by_doing:  # "X responded by saying Y": the verb the preposition is on
        head = head.head
    if (by_doing or tok.dep_ in ("advcl", "xcomp", "acl")) and (tok.tag_ == "VBG" or infinitive):
        for _ in range(2):  # "X used the reports to urge Y": up to the verb with a subject
            if head.pos_ in ("VERB", "AUX"):
                return verb_source(head, False)
            head = head.head
    if tok.dep_ == "ROOT" and tok.tag_ in ("VBD", "VBZ", "VBP"):
        return _name_before(tok)
    return NONE


def quoted_apart(subject: Token, cue: Token) -> bool:
    """The subject is inside a quotation the cue is not in: the quoted words' own
    subject, which the parser hung on the cue ("“My reaction, that was outrageous,” the
    strategist said")."""
    quotation = inside_quotation(subject.doc, subject.idx, subject.idx + len(subject.text))
    return quotation is not None and not quotation[0] <= cue.idx < quotation[1]


def _name_before(tok: Token) -> Source:
    """A finite cue verb without a subject: the name right before it, which the parser
    hung elsewhere ("... of the Washington Post Trump said that ...")."""
    if tok.i == 0:
        return NONE
    before = tok.doc[tok.i - 1]
    if before.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") and before.ent_iob_ in ("B", "I"):
        entity = next(e for e in tok.doc.ents if e.start <= before.i < e.end)
        return before.i, (entity.start_char, entity.end_char)
    return NONE


def _subject(subject: Token, cue: Token) -> Range:
    """The subject's words before the cue (or all of them after it), without edge
    punctuation, a leading "even" or "both"."""
    if subject.i > cue.i:  # "said Tim Scott, Republican of South Carolina": all of it
        tokens = list(subject.subtree)
    else:
        tokens = [t for t in subject.subtree if t.i < cue.i]
    tokens = without_time(subject, without_asides(subject, without_dateline(tokens)))
    if tokens and (tokens[0].lower_ == "even" or tokens[0].dep_ == "preconj"):
        tokens.pop(0)  # "even", and "both" of "both X and Y"
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    return trimmed(tokens or [subject])


DATELINE_DASHES = frozenset({"-", "--", "\u2013", "\u2014"})


def without_dateline(tokens: list[Token]) -> list[Token]:
    """Without a dateline the parser hung on the subject: "WASHINGTON -- President Obama"."""
    for k, tok in enumerate(tokens[1:4], start=1):
        if tok.text in DATELINE_DASHES:
            if all(t.is_upper for t in tokens[:k] if not t.is_punct):
                return tokens[k + 1 :]
            break
    return tokens


def without_asides(subject: Token, tokens: list[Token]) -> list[Token]:
    """Without a participle or comparison set off by a comma after the name: "Trump,
    speaking to...", "Hillary Clinton, like Obama," (an apposition stays: "Scott Pruitt,
    the attorney general of Oklahoma"; so does a relative clause, which PolNeAR's sources
    include as often as not)."""
    heads = [subject] + [c for c in subject.children if c.dep_ == "appos"]
    cut = None
    for head in heads:
        for child in head.children:
            aside = child.dep_ in ("acl", "advcl") or (
                child.dep_ == "prep" and child.lower_ in ("like", "unlike")
            )
            first = child.left_edge.i
            if aside and first > subject.i and subject.doc[first - 1].text == ",":
                cut = first - 1 if cut is None else min(cut, first - 1)
    return tokens if cut is None else [t for t in tokens if t.i < cut]


TIME_ENTITIES = frozenset({"DATE", "TIME"})


def without_time(subject: Token, tokens: list[Token]) -> list[Token]:
    """Without a time the parser hung on the end of the subject, which dates the
    attribution, not the source: "an arbitration panel in 2001 found", "a group of
    doctors in 2015"."""
    for child in subject.rights:
        objects = [g for g in child.children if g.dep_ == "pobj"]
        if child.dep_ != "prep" or not objects or child.right_edge.i != tokens[-1].i:
            continue
        when = list(objects[0].subtree)
        if all(t.ent_type_ in TIME_ENTITIES for t in when):
            return [t for t in tokens if t.i < child.i]
    return tokens


def trimmed(tokens: list[Token]) -> Range:
    return trim(text_of(tokens[0].doc), *token_span(tokens))


def of_according(cue: Token, bound: Bound) -> Source:
    """The object of "according to" (or the word after it)."""
    to = bound["to"][0]
    objects = [c for c in to.children if c.dep_ == "pobj"]
    doc = cue.doc
    source = objects[0] if objects else (doc[cue.i + 2] if cue.i + 2 < len(doc) else None)
    if source is None:
        return NONE
    return source.i, trim(text_of(doc), *token_span(t for t in source.subtree if t.i > to.i))


def owner(noun: Token) -> Token | None:
    """Whose a cue noun is: "Trump's claim", "the WSJ report", "a statement by X"."""
    for c in noun.children:
        if c.dep_ == "poss" or (c.dep_ == "compound" and c.pos_ == "PROPN"):
            return c
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
            objects = [g for g in c.children if g.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def of_noun(cue: Token, bound: Bound) -> Source:
    """The owner of a cue noun, as the text has it (a claim of no one's may stand)."""
    found = owner(cue)
    if found is None:
        return NONE
    return found.i, token_span(found.subtree)


def of_noun_or_verb(cue: Token, bound: Bound) -> Source:
    """The owner of a cue noun, else the subject of the verb it is the object of: "X
    expressed support for Y"."""
    found = owner(cue)
    if found is None and cue.dep_ == "dobj":
        found = next((c for c in cue.head.children if c.dep_ == "nsubj"), None)
    if found is None:
        return NONE
    return found.i, trimmed(list(found.subtree))


def of_adjective(cue: Token, bound: Bound) -> Source:
    """The subject of the verb the adjective completes: "X is confident that"."""
    subject = bound["subject"][0]
    return subject.i, trimmed(list(subject.subtree))


def nobody(cue: Token, bound: Bound) -> Source:
    """No source named: the writer's own inference."""
    return NONE
