"""An item's identity in its feed, its content hash, and one item per identity.

The identity (key) of an entry is its GUID (an Atom id), else its link, else its title
and date, else what it holds; ``item_id`` hashes it with the source's id, which is the
feed as configured: neither moves when the feed is fetched from elsewhere (a 301), since
nothing the parsers read depends on the fetch URL. The content hash covers the title, link,
summary and content as read; a changed hash under one identity is a new revision.

A document gives one item per identity (``distinct``). Entries that repeat a GUID are
copies of one item when nothing they say conflicts (one may lack a title, or carry another
date): the most complete copy is the item, chosen by how much it says and then by its
content, so the choice is the same on every poll whatever the order of the copies.
Entries that share a GUID but name different pages (link), files (enclosure) or titles
are different items under one broken GUID: each is an item of its own, its key the GUID
and what sets it apart. Either way an unchanged document yields nothing new, however
often it is polled.
"""

from __future__ import annotations

from ..core.ids import content_hash, stable_id
from .parsers import ParsedItem


def item_key(item: ParsedItem) -> str:
    """The identity of an item in its feed: the GUID, else the link, else title and date
    (else, for an entry with none of these, what it holds)."""
    if item.guid:
        return "guid:" + item.guid.strip()
    if item.link:
        return "link:" + item.link.strip()
    if item.title or item.published_raw:
        return "hash:" + stable_id(item.title or "", item.published_raw or "", length=24)
    return "hash:" + item_hash(item)[:24]


def item_hash(item: ParsedItem) -> str:
    return content_hash(item.title, item.link, item.summary_html, item.content_html)


def _completeness(item: ParsedItem) -> tuple[int, str]:
    """How much an entry says, then its content: the same choice whatever the order."""
    filled = sum(
        bool(v)
        for v in (
            item.title, item.link, item.summary_html, item.content_html, item.published_raw,
            item.updated_raw, item.authors, item.categories, item.enclosures,
        )
    )  # fmt: skip
    return filled, item_hash(item)


def _marks(item: ParsedItem) -> tuple[str, str, str]:
    """What sets an entry apart from another under the same GUID: page, file, title."""
    enclosure = item.enclosures[0].url.strip() if item.enclosures else ""
    return (item.link or "").strip(), enclosure, (item.title or "").strip()


def _compatible(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    return all(not x or not y or x == y for x, y in zip(a, b, strict=True))


def _copies(group: list[ParsedItem]) -> list[list[ParsedItem]]:
    """The entries of one key, gathered into items: an entry joins the first item none of
    whose copies it conflicts with."""
    items: list[list[ParsedItem]] = []
    for entry in group:
        marks = _marks(entry)
        for copies in items:
            if all(_compatible(marks, _marks(c)) for c in copies):
                copies.append(entry)
                break
        else:
            items.append([entry])
    return items


def shown(text: str) -> str:
    """A value as a problem quotes it: its first 80 characters."""
    return repr(text[:80] + ("..." if len(text) > 80 else ""))


def distinct(
    entries: list[tuple[str, ParsedItem]],
) -> tuple[list[tuple[str, ParsedItem]], list[str]]:
    """One entry per identity, in the order they first appear, and the problems found."""
    groups: dict[str, list[ParsedItem]] = {}
    for key, item in entries:
        groups.setdefault(key, []).append(item)
    out: list[tuple[str, ParsedItem]] = []
    problems: list[str] = []
    for key, group in groups.items():
        if len(group) == 1:
            out.append((key, group[0]))
            continue
        items = _copies(group)
        if len(items) == 1:
            problems.append(
                f"{len(group)} entries repeat the identity {shown(key)}: the most complete is kept"
            )
            out.append((key, max(group, key=_completeness)))
            continue
        problems.append(
            f"{len(group)} entries share the identity {shown(key)} but are {len(items)} "
            "items (another link, file or title): each is kept"
        )
        for copies in items:
            kept = max(copies, key=_completeness)
            out.append((f"{key}\x1f" + stable_id(*_marks(kept), length=24), kept))
    return out, problems
