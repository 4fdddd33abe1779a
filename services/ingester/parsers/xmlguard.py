"""Refusing XML that declares entities, before any parser sees it.

Entity declarations are how entity-expansion bombs ("billion laughs") and external-entity
attacks (``<!ENTITY x SYSTEM "file:///etc/passwd">``) work, and no real feed needs them.
So a document whose DOCTYPE has an internal subset with ``<!ENTITY`` is refused. A DOCTYPE
that only names an external DTD (old RSS 0.91 feeds cite Netscape's) is allowed: the
parser never fetches it. Only the prolog is examined (up to the first element), within a
bounded prefix, in the document's own encoding (UTF-8, UTF-16 with BOM, one-byte codes).
"""

from __future__ import annotations

import re

from .errors import FeedParseError

PROLOG_LIMIT = 64 * 1024
_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
_ENTITY = re.compile(r"<!ENTITY", re.I)


def _prefix_text(body: bytes) -> str:
    head = body[:PROLOG_LIMIT]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if head[:4] in (b"\x00<\x00?", b"<\x00?\x00"):
        return head.decode("utf-16-be" if head[0] == 0 else "utf-16-le", "replace")
    return head.decode("latin-1")


def _prolog(text: str) -> str:
    """Everything before the root element's start tag."""
    i = 0
    while True:
        j = text.find("<", i)
        if j < 0:
            return text
        if text.startswith("<?", j):
            end = text.find("?>", j)
        elif text.startswith("<!--", j):
            end = text.find("-->", j)
        elif text[j : j + 9].upper() == "<!DOCTYPE":
            close = text.find("]>", j) if "[" in text[j : text.find(">", j) + 1] else -1
            end = close if close >= 0 else text.find(">", j)
        else:
            return text[:j]
        if end < 0:
            return text
        i = end + 2


def check_xml(body: bytes) -> None:
    """Raise ``FeedParseError`` if the document declares entities."""
    text = _prefix_text(body)
    prolog = _prolog(text)
    if not _DOCTYPE.search(prolog):
        return
    if _ENTITY.search(prolog):
        raise FeedParseError(
            "the XML declares entities (DOCTYPE with ENTITY): refused, entity expansion and "
            "external entities are not allowed"
        )
    if len(prolog) >= PROLOG_LIMIT - 16 and "<" not in prolog[-16:]:
        raise FeedParseError("the XML prolog is longer than 64 KiB: refused")
