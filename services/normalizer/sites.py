"""Which site a URL belongs to: its registrable domain, by the Public Suffix List.

``example.co.uk`` for ``www.news.example.co.uk``, ``user.github.io`` for a page under it
(private suffixes count: two users of one hosting service are two sites). An IP address is
its own site. The list is the snapshot the pinned ``publicsuffixlist`` package ships
(MPL-2.0); nothing is fetched at run time.
"""

from __future__ import annotations

import functools
import ipaddress
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

_list = PublicSuffixList()


@functools.lru_cache(maxsize=4096)
def site(host: str) -> str | None:
    """The registrable domain of ``host`` (an ASCII host name or IP address), or None."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    found = _list.privatesuffix(host)
    return str(found) if found else None


def same_site(url: str, other: str) -> bool:
    """Whether two http(s) URLs are on one registrable domain."""
    try:
        a, b = urlsplit(url).hostname, urlsplit(other).hostname
    except ValueError:
        return False
    if not a or not b:
        return False
    mine = site(a)
    return mine is not None and mine == site(b)
