"""Where the normalizer's time per page goes, step by step, next to bare trafilatura.

    python -m bench.pages_profile PATH [--every 1]

PATH as for ``bench.pages`` (a checkout of adbar/trafilatura). For each page (every Nth
with ``--every``), in the same run: ``trafilatura.extract(html, url=url)`` (defaults),
the normalizer's whole transform on a raw item that carries only the link and the page,
then each of its steps again, timed alone, in the order the transform runs them (a step
reads only what the steps above it left: the parsed page, the extracted text). The steps
run right after the whole transform ran on the same page, with warmer caches: their sum
comes out below the whole, whose figure is the one to compare.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import trafilatura

from services.core.logs import configure
from services.normalizer.canonical import canonical_url
from services.normalizer.dedup import near_signature
from services.normalizer.extract import Page
from services.normalizer.language import detect_language

from .pages import WARM_UP, bare, newswire
from .pages_scoring import cases, read_page
from .table import table

STEPS = [
    ("parse, embedded posts cut out", "parse"),
    ("metadata from <meta> and JSON-LD", "meta"),
    ("main-content extraction (trafilatura)", "extract"),
    ("locating the text in the page", "locate"),
    ("the lead", "lead"),
    ("links and images, canonical", "links"),
    ("canonical link, title", "canonical"),
    ("authors (byline search when needed)", "authors"),
    ("date (htmldate)", "date"),
    ("language (lingua)", "language"),
    ("near-duplicate signature", "simhash"),
]


def steps(html: str, url: str | None, clock: Callable[[str, Callable[[], object]], None]) -> None:
    page: list[Page] = []
    clock("parse", lambda: page.append(Page(html, url)))
    found = page[0]
    clock("meta", lambda: found.meta)
    clock("extract", lambda: found.main_text)
    clock("locate", lambda: (found.index, found.anchors, found.region))
    clock("lead", lambda: found.text)
    clock("links", lambda: [canonical_url(u, url) for u in found.links + found.images])
    clock("canonical", lambda: (found.canonical_url, found.title))
    clock("authors", lambda: found.authors)
    clock("date", lambda: found.published)
    clock("language", lambda: detect_language(found.text))
    clock("simhash", lambda: near_signature(found.text))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="a checkout of adbar/trafilatura")
    parser.add_argument("--every", type=int, default=1, help="every Nth page only")
    args = parser.parse_args(argv)
    configure("console", "ERROR")
    corpus = cases(args.path)[:: args.every]
    whole = newswire(from_feed=False)
    seconds: dict[str, float] = dict.fromkeys(["bare", "whole", *(k for _, k in STEPS)], 0.0)

    def clock(name: str, step: Callable[[], object]) -> None:
        began = time.perf_counter()
        step()
        seconds[name] += time.perf_counter() - began

    for case in corpus[:WARM_UP]:
        html = read_page(case)
        bare(html, case.url)
        whole(html, case.url)
    print(f"{len(corpus)} pages from {args.path}", file=sys.stderr)
    for i, case in enumerate(corpus):
        html = read_page(case)
        clock("bare", partial(bare, html, case.url))
        clock("whole", partial(whole, html, case.url))
        steps(html, case.url, clock)
        if (i + 1) % 100 == 0:
            print(f"  {i + 1}/{len(corpus)} pages", file=sys.stderr)
    n, base = max(1, len(corpus)), seconds["bare"] or 1.0
    rows = [
        [f"trafilatura {trafilatura.__version__}, defaults", seconds["bare"], base],
        ["newswire, page only: the whole transform", seconds["whole"], base],
        *([f"  step: {label}", seconds[key], base] for label, key in STEPS),
    ]
    print(f"\n{len(corpus)} pages, one process\n")
    print(
        table(
            ["step", "ms/page", "of trafilatura's time"],
            [[label, f"{1000 * s / n:.2f}", f"{s / b:.3f}"] for label, s, b in rows],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
