"""Embedded social-media posts: found, structured, and cut out of the article text.

Pages embed posts as ``<blockquote class="twitter-tweet">``; once a page is flattened to
text (or copied by hand), what is left is the post's text followed by a signature line:

    Ukraine must win. Russia must pay. pic.twitter.com/BUsDxCt2jc
    — Damian Boeselager (@d_boeselager) October 22, 2024

The signature is recognised, the post's lines are the short lines just above it (back to
the line that introduces it, ending with a colon, or to a paragraph too long for a post).

Where the HTML is at hand, the embed's own element says where the post starts and ends:
``take_embeds`` cuts the blockquote embeds (X/Twitter, Instagram, TikTok) out of a parsed
page before its text is extracted, ``take_html_embeds`` out of a feed's HTML before it is
flattened, so no paragraph around them goes with them.
"""

from __future__ import annotations

import re
from datetime import datetime

from lxml.etree import ParserError, XPath
from lxml.html import HtmlElement, fragment_fromstring, tostring

from ..core.plaintext import collapse
from ..core.records import Embed
from .canonical import canonical_url
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


PLATFORMS = {
    "twitter-tweet": "twitter",
    "twitter-video": "twitter",
    "instagram-media": "instagram",
    "tiktok-embed": "tiktok",
}
_EMBED_BLOCKS = XPath(
    "//blockquote["
    + " or ".join(
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')" for name in PLATFORMS
    )
    + "]"
)
_BY = re.compile(
    r"^[\u2014\u2013-]{1,2}\s*(?P<author>[^()\n]{1,80}?)\s*\((?P<handle>@\w{1,30})\)\s*(?P<date>.*)$"
)
POST_PATHS = ("/status/", "/p/", "/reel/", "/video/")  # a post's own link, by platform


def _platform(block: HtmlElement) -> str:
    classes = (block.get("class") or "").split()
    return next((PLATFORMS[c] for c in classes if c in PLATFORMS), "twitter")


def _embed(block: HtmlElement) -> Embed | None:
    paragraphs = block.findall(".//p")
    if paragraphs:  # the post's paragraphs, then its signature: "— Name (@handle) date"
        lines = [collapse(p.text_content()) for p in paragraphs]
        last = paragraphs[-1]
        after = [last.tail or ""] + [e.text_content() + (e.tail or "") for e in last.itersiblings()]
        signature = collapse("".join(after))
    else:
        lines, signature = [collapse(block.text_content())], ""
    body = [s for s in (strip_pic_links(line) for line in lines) if s]
    if not body:
        return None
    media = [link for line in lines for link in pic_links(line)]
    by = _BY.match(signature)
    status = [str(h) for h in block.xpath(".//a/@href") if any(p in h for p in POST_PATHS)]
    date = by["date"].strip() if by and by["date"].strip() else None
    return Embed(
        platform=_platform(block),
        author=by["author"].strip() if by else None,
        handle=by["handle"] if by else None,
        date=(_iso_date(date) or date) if date else None,
        text="\n".join(body),
        url=canonical_url(status[-1]) if status else (media[0] if media else None),
    )


def take_embeds(tree: HtmlElement) -> list[Embed]:
    """The blockquote embeds of a parsed page, cut out of it (their tail text stays)."""
    blocks = _EMBED_BLOCKS(tree)
    assert isinstance(blocks, list)
    embeds = []
    for block in blocks:
        if any(a in blocks for a in block.iterancestors("blockquote")):
            continue
        embed = _embed(block)
        if embed is not None:
            embeds.append(embed)
        block.drop_tree()
    return embeds


def take_html_embeds(html: str) -> tuple[str, list[Embed]]:
    """``html`` (a feed's content) without its blockquote embeds, and the embeds."""
    if not any(name in html for name in PLATFORMS):
        return html, []
    try:
        root = fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):  # not parseable as a fragment: left to the residue rule
        return html, []
    embeds = take_embeds(root)
    return tostring(root, encoding="unicode"), embeds
