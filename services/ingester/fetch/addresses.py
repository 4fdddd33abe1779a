"""Refusing URLs that point inside the network (SSRF protection).

Every address the host name resolves to is checked, at every redirect hop, right before
the request. A resolver that answers differently a moment later (DNS rebinding) could
still slip through between the check and the connection; an egress proxy that enforces
the same rule closes that gap for deployments that need it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence

import httpx

from .errors import RefusedURL

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

CGNAT = ipaddress.ip_network("100.64.0.0/10")


def networks(cidrs: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(c, strict=False) for c in cidrs]


def forbidden(address: Address) -> str | None:
    """Why ``address`` must not be fetched, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    checks = (
        ("loopback", address.is_loopback),
        ("private", address.is_private),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
        ("shared (CGNAT)", isinstance(address, ipaddress.IPv4Address) and address in CGNAT),
    )
    for reason, hit in checks:
        if hit:
            return reason
    return None


async def resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise RefusedURL(host, f"cannot resolve: {exc.strerror}") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


async def check_url(url: httpx.URL, allow: Sequence[Network]) -> None:
    """Raise ``RefusedURL`` unless ``url`` is http(s) to public addresses (or allowed ones)."""
    if url.scheme not in ("http", "https"):
        raise RefusedURL(str(url), f"scheme {url.scheme!r} refused: only http and https")
    if not url.host:
        raise RefusedURL(str(url), "no host")
    port = url.port or (443 if url.scheme == "https" else 80)
    for address in await resolve(url.host, port):
        reason = forbidden(address)
        if reason and not any(address in net for net in allow):
            raise RefusedURL(
                str(url),
                f"resolves to {address}, a {reason} address: refused "
                "(NEWSWIRE_FETCH_ALLOW_NETWORKS permits ranges)",
            )
