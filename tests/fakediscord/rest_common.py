"""Shared REST plumbing: request recording, auth, faults and rate limits, body parsing, JSON
answers, rate-limit headers."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import BodyPartReader, web

from tests.fakediscord import errors
from tests.fakediscord.errors import ApiError
from tests.fakediscord.fault_log import RATE_LIMITED
from tests.fakediscord.labelled import label_of
from tests.fakediscord.lifecycle import check_guild_reachable
from tests.fakediscord.models import UploadedFile
from tests.fakediscord.responses import JSON_KEY, json_response
from tests.fakediscord.state import FakeState, RecordedRequest

API_PREFIX = "/api/v10"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # what Discord allows a bot without boosts (10 MiB)

STATE_KEY = web.AppKey("fakediscord_state", FakeState)
_BODY_KEY = web.RequestKey("fakediscord_body", object)
_FILES_KEY = web.RequestKey("fakediscord_files", list)
_LIMIT_HEADERS_KEY = web.RequestKey("fakediscord_limit_headers", dict)
_log = logging.getLogger(__name__)
_FILE_FIELD = re.compile(r"^files\[(\d+)\]$")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Handler)


def public(handler: H) -> H:
    """Mark a route that Discord serves without a bot token (interaction callbacks, webhooks)."""
    handler.fakediscord_public = True  # type: ignore[attr-defined]
    return handler


def state_of(request: web.Request) -> FakeState:
    return request.app[STATE_KEY]


def no_content() -> web.Response:
    return web.Response(status=204)


def body_of(request: web.Request) -> Any:
    """The JSON body (or ``payload_json`` of a multipart body); None when there is none."""
    return request.get(_BODY_KEY)


def json_object(request: web.Request) -> dict[str, Any]:
    """The body, which must be a JSON object (Discord's 50035 otherwise)."""
    body = body_of(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise errors.invalid_form_body(
            errors.field_error("DICT_TYPE_CONVERT", "Only dictionaries may be used")
        )
    return body


def files_of(request: web.Request) -> list[UploadedFile]:
    return list(request.get(_FILES_KEY) or [])


def snowflake(request: web.Request, name: str) -> int:
    raw = request.match_info[name]
    if not raw.isdigit():
        raise errors.invalid_form_body(
            errors.form_error_at([name], "NUMBER_TYPE_COERCE", f'Value "{raw}" is not snowflake.')
        )
    return int(raw)


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Record every API call, enforce the bot token, serve injected faults and rate limits,
    turn ApiError into Discord's JSON."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)  # the gateway websocket and the attachment CDN
    state = state_of(request)
    record = RecordedRequest(
        method=request.method,
        path=request.path[len(API_PREFIX) :] or "/",
        query=dict(request.query),
        json=None,
        files=[],
        authorized=request.headers.get("Authorization") == f"Bot {state.token}",
        timestamp=time.monotonic(),
        headers=dict(request.headers),
        via=label_of(request, state),
    )
    state.requests.append(record)
    try:
        record.json, record.files = await _read_body(request)
        request[_BODY_KEY] = record.json
        request[_FILES_KEY] = record.files
        response = await _route(request, handler, record)
    except _ConnectionDropped:
        # A timeout fault: the client gets no answer at all (status stays None).
        if request.transport is not None:
            request.transport.abort()
        state.request_signal.notify()
        return web.Response(status=504)
    except ApiError as exc:
        response = json_response(exc.body(), status=exc.status)
    except Exception as exc:  # a bug in the fake itself
        # 503 rather than 500: discord.py silently retries 500s with back-off, which would
        # turn a fake bug into a slow, confusing test. The traceback is kept for assertions.
        state.internal_errors.append(
            f"{request.method} {request.path}: {''.join(traceback.format_exception(exc))}"
        )
        _log.exception("fakediscord failed on %s %s", request.method, request.path)
        response = json_response(
            {"message": f"fakediscord internal error: {exc!r}", "code": 0}, status=503
        )
    if record.fault is None:
        _add_rate_limit_headers(request, response, state)
        response.headers.setdefault("Via", "1.1 google")  # Discord's edge; discord.py checks it
    record.status = response.status
    record.response = response.get(JSON_KEY)
    state.request_signal.notify()
    return response


class _ConnectionDropped(Exception):
    """Raised inside the middleware when a timeout fault ends without an answer."""


async def _route(
    request: web.Request, handler: Handler, record: RecordedRequest
) -> web.StreamResponse:
    http_exception = getattr(request.match_info, "http_exception", None)
    if isinstance(http_exception, web.HTTPMethodNotAllowed):
        raise errors.method_not_allowed()
    if http_exception is not None:
        raise errors.not_found()
    public = bool(getattr(request.match_info.handler, "fakediscord_public", False))
    if not public and not record.authorized:
        raise errors.unauthorized()
    state = state_of(request)
    rule = state.faults.pick(record.method, record.path)
    if rule is None:
        return await _paced(request, handler, record, public=public)

    async def carry_out() -> web.StreamResponse:
        try:
            return await _paced(request, handler, record, public=public)
        except ApiError as exc:  # the request was refused anyway: nothing was applied
            return json_response(exc.body(), status=exc.status)

    response = await state.faults.serve(rule, record.method, record.path, carry_out)
    record.fault = rule.kind
    if response is None:
        raise _ConnectionDropped()
    return response


async def _paced(
    request: web.Request, handler: Handler, record: RecordedRequest, *, public: bool
) -> web.StreamResponse:
    """Rate limits first (Discord's edge answers 429 before the API looks at the request),
    then guild availability, then the route itself."""
    state = state_of(request)
    template = _template(request)
    limited, headers = state.rate_limits.check(
        record.method,
        template,
        dict(request.match_info),
        public=public,
        path=record.path,
    )
    if limited is not None:
        record.fault = RATE_LIMITED
        return limited
    if headers is not None:
        request[_LIMIT_HEADERS_KEY] = headers
    check_guild_reachable(state, template, request.match_info)
    return await handler(request)


def _template(request: web.Request) -> str:
    resource = request.match_info.route.resource
    template = resource.canonical if resource is not None else request.path
    return template[len(API_PREFIX) :] if template.startswith(API_PREFIX) else template


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    if not request.body_exists:
        return None, []
    if request.content_type.startswith("multipart/"):
        return await _read_multipart(request)
    text = await request.text()
    if not text:
        return None, []
    try:
        return json.loads(text), []
    except json.JSONDecodeError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


async def _read_multipart(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    payload: Any = None
    indexed: dict[int, UploadedFile] = {}
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue  # nested multipart: Discord does not accept it either
        name = part.name or ""
        data = await part.read()
        filename = part.filename
        if name == "payload_json":
            try:
                payload = json.loads(data.decode())
            except json.JSONDecodeError:
                raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
        elif filename is not None:
            if len(data) > ATTACHMENT_SIZE_LIMIT:
                raise errors.payload_too_large()
            match = _FILE_FIELD.match(name)
            index = int(match.group(1)) if match else len(indexed)
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            indexed[index] = UploadedFile(filename, bytes(data), content_type)
    files = [indexed[i] for i in sorted(indexed)]
    return payload, files


def _add_rate_limit_headers(
    request: web.Request, response: web.StreamResponse, state: FakeState
) -> None:
    truthful = request.get(_LIMIT_HEADERS_KEY)
    if truthful is not None:
        response.headers.update(truthful)
        return
    if state.rate_limits.enabled:
        return  # a route without a bucket (webhooks, interaction callbacks): no headers
    # Rate limits off: plausible per-route bucket headers so discord.py's rate limiter follows
    # its normal path; Remaining never reaches 0, so discord.py never waits.
    template = _template(request)
    bucket = hashlib.sha1(f"{request.method} {template}".encode()).hexdigest()[:16]
    reset_after = 1.0
    response.headers.update(
        {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
    )
