"""Feed fetching: URL and address vetting, pinning, and the size, time and JSON limits.

No test here connects anywhere but 127.0.0.1: vetting runs on injected resolvers, the HTTP
session is a fake that records what it was asked, and the one real HTTP exchange goes to a
local server through the internal download helper, never through fetch_feed's vetting.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from ipaddress import ip_address
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.client_reqrep import ConnectionKey
from yarl import URL

from bot import feeds
from bot.feeds import (
    MAX_FEED_BYTES,
    FeedError,
    decode_json,
    fetch_feed,
    read_limited,
    system_resolver,
    vet_host,
)

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"


def resolving_to(*addresses: str) -> Any:
    async def resolve(host: str) -> list[str]:
        return list(addresses)

    return resolve


async def must_not_resolve(host: str) -> list[str]:
    raise AssertionError("an IP-literal URL must not be looked up")


class FakeStream:
    def __init__(self, body: bytes, chunk: int = 10_000) -> None:
        self._body, self._chunk, self.reads = body, chunk, 0

    async def read(self, n: int = -1) -> bytes:
        self.reads += 1
        piece, self._body = self._body[: min(n, self._chunk)], self._body[min(n, self._chunk) :]
        return piece


class FakeResponse:
    def __init__(self, status: int = 200, body: bytes = b"[]", length: int | None = None) -> None:
        self.status, self.content, self.content_length = status, FakeStream(body), length

    async def __aenter__(self) -> FakeResponse:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class FakeSession:
    """Stands in for aiohttp.ClientSession; records each request instead of connecting."""

    def __init__(self, *responses: FakeResponse | Exception) -> None:
        self.responses = list(responses)
        self.calls: list[tuple[URL, dict[str, Any]]] = []

    def get(self, url: URL, **kwargs: Any) -> FakeResponse:
        self.calls.append((url, kwargs))
        answer = self.responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class NoSession:
    def get(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("a refused URL must never reach the network")


async def fetch(url: str, resolver: Any, session: Any = None) -> Any:
    return await fetch_feed(url, session=session or NoSession(), resolver=resolver)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://feeds.example.org/meetings.json", "Only https://"),
        ("file:///etc/passwd", "Only https://"),
        ("ftp://feeds.example.org/meetings.json", "Only https://"),
        ("javascript:alert(1)", "Only https://"),
        ("feeds.example.org/meetings.json", "Only https://"),
        ("https://user:secret@feeds.example.org/meetings.json", "user name or password"),
        ("https://user@feeds.example.org/meetings.json", "user name or password"),
        ("https:///meetings.json", "no website name"),
        ("https://feeds.example.org:99999/x", "isn't a web address"),
    ],
)
async def test_url_form_refused(url: str, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        await fetch(url, must_not_resolve)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.251",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fe80::1%eth0",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.5",
        "2002:c0a8:101::1",  # 6to4 wrapping 192.168.1.1
        "64:ff9b::a9fe:a9fe",  # NAT64 wrapping 169.254.169.254
        "2001:db8::1",  # documentation range
    ],
)
async def test_private_resolutions_refused(address: str) -> None:
    with pytest.raises(FeedError, match="private or local network"):
        await fetch("https://feeds.example.org/meetings.json", resolving_to(address))


async def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    resolver = resolving_to(PUBLIC_V4, PUBLIC_V6, "10.0.0.5")
    with pytest.raises(FeedError, match="private or local network"):
        await fetch("https://feeds.example.org/meetings.json", resolver)


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1/x", "https://[::1]/x", "https://169.254.169.254/latest/meta-data/"],
)
async def test_private_ip_literals_refused_without_lookup(url: str) -> None:
    with pytest.raises(FeedError, match="private or local network"):
        await fetch(url, must_not_resolve)


async def test_localhost_refused_with_the_system_resolver() -> None:
    # "localhost" comes from the hosts file: no DNS traffic leaves the machine.
    assert set(await system_resolver("localhost")) <= {"127.0.0.1", "::1"}
    with pytest.raises(FeedError, match="private or local network"):
        await fetch_feed("https://localhost/meetings.json", session=NoSession())  # type: ignore[arg-type]


async def test_unresolvable_or_garbage_answers() -> None:
    with pytest.raises(FeedError, match="couldn't find"):
        await fetch("https://feeds.example.org/x", resolving_to())
    with pytest.raises(FeedError, match="couldn't find"):
        await vet_host("feeds.example.org", resolving_to("not-an-address"))


async def test_connects_to_the_vetted_address_with_the_real_name() -> None:
    session = FakeSession(FakeResponse(body=b'[{"slug": "a"}]'))
    resolver = resolving_to(PUBLIC_V4, PUBLIC_V6)
    data = await fetch("https://Feeds.Example.org/mg/feed.json?key=1", resolver, session)
    assert data == [{"slug": "a"}]
    [(target, options)] = session.calls
    assert target.host == PUBLIC_V4 and target.scheme == "https"
    assert target.path_qs == "/mg/feed.json?key=1"
    assert options["headers"]["Host"] == "feeds.example.org"
    assert options["server_hostname"] == "feeds.example.org"  # TLS checks the real name
    assert options["allow_redirects"] is False
    assert options["timeout"].total == feeds.FEED_TIMEOUT


async def test_explicit_port_and_ipv6_pinning() -> None:
    session = FakeSession(FakeResponse())
    await fetch("https://feeds.example.org:8443/feed", resolving_to(PUBLIC_V6), session)
    [(target, options)] = session.calls
    assert target.host == PUBLIC_V6 and target.port == 8443
    assert options["headers"]["Host"] == "feeds.example.org:8443"


@pytest.mark.parametrize("host", [PUBLIC_V4, "[2606:4700:0::1111]"])
async def test_public_ip_literal_is_used_as_is(host: str) -> None:
    session = FakeSession(FakeResponse())
    await fetch(f"https://{host}/feed", must_not_resolve, session)
    [(target, options)] = session.calls
    assert ip_address(target.host or "") == ip_address(host.strip("[]"))
    assert target.path == "/feed" and "Host" not in options["headers"]
    assert options["server_hostname"] is None


async def test_next_address_tried_when_one_cannot_connect() -> None:
    key = ConnectionKey(PUBLIC_V4, 443, True, True, None, None, None)
    refused = aiohttp.ClientConnectorError(key, OSError(111, "Connection refused"))
    session = FakeSession(refused, FakeResponse(body=b"[1]"))
    assert await fetch("https://feeds.example.org/", resolving_to(PUBLIC_V4, PUBLIC_V6), session)
    assert [call[0].host for call in session.calls] == [PUBLIC_V4, PUBLIC_V6]

    session = FakeSession(refused, refused)
    with pytest.raises(FeedError, match="couldn't connect"):
        await fetch("https://feeds.example.org/", resolving_to(PUBLIC_V4, PUBLIC_V6), session)


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (FakeResponse(status=301), "redirects"),
        (FakeResponse(status=302), "redirects"),
        (FakeResponse(status=404), r"error \(404\)"),
        (FakeResponse(status=500), r"error \(500\)"),
        (FakeResponse(length=MAX_FEED_BYTES + 1), "larger than 5 MB"),
        (FakeResponse(body=b"x" * (MAX_FEED_BYTES + 1)), "larger than 5 MB"),
        (FakeResponse(body=b"<html>Not here</html>"), "isn't valid JSON"),
    ],
)
async def test_response_problems(response: FakeResponse, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        await fetch("https://feeds.example.org/", resolving_to(PUBLIC_V4), FakeSession(response))


async def test_oversized_body_stops_reading_early() -> None:
    response = FakeResponse(body=b"x" * (MAX_FEED_BYTES * 3), length=None)
    with pytest.raises(FeedError, match="larger than 5 MB"):
        await fetch("https://feeds.example.org/", resolving_to(PUBLIC_V4), FakeSession(response))
    assert response.content.reads <= MAX_FEED_BYTES // 10_000 + 2


async def test_time_limit_covers_lookup_and_download(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "FEED_TIMEOUT", 0.05)

    async def slow_resolver(host: str) -> list[str]:
        await asyncio.sleep(5)
        return [PUBLIC_V4]

    with pytest.raises(FeedError, match="took longer than"):
        await fetch("https://feeds.example.org/", slow_resolver)

    class SlowStream(FakeStream):
        async def read(self, n: int = -1) -> bytes:
            await asyncio.sleep(0.01)
            return b" "  # a trickle that would never end on its own

    response = FakeResponse()
    response.content = SlowStream(b"")
    with pytest.raises(FeedError, match="took longer than"):
        await fetch("https://feeds.example.org/", resolving_to(PUBLIC_V4), FakeSession(response))


async def test_read_limited_boundaries() -> None:
    assert await read_limited(FakeStream(b"a" * 100), limit=100) == b"a" * 100
    with pytest.raises(FeedError, match="larger than"):
        await read_limited(FakeStream(b"a" * 101), limit=100)
    assert await read_limited(FakeStream(b""), limit=100) == b""


def test_decode_json_variants() -> None:
    assert decode_json(b'\xef\xbb\xbf[{"slug": 1}]') == [{"slug": 1}]  # UTF-8 byte-order mark
    assert decode_json(json.dumps([{"name": "Café"}]).encode("utf-16")) == [{"name": "Café"}]
    for bad in (b"", b"{", b"\xff\xfe\xfd", b"[" * 200_000 + b"]" * 200_000):
        with pytest.raises(FeedError, match="isn't valid JSON"):
            decode_json(bad)


# ---- one real HTTP exchange, on loopback, through the internal download helper --------------


@pytest.fixture
async def local_server() -> AsyncIterator[int]:
    async def feed(request: web.Request) -> web.Response:
        return web.json_response([{"host_seen": request.headers["Host"]}])

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("http://127.0.0.1:1/elsewhere")

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(MAX_FEED_BYTES // 65_536 + 10):
            await response.write(b"x" * 65_536)
        return response

    app = web.Application()
    app.router.add_get("/feed.json", feed)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/huge", huge)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield port
    finally:
        await runner.cleanup()


async def test_pinned_download_from_a_loopback_server(local_server: int) -> None:
    # "feeds.test" resolves nowhere: the request can only succeed by using the pinned address.
    base = f"http://feeds.test:{local_server}"
    async with aiohttp.ClientSession() as session:
        body = await feeds._download(session, URL(f"{base}/feed.json"), ["127.0.0.1"])
        assert decode_json(body) == [{"host_seen": f"feeds.test:{local_server}"}]
        with pytest.raises(FeedError, match="redirects"):
            await feeds._download(session, URL(f"{base}/redirect"), ["127.0.0.1"])
        with pytest.raises(FeedError, match="larger than 5 MB"):
            await feeds._download(session, URL(f"{base}/huge"), ["127.0.0.1"])
