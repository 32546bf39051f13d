"""Importing a Meeting Guide feed: new meetings added, known slugs updated, never duplicated."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.domain.meeting_guide import ImportedMeeting, parse_feed, schedule_for
from bot.domain.meetings import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    MeetingFields,
    clean_link,
)
from bot.domain.reminder_offsets import DEFAULT_OFFSETS
from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.meetings.service import MeetingService


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unknown_types: set[str] = field(default_factory=set)
    links_dropped: int = 0

    def text(self) -> str:
        lines = [
            f"**Import finished**: {self.imported} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {sum(self.skipped.values())} skipped."
        ]
        for reason, count in self.skipped.most_common(8):
            lines.append(f"• skipped {count}: {reason}")
        if self.links_dropped:
            lines.append(
                f"-# {self.links_dropped} join link(s) weren't https and were left out; "
                "add them with `/meetings edit link:`."
            )
        if self.unknown_types:
            codes = ", ".join(sorted(self.unknown_types)[:15])
            lines.append(f"-# Type codes I don't know were left out: {codes}")
        return "\n".join(lines)


def _fields(item: ImportedMeeting, today: date, existing: MeetingFields | None) -> MeetingFields:
    try:
        link = clean_link(item.conference_url)
    except ValueError:
        link = None
    notes = [
        part
        for part in (
            item.notes,
            item.location and f"Address: {item.location}",
            item.conference_phone and f"Phone: {item.conference_phone}",
        )
        if part
    ]
    return MeetingFields(
        name=item.name[:NAME_MAX_LENGTH],
        schedule=schedule_for(item, anchor=existing.schedule.anchor if existing else today),
        voice_channel_id=existing.voice_channel_id if existing else None,
        link=link,
        description="\n".join(notes)[:DESCRIPTION_MAX_LENGTH] or None,
        types=item.types,
        announce_channel_id=existing.announce_channel_id if existing else None,
        ping_role_id=existing.ping_role_id if existing else None,
        reminders=existing.reminders if existing else DEFAULT_OFFSETS,
        source_slug=item.slug,
    )


async def import_meetings(
    bot: Hearth,
    service: MeetingService,
    guild_id: int,
    organizer: int,
    data: Any,
    *,
    default_zone: str,
    today: date,
    include_in_person: bool,
) -> ImportReport:
    try:
        # Up to 5,000 meetings: parsed off the event loop so other members aren't kept waiting.
        parsed = await asyncio.to_thread(
            parse_feed,
            data,
            default_zone=default_zone,
            types=service.types,
            include_in_person=include_in_person,
        )
    except ValueError as exc:
        raise UserFacingError(f"I couldn't read that feed: {exc}. Nothing was imported.") from None
    report = ImportReport()
    for skipped in parsed.skipped:
        report.skipped[skipped.reason] += 1
    repo = bot.storage.meetings
    now = bot.clock.now()
    for item in parsed.meetings:
        report.unknown_types.update(item.unknown_types)
        known = await repo.by_slug(guild_id, item.slug)
        base = None if known is None else known.fields()
        fields = _fields(item, today, base)
        if item.conference_url and fields.link is None:
            report.links_dropped += 1
        if known is None:
            created = await repo.create(guild_id, fields, organizer, now)
            report.imported += 1
            service.schedule_soon(created.id)
        elif fields != base:
            await repo.replace(known.id, fields, now)
            report.updated += 1
            service.schedule_soon(known.id)
        else:
            report.unchanged += 1
    return report
