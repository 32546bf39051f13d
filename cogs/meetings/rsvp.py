"""Going / Not going buttons: persistent, one answer per member per occurrence."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.meetings import GOING_NUDGE
from bot.domain.recurrence import local_date_of
from bot.ui.errors import reports_errors
from bot.ui.replies import reply_ephemeral

if TYPE_CHECKING:
    from bot.app import Hearth


def rsvp_view(meeting_id: int, occurrence: datetime, going: int, not_going: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RsvpButton(meeting_id, occurrence, True, going))
    view.add_item(RsvpButton(meeting_id, occurrence, False, not_going))
    return view


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:rsvp:(?P<meeting>[0-9]+):(?P<at>[0-9]+):(?P<answer>[yn])",
):
    def __init__(self, meeting_id: int, occurrence: datetime, going: bool, count: int = 0) -> None:
        label = "Going" if going else "Not going"
        super().__init__(
            discord.ui.Button(
                label=f"{label} ({count})" if count else label,
                style=discord.ButtonStyle.success if going else discord.ButtonStyle.secondary,
                custom_id=f"hearth:rsvp:{meeting_id}:{int(occurrence.timestamp())}:"
                f"{'y' if going else 'n'}",
            )
        )
        self.meeting_id = meeting_id
        self.occurrence = occurrence
        self.going = going

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> RsvpButton:
        occurrence = datetime.fromtimestamp(int(match["at"]), UTC)
        return cls(int(match["meeting"]), occurrence, match["answer"] == "y")

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        meetings = bot.storage.meetings
        meeting = await meetings.get(self.meeting_id)
        if meeting is None:
            await reply_ephemeral(interaction, "This meeting isn't on the schedule any more.")
            return
        now = bot.clock.now()
        if self.occurrence <= now:
            await reply_ephemeral(interaction, "This meeting has already started.")
            return
        day = local_date_of(meeting.schedule, self.occurrence)
        if day in await meetings.skips(self.meeting_id):
            await reply_ephemeral(
                interaction,
                "This date was cancelled, so there's nothing to "
                "answer. `/meetings info` shows the next one.",
            )
            return
        going, not_going = await meetings.rsvp(
            self.meeting_id, self.occurrence, interaction.user.id, self.going, bot.clock.now()
        )
        await interaction.response.edit_message(
            view=rsvp_view(self.meeting_id, self.occurrence, going, not_going)
        )
        if not self.going:
            thanks = "Thanks for letting us know."
        elif self.occurrence - now > GOING_NUDGE:
            thanks = (
                "See you there! I'll send you a private reminder 15 minutes before, if your "
                "direct messages are open."
            )
        else:
            thanks = "See you there! It starts very soon."
        await reply_ephemeral(interaction, thanks)
