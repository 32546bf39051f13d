"""Shared steps for the data-rights end-to-end tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e import stored
from tests.e2e.harness import answered
from tests.fakediscord import FakeDiscord, Interaction


async def export(fake: FakeDiscord, guild_id: int, user_id: int) -> tuple[Interaction, dict]:
    """Run /privacy export; returns the interaction and the parsed JSON file."""
    ix = await fake.slash(guild_id, user_id, "privacy export")
    await answered(ix)
    await ix.wait_final()
    assert ix.ephemeral, "an export is only ever shown to its owner"
    [upload] = ix.files
    assert upload.filename == "hearth-my-data.json"
    return ix, json.loads(upload.content)


async def confirm(fake: FakeDiscord, guild_id: int, user_id: int, ask: Interaction, label: str):
    """Press a button of a confirmation question; returns the press, answered and final."""
    assert ask.final is not None
    buttons = {b["label"]: b["custom_id"] for b in ask.final["components"][0]["components"]}
    press = await fake.click(guild_id, user_id, ask.final, buttons[label])
    await answered(press)
    await press.wait_final()
    return press


async def ask(fake: FakeDiscord, guild_id: int, user_id: int, command: str, **options: Any):
    ix = await fake.slash(guild_id, user_id, command, options=options or None)
    await answered(ix)
    assert ix.ephemeral
    return ix


def database_bytes(database: Path | str) -> bytes:
    """The database as it lies on disk: the SQLite file and its write-ahead log, or the files
    of the PostgreSQL database (after a checkpoint has written every changed page out)."""
    if isinstance(database, str):
        return stored.postgres_files(database)
    parts = [database, database.with_name(database.name + "-wal")]
    return b"".join(part.read_bytes() for part in parts if part.exists())
