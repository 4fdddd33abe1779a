"""The encoding of an article page, found as a browser finds it, and the page decoded.

In the order of the HTML standard's encoding sniffing: a byte-order mark (UTF-8, UTF-16)
wins; else the charset of the ``Content-Type`` header; else what the page declares in its
first 1,024 bytes, read by the standard's prescan (``<meta charset>``, or ``<meta
http-equiv="Content-Type" content="...; charset=...">``, comments and other tags skipped);
else UTF-8. A name counts only when it is an allowed text encoding (``charsets``): a
declared ``utf-7`` or ``punycode`` is no declaration. As the standard says, a ``<meta>``
that names UTF-16 or UTF-32 means UTF-8 (the prescan could read it, so it is not), and the
labels browsers read as windows-1252 (``iso-8859-1``, ``us-ascii``...) are read so. What
does not decode in the encoding found becomes U+FFFD.
"""

from __future__ import annotations

import codecs
import re

from .charsets import allowed_codec, charset

PRESCAN_BYTES = 1024
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
AS_BROWSERS_READ = {
    "ascii": "cp1252", "iso8859-1": "cp1252", "iso8859-9": "cp1254",
    "iso8859-11": "cp874", "tis-620": "cp874", "gb2312": "gbk",
}  # fmt: skip
"""Encodings whose labels browsers read as a superset (the WHATWG Encoding standard)."""

_TAG_END = (b" ", b"\t", b"\n", b"\f", b"\r", b"/")
_ATTRIBUTE = re.compile(
    rb"""[\s/]*(?P<name>[^\s/>][^\s/>=]*)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]*)))?""",
)
_CHARSET_IN_CONTENT = re.compile(
    rb"""charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))""", re.IGNORECASE
)


def _codec(label: bytes) -> str | None:
    return allowed_codec(label.decode("ascii", "replace")) if label else None


def _attributes(data: bytes, start: int) -> tuple[dict[bytes, bytes], int]:
    """The attributes of a tag from ``start`` (after its name), and where the tag ends."""
    found: dict[bytes, bytes] = {}
    position = start
    while position < len(data):
        while position < len(data) and data[position] in b" \t\n\f\r/":
            position += 1
        if position >= len(data) or data[position : position + 1] == b">":
            return found, position + 1
        m = _ATTRIBUTE.match(data, position)
        if m is None or m.end() == position:
            position += 1
            continue
        name = m.group("name").lower()
        value = m.group("dq") if m.group("dq") is not None else m.group("sq")
        if value is None:
            value = m.group("bare") or b""
        found.setdefault(name, value)
        position = m.end()
    return found, len(data)


def _from_meta(attributes: dict[bytes, bytes]) -> str | None:
    if b"charset" in attributes:
        return _codec(attributes[b"charset"])
    if attributes.get(b"http-equiv", b"").strip().lower() == b"content-type":
        m = _CHARSET_IN_CONTENT.search(attributes.get(b"content", b""))
        if m:
            return _codec(next(g for g in m.groups() if g is not None))
    return None


def prescan(data: bytes) -> str | None:
    """The encoding a page declares in its first bytes (the HTML standard's prescan)."""
    head = data[:PRESCAN_BYTES]
    position = 0
    while True:
        position = head.find(b"<", position)
        if position < 0 or position + 1 >= len(head):
            return None
        if head.startswith(b"<!--", position):
            end = head.find(b"-->", position + 2)
            if end < 0:
                return None
            position = end + 3
            continue
        after = head[position + 1 : position + 2]
        meta = head[position : position + 5].lower() == b"<meta"
        if meta and head[position + 5 : position + 6] in _TAG_END:
            attributes, position = _attributes(head, position + 5)
            if found := _from_meta(attributes):
                return (
                    "utf-8" if found.startswith("utf-16") or found.startswith("utf-32") else found
                )
            continue
        if after.isalpha() or (after == b"/" and head[position + 2 : position + 3].isalpha()):
            name_end = position + 1
            while name_end < len(head) and head[name_end] not in b" \t\n\f\r/>":
                name_end += 1
            _, position = _attributes(head, name_end)  # a '>' in a quoted value is no end
            continue
        if after in (b"!", b"/", b"?"):
            end = head.find(b">", position + 1)
            if end < 0:
                return None
            position = end + 1
            continue
        position += 1


def page_encoding(body: bytes, content_type: str | None) -> tuple[str, int]:
    """The codec a page is read in, and how many bytes of byte-order mark to skip."""
    for bom, codec in BOMS:
        if body.startswith(bom):
            return codec, len(bom)
    codec = charset(content_type) or prescan(body) or "utf-8"
    return AS_BROWSERS_READ.get(codec, codec), 0


def decode_page(body: bytes, content_type: str | None) -> str:
    """An article page as text: its encoding found as above, U+FFFD for what does not
    decode in it."""
    codec, skip = page_encoding(body, content_type)
    return body[skip:].decode(codec, "replace")
