"""OPML import: ``newswire feeds import FILE.opml`` adds its feeds to the feed list."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..core.errors import ConfigurationError
from .feedlist import FeedSpec, dump_feed_list, parse_feed_list
from .parsers.errors import FeedParseError
from .parsers.xmlguard import safe_xml


def parse_opml(data: bytes, where: str = "OPML") -> list[FeedSpec]:
    """Every outline with an ``xmlUrl``; enclosing outlines' titles become tags.

    The document goes through the same guard as feeds: one that declares entities is
    refused, and ElementTree reads it re-encoded as UTF-8 with nothing declared."""
    try:
        root = ET.fromstring(safe_xml(data).data)
    except (FeedParseError, ET.ParseError) as exc:
        raise ConfigurationError(f"{where} is not readable OPML: {exc}") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise ConfigurationError(f"{where} is not OPML (no <opml><body>)")
    feeds: list[FeedSpec] = []

    def walk(node: ET.Element, tags: tuple[str, ...]) -> None:
        for outline in node.findall("outline"):
            label = outline.get("title") or outline.get("text")
            url = outline.get("xmlUrl")
            if url and url.lower().startswith(("http://", "https://")):
                categories = tuple(
                    c.strip().strip("/") for c in (outline.get("category") or "").split(",")
                )
                feeds.append(
                    FeedSpec(url=url, name=label, tags=tags + tuple(c for c in categories if c))
                )
            walk(outline, tags + ((label,) if label and not url else ()))

    walk(body, ())
    return feeds


def import_opml(opml: Path, feed_list: Path) -> tuple[int, int]:
    """Merge the OPML's feeds into the YAML feed list; returns (added, already there)."""
    incoming = parse_opml(opml.read_bytes(), str(opml))
    existing = (
        parse_feed_list(feed_list.read_text(encoding="utf-8"), str(feed_list))
        if feed_list.exists()
        else []
    )
    known = {f.url for f in existing}
    added = [f for f in incoming if f.url not in known]
    feed_list.write_text(dump_feed_list(existing + added), encoding="utf-8")
    return len(added), len(incoming) - len(added)
