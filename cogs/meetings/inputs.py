"""Turning an organizer's options into meeting fields, with kind errors for anything unclear."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.domain.meeting_types import MeetingTypes
from bot.domain.meetings import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    MeetingFields,
    clean_link,
    parse_weekdays,
)
from bot.domain.recurrence import Repeat, Schedule
from bot.domain.reminder_offsets import DEFAULT_OFFSETS, parse_offsets
from bot.ui.errors import UserFacingError
from bot.ui.inputs import require_hhmm, require_timezone

REPEAT_CHOICES = [
    app_commands.Choice(name="Every week", value="weekly"),
    app_commands.Choice(name="Every other week", value="biweekly"),
    app_commands.Choice(name="Monthly, on the nth weekday", value="monthly"),
]
NTH_CHOICES = [
    app_commands.Choice(name="First", value=1),
    app_commands.Choice(name="Second", value=2),
    app_commands.Choice(name="Third", value=3),
    app_commands.Choice(name="Fourth", value=4),
    app_commands.Choice(name="Last", value=-1),
]
NOTHING_CHANGED = " Nothing was changed."

# The options /meetings add and /meetings edit share, with their types and limits, declared once.
MEETING_OPTIONS: dict[str, Any] = {
    "name": app_commands.Range[str, 1, NAME_MAX_LENGTH],
    "weekdays": app_commands.Range[str, 1, 100],
    "time": app_commands.Range[str, 1, 20],
    "timezone": app_commands.Range[str, 1, 100],
    "duration": app_commands.Range[int, 5, 1440],
    "repeat": app_commands.Choice[str],
    "nth": app_commands.Choice[int],
    "voice_channel": discord.VoiceChannel | discord.StageChannel,
    "link": app_commands.Range[str, 1, 500],
    "description": app_commands.Range[str, 1, DESCRIPTION_MAX_LENGTH],
    "types": app_commands.Range[str, 1, 200],
    "channel": discord.TextChannel,
    "ping_role": discord.Role,
    "reminders": app_commands.Range[str, 1, 100],
}
Callback = TypeVar("Callback", bound=Callable[..., Any])


def meeting_options(
    *, required: Collection[str] = (), first: Sequence[tuple[str, Any]] = ()
) -> Callable[[Callback], Callback]:
    """Give a command callback `(self, interaction, [first...], **given)` the shared meeting
    options: discord.py reads a command's options from its signature. `first` are the command's
    own required options; of the shared ones, those in `required` must be given and the rest are
    optional (left out, they arrive as None)."""

    def declare(callback: Callback) -> Callback:
        keyword = inspect.Parameter.KEYWORD_ONLY
        positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
        parameters = [
            inspect.Parameter("self", positional),
            inspect.Parameter("interaction", positional, annotation=discord.Interaction),
            *(inspect.Parameter(name, positional, annotation=kind) for name, kind in first),
        ]
        needed = [
            inspect.Parameter(name, keyword, annotation=kind)
            for name, kind in MEETING_OPTIONS.items()
            if name in required
        ]
        optional = [
            inspect.Parameter(name, keyword, annotation=kind | None, default=None)
            for name, kind in MEETING_OPTIONS.items()
            if name not in required
        ]
        callback.__signature__ = inspect.Signature([*parameters, *needed, *optional])  # type: ignore[attr-defined]
        return callback

    return declare


def _fail(message: str) -> UserFacingError:
    return UserFacingError(message + NOTHING_CHANGED)


def build_fields(
    base: MeetingFields | None,
    *,
    types_table: MeetingTypes,
    default_zone: str,
    today: date,
    options: dict[str, Any],
) -> MeetingFields:
    """New fields from `base` (an edit) or from scratch (an add), changing only what is given."""
    given = {k: v for k, v in options.items() if v is not None}
    schedule = base.schedule if base else None
    try:
        weekdays = parse_weekdays(given["weekdays"]) if "weekdays" in given else None
    except ValueError as exc:
        raise _fail(f"I couldn't read the days: {exc}. Try `Tuesday` or `Mon, Thu`.") from None
    start = require_hhmm(given["time"]) if "time" in given else None
    zone = require_timezone(given["timezone"]) if "timezone" in given else None
    repeat = Repeat(given["repeat"]) if "repeat" in given else None
    if schedule is None:
        if weekdays is None or start is None:
            raise _fail("A new meeting needs its `weekdays` and start `time`.")
        schedule_args: dict[str, Any] = {
            "weekdays": weekdays,
            "start_time": start,
            "zone": zone or default_zone,
            "duration": timedelta(minutes=given.get("duration", 60)),
            "repeat": repeat or Repeat.WEEKLY,
            "anchor": today,
            "nth": given.get("nth"),
        }
    else:
        schedule_args = {
            "weekdays": weekdays or schedule.weekdays,
            "start_time": start or schedule.start_time,
            "zone": zone or schedule.zone,
            "duration": timedelta(minutes=given["duration"])
            if "duration" in given
            else schedule.duration,
            "repeat": repeat or schedule.repeat,
            "anchor": schedule.anchor,
            "nth": given.get("nth", schedule.nth),
        }
    if schedule_args["repeat"] != Repeat.MONTHLY:
        schedule_args["nth"] = None
    elif schedule_args["nth"] is None:
        raise _fail("A monthly meeting needs `nth` (first, second, third, fourth or last).")
    try:
        new_schedule = Schedule(**schedule_args)
    except ValueError as exc:
        raise _fail(f"That schedule doesn't work: {exc}.") from None

    changes: dict[str, Any] = {"schedule": new_schedule}
    if "name" in given:
        changes["name"] = given["name"].strip()
    if "description" in given:
        changes["description"] = given["description"].strip()[:DESCRIPTION_MAX_LENGTH] or None
    if "link" in given:
        try:
            changes["link"] = clean_link(given["link"])
        except ValueError as exc:
            raise _fail(f"Sorry, {exc}.") from None
    if "voice_channel" in given:
        changes["voice_channel_id"] = given["voice_channel"].id
    if "channel" in given:
        changes["announce_channel_id"] = given["channel"].id
    if "ping_role" in given:
        role: discord.Role = given["ping_role"]
        changes["ping_role_id"] = None if role.is_default() else role.id
    if "types" in given:
        known, unknown = types_table.parse_codes(given["types"])
        if unknown:
            raise _fail(
                f"I don't know the meeting type code(s) {', '.join(unknown)}. Codes "
                "follow Meeting Guide, e.g. `O` (open), `C` (closed), `D` (discussion)."
            )
        changes["types"] = known
    if "reminders" in given:
        try:
            changes["reminders"] = parse_offsets(given["reminders"])
        except ValueError as exc:
            raise _fail(f"I couldn't read the reminders: {exc}. Try `1d,1h,15m`.") from None
    if base is None:
        if not changes.get("name"):
            raise _fail("A meeting needs a name.")
        changes.setdefault("reminders", DEFAULT_OFFSETS)
        fields = MeetingFields(**changes)
    else:
        fields = replace(base, **changes)
    if fields.voice_channel_id is None and fields.link is None:
        raise _fail("Tell members where to join: a `voice_channel` or an https `link`.")
    return fields
