"""The charset a response declares, used only when it is a text encoding we allow.

Python's codec registry also holds codecs that are not text encodings of web pages and
some whose decoding is slow on hostile input (punycode and idna are quadratic; base64,
rot13, uu, zlib, utf-7...). A declared charset is used only when it names one of the text
encodings below; anything else counts as undeclared (a feed is then read by its XML
declaration, a page by its ``<meta>``: ``pagecharset``; else as UTF-8, with replacement
characters for what is not).
"""

from __future__ import annotations

import codecs

TEXT_ENCODINGS = (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
    "utf-32-be", "ascii", "iso-8859-1", "iso-8859-2", "iso-8859-3", "iso-8859-4",
    "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-10",
    "iso-8859-11", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16",
    "windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254",
    "windows-1255", "windows-1256", "windows-1257", "windows-1258", "koi8-r", "koi8-u",
    "cp866", "cp874", "mac-roman", "mac-cyrillic", "shift_jis", "cp932", "euc-jp",
    "iso-2022-jp", "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "euc-kr", "cp949",
    "tis-620",
)  # fmt: skip
ALLOWED = frozenset(codecs.lookup(name).name for name in TEXT_ENCODINGS)
MAX_NAME = 40


def allowed_codec(label: str) -> str | None:
    """The codec an encoding label names, when it is an allowed text encoding."""
    name = label.strip(" \t\n\f\r\"'")
    if not name or len(name) > MAX_NAME or not name.isascii():
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return codec if codec in ALLOWED else None


def charset(content_type: str | None) -> str | None:
    """The declared charset's codec name when it is an allowed text encoding, else None."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return allowed_codec(value)
    return None


def media_type(content_type: str | None) -> str | None:
    """``type/subtype; charset=...`` with the charset only when it is allowed."""
    if not content_type:
        return None
    kind = content_type.split(";", 1)[0].strip().lower()
    if not kind.isascii() or not kind.isprintable():
        return None
    codec = charset(content_type)
    return f"{kind}; charset={codec}" if codec else kind
