"""The address rule and the guard's two checks (resolver and socket), without a network."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from services.ingester.fetch import Guard, refusal
from services.ingester.fetch.addresses import networks
from services.ingester.fetch.guard import AddressRefused, NotResolved

REFUSED = {
    # IPv4 special-purpose registry, multicast, broadcast
    "0.0.0.0": "'this network'",
    "10.1.2.3": "private",
    "100.64.0.1": "shared (CGNAT)",
    "127.0.0.1": "loopback",
    "127.255.255.254": "loopback",
    "169.254.169.254": "link-local",
    "172.16.0.1": "private",
    "192.0.0.9": "IETF protocol assignment",
    "192.0.2.1": "documentation",
    "192.31.196.1": "AS112",
    "192.52.193.1": "AMT",
    "192.88.99.1": "6to4 relay anycast",
    "192.168.1.1": "private",
    "192.175.48.1": "AS112 direct delegation",
    "198.18.0.1": "benchmarking",
    "198.51.100.7": "documentation",
    "203.0.113.9": "documentation",
    "224.0.0.1": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "broadcast",
    # IPv6 outside global unicast
    "::1": "loopback",
    "::": "unspecified",
    "fc00::1": "unique-local",
    "fd12:3456::1": "unique-local",
    "fe80::1": "link-local",
    "fec0::1": "site-local",
    "feff::1": "site-local",
    "ff02::1": "multicast",
    "100::1": "discard-only",
    "64:ff9b:1::a00:1": "NAT64 local-use",
    "4000::1": "outside IPv6 global unicast",
    # IPv6 special-purpose inside 2000::/3
    "2001:db8::1": "documentation",
    "3fff::1": "documentation",
    "2001:2::1": "IETF protocol assignment",
    "2001:10::1": "IETF protocol assignment",
    "5f00::1": "segment routing",
    # IPv6 forms that carry a refused IPv4 address
    "::ffff:127.0.0.1": "IPv4-mapped form of 127.0.0.1, a loopback",
    "::ffff:10.0.0.1": "IPv4-mapped form of 10.0.0.1, a private",
    "::ffff:169.254.169.254": "IPv4-mapped form of 169.254.169.254",
    "::127.0.0.1": "IPv4-compatible form of 127.0.0.1",
    "::8.8.8.8": "IPv4-compatible address",
    "2002:7f00:1::": "6to4 form of 127.0.0.1",
    "2002:a00:1::1": "6to4 form of 10.0.0.1",
    "2002:c0a8:101::": "6to4 form of 192.168.1.1",
    "64:ff9b::7f00:1": "NAT64 form of 127.0.0.1",
    "64:ff9b::a9fe:a9fe": "NAT64 form of 169.254.169.254",
    # Teredo: server 65.54.227.120, client 127.0.0.1 (stored inverted: 0x80fffffe)
    "2001:0:4136:e378:8000:63bf:80ff:fffe": "Teredo form of 127.0.0.1",
}

PUBLIC = [
    "93.184.215.14",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82b::200e",
    "::ffff:93.184.215.14",  # mapped, of a public address
    "64:ff9b::5db8:d70e",  # NAT64 (DNS64) of a public address
    "2002:5db8:d70e::1",  # 6to4 of a public address
]


@pytest.mark.parametrize(("address", "why"), sorted(REFUSED.items()))
def test_special_addresses_are_refused_with_their_reason(address: str, why: str) -> None:
    reason = refusal(ipaddress.ip_address(address))
    assert reason is not None and why in reason, (address, reason)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_the_allow_list_permits_ranges_and_the_ipv4_an_ipv6_form_carries() -> None:
    allow = networks(["127.0.0.1/32", "fd00::/8"])
    assert refusal(ipaddress.ip_address("127.0.0.1"), allow) is None
    assert refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allow) is None
    assert refusal(ipaddress.ip_address("fd00::2"), allow) is None
    assert refusal(ipaddress.ip_address("127.0.0.2"), allow) == "a loopback address"


def lookup_of(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    async def lookup(host: str, port: int) -> list[str]:
        return table[host]

    return lookup


async def test_the_resolver_refuses_a_name_if_any_address_is_refused() -> None:
    guard = Guard(lookup=lookup_of({"mixed.test": ["93.184.215.14", "2002:7f00:1::"],
                                    "public.test": ["93.184.215.14", "2606:4700::1"],
                                    "none.test": []}))  # fmt: skip
    with pytest.raises(
        AddressRefused, match=r"mixed\.test resolves to 2002:7f00:1::, the 6to4 form of 127"
    ):
        await guard.resolve("mixed.test", 80)
    assert [str(a) for a in await guard.resolve("public.test", 80)] == [
        "93.184.215.14",
        "2606:4700::1",
    ]
    with pytest.raises(NotResolved):
        await guard.resolve("none.test", 80)
    with pytest.raises(AddressRefused, match="address ::1, a loopback"):
        await guard.resolve("[::1]", 80)


@pytest.mark.parametrize("address", sorted(REFUSED))
def test_the_socket_factory_refuses_before_any_socket_exists(address: str) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sockaddr = (address, 80, 0, 0) if family == socket.AF_INET6 else (address, 80)
    with pytest.raises(AddressRefused):
        Guard().socket_factory((family, socket.SOCK_STREAM, 6, "", sockaddr))


def test_the_socket_factory_makes_a_socket_for_an_allowed_address() -> None:
    guard = Guard(networks(["127.0.0.1/32"]))
    sock = guard.socket_factory((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)))
    sock.close()
