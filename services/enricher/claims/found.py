"""What a finder reports: character spans of one attribution, before it becomes a Claim."""

from __future__ import annotations

from dataclasses import dataclass

Range = tuple[int, int]


@dataclass(frozen=True)
class Page:
    """An article's text as the finders read it: the text and its quotations."""

    text: str
    quotes: list[Range]


@dataclass
class Found:
    content: Range
    rule: str
    """The name of the rule that found it (``rules.py``, or a text-level finder's)."""
    cue: Range | None = None
    lemma: str | None = None
    source: Range | None = None
    source_token: int | None = None
    """Index of the source's head token (entity linking, pronoun resolution)."""
    according: bool = False
    cue_token: int | None = None
