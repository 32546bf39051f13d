"""/meetings clear: remove one optional detail of a meeting, saying what changes for members."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from discord import app_commands

from bot.domain.meetings import Meeting, MeetingFields
from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.meetings.service import MeetingService


@dataclass(frozen=True)
class MeetingDetail:
    label: str  # "its link"
    field: str  # the MeetingFields attribute
    empty: Any  # the value when it isn't set
    after: str  # what members see from now on
    unset: str  # "has no link": why there is nothing to clear


DETAILS: dict[str, MeetingDetail] = {
    "link": MeetingDetail(
        "its link",
        "link",
        None,
        "Its announcements and Event no longer show a link: members join in its voice channel.",
        "has no link",
    ),
    "voice_channel": MeetingDetail(
        "its voice channel",
        "voice_channel_id",
        None,
        "Its announcements and Event no longer point to a voice channel: members join with "
        "its link.",
        "has no voice channel",
    ),
    "ping_role": MeetingDetail(
        "its ping role",
        "ping_role_id",
        None,
        "Its announcements no longer mention a role: they're posted without pinging anyone.",
        "pings no role",
    ),
    "channel": MeetingDetail(
        "its own announcement channel",
        "announce_channel_id",
        None,
        "It's announced in the server's announcements channel from now on.",
        "is already announced in the server's announcements channel",
    ),
    "description": MeetingDetail(
        "its description",
        "description",
        None,
        "Its announcements show no description.",
        "has no description",
    ),
    "types": MeetingDetail(
        "its meeting types",
        "types",
        (),
        "Its announcements no longer list its format.",
        "has no meeting types",
    ),
}
DETAIL_CHOICES = [
    app_commands.Choice(name=item.label.removeprefix("its ").capitalize(), value=key)
    for key, item in DETAILS.items()
]


def why_not(meeting: Meeting, detail: MeetingDetail, default_channel: int | None) -> str:
    """Why clearing `detail` would leave the meeting broken, or "" if it's fine."""
    fields: MeetingFields = replace(meeting.fields(), **{detail.field: detail.empty})
    if fields.voice_channel_id is None and fields.link is None:
        return (
            f"**{meeting.name}** needs somewhere for members to join, and {detail.label} is "
            "the only one it has. Give it a `link` or `voice_channel` with `/meetings edit` "
            "first, then clear this. Nothing was changed."
        )
    if fields.announce_channel_id is None and default_channel is None:
        return (
            f"The server has no announcements channel, so without {detail.label} "
            f"**{meeting.name}** would have nowhere to be announced. Set one with `/hearth "
            "setup announcements_channel:` first, then clear this. Nothing was changed."
        )
    return ""


async def clear_detail(bot: Hearth, service: MeetingService, meeting: Meeting, key: str) -> str:
    """Clear one detail and say what changes; a kind no-op if it isn't set."""
    detail = DETAILS[key]
    if getattr(meeting.fields(), detail.field) == detail.empty:
        return (
            f"**{meeting.name}** {detail.unset}, so there's nothing to clear. Nothing was "
            "changed. 🌿"
        )
    config = await bot.guild_configs.get(meeting.guild_id)
    problem = why_not(meeting, detail, config.announcements_channel_id)
    if problem:
        raise UserFacingError(problem)
    async with service.lock(meeting.id):
        current = await bot.storage.meetings.get(meeting.id)
        if current is None:
            raise UserFacingError("That meeting was just removed. Nothing was changed.")
        fields = replace(current.fields(), **{detail.field: detail.empty})
        await bot.storage.meetings.replace(meeting.id, fields, bot.clock.now())
    # Its Event and the coming reminders follow the change.
    service.schedule_soon(meeting.id)
    return f"Cleared {detail.label} from **{meeting.name}**. {detail.after}"
