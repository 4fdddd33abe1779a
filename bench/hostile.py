"""Hostile inputs, each class through the function the ingester runs on it: outcome, time,
peak traced memory, against a healthy input of the same kind and about the same size
measured in the same run.

Feeds go through ``parse_feed`` and the adapter (``raw_items``), seed folders through
``SeedFolder.scan``, an oversized item through the record-size check, hostile HTML through
the sanitizer. Time is the median of ``--rounds`` runs (wall clock, so a loaded machine
shows in it); memory is the peak that ``tracemalloc`` traced in one run.

    python -m bench.hostile [--rounds 3]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from services.core.records import RawItem, Source, SourceState
from services.core.testing import raw_item
from services.core.transform import Output
from services.ingester.items import FetchContext, raw_items
from services.ingester.parsers import FeedParseError, parse_feed
from services.ingester.sanitize import sanitize_html
from services.ingester.seeds import SeedFolder
from services.ingester.sizing import fitted

from .table import table

NOW = datetime(2024, 10, 22, tzinfo=UTC)
ENTITY = '<!ENTITY a "' + "x" * 5000 + '">'
REFS = "&a;" * 10_000
JSONFEED = '"version": "https://jsonfeed.org/version/1.1"'


def rss(doctype: str = "", description: str = "Body.", declaration: str = "") -> str:
    return (
        f"{declaration}{doctype}<rss version='2.0'><channel><title>t</title><item><guid>1"
        "</guid><title>t</title><link>https://news.example/1</link>"
        f"<description>{description}</description></item></channel></rss>"
    )


def feed_outcome(body: bytes) -> str:
    try:
        feed = parse_feed(body)
    except FeedParseError as exc:
        return f"refused: {str(exc)[:44]}"
    state = SourceState(source_id="s", kind="feed", uri="https://news.example/feed")
    context = FetchContext(Source(kind="feed", uri="u"), NOW, None, base="https://news.example/")
    adapted = raw_items(feed, state, context, seen_limit=2000)
    return f"{len(feed.items)} entries read, {len(adapted.items)} items"


def measure(work: Callable[[], str], rounds: int) -> tuple[str, float, float]:
    tracemalloc.start()
    outcome = work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return outcome, statistics.median(times), peak / 2**20


def seeds_work(build: Callable[[Path], None]) -> Callable[[], str]:
    """A scan of a folder made once by ``build`` (files settled); removed at exit."""
    root = Path(tempfile.mkdtemp(prefix="newswire-bench-"))
    build(root)
    then = time.time() - 60
    for entry in root.iterdir():
        os.utime(entry, (then, then), follow_symlinks=False)

    def remove() -> None:
        _remove_deep(root)
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(remove)

    def work() -> str:
        changes = list(SeedFolder(root).scan(NOW, lambda _: None))
        errors = sum(1 for c in changes if c.error is not None)
        return f"{sum(len(c.items) for c in changes)} items, {errors} refused"

    return work


def _remove_deep(root: Path) -> None:
    chain, path = [], str(root / "d")
    while os.path.isdir(path):
        chain.append(path)
        path = os.path.join(path, "d")
    for folder in reversed(chain):
        for name in os.listdir(folder):
            if not os.path.isdir(os.path.join(folder, name)):
                os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def hostile_folder(root: Path) -> None:
    for name, meta in {
        "title-list.md": "title: [a, b]",
        "url-int.md": "url: 12345",
        "deep.md": "x: " + "[" * 100_000 + "]" * 100_000,
        "date.md": "date: 2024-13-45",
    }.items():
        (root / name).write_text(f"---\n{meta}\n---\nA story.\n")
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (root / "surrogate.json").write_text('{"title": "\\ud800", "text": "t"}')
    (root / "undefined.xml").write_text(
        rss(declaration='<?xml version="1.0" encoding="undefined"?>')
    )
    (root / "loop.txt").symlink_to(root / "loop.txt")
    os.mkfifo(root / "pipe")
    (root / "to-pipe.md").symlink_to(root / "pipe")
    folder = str(root)
    for _ in range(1100):
        folder = os.path.join(folder, "d")
        os.mkdir(folder)
    (Path(folder) / "bottom.txt").write_text("deep")


def healthy_folder(root: Path) -> None:
    for i in range(10):
        (root / f"story{i}.md").write_text(f"---\ntitle: Story {i}\n---\nA story.\n")


def _encode(item: RawItem) -> Output:
    return Output(
        topic="news.raw", key=item.item_id.encode(), value=item.model_dump_json().encode()
    )


def item(page_chars: int) -> RawItem:
    return raw_item(
        at=NOW, link="https://news.example/a", page_html="<p>" + "x" * page_chars + "</p>"
    )


def _feed(body: str | bytes) -> Callable[[], str]:
    data = body.encode() if isinstance(body, str) else body
    return lambda: feed_outcome(data)


def _size(body: str | bytes) -> str:
    size = len(body.encode() if isinstance(body, str) else body)
    return f"{size / 1000:,.0f} KB" if size < 1_000_000 else f"{size / 1e6:,.1f} MB"


def _fit(chars: int) -> Callable[[], str]:
    return lambda: str(fitted(item(chars), _encode).note)[:40]


def _clean(html: str) -> Callable[[], str]:
    return lambda: f"{len(sanitize_html(html) or '')} chars"


def cases() -> list[tuple[str, str, Callable[[], str], Callable[[], str]]]:
    """(class, input, hostile work, healthy work of the same kind and about the size)."""
    quoted = rss(f'<!DOCTYPE rss SYSTEM "x>y" [ {ENTITY} ]>', REFS)
    commented = rss(f"<!DOCTYPE rss [ <!-- ]> --> {ENTITY} ]>", REFS)
    plain = rss(description="x" * len(REFS))
    utf32 = '<?xml version="1.0" encoding="UTF-32"?>'
    wide = rss(f"<!DOCTYPE rss [ {ENTITY} ]>", "&a;" * 1000, utf32).encode("utf-32")
    wide_plain = rss(description="x" * 8000, declaration=utf32).encode("utf-32")
    deep = "{" + JSONFEED + ', "items": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    flat = "{" + JSONFEED + ', "items": [' + '{"id": "x"},' * 16_000 + "{}]}"
    many = "{" + JSONFEED + ', "items": [' + ",".join(["{}"] * 300_000) + "]}"
    items = ",".join(json.dumps({"id": str(i), "content_text": "x" * 800}) for i in range(1000))
    thousand = "{" + JSONFEED + ', "items": [' + items + "]}"
    scripts = "<p onclick=x>a</p><script>alert(1)</script><img src=x onerror=y>" * 15_000
    prose = "<p>A paragraph of the story, <a href='https://e.example/'>a link</a>.</p>" * 13_000
    return [
        ("entities, `>` quoted in the DOCTYPE", _size(quoted), _feed(quoted), _feed(plain)),
        ("entities, `]>` in a comment", _size(commented), _feed(commented), _feed(plain)),
        ("entities, UTF-32", _size(wide), _feed(wide), _feed(wide_plain)),
        ("declared encoding punycode", "1 item",
         _feed(rss(declaration='<?xml version="1.0" encoding="punycode"?>')), _feed(rss())),
        ("`&#xd800;` and `&#1114112;`", "1 item",
         _feed(rss(description="a&#xd800;b&#1114112;c")), _feed(rss())),
        ("JSON Feed nested 100,000 deep", _size(deep), _feed(deep), _feed(flat)),
        ("JSON Feed of 300,000 empty items", _size(many), _feed(many), _feed(thousand)),
        ("seeds folder: one of each hostile file", "10 files, 1,100 folders",
         seeds_work(hostile_folder), seeds_work(healthy_folder)),
        ("page_html of 1.1 MB, over the record limit", "1 item", _fit(1_100_000), _fit(900_000)),
        ("hostile HTML (scripts, handlers)", _size(scripts), _clean(scripts), _clean(prose)),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for name, size, hostile, healthy in cases():
        outcome, seconds, mib = measure(hostile, args.rounds)
        _, base_seconds, base_mib = measure(healthy, args.rounds)
        rows.append(
            [
                name,
                size,
                outcome,
                f"{seconds * 1000:.1f} ms",
                f"{mib:.1f} MiB",
                f"{seconds / base_seconds:.2f}" if base_seconds else "-",
                f"{mib / base_mib:.2f}" if base_mib else "-",
            ]
        )
    headers = [
        "class",
        "input",
        "outcome",
        "time",
        "peak traced",
        "time ÷ healthy",
        "memory ÷ healthy",
    ]
    print(table(headers, rows))


if __name__ == "__main__":
    main()
