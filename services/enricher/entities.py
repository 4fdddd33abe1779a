"""Entities: spaCy NER, corrected by a rule layer, aliases merged within the article.

The statistical recogniser of ``en_core_web_sm`` 3.8.0 (``pipeline.py``) is followed by an
entity ruler whose gazetteer (``gazetteer.py``) fixes what it gets wrong on news of this
kind: weapon systems (type ``WEAPON``) and places it takes for people or products. Page
litter is dropped, possessives trimmed ("North Korea\u2019s" -> "North Korea"), and within
one article a surname joins its full name ("Kirby" -> "John Kirby"), an acronym its name
("WSJ" -> "The Wall Street Journal"), and a plural its singular ("Storm Shadows" -> "Storm
Shadow").

Types: PERSON, NORP (nationalities, groups), FAC, ORG, GPE (countries, cities, regions),
LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE, DATE, TIME, PERCENT, MONEY, QUANTITY,
ORDINAL, CARDINAL (spaCy's OntoNotes set) and WEAPON (newswire's gazetteer).

An embedded post gets the same pass over its own text (``embed_entities``): its entities
are marked with the post's index, their mentions index the post's text, and its author
(named by the byline, outside the text) is one of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.ids import stable_id
from ..core.records import Embed, Entity, Span
from .gazetteer import PLACES, WEAPONS
from .pipeline import nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc

NUMERIC = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
LITTER = {"loading", "advertisement", "share", "subscribe", "read more"}


@dataclass
class _Found:
    name: str
    type: str
    spans: list[tuple[int, int]] = field(default_factory=list)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    for suffix in ("\u2019s", "'s", "\u2019", "'"):
        if span.endswith(suffix) and len(span) > len(suffix) + 1:
            return start, end - len(suffix)
    return start, end


def _initials(name: str) -> str:
    words = [
        w for w in name.replace("-", " ").split() if w.lower() not in {"the", "of", "and", "for"}
    ]
    return "".join(w[0] for w in words if w[0].isupper())


def extract_entities(text: str, title: str = "") -> list[Entity]:
    """Entities of ``text`` (runs the whole pipeline; ``entities_from_doc`` reuses a Doc)."""
    return entities_from_doc(nlp()(text), title)


def entities_from_doc(doc: Doc, title: str = "", embed: int | None = None) -> list[Entity]:
    """The entities of a parsed text: an article's, or the embedded post ``embed``'s."""
    text: str = doc.text
    found: dict[tuple[str, str], _Found] = {}
    for ent in doc.ents:
        if ent.label_ in NUMERIC:
            continue
        start, end = _trim(text, ent.start_char, ent.end_char)
        surface = text[start:end].strip()
        if not surface or surface.lower() in LITTER:
            continue
        name = ent.ent_id_ or surface
        found.setdefault((name, ent.label_), _Found(name, ent.label_)).spans.append((start, end))
    merged = _merge_aliases(found)
    return _entities(merged, text, title, embed)


BYLINE_SALIENCE = 0.3 + 0.3 * 1 / 5
"""An author's salience: named once, at the start of the post (and not in the title)."""


def embed_entities(index: int, embed: Embed, post: Doc, byline: Doc | None) -> list[Entity]:
    """The entities of embedded post ``index`` (``post`` is its parsed text), and its
    author, typed by what the recogniser makes of the byline (``byline``: the author's
    name parsed) when it is one entity, else a person."""
    entities = entities_from_doc(post, embed=index)
    author = (embed.author or "").strip()
    if not author:
        return entities
    label = "PERSON"
    if byline is not None and len(byline.ents) == 1 and byline.ents[0].text == author:
        label = byline.ents[0].label_ if byline.ents[0].label_ not in NUMERIC else label
    for i, entity in enumerate(entities):
        if (entity.name, entity.type) == (author, label):  # the post names its author too
            entities[i] = entity.model_copy(update={"count": entity.count + 1})
            return entities
    entities.append(
        Entity(
            entity_id=entity_id(label, author, index),
            name=author,
            type=label,
            mentions=[],
            count=1,
            salience=round(BYLINE_SALIENCE, 4),
            embed=index,
        )
    )
    return entities


def entity_id(type_: str, name: str, embed: int | None = None) -> str:
    """Stable within the article; an embedded post's entities are its own."""
    if embed is None:
        return stable_id(type_, name)
    return stable_id(type_, name, "embed", str(embed))


def _merge_aliases(found: dict[tuple[str, str], _Found]) -> list[_Found]:
    by_name: dict[str, list[_Found]] = defaultdict(list)
    for f in found.values():
        by_name[f.name].append(f)
    # One type per name: the one with most mentions (the gazetteer's wins over the model's).
    entities: dict[str, _Found] = {}
    for name, variants in by_name.items():
        variants.sort(
            key=lambda f: (
                f.type in ("WEAPON", "GPE") and f.name in PLACES + list(WEAPONS),
                len(f.spans),
            ),
            reverse=True,
        )
        best = _Found(name, variants[0].type)
        for v in variants:
            best.spans += v.spans
        entities[name] = best
    names = list(entities)
    for name in names:
        entity = entities.get(name)
        if entity is None:
            continue
        target = _alias_target(entity, entities)
        if target is not None:
            target.spans += entity.spans
            del entities[name]
    return list(entities.values())


def _alias_target(entity: _Found, entities: dict[str, _Found]) -> _Found | None:
    for other in entities.values():
        if other is entity:
            continue
        if (
            entity.type == "PERSON" == other.type
            and " " not in entity.name
            and other.name.split()[-1] == entity.name
        ):
            return other
        if (
            entity.name.isupper()
            and 2 <= len(entity.name) <= 6
            and other.type == "ORG"
            and entity.type == "ORG"
            and _initials(other.name) == entity.name
        ):
            return other
    return None


def _entities(found: list[_Found], text: str, title: str, embed: int | None) -> list[Entity]:
    out = []
    length = max(1, len(text))
    for f in found:
        spans = sorted(set(f.spans))
        first = spans[0][0]
        in_title = 1.0 if title and f.name.lower() in title.lower() else 0.0
        salience = 0.4 * in_title + 0.3 * (1 - first / length) + 0.3 * min(1.0, len(spans) / 5)
        out.append(
            Entity(
                entity_id=entity_id(f.type, f.name, embed),
                name=f.name,
                type=f.type,
                mentions=[Span(start=s, end=e, text=text[s:e]) for s, e in spans],
                count=len(spans),
                salience=round(min(1.0, salience), 4),
                embed=embed,
            )
        )
    return sorted(out, key=lambda e: -e.salience)
