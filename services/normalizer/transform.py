"""The normalizer's per-item transform: ``RawItem`` -> ``Article``."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.errors import TransformError
from ..core.ids import content_hash, stable_id
from ..core.records import Article, RawItem, utc_now
from ..core.topics import ARTICLES
from ..core.transform import Produce, Record
from .text import clean_text, first_sentence, html_to_text


def article_text(item: RawItem) -> str:
    if item.content_text:
        return clean_text(item.content_text)
    for html in (item.page_html, item.content_html, item.summary_html):
        if html:
            text = html_to_text(html)
            if text:
                return text
    return ""


def article_id(item: RawItem) -> str:
    if item.link:
        return stable_id("url", item.link)
    return stable_id(item.source.kind, item.source.uri)


def normalize(item: RawItem) -> Article:
    text = article_text(item)
    if not text:
        raise TransformError(f"item {item.item_id} from {item.source.uri} has no text")
    published = item.published.utc or item.updated.utc
    source = "item" if published else None
    if published is None and item.file_mtime is not None:
        published, source = item.file_mtime, "file"
    title = clean_text(item.title or "") or first_sentence(text)
    return Article(
        article_id=article_id(item),
        revision=item.revision,
        item_id=item.item_id,
        source=item.source,
        url=item.link,
        canonical_url=item.link,
        title=title,
        text=text,
        authors=item.authors,
        published_at=published,
        published_at_source=source,
        word_count=len(text.split()),
        categories=item.categories,
        content_hash=content_hash(text),
        first_seen_at=item.first_seen_at,
        normalized_at=utc_now(),
    )


def to_articles(item: RawItem, record: Record, *, topic: str) -> Sequence[Produce]:
    article = normalize(item)
    return [Produce(topic, article.article_id, article, ARTICLES.ce_type)]
