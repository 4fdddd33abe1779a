"""Keeping every raw item within the largest record the broker takes.

An item's record is encoded before it is queued. One over the record limit
(``NEWSWIRE_MAX_RECORD_BYTES``) would make
its whole transaction fail, again on every try; so its ``page_html`` (the fetched article
page, the one field that can be that large) is cut to fit, and the cut is recorded; an
item still too large without it is dead-lettered with its size, not produced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.records import RawItem
from ..core.settings import DEFAULTS
from ..core.transform import Output, encoded_size

SLACK = 0.98


@dataclass(frozen=True, slots=True)
class Fitted:
    output: Output | None
    """The item's record within the limit, or None: it cannot be made to fit."""
    note: str | None = None
    """What was done (``page_html`` cut) or why it does not fit."""


def fitted(
    item: RawItem, encode: Callable[[RawItem], Output], limit: int = DEFAULTS.max_record_bytes
) -> Fitted:
    out = encode(item)
    size = encoded_size(out)
    if size <= limit:
        return Fitted(out)
    html = item.page_html
    if html:
        keep = len(html)
        for _ in range(8):
            keep = int(keep * limit / size * SLACK)
            if keep <= 0:
                break
            out = encode(item.model_copy(update={"page_html": html[:keep]}))
            size = encoded_size(out)
            if size <= limit:
                note = (
                    f"page_html cut from {len(html)} to {keep} characters: the item encoded "
                    f"to more than the {limit}-byte limit of a record"
                )
                return Fitted(out, note)
        bare = encode(item.model_copy(update={"page_html": None}))
        size = encoded_size(bare)
        if size <= limit:
            return Fitted(bare, f"page_html dropped: the item encoded to more than {limit}")
    return Fitted(None, f"the raw item encodes to {size} bytes, over the {limit}-byte limit")
