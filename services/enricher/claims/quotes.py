"""Quotations no cue verb reached: a cue elsewhere in the sentence, or the quotation goes on.

"“..., ” WSJ continued. “...”": the second quotation has no cue of its own; it keeps the
source and cue of the quotation just before it when nothing but that attribution's own
words (and a paragraph break) stands between them.
"""

from __future__ import annotations

from typing import Any

from .cues import SPEECH
from .found import Found, Range
from .spans import CLOSING, OPENING, text_of, token_span

MAX_GAP = 120
"""Characters between two quotations of one speaker, at most."""


def quotations(doc: Any, quotes: list[Range], found: list[Found]) -> list[Found]:
    out: list[Found] = []
    text = text_of(doc)
    for q_start, q_end in quotes:
        if len(text[q_start:q_end].split()) < 3 or _covered(q_start, q_end, found + out):
            continue
        new = _same_sentence(doc, q_start, q_end) or _continued(doc, q_start, q_end, found + out)
        if new is not None:
            out.append(new)
    return out


def _covered(start: int, end: int, found: list[Found]) -> bool:
    return any(f.content[0] <= start + 1 and end - 1 <= f.content[1] for f in found)


def _same_sentence(doc: Any, start: int, end: int) -> Found | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    for tok in span.sent:
        if start <= tok.idx < end or tok.pos_ != "VERB" or tok.lemma_.lower() not in SPEECH:
            continue
        subjects = [c for c in tok.children if c.dep_ == "nsubj"]
        if subjects:
            return Found(
                content=(start, end),
                cue=(tok.idx, tok.idx + len(tok.text)),
                lemma=tok.lemma_.lower(),
                source=token_span(subjects[0].subtree),
                source_token=subjects[0].i,
                cue_token=tok.i,
            )
    return None


def _continued(doc: Any, start: int, end: int, found: list[Found]) -> Found | None:
    text = text_of(doc)
    before = [f for f in found if f.content[1] <= start and f.cue is not None and _quoted(text, f)]
    if not before:
        return None
    last = max(before, key=lambda f: f.content[1])
    edge = max(
        last.content[1], last.cue[1] if last.cue else 0, last.source[1] if last.source else 0
    )
    if last.cue_token is not None:  # the rest of the cue's sentence: "..., she told reporters."
        edge = max(edge, doc[last.cue_token].sent.end_char)
    gap = text[edge:start]
    if len(gap) > MAX_GAP:
        return None
    if gap.strip(' \n.,\u201d"') != "":
        return None
    return Found(
        content=(start, end),
        cue=last.cue,
        lemma=last.lemma,
        source=last.source,
        source_token=last.source_token,
        cue_token=last.cue_token,
    )


def _quoted(text: str, found: Found) -> bool:
    """The finding's content opens or closes with a quotation mark: "“...,” he said",
    "He said the plan was “a disaster.”"."""
    start, end = found.content
    return text[start] in OPENING or text[end - 1] in CLOSING
