"""Meetings as Hearth keeps them, and what each one needs at a given moment."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.excerpts import quoted
from bot.domain.recurrence import Schedule, next_occurrence

# Members who said Going get a private nudge this long before the start.
GOING_NUDGE = timedelta(minutes=15)
NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Meeting:
    id: int
    guild_id: int
    name: str
    schedule: Schedule
    voice_channel_id: int | None
    link: str | None
    description: str | None
    types: tuple[str, ...]
    announce_channel_id: int | None
    ping_role_id: int | None
    reminders: tuple[timedelta, ...]  # longest first
    source_slug: str | None
    event_id: int | None
    event_start: datetime | None
    created_by: int
    archived: bool = False  # left its imported feed: kept, but silent and not in Events

    def fields(self) -> MeetingFields:
        """What an organizer (or an imported feed) set, to change and store again."""
        return MeetingFields(
            name=self.name,
            schedule=self.schedule,
            voice_channel_id=self.voice_channel_id,
            link=self.link,
            description=self.description,
            types=self.types,
            announce_channel_id=self.announce_channel_id,
            ping_role_id=self.ping_role_id,
            reminders=self.reminders,
            source_slug=self.source_slug,
        )


def stored_meeting(
    fields: MeetingFields, *, meeting_id: int, guild_id: int, created_by: int
) -> Meeting:
    """The meeting as stored from these fields (no Events entry yet)."""
    return Meeting(
        id=meeting_id,
        guild_id=guild_id,
        name=fields.name,
        schedule=fields.schedule,
        voice_channel_id=fields.voice_channel_id,
        link=fields.link,
        description=fields.description,
        types=fields.types,
        announce_channel_id=fields.announce_channel_id,
        ping_role_id=fields.ping_role_id,
        reminders=fields.reminders,
        source_slug=fields.source_slug,
        event_id=None,
        event_start=None,
        created_by=created_by,
    )


def first_wake(meeting: Meeting, now: datetime) -> datetime | None:
    """When a meeting just stored (nothing delivered, no date skipped) first needs its job.
    Skipped dates and deliveries can only make a run find less to do, never more, so a run at
    this time misses nothing: it reads them and decides."""
    decided = plan(meeting, now, (), ())
    return now if decided.act_now else decided.wake_at


def reminder_kind(offset: timedelta) -> str:
    return f"reminder:{int(offset.total_seconds())}"


def going_kind(user_id: int) -> str:
    return f"going:{user_id}"


CANCELLED_KIND = "cancelled"


def upcoming(meeting: Meeting, now: datetime, skipped: Collection[date]) -> datetime | None:
    """The next start strictly after now."""
    return next_occurrence(meeting.schedule, now, skipped=skipped)


def current_or_next(meeting: Meeting, now: datetime, skipped: Collection[date]) -> datetime | None:
    """The occurrence under way (start ≤ now < end), else the next one: what the server's
    Events list should show."""
    return next_occurrence(meeting.schedule, now - meeting.schedule.duration, skipped=skipped)


@dataclass(frozen=True)
class Plan:
    occurrence: datetime | None  # the next start after now
    send: timedelta | None  # the reminder to post now
    superseded: tuple[timedelta, ...]  # due too, but a closer one goes instead: marked skipped
    nudge_going: bool  # within the nudge window: DM members who said Going (once each)
    wake_at: datetime | None  # the next moment after now this meeting needs attention

    @property
    def act_now(self) -> bool:
        return self.send is not None or self.nudge_going


def plan(
    meeting: Meeting,
    now: datetime,
    skipped: Collection[date],
    delivered: Collection[str],
) -> Plan:
    """Decide what is due. `delivered` holds the delivery kinds already recorded for the
    upcoming occurrence. Reminders whose time passed while nothing was sent (Hearth was down, or
    the meeting was just added) are still due until the meeting starts; when several are due at
    once only the closest to the start is posted, so members never get a burst."""
    occurrence = upcoming(meeting, now, skipped)
    if occurrence is None:
        return Plan(None, None, (), False, None)
    pending = [o for o in meeting.reminders if reminder_kind(o) not in delivered]
    due = sorted((o for o in pending if occurrence - o <= now), reverse=True)
    nudge_at = occurrence - GOING_NUDGE
    candidates = [occurrence - o for o in pending if occurrence - o > now]
    # After the nudge window opens, the start itself is the next moment: the following
    # occurrence becomes the upcoming one then.
    candidates.append(nudge_at if nudge_at > now else occurrence)
    live = current_or_next(meeting, now, skipped)
    if live is not None and live + meeting.schedule.duration > now:
        candidates.append(live + meeting.schedule.duration)  # move the Events entry on
    return Plan(
        occurrence=occurrence,
        send=due[-1] if due else None,
        superseded=tuple(due[:-1]),
        nudge_going=nudge_at <= now,
        wake_at=min(candidates),
    )


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_weekdays(text: str) -> tuple[int, ...]:
    """'Tue, Thu' / 'tuesday and thursday' / 'mon-fri' → Python weekdays; ValueError if unclear."""
    cleaned = text.lower().replace(" and ", ",").replace("&", ",").replace("/", ",")
    days: set[int] = set()
    for item in (part.strip() for part in cleaned.replace(" ", ",").split(",")):
        if not item:
            continue
        if "-" in item:
            first, _, last = item.partition("-")
            start, end = _weekday(first), _weekday(last)
            span = (end - start) % 7
            days.update((start + step) % 7 for step in range(span + 1))
        else:
            days.add(_weekday(item))
    if not days:
        raise ValueError("no days given")
    return tuple(sorted(days))


def _weekday(word: str) -> int:
    word = word.strip().rstrip("s")  # "tuesdays"
    if len(word) >= 2:
        for number, name in enumerate(_WEEKDAY_NAMES):
            if name.startswith(word):
                return number
    raise ValueError(f"{quoted(word)} isn't a day of the week")


def clean_link(text: str | None) -> str | None:
    """A join link must be https; anything else is refused (ValueError)."""
    if text is None or not text.strip():
        return None
    link = text.strip()
    if not link.lower().startswith("https://") or " " in link or len(link) > 500:
        raise ValueError("the link must start with https://")
    return link


@dataclass(frozen=True)
class MeetingFields:
    """Everything an organizer sets; the repository adds ids and bookkeeping."""

    name: str
    schedule: Schedule
    voice_channel_id: int | None = None
    link: str | None = None
    description: str | None = None
    types: tuple[str, ...] = ()
    announce_channel_id: int | None = None
    ping_role_id: int | None = None
    reminders: tuple[timedelta, ...] = ()
    source_slug: str | None = None


@dataclass(frozen=True)
class Delivery:
    """What was done for one occurrence: a reminder, a member's nudge, or a cancellation."""

    kind: str
    status: str  # 'sending', 'sent', 'skipped' or 'failed'
    channel_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class Claim:
    """One delivery for one occurrence: a reminder, a member's nudge, or a cancellation."""

    meeting_id: int
    occurrence: datetime
    kind: str
    guild_id: int


@dataclass(frozen=True)
class FeedChanges:
    """What one import writes: new meetings, changed or returning ones, and ones that left."""

    create: Sequence[MeetingFields] = ()
    update: Sequence[tuple[int, MeetingFields]] = ()  # also brings an archived meeting back
    archive: Sequence[int] = ()
