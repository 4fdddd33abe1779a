"""Reading response headers defensively: what is malformed is ignored or a clear error.

Header values come from servers nobody here controls. A validator (ETag, Last-Modified)
is kept only when it is visible ASCII, so it can be sent back in a later request; dates
and ``max-age`` only in their ASCII forms and within range; a ``Location`` only when it
makes a valid http(s) URL (``BadLocation`` otherwise).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from yarl import URL

MAX_VALIDATOR = 1024
MAX_AGE_S = 366 * 24 * 3600.0
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?([0-9]{1,12})", re.I | re.ASCII)
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?", re.ASCII)


class BadLocation(ValueError):
    pass


def validator(value: str | None) -> str | None:
    """``value`` if it can be sent back as a header: visible ASCII and spaces, else None."""
    if value is None:
        return None
    value = value.strip(" \t")
    if not value or len(value) > MAX_VALIDATOR:
        return None
    if not (value.isascii() and value.isprintable()):
        return None
    return value


def http_date(value: str | None) -> datetime | None:
    """An HTTP date (any of its three forms) as an aware datetime, or None."""
    if not value or len(value) > 64 or not value.isascii():
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def max_age(cache_control: str | None) -> float | None:
    if not cache_control:
        return None
    found = _MAX_AGE.search(cache_control)
    return min(MAX_AGE_S, float(found.group(1))) if found else None


def host_problem(host: str | None) -> str | None:
    """Why ``host`` (a URL's ASCII host) is not a host name or IP address, or None."""
    if not host:
        return "no host"
    if not host.isprintable():  # socket functions raise ValueError on a NUL
        return f"host {host[:100]!r} has control characters"
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return None
    except ValueError:
        pass
    try:
        socket.inet_aton(host)  # 127.1, 2130706433, 0x7f000001: what some resolvers map
        return f"host {host[:100]!r} is an IPv4 address in a non-canonical form"
    except OSError:
        pass
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        return f"host {host[:100]!r} is not a valid host name"
    return None


def location(base: URL, value: str) -> URL:
    """The absolute http(s) URL a redirect points to; ``BadLocation`` when it has none."""
    value = value.strip(" \t")
    if not value or len(value) > 8192:
        raise BadLocation("empty or oversized Location")
    if not value.isprintable():
        raise BadLocation(f"Location {value[:100]!r} has control characters")
    try:
        target = base.join(URL(value))
        host, port, scheme = target.raw_host, target.port, target.scheme
    except (ValueError, TypeError) as exc:  # UnicodeError (bad IDNA) is a ValueError
        raise BadLocation(f"Location {value[:100]!r} is not a valid URL: {exc}") from None
    if scheme not in ("http", "https"):
        raise BadLocation(f"Location {value[:100]!r}: scheme {scheme!r} refused")
    problem = host_problem(host)
    if problem:
        raise BadLocation(f"Location {value[:100]!r}: {problem}")
    if port is None or not 0 < port < 65536:
        raise BadLocation(f"Location {value[:100]!r}: port out of range")
    return target
