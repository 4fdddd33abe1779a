"""Entity quality on re3d: newswire's entities next to bare spaCy NER, in the same run.

    python -m bench.entities [PATH]     (default: ../shared/corpus/re3d)

re3d's gold types are mapped onto five classes both systems can name:

| re3d | class | newswire / spaCy types |
|---|---|---|
| Person | Person | PERSON |
| Organisation | Organisation | ORG |
| Location | Location | GPE, LOC, FAC |
| Nationality | Nationality | NORP |
| Weapon, MilitaryPlatform | Weapon | WEAPON (newswire's gazetteer), PRODUCT |

Other re3d types (dates, quantities, money, vehicles, identifiers) are not scored. re3d
also marks mentions that are not names ("U.S. service members", "the Army", "rebels"),
which no name recogniser looks for: the "named" rows keep only gold mentions with a
capitalised word other than a leading "The". A leading "the" is ignored on both sides
(re3d's spans often include it). Exact: same span and class. Overlap: same class and
overlapping spans, each gold and predicted mention used once. "Bare spaCy" is the same
model's recogniser without newswire's rule layer and alias merging.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from services.enricher.analysis import analyse_doc
from services.enricher.pipeline import MODEL, nlp

from .attribution_scoring import prf
from .re3d import Document, documents
from .table import table

GOLD = {
    "Person": "Person",
    "Organisation": "Organisation",
    "Location": "Location",
    "Nationality": "Nationality",
    "Weapon": "Weapon",
    "MilitaryPlatform": "Weapon",
}
PREDICTED = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "GPE": "Location",
    "LOC": "Location",
    "FAC": "Location",
    "NORP": "Nationality",
    "WEAPON": "Weapon",
    "PRODUCT": "Weapon",
}
CLASSES = ("Person", "Organisation", "Location", "Nationality", "Weapon")
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "re3d"

Typed = tuple[int, int, str]


def strip_the(text: str, start: int, end: int) -> tuple[int, int]:
    if text[start:end].lower().startswith("the ") and end - start > 4:
        return start + 4, end
    return start, end


def named(text: str) -> bool:
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return any(w[:1].isupper() for w in words)


def gold(doc: Document, only_named: bool) -> list[Typed]:
    out = []
    for m in doc.mentions:
        cls = GOLD.get(m.type)
        if cls is None or (only_named and not named(m.text)):
            continue
        out.append((*strip_the(doc.text, m.start, m.end), cls))
    return out


def typed(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Typed]:
    out = []
    for start, end, label in spans:
        cls = PREDICTED.get(label)
        if cls is not None:
            out.append((*strip_the(text, start, end), cls))
    return out


def newswire(doc: Any) -> list[Typed]:
    entities = analyse_doc(doc).entities
    return typed(doc.text, ((m.start, m.end, e.type) for e in entities for m in e.mentions))


def bare_spacy() -> Callable[[Any], list[Typed]]:
    import spacy

    recogniser = spacy.load(MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])

    def run(doc: Any) -> list[Typed]:
        bare = recogniser(doc.text)
        return typed(doc.text, ((e.start_char, e.end_char, e.label_) for e in bare.ents))

    return run


class Tally:
    def __init__(self) -> None:
        self.exact: Counter[str] = Counter()
        self.overlap: Counter[str] = Counter()
        self.predicted: Counter[str] = Counter()
        self.gold: Counter[str] = Counter()

    def add(self, predicted: list[Typed], expected: list[Typed]) -> None:
        self.predicted.update(cls for _, _, cls in predicted)
        self.gold.update(cls for _, _, cls in expected)
        exact = set(predicted) & set(expected)
        self.exact.update(cls for _, _, cls in exact)
        used: set[Typed] = set()
        for p in predicted:
            match = next(
                (
                    g
                    for g in expected
                    if g not in used and g[2] == p[2] and p[0] < g[1] and g[0] < p[1]
                ),
                None,
            )
            if match is not None:
                used.add(match)
                self.overlap[p[2]] += 1

    def rows(self, name: str) -> list[list[str]]:
        out = []
        for cls in (*CLASSES, "micro"):
            pick: Callable[[Counter[str]], int] = _total if cls == "micro" else _one(cls)
            p, r, f = prf(pick(self.exact), pick(self.predicted), pick(self.gold))
            fo = prf(pick(self.overlap), pick(self.predicted), pick(self.gold))[2]
            out.append(
                [name, cls, str(pick(self.gold)), f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", f"{fo:.3f}"]
            )
        return out


def _total(counts: Counter[str]) -> int:
    return sum(counts.values())


def _one(cls: str) -> Callable[[Counter[str]], int]:
    return lambda counts: counts[cls]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, nargs="?", default=DEFAULT)
    args = parser.parse_args(argv)
    docs = list(documents(args.path))
    print(f"re3d: {len(docs)} documents", file=sys.stderr)
    systems = {"newswire": newswire, "bare spaCy NER": bare_spacy()}
    tallies = {(s, n): Tally() for s in systems for n in (False, True)}
    started = time.perf_counter()
    for i, (document, doc) in enumerate(zip(docs, nlp().pipe(d.text for d in docs), strict=True)):
        for name, system in systems.items():
            found = system(doc)
            for only_named in (False, True):
                tallies[(name, only_named)].add(found, gold(document, only_named))
        if (i + 1) % 20 == 0:
            print(f"  {i + 1}/{len(docs)} documents", file=sys.stderr)
    rows = []
    for (name, only_named), tally in tallies.items():
        rows += tally.rows(f"{name}, {'named' if only_named else 'all'} gold")
    headers = ["system, gold", "class", "gold", "P exact", "R exact", "F1 exact", "F1 overlap"]
    print(table(headers, rows))
    print(f"\n{len(docs)} re3d documents in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
