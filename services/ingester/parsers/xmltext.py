"""An XML document's bytes as text, read in the encoding it has (XML 1.0, appendix F).

Order of authority: a byte-order mark (UTF-8, UTF-16, UTF-32); the charset of the HTTP
Content-Type (RFC 7303); the encoding named in the XML declaration, read in the family the
first bytes show (UTF-32 and UTF-16 without a mark, EBCDIC, or ASCII-compatible). A name
is used only when it is a text encoding of ``TEXT_ENCODINGS`` (or an EBCDIC code page for
an EBCDIC document): ``punycode``, ``idna``, ``undefined``, ``rot13``, ``utf-7`` and the
like count as undeclared. When the declared encoding cannot decode the bytes, UTF-8 is
tried, then windows-1252, then ISO-8859-1 (which always succeeds); that the document was
read otherwise than declared is a recorded problem, not a failure.

Characters that XML forbids (C0 controls other than tab and line ends, U+FFFE, U+FFFF)
and character references to them (``&#0;``, ``&#xd800;``, ``&#1114112;``...) become
U+FFFD, also recorded: a strict parser then reads the feed instead of giving up on it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from ..fetch.charsets import ALLOWED, charset

EBCDIC = frozenset(codecs.lookup(n).name for n in ("cp037", "cp500", "cp1140", "cp273"))
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_FAMILIES = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),
)
_DECLARED = re.compile(
    r"""\A\s*<\?xml\s[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]{0,39})["']"""
)
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,24}));")
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class XmlText:
    text: str
    problems: list[str] = field(default_factory=list)


def _codec(name: str | None, family: str) -> str | None:
    """The codec ``name`` stands for, when it is allowed and agrees with the first bytes."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if family == "cp037":
        return codec if codec in EBCDIC else None
    if family.startswith(("utf-16", "utf-32")):  # the name can only confirm the family
        return family if codec.startswith(family[:6]) else None
    wide = codec.startswith(("utf-16", "utf-32"))
    return codec if codec in ALLOWED and not wide else None


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _cleaned(text: str, problems: list[str]) -> str:
    bad_refs = 0

    def ref(m: re.Match[str]) -> str:
        nonlocal bad_refs
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        if _xml_char(code):
            return m.group(0)
        bad_refs += 1
        return "&#xFFFD;"

    if "&#" in text:
        text = _CHAR_REF.sub(ref, text)
    text, bad_chars = _FORBIDDEN.subn("\ufffd", text)
    if bad_refs or bad_chars:
        problems.append(
            f"{bad_refs + bad_chars} characters that XML does not allow replaced with U+FFFD"
        )
    return text


def xml_text(body: bytes, content_type: str | None = None) -> XmlText:
    """The document as text, in the encoding it has; never raises on any bytes."""
    problems: list[str] = []
    declared_by = ""
    family = "utf-8"
    first: str | None = None
    for bom, codec in _BOMS:
        if body.startswith(bom):
            body, first, family, declared_by = body[len(bom) :], codec, codec, "byte-order mark"
            break
    else:
        family = next((codec for head, codec in _FAMILIES if body.startswith(head)), "utf-8")
        first, declared_by = _codec(charset(content_type), family), "HTTP charset"
        if first is None:
            head = body[:1024].decode(family if family != "utf-8" else "latin-1", "replace")
            found = _DECLARED.match(head)
            first = _codec(found.group(1), family) if found else None
            declared_by = "XML declaration"
            if found and first is None:
                problems.append(f"the declared encoding {found.group(1)!r} is not used")
        if first is None and family != "utf-8":
            first, declared_by = family, "its first bytes"
    tried = [c for c in (first, "utf-8", "windows-1252", "iso-8859-1") if c]
    for codec in dict.fromkeys(tried):
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if first is not None and codec != first:
            problems.append(f"declared {first} ({declared_by}), read as {codec}")
        return XmlText(_cleaned(text.removeprefix("\ufeff"), problems), problems)
    raise AssertionError("iso-8859-1 decodes any bytes")  # pragma: no cover
