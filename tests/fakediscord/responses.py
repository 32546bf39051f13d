"""JSON answers exactly as discord.py expects them (shared by routes, rate limits and faults)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

JSON_KEY = web.ResponseKey("fakediscord_json", object)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py only decodes JSON when Content-Type is exactly "application/json";
    # aiohttp's json_response would append "; charset=utf-8".
    response = web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )
    response[JSON_KEY] = data  # what RecordedRequest.response shows
    return response
