"""Rules every parser applies to the fields it reads: text, languages, the content types."""

from __future__ import annotations

import html
import re

from ...core.plaintext import collapse, looks_like_html, plain_text

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,4}")


def text(value: str | None, html: bool = False) -> str | None:
    """A title or a name as plain text: read as HTML when its format says it is HTML or
    when it looks like HTML (``core.plaintext``), whitespace collapsed; None if empty."""
    if not value:
        return None
    out = plain_text(value) if html or looks_like_html(value) else collapse(value)
    return out or None


def language(value: object) -> str | None:
    """A language tag (``en``, ``en-US``, ``pt_BR``) in its usual spelling, else None."""
    if not isinstance(value, str):
        return None
    tag = value.strip()
    if not _LANGUAGE.fullmatch(tag):
        return None
    first, *rest = tag.replace("_", "-").split("-")
    return "-".join([first.lower(), *(r.upper() if len(r) == 2 else r for r in rest)])


def text_to_html(value: str) -> str:
    """Plain text as HTML: escaped, a paragraph per block of lines."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
