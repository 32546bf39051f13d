"""``data`` of component clicks and modal submits, checked against what the bot really sent.

A button or select can only be used if it is on the message and enabled; a modal can only be
submitted after the bot showed it, with its own fields. Tests therefore fail when the bot's UI
and the test's assumptions drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tests.fakediscord.handles import Interaction
from tests.fakediscord.limits import walk_components
from tests.fakediscord.messages import FLAG_EPHEMERAL
from tests.fakediscord.resolved import InteractionRefused, Resolved

if TYPE_CHECKING:
    from tests.fakediscord.state import FakeState

BUTTON = 2
STRING_SELECT = 3
TEXT_INPUT = 4
USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 5, 6, 7, 8
LABEL = 18
_ENTITY_SELECTS = {USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT}


def click_data(
    state: FakeState,
    message: dict[str, Any],
    custom_id: str,
    values: list[str] | None,
    user_id: int,
    resolved: Resolved,
) -> dict[str, Any]:
    """``data`` of a component interaction on ``message`` (the stored version when known)."""
    flags = int(message.get("flags") or 0)
    owner = (message.get("interaction_metadata") or {}).get("user", {}).get("id")
    if flags & FLAG_EPHEMERAL and owner is not None and int(owner) != user_id:
        raise InteractionRefused("only the user who got an ephemeral message can use it")
    component = next(
        (
            c
            for c in walk_components(message.get("components") or [])
            if c.get("custom_id") == custom_id
        ),
        None,
    )
    if component is None:
        message_id = message.get("id")
        if message_id is not None and state.messages.get(int(message_id)) is not None:
            available = [
                c["custom_id"] for c in walk_components(message["components"]) if c.get("custom_id")
            ]
            raise ValueError(
                f"message {message['id']} has no component {custom_id!r} (custom ids: {available})"
            )
        # A message the fake never stored (hand-made in a test): trust the caller.
        kind = STRING_SELECT if values is not None else BUTTON
        return _data(custom_id, kind, values, resolved)
    if component.get("disabled"):
        raise InteractionRefused(f"component {custom_id!r} is disabled")
    kind = int(component["type"])
    if kind == BUTTON:
        if values is not None:
            raise ValueError(f"{custom_id!r} is a button; do not pass values")
        return _data(custom_id, kind, None, resolved)
    if values is None:
        raise ValueError(f"{custom_id!r} is a select menu (type {kind}); pass values=[...]")
    _check_select_values(component, values, resolved)
    return _data(custom_id, kind, values, resolved)


def _data(
    custom_id: str, kind: int, values: list[str] | None, resolved: Resolved
) -> dict[str, Any]:
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": kind}
    if values is not None:
        data["values"] = [str(v) for v in values]
    if resolved.payload():
        data["resolved"] = resolved.payload()
    return data


def _check_select_values(component: dict[str, Any], values: list[str], resolved: Resolved) -> None:
    custom_id = component.get("custom_id")
    low = int(component.get("min_values", 1))
    high = int(component.get("max_values", 1))
    if not low <= len(values) <= high:
        raise InteractionRefused(f"select {custom_id!r} takes {low}-{high} values")
    kind = component["type"]
    if kind == STRING_SELECT:
        allowed = [option["value"] for option in component.get("options") or []]
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise InteractionRefused(
                f"select {custom_id!r} has no option(s) {wrong}; options are {allowed}"
            )
        return
    for value in values:
        target = int(value)
        if kind == USER_SELECT:
            resolved.user(target)
        elif kind == ROLE_SELECT:
            resolved.role(target)
        elif kind == MENTIONABLE_SELECT:
            resolved.mentionable(target)
        elif kind == CHANNEL_SELECT:
            resolved.channel(target, component.get("channel_types"))


def find_modal(
    state: FakeState, user_id: int, custom_id: str | None
) -> tuple[dict[str, Any], Interaction]:
    """The modal the bot showed to this user (most recent first), by custom_id or title.

    Modals built with discord.py get a random custom_id unless one is given, so the title
    (or ``None`` for "the last modal this user saw") is accepted too.
    """
    shown = [
        ix
        for ix in reversed(list(state.interactions.values()))
        if ix.modal is not None and ix.user_id == user_id
    ]
    for opener in shown:
        modal = opener.modal
        assert modal is not None
        if custom_id is None or custom_id in (modal.get("custom_id"), modal.get("title")):
            return modal, opener
    titles = [(ix.modal or {}).get("title") for ix in shown]
    raise ValueError(
        f"the bot never showed user {user_id} a modal {custom_id!r} (modals shown: {titles})"
    )


def modal_data(modal: dict[str, Any], fields: dict[str, Any], resolved: Resolved) -> dict[str, Any]:
    """Submit ``fields`` (keyed by the input's custom_id or its label) into ``modal``."""
    inputs = list(_modal_inputs(modal))
    known = {key for custom_id, label, _, _ in inputs for key in (custom_id, label) if key}
    unknown = sorted(set(fields) - known)
    if unknown:
        described = [f"{label!r} (custom_id {custom_id!r})" for custom_id, label, _, _ in inputs]
        raise ValueError(
            f"modal {modal.get('title')!r} has no field(s) {unknown}; its fields are "
            f"{described} - key fields by label or custom_id"
        )
    components: list[dict[str, Any]] = []
    for custom_id, label, child, in_label in inputs:
        value = fields.get(custom_id, fields.get(label)) if label else fields.get(custom_id)
        submitted = _submitted(child, value, resolved, label or custom_id)
        if in_label:
            components.append({"type": LABEL, "component": submitted})
        else:
            components.append({"type": 1, "components": [submitted]})
    data: dict[str, Any] = {"custom_id": modal["custom_id"], "components": components}
    if resolved.payload():
        data["resolved"] = resolved.payload()
    return data


def _modal_inputs(
    modal: dict[str, Any],
) -> Iterator[tuple[str, str | None, dict[str, Any], bool]]:
    """(custom_id, label, input component, inside a Label?) for every input of a modal."""
    for component in modal.get("components") or []:
        if component.get("type") == 1:
            for child in component.get("components") or []:
                yield str(child.get("custom_id")), child.get("label"), child, False
        elif component.get("type") == LABEL:
            child = component.get("component") or {}
            yield str(child.get("custom_id")), component.get("label"), child, True


def _submitted(child: dict[str, Any], value: Any, resolved: Resolved, name: str) -> dict[str, Any]:
    kind = child.get("type")
    custom_id = child.get("custom_id")
    if kind == TEXT_INPUT:
        text = "" if value is None else str(value)
        if child.get("required", True) and not text:
            raise InteractionRefused(f"modal field {name!r} is required")
        low, high = child.get("min_length"), child.get("max_length")
        if text and (
            (low is not None and len(text) < low) or (high is not None and len(text) > high)
        ):
            raise InteractionRefused(f"modal field {name!r} must be {low}-{high} chars")
        return {"type": TEXT_INPUT, "custom_id": custom_id, "value": text}
    values = (
        []
        if value is None
        else ([str(v) for v in value] if isinstance(value, list) else [str(value)])
    )
    if values or child.get("required", True):
        _check_select_values(child, values, resolved)
    return {"type": kind, "custom_id": custom_id, "values": values}
