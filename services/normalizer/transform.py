"""The normalizer's per-item transform: ``RawItem`` -> ``Article``.

Titles and author names are plain text whatever ``news.raw`` holds: markup that reached
it is removed here too (``text.plain_title``). The language is the text's, else the one
the feed declares for the item.

Text comes from the article page (main-content extraction) when the ingester fetched it
or the item is an HTML file of a whole page, else from the item's HTML or plain text.
Embedded social posts are cut out into ``embeds``, page litter is removed, and the rest
is one paragraph per block.

Every URL written is http(s) (``core.urls``), whatever ``news.raw`` holds. A page's own
canonical link names the article only when it is on the item link's site (registrable
domain, ``sites``): a page that names another outlet's URL would otherwise take that
outlet's ``article_id``; such a link is ignored, and counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..core.errors import TransformError
from ..core.ids import content_hash, stable_id
from ..core.logs import get_logger
from ..core.records import Article, Embed, RawItem, utc_now
from ..core.topics import ARTICLES
from ..core.transform import Produce, Record
from ..core.urls import http_url
from .canonical import canonical_url
from .dedup import DuplicateWindow, near_signature
from .embeds import cut_embeds, take_html_embeds
from .extract import Page
from .language import detect_language
from .litter import remove_litter
from .metrics import NormalizerMetrics
from .sites import same_site
from .text import clean_text, first_sentence, parse_html, plain_title

SUMMARY_CHARS = 300
log = get_logger(__name__)


def _paragraphs(text: str) -> list[str]:
    return [p for p in clean_text(text).split("\n\n") if p]


@dataclass
class Body:
    """What the normalizer reads out of an item before building the article."""

    text: str
    embeds: list[Embed]
    page: Page | None
    links: list[str]
    images: list[str]


def _urls(found: list[str], base: str | None) -> list[str]:
    urls = (canonical_url(u, base) for u in dict.fromkeys(found))
    return list(dict.fromkeys(u for u in urls if u and "pic.twitter.com" not in u))


def article_body(item: RawItem, page: Page | None = None) -> Body:
    """Clean text, embeds, links, images, and what the page itself said."""
    if page is not None and page.text:
        raw, links, images, found = page.text, page.links, page.images, page.embeds
    else:
        html, found = take_html_embeds(item.content_html or item.summary_html or "")
        flat, links, images = parse_html(html) if html else ("", [], [])
        raw = item.content_text or flat
        if page is not None:  # a fetched page's posts, with no text
            found = page.embeds + found
    paragraphs, embeds = cut_embeds(_paragraphs(raw))
    paragraphs = remove_litter(paragraphs)
    embeds = found + embeds
    if not paragraphs and embeds:  # the article is the post: it stays the text
        paragraphs, embeds = [line for e in embeds for line in e.text.split("\n")], []
    return Body(
        text="\n\n".join(paragraphs),
        embeds=embeds,
        page=page,
        links=_urls(links, item.link),
        images=_urls(images, item.link),
    )


def article_page(item: RawItem) -> Page | None:
    """The article's page (one the ingester fetched, or a whole page saved in the seeds
    folder), unless the item has its text."""
    if item.content_text or not item.page_html:
        return None
    return Page(item.page_html, item.link)


def declared_language(tag: str | None) -> str | None:
    """The ISO 639-1 code of a declared language tag (``en-US`` -> ``en``), if it has one."""
    primary = (tag or "").split("-")[0].lower()
    return primary if len(primary) == 2 and primary.isalpha() and primary.isascii() else None


def article_id(item: RawItem, canonical: str | None) -> str:
    if canonical:
        return stable_id("url", canonical)
    return stable_id(item.source.kind, item.source.uri)


def page_canonical(
    item: RawItem, page: Page | None, ignored: Callable[[str], None] | None = None
) -> str | None:
    """The page's canonical link, when it is on the site of the item's link. A page saved
    in the seeds folder without a link of its own names itself: the folder's files are the
    operator's, as trusted as the `url` of their front matter."""
    link = http_url(item.link)
    named = canonical_url(page.canonical_url, link) if page and page.canonical_url else None
    if named is None:
        return None
    if link is None and item.source.kind == "file":
        return named
    if link is None or not same_site(named, link):
        if ignored is not None:
            ignored(named)
        return None
    return named


def normalize(item: RawItem, ignored: Callable[[str], None] | None = None) -> Article:
    """The article of ``item``; ``ignored`` hears of a page canonical link not taken."""
    body = article_body(item, article_page(item))
    text, embeds, page = body.text, body.embeds, body.page
    if not text:
        raise TransformError(f"item {item.item_id} from {item.source.uri} has no text")
    link = canonical_url(item.link) if item.link else None
    canonical = page_canonical(item, page, ignored) or link
    published: datetime | None = item.published.utc or item.updated.utc
    source: Literal["item", "page", "file"] | None = "item" if published else None
    if published is None and page is not None and page.published is not None:
        published, source = page.published, "page"
    if published is None and item.file_mtime is not None:
        published, source = item.file_mtime, "file"
    authors = [a for a in (plain_title(a) for a in item.authors) if a] or (
        page.authors if page else []
    )
    title = plain_title(item.title or (page.title if page else None) or "")
    title = title or first_sentence(text)
    summary = first_sentence(text, SUMMARY_CHARS) if text else None
    return Article(
        article_id=article_id(item, canonical),
        revision=item.revision,
        item_id=item.item_id,
        source=item.source,
        url=http_url(item.link),
        canonical_url=canonical,
        title=title,
        text=text,
        summary=summary,
        authors=authors,
        published_at=published,
        published_at_source=source,
        language=detect_language(text) or declared_language(item.language),
        word_count=len(text.split()),
        categories=item.categories,
        links=body.links,
        images=body.images,
        embeds=embeds,
        content_hash=content_hash(text),
        first_seen_at=item.first_seen_at,
        normalized_at=utc_now(),
    )


class Normalizer:
    """The transform with its memory: marks copies of articles seen in the window."""

    def __init__(
        self,
        topic: str,
        window: DuplicateWindow | None = None,
        metrics: NormalizerMetrics | None = None,
    ) -> None:
        self.topic = topic
        self.window = window or DuplicateWindow()
        self.metrics = metrics

    def __call__(self, item: RawItem, record: Record) -> Sequence[Produce]:
        started = time.perf_counter()
        article = normalize(item, self._ignored)
        near = near_signature(article.text)
        original = self.window.check(article.article_id, article.content_hash, near)
        article = article.model_copy(
            update={
                "simhash": f"{near:016x}" if near is not None else None,
                "duplicate_of": original,
            }
        )
        if original is None:
            self.window.add(article.article_id, article.content_hash, near)
        if self.metrics is not None:
            self.metrics.articles.labels("duplicate" if original else "original").inc()
            self.metrics.text_chars.observe(len(article.text))
            self.metrics.extraction_seconds.observe(time.perf_counter() - started)
        return [Produce(self.topic, article.article_id, article, ARTICLES.ce_type)]

    def _ignored(self, canonical: str) -> None:
        log.info("a page's canonical link on another site, ignored", canonical=canonical)
        if self.metrics is not None:
            self.metrics.canonical_ignored.inc()

    def remember(self, article: Article) -> None:
        """Put an already published article into the window (rebuilding it on start)."""
        if article.duplicate_of is None:
            near = int(article.simhash, 16) if article.simhash else None
            self.window.add(article.article_id, article.content_hash, near)
