"""Attribution quality on PolNeAR: newswire's claims next to textacy's direct quotations.

    python -m bench.attribution PATH [--split dev] [--limit N]

PATH is a checkout of the PolNeAR corpus (github.com/networkdynamics/PolNeAR; the folder
that holds ``data/``); the corpus is read from there, not shipped. Scoring: see
``bench/attribution_scoring.py``. Tokens are those of newswire's spaCy pipeline.

PolNeAR annotates each token in at most one attribution, so a claim nested inside
another's content is not in its gold: the row "outermost claims" scores claims without a
parent (what the corpus can judge), "all claims" every claim. Embedded posts are not part
of the corpus's texts and are left out.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from services.enricher.analysis import analyse_doc
from services.enricher.pipeline import nlp

from .attribution_scoring import ROLES, Attribution, Score
from .polnear import Document, Spans, documents
from .table import table

System = Callable[[Any], list[Attribution]]


def tokens(doc: Any, spans: Iterable[tuple[int, int]]) -> frozenset[int]:
    """Indices of the non-space tokens that a character span touches."""
    out: set[int] = set()
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            out.update(t.i for t in span if not t.is_space)
    return frozenset(out)


def gold(doc: Any, document: Document) -> list[Attribution]:
    def toks(spans: Spans) -> frozenset[int]:
        return tokens(doc, spans)

    return [
        Attribution(content=toks(a.content), cue=toks(a.cue), source=toks(a.source))
        for a in document.attributions
    ]


def newswire(outermost: bool) -> System:
    def run(doc: Any) -> list[Attribution]:
        out = []
        for claim in analyse_doc(doc).claims:
            if claim.embed is not None or (outermost and claim.parent is not None):
                continue
            source = claim.source
            source_spans = (
                [(source.start, source.end)]
                if source is not None and source.start is not None and source.end is not None
                else []
            )
            cue = [(claim.cue.start, claim.cue.end)] if claim.cue else []
            out.append(
                Attribution(
                    content=tokens(doc, [(claim.content.start, claim.content.end)]),
                    cue=tokens(doc, cue),
                    source=tokens(doc, source_spans),
                )
            )
        return out

    return run


def textacy_quotes(doc: Any) -> list[Attribution]:
    """textacy refuses an article with an odd number of quotation marks: no predictions."""
    from textacy.extract.triples import direct_quotations

    try:
        quotes = list(direct_quotations(doc))
    except ValueError:
        return []
    return [
        Attribution(
            content=frozenset(t.i for t in q.content if not t.is_space),
            cue=frozenset(t.i for t in q.cue),
            source=frozenset(t.i for t in q.speaker),
        )
        for q in quotes
    ]


def evaluate(docs: Sequence[Document], systems: dict[str, System]) -> dict[str, Score]:
    scores = {name: Score() for name in systems}
    pipeline = nlp()
    texts = pipeline.pipe(d.text for d in docs)
    for i, (document, doc) in enumerate(zip(docs, texts, strict=True)):
        punctuation = frozenset(t.i for t in doc if t.is_punct or t.is_space)
        expected = gold(doc, document)
        for name, system in systems.items():
            scores[name].add(system(doc), expected, punctuation)
        if (i + 1) % 10 == 0:
            print(f"  {i + 1}/{len(docs)} articles", file=sys.stderr)
    return scores


def rows(scores: dict[str, Score]) -> list[list[str]]:
    out = []
    for name, score in scores.items():
        for role in ROLES:
            tally = score.roles[role]
            for match, (p, r, f) in (("exact", tally.exact()), ("overlap", tally.overlapping())):
                out.append([name, role, match, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}"])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="a PolNeAR checkout (the folder with data/)")
    parser.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    args = parser.parse_args(argv)
    docs = list(documents(args.path, args.split, args.limit))
    print(f"PolNeAR {args.split}: {len(docs)} articles", file=sys.stderr)
    systems: dict[str, System] = {
        "newswire, outermost claims": newswire(outermost=True),
        "newswire, all claims": newswire(outermost=False),
        "textacy 0.13 direct quotations": textacy_quotes,
    }
    started = time.perf_counter()
    scores = evaluate(docs, systems)
    seconds = time.perf_counter() - started
    print(table(["system", "role", "match", "precision", "recall", "F1"], rows(scores)))
    print()
    counts = [[n, str(s.gold), str(s.predicted)] for n, s in scores.items()]
    print(table(["system", "gold attributions", "predicted"], counts))
    print(f"\n{len(docs)} articles of PolNeAR {args.split} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
