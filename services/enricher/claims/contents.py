"""Content builders: what a cue attributes, as a character span, from the tokens its rule's
pattern bound (``patterns.Bound``). They say what patterns cannot: how far a colon reaches,
which side of a parenthetical cue is the content, which second cue to cut out of a clause,
where a relative clause's content starts. The span is raw: the rule's settler trims it
and grows it to whole quotations (``settle``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cues import ADDRESSING, FORWARD, OBJECT_CONTENT, PERSONAL, PREPOSITION_CONTENT, SPEECH
from .found import Page, Range
from .patterns import Bound
from .spans import after_colon, opens, text_of, token_span, trim, with_quotes

if TYPE_CHECKING:
    from spacy.tokens import Token

COLON_REACH = 7
"""Tokens between a cue verb and the colon that opens its content, at most."""


def colon_within_reach(tok: Token) -> Token | None:
    """The colon that closes the cue's clause: only its objects and adverbials (no other
    verb, no quotation, no line break) stand between."""
    sent_end = tok.sent.end
    for j in range(tok.i + 1, min(tok.i + COLON_REACH + 1, sent_end)):
        t = tok.doc[j]
        if t.text == ":":
            return t
        if t.pos_ in ("VERB", "AUX") or t.is_quote or "\n" in t.text:
            return None
    return None


def after_the_colon(cue: Token, bound: Bound) -> Range | None:
    """After "X wrote:" or "X told reporters on Monday:", the rest of the paragraph; or
    the next paragraph when the cue has said nothing yet: a quotation that opens it, or
    any paragraph after a cue with no object but an addressee or a "the following"."""
    colon = colon_within_reach(cue)
    if colon is None:
        return None
    text = text_of(cue.doc)
    found = after_colon(text, colon.idx + 1)
    if found is None or "\n" not in text[colon.idx : found[0]]:
        return found
    return found if opens(text, found[0]) or _open(cue, colon) else None


def _open(cue: Token, colon: Token) -> bool:
    """The cue has no content before the colon: no object, or only one that names the
    addressee ("told reporters:") or points ahead ("wrote the following:"). Else the
    colon introduces something else, which the text may not hold ("used the reports to
    urge support for Kiev:" before an embedded post that was cut out)."""
    objects = [c for c in cue.children if c.dep_ == "dobj" and c.i < colon.i]
    if not objects or cue.lemma_.lower() in ADDRESSING:
        return True
    return all(any(t.lower_ in FORWARD for t in o.subtree) for o in objects)


def object_and_predicate(cue: Token, bound: Bound) -> Range:
    """The object and the predicate together, as in "called X a liar" (the parser may
    hang the object on the predicate)."""
    objects = [c for c in cue.children if c.dep_ == "dobj"]
    return token_span(t for c in objects + list(bound["predicate"]) for t in c.subtree)


def clause(cue: Token, bound: Bound) -> Range | None:
    """The complement clause, with the cued object before it ("cited remarks Trump had
    made"), without a second cue the parser hung inside it, and for a cue in a relative
    clause ("policies, which he said had failed") only what follows the cue."""
    clauses = list(bound["clause"])
    cut = coordinated_cues(clauses)
    objects = [c for c in cue.children if c.dep_ == "dobj" and c.i < clauses[0].i]
    if cue.lemma_.lower() not in OBJECT_CONTENT or (objects[:1] and objects[0].lower_ in PERSONAL):
        objects = []  # "told him that": an addressee is not part of the content
    if cue.dep_ == "relcl":
        cut |= {t.i for c in clauses for t in c.subtree if t.i < cue.i}
    kept = [t for c in objects[:1] + clauses for t in c.subtree if t.i not in cut]
    return token_span(kept) if kept else None


def coordinated_cues(clauses: list[Token]) -> set[int]:
    """Tokens of a second attribution the parser hung inside the first one's content:
    "He said X and said that Y" (the second "said" attached to X's verb)."""
    cut: set[int] = set()
    for clause in clauses:
        for t in clause.subtree:
            if (
                t.dep_ == "conj"
                and t.lemma_.lower() in SPEECH
                and any(c.dep_ in ("ccomp", "dobj") for c in t.children)
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
            ):
                cut |= {g.i for g in t.subtree}
                cut |= {c.i for c in t.head.children if c.dep_ == "cc" and c.i < t.i}
    return cut


def gerund_clause(cue: Token, bound: Bound) -> Range:
    """The clause the parser hung on a gerund: "X said legalizing it could help"."""
    return token_span(bound["gerund"][0].subtree)


def infinitive(cue: Token, bound: Bound) -> Range:
    """The infinitive, with the object before it: "vowed to retaliate", "urged Kiev to act"."""
    complements = list(bound["complement"])
    objects = [c for c in cue.children if c.dep_ == "dobj" and c.i < complements[0].i]
    return token_span(t for c in objects + complements for t in c.subtree)


def object_content(tok: Token) -> bool:
    """The first object is a content, not a bare pronoun or word: a phrase or a name."""
    objects = [c for c in tok.children if c.dep_ == "dobj" and c.lower_ not in PERSONAL]
    return bool(objects) and (len(list(objects[0].subtree)) > 1 or objects[0].pos_ == "PROPN")


def direct_object(cue: Token, bound: Bound) -> Range:
    """The object, and a "with" or "as" phrase after it: "denied the report", "a poll
    shows Clinton with a lead", "cited her years as senator"."""
    first = bound["object"][0]
    after = [
        c for c in cue.children if c.dep_ == "prep" and c.lower_ in ("with", "as") and c.i > first.i
    ]
    return token_span(t for c in [first, *after] for t in c.subtree)


def preposition_clause(cue: Token, bound: Bound) -> Range | None:
    """A clause the preposition marks: "calling for the US to act"."""
    allowed = PREPOSITION_CONTENT.get(cue.lemma_.lower(), ())
    for c in bound["clause"]:
        marks = [g for g in c.children if g.dep_ == "mark"]
        if marks and marks[0].lower_ in allowed:
            return token_span(t for t in c.subtree if t.i != marks[0].i)
    return None


def preposition_object(cue: Token, bound: Bound) -> Range | None:
    """The preposition's object, and an infinitive or clause after it: "called for a ban",
    "called on X to act"."""
    for prep in bound["preposition"]:
        objects = [g for g in prep.children if g.dep_ in ("pobj", "pcomp")]
        if objects:
            then = [g for g in cue.children if g.dep_ in ("xcomp", "ccomp") and g.i > prep.i]
            return token_span(t for g in objects[:1] + then[:1] for t in g.subtree)
    return None


def passive_subject(cue: Token, bound: Bound) -> Range:
    """What the passive's subject names: "the attack was reported by X"."""
    return token_span(bound["subject"][0].subtree)


def longer_side(cue: Token, bound: Bound) -> Range | None:
    """The longer of the two sides of the head clause around the cue's own words: "Y, X
    said" with Y the head clause; "The point, he said, is Y"."""
    own = {t.i for t in cue.subtree}
    whole = list(bound["clause"][0].subtree)
    before = [t for t in whole if t.i not in own and t.i < cue.left_edge.i]
    after = [t for t in whole if t.i > cue.right_edge.i and not t.is_punct]
    if not (before or after):
        return None
    return token_span(before if len(before) >= len(after) else after)


def after_parenthetical(cue: Token, bound: Bound) -> Range | None:
    """The part after the cue, which holds the head clause's verb (a content is one span):
    "Since May, X says, prices rose"."""
    after = [t for t in bound["clause"][0].subtree if t.i > cue.right_edge.i]
    return token_span(after) if after else None


def according_side(cue: Token, bound: Bound) -> Range | None:
    """The longer side of the sentence around the prepositional phrase: "Y, according to
    X", "According to X, Y"."""
    to = bound["to"][0]
    phrase = {t.i for t in cue.subtree} | {t.i for t in to.subtree}
    sent = cue.sent
    before = [t for t in sent if t.i < cue.i and t.i not in phrase]
    after = [t for t in sent if t.i > max(phrase) and t.i not in phrase]
    side = before if len(before) >= len(after) else after
    return token_span(side) if side else None


def first_clause(cue: Token, bound: Bound) -> Range:
    """The first clause the pattern bound: "the claim that Y", "confident that Y"."""
    return token_span(bound["clause"][0].subtree)


def first_object(cue: Token, bound: Bound) -> Range:
    """The object of the cue's preposition: "her support for Y"."""
    return token_span(bound["object"][0].subtree)


def subject_and_complement(cue: Token, bound: Bound) -> Range:
    """The subject, the verb and its complement: "the fallout appears significant"."""
    parts = [bound["subject"][0], bound["complement"][0]]
    return token_span([*(t for c in parts for t in c.subtree), cue])


def settle_quoting(page: Page, cue: Token, span: Range) -> Range:
    """Trimmed, and grown to the whole of a quotation it opens or closes, or of one of
    several sentences the parser split while the cue stands outside it."""
    return with_quotes(page.text, *trim(page.text, *span), page.quotes, cue=cue.idx)


def settle_quotes(page: Page, cue: Token, span: Range) -> Range:
    """Trimmed, and grown to the whole of a quotation it opens or closes."""
    return with_quotes(page.text, *trim(page.text, *span), page.quotes)


def settle_trim(page: Page, cue: Token, span: Range) -> Range:
    """Trimmed of edge whitespace and punctuation."""
    return trim(page.text, *span)
