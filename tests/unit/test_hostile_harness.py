"""A hostile-input harness: generated feed documents and seed folders, through the same
functions the service runs (``parse_feed`` and the adapter; ``SeedFolder.scan``).

Whatever is generated, no exception escapes: a document is a ``ParsedFeed`` or a
``FeedParseError``; every entry an item or a rejection; every file an item list or a
``RecordError`` with its reason, never an ``internal`` failure (that would be a bug of
ours). What comes out is writable and safe (UTF-8, http(s) URLs, sanitised HTML), a
document declaring entities is always refused, and each example stays within time and
traced memory. CI runs a bounded number of examples; ``make test-full`` many more.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core.records import RawItem, Source, SourceState
from services.ingester.items import FetchContext, raw_items
from services.ingester.parsers import FeedParseError, parse_feed
from services.ingester.seeds import SeedChange, SeedFolder

NOW = datetime(2024, 10, 22, tzinfo=UTC)
CI_FEEDS, FULL_FEEDS = 400, 10_000
CI_FOLDERS, FULL_FOLDERS = 60, 2000
SECONDS = 5.0
FEED_MEMORY = 48 * 2**20
# Text is escaped on the way out, so every "<" left starts a tag the sanitizer wrote.
_UNSAFE_HTML = re.compile(
    r"<(?:script|iframe|style|svg|object|embed)|<[^>]*\son\w+\s*=|"
    r'<[^>]*\s(?:href|src|cite)="(?!https?://)',  # the sanitizer always quotes so
    re.I,
)

# -- generated feed documents ----------------------------------------------------------------

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("<>&\"'"),
    max_size=40,
)
code_points = st.one_of(
    st.integers(0, 0x20),
    st.integers(0xD800, 0xDFFF),
    st.sampled_from([0xFFFE, 0xFFFF, 0x110000, 10**12]),
    st.integers(0x20, 0x10FFFF),
)
char_refs = st.builds(
    lambda n, hexa: f"&#x{n:x};" if hexa else f"&#{n};", code_points, st.booleans()
)
urls = st.one_of(
    st.sampled_from(
        [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "http://0177.0.0.1/",
            "http://[::1",
            "//evil.example/x",
            "/relative/path",
            "http://exa mple.org/",
            "https://news.example/a?utm_source=x#f",
            "http://straße.example/",
            "http://example.org:99999/",
        ]
    ),
    st.builds("https://{}.example/{}".format, st.from_regex(r"[a-z]{1,8}", fullmatch=True), texts),
)
html_fragments = st.lists(
    st.one_of(
        texts,
        char_refs,
        st.sampled_from(
            [
                "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "<p onclick='x()'>p</p>",
                "<a href='javascript:alert(1)'>a</a>",
                "<iframe src='https://e.example/'></iframe>",
                "<style>p{}</style>",
                "<svg><script>x</script></svg>",
                "<scr<script>ipt>",
                "<!-- <script> -->",
                "<![CDATA[ <script> ]]>",
                "<b>",
                "</i>",
            ]
        ),
        urls.map(lambda u: f"<a href='{u}'>l</a><img src='{u}'>"),
    ),
    max_size=8,
).map("".join)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


DOCTYPES = [
    "",
    "<!DOCTYPE rss>",
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
    '<!DOCTYPE rss SYSTEM "x>y">',
    "<!-- <!ENTITY a 'x'> ]> -->",
]
ENTITY_DOCTYPES = [
    "<!DOCTYPE rss [ <!ENTITY a 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'> ]>",
    '<!DOCTYPE rss SYSTEM "x>y" [ <!ENTITY a "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"> ]>',
    "<!DOCTYPE rss [ <!-- ]> --> <!ENTITY a 'xxxxxxxxxxxxxxxxxxxxxxxxxx'> ]>",
    "<!DOCTYPE rss [ <!ENTITY % p 'x'> ]>",
    "<!DOCTYPE rss [ <!ENTITY a SYSTEM 'file:///etc/passwd'> ]>",
    "<!DOCTYPE rss [ <!ENTITY a 'x'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'> ]>",
]
ENCODINGS = [
    ("utf-8", "UTF-8"),
    ("utf-8", None),
    ("utf-8-sig", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("utf-16-le", "UTF-16"),
    ("utf-16-be", None),
    ("utf-32", "UTF-32"),
    ("utf-32-be", "UTF-32"),
    ("cp037", "cp037"),
    ("latin-1", "ISO-8859-1"),
    ("latin-1", "UTF-8"),  # declared wrongly
    ("utf-8", "punycode"),
    ("utf-8", "undefined"),
    ("utf-8", "utf-7"),
]


@dataclass(frozen=True)
class Document:
    body: bytes
    declares_entities: bool
    note: str


@st.composite
def xml_documents(draw: st.DrawFn) -> Document:
    entities = draw(st.booleans())
    doctype = draw(st.sampled_from(ENTITY_DOCTYPES if entities else DOCTYPES))
    codec, declared = draw(st.sampled_from(ENCODINGS))
    items = []
    for _ in range(draw(st.integers(0, 4))):
        title = draw(st.one_of(texts.map(_xml_escape), char_refs))
        link = _xml_escape(draw(urls))
        html = draw(html_fragments).replace("]]>", "")
        enclosure = _xml_escape(draw(urls))
        refs = "&a;" * draw(st.integers(0, 3)) if entities else ""
        items.append(
            f"<item><guid>{draw(texts.map(_xml_escape))}</guid><title>{title}{refs}</title>"
            f"<link>{link}</link><description><![CDATA[{html}]]></description>"
            f"<enclosure url='{enclosure}' type='audio/mpeg' length='{draw(st.integers())}'/>"
            f"<pubDate>{_xml_escape(draw(texts))}</pubDate></item>"
        )
    root = draw(st.sampled_from(["rss version='2.0'", "feed xmlns='http://www.w3.org/2005/Atom'"]))
    name = root.split()[0]
    declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    text = f"{declaration}{doctype}<{root}><channel><title>t</title>{''.join(items)}</channel></{name}>"
    if draw(st.booleans()):  # cut short somewhere
        text = text[: draw(st.integers(0, len(text)))]
    body = text.encode(codec, "replace")
    return Document(body, entities and bool(text.count("<rss") or text.count("<feed")), codec)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def json_documents(draw: st.DrawFn) -> Document:
    item = st.fixed_dictionaries(
        {},
        optional={
            "id": json_values,
            "url": urls | json_values,
            "title": texts | json_values,
            "content_html": html_fragments | json_values,
            "content_text": texts,
            "summary": texts,
            "date_published": texts,
            "attachments": st.lists(st.fixed_dictionaries({"url": urls | json_values}), max_size=3)
            | json_values,
            "tags": st.lists(texts, max_size=3) | json_values,
            "authors": json_values,
        },
    )
    items = draw(st.lists(item | json_values, max_size=6))
    feed = {
        "version": draw(st.sampled_from(["https://jsonfeed.org/version/1.1", "x", 5])),
        "items": items,
    }
    text = json.dumps(feed)
    shape = draw(st.sampled_from(["plain", "deep", "surrogates", "many", "cut"]))
    if shape == "deep":
        depth = draw(st.integers(60, 20_000))
        text = text.replace('"items": [', '"items": [' + "[" * depth + "]" * depth + ", ", 1)
    elif shape == "surrogates":
        text = text.replace('"title": "', '"title": "\\ud800\\udc00\\udfff', 1)
    elif shape == "many":
        text = text.replace('"items": [', '"items": [' + "{}," * draw(st.integers(900, 5000)), 1)
    elif shape == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    return Document(text.encode(), False, shape)


def _bounded(work: Callable[[], object], memory: int) -> object:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        return work()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        took = time.perf_counter() - started
        assert took < SECONDS, f"{took:.1f} s"
        assert peak < memory, f"{peak / 2**20:.1f} MiB traced"


def _safe(item: RawItem) -> None:
    item.model_dump_json().encode("utf-8")  # writable: no lone surrogate anywhere
    for url in [item.link, *(e.url for e in item.enclosures)]:
        assert url is None or url.startswith(("http://", "https://")), url
    for html in (item.summary_html, item.content_html):
        assert html is None or not _UNSAFE_HTML.search(html), html


def check_document(doc: Document) -> None:
    def work() -> None:
        try:
            feed = parse_feed(doc.body)
        except FeedParseError:
            return
        assert not doc.declares_entities, "a document declaring entities was read"
        state = SourceState(source_id="s", kind="feed", uri="https://news.example/feed")
        context = FetchContext(
            Source(kind="feed", uri="u"), NOW, None, base="https://news.example/feed"
        )
        adapted = raw_items(feed, state, context, seen_limit=1000)
        assert [r for r in adapted.rejected if r.stage == "internal"] == []
        counts = adapted.counts
        taken = len(adapted.items) + len(adapted.rejected) + counts.unchanged + counts.repeated
        assert taken >= len(feed.items)
        for item in adapted.items:
            _safe(item)

    _bounded(work, FEED_MEMORY)


FEEDS = st.one_of(xml_documents(), json_documents())
QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


@settings(max_examples=CI_FEEDS, deadline=None, suppress_health_check=QUIET)
@given(FEEDS)
def test_generated_feed_documents_end_as_items_or_a_reason(doc: Document) -> None:
    check_document(doc)


@pytest.mark.full
@settings(max_examples=FULL_FEEDS, deadline=None, suppress_health_check=QUIET)
@given(FEEDS)
def test_generated_feed_documents_end_as_items_or_a_reason_full(doc: Document) -> None:
    check_document(doc)


# -- generated seed folders --------------------------------------------------------------------

SUFFIXES = [".txt", ".md", ".html", ".json", ".xml", ".rss", ".atom", ".TXT", ".bin", ""]
names = st.builds(
    lambda stem, suffix: stem + suffix,
    st.one_of(
        st.from_regex(r"[a-z0-9_-]{1,12}", fullmatch=True),
        st.binary(min_size=1, max_size=12).map(
            lambda b: os.fsdecode(b.replace(b"/", b"_").replace(b"\x00", b"_").strip(b".") or b"x")
        ),
    ),
    st.sampled_from(SUFFIXES),
)
yaml_values = st.one_of(
    texts.map(json.dumps),
    st.sampled_from(
        ["1984", "[a, b]", "{a: b}", "yes", "2024-13-45", "12345", "~", "!!python/object:x {}",
         "&a [1, *a]", "*undefined", "'unclosed"]
    ),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
)  # fmt: skip


@st.composite
def seed_contents(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["front", "json", "feed", "bytes", "text"]))
    if kind == "front":
        keys = draw(
            st.lists(st.sampled_from(["title", "url", "date", "source", "text", "x"]), max_size=5)
        )
        meta = "\n".join(f"{k}: {draw(yaml_values)}" for k in keys)
        return f"---\n{meta}\n---\n{draw(texts)} body".encode("utf-8", "surrogatepass")
    if kind == "json":
        value = draw(json_values)
        text = json.dumps(value if draw(st.booleans()) else {"title": value, "text": "t"})
        if draw(st.booleans()):
            depth = draw(st.integers(1, 20_000))
            text = "[" * depth + text + "]" * depth
        return text.encode()
    if kind == "feed":
        return draw(FEEDS).body
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    return draw(texts).encode("utf-8", "surrogatepass")


SPECIALS = ["fifo", "link-to-fifo", "loop", "dangling", "outside", "socket", "deep"]


def _build(root: Path, files: list[tuple[str, bytes]], specials: list[str], depth: int) -> None:
    for name, data in files:
        path = os.path.join(os.fsencode(root), os.fsencode(name))
        if not os.path.exists(path):
            with open(path, "wb") as handle:
                handle.write(data)
    for special in specials:
        target = root / f"special-{special}.md"
        if special == "fifo":
            os.mkfifo(target)
        elif special == "link-to-fifo":
            os.mkfifo(root / "pipe")
            target.symlink_to(root / "pipe")
        elif special == "loop":
            target.symlink_to(target)
        elif special == "dangling":
            target.symlink_to(root / "nothing-here")
        elif special == "outside":
            target.symlink_to("/etc/hostname")
        elif special == "deep":
            folder = str(root)
            for _ in range(depth):
                folder = os.path.join(folder, "d")
                os.mkdir(folder)
            with open(os.path.join(folder, "deep.txt"), "w") as handle:
                handle.write("deep")
    then = time.time() - 60
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            os.utime(os.path.join(dirpath, name), (then, then), follow_symlinks=False)


def check_folder(files: list[tuple[str, bytes]], specials: list[str], depth: int) -> None:
    from tests.conftest import remove_nested

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sock = None
        try:
            _build(root, files, specials, depth)
            if "socket" in specials:
                import socket

                sock = socket.socket(socket.AF_UNIX)
                sock.bind(str(root / "special-socket.html"))
            states: dict[str, SourceState] = {}
            found: list[SeedChange] = []

            def scan() -> None:
                found.extend(SeedFolder(root).scan(NOW, states.get))

            def work() -> None:
                thread = threading.Thread(target=scan, daemon=True)
                thread.start()
                thread.join(SECONDS)
                assert not thread.is_alive(), "the scan blocked"

            _bounded(work, 64 * 2**20)
            assert [c.relative for c in found if c.internal] == []
            for change in found:
                assert change.error is not None or change.state.last_outcome == "read"
                for item in change.items:
                    _safe(item)
                change.state.model_dump_json().encode("utf-8")
            for change in found:
                states[change.state.source_id] = change.state
            assert list(SeedFolder(root).scan(NOW, states.get)) == []  # once, not again
        finally:
            if sock is not None:
                sock.close()
            if (root / "d").exists():
                remove_nested(root / "d")


FOLDERS = st.tuples(
    st.lists(st.tuples(names, seed_contents()), max_size=6, unique_by=lambda f: f[0].lower()),
    st.lists(st.sampled_from(SPECIALS), max_size=3, unique=True),
    st.integers(1, 40),
)


@settings(max_examples=CI_FOLDERS, deadline=None, suppress_health_check=QUIET)
@given(FOLDERS)
def test_generated_seed_folders_end_as_items_or_a_reason(
    folder: tuple[list[tuple[str, bytes]], list[str], int],
) -> None:
    check_folder(*folder)


@pytest.mark.full
@settings(max_examples=FULL_FOLDERS, deadline=None, suppress_health_check=QUIET)
@given(FOLDERS)
def test_generated_seed_folders_end_as_items_or_a_reason_full(
    folder: tuple[list[tuple[str, bytes]], list[str], int],
) -> None:
    check_folder(*folder)
