"""Where a piece of extracted text sits in the page it came from.

Main-content extraction returns text, not the page's elements; the lead, the article's
links and images, and its byline need the elements back. The page's text nodes (those
of ``<body>``, outside scripts and styles) are joined once, in document order, into one
string; a snippet is searched in it word by word (any whitespace between words, markup
between them allowed), and the smallest element that holds the text nodes where the
match starts and ends is the snippet's element.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lxml.etree import iterwalk
from lxml.html import HtmlElement

NOT_TEXT = {"script", "style", "noscript", "template", "head", "title", "svg"}


class TextIndex:
    """The text of a page's ``<body>``, searchable, with the element of every character."""

    def __init__(self, tree: HtmlElement) -> None:
        body = tree.find(".//body")
        root = body if body is not None else tree
        owners: list[HtmlElement] = []
        parts: list[str] = []
        walk = iterwalk(root, events=("start", "end", "comment", "pi"))
        for event, element in walk:  # document order: an element's text, then its tail
            if event == "start":
                if element.tag in NOT_TEXT:
                    walk.skip_subtree()  # its content is no text, its tail is
                elif element.text:
                    owners.append(element)
                    parts.append(element.text)
            elif element.tail and element is not root:
                parent = element.getparent()
                if parent is not None:
                    owners.append(parent)
                    parts.append(element.tail)
        self.text = "".join(parts)
        self._owners = owners
        self._starts = []
        offset = 0
        for part in parts:
            self._starts.append(offset)
            offset += len(part)

    def _owner(self, offset: int) -> HtmlElement:
        return self._owners[bisect_right(self._starts, offset) - 1]

    def find(self, snippet: str, words: int | None = None) -> HtmlElement | None:
        """The smallest element holding ``snippet`` (its first ``words`` words when given),
        or None when the page's text does not have it."""
        wanted = snippet.split()[:words]
        if not wanted:
            return None
        spaced = " ".join(wanted)  # how most pages write it: found without a pattern
        start = self.text.find(spaced)
        if start >= 0:
            end = start + len(spaced)
        elif match := re.search(r"\s+".join(map(re.escape, wanted)), self.text):
            start, end = match.span()
        else:
            return None
        return common_ancestor([self._owner(start), self._owner(end - 1)])


def common_ancestor(elements: list[HtmlElement]) -> HtmlElement | None:
    """The deepest element that contains all of ``elements``."""
    if not elements:
        return None
    shared = list(reversed([elements[0], *elements[0].iterancestors()]))
    for element in elements[1:]:
        chain = list(reversed([element, *element.iterancestors()]))
        depth = 0
        while depth < min(len(shared), len(chain)) and shared[depth] is chain[depth]:
            depth += 1
        shared = shared[:depth]
    return shared[-1] if shared else None


ANCHOR_PARAGRAPHS = 3  # paragraphs from each end of the text that locate the article
ANCHOR_WORDS = 8  # words of a paragraph that find it in the page
REGION_LEVELS = 2


def anchor_blocks(index: TextIndex, text: str) -> list[HtmlElement]:
    """The elements of the first and last few paragraphs of ``text`` (one per line) that
    are long enough to be found with confidence, in order; those not found are left out."""
    lines = [line for line in text.split("\n") if len(line.split()) >= ANCHOR_WORDS]
    anchors = lines[:ANCHOR_PARAGRAPHS] + lines[-ANCHOR_PARAGRAPHS:]
    found = (index.find(line, ANCHOR_WORDS) for line in anchors)
    return [block for block in found if block is not None]


def article_region(element: HtmlElement) -> HtmlElement:
    """The article around the element that holds its text: the ``<article>`` element
    that contains it if there is one, else the element two levels up (where headers and
    bylines sit)."""
    if element.tag == "article":
        return element
    region = next(element.iterancestors("article"), None)
    if region is not None:
        return region
    region = element
    for _ in range(REGION_LEVELS):
        parent = region.getparent()
        if parent is None or parent.tag in ("html", "body"):
            break
        region = parent
    return region
