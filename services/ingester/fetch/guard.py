"""The one place where a fetch's connection is made: resolve once, check, connect there.

The HTTP client (aiohttp) resolves a host name through ``GuardedResolver`` and connects to
the addresses it returned, with the name itself for the Host header and TLS (SNI and
certificate check). The resolver looks the name up once (the very name the connection is
for: the URL's ASCII form) and refuses it if any address it got is refused. Every socket
is then made by ``Guard.socket_factory``, which checks the address it is about to connect
to once more: IP literals, which never reach the resolver, are checked there, and nothing
connects to an address that was not checked. So a resolver that answers differently on a
second lookup (DNS rebinding) has no second lookup to answer.

A proxy named in the environment is trusted: its own address is not checked, and it makes
the connection to the target itself, so a proxied fetch checks the target name by a lookup
of its own before the request (the proxy's lookup is the one that counts then).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence

from aiohttp.abc import AbstractResolver, ResolveResult

from .addresses import Address, Network, refusal

Lookup = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) -> addresses``: how a name is resolved (tests inject their own)."""

AddrInfo = tuple[int, int, int, str, tuple[str, int] | tuple[str, int, int, int]]


class AddressRefused(OSError):
    """Raised inside the client's connect path; the fetcher reports it as ``RefusedURL``."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        where = (
            f"address {address}" if host.strip("[]") == address else f"{host} resolves to {address}"
        )
        super().__init__(
            f"{where}, {reason}: refused (NEWSWIRE_FETCH_ALLOW_NETWORKS permits ranges)"
        )
        self.host = host
        self.address = address


class NotResolved(OSError):
    """The name has no address (the fetcher reports it as ``RefusedURL``)."""


async def system_lookup(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise NotResolved(f"cannot resolve {host}: {exc}") from None
    return [str(info[4][0]) for info in infos]


def _address(text: str) -> Address:
    return ipaddress.ip_address(text.split("%", 1)[0])


class Guard:
    """The address rule, applied when resolving and again to every socket connected."""

    def __init__(
        self,
        allow: Sequence[Network] = (),
        lookup: Lookup = system_lookup,
        proxies: Iterable[str] = (),
    ) -> None:
        self.allow = list(allow)
        self.lookup = lookup
        self.proxy_hosts = {p.lower().strip("[]") for p in proxies}
        self.proxy_addresses: set[Address] = set()
        for host in self.proxy_hosts:
            if _is_literal(host):
                self.proxy_addresses.add(_address(host))

    def check(self, host: str, address: Address) -> None:
        why = refusal(address, self.allow)
        if why is not None:
            raise AddressRefused(host, str(address), why)

    async def resolve(self, host: str, port: int) -> list[Address]:
        """Every address of ``host``, each checked (a proxy's are not, and are remembered)."""
        if _is_literal(host):
            address = _address(host.strip("[]"))
            if address not in self.proxy_addresses:
                self.check(host, address)
            return [address]
        return await self._lookup(host, port)

    async def _lookup(self, host: str, port: int) -> list[Address]:
        try:
            found = [_address(a) for a in await self.lookup(host, port)]
        except ValueError as exc:
            raise NotResolved(f"cannot resolve {host}: {exc}") from None
        if not found:
            raise NotResolved(f"cannot resolve {host}: no address")
        if host.lower().rstrip(".") in self.proxy_hosts:
            self.proxy_addresses.update(found)
            return found
        for address in found:
            self.check(host, address)
        return found

    def socket_factory(self, info: AddrInfo) -> socket.socket:
        family, kind, proto, _, sockaddr = info
        address = _address(str(sockaddr[0]))
        if address not in self.proxy_addresses:
            self.check(str(sockaddr[0]), address)
        return socket.socket(family, kind, proto)


def _is_literal(host: str) -> bool:
    try:
        _address(host.strip("[]"))
    except ValueError:
        return False
    return True


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver: one lookup per connection, every address checked."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = []
        for address in await self.guard.resolve(host, port):
            kind = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            if family in (socket.AF_UNSPEC, kind):
                results.append(
                    ResolveResult(
                        hostname=host,
                        host=str(address),
                        port=port,
                        family=kind,
                        proto=0,
                        flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
                    )
                )
        return results

    async def close(self) -> None:
        return None
