"""Quotations no cue verb reached: a cue elsewhere in the sentence, or the quotation goes on.

"“..., ” WSJ continued. “...”": the second quotation has no cue of its own; it keeps the
source and cue of the quotation just before it when nothing but that attribution's own
words (and a paragraph break) stands between them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .cues import SPEECH, TITLE_LOWER
from .found import Found, Page
from .spans import closes, opens, text_of, token_span
from .subjects import quoted_apart

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_GAP = 120
"""Characters between two quotations of one speaker, at most."""


IN_SENTENCE = "quote-cue-in-sentence"
SIGNED_AFTER = "quote-cue-after"
CONTINUED = "quote-continued"


def quotations(doc: Doc, page: Page, found: list[Found]) -> list[Found]:
    out: list[Found] = []
    text = page.text
    for q_start, q_end in page.quotes:
        words = text[q_start:q_end].split()
        if len(words) < 3 or _title(words) or _covered(q_start, q_end, found + out):
            continue
        new = (
            _same_sentence(doc, q_start, q_end)
            or _signed_after(doc, q_start, q_end)
            or _continued(doc, q_start, q_end, found + out)
        )
        if new is not None:
            out.append(new)
    return out


TITLE_WORDS = 8
"""Quotations of at most this many words, all capitalised, are titles ("“Fox News Sunday”")."""


def _title(words: list[str]) -> bool:
    """A title in quotation marks: a show, a book, a slogan; not someone's words."""
    letters = [w.strip("\u201c\u201d\"'\u2018\u2019,.:;!?") for w in words]
    return len(words) <= TITLE_WORDS and all(
        w[:1].isupper() or w in TITLE_LOWER for w in letters if w
    )


def _covered(start: int, end: int, found: list[Found]) -> bool:
    return any(f.content[0] <= start + 1 and end - 1 <= f.content[1] for f in found)


def _same_sentence(doc: Doc, start: int, end: int) -> Found | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    for tok in span.sent:
        if start <= tok.idx < end or tok.pos_ != "VERB" or tok.lemma_.lower() not in SPEECH:
            continue
        subjects = [c for c in tok.children if c.dep_ == "nsubj" and not quoted_apart(c, tok)]
        if subjects:
            return Found(
                content=(start, end),
                rule=IN_SENTENCE,
                cue=(tok.idx, tok.idx + len(tok.text)),
                lemma=tok.lemma_.lower(),
                source=token_span(subjects[0].subtree),
                source_token=subjects[0].i,
                cue_token=tok.i,
            )
    return None


SIGNATURE_REACH = 12
"""Tokens after a quotation in which its cue verb is looked for ("..., Ramos, 58, told")."""


def _signed_after(doc: Doc, start: int, end: int) -> Found | None:
    """A cue verb right after the quotation that the parser did not join to it: "“...?”
    Trump told reporters", "“...,” Ramos, 58, told me". The source is the verb's subject,
    else the words between the quotation and the verb."""
    text = text_of(doc)
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    after = [t for t in doc[_token_at(doc, end) :] if t.idx < line_end][:SIGNATURE_REACH]
    verb = next((t for t in after if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.lemma_.lower() not in SPEECH or verb.idx < end:
        return None
    between = [t for t in after if t.i < verb.i and not (t.is_punct or t.is_space)]
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and not c.is_punct]
    if subjects and subjects[0].idx >= end:
        head = subjects[0]
        names = [t for t in head.subtree if t.i < verb.i] or list(head.subtree)
        names = [t for t in names if not (t.is_punct or t.is_space)] or [head]
    elif between and between[0].pos_ in ("PROPN", "PRON", "NOUN", "DET"):
        names = between
        head = max(names, key=lambda t: (t.pos_ in ("PROPN", "PRON"), -t.i))
    else:
        return None
    return Found(
        content=(start, end),
        rule=SIGNED_AFTER,
        cue=(verb.idx, verb.idx + len(verb.text)),
        lemma=verb.lemma_.lower(),
        source=token_span(names),
        source_token=head.i,
        cue_token=verb.i,
    )


def _token_at(doc: Doc, offset: int) -> int:
    """Index of the first token that starts at or after ``offset``."""
    span = doc.char_span(offset, len(text_of(doc)), alignment_mode="expand")
    return int(span.start) if span is not None else len(doc)


def _continued(doc: Doc, start: int, end: int, found: list[Found]) -> Found | None:
    """The quotation goes on from the last quoted finding before it, or follows the
    paraphrase just before it ("He said the plan failed. “It was doomed.”"): only that
    attribution's sentence (and spaces, or for a quoted one its closing marks) between."""
    text = text_of(doc)
    before = [f for f in found if f.content[1] <= start and f.cue is not None]
    quoted = [f for f in before if _quoted(text, f)]
    for candidates, loose in ((quoted, True), (before, False)):
        if not candidates:
            continue
        last = max(candidates, key=lambda f: f.content[1])
        gap = text[_edge(doc, last) : start]
        rest = gap.strip(' \n.,\u201d"') if loose else gap.strip()
        if len(gap) <= MAX_GAP and rest == "" and (loose or last.source is not None):
            return replace(last, content=(start, end), rule=CONTINUED, according=False)
    return None


def _edge(doc: Doc, found: Found) -> int:
    """Where an attribution's own words end: the rest of its cue's sentence included
    ("..., she told reporters.")."""
    edge = max(
        found.content[1],
        found.cue[1] if found.cue else 0,
        found.source[1] if found.source else 0,
    )
    if found.cue_token is not None:
        edge = max(edge, doc[found.cue_token].sent.end_char)
    return edge


def _quoted(text: str, found: Found) -> bool:
    """The finding's content opens or closes with a quotation mark: "“...,” he said",
    "He said the plan was “a disaster.”"."""
    start, end = found.content
    return opens(text, start) or closes(text, end)
