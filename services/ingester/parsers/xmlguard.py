"""Refusing XML that declares entities, decided by an XML tokenizer, before any parser.

Entity declarations are how entity-expansion bombs ("billion laughs", or one entity of a
few KB referenced ten thousand times) and external-entity attacks
(``<!ENTITY x SYSTEM "file:///etc/passwd">``) work, and no real feed needs them. So a
document whose DOCTYPE has an internal subset (where entities, and anything else a DTD
declares, would be) is refused. A DOCTYPE that only names an external DTD (old RSS 0.91
feeds cite Netscape's) is allowed: nothing fetches it.

The decision is expat's, not a string search: the document is first read as text in the
encoding it has (``xmltext``: UTF-16 and UTF-32 with or without a byte-order mark,
EBCDIC, the HTTP charset, the declaration), then given to expat as UTF-8, which reports
the DOCTYPE and any declaration wherever comments, quotes or ``]>`` sit, and stops at the
root element's start tag. A prolog expat cannot read, or longer than ``PROLOG_LIMIT``, is
refused too: nothing could tell what it declares.

What the parsers then get is that UTF-8 text with a prolog of newswire's own: an XML
declaration for UTF-8, the Netscape DOCTYPE if the document had it (feedparser tells RSS
0.91 apart by it), and the document from its root element on. So no parser, strict or
loose, ever sees a declaration that this module did not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from .errors import FeedParseError
from .xmltext import xml_text

PROLOG_LIMIT = 1024 * 1024
CHUNK = 64 * 1024
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
NETSCAPE = (
    b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
)
_OWN_DECLARATION = re.compile(r"\A<\?xml[ \t\r\n][^>]{0,300}?\?>")


class Refused(FeedParseError):
    """An XML document that is refused before any parser reads it."""


@dataclass
class SafeXml:
    data: bytes
    """UTF-8: newswire's declaration, the Netscape DOCTYPE if there was one, then the
    document from its root element on."""
    problems: list[str] = field(default_factory=list)


class _RootReached(Exception):
    pass


@dataclass
class _Prolog:
    root_at: int | None = None
    netscape: bool = False
    refusal: str | None = None


def _inspect(data: bytes) -> _Prolog:
    """What expat reads before the root element of ``data`` (UTF-8)."""
    prolog = _Prolog()
    parser = expat.ParserCreate(encoding="utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
        if internal:
            prolog.refusal = (
                "the XML declares entities (a DOCTYPE with an internal subset): refused, "
                "entity expansion and external entities are not allowed"
            )
            raise _RootReached
        prolog.netscape = "netscape" in f"{system_id} {public_id}".lower()

    def entity(name: str, *_: object) -> None:
        prolog.refusal = f"the XML declares entities ({name!r}): refused"
        raise _RootReached

    def root(name: str, attributes: object) -> None:
        prolog.root_at = parser.CurrentByteIndex
        raise _RootReached

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.StartElementHandler = root
    try:
        for start in range(0, min(len(data), PROLOG_LIMIT), CHUNK):
            parser.Parse(data[start : start + CHUNK], False)
        if len(data) > PROLOG_LIMIT:
            prolog.refusal = f"no root element in the first {PROLOG_LIMIT} bytes: refused"
        else:
            parser.Parse(b"", True)
    except _RootReached:
        pass
    except expat.ExpatError as exc:
        prolog.refusal = f"not well-formed XML before its root element ({exc}): refused"
    return prolog


def safe_xml(body: bytes, content_type: str | None = None) -> SafeXml:
    """The document, re-encoded with a prolog of its own; or ``Refused`` with the reason."""
    decoded = xml_text(body, content_type)
    text = decoded.text.lstrip()
    declaration = _OWN_DECLARATION.match(text)
    if declaration:
        text = text[declaration.end() :]
    elif text.startswith("<?xml") and text[5:6].isspace():
        raise Refused("the XML declaration is not closed: refused")
    data = DECLARATION + text.encode("utf-8")
    prolog = _inspect(data)
    if prolog.refusal is not None:
        raise Refused(prolog.refusal)
    if prolog.root_at is None:
        raise Refused("no root element: not XML")
    head = DECLARATION + (NETSCAPE if prolog.netscape else b"")
    return SafeXml(head + data[prolog.root_at :], decoded.problems)
