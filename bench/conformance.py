"""newswire's feed reading against another parser's conformance suite, field by field.

    python -m bench.conformance [--suite PATH] [--deviations] [--quiet]

Every case of gofeed's ``testdata/`` (``../shared/corpus/feeds-conformance/gofeed``, or
``--suite``: the ``testdata`` folder of a checkout of github.com/mmcdole/gofeed) goes
through newswire's parse and adapter as a file of the seeds folder is read (no fetch URL:
relative links resolve against ``xml:base`` and the feed's own link), and each field that
newswire publishes is compared with the expectation (``bench/conformance_suite.py``):
the format, the feed's title and link, the number of items, and per item its title, link,
id, published and updated dates, authors, categories, enclosures, content and summary.

A field of a case counts when either side has a value. It agrees, or deviates on purpose
(a rule of newswire's that explains this very difference: titles and names as plain
text, sanitised HTML, only http(s) URLs), or differs. The table gives each field's counts
and its agreement (agreeing and deviating on purpose, over all compared); every
difference is listed after it (``--deviations`` lists the deliberate ones too).
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.core.ids import stable_id
from services.core.records import RawItem, Source, SourceState
from services.ingester.identity import distinct, item_key
from services.ingester.items import FetchContext, raw_items, well_formed_item
from services.ingester.parsers import FeedParseError, ParsedFeed, parse_feed

from .conformance_suite import FIELDS, GOFEED, ITEM_FIELDS, Case, View, cases, expected, present
from .conformance_suite import verdict as judge
from .table import table


@dataclass(frozen=True)
class Finding:
    case: str
    field: str
    verdict: str
    rule: str
    ours: Any
    theirs: Any


@dataclass
class Report:
    cases: int = 0
    findings: list[Finding] = field(default_factory=list)

    def counts(self, name: str) -> Counter[str]:
        return Counter(f.verdict for f in self.findings if f.field == name)

    def agreement(self, name: str) -> float:
        """Share of the compared values that agree or deviate on purpose."""
        c = self.counts(name)
        compared = sum(c.values())
        return (c["agree"] + c["deviation"]) / compared if compared else 1.0

    def differences(self) -> list[Finding]:
        return [f for f in self.findings if f.verdict == "differ"]


def _item(raw: RawItem, guid: str | None) -> dict[str, Any]:
    return {
        "title": raw.title,
        "link": raw.link,
        "id": guid,
        "published": raw.published.utc,
        "updated": raw.updated.utc,
        "authors": raw.authors,
        "categories": raw.categories,
        "enclosures": [e.url for e in raw.enclosures],
        "content": raw.content_html,
        "summary": raw.summary_html,
    }


def newswire(path: Path) -> View:
    """What newswire makes of one document, read as a seeds-folder file is."""
    try:
        feed: ParsedFeed = parse_feed(path.read_bytes())
    except FeedParseError:
        return View("refused")
    state = SourceState(source_id="conformance", kind="file", uri=path.name)
    context = FetchContext(Source(kind="file", uri=path.name), datetime.now(UTC), None)
    adapted = raw_items(feed, state, context, seen_limit=10_000)
    entries = [(item_key(w), w) for w in map(well_formed_item, feed.items)]
    guids = {stable_id("item", state.source_id, k): i.guid for k, i in distinct(entries)[0]}
    view = View(feed.format, {"feed title": feed.title, "feed link": feed.link})
    view.items = [_item(raw, guids.get(raw.item_id)) for raw in adapted.items]
    return view


def compare(case: Case, ours: View, theirs: View) -> list[Finding]:
    out = [Finding(case.name, "format", *judge("format", ours.format, theirs.format), ours.format,
                   theirs.format)]  # fmt: skip
    if case.model == "format" or "refused" in (theirs.format, ours.format):
        return out
    for name in ("feed title", "feed link"):
        mine, other = ours.feed.get(name), theirs.feed.get(name)
        if present(mine) or present(other):
            out.append(Finding(case.name, name, *judge(name, mine, other), mine, other))
    n, m = len(ours.items), len(theirs.items)
    if n or m:
        out.append(Finding(case.name, "items", *judge("items", n, m), n, m))
    for index in range(max(n, m)):
        mine_item = ours.items[index] if index < n else {}
        other_item = theirs.items[index] if index < m else {}
        for name in ITEM_FIELDS:
            mine, other = mine_item.get(name), other_item.get(name)
            if present(mine) or present(other):
                where = f"{case.name} [{index}]"
                mine = mine if present(mine) else ([] if isinstance(other, list) else None)
                other = other if present(other) else ([] if isinstance(mine, list) else None)
                found = judge(name, mine, other, other_item)
                out.append(Finding(where, name, *found, mine, other))
    return out


def run(root: Path = GOFEED) -> Report:
    report = Report()
    for case in cases(root):
        report.cases += 1
        report.findings += compare(case, newswire(case.path), expected(case))
    return report


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    shown = repr(value)
    return shown if len(shown) <= 90 else shown[:87] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", type=Path, default=GOFEED, help="gofeed's testdata folder")
    parser.add_argument("--deviations", action="store_true", help="list deliberate ones too")
    parser.add_argument("--quiet", action="store_true", help="the table only")
    args = parser.parse_args()
    if not args.suite.is_dir():
        raise SystemExit(f"no conformance suite at {args.suite}: pass --suite PATH")
    report = run(args.suite)
    rows = []
    for name in FIELDS:
        c = report.counts(name)
        compared = sum(c.values())
        rows.append([
            name, str(compared), str(c["agree"]), str(c["deviation"]), str(c["differ"]),
            f"{report.agreement(name):.1%}",
        ])  # fmt: skip
    print(f"{report.cases} cases of {args.suite}\n")
    print(table(["field", "compared", "agree", "deviation", "differ", "agreement"], rows))
    if args.quiet:
        return
    shown = [f for f in report.findings if f.verdict == "differ" or args.deviations]
    print(f"\n{len(shown)} {'findings' if args.deviations else 'differences'}:")
    for f in shown:
        rule = f" ({f.rule})" if f.rule else ""
        print(f"- {f.case} {f.field}: {f.verdict}{rule}")
        print(f"    newswire: {_shown(f.ours)}")
        print(f"    expected: {_shown(f.theirs)}")


if __name__ == "__main__":
    main()
