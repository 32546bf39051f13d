"""Registered application commands, per scope ("global" or a guild id)."""

from __future__ import annotations

import copy
from typing import Any, Literal

from tests.fakediscord.command_limits import CHAT_INPUT, validate_commands
from tests.fakediscord.snowflakes import SnowflakeGenerator

Scope = Literal["global"] | int


class CommandRegistry:
    """Stores the commands of each scope the way Discord echoes them back after a sync."""

    def __init__(self, ids: SnowflakeGenerator, application_id: int) -> None:
        self._ids = ids
        self._application_id = application_id
        self._by_scope: dict[Scope, list[dict[str, Any]]] = {}
        # A command keeps its id across syncs while (scope, type, name) stays the same, as on
        # Discord; bots that cache command ids for mentions (</name:id>) rely on that.
        self._stable_ids: dict[tuple[Scope, int, str], int] = {}
        self.syncs: list[tuple[Scope, list[dict[str, Any]]]] = []

    def overwrite(self, scope: Scope, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Bulk overwrite (PUT): validate, replace the scope's commands, log the sync."""
        validate_commands(commands)
        stored = [self._stored(scope, command) for command in commands]
        self._by_scope[scope] = stored
        self.syncs.append((scope, copy.deepcopy(stored)))
        return copy.deepcopy(stored)

    def upsert(self, scope: Scope, command: dict[str, Any]) -> dict[str, Any]:
        """Create one command (POST); a command with the same name and type is replaced."""
        validate_commands([command])
        stored = self._stored(scope, command)
        current = [c for c in self._by_scope.get(scope, []) if c["id"] != stored["id"]]
        self._by_scope[scope] = [*current, stored]
        return copy.deepcopy(stored)

    def delete(self, scope: Scope, command_id: int) -> bool:
        current = self._by_scope.get(scope, [])
        remaining = [c for c in current if int(c["id"]) != command_id]
        self._by_scope[scope] = remaining
        return len(remaining) != len(current)

    def list(self, scope: Scope) -> list[dict[str, Any]]:
        return copy.deepcopy(self._by_scope.get(scope, []))

    def get(self, scope: Scope, command_id: int) -> dict[str, Any] | None:
        for command in self._by_scope.get(scope, []):
            if int(command["id"]) == command_id:
                return copy.deepcopy(command)
        return None

    def find(self, guild_id: int | None, name: str, kind: int) -> dict[str, Any] | None:
        """Resolve a command the way a Discord client would: guild scope first, then global."""
        scopes: list[Scope] = [guild_id, "global"] if guild_id is not None else ["global"]
        for scope in scopes:
            for command in self._by_scope.get(scope, []):
                if command["name"] == name and command.get("type", CHAT_INPUT) == kind:
                    return copy.deepcopy(command)
        return None

    def _stored(self, scope: Scope, command: dict[str, Any]) -> dict[str, Any]:
        kind = int(command.get("type", CHAT_INPUT))
        key = (scope, kind, str(command["name"]))
        command_id = self._stable_ids.setdefault(key, self._ids.next())
        permissions = command.get("default_member_permissions")
        stored: dict[str, Any] = {
            "id": str(command_id),
            "application_id": str(self._application_id),
            "version": str(self._ids.next()),
            "type": kind,
            "name": command["name"],
            "name_localizations": command.get("name_localizations"),
            "description": command.get("description", ""),
            "description_localizations": command.get("description_localizations"),
            "options": copy.deepcopy(command.get("options") or []),
            "default_member_permissions": None if permissions is None else str(permissions),
            "nsfw": bool(command.get("nsfw", False)),
            "integration_types": command.get("integration_types") or [0],
            "contexts": command.get("contexts"),
        }
        if scope == "global":
            stored["dm_permission"] = command.get("dm_permission", True)
        else:
            stored["guild_id"] = str(scope)
        return stored
