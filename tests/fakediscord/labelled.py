"""Telling bot processes apart: one more listening address per label.

Processes sharing one bot token look the same to Discord. A test that must know which process
sent what (each delivery sent by the process that owns its guild) gives each process its own API
base: ``await fake.labelled_api_base("shard-1")`` opens another port on the same server, and
every request arriving there is recorded with ``RecordedRequest.via == "shard-1"``. Everything
else is shared as it is on Discord: routes, the world, rate limits (one token, one set of
buckets). Requests to ``fake.api_base`` have ``via`` None.
"""

from __future__ import annotations

import socket

from aiohttp import web

from tests.fakediscord.state import FakeState


async def open_labelled_site(runner: web.AppRunner, state: FakeState, label: str) -> str:
    """Listen on a new port of 127.0.0.1 for ``label``; returns ``http://127.0.0.1:PORT``."""
    if label in state.labels_by_port.values():
        raise ValueError(f"label {label!r} already has its address")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()[:2]
    state.labels_by_port[port] = label
    await web.SockSite(runner, sock).start()
    return f"http://{host}:{port}"


def label_of(request: web.Request, state: FakeState) -> str | None:
    """The label of the address the request came in on (None: the main address)."""
    transport = request.transport
    sockname = transport.get_extra_info("sockname") if transport is not None else None
    return state.labels_by_port.get(sockname[1]) if sockname else None
