"""Parsing Retry-After: delta-seconds or an HTTP date."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MAX_S = 24 * 3600.0


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return min(MAX_S, float(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(MAX_S, max(0.0, (when - now).total_seconds()))
