"""The article's lead (standfirst), when main-content extraction left it out.

News and magazine pages often set the lead in its own element above the body (a "teaser",
"intro" or "standfirst" block in the article's header), which main-content extraction
drops as page furniture. Two signs find it:

* the page's description (``<meta name="description">``, ``og:description``) is usually
  the lead: when the page shows it as a block of its own, that block is the lead;
* else an element marked as one (a class or id word such as ``lead``, ``intro``,
  ``teaser``, ``standfirst``, ``dek``), above the body's first paragraph and in the
  article's region, that reads as prose: a sentence or more, ending as a sentence ends,
  without the title, a date or a copyright sign in it.

Neither takes text from navigation, asides, footers, forms, links, lists (where teasers
of other stories sit) or captions, nor text the extraction already has.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ..core.plaintext import collapse
from .locate import TextIndex

MIN_WORDS = 8  # shorter texts are taglines, keyword lists or bylines, not leads
MAX_CHARS = 600  # a lead is a sentence or three
PREFIX_CHARS = 60
OUTSIDE = {"nav", "footer", "aside", "form", "a", "button", "select", "h1", "li", "figcaption"}
LISTS = {"ul", "ol", "dl", "table"}
_MARK = re.compile(
    r"(?:^|[-_\s])(lead|lede|intro|teaser|excerpt|standfirst|summary|dek|deck|subtitle"
    r"|subheadline|abstract|description)(?:$|[-_\s])",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?…\"”»\u2019]$")
_NOT_PROSE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}:\d{2}\b|©")


def _trimmed(description: str) -> str:
    text = collapse(description)
    for cut in ("...", "…", "[…]", "[...]"):
        if text.endswith(cut):
            return text[: -len(cut)].rstrip()
    return text


def _in_furniture(block: HtmlElement) -> bool:
    return any(e.tag in OUTSIDE for e in (block, *block.iterancestors()))


def _is_list(element: HtmlElement) -> bool:
    return element.tag in LISTS or element.find(".//li") is not None


def described_lead(index: TextIndex, description: str | None, have: str, title: str) -> str:
    """The block showing the page's description, when ``have`` (squashed) lacks it."""
    if not description:
        return ""
    wanted = _trimmed(description)
    if len(wanted.split()) < MIN_WORDS or wanted[:PREFIX_CHARS] in have:
        return ""
    block = index.find(wanted)
    if block is None or _in_furniture(block):
        return ""
    lead = collapse(block.text_content())
    if len(lead) > 1.5 * len(wanted) + 40:  # the description is only part of this block
        return ""
    if lead[:PREFIX_CHARS] in have or lead == title:
        return ""
    return lead


def _reads_as_lead(text: str, have: str, title: str) -> bool:
    return (
        len(text.split()) >= MIN_WORDS
        and len(text) <= MAX_CHARS
        and text[:PREFIX_CHARS] not in have
        and bool(_SENTENCE_END.search(text))
        and not (title and title[:40] in text)
        and not _NOT_PROSE.search(text)
    )


def marked_lead(region: HtmlElement, first: HtmlElement, have: str, title: str) -> str:
    """The first element of ``region`` above the body's ``first`` paragraph that is
    marked as a lead and reads as one."""
    holders = {first, *first.iterancestors()}
    for element in region.iter():
        if element is first:
            break
        if not isinstance(element.tag, str) or element in holders:
            continue
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not _MARK.search(marks) or _in_furniture(element) or _is_list(element):
            continue
        text = collapse(element.text_content())
        if _reads_as_lead(text, have, title):
            return text
    return ""


def find_lead(
    index: TextIndex,
    text: str,
    description: str | None,
    title: str | None,
    region: HtmlElement | None,
    first: HtmlElement | None,
) -> str:
    """The lead that ``text`` (the extracted body) lacks, else the empty string."""
    have, heading = collapse(text), collapse(title or "")
    lead = described_lead(index, description, have, heading)
    if not lead and region is not None and first is not None:
        lead = marked_lead(region, first, have, heading)
    return lead
