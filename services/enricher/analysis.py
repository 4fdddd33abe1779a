"""One article's analysis: the spaCy pipeline once, then entities and claims from its Doc.

``analyse`` is what ``newswire analyze`` and the evaluation run; the enricher service
batches articles through ``nlp.pipe`` in its workers (``workers.analyse_chunk``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.records import Claim, Embed, Entity
from ..core.settings import DEFAULTS
from .claims import extract_claims
from .entities import entities_from_doc
from .pipeline import nlp


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


def analyse_doc(doc: Any, title: str = "", embeds: Sequence[Embed] = ()) -> Analysis:
    entities = entities_from_doc(doc, title)
    return Analysis(entities=entities, claims=extract_claims(doc, entities, embeds))


def analyse(
    text: str,
    title: str = "",
    embeds: Sequence[Embed] = (),
    max_chars: int = DEFAULTS.enricher_max_chars,
) -> Analysis:
    return analyse_doc(nlp()(text[:max_chars]), title, embeds)
