"""The check-in form behind the daily prompt's button, and its submissions."""

from __future__ import annotations

from typing import Any

import discord

from bot.domain.checkins import CRAVING_MAX, CRAVING_MIN, NOTE_MAX_LENGTH, Mood
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.modals import submitted_values
from cogs.checkins import render
from cogs.checkins.recording import CheckinRecorder

FORM_PREFIX = "hearth:checkin:form:"


def checkin_form(opened_by: discord.Interaction) -> discord.ui.Modal:
    """A form with an id of its own, so members filling it in at once never collide."""
    form = discord.ui.Modal(
        title="Daily check-in", custom_id=f"{FORM_PREFIX}{opened_by.id}", timeout=None
    )
    form.add_item(
        discord.ui.Label(
            text="How are you feeling today?",
            component=discord.ui.Select(
                custom_id="mood",
                options=[
                    discord.SelectOption(label=render.mood_choice_label(m), value=str(m.value))
                    for m in Mood
                ],
            ),
        )
    )
    form.add_item(
        discord.ui.Label(
            text="Cravings today, 0 to 10 (optional)",
            component=discord.ui.TextInput(
                custom_id="craving",
                placeholder="0 = none, 10 = very strong",
                required=False,
                max_length=2,
            ),
        )
    )
    form.add_item(
        discord.ui.Label(
            text="Private note (optional)",
            description="Only you can ever see this. Left empty, a note from earlier today is "
            "kept.",
            component=discord.ui.TextInput(
                custom_id="note",
                style=discord.TextStyle.paragraph,
                required=False,
                max_length=NOTE_MAX_LENGTH,
            ),
        )
    )
    form.add_item(
        discord.ui.Label(
            text="Share your mood with the community?",
            description="Mood and craving only; your note is never shared.",
            component=discord.ui.Select(
                custom_id="share",
                options=[
                    discord.SelectOption(label="No, keep it private", value="no", default=True),
                    discord.SelectOption(label="Yes, post my mood", value="yes"),
                ],
                required=False,
            ),
        )
    )
    return form


async def handle_submission(interaction: discord.Interaction, recorder: CheckinRecorder) -> None:
    values = submitted_values(interaction)
    note = values.get("note")
    try:
        mood = _parse_mood(values.get("mood"))
        craving = _parse_craving(values.get("craving"))
        if isinstance(note, str) and len(note) > NOTE_MAX_LENGTH:  # only other clients send it
            raise UserFacingError(
                f"A note can be at most {NOTE_MAX_LENGTH} characters. Nothing was saved; press "
                "**Check in** to try again."
            )
    except UserFacingError as refusal:
        if isinstance(note, str) and note.strip():
            # Only the member sees this reply: give their words back rather than lose them.
            raise UserFacingError(f"{refusal}\nYour note, so it isn't lost:\n>>> {note}") from None
        raise
    share = values.get("share") == ["yes"]
    await recorder.record_and_reply(
        interaction,
        require_guild(interaction),
        mood=mood,
        craving=craving,
        note=note if isinstance(note, str) and note.strip() else None,
        share=share,
    )


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def _parse_mood(value: Any) -> Mood:
    text = _first(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise UserFacingError(
            "Please choose how you're feeling, from Struggling to Great. Nothing was saved; "
            "press **Check in** to try again."
        )
    return Mood(int(text))


def _parse_craving(value: Any) -> int | None:
    text = _first(value).strip()
    if not text:
        return None
    if not text.isdigit() or not CRAVING_MIN <= int(text) <= CRAVING_MAX:
        raise UserFacingError(
            "Craving needs to be a number from 0 to 10, or left empty. Nothing was saved; "
            "press **Check in** to try again."
        )
    return int(text)
