"""From raw HTML or text to clean text: paragraphs kept, whitespace normalised, NFC."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from ..core.plaintext import looks_like_html, plain_text, without_tags

BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "header", "footer", "tr", "table", "figure",
}  # fmt: skip
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "head"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        elif tag == "img" and found.get("src"):
            self.images.append(str(found["src"]))
        if tag in SKIP_TAGS:
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    return parse_html(html)[0]


def parse_html(html: str) -> tuple[str, list[str], list[str]]:
    """Text (one paragraph per block), link targets and image sources, in order."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return clean_text("".join(parser.parts)), parser.links, parser.images


_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BREAKS = re.compile(r"\n\s*\n+")


def clean_text(text: str) -> str:
    """NFC; one space between words; paragraphs (lines) separated by one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BREAKS.sub("\n\n", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs = [line for line in lines if line]
    return "\n\n".join(paragraphs)


def plain_title(title: str) -> str:
    """A title or a name as plain text on one line: one that holds markup (a closing tag,
    a character reference) is read as HTML, once; a tag that decoding brought out
    (``&lt;/b&gt;``) is taken out too, so that no title carries one; NFC, whitespace
    collapsed."""
    if looks_like_html(title):
        title = plain_text(title)
        if looks_like_html(title):
            title = without_tags(title)
    return " ".join(clean_text(title).split())


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(text: str, limit: int = 160) -> str:
    """The first sentence of ``text``, cut at a word boundary within ``limit`` characters."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0] if text.strip() else ""
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut + "…"
