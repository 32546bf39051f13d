"""The check-in bench's floor: Hearth started exactly as `python -m bot`, except that /checkin
answers at once and stores nothing. What is left is the cost of Discord's side of an interaction
(gateway frame in, discord.py's parsing and dispatch, the callback out) on this machine, which
no change to the check-in itself can go below.

    python bench/checkin_load.py --floor
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord

from bot.__main__ import main
from bot.ui.replies import reply_ephemeral
from cogs.checkins.recording import CheckinRecorder


async def answer_only(
    self: CheckinRecorder, interaction: discord.Interaction, guild: discord.Guild, **_: object
) -> None:
    await reply_ephemeral(interaction, "Checked in (floor: nothing stored)")


if __name__ == "__main__":
    CheckinRecorder.record_and_reply = answer_only  # type: ignore[method-assign]
    raise SystemExit(main([]))
