"""What organizers and admins are told about the server's Events limit (/meetings list and
/hearth status say the same)."""

from __future__ import annotations

from bot.domain.meeting_events import ALERT_TOPIC, events_words
from bot.storage.storage import Storage


async def events_summary(storage: Storage, guild_id: int) -> str:
    mirrored, active, archived = await storage.meetings.event_counts(guild_id)
    window = await storage.meeting_digests.window(guild_id)
    blocked = [a for a in await storage.guild_extras.alerts(guild_id) if a.topic == ALERT_TOPIC]
    if blocked and mirrored < active:
        text = f"{mirrored} of {active} meetings are in the server's Events. {blocked[0].message}."
    else:
        text = events_words(mirrored, active, window)
    if archived:
        text += f" {archived} meeting(s) that left the imported feed are archived and not shown."
    return text
