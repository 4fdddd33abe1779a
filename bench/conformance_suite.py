"""Reading a feed parser's conformance suite (gofeed's ``testdata/``) into the fields
newswire publishes, and the rules that compare them with newswire's.

Each case is an input document and the other parser's expected output, in one of its
models: the universal model (``translator/``, ``extensions/``), or one per format
(``parser/rss``, ``parser/atom``, ``parser/json``). ``expected`` maps each onto one view:
the format, the feed's title and link, and per item its title, link, id, dates, authors,
categories, enclosures, content and summary. ``parser/universal`` has inputs only: what
format each is (or that it is no feed) is read from its name.

``verdict`` compares one field: ``agree``; ``deviation`` when the difference is one that
newswire makes on purpose and the rule that explains it holds for this very value (titles
and names as plain text, HTML sanitised, only http(s) links written); else ``differ``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from services.core.plaintext import plain_text
from services.core.urls import http_url
from services.ingester.sanitize import sanitize_html

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds-conformance"
GOFEED = SUITE / "gofeed" / "testdata"

ITEM_FIELDS = (
    "title", "link", "id", "published", "updated", "authors", "categories", "enclosures",
    "content", "summary",
)  # fmt: skip
FIELDS = ("format", "feed title", "feed link", "items", *ITEM_FIELDS)
TEXT_FIELDS = {"feed title", "title"}
HTML_FIELDS = {"content", "summary"}
LINK_FIELDS = {"feed link", "link"}

UNIVERSAL_INPUTS = {
    "atom03_feed.xml": "atom",
    "atom10_feed.xml": "atom",
    "rdf_feed.xml": "rss",
    "rss_feed.xml": "rss",
    "rss_feed_bom.xml": "rss",
    "rss_feed_leading_spaces.xml": "rss",
    "json10_feed.json": "jsonfeed",
    "json11_feed.json": "jsonfeed",
    "sample.json": "jsonfeed",
    "empty_feed.xml": "refused",
    "invalid.json": "refused",
    "unknown_feed.xml": "refused",
}
"""``parser/universal``: inputs without an expectation; the format their names say."""


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    model: str
    """``universal``, ``rss``, ``atom``, ``json`` (the expectation's model) or ``format``
    (no expectation but the format)."""
    expectation: dict[str, Any] | None = None


@dataclass
class View:
    """What a case says in the fields newswire publishes (values normalised to compare)."""

    format: str
    feed: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)


def _load(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def cases(root: Path = GOFEED) -> Iterator[Case]:
    """Every case of the suite, in a stable order."""
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.endswith("_expected.json"):
            continue
        relative = path.relative_to(root).as_posix()
        top = relative.split("/")[0]
        if relative.startswith("parser/universal/"):
            if path.name in UNIVERSAL_INPUTS:
                yield Case(relative, path, "format")
            continue
        if path.suffix == ".xml":
            expected = path.with_suffix(".json")
        elif path.suffix == ".json" and "/json/" in f"/{relative}":
            expected = path.with_name(path.stem + "_expected.json")
            if relative.startswith("parser/json/invalid/"):
                yield Case(relative, path, "format")
                continue
        else:
            continue
        if not expected.is_file():
            continue
        model = "universal" if top in ("translator", "extensions") else relative.split("/")[1]
        yield Case(relative, path, model, _load(expected))


# -- normalising values ------------------------------------------------------------------


def text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def utc(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


_EMAIL_NAME = re.compile(r"^\s*(\S+@\S+)\s*\((.*)\)\s*$")
_NAME_EMAIL = re.compile(r"^\s*(.*?)\s*[(<]\s*(\S+@[^)>\s]+)\s*[)>]\s*$")


def rss_author(value: str) -> str:
    """The name an RSS ``author`` string gives (``email (name)``, ``name <email>``...),
    else the string."""
    if m := _EMAIL_NAME.match(value):
        return m.group(2).strip() or m.group(1)
    if (m := _NAME_EMAIL.match(value)) and m.group(1):
        return m.group(1)
    return value.strip()


def _person(value: Any) -> str:
    if isinstance(value, dict):
        return text(value.get("name") or value.get("email"))
    return text(value)


def _names(values: Any) -> list[str]:
    return [n for n in (_person(v) for v in values or []) if n]


class _Reader(HTMLParser):
    """The text a reader sees and the targets of its links and images."""

    BLOCKS = frozenset(
        ("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
         "pre", "table", "tr", "td", "th", "hr")
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(http_url(value) or value.strip())
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def reading(html: str | None) -> tuple[str, tuple[str, ...]]:
    """HTML as a reader gets it: its text (whitespace collapsed) and its link targets."""
    if not html:
        return "", ()
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return text("".join(reader.parts)), tuple(reader.urls)


# -- the expectation, in newswire's fields -----------------------------------------------


def _alternate(links: Any) -> str:
    for link in links or []:
        if (
            isinstance(link, dict)
            and link.get("href")
            and link.get("rel", "alternate")
            in (
                "alternate",
                "",
            )
        ):
            return str(link["href"])
    return ""


def _universal(e: dict[str, Any]) -> View:
    kind = {"rss": "rss", "atom": "atom", "json": "jsonfeed"}.get(e.get("feedType", ""), "")
    view = View(kind, {"feed title": e.get("title"), "feed link": e.get("link")})
    for i in e.get("items") or []:
        view.items.append({
            "title": i.get("title"),
            "link": i.get("link"),
            "id": i.get("guid"),
            "published": utc(i.get("publishedParsed")),
            "updated": utc(i.get("updatedParsed")),
            "authors": _names(i.get("authors") or ([i["author"]] if i.get("author") else [])),
            "categories": [text(c) for c in i.get("categories") or []],
            "enclosures": [e.get("url") for e in i.get("enclosures") or [] if e.get("url")],
            "content": i.get("content"),
            "summary": i.get("description"),
        })  # fmt: skip
    return view


def _rss(e: dict[str, Any]) -> View:
    view = View("rss", {"feed title": e.get("title"), "feed link": e.get("link")})
    for i in e.get("items") or []:
        guid = i.get("guid") or {}
        enclosures = i.get("enclosures") or ([i["enclosure"]] if i.get("enclosure") else [])
        dc, itunes = i.get("dcExt") or {}, i.get("itunesExt") or {}
        # the extensions' fields where the item has none, as gofeed's own translator reads
        author = i.get("author") or next(iter(dc.get("creator") or dc.get("author") or []), None)
        author = author or itunes.get("author")
        categories = [c.get("value") for c in i.get("categories") or []] + dc.get("subject", [])
        view.items.append({
            "title": i.get("title"),
            "link": i.get("link"),
            "id": guid.get("value") if isinstance(guid, dict) else guid,
            "published": utc(i.get("pubDateParsed")),
            "updated": None,
            "authors": [rss_author(author)] if author else [],
            "categories": [text(c) for c in categories],
            "enclosures": [e.get("url") for e in enclosures if e.get("url")],
            "content": i.get("content"),
            "summary": i.get("description"),
        })  # fmt: skip
    return view


def _atom(e: dict[str, Any]) -> View:
    view = View("atom", {"feed title": e.get("title"), "feed link": _alternate(e.get("links"))})
    for i in e.get("entries") or []:
        content = i.get("content") or {}
        source = i.get("source") or {}
        labels = [text(c.get("term") or c.get("label")) for c in i.get("categories") or []]
        view.items.append({
            "inherited authors": _names(source.get("authors")) or _names(e.get("authors")),
            "title": i.get("title"),
            "link": _alternate(i.get("links")),
            "id": i.get("id"),
            "published": utc(i.get("publishedParsed")),
            "updated": utc(i.get("updatedParsed")),
            "authors": _names(i.get("authors")),
            "categories": [c for c in labels if c],
            "enclosures": [
                link["href"] for link in i.get("links") or []
                if link.get("rel") == "enclosure" and link.get("href")
            ],
            "content": content.get("value") if isinstance(content, dict) else content,
            "summary": i.get("summary"),
        })  # fmt: skip
    return view


def _json(e: dict[str, Any]) -> View:
    view = View("jsonfeed", {"feed title": e.get("title"), "feed link": e.get("home_page_url")})
    for i in e.get("items") or []:
        authors = i.get("authors") or ([i["author"]] if i.get("author") else [])
        view.items.append({
            "title": i.get("title"),
            "link": i.get("url") or i.get("external_url"),
            "id": i.get("id"),
            "published": utc(i.get("date_published")),
            "updated": utc(i.get("date_modified")),
            "authors": _names(authors),
            "categories": [text(t) for t in i.get("tags") or []],
            "enclosures": [a.get("url") for a in i.get("attachments") or [] if a.get("url")],
            "content": i.get("content_html") or i.get("content_text"),
            "summary": i.get("summary"),
        })  # fmt: skip
    return view


_RDF_ABOUT = re.compile(r"<item\b[^>]*\brdf:about=\"([^\"]*)\"")


def expected(case: Case) -> View:
    if case.model == "format":
        return View(UNIVERSAL_INPUTS.get(case.path.name, "refused"))
    e = case.expectation
    if e is None:
        return View("refused")
    view = {"universal": _universal, "rss": _rss, "atom": _atom, "json": _json}[case.model](e)
    if case.path.suffix == ".xml":  # RSS 1.0: each item's URI, read from the document
        about = _RDF_ABOUT.findall(case.path.read_text(encoding="utf-8", errors="replace"))
        for item, uri in zip(view.items, about, strict=False):
            item["rdf:about"] = uri
    return view


# -- comparing ---------------------------------------------------------------------------


def present(value: Any) -> bool:
    return value not in (None, "", [], ())


def verdict(
    name: str, ours: Any, theirs: Any, item: dict[str, Any] | None = None
) -> tuple[str, str]:
    """(``agree`` | ``deviation`` | ``differ``, the rule) for one field of one case;
    ``item``: the whole expected item the field is of."""
    item = item or {}
    if name in ("published", "updated") or name in ("format", "items"):
        return ("agree", "") if ours == theirs else ("differ", "")
    if name in TEXT_FIELDS:
        if text(ours) == text(theirs):
            return "agree", ""
        if text(ours) == plain_text(str(theirs or "")):
            return "deviation", "plain text: markup removed, entities decoded"
        return "differ", ""
    if name == "authors":
        if [text(a) for a in ours] == [text(a) for a in theirs]:
            return "agree", ""
        if [text(a) for a in ours] == [plain_text(a) for a in theirs]:
            return "deviation", "plain text: markup removed, entities decoded"
        inherited = item.get("inherited authors")
        if not theirs and inherited and [text(a) for a in ours] == inherited:
            return "deviation", "the source's or feed's authors (RFC 4287, 4.2.1)"
        return "differ", ""
    if name in LINK_FIELDS or name == "id":
        if text(ours) == text(theirs):
            return "agree", ""
        if name != "id" and ours and http_url(str(theirs or "")) == ours:
            return "agree", ""
        if name != "id" and theirs and ours is None and http_url(str(theirs)) is None:
            return "deviation", "only http(s) URLs are written"
        if name == "id" and not theirs and ours and ours == item.get("rdf:about"):
            return "deviation", "an RSS 1.0 item's URI (rdf:about) is its identity"
        if name == "link" and not theirs and ours and ours == http_url(str(item.get("id"))):
            return "deviation", "an http(s) GUID or id is the link of an entry without one"
        return "differ", ""
    if name == "enclosures":
        mine = [text(u) for u in ours]
        if mine == [http_url(u) or text(u) for u in theirs]:
            return "agree", ""
        if mine == [u for u in (http_url(u) for u in theirs) if u]:
            return "deviation", "only http(s) URLs are written"
        return "differ", ""
    if name == "categories":
        if [text(c) for c in ours] == theirs:
            return "agree", ""
        if [text(c) for c in ours] == [c for c in (plain_text(c) for c in theirs) if c]:
            return "deviation", "plain text: markup removed, entities decoded"
        return "differ", ""
    if name in HTML_FIELDS:
        if reading(ours) == reading(theirs):
            return "agree", ""
        if reading(ours) == reading(sanitize_html(theirs)):
            return "deviation", "HTML sanitised"
        return "differ", ""
    raise ValueError(f"no rule for {name}")
