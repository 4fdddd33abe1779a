"""Which addresses may be fetched: public unicast only (SSRF protection).

``refusal(address)`` says why an address must not be connected to, or None. Refused:
every block of the IANA IPv4 and IPv6 special-purpose address registries, multicast,
IPv6 outside global unicast (2000::/3, which leaves out site-local fec0::/10, unique-local
fc00::/7, link-local fe80::/10...), and every IPv6 form that carries an IPv4 address
(IPv4-mapped, IPv4-compatible, 6to4, NAT64, Teredo) when the IPv4 address it carries is
refused. The check is applied where the connection is made (``guard.py``), to the very
address connected to.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _table(rows: Sequence[tuple[str, str]]) -> list[tuple[Network, str]]:
    """The blocks, most specific first (so a block inside another gets its own name)."""
    table = [(ipaddress.ip_network(cidr), name) for cidr, name in rows]
    return sorted(table, key=lambda row: -row[0].prefixlen)


# IANA IPv4 Special-Purpose Address Registry (RFC 6890 and updates), plus multicast and the
# limited broadcast address. A block listed as globally reachable there is refused too: no
# feed is served from an anycast relay or a protocol-assignment block.
SPECIAL_V4 = _table(
    [
        ("0.0.0.0/8", "'this network'"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignment"),
        ("192.0.2.0/24", "documentation (TEST-NET-1)"),
        ("192.31.196.0/24", "AS112"),
        ("192.52.193.0/24", "AMT"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("192.175.48.0/24", "AS112 direct delegation"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation (TEST-NET-2)"),
        ("203.0.113.0/24", "documentation (TEST-NET-3)"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("255.255.255.255/32", "broadcast"),
    ]
)

# IANA IPv6 Special-Purpose Address Registry inside global unicast (2000::/3); everything
# outside 2000::/3 is refused as a whole (loopback, unspecified, unique-local, link-local,
# site-local, multicast, discard-only, the IETF-reserved space).
SPECIAL_V6 = _table(
    [
        ("2001::/23", "IETF protocol assignment (Teredo, benchmarking, ORCHID, AMT...)"),
        ("2001:db8::/32", "documentation"),
        ("2620:4f:8000::/48", "AS112 direct delegation"),
        ("3fff::/20", "documentation"),
    ]
)
GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
OUTSIDE_GLOBAL_V6 = _table(
    [
        ("::1/128", "loopback"),
        ("::/128", "unspecified"),
        ("64:ff9b:1::/48", "NAT64 local-use"),
        ("100::/64", "discard-only"),
        ("100:0:0:1::/64", "dummy prefix"),
        ("5f00::/16", "segment routing (SRv6 SIDs)"),
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    ]
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
COMPATIBLE = ipaddress.ip_network("::/96")


def networks(cidrs: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(c, strict=False) for c in cidrs]


def _named(address: Address, table: list[tuple[Network, str]]) -> str | None:
    for net, name in table:
        if address.version == net.version and address in net:
            return name
    return None


def _v4_refusal(address: ipaddress.IPv4Address) -> str | None:
    name = _named(address, SPECIAL_V4)
    return f"a {name} address" if name else None


def embedded_v4(address: ipaddress.IPv6Address) -> tuple[str, list[ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, with the name of the form, if any."""
    if address.ipv4_mapped is not None:
        return "IPv4-mapped", [address.ipv4_mapped]
    if address.sixtofour is not None:
        return "6to4", [address.sixtofour]
    if address.teredo is not None:
        return "Teredo", list(address.teredo)
    if address in NAT64:
        return "NAT64", [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    if address in COMPATIBLE and int(address) > 1:
        return "IPv4-compatible", [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return "", []


def refusal(address: Address, allow: Sequence[Network] = ()) -> str | None:
    """Why ``address`` must not be connected to, or None (``allow`` permits ranges)."""
    if any(address.version == net.version and address in net for net in allow):
        return None
    if isinstance(address, ipaddress.IPv4Address):
        return _v4_refusal(address)
    form, carried = embedded_v4(address)
    for v4 in carried:
        if any(v4 in net for net in allow if net.version == 4):
            continue
        why = _v4_refusal(v4)
        if why:
            return f"the {form} form of {v4}, {why}"
    if form == "IPv4-compatible":
        return "an IPv4-compatible address (deprecated, never routed)"
    if form in ("IPv4-mapped", "6to4", "Teredo", "NAT64"):
        return None  # the IPv4 address it carries is public
    if address not in GLOBAL_UNICAST:
        name = _named(address, OUTSIDE_GLOBAL_V6)
        return f"a {name} address" if name else "outside IPv6 global unicast (2000::/3)"
    name = _named(address, SPECIAL_V6)
    return f"a {name} address" if name else None
