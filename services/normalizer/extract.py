"""Article pages: the main text and the page's metadata, from one parse of the page.

The text is trafilatura's main-content extraction (its balanced settings, comments left
out, tables kept), with the article's lead put back when the extraction left it out
(``lead.py``). Embedded posts are cut out of the page first (``embeds.take_embeds``).
Should the extraction find nothing, trafilatura's defaults are tried (comments
included: on some pages the only text is filed as comments), so a page never yields
less than trafilatura alone finds.

Metadata is read when it is asked for, each field once: the canonical link, the title,
the authors, the date, the links and images of the article's element. A feed item that
has a title and a date does not pay for looking for them in the page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title
from trafilatura.settings import Document, set_date_params

from ..core.records import Embed
from .embeds import take_embeds
from .lead import find_lead
from .locate import TextIndex, anchor_blocks, article_region, common_ancestor

_UNREAD = XPath(
    "//script[not(@type='application/ld+json' or @type='application/settings+json')]|//style"
)
"""What no step reads (the metadata reads JSON-LD): dropped once after the parse, so that
every later copy of the page (trafilatura's extraction makes four) is smaller. The
extracted text is the same with or without them (on all 990 pages of bench.pages)."""


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _extracted(tree: HtmlElement, url: str | None, comments: bool) -> str:
    document = bare_extraction(tree, url=url, include_comments=comments, include_tables=True)
    if not isinstance(document, Document):
        return ""
    parts = (document.text, document.comments if comments else None)
    return "\n".join(part for part in parts if part)


def main_content(tree: HtmlElement, url: str | None) -> str:
    """trafilatura's main content of the page; its defaults when that finds nothing."""
    return _extracted(tree, url, comments=False) or _extracted(tree, url, comments=True)


class Page:
    """One article page, parsed once; each field is read when first asked for."""

    def __init__(self, html: str, url: str | None = None) -> None:
        self.url = url
        tree = load_html(html) if html.strip() else None
        self.tree: HtmlElement | None = tree if isinstance(tree, HtmlElement) else None
        self.embeds: list[Embed] = []
        if self.tree is not None:
            for unread in _UNREAD(self.tree):
                unread.drop_tree()
            self.embeds = take_embeds(self.tree)

    @cached_property
    def meta(self) -> Document:
        """What the page's ``<meta>`` tags and JSON-LD say (cheap: no search of the body)."""
        if self.tree is None:
            return Document()
        found = examine_meta(self.tree)
        try:
            return extract_meta_json(self.tree, found)
        except Exception:  # JSON-LD of any shape: what was read from <meta> stands
            return found

    @cached_property
    def main_text(self) -> str:
        """The extracted main content, one paragraph per line."""
        return main_content(self.tree, self.url) if self.tree is not None else ""

    @cached_property
    def index(self) -> TextIndex | None:
        """The page's text, to find where extracted text sits in it."""
        return TextIndex(self.tree) if self.tree is not None else None

    @cached_property
    def anchors(self) -> list[HtmlElement]:
        """The elements of the main text's first and last paragraphs."""
        return anchor_blocks(self.index, self.main_text) if self.index is not None else []

    @cached_property
    def article_element(self) -> HtmlElement | None:
        """The element of the page that holds the extracted text (None if not found)."""
        return common_ancestor(self.anchors)

    @cached_property
    def region(self) -> HtmlElement | None:
        """The article's element with its header and byline (None if not found)."""
        element = self.article_element
        return article_region(element) if element is not None else None

    @cached_property
    def text(self) -> str:
        """The article text: the lead, then the main content; empty when there is none."""
        text = self.main_text
        if not text or self.index is None:
            return text
        first = self.anchors[0] if self.anchors else None
        found = self.meta
        lead = find_lead(self.index, text, found.description, found.title, self.region, first)
        return f"{lead}\n{text}" if lead else text

    @cached_property
    def canonical_url(self) -> str | None:
        """``<link rel="canonical">``, else ``og:url`` or the JSON-LD URL (unresolved)."""
        if self.tree is None:
            return None
        for link in self.tree.iterfind(".//head/link[@rel][@href]"):
            if "canonical" in (link.get("rel") or "").lower().split():
                return str(link.get("href")).strip() or None
        return self.meta.url or None

    @cached_property
    def title(self) -> str | None:
        if self.tree is None:
            return None
        return self.meta.title or extract_title(self.tree)

    @cached_property
    def authors(self) -> list[str]:
        """From ``<meta>`` and JSON-LD, else a byline in the article's region (the whole
        page when the text was not found there): near the text, the search costs less and
        leaves the names in sidebars and comment threads alone."""
        if self.tree is None:
            return []
        found = self.meta.author
        if not found or " " not in found:  # one word is a handle or a site, not a name
            found = extract_author(self.region if self.region is not None else self.tree)
        return [a.strip() for a in (found or "").split(";") if a.strip()]

    @cached_property
    def published(self) -> datetime | None:
        """htmldate's quick search (the URL, the page's markup, then timestamps in its
        text), not its extensive one that weighs every date mentioned in the prose."""
        if self.tree is None:
            return None
        params = set_date_params(extensive=False)
        found = find_date(self.tree, url=self.meta.url or self.url, **params)
        return _date(found if isinstance(found, str) else None)

    @cached_property
    def links(self) -> list[str]:
        """Link targets inside the article's element, in order."""
        root = self.article_element
        if root is None:
            return []
        return [str(a.get("href")) for a in root.iter("a") if a.get("href")]

    @cached_property
    def images(self) -> list[str]:
        """The page's declared image (``og:image``), then the images of the article."""
        found = [self.meta.image] if self.meta.image else []
        root = self.article_element
        if root is not None:
            for img in root.iter("img"):
                source = img.get("src") or img.get("data-src")
                if source and not source.startswith("data:"):
                    found.append(source)
        return found
