"""Check-worthiness: how much a claim is worth a fact-checker's time, in 0..1.

A transparent score, not a trained model. It starts at 0.2 and adds what makes a
statement checkable and consequential, and subtracts what makes it opinion:

| feature                                                          | weight |
|------------------------------------------------------------------|--------|
| a number, amount, percentage, date or quantity in the content    | +0.25  |
| a named entity in the content (one / two or more)                | +0.10 / +0.15 |
| a factual verb in the content (past or present, not modal)       | +0.10  |
| the source is unnamed or absent ("officials", passive)           | +0.10  |
| hedged ("alleged", "reportedly", ...)                            | +0.10  |
| content of 8 to 80 words                                         | +0.10  |
| opinion: first person, "should", "must", evaluative adjectives   | -0.15  |
| a question                                                       | -0.25  |
| shorter than 4 words                                             | -0.20  |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc


NUMERIC = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "DATE", "TIME", "ORDINAL"}
NAMED = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "WEAPON", "EVENT", "PRODUCT", "LAW"}
OPINION = {"i", "we", "should", "must", "ought", "great", "terrible", "best", "worst"}


def check_worthiness(doc: Doc, content: tuple[int, int], named_source: bool, hedged: bool) -> float:
    span = doc.char_span(*content, alignment_mode="expand")
    if span is None:
        return 0.0
    words = [t for t in span if not t.is_punct]
    score = 0.2
    labels = [e.label_ for e in span.ents]
    if any(label in NUMERIC for label in labels) or any(t.like_num for t in words):
        score += 0.25
    named = sum(1 for label in labels if label in NAMED)
    score += 0.15 if named >= 2 else 0.10 if named == 1 else 0.0
    if any(t.tag_ in ("VBD", "VBZ", "VBP", "VBN") for t in words) and not any(
        t.tag_ == "MD" for t in words
    ):
        score += 0.10
    if not named_source:
        score += 0.10
    if hedged:
        score += 0.10
    if 8 <= len(words) <= 80:
        score += 0.10
    if any(t.lower_ in OPINION for t in words):
        score -= 0.15
    if span.text.rstrip('\u201d" ').endswith("?"):
        score -= 0.25
    if len(words) < 4:
        score -= 0.20
    return round(min(1.0, max(0.0, score)), 3)
