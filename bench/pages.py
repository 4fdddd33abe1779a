"""Article text from web pages: newswire's normalizer next to bare trafilatura, same run.

    python -m bench.pages PATH [--limit N] [--misses]

PATH is a checkout of github.com/adbar/trafilatura (or its ``tests/`` folder): its
evaluation pages and their "with"/"without" snippets are read from there, not shipped.
Scoring: ``bench/pages_scoring.py``.

Every page is decoded once (as trafilatura decodes bytes) and the same string goes to
each system; the systems take turns page by page, so a machine that slows down or speeds
up during the run weighs on all of them alike. Each system first runs untimed over the
first five pages (loading models, compiling patterns). Rows:

* trafilatura, defaults: ``trafilatura.extract(html, url=url)``, the baseline of the
  time ratio;
* trafilatura, comments off: the same with ``include_comments=False``;
* newswire, page only: the normalizer's whole transform (``Normalizer``: extraction,
  lead, embeds, litter, metadata, language, duplicate signature) on a raw item that
  carries only the link and the page, so title, authors and date are read from the page;
* newswire, feed item: the same with the item's own title, author and date, as a feed
  gives them (the page is not searched for them); its text is the same.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from services.core import testing
from services.core.logs import configure
from services.core.records import Article, RawItem, Source, Timestamp
from services.core.transform import Record
from services.normalizer.transform import Normalizer

from .pages_scoring import Case, Tally, cases, read_page
from .table import table

System = Callable[[str, str | None], str]
NOW = datetime(2025, 1, 1, tzinfo=UTC)
RECORD = Record("raw", 0, 0, None, None)
WARM_UP = 5


def bare(html: str, url: str | None) -> str:
    return trafilatura.extract(html, url=url) or ""


def bare_without_comments(html: str, url: str | None) -> str:
    return trafilatura.extract(html, url=url, include_comments=False) or ""


def raw_item(html: str, url: str | None, from_feed: bool) -> RawItem:
    feed = (
        {
            "title": "A headline from the feed",
            "authors": ["A. Writer"],
            "published": Timestamp(raw="2025-01-01T00:00:00Z", utc=NOW),
        }
        if from_feed
        else {}
    )
    return testing.raw_item(
        at=NOW,
        item_id="page",
        source=Source(kind="feed", uri="https://feeds.example/rss"),
        link=url,
        page_html=html,
        **feed,
    )


def newswire(from_feed: bool) -> System:
    normalizer = Normalizer("news.articles")

    def run(html: str, url: str | None) -> str:
        [produced] = normalizer(raw_item(html, url, from_feed), RECORD)
        assert isinstance(produced.value, Article)
        return produced.value.text

    return run


class Row:
    def __init__(self, name: str, system: System) -> None:
        self.name, self.system = name, system
        self.tally = Tally()
        self.seconds = 0.0
        self.failures = 0
        self.empty_where_baseline_has_text = 0

    def run(self, case: Case, html: str) -> tuple[str, list[str], list[str]]:
        began = time.perf_counter()
        try:
            text = self.system(html, case.url)
        except Exception as error:  # a failure scores as an empty page, and is named once
            if not self.failures:
                print(f"{self.name}: {case.key}: {type(error).__name__}: {error}", file=sys.stderr)
            self.failures += 1
            text = ""
        self.seconds += time.perf_counter() - began
        missed, leaked = self.tally.add(case, text)
        return text, missed, leaked


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="a checkout of adbar/trafilatura")
    parser.add_argument("--limit", type=int, default=None, help="first N pages only")
    parser.add_argument(
        "--misses", action="store_true", help="list newswire's missed and leaked snippets"
    )
    args = parser.parse_args(argv)
    configure("console", "ERROR")
    corpus = cases(args.path)[: args.limit]
    rows = [
        Row(f"trafilatura {trafilatura.__version__}, defaults", bare),
        Row("trafilatura, comments off", bare_without_comments),
        Row("newswire, page only", newswire(from_feed=False)),
        Row("newswire, feed item", newswire(from_feed=True)),
    ]
    baseline, mine = rows[0], rows[2]
    print(f"{len(corpus)} pages from {args.path}", file=sys.stderr)
    for case in corpus[:WARM_UP]:  # first calls load models and compile patterns: untimed
        html = read_page(case)
        for row in rows:
            row.system(html, case.url)
    for i, case in enumerate(corpus):
        html = read_page(case)
        turn = rows[i % len(rows) :] + rows[: i % len(rows)]
        texts = {row.name: row.run(case, html) for row in turn}
        found = {name: bool(text.strip()) for name, (text, _, _) in texts.items()}
        for row in rows:
            if found[baseline.name] and not found[row.name]:
                row.empty_where_baseline_has_text += 1
        _, missed, leaked = texts[mine.name]
        if args.misses and (missed or leaked):
            print(f"\n{case.key}")
            print("".join(f"  missed: {s!r}\n" for s in missed), end="")
            print("".join(f"  leaked: {s!r}\n" for s in leaked), end="")
        if (i + 1) % 100 == 0:
            print(f"  {i + 1}/{len(corpus)} pages", file=sys.stderr)
    n = max(1, len(corpus))
    headers = ["system", "precision", "recall", "F1", "empty", "empty, baseline not", "ms/page"]
    body = [
        [
            row.name,
            f"{row.tally.precision:.3f}",
            f"{row.tally.recall:.3f}",
            f"{row.tally.f1:.3f}",
            str(row.tally.empty),
            str(row.empty_where_baseline_has_text),
            f"{1000 * row.seconds / n:.1f}",
        ]
        for row in rows
    ]
    for cells, row in zip(body, rows, strict=True):
        cells.append(f"{row.seconds / baseline.seconds:.2f}" if baseline.seconds else "-")
    print(
        f"\n{len(corpus)} pages, {baseline.tally.tp + baseline.tally.fn} 'with' and "
        f"{baseline.tally.fp + baseline.tally.tn} 'without' snippets\n"
    )
    print(table([*headers, "time ratio"], body))
    failed = [f"{row.name}: {row.failures}" for row in rows if row.failures]
    if failed:
        print("\nfailures (scored as empty pages): " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
