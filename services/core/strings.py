"""Text that can be written: no lone surrogates.

A JSON document may hold ``"\\ud800"`` and an XML parser may turn ``&#xd800;`` into the
same: a Python string that has no UTF-8 form, which fails wherever it is hashed, keyed or
written. ``well_formed`` replaces each lone surrogate with U+FFFD.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (itself when it has none)."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def well_formed_or_none(text: str | None) -> str | None:
    return None if text is None else well_formed(text)
