"""Discord's limits on application commands, autocomplete results and modals.

A command set Discord rejects makes ``tree.sync()`` raise ``CommandSyncFailure`` in production;
the fake answers with the same 400/50035 so that failure shows up in tests.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakediscord.limits import FormErrors, Path

CHAT_INPUT = 1
USER_COMMAND = 2
MESSAGE_COMMAND = 3
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
MAX_CHAT_INPUT_COMMANDS = 100
MAX_CONTEXT_MENU_COMMANDS = 5  # per type (user / message) and scope
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_COMBINED_CHARS = 4000

# Python's re has no \p{L}; \w (unicode letters, digits, underscore) is the closest match to
# Discord's ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$.
_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")


def validate_commands(commands: list[dict[str, Any]]) -> None:
    """Validate a bulk-overwrite (PUT) body; raise 400/50035 listing every problem."""
    errors = FormErrors()
    seen: set[tuple[int, str]] = set()
    counts = {CHAT_INPUT: 0, USER_COMMAND: 0, MESSAGE_COMMAND: 0}
    for index, command in enumerate(commands):
        kind = int(command.get("type", CHAT_INPUT))
        counts[kind] = counts.get(kind, 0) + 1
        name = command.get("name")
        if (kind, str(name)) in seen:
            errors.add(
                [index, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique ({name!r})",
            )
        seen.add((kind, str(name)))
        _check_command(errors, command, kind, [index])
    if counts[CHAT_INPUT] > MAX_CHAT_INPUT_COMMANDS:
        errors.add([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    for kind in (USER_COMMAND, MESSAGE_COMMAND):
        if counts[kind] > MAX_CONTEXT_MENU_COMMANDS:
            errors.add(
                [],
                "APPLICATION_COMMANDS_TOO_MANY_CONTEXT_MENU",
                f"Maximum number of type {kind} application commands reached (5)",
            )
    errors.raise_if_any()


def _check_command(errors: FormErrors, command: dict[str, Any], kind: int, path: Path) -> None:
    name = command.get("name")
    if kind == CHAT_INPUT:
        _check_name(errors, name, [*path, "name"])
        errors.length_between([*path, "description"], command.get("description") or "", 1, 100)
        _check_options(errors, command.get("options") or [], [*path, "options"], depth=0)
        if _combined_chars(command) > MAX_COMBINED_CHARS:
            errors.add(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)")
    else:
        # Context menu names may be mixed case and contain spaces.
        errors.length_between([*path, "name"], name or "", 1, 32)
        if command.get("options"):
            errors.add(
                [*path, "options"],
                "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED",
                "Context menu commands cannot have options",
            )


def _check_name(errors: FormErrors, name: object, path: Path) -> None:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid ({name!r})")
    elif name != name.lower():
        errors.add(
            path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name must be lowercase ({name!r})"
        )


def _check_options(
    errors: FormErrors, options: list[dict[str, Any]], path: Path, depth: int
) -> None:
    if len(options) > MAX_OPTIONS:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    names: set[str] = set()
    optional_seen = False
    for index, option in enumerate(options):
        option_path = [*path, index]
        kind = option.get("type")
        name = str(option.get("name"))
        _check_name(errors, option.get("name"), [*option_path, "name"])
        if name in names:
            errors.add(
                [*option_path, "name"],
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                f"Option name {name!r} is already used",
            )
        names.add(name)
        errors.length_between(
            [*option_path, "description"], option.get("description") or "", 1, 100
        )
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _check_subcommand(errors, option, kind, option_path, depth)
            continue
        if not isinstance(kind, int) or not 3 <= kind <= 11:
            errors.add([*option_path, "type"], "BASE_TYPE_CHOICES", f"Invalid option type {kind}")
        if option.get("required"):
            if optional_seen:
                errors.add(
                    option_path,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        _check_choices(errors, option, option_path)


def _check_subcommand(
    errors: FormErrors, option: dict[str, Any], kind: int, path: Path, depth: int
) -> None:
    children = option.get("options") or []
    # Nesting rules: command > group > subcommand > options, never deeper.
    if kind == SUB_COMMAND_GROUP and (
        depth > 0 or any(c.get("type") != SUB_COMMAND for c in children)
    ):
        errors.add(
            [*path, "type"],
            "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
            "Sub-command groups may only contain sub-commands",
        )
    if kind == SUB_COMMAND and any(
        c.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for c in children
    ):
        errors.add(
            [*path, "type"],
            "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
            "Sub-commands cannot contain sub-commands",
        )
    _check_options(errors, children, [*path, "options"], depth + 1)


def _check_choices(errors: FormErrors, option: dict[str, Any], path: Path) -> None:
    choices = option.get("choices") or []
    if choices and option.get("autocomplete"):
        errors.add(
            [*path, "autocomplete"],
            "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES",
            "Autocomplete cannot be enabled on an option with choices",
        )
    if len(choices) > MAX_CHOICES:
        errors.add([*path, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, choice in enumerate(choices):
        errors.length_between([*path, "choices", index, "name"], choice.get("name") or "", 1, 100)
        errors.max_length([*path, "choices", index, "value"], choice.get("value"), 100)


def _combined_chars(node: dict[str, Any]) -> int:
    """Characters Discord counts towards the 4000 limit: names, descriptions, choice values."""
    total = len(node.get("name") or "") + len(node.get("description") or "")
    for choice in node.get("choices") or []:
        total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    for option in node.get("options") or []:
        total += _combined_chars(option)
    return total


def validate_autocomplete(data: dict[str, Any]) -> None:
    errors = FormErrors()
    choices = data.get("choices")
    if not isinstance(choices, list):
        errors.add(["data", "choices"], "BASE_TYPE_REQUIRED", "This field is required")
    else:
        if len(choices) > MAX_CHOICES:
            errors.add(
                ["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        for index, choice in enumerate(choices):
            path: Path = ["data", "choices", index]
            errors.length_between([*path, "name"], choice.get("name") or "", 1, 100)
            errors.max_length([*path, "value"], choice.get("value"), 100)
    errors.raise_if_any()


def validate_modal(data: dict[str, Any]) -> None:
    errors = FormErrors()
    errors.length_between(["data", "custom_id"], data.get("custom_id") or "", 1, 100)
    errors.length_between(["data", "title"], data.get("title") or "", 1, 45)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        errors.add(
            ["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    for index, component in enumerate(components):
        path: Path = ["data", "components", index]
        kind = component.get("type")
        if kind == 1:
            children = component.get("components") or []
            if len(children) != 1 or children[0].get("type") != 4:
                errors.add(
                    [*path, "components"],
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "A modal action row holds exactly one text input",
                )
            for child in children:
                _check_text_input(errors, child, [*path, "components", 0], labelled=False)
        elif kind == 18:
            errors.length_between([*path, "label"], component.get("label") or "", 1, 45)
            errors.max_length([*path, "description"], component.get("description"), 100)
            child = component.get("component") or {}
            if child.get("type") == 4:
                _check_text_input(errors, child, [*path, "component"], labelled=True)
            else:
                errors.length_between(
                    [*path, "component", "custom_id"], child.get("custom_id") or "", 1, 100
                )
        elif kind != 10:  # text displays are allowed as static text
            errors.add(
                [*path, "type"],
                "COMPONENT_TYPE_INVALID",
                f"Component type {kind} is not allowed in a modal",
            )
    errors.raise_if_any()


def _check_text_input(
    errors: FormErrors, text_input: dict[str, Any], path: Path, labelled: bool
) -> None:
    errors.length_between([*path, "custom_id"], text_input.get("custom_id") or "", 1, 100)
    if not labelled:
        # Inside a Label component the label lives on the Label, not on the text input.
        errors.length_between([*path, "label"], text_input.get("label") or "", 1, 45)
    errors.max_length([*path, "placeholder"], text_input.get("placeholder"), 100)
    errors.max_length([*path, "value"], text_input.get("value"), 4000)
    max_length = text_input.get("max_length")
    if max_length is not None and not 1 <= max_length <= 4000:
        errors.add([*path, "max_length"], "NUMBER_TYPE_MAX", "int value should be <= 4000.")
