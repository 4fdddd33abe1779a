"""HTML from feeds and files, made safe to hand on: one allowlist for every format.

An item's HTML (RSS and Atom content, JSON Feed ``content_html``, a seed file's HTML) is
re-written from what the standard library's tolerant HTML tokenizer reads of it: the
elements of text and its structure are kept with a few attributes each; URLs in ``href``,
``src`` and ``cite`` only when they are http(s) (resolved against the item's link); no
``on*`` handler, ``style``, ``class`` or any other attribute; ``script``, ``style``,
frames, objects, forms, SVG and MathML dropped with everything inside them; comments,
declarations and processing instructions dropped; every other element dropped and its
text kept. Text and attribute values are escaped again on the way out, so what comes out
is well-formed whatever went in.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

from ..core.strings import well_formed
from ..core.urls import http_url

KEPT = frozenset((
    "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big",
    "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "main", "mark",
    "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span",
    "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
))  # fmt: skip
DROPPED_WITH_CONTENT = frozenset((
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "noembed", "noframes", "template", "svg", "math", "head", "title", "form", "button",
    "select", "textarea", "option", "canvas", "audio", "video", "xmp",
))  # fmt: skip
VOID = frozenset(("br", "col", "hr", "img", "wbr"))
GLOBAL_ATTRIBUTES = frozenset({"title", "lang", "dir"})
ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"value"},
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
NUMBER_ATTRIBUTES = frozenset({"width", "height", "colspan", "rowspan", "span", "start", "value"})


class _Sanitizer(HTMLParser):
    def __init__(self, base: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping: list[str] = []  # dropped elements whose content is being skipped

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
        allowed = GLOBAL_ATTRIBUTES | ATTRIBUTES.get(tag, set())
        kept: dict[str, str] = {}
        for name, value in attrs:
            if name not in allowed or name in kept:
                continue
            value = well_formed(value or "")
            if name in URL_ATTRIBUTES:
                url = http_url(value, self.base)
                if url is None:
                    continue
                value = url
            elif name in NUMBER_ATTRIBUTES and not value.strip().isdigit():
                continue
            kept[name] = value
        if tag == "img" and "src" not in kept:
            return None  # an image with no http(s) source shows nothing
        return "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in kept.items())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag == self.skipping[-1] or tag in DROPPED_WITH_CONTENT:
                self.skipping.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT:
            self.skipping.append(tag)
            return
        if tag not in KEPT:
            return
        attributes = self._attributes(tag, attrs)
        if attributes is None:
            return
        self.out.append(f"<{tag}{attributes}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID or self.skipping or tag not in KEPT:
            self.handle_starttag(tag, attrs)
            return
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in self.skipping:
                while self.skipping.pop() != tag:
                    pass
            return
        if tag not in self.open:
            return
        while self.open:
            last = self.open.pop()
            self.out.append(f"</{last}>")
            if last == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(html.escape(well_formed(data), quote=False))

    def result(self) -> str:
        self.close()
        self.skipping.clear()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitize_html(fragment: str | None, base: str | None = None) -> str | None:
    """``fragment`` with only allowed elements, attributes and http(s) URLs; None if empty."""
    if not fragment:
        return None
    parser = _Sanitizer(base)
    parser.feed(fragment)
    cleaned = parser.result().strip()
    return cleaned or None
