"""The parsers' error."""

from __future__ import annotations

from ...core.errors import RecordError


class FeedParseError(RecordError):
    """A document is not a readable feed, or is refused (entity declarations)."""

    stage = "parse"
