"""Discord's JSON error responses.

Handlers raise :class:`ApiError`; the recording middleware turns it into the JSON body Discord
would send, so discord.py raises the same exception class (Forbidden, NotFound, HTTPException)
with the same ``code`` as in production.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answer: HTTP status, Discord JSON error code and message (plus form errors)."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def unauthorized() -> ApiError:
    return ApiError(401, 0, "401: Unauthorized")


def not_found() -> ApiError:
    return ApiError(404, 0, "404: Not Found")


def method_not_allowed() -> ApiError:
    return ApiError(405, 0, "405: Method Not Allowed")


def unknown_channel() -> ApiError:
    return ApiError(404, 10003, "Unknown Channel")


def unknown_guild() -> ApiError:
    return ApiError(404, 10004, "Unknown Guild")


def unknown_member() -> ApiError:
    return ApiError(404, 10007, "Unknown Member")


def unknown_message() -> ApiError:
    return ApiError(404, 10008, "Unknown Message")


def unknown_role() -> ApiError:
    return ApiError(404, 10011, "Unknown Role")


def unknown_user() -> ApiError:
    return ApiError(404, 10013, "Unknown User")


def unknown_emoji() -> ApiError:
    return ApiError(400, 10014, "Unknown Emoji")


def unknown_webhook() -> ApiError:
    return ApiError(404, 10015, "Unknown Webhook")


def unknown_command() -> ApiError:
    return ApiError(404, 10063, "Unknown application command")


def unknown_scheduled_event() -> ApiError:
    return ApiError(404, 10070, "Unknown Guild Scheduled Event")


def unknown_interaction() -> ApiError:
    return ApiError(404, 10062, "Unknown interaction")


def already_acknowledged() -> ApiError:
    return ApiError(400, 40060, "Interaction has already been acknowledged.")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def cannot_edit_others_message() -> ApiError:
    return ApiError(403, 50005, "Cannot edit a message authored by another user")


def empty_message() -> ApiError:
    return ApiError(400, 50006, "Cannot send an empty message")


def cannot_dm_user() -> ApiError:
    return ApiError(403, 50007, "Cannot send messages to this user")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def invalid_webhook_token() -> ApiError:
    return ApiError(401, 50027, "Invalid Webhook Token")


def payload_too_large() -> ApiError:
    return ApiError(413, 40005, "Request entity too large")


def max_roles() -> ApiError:
    return ApiError(400, 30005, "Maximum number of guild roles reached (250)")


def max_reactions() -> ApiError:
    return ApiError(400, 30010, "Maximum number of reactions reached (20)")


def max_scheduled_events() -> ApiError:
    return ApiError(
        400, 30038, "Maximum number of uncompleted guild scheduled events reached (100)"
    )


def field_error(code: str, message: str) -> dict[str, Any]:
    """One leaf of Discord's nested ``errors`` tree."""
    return {"_errors": [{"code": code, "message": message}]}


def invalid_form_body(errors: dict[str, Any]) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", errors)


def form_error_at(path: list[str | int], code: str, message: str) -> dict[str, Any]:
    """Build the nested error dict for one field, e.g. ``["embeds", 0, "title"]``.

    Discord nests errors by JSON path with list indexes as string keys; tests can check
    ``exc.text`` or the raw JSON the same way they would against production.
    """
    node: dict[str, Any] = field_error(code, message)
    for key in reversed(path):
        node = {str(key): node}
    return node


def merge_errors(target: dict[str, Any], extra: dict[str, Any]) -> None:
    """Deep-merge one error tree into another (several invalid fields in one request)."""
    for key, value in extra.items():
        if key == "_errors":
            target.setdefault("_errors", []).extend(value)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_errors(target[key], value)
        else:
            target[key] = value
