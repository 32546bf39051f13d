"""What a member takes away (an export) and what erasing their data did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# One stored row as plain values, for the export file.
Record = dict[str, Any]


@dataclass
class MemberExport:
    profile: Record | None = None
    checkins: list[Record] = field(default_factory=list)
    reminder: Record | None = None
    reminder_deliveries: list[Record] = field(default_factory=list)
    counters: list[Record] = field(default_factory=list)
    congratulations_given: list[Record] = field(default_factory=list)
    rsvps: list[Record] = field(default_factory=list)
    meeting_nudges: list[Record] = field(default_factory=list)
    reports_filed: list[Record] = field(default_factory=list)
    support_requests: list[Record] = field(default_factory=list)
    crisis_reply: Record | None = None
    on_call: Record | None = None
    meetings_created: list[Record] = field(default_factory=list)
    announcements_created: list[Record] = field(default_factory=list)
    peer_support: Record = field(default_factory=dict)
    direct_messages: list[Record] = field(default_factory=list)
    dm_channel: Record | None = None


@dataclass(frozen=True)
class PublicPost:
    channel_id: int
    message_id: int


@dataclass(frozen=True)
class MemberErasure:
    checkins: int
    counters: int
    other_rows: int  # reminders, RSVPs, congratulations given, reply times, on-call
    report_reasons: int  # their own words taken out of reports they filed
    reports_filed: int  # flags that keep their id as a reporter
    flags_about_them: int  # flags moderators keep (their id, never their words)
    created: int  # meetings and announcements they created, which stay the server's
    public_posts: list[PublicPost]  # Hearth's posts about them, to take down in Discord


@dataclass(frozen=True)
class ProfileErasure:
    erased: bool
    kept_opt_out: bool
