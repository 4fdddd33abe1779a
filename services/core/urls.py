"""The URLs newswire writes: http or https only, resolved, in one spelling.

Every URL field of a record (an item's link, its enclosures, the links and images of an
article) comes from documents nobody here wrote. ``http_url`` keeps a URL only when it is
an absolute http(s) URL once resolved against its base, with a real host; it returns it
in one spelling: scheme and host in lower case, an international host in IDNA 2008 (the
name the fetcher looks up), no default port, no user name or password, characters that a
URL cannot hold percent-encoded (escapes in upper case), an empty path as ``/``. Anything else
(``javascript:``, ``data:``, ``mailto:``, a relative URL without a base, a host that is no
host name or IP address, an IPv4 address in a non-canonical form such as ``0177.0.0.1``,
a URL with control characters) is None, for the caller to record as dropped.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import idna

SCHEMES = {"http": 80, "https": 443}
MAX_URL_CHARS = 8192
_STRIPPED = re.compile(r"[\t\n\r]")  # dropped inside URLs, as browsers do
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?", re.ASCII)
_NUMERIC = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.ASCII)
_ESCAPE = re.compile(r"%([0-9a-fA-F]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9a-fA-F]{2})")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def _host(hostname: str) -> str | None:
    """The host in its canonical ASCII form, or None when it is none."""
    host = hostname.rstrip(".")
    if not host:
        return None
    if ":" in host:  # an IPv6 literal (urlsplit took the brackets off)
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")  # IDNA 2008, as fetched
        except (UnicodeError, ValueError):
            return None
    labels = host.split(".")
    if _NUMERIC.fullmatch(labels[-1]):  # an IPv4 address, in its one canonical form only
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            return None
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return host


def _escaped(part: str, safe: str) -> str:
    part = _LONE_PERCENT.sub("%25", part)
    part = quote(part, safe=safe, encoding="utf-8", errors="strict")
    return _ESCAPE.sub(lambda m: "%" + m.group(1).upper(), part)


def http_url(url: str | None, base: str | None = None) -> str | None:
    """``url`` resolved against ``base``, when it is an http(s) URL; else None."""
    if not url:
        return None
    url = _STRIPPED.sub("", url.strip(" \t\n\r\f\v"))
    if not url or len(url) > MAX_URL_CHARS or _CONTROL.search(url):
        return None
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        return None
    host = _host(parts.hostname)
    if host is None:
        return None
    netloc = host if port in (None, SCHEMES[scheme]) else f"{host}:{port}"
    try:
        path = _escaped(parts.path or "/", _PATH_SAFE)
        query = _escaped(parts.query, _QUERY_SAFE)
        fragment = _escaped(parts.fragment, _QUERY_SAFE)
    except UnicodeError:
        return None
    return urlunsplit((scheme, netloc, path, query, fragment))
