"""Fetching a Meeting Guide feed from a URL an organizer typed, without letting it reach inside.

An organizer-supplied URL must never make the bot talk to its own machine or private network
(server-side request forgery: cloud metadata at 169.254.169.254, admin ports on localhost).
So: https only, every address the name resolves to must be public, the connection goes to the
address that was checked (a second DNS answer cannot swap in 127.0.0.1), redirects are not
followed, and the download is capped in time and size.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import aiohttp
from yarl import URL

MAX_FEED_BYTES = 5 * 1024 * 1024
FEED_TIMEOUT = 10  # seconds, for resolving, connecting and downloading together
_CHUNK = 64 * 1024

Resolver = Callable[[str], Awaitable[list[str]]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges Python's is_global does not already exclude, or that we want to be explicit about.
_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # carrier-grade NAT: private in practice
        "192.0.0.0/24",  # IETF protocol assignments
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255
        "64:ff9b:1::/48",  # local-use NAT64
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FeedError(Exception):
    """Fetching the feed failed; the message is plain English for the organizer."""


class _Readable(Protocol):
    async def read(self, n: int = -1) -> bytes: ...


def is_public_address(address: Address) -> bool:
    """Whether connecting to `address` can only reach the public internet."""
    if isinstance(address, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address inside are judged by that IPv4 address.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
    blocked = (net for net in _BLOCKED_NETWORKS if net.version == address.version)
    if any(address in network for network in blocked):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


async def system_resolver(host: str) -> list[str]:
    """Every address the system resolver gives for `host` (IPv4 and IPv6)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FeedError(f"I couldn't find the website {host}.") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(url: str) -> URL:
    """The parsed URL if its form is acceptable (https, a host, no credentials), else FeedError."""
    try:
        parsed = URL(url.strip())  # also refuses a port that isn't a number from 0 to 65535
    except (ValueError, TypeError):
        raise FeedError("That isn't a web address I can read.") from None
    if parsed.scheme.lower() != "https":
        raise FeedError("Only https:// links can be imported.")
    if parsed.user is not None or parsed.password is not None:
        raise FeedError("Links with a user name or password in them can't be imported.")
    host_of(parsed)
    return parsed


def host_of(url: URL) -> str:
    if not url.raw_host:
        raise FeedError("That link has no website name in it.")
    return url.raw_host


async def vet_host(host: str, resolver: Resolver) -> list[str]:
    """The host's addresses, if every one is public; FeedError otherwise.

    All addresses are checked, not just the first: a name answering with one public and one
    private address could be used to reach the private one on a later lookup or a retry.
    """
    answers = [host] if _is_ip_literal(host) else await resolver(host)
    if not answers:
        raise FeedError(f"I couldn't find the website {host}.")
    vetted: list[str] = []
    for answer in answers:
        try:
            address = ipaddress.ip_address(answer.split("%", 1)[0])
        except ValueError:
            raise FeedError(f"I couldn't find the website {host}.") from None
        if not is_public_address(address):
            raise FeedError("That link points to a private or local network address.")
        vetted.append(str(address))
    return vetted


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def read_limited(content: _Readable, limit: int = MAX_FEED_BYTES) -> bytes:
    """Read a body stream to its end, refusing once it passes `limit` bytes.

    The limit counts bytes after HTTP decompression, so a small gzip bomb is caught too.
    """
    body = bytearray()
    while chunk := await content.read(_CHUNK):
        body += chunk
        if len(body) > limit:
            raise FeedError(f"That feed is larger than {limit // (1024 * 1024)} MB.")
    return bytes(body)


def decode_json(body: bytes) -> Any:
    try:
        return json.loads(body)  # detects UTF-8/16/32 and a UTF-8 byte-order mark by itself
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise FeedError("That feed isn't valid JSON.") from None


async def _download(session: aiohttp.ClientSession, url: URL, addresses: list[str]) -> bytes:
    host = host_of(url)
    pinned = not _is_ip_literal(host)  # an IP-literal URL needs no pinning
    headers = {"Accept": "application/json"}
    if pinned:
        # Keep the name for the Host header and for TLS (SNI and certificate check); only the
        # address to connect to comes from the vetted list.
        headers["Host"] = host if url.explicit_port is None else f"{host}:{url.explicit_port}"
    last_error: aiohttp.ClientError | None = None
    for address in addresses:
        target = url.with_host(address) if pinned else url
        try:
            async with session.get(
                target,
                headers=headers,
                server_hostname=host if pinned else None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=FEED_TIMEOUT),
            ) as response:
                return await _body(response)
        except TimeoutError:
            raise  # aiohttp's timeouts are also ClientErrors; the caller words this one
        except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError):
            raise FeedError("That website's secure connection couldn't be verified.") from None
        except aiohttp.ClientConnectorError as exc:
            last_error = exc  # try the host's next address, as a browser would
        except aiohttp.ClientError:
            raise FeedError("The download from that website failed part-way.") from None
    raise FeedError("I couldn't connect to that website.") from last_error


async def _body(response: aiohttp.ClientResponse) -> bytes:
    if 300 <= response.status < 400:
        raise FeedError(
            "That link redirects to another address. Open it in a browser and paste the final "
            "https:// link instead."
        )
    if response.status != 200:
        raise FeedError(f"The website answered with an error ({response.status}).")
    if response.content_length is not None and response.content_length > MAX_FEED_BYTES:
        raise FeedError(f"That feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB.")
    return await read_limited(response.content, MAX_FEED_BYTES)


async def fetch_feed(
    url: str, *, session: aiohttp.ClientSession, resolver: Resolver | None = None
) -> Any:
    """Download and decode the JSON at `url`, or raise FeedError with a member-facing reason."""
    parsed = check_url(url)
    host = host_of(parsed)
    try:
        async with asyncio.timeout(FEED_TIMEOUT):
            addresses = await vet_host(host, resolver or system_resolver)
            body = await _download(session, parsed, addresses)
    except TimeoutError:
        raise FeedError(f"That website took longer than {FEED_TIMEOUT} seconds.") from None
    return decode_json(body)
