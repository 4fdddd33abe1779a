"""Parsing Retry-After: ASCII delta-seconds or an HTTP date, nothing else."""

from __future__ import annotations

from datetime import datetime

from .headers import http_date

MAX_S = 24 * 3600.0


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait (at most a day), or None when the value is neither form."""
    if value is None:
        return None
    value = value.strip(" \t")
    if not value or len(value) > 64:
        return None
    if value.isascii() and value.isdigit():
        return MAX_S if len(value) > 9 else min(MAX_S, float(int(value)))
    when = http_date(value)
    if when is None:
        return None
    return min(MAX_S, max(0.0, (when - now).total_seconds()))
