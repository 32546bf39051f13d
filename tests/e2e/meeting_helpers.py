"""Shared steps for the meetings end-to-end tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import Hearth
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, answered
from tests.fakediscord import FakeDiscord, Interaction


async def meetings_cmd(
    fake: FakeDiscord, community: Community, user: int, sub: str, **options: Any
) -> Interaction:
    ix = await fake.slash(community.guild_id, user, f"meetings {sub}", options=options)
    await answered(ix)
    await ix.wait_final()  # slow ones (list, calendar, import) are acknowledged first
    return ix


def meeting_ids(database: Path | str) -> list[int]:
    with stored.connect(database) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM meetings ORDER BY id")]


async def run_meeting(bot: Hearth, meeting_id: int) -> None:
    """Run the meeting's job now, as the scheduler would when it falls due, then its server's
    Events job (which organizers' changes ask for), so the Events list is up to date."""
    await bot.background.wait_idle()
    await bot.scheduler.run_now(f"meeting:{meeting_id}")
    meeting = await bot.storage.meetings.get(meeting_id)
    if meeting is not None:
        await run_events(bot, meeting.guild_id)


async def run_events(bot: Hearth, guild_id: int) -> None:
    """Run the server's Events job now (one pass of mirroring the soonest meetings)."""
    await bot.scheduler.run_now(f"meeting-events:{guild_id}")


def announcements_in(fake: FakeDiscord, channel_id: int) -> list[dict]:
    return [m for m in fake.channel_messages(channel_id) if m.get("embeds")]


# Tuesday 24 November 2026, 19:00 in New York (EST, UTC-5) is 00:00 UTC on the 25th.
FIRST_START = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


async def add_tuesday_meeting(
    fake: FakeDiscord, community: Community, voice: int, **extra: object
) -> None:
    await setup_guild(
        fake,
        community,
        timezone="America/New_York",
        announcements_channel=community.announcements,
        mod_queue_channel=community.mod_queue,
        organizer_role=community.organizer_role,
    )
    ix = await meetings_cmd(
        fake,
        community,
        community.admin,
        "add",
        name="Tuesday Night Group",
        weekdays="Tuesday",
        time="19:00",
        voice_channel=voice,
        types="O,D",
        description="An open discussion meeting.",
        **extra,
    )
    assert ix.ephemeral
    assert "Added" in ix.text, ix.text
