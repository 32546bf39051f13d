"""What organizers and admins are told about the server's Events limit (/meetings list and
/hearth status say the same)."""

from __future__ import annotations

from bot.domain.meeting_events import events_words
from bot.storage.storage import Storage


async def events_summary(storage: Storage, guild_id: int) -> str:
    mirrored, active, archived = await storage.meetings.event_counts(guild_id)
    window = await storage.meeting_digests.window(guild_id)
    text = events_words(mirrored, active, window)
    if archived:
        text += f" {archived} meeting(s) that left the imported feed are archived and not shown."
    return text
