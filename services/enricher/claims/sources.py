"""Who a source span refers to: the entity it names, or for a pronoun the nearest entity
before it whose type the pronoun can stand for ("he" -> the last person named)."""

from __future__ import annotations

from collections.abc import Sequence

from ...core.records import ClaimSource, Entity
from .cues import PRONOUNS
from .found import Range

Mention = tuple[int, int, Entity]


def mentions(entities: Sequence[Entity]) -> list[Mention]:
    return sorted((m.start, m.end, e) for e in entities for m in e.mentions)


def resolve(
    text: str,
    span: Range,
    heads: Sequence[Range],
    found: list[Mention],
    antecedent: Range | None = None,
) -> ClaimSource:
    """The source at ``span``, whose head (and the names that modify it) are ``heads``;
    ``antecedent`` is what a relative pronoun ("who") stands for."""
    start, end = span
    words = text[start:end].lower().split()
    name = None
    if antecedent is not None:
        entity = _named([antecedent], found)
        name = text[antecedent[0] : antecedent[1]]
    elif len(words) == 1 and words[0] in PRONOUNS:
        entity = _antecedent(start, PRONOUNS[words[0]], found)
    else:
        entity = _named(heads, found)
    return ClaimSource(
        start=start,
        end=end,
        text=text[start:end],
        name=entity.name if entity else name,
        entity_id=entity.entity_id if entity else None,
    )


def _named(heads: Sequence[Range], found: list[Mention]) -> Entity | None:
    """The entity a mention of which overlaps the source's head (or its name parts)."""
    for start, end in heads:
        for m_start, m_end, entity in found:
            if m_start < end and start < m_end and entity.type not in _DESCRIPTIVE:
                return entity
    return None


_DESCRIPTIVE = {"NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY"}


def _antecedent(before: int, types: tuple[str, ...], found: list[Mention]) -> Entity | None:
    for _, m_end, entity in reversed(found):
        if m_end <= before and entity.type in types:
            return entity
    return None
