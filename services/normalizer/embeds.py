"""Embedded social-media posts: found, structured, and cut out of the article text.

Pages embed posts as ``<blockquote class="twitter-tweet">``; once a page is flattened to
text (or copied by hand), what is left is the post's text followed by a signature line:

    Ukraine must win. Russia must pay. pic.twitter.com/BUsDxCt2jc
    — Damian Boeselager (@d_boeselager) October 22, 2024

The signature is recognised, the post's lines are the short lines just above it (back to
the line that introduces it, ending with a colon, or to a paragraph too long for a post).
"""

from __future__ import annotations

import re
from datetime import datetime

from ..core.records import Embed
from .litter import pic_links, strip_pic_links

_SIGNATURE = re.compile(
    r"^[\u2014\u2013-]{1,2}\s*(?P<author>[^()\n]{1,80}?)\s*\((?P<handle>@\w{1,30})\)\s*"
    r"(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})\s*$"
)
MAX_POST_CHARS = 700
MAX_LINE_CHARS = 320


def _iso_date(text: str) -> str | None:
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def cut_embeds(paragraphs: list[str]) -> tuple[list[str], list[Embed]]:
    """The paragraphs without embedded posts, and the posts."""
    keep = list(paragraphs)
    embeds: list[Embed] = []
    i = 0
    while i < len(keep):
        match = _SIGNATURE.match(keep[i].strip())
        if not match:
            i += 1
            continue
        start = i
        size = 0
        while start > 0:
            line = keep[start - 1]
            if line.rstrip().endswith(":") or len(line) > MAX_LINE_CHARS:
                break
            if size + len(line) > MAX_POST_CHARS:
                break
            size += len(line)
            start -= 1
        body = keep[start:i]
        media = [link for line in body for link in pic_links(line)]
        text = "\n".join(s for s in (strip_pic_links(line) for line in body) if s)
        embeds.append(
            Embed(
                platform="twitter",
                author=match["author"].strip(),
                handle=match["handle"],
                date=_iso_date(match["date"]) or match["date"],
                text=text,
                url=media[0] if media else None,
            )
        )
        del keep[start : i + 1]
        i = start
    return keep, embeds
