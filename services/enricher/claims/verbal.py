"""Attributions around a cue verb: its subject says its complement.

Handles the active ("X said that Y", "Y, X said"), the passive ("it was reported that Y",
"Y was described by X"), the participle ("..., citing Y"), coordination ("X smiled and
said Y"), relative clauses ("a blogger who says Y": the source is the antecedent), a
content after a colon ("X wrote:" and the next sentence) and content as object or
infinitive for the verbs that take it so.
"""

from __future__ import annotations

from typing import Any

from .cues import (
    INFINITIVE_CONTENT,
    OBJECT_CONTENT,
    PASSIVE_SUBJECT,
    PREPOSITION_CONTENT,
    RELATIVE,
    SHORT_CONTENT,
    SPEECH,
    VERBS,
)
from .found import Found, Range
from .spans import after_colon, opens, text_of, token_span, trim, with_quotes

PERSONAL = frozenset({"me", "you", "him", "her", "us", "them", "it", "i"})
"""Objects that are an addressee or a pronoun, not a content."""

CLAUSE = ("ccomp",)
CLAUSE_SPEECH = frozenset({"say", "tell", "claim", "write", "argue", "insist", "add", "note"})
"""Verbs whose content is a clause, not an action they do ("said legalizing it ...")."""
BY_DOING = frozenset({"by", "after", "before", "while", "when", "upon", "in", "besides"})
"""Prepositions whose gerund's subject is the clause's: "X began by saying Y" (not "for":
"X was criticised for saying Y")."""
AROUND = ("parataxis", "ccomp")


def verbal(doc: Any, quotes: list[Range]) -> list[Found]:
    out = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "VERB" or lemma not in VERBS or tok.dep_ in ("amod", "compound"):
            continue
        if _opens_content(tok):  # "said seeing X was Y": "seeing" is what was said
            continue
        found = _attribution(doc, tok, lemma, quotes)
        if found is not None:
            out.append(found)
    return out


def _opens_content(tok: Any) -> bool:
    """The gerund that a clause-taking cue's content starts with (see ``_content``)."""
    head = tok.head
    return (
        tok.dep_ == "xcomp"
        and tok.tag_ == "VBG"
        and tok.i == head.i + 1
        and head.lemma_.lower() in CLAUSE_SPEECH
        and not _passive(head)
    )


def _passive(tok: Any) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def _attribution(doc: Any, tok: Any, lemma: str, quotes: list[Range]) -> Found | None:
    text = text_of(doc)
    passive = _passive(tok)
    content = _content(doc, tok, lemma, passive)
    if content is None:
        return None
    start, end = trim(text, *content)
    start, end = with_quotes(text, start, end, quotes, cue=tok.idx)
    words = text[start:end].lower().split()
    if end <= start or not words:
        return None
    one_word = len(words) < 2 and not opens(text, start)
    if one_word and not (_short(words) or _proper(doc, start, end)):
        return None
    source_tok, source = _source(tok, passive)
    if source is None and not passive:
        return None
    if source is not None and start <= source[0] < end:
        return None  # the subject inside its own content: a misparse
    return Found(
        content=(start, end),
        cue=_cue_span(tok),
        lemma=lemma,
        source=source,
        source_token=source_tok,
        cue_token=tok.i,
    )


def _short(words: list[str]) -> bool:
    """A one-word content that stands for a clause ("said so")."""
    return words[-1] in SHORT_CONTENT


