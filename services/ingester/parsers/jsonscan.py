"""Reading JSON from outside within bounds.

``check_depth`` measures how deep a document nests before any decoder recurses into it
(Python's ``json`` recurses once per level: 100,000 ``[`` raise ``RecursionError``).
``feed_parts`` reads a JSON Feed's root object member by member and its ``items`` array
one element at a time: the first ``max_items`` are kept, the others are counted and
dropped as they are read, so 300,000 items cost the memory of one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 64
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)
_SPACE = re.compile(r"[ \t\n\r]*")
_decoder = json.JSONDecoder()


class JsonError(ValueError):
    """The document is not JSON, nests too deep, or is not the object expected."""


def check_depth(text: str) -> None:
    """Raise ``JsonError`` if arrays and objects nest deeper than ``MAX_DEPTH``."""
    depth = 0
    for match in _TOKENS.finditer(text):
        char = text[match.start()]
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise JsonError(f"nested deeper than {MAX_DEPTH} levels: refused")
        elif char in "]}":
            depth -= 1


@dataclass
class FeedParts:
    members: dict[str, Any] = field(default_factory=dict)
    """The root object's members, ``items`` left out."""
    items: list[Any] = field(default_factory=list)
    """The first ``max_items`` elements of ``items``."""
    count: int = 0
    """How many elements ``items`` has."""


def _skip(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _expect(text: str, pos: int, chars: str) -> str:
    char = text[pos : pos + 1]
    if not char or char not in chars:
        found = repr(char) if char else "the end"
        raise JsonError(f"expected {' or '.join(chars)} at character {pos}, found {found}")
    return char


def _value(text: str, pos: int) -> tuple[Any, int]:
    try:
        return _decoder.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise JsonError(str(exc)) from None


def _items(text: str, pos: int, parts: FeedParts, max_items: int) -> int:
    parts.items, parts.count = [], 0
    pos = _skip(text, pos + 1)
    if text[pos : pos + 1] == "]":
        return pos + 1
    while True:
        value, pos = _value(text, pos)
        parts.count += 1
        if parts.count <= max_items:
            parts.items.append(value)
        pos = _skip(text, pos)
        if _expect(text, pos, ",]") == "]":
            return pos + 1
        pos = _skip(text, pos + 1)


def feed_parts(text: str, max_items: int) -> FeedParts:
    """A JSON object's members, its ``items`` array read one element at a time."""
    check_depth(text)
    parts = FeedParts()
    pos = _skip(text, 0)
    _expect(text, pos, "{")
    pos = _skip(text, pos + 1)
    if text[pos : pos + 1] == "}":
        pos += 1
    else:
        while True:
            _expect(text, pos, '"')
            key, pos = _value(text, pos)
            pos = _skip(text, pos)
            _expect(text, pos, ":")
            pos = _skip(text, pos + 1)
            if key == "items" and text[pos : pos + 1] == "[":
                pos = _items(text, pos, parts, max_items)
            else:
                parts.members[key], pos = _value(text, pos)
            pos = _skip(text, pos)
            if _expect(text, pos, ",}") == "}":
                pos += 1
                break
            pos = _skip(text, pos + 1)
    if _skip(text, pos) != len(text):
        raise JsonError(f"extra data after the object at character {pos}")
    return parts
