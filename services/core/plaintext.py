"""Plain text from fields that may hold markup: titles and names.

Feeds put HTML in titles and author names (Atom ``type="html"`` and ``"xhtml"``, RSS
CDATA, character references such as ``That&#8217;s``); what newswire writes there is the
text a reader sees. ``plain_text`` reads a value as HTML: elements removed (with the
content of ``script`` and ``style``), character references decoded once, whitespace
collapsed to single spaces. ``looks_like_html`` is the test for a value whose format does
not say whether it is text or HTML: only a closing tag or a reference to a known entity
counts (``a < b``, ``AT&T`` and ``<3`` are text). ``without_tags`` takes out what reads
as a tag and nothing else, for text that must hold none.
"""

from __future__ import annotations

import html.entities
import re
from html.parser import HTMLParser

_SPACE = re.compile(r"\s+")
_CLOSING_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9]*)\s*>")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>")
_REFERENCE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_SKIPPED = frozenset({"script", "style", "template", "noscript"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("p", "div", "li"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def collapse(text: str) -> str:
    """``text`` with every run of whitespace one space, and none at either end."""
    return _SPACE.sub(" ", text).strip()


def plain_text(value: str) -> str:
    """The text a reader sees of ``value`` read as HTML, whitespace collapsed."""
    if "<" not in value and "&" not in value:
        return collapse(value)
    parser = _Text()
    parser.feed(value)
    parser.close()
    return collapse("".join(parser.parts))


def _known_reference(name: str) -> bool:
    return name.startswith("#") or name + ";" in html.entities.html5


def looks_like_html(value: str) -> bool:
    """Whether a value of unknown type holds markup: a closing tag or a known reference."""
    if "<" in value and _CLOSING_TAG.search(value):
        return True
    return "&" in value and any(_known_reference(m) for m in _REFERENCE.findall(value))


def without_tags(value: str) -> str:
    """``value`` with everything that reads as an HTML tag taken out (text and references
    left as they are), until none is left."""
    while _TAG.search(value):
        value = _TAG.sub("", value)
    return value
