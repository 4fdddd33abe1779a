"""The fetcher connects only to the addresses it checked: IDNA, rebinding, IPv6 forms.

Two real servers: the session's on 127.0.0.1 (the "internal" one, never allowed here) and
one on 127.0.0.2, same port, which the allow-list treats as a public address. A test
resolver answers for the names; every connection stays on the loopback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.core.testing import Reply, WebServer
from services.ingester.fetch import RefusedURL

from .fetching import fetcher

PUBLIC = ("127.0.0.2/32",)  # stands for the internet in these tests


class Resolver:
    """Answers from a table; a list of answers is used up one lookup at a time."""

    def __init__(self, table: dict[str, list[list[str]]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        answers = self.table[host]
        return answers.pop(0) if len(answers) > 1 else answers[0]


@pytest.fixture
async def public(web: WebServer) -> AsyncIterator[WebServer]:
    """A server on 127.0.0.2, on the port of the internal one."""
    server = WebServer("127.0.0.2", web.port)
    await server.start()
    yield server
    await server.stop()


async def test_the_idna_pair_is_checked_as_it_is_connected(
    web: WebServer, public: WebServer
) -> None:
    # One zone: strasse -> a public address, the IDNA 2008 name of straße -> loopback.
    resolver = Resolver({"strasse.test": [["127.0.0.2"]], "xn--strae-oqa.test": [["127.0.0.1"]]})
    web.route("/g/idna", Reply(200, body=b"internal"))
    public.route("/g/idna", Reply(200, body=b"public"))
    f = fetcher(allow=PUBLIC, lookup=resolver)
    for url in (
        f"http://xn--strae-oqa.test:{web.port}/g/idna",
        f"http://straße.test:{web.port}/g/idna",
    ):
        with pytest.raises(
            RefusedURL, match=r"xn--strae-oqa\.test resolves to 127\.0\.0\.1, a loopback"
        ):
            await f.fetch(url)
    assert web.hits("/g/idna") == []
    assert set(resolver.asked) == {"xn--strae-oqa.test"}  # the name connected to, only
    result = await f.fetch(f"http://strasse.test:{web.port}/g/idna")
    assert result.body == b"public"
    assert public.hits("/g/idna")[-1].headers["host"] == f"strasse.test:{web.port}"


async def test_dns_rebinding_has_no_second_lookup_to_win(web: WebServer, public: WebServer) -> None:
    # Public on the first lookup, loopback on every lookup after it.
    resolver = Resolver({"rebind.test": [["127.0.0.2"], ["127.0.0.1"]]})
    web.route("/g/rebind", Reply(200, body=b"internal"))
    public.route("/g/rebind", Reply(200, body=b"public"))
    url = f"http://rebind.test:{web.port}/g/rebind"
    first = await fetcher(allow=PUBLIC, lookup=resolver).fetch(url)
    assert first.body == b"public" and resolver.asked == ["rebind.test"]  # resolved once
    with pytest.raises(RefusedURL, match=r"127\.0\.0\.1, a loopback"):
        await fetcher(allow=PUBLIC, lookup=resolver).fetch(url)  # a new connection
    assert web.hits("/g/rebind") == [] and len(public.hits("/g/rebind")) == 1


async def test_a_redirect_is_checked_by_the_same_path(web: WebServer, public: WebServer) -> None:
    resolver = Resolver({"feeds.test": [["127.0.0.2"]], "internal.test": [["127.0.0.1"]]})
    public.route("/g/moved", Reply(302, {"Location": f"http://internal.test:{web.port}/g/admin"}))
    web.route("/g/admin", Reply(200, body=b"secret"))
    with pytest.raises(RefusedURL, match=r"internal\.test resolves to 127\.0\.0\.1"):
        await fetcher(allow=PUBLIC, lookup=resolver).fetch(f"http://feeds.test:{web.port}/g/moved")
    assert web.hits("/g/admin") == []


async def test_a_name_with_one_refused_address_is_refused(web: WebServer) -> None:
    resolver = Resolver({"mixed.test": [["127.0.0.2", "::ffff:127.0.0.1"]]})
    with pytest.raises(RefusedURL, match=r"IPv4-mapped form of 127\.0\.0\.1, a loopback"):
        await fetcher(allow=PUBLIC, lookup=resolver).fetch(f"http://mixed.test:{web.port}/g/x")


async def test_ipv6_loopback_and_the_mapped_form_of_ipv4_loopback() -> None:
    v6 = WebServer("::1")
    await v6.start()
    try:
        v6.route("/g/v6", Reply(200, body=b"over IPv6"))
        with pytest.raises(RefusedURL, match="address ::1, a loopback"):
            await fetcher().fetch(v6.url("/g/v6"))
        with pytest.raises(RefusedURL, match=r"IPv4-mapped form of 127\.0\.0\.1"):
            await fetcher(allow=()).fetch(f"http://[::ffff:127.0.0.1]:{v6.port}/g/v6")
        with pytest.raises(RefusedURL, match=r"IPv4-compatible form of 127\.0\.0\.1"):
            await fetcher(allow=()).fetch(f"http://[::127.0.0.1]:{v6.port}/g/v6")
        resolver = Resolver({"six.test": [["::1"]]})
        with pytest.raises(RefusedURL, match=r"six\.test resolves to ::1, a loopback"):
            await fetcher(lookup=resolver).fetch(f"http://six.test:{v6.port}/g/v6")
        assert v6.hits("/g/v6") == []
        allowed = await fetcher(allow=("::1/128",)).fetch(v6.url("/g/v6"))
        assert allowed.body == b"over IPv6"
    finally:
        await v6.stop()


@pytest.mark.parametrize(
    "host",
    ["127.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.000.000.001", "localhost"],
)
async def test_other_spellings_of_loopback_are_refused(web: WebServer, host: str) -> None:
    before = len(web.requests)
    with pytest.raises(RefusedURL):
        await fetcher(allow=()).fetch(f"http://{host}:{web.port}/g/spelled")
    assert len(web.requests) == before


async def test_a_proxy_from_the_environment_is_used_and_targets_are_still_checked(
    web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{web.port}")  # the proxy: trusted
    resolver = Resolver({"feeds.test": [["127.0.0.2"]], "internal.test": [["127.0.0.1"]]})
    web.route("http://feeds.test/g/proxied", Reply(200, body=b"through the proxy"))
    f = fetcher(allow=PUBLIC, lookup=resolver)
    assert (await f.fetch("http://feeds.test/g/proxied")).body == b"through the proxy"
    with pytest.raises(RefusedURL, match=r"internal\.test resolves to 127\.0\.0\.1"):
        await f.fetch("http://internal.test/g/admin")
    assert web.hits("http://internal.test/g/admin") == []


FORMS = {
    "2002:7f00:1::": "6to4 form of 127.0.0.1",
    "2002:a9fe:a9fe::1": "6to4 form of 169.254.169.254",
    "64:ff9b::7f00:1": "NAT64 form of 127.0.0.1",
    "64:ff9b::a00:1": "NAT64 form of 10.0.0.1",
    "64:ff9b:1::a00:1": "NAT64 local-use",
    "2001:0:4136:e378:8000:63bf:80ff:fffe": "Teredo form of 127.0.0.1",
    "::ffff:10.0.0.1": "IPv4-mapped form of 10.0.0.1",
    "::ffff:7f00:1": "IPv4-mapped form of 127.0.0.1",
    "::7f00:1": "IPv4-compatible form of 127.0.0.1",
    "fec0::1": "site-local",
    "fd00::1": "unique-local",
    "fe80::1": "link-local",
}


@pytest.mark.parametrize("address", sorted(FORMS))
async def test_every_embedded_ipv4_form_is_refused_by_name_and_as_a_literal(
    web: WebServer, address: str
) -> None:
    f = fetcher(allow=(), lookup=Resolver({"form.test": [[address]]}))
    guarded = f.guard.socket_factory
    leaked: list[str] = []

    def tripwire(info):  # type: ignore[no-untyped-def]
        sock = guarded(info)  # the guard's own check comes first
        if info[4][0] not in ("127.0.0.1", "::1"):  # a test never connects off this machine
            sock.close()
            leaked.append(info[4][0])
            raise OSError("the guard let an address through")
        return sock

    f.guard.socket_factory = tripwire  # type: ignore[method-assign]
    with pytest.raises(RefusedURL, match=rf"form\.test resolves to .*{FORMS[address]}"):
        await f.fetch(f"http://form.test:{web.port}/g/form")
    with pytest.raises(RefusedURL, match=FORMS[address]):
        await f.fetch(f"http://[{address}]:{web.port}/g/form")
    assert leaked == [] and web.hits("/g/form") == []
