"""Checks a rule's finding must pass to be a claim, each a plain function of the page, the
parse and the finding."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from .cues import SHORT_CONTENT
from .found import Found, Page
from .spans import opens
from .subjects import passive

Check = Callable[[Page, Doc, Found], bool]


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


def source_outside_content(page: Page, doc: Doc, found: Found) -> bool:
    """A source inside its own content is a misparse."""
    return found.source is None or not found.content[0] <= found.source[0] < found.content[1]


def sourced(page: Page, doc: Doc, found: Found) -> bool:
    return found.source is not None


def three_characters(page: Page, doc: Doc, found: Found) -> bool:
    return found.content[1] - found.content[0] >= 3
