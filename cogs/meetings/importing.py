"""Importing a Meeting Guide feed: new meetings added, known slugs updated, never duplicated;
meetings that left the feed archived, and brought back if they reappear.

Feeds of thousands of meetings: parsing and comparing run off the event loop, the database
writes go in batches (`bot.storage.meeting_imports`)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.domain.meeting_guide import ImportedMeeting, ParsedFeed, parse_feed, schedule_for
from bot.domain.meetings import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    FeedChanges,
    Meeting,
    MeetingFields,
    clean_link,
    stored_meeting,
)
from bot.ui.errors import UserFacingError
from cogs.meetings.service import job_id

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.meetings.service import MeetingService


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    returned: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unknown_types: set[str] = field(default_factory=set)
    links_dropped: int = 0
    digest_time: str | None = None  # HH:MM, or None when the server turned the digest off

    def text(self) -> str:
        lines = [
            f"**Import finished**: {self.imported} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {sum(self.skipped.values())} skipped."
        ]
        if self.archived or self.returned:
            lines.append(
                f"• archived {self.archived}: no longer in the feed (kept, but no posts and no "
                f"Events entry; they come back if they reappear) · back in the feed: "
                f"{self.returned}"
            )
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
        if self.imported:
            when = (
                f"in one daily digest at {self.digest_time} (server time)"
                if self.digest_time
                else "nowhere yet: the daily digest is off (`/meetings digest`)"
            )
            lines.append(
                f"-# New imported meetings are announced {when} rather than one reminder each; "
                "`/meetings edit reminders:` turns reminders on for a meeting. Only the soonest "
                "meetings are shown in the server's Events: `/meetings list` says how many."
            )
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
        # The daily digest announces imported meetings; organizers add reminders where wanted.
        reminders=existing.reminders if existing else (),
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
    digest_time: str | None,
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
    report = ImportReport(digest_time=digest_time)
    for skipped in parsed.skipped:
        report.skipped[skipped.reason] += 1
    known = await bot.storage.meeting_imports.imported(guild_id)
    changes = await asyncio.to_thread(_changes, parsed, known, today, report)
    created = await bot.storage.meeting_imports.apply(guild_id, organizer, changes, bot.clock.now())
    stored = [
        stored_meeting(fields, meeting_id=meeting_id, guild_id=guild_id, created_by=organizer)
        for meeting_id, fields in [*zip(created, changes.create, strict=True), *changes.update]
    ]
    await service.schedule_many(stored)
    for meeting_id in changes.archive:
        bot.scheduler.cancel(job_id(meeting_id))
    service.events.request(guild_id)
    return report


def _changes(
    parsed: ParsedFeed, known: dict[str, Meeting], today: date, report: ImportReport
) -> FeedChanges:
    """What the feed changes, worked out off the event loop (thousands of meetings)."""
    create: list[MeetingFields] = []
    update: list[tuple[int, MeetingFields]] = []
    for item in parsed.meetings:
        report.unknown_types.update(item.unknown_types)
        existing = known.get(item.slug)
        base = None if existing is None else existing.fields()
        fields = _fields(item, today, base)
        if item.conference_url and fields.link is None:
            report.links_dropped += 1
        if existing is None:
            create.append(fields)
            report.imported += 1
        elif existing.archived:
            update.append((existing.id, fields))
            report.returned += 1
        elif fields != base:
            update.append((existing.id, fields))
            report.updated += 1
        else:
            report.unchanged += 1
    # Only meetings absent from the feed leave: one still listed but skipped this time (say,
    # in-person while importing online only) stays as it was.
    in_feed = {m.slug for m in parsed.meetings} | {s.slug for s in parsed.skipped if s.slug}
    archive = [m.id for slug, m in known.items() if slug not in in_feed and not m.archived]
    if not parsed.meetings:
        archive = []  # an empty feed is more likely a broken one: nothing is archived for it
    report.archived = len(archive)
    return FeedChanges(create=create, update=update, archive=archive)
