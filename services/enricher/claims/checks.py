"""Checks a finding must pass to be a claim, each a plain function of the page, the parse
and the finding.

Some belong to rules (``rules.py`` lists them per rule); three hold for every finding,
whatever found it (``CLASS_CHECKS``):

- an attribution does not run across a paragraph break: its content lies in its cue's
  paragraph and holds no break, unless a quotation mark carries it on (a quotation that
  opens the next paragraph, or one of several paragraphs each opened with a mark, as
  quotations are written) or a colon that ends the cue's paragraph does ("The governor
  added:" and the next paragraph);
- a non-response is not a claim: a negated cue of responding ("didn't respond to a
  request for comment", "had no comment on") or a refusal to speak ("declined to
  comment", "refused to say whether"): nothing is asserted.

A third, a content is a proposition (``proposition``), holds for the rules whose content
is not a clause of the parse by construction: a passive's subject, the side of a sentence
around a parenthetical cue or "according to". The rules whose cue takes what it claims as
a noun phrase ("denied the report", "called for a ban") are exempt by design.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .cues import REFUSING, RESPONDING, SHORT_CONTENT, WITHHELD
from .found import Found, Page
from .spans import has_quote, opens
from .subjects import passive

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Check = Callable[[Page, "Doc", Found], bool]


def has_words(page: Page, doc: Doc, found: Found) -> bool:
    start, end = found.content
    return end > start and bool(page.text[start:end].split())


def not_a_lone_word(page: Page, doc: Doc, found: Found) -> bool:
    """One word is a content only when it stands for a clause ("said so") or is a name
    ("voted for Trump"); a quotation of one word is one."""
    start, end = found.content
    words = page.text[start:end].lower().split()
    if len(words) >= 2 or opens(page.text, start):
        return True
    if words and words[-1] in SHORT_CONTENT:
        return True
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and len(span) == 1 and span[0].pos_ == "PROPN"


def sourced_unless_passive(page: Page, doc: Doc, found: Found) -> bool:
    """An active cue needs a source; a passive one ("it was reported that") may have none."""
    if found.source is not None or found.cue_token is None:
        return True
    return passive(doc[found.cue_token])


def sourced_unless_impersonal(page: Page, doc: Doc, found: Found) -> bool:
    """As ``sourced_unless_passive``, and a bare participle ("as predicted", "as stated
    in the report") is a passive without its auxiliary."""
    if found.cue_token is not None and doc[found.cue_token].tag_ == "VBN":
        return True
    return sourced_unless_passive(page, doc, found)


def source_outside_content(page: Page, doc: Doc, found: Found) -> bool:
    """A source inside its own content is a misparse."""
    return found.source is None or not found.content[0] <= found.source[0] < found.content[1]


def sourced(page: Page, doc: Doc, found: Found) -> bool:
    return found.source is not None


def three_characters(page: Page, doc: Doc, found: Found) -> bool:
    return found.content[1] - found.content[0] >= 3


BREAK = re.compile(r"\n\s*")


def within_paragraph(page: Page, doc: Doc, found: Found) -> bool:
    """The content is in its cue's paragraph, or quotation marks carry it over."""
    text = page.text
    start, end = found.content
    quoted = opens(text, start)
    if any(not _opens_quotation(text, m.end()) for m in BREAK.finditer(text, start, end)):
        return False  # a break inside the content, not followed by a quotation mark
    if found.cue is None:
        return True
    cue_start, cue_end = found.cue
    between = text[cue_end:start] if cue_end <= start else text[end:cue_start]
    return "\n" not in between or quoted or _colon_ends(text[cue_end:start])


def _colon_ends(between: str) -> bool:
    """A colon ends the cue's paragraph: it introduces the next one ("X wrote:")."""
    return between.rstrip().endswith(":")


def _opens_quotation(text: str, at: int) -> bool:
    return at < len(text) and opens(text, at)


def not_a_non_response(page: Page, doc: Doc, found: Found) -> bool:
    """Not a response withheld: someone did not respond, declined to comment, or left
    a question open."""
    if found.cue_token is None:
        return True
    cue = doc[found.cue_token]
    lemma = cue.lemma_.lower()
    negated = any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in cue.children)
    if negated and lemma in RESPONDING:
        return False
    if lemma in REFUSING and any(_withheld(c) for c in cue.children):
        return False  # "declined to comment", found at "declined"
    return not (_withheld(cue) and cue.head.lemma_.lower() in REFUSING)  # ... at "comment"


def _withheld(tok: Token) -> bool:
    return tok.dep_ == "xcomp" and tok.lemma_.lower() in WITHHELD


SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})


def proposition(page: Page, doc: Doc, found: Found) -> bool:
    """The content is a proposition: a clause (a verb, or a subject and its predicate:
    "called it responsible"), a quotation, or a word that stands for one ("said so");
    not a bare noun phrase ("the incident was vaguely described")."""
    start, end = found.content
    if opens(page.text, start) or has_quote(page.text, start, end, page.quotes):
        return True
    words = page.text[start:end].lower().split()
    if len(words) == 1 and words[0] in SHORT_CONTENT:
        return True
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    inside = range(span.start, span.end)
    return any(
        t.pos_ in ("VERB", "AUX") or (t.dep_ in SUBJECTS and t.head.i in inside and t.head.i != t.i)
        for t in span
    )


CLASS_CHECKS: tuple[Check, ...] = (within_paragraph, not_a_non_response)
"""What every finding passes, whatever found it."""