def _proper(doc: Any, start: int, end: int) -> bool:
    """A one-word content that is a name ("voted for Trump")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and len(span) == 1 and span[0].pos_ == "PROPN"


def _content(doc: Any, tok: Any, lemma: str, passive: bool) -> Range | None:
    colon = _colon_after(tok)
    if colon is not None:  # "X wrote:", "X told reporters on Monday:"
        return after_colon(text_of(doc), doc[colon].idx + 1)
    children = list(tok.children)
    if lemma == "call":  # "called X a liar": object and predicate together
        objects = [c for c in children if c.dep_ == "dobj"]
        predicates = [c for c in children if c.dep_ in ("oprd", "xcomp", "ccomp")]
        if predicates:  # (the parser may hang the object on the predicate)
            return token_span(t for c in objects + predicates for t in c.subtree)
    clauses = [c for c in children if c.dep_ in CLAUSE]
    if clauses:
        cut = _coordinated_cues(clauses)
        objects = [c for c in children if c.dep_ == "dobj" and c.i < clauses[0].i]
        if lemma not in OBJECT_CONTENT or (objects[:1] and objects[0].lower_ in PERSONAL):
            objects = []  # "cited remarks Trump had made": the object the clause is part of
        if tok.dep_ == "relcl":  # "policies, which he said had harmed Y": what follows
            cut |= {t.i for c in clauses for t in c.subtree if t.i < tok.i}  # the cue
        heads = objects[:1] + clauses
        kept = [t for c in heads for t in c.subtree if t.i not in cut]
        return token_span(kept) if kept else None
    gerund = [c for c in children if _opens_content(c)]
    if gerund:  # "X said legalizing it could help": the parser hung the clause on "-ing"
        return token_span(gerund[0].subtree)
    if lemma in INFINITIVE_CONTENT:
        xcomp = [c for c in children if c.dep_ == "xcomp"]
        if xcomp:
            objects = [c for c in children if c.dep_ == "dobj" and c.i < xcomp[0].i]
            heads = objects + xcomp
            return token_span(t for c in heads for t in c.subtree)
    if lemma in OBJECT_CONTENT and not passive:
        objects = [c for c in children if c.dep_ == "dobj" and c.lower_ not in PERSONAL]
        if objects and (len(list(objects[0].subtree)) > 1 or objects[0].pos_ == "PROPN"):
            after = [  # "shows Clinton with a lead", "cited her years as senator"
                c
                for c in children
                if c.dep_ == "prep" and c.lower_ in ("with", "as") and c.i > objects[0].i
            ]
            return token_span(t for c in objects[:1] + after for t in c.subtree)
    for c in children:  # "calling for the US to act": the preposition marks a clause
        marks = [g for g in c.children if g.dep_ == "mark"]
        if c.dep_ == "advcl" and marks and marks[0].lower_ in PREPOSITION_CONTENT.get(lemma, ()):
            return token_span(t for t in c.subtree if t.i != marks[0].i)
    for c in children:
        if c.dep_ == "prep" and c.lower_ in PREPOSITION_CONTENT.get(lemma, ()):
            objects = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if objects:  # "called on X to act": the object and the infinitive after it
                then = [g for g in children if g.dep_ in ("xcomp", "ccomp") and g.i > c.i]
                return token_span(t for g in objects[:1] + then[:1] for t in g.subtree)
    if passive and lemma in PASSIVE_SUBJECT:
        subjects = [c for c in children if c.dep_ == "nsubjpass"]
        if subjects and subjects[0].lower_ not in RELATIVE | {"it"}:
            return token_span(subjects[0].subtree)
    if tok.dep_ in AROUND and tok.head.i < tok.i:  # "Y, X said" with Y the head clause;
        own = {t.i for t in tok.subtree}  # "The point, he said, is Y": the longer side
        before = [t for t in tok.head.subtree if t.i not in own and t.i < tok.left_edge.i]
        after = [t for t in tok.head.subtree if t.i > tok.right_edge.i and not t.is_punct]
        if before or after:
            return token_span(before if len(before) >= len(after) else after)
    if tok.dep_ == "parataxis" and tok.head.i > tok.i:  # "Since May, X says, prices rose":
        after = [t for t in tok.head.subtree if t.i > tok.right_edge.i]  # the part with
        if after:  # the head clause's verb (a content is one span)
            return token_span(after)
    return None


COLON_REACH = 7
"""Tokens between a cue verb and the colon that opens its content, at most."""


def _colon_after(tok: Any) -> int | None:
    """The colon that closes the cue's clause: only its objects and adverbials (no other
    verb, no quotation) stand between."""
    sent_end = tok.sent.end
    for j in range(tok.i + 1, min(tok.i + COLON_REACH + 1, sent_end)):
        t = tok.doc[j]
        if t.text == ":":
            return j
        if t.pos_ in ("VERB", "AUX") or t.is_quote or "\n" in t.text:
            return None
    return None


def _coordinated_cues(clauses: list[Any]) -> set[int]:
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


def _source(tok: Any, passive: bool) -> tuple[int | None, Range | None]:
    for c in tok.children:
        if c.dep_ == "nsubj":
            return c.i, _subject(c, tok)
        if passive and c.dep_ == "agent":
            objects = [g for g in c.children if g.dep_ == "pobj"]
            if objects:
                return objects[0].i, _trimmed(tok.doc, list(objects[0].subtree))
    if passive:
        return None, None
    head = tok.head
    if tok.dep_ == "conj" and head is not tok:  # "X smiled and said": the subject of a cue
        for ancestor in tok.ancestors:  # above, or else of the verb it is joined to
            if ancestor.lemma_.lower() in VERBS and ancestor.pos_ == "VERB":
                return _source(ancestor, False)
        if head.pos_ == "VERB":
            return _source(head, False)
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    by_doing = tok.dep_ == "pcomp" and tok.tag_ == "VBG" and head.lower_ in BY_DOING
    if by_doing:  # "X responded by saying Y": the verb the preposition is on
        head = head.head
    if (by_doing or tok.dep_ in ("advcl", "xcomp", "acl")) and (tok.tag_ == "VBG" or infinitive):
        for _ in range(2):  # "X used the reports to urge Y": up to the verb with a subject
            if head.pos_ in ("VERB", "AUX"):
                return _source(head, False)
            head = head.head
    if tok.dep_ == "ROOT" and tok.tag_ in ("VBD", "VBZ", "VBP"):
        return _name_before(tok)
    return None, None


def _name_before(tok: Any) -> tuple[int | None, Range | None]:
    """A finite cue verb without a subject: the name right before it, which the parser
    hung elsewhere ("... of the Washington Post Trump said that ...")."""
    if tok.i == 0:
        return None, None
    before = tok.doc[tok.i - 1]
    if before.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") and before.ent_iob_ in ("B", "I"):
        entity = next(e for e in tok.doc.ents if e.start <= before.i < e.end)
        return before.i, (entity.start_char, entity.end_char)
    return None, None


def _subject(subject: Any, cue: Any) -> Range:
    """The subject's words before the cue (or all of them after it), without edge
    punctuation or a leading "even"."""
    if subject.i > cue.i:  # "said Tim Scott, Republican of South Carolina": all of it
        tokens = list(subject.subtree)
    else:
        tokens = [t for t in subject.subtree if t.i < cue.i]
    tokens = _without_asides(subject, _without_dateline(tokens))
    if tokens and tokens[0].lower_ == "even":
        tokens.pop(0)
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    return _trimmed(subject.doc, tokens or [subject])


DATELINE_DASHES = frozenset({"-", "--", "\u2013", "\u2014"})


def _without_dateline(tokens: list[Any]) -> list[Any]:
    """Without a dateline the parser hung on the subject: "WASHINGTON -- President Obama"."""
    for k, tok in enumerate(tokens[1:4], start=1):
        if tok.text in DATELINE_DASHES:
            if all(t.is_upper for t in tokens[:k] if not t.is_punct):
                return tokens[k + 1 :]
            break
    return tokens


def _without_asides(subject: Any, tokens: list[Any]) -> list[Any]:
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


def _trimmed(doc: Any, tokens: list[Any]) -> Range:
    return trim(text_of(doc), *token_span(tokens))


def _cue_span(tok: Any) -> Range:
    first = tok
    for c in tok.children:
        if c.dep_ in ("aux", "auxpass", "neg") and c.i < tok.i and tok.i - c.i <= 3:
            first = c if c.i < first.i else first
    tokens = [first, tok]
    particles = [c for c in tok.children if c.dep_ == "prt" and c.i == tok.i + 1]
    return token_span(tokens + particles)
