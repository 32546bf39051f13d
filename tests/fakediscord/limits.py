"""Discord's limits on message bodies: content, embeds and components.

discord.py checks almost none of these, so a bot that is fine in unit tests can still get a
400 "Invalid Form Body" (code 50035) from Discord. Every message-carrying route of the fake
(channel messages, interaction callbacks, followups and edits) runs :func:`validate_message`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.fakediscord.errors import form_error_at, invalid_form_body, merge_errors

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_FILES = 10
MAX_ACTION_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_SELECT_OPTIONS = 25
MAX_V2_COMPONENTS = 40
MAX_V2_TEXT = 4000
FLAG_COMPONENTS_V2 = 1 << 15

_EMBED_TEXT_LIMITS = {"title": 256, "description": 4096}
_SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
_LINK_STYLE = 5
_PREMIUM_STYLE = 6

Path = list[str | int]


class FormErrors:
    """Collects field errors so one response lists all of them, as Discord does."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Path, code: str, message: str) -> None:
        merge_errors(self.tree, form_error_at(path, code, message))

    def max_length(self, path: Path, value: object, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def length_between(self, path: Path, value: object, low: int, high: int) -> None:
        size = len(value) if isinstance(value, str | list) else 0
        if not low <= size <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise invalid_form_body(self.tree)


def validate_message(
    body: dict[str, Any], *, file_count: int = 0, prefix: tuple[str | int, ...] = ()
) -> None:
    """Raise 400/50035 if a message body breaks a limit. ``prefix`` nests errors (callbacks
    report them under ``data``)."""
    errors = FormErrors()
    check_message(errors, body, file_count=file_count, prefix=list(prefix))
    errors.raise_if_any()


def check_message(
    errors: FormErrors, body: dict[str, Any], *, file_count: int, prefix: Path
) -> None:
    errors.max_length([*prefix, "content"], body.get("content"), MAX_CONTENT)
    flags = int(body.get("flags") or 0)
    v2 = bool(flags & FLAG_COMPONENTS_V2)

    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        errors.add([*prefix, "embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds[:MAX_EMBEDS]):
        total += _check_embed(errors, embed, [*prefix, "embeds", index])
    if total > MAX_EMBED_TOTAL:
        errors.add(
            [*prefix, "embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            "Embed size exceeds maximum size of 6000",
        )

    if file_count > MAX_FILES:
        errors.add([*prefix, "files"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")

    components = body.get("components") or []
    if v2:
        _check_v2(errors, body, components, prefix)
    else:
        _check_action_rows(errors, components, [*prefix, "components"])
    _check_unique_custom_ids(errors, components, [*prefix, "components"])


def embed_text_length(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards the 6000 total of one embed."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def _check_embed(errors: FormErrors, embed: dict[str, Any], path: Path) -> int:
    for key, limit in _EMBED_TEXT_LIMITS.items():
        errors.max_length([*path, key], embed.get(key), limit)
    errors.max_length([*path, "footer", "text"], (embed.get("footer") or {}).get("text"), 2048)
    errors.max_length([*path, "author", "name"], (embed.get("author") or {}).get("name"), 256)
    fields = embed.get("fields") or []
    if len(fields) > 25:
        errors.add([*path, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, field in enumerate(fields):
        for key, limit in (("name", 256), ("value", 1024)):
            value = field.get(key)
            if not value:
                errors.add(
                    [*path, "fields", index, key], "BASE_TYPE_REQUIRED", "This field is required"
                )
            errors.max_length([*path, "fields", index, key], value, limit)
    for key in ("url",):
        _check_url(errors, [*path, key], embed.get(key))
    for key in ("image", "thumbnail"):
        _check_url(errors, [*path, key, "url"], (embed.get(key) or {}).get("url"), attachment=True)
    return embed_text_length(embed)


def _check_url(errors: FormErrors, path: Path, value: object, *, attachment: bool = False) -> None:
    if value is None:
        return
    schemes = ("http://", "https://", "attachment://") if attachment else ("http://", "https://")
    if not isinstance(value, str) or not value.startswith(schemes):
        errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")


def _check_action_rows(errors: FormErrors, rows: list[dict[str, Any]], path: Path) -> None:
    if len(rows) > MAX_ACTION_ROWS:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for index, row in enumerate(rows):
        if row.get("type") != 1:
            errors.add(
                [*path, index, "type"],
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1,).',
            )
            continue
        _check_row(errors, row, [*path, index])


def _check_row(errors: FormErrors, row: dict[str, Any], path: Path) -> None:
    children = row.get("components") or []
    if not children:
        errors.add(
            [*path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
        return
    selects = [c for c in children if c.get("type") in _SELECT_TYPES]
    if len(children) > MAX_ROW_BUTTONS or (selects and len(children) > 1):
        errors.add(
            [*path, "components"],
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for index, child in enumerate(children):
        child_path = [*path, "components", index]
        kind = child.get("type")
        if kind == 2:
            _check_button(errors, child, child_path)
        elif kind in _SELECT_TYPES:
            _check_select(errors, child, child_path)
        else:
            errors.add(
                [*child_path, "type"],
                "COMPONENT_TYPE_INVALID",
                f"Component type {kind} is not allowed in a message action row",
            )


def _check_button(errors: FormErrors, button: dict[str, Any], path: Path) -> None:
    errors.max_length([*path, "label"], button.get("label"), MAX_BUTTON_LABEL)
    style = button.get("style")
    if style == _LINK_STYLE:
        if not button.get("url"):
            errors.add([*path, "url"], "BASE_TYPE_REQUIRED", "This field is required")
        if button.get("custom_id"):
            errors.add(
                [*path, "custom_id"],
                "BUTTON_COMPONENT_LINK_CUSTOM_ID",
                "A link button cannot have a custom id",
            )
    elif style != _PREMIUM_STYLE:
        custom_id = button.get("custom_id")
        if not custom_id:
            errors.add([*path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
        errors.max_length([*path, "custom_id"], custom_id, MAX_CUSTOM_ID)
    if not button.get("label") and not button.get("emoji") and style != _PREMIUM_STYLE:
        errors.add(
            [*path, "label"],
            "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
            "A button must have a label or an emoji",
        )


def _check_select(errors: FormErrors, select: dict[str, Any], path: Path) -> None:
    errors.length_between([*path, "custom_id"], select.get("custom_id") or "", 1, MAX_CUSTOM_ID)
    errors.max_length([*path, "placeholder"], select.get("placeholder"), 150)
    if select.get("type") == 3:
        options = select.get("options") or []
        if not 1 <= len(options) <= MAX_SELECT_OPTIONS:
            errors.add(
                [*path, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
            )
        for index, option in enumerate(options):
            for key in ("label", "value"):
                errors.length_between([*path, "options", index, key], option.get(key), 1, 100)
            errors.max_length(
                [*path, "options", index, "description"], option.get("description"), 100
            )
    max_values = select.get("max_values", 1)
    if not 1 <= max_values <= MAX_SELECT_OPTIONS:
        errors.add([*path, "max_values"], "NUMBER_TYPE_MAX", "int value should be <= 25.")


def _check_v2(
    errors: FormErrors, body: dict[str, Any], components: list[dict[str, Any]], prefix: Path
) -> None:
    # With IS_COMPONENTS_V2 the components replace content and embeds entirely.
    if body.get("content"):
        errors.add(
            [*prefix, "content"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        )
    if body.get("embeds"):
        errors.add(
            [*prefix, "embeds"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'embeds' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        )
    every = list(walk_components(components))
    if len(every) > MAX_V2_COMPONENTS:
        errors.add(
            [*prefix, "components"], "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length."
        )
    text = sum(len(c.get("content") or "") for c in every if c.get("type") == 10)
    if text > MAX_V2_TEXT:
        errors.add(
            [*prefix, "components"],
            "MAX_TEXT_DISPLAY_SIZE_EXCEEDED",
            "Text display content exceeds 4000 characters",
        )
    for index, component in enumerate(components):
        if component.get("type") == 1:
            _check_row(errors, component, [*prefix, "components", index])


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first: action rows, sections, containers, labels, children."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


def _check_unique_custom_ids(
    errors: FormErrors, components: list[dict[str, Any]], path: Path
) -> None:
    seen: set[str] = set()
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        if not custom_id:
            continue
        if custom_id in seen:
            errors.add(
                path,
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                f"Component custom id cannot be duplicated ({custom_id!r})",
            )
        seen.add(custom_id)
