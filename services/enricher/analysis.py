"""One article's analysis: the spaCy pipeline once, then entities and claims from its Doc.

Embedded posts get the same entity pass over their own text (their entities are marked
with the post's index) and become claims of their authors.

``analyse`` is what ``newswire analyze`` and the evaluation run; the enricher service
batches articles through ``nlp.pipe`` in its workers (``workers.analyse_chunk``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.records import Claim, Embed, Entity
from ..core.settings import DEFAULTS
from .claims import extract_claims
from .entities import embed_entities, entities_from_doc
from .pipeline import nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_AUTHOR = 200
"""Characters of an embedded post's author name analysed, at most."""


@dataclass(frozen=True)
class Analysis:
    entities: list[Entity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


@dataclass(frozen=True)
class Text:
    """What the analysis reads of an article."""

    text: str
    title: str = ""
    embeds: Sequence[Embed] = ()


def analyse_doc(
    doc: Doc,
    title: str = "",
    embeds: Sequence[Embed] = (),
    max_chars: int = DEFAULTS.enricher_max_chars,
) -> Analysis:
    """Entities and claims of an article's parsed text, and of its embedded posts (each cut
    at ``max_chars`` characters, as the article's text was)."""
    entities = entities_from_doc(doc, title)
    posts = list(nlp().pipe(e.text[:max_chars] for e in embeds)) if embeds else []
    bylines = list(nlp().pipe((e.author or "")[:MAX_AUTHOR] for e in embeds)) if embeds else []
    for i, (embed, post, byline) in enumerate(zip(embeds, posts, bylines, strict=True)):
        entities += embed_entities(i, embed, post, byline)
    return Analysis(entities=entities, claims=extract_claims(doc, entities, embeds, posts))


def analyse(
    text: str,
    title: str = "",
    embeds: Sequence[Embed] = (),
    max_chars: int = DEFAULTS.enricher_max_chars,
) -> Analysis:
    return analyse_doc(nlp()(text[:max_chars]), title, embeds, max_chars)
