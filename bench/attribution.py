"""Attribution quality on PolNeAR: newswire's claims next to textacy's direct quotations.

    python -m bench.attribution PATH [--split dev] [--limit N]

PATH is a checkout of the PolNeAR corpus (github.com/networkdynamics/PolNeAR; the folder
that holds ``data/``); the corpus is read from there, not shipped. Scoring: see
``bench/attribution_scoring.py``. Tokens are those of newswire's spaCy pipeline.

PolNeAR annotates each token in at most one attribution, so a claim nested inside
another's content is not in its gold: the row "outermost claims" scores claims without a
parent (what the corpus can judge), "all claims" every claim. Embedded posts are not part
of the corpus's texts and are left out.

A second table measures how far PolNeAR's annotators agree with each other, on the
articles of the split that all of them annotated: each annotator is scored against each
other one as if it were a system, and newswire against each of them, with the same
scoring. No system can be judged more finely than its gold's annotators agree.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from services.enricher.analysis import analyse_doc
from services.enricher.claims import RULE_NAMES
from services.enricher.pipeline import nlp

from .attribution_scoring import ROLES, Attribution, Score, Tally
from .polnear import Document, GoldAttribution, Panel, Spans, documents, panels
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


def punctuation(doc: Any) -> frozenset[int]:
    return frozenset(t.i for t in doc if t.is_punct or t.is_space)


def gold(doc: Any, attributions: Sequence[GoldAttribution]) -> list[Attribution]:
    def toks(spans: Spans) -> frozenset[int]:
        return tokens(doc, spans)

    return [
        Attribution(content=toks(a.content), cue=toks(a.cue), source=toks(a.source))
        for a in attributions
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
                    rule=claim.rule,
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


Judged = tuple[list[Attribution], list[Attribution], frozenset[int]]
"""One article: a system's attributions, the gold ones and the punctuation tokens."""


def evaluate(
    docs: Sequence[Document], systems: dict[str, System], keep: str | None = None
) -> tuple[dict[str, Score], list[Judged]]:
    """Every system's score; and for the system named ``keep``, each article's
    attributions and gold (to score them again by rule)."""
    scores = {name: Score() for name in systems}
    kept: list[Judged] = []
    pipeline = nlp()
    texts = pipeline.pipe(d.text for d in docs)
    for i, (document, doc) in enumerate(zip(docs, texts, strict=True)):
        expected = gold(doc, document.attributions)
        marks = punctuation(doc)
        for name, system in systems.items():
            predicted = system(doc)
            scores[name].add(predicted, expected, marks)
            if name == keep:
                kept.append((predicted, expected, marks))
        if (i + 1) % 10 == 0:
            print(f"  {i + 1}/{len(docs)} articles", file=sys.stderr)
    return scores, kept


def by_rule(judged: Sequence[Judged]) -> dict[str, Score]:
    """One score per rule: its own claims against all of the gold, so that its precision
    is its own and its recall the share of the gold it finds."""
    rules = [r for r in RULE_NAMES if any(p.rule == r for found, _, _ in judged for p in found)]
    scores = {rule: Score() for rule in rules}
    for found, expected, marks in judged:
        for rule, score in scores.items():
            score.add([p for p in found if p.rule == rule], expected, marks)
    return scores


RULE_HEADERS = ["rule", "claims", "content overlap P", "R", "content exact P", "R"]
RULE_HEADERS += ["cue exact P", "R", "source exact P", "R"]


def rule_rows(scores: dict[str, Score]) -> list[list[str]]:
    out = []
    for rule, score in scores.items():
        roles = score.roles
        figures = [
            roles["content"].overlapping(),
            roles["content"].exact(),
            roles["cue"].exact(),
            roles["source"].exact(),
        ]
        out.append(
            [rule, str(score.predicted)] + [f"{x:.3f}" for p, r, _ in figures for x in (p, r)]
        )
    return out


def agreement(articles: Sequence[Panel], system: System) -> dict[str, Score]:
    """Annotators scored against each other, and ``system`` against each annotator."""
    humans, machine = Score(), Score()
    pipeline = nlp()
    for panel, doc in zip(articles, pipeline.pipe(a.text for a in articles), strict=True):
        marks = punctuation(doc)
        annotations = [gold(doc, a) for a in panel.annotators.values()]
        predicted = system(doc)
        for i, expected in enumerate(annotations):
            machine.add(predicted, expected, marks)
            for j, other in enumerate(annotations):
                if i != j:
                    humans.add(other, expected, marks)
    return {"annotators, each against each other": humans, "newswire against each": machine}


OUTERMOST = "newswire, outermost claims"
HEADERS = ["system", "role", "match", "precision", "recall", "F1"]
MATCHES = (("exact", Tally.exact), ("overlap", Tally.overlapping), ("paired", Tally.paired))


def rows(scores: dict[str, Score]) -> list[list[str]]:
    out = []
    for name, score in scores.items():
        for role in ROLES:
            tally = score.roles[role]
            for match, measure in MATCHES:
                p, r, f = measure(tally)
                out.append([name, role, match, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}"])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="a PolNeAR checkout (the folder with data/)")
    parser.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("textacy") is None:
        raise SystemExit(
            "bench.attribution: textacy, its baseline, is not installed: "
            "pip install -e '.[bench]' (make eval does)"
        )
    docs = list(documents(args.path, args.split, args.limit))
    print(f"PolNeAR {args.split}: {len(docs)} articles", file=sys.stderr)
    systems: dict[str, System] = {
        OUTERMOST: newswire(outermost=True),
        "newswire, all claims": newswire(outermost=False),
        "textacy 0.13 direct quotations": textacy_quotes,
    }
    started = time.perf_counter()
    scores, judged = evaluate(docs, systems, keep=OUTERMOST)
    seconds = time.perf_counter() - started
    print(table(HEADERS, rows(scores)))
    print(f"\nBy rule ({OUTERMOST}; R is the share of the gold that the rule finds):")
    print(table(RULE_HEADERS, rule_rows(by_rule(judged))))
    print()
    counts = [[n, str(s.gold), str(s.predicted)] for n, s in scores.items()]
    print(table(["system", "gold attributions", "predicted"], counts))
    print(f"\n{len(docs)} articles of PolNeAR {args.split} in {seconds:.0f} s")
    shared = list(panels(args.path, args.split))
    if shared:
        sizes = sorted({len(article.annotators) for article in shared})
        each = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]} to {sizes[-1]}"
        print(f"\nAgreement: {len(shared)} articles of {args.split}, {each} annotators each")
        print(table(HEADERS, rows(agreement(shared, systems[OUTERMOST]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
