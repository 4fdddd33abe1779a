"""``newswire analyze PATH``: one article through ingest, normalize and enrich, no Kafka.

The same code as the services: the seed-file reader, the normalizer's transform and the
enricher's extractor, so what it prints is what the pipeline would publish.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .core.errors import RecordError
from .core.records import SourceState
from .enricher.analysis import analyse
from .enricher.transform import EXTRACTOR
from .ingester.files import read_seed, seed_items, source_id
from .normalizer.transform import normalize


def analyze(path: Path) -> list[dict[str, Any]]:
    """One result per item of the file (a feed file has several)."""
    now = datetime.now(UTC)
    seed = read_seed(path.parent, path)
    state = SourceState(source_id=source_id(seed.relative), kind="file", uri=seed.relative)
    items = seed_items(seed, state, now).items
    results = []
    for item in items:
        article = normalize(item)
        found = analyse(article.text, article.title, article.embeds)
        results.append(
            {
                "article": article.model_dump(mode="json"),
                "entities": [e.model_dump(mode="json") for e in found.entities],
                "claims": [c.model_dump(mode="json") for c in found.claims],
                "extractor": EXTRACTOR.model_dump(mode="json"),
            }
        )
    return results


def analyze_stdin(text: str, suffix: str = ".txt") -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"stdin{suffix}"
        path.write_text(text, encoding="utf-8")
        return analyze(path)


def show(results: list[dict[str, Any]], out: TextIO = sys.stdout) -> None:
    for result in results:
        a = result["article"]
        print(f"{a['title']}", file=out)
        print(
            f"  {a['word_count']} words, language {a['language']}, published "
            f"{a['published_at']} ({a['published_at_source']}), id {a['article_id']}",
            file=out,
        )
        for embed in a["embeds"]:
            print(
                f"  embedded post by {embed['author']} ({embed['handle']}, {embed['date']}): "
                f"{embed['text'][:80]}".replace("\n", " / "),
                file=out,
            )
        own = [e for e in result["entities"] if e.get("embed") is None]
        names = ", ".join(f"{e['name']} ({e['type']})" for e in own[:12])
        print(f"  entities: {names or '-'}", file=out)
        embedded = [e for e in result["entities"] if e.get("embed") is not None]
        if embedded:
            names = ", ".join(f"{e['name']} ({e['type']})" for e in embedded[:12])
            print(f"  entities of embedded posts: {names}", file=out)
        print(f"  claims: {len(result['claims'])}", file=out)
        for claim in result["claims"]:
            print(f"    {_claim_line(claim)}", file=out)
        print("", file=out)
        print(a["text"], file=out)


def _claim_line(claim: dict[str, Any]) -> str:
    source = claim["source"] or {}
    who = source.get("text") or "(unattributed)"
    if source.get("name") and source.get("name") != who:
        who = f"{who} [{source['name']}]"
    cue = (claim["cue"] or {}).get("text") or claim["kind"]
    content = claim["content"]["text"].replace("\n", " / ")
    if len(content) > 90:
        content = content[:89] + "\u2026"
    extra = f"  hedges: {', '.join(claim['hedges'])}" if claim["hedges"] else ""
    nested = "  (nested)" if claim["parent"] else ""
    return f"{who} | {cue} | {content}{extra}{nested}"


def main(path: str, fmt: str, out: TextIO = sys.stdout) -> int:
    try:
        results = analyze_stdin(sys.stdin.read()) if path == "-" else analyze(Path(path))
    except RecordError as exc:
        print(f"newswire analyze: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError:
        print(f"newswire analyze: {path}: no such file", file=sys.stderr)
        return 1
    if fmt == "json":
        for result in results:
            print(json.dumps(result, ensure_ascii=False), file=out)
    else:
        show(results, out)
    return 0
