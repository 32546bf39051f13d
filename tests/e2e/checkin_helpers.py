"""Shared steps for the check-in end-to-end tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e import stored
from tests.e2e.harness import Community, answered
from tests.fakediscord import FakeDiscord, Interaction


def stored_checkins(database: Path | str, user_id: int) -> list[dict[str, Any]]:
    with stored.connect(database) as conn:
        rows = conn.execute(
            "SELECT * FROM checkins WHERE user_id = ? ORDER BY local_date", (user_id,)
        ).fetchall()
    return [dict(row) for row in rows]


async def setup_guild(fake: FakeDiscord, community: Community, **options: Any) -> None:
    ix = await fake.slash(community.guild_id, community.admin, "hearth setup", options=options)
    await answered(ix)
    assert "Saved" in ix.text, ix.text


async def checkin(
    fake: FakeDiscord, community: Community, user_id: int, **options: Any
) -> Interaction:
    ix = await fake.slash(community.guild_id, user_id, "checkin", options=options)
    await answered(ix)
    assert ix.ephemeral
    return ix
