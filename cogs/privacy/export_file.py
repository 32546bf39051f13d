"""The export a member takes away: a JSON document, and a short summary to read first."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from bot.domain.privacy import MemberExport

FORMAT = "hearth-export/1"

# What each part of the file is, in words, so the file explains itself.
ABOUT = {
    "profile": "Your own settings, shared by every server you use Hearth in.",
    "checkins": "Your daily check-ins here, with your private notes.",
    "reminder": "Your daily check-in reminder.",
    "reminder_deliveries": "The days a reminder was sent to you (or was not needed).",
    "counters": "Your counters, each period (with reset notes) and the milestones reached.",
    "congratulations_given": "When you congratulated someone on a milestone.",
    "rsvps": "Your Going / Not going answers for meetings.",
    "meeting_nudges": "Private nudges sent to you before meetings you were going to.",
    "reports_filed": "Reports you made to the moderators, with your reason. Who the report was "
    "about and who else reported are not included.",
    "support_requests": "Times you pressed Ask for support after a check-in.",
    "crisis_reply": "When Hearth last sent you an automatic crisis-support message here.",
    "on_call": "Since when you are on call as a moderator here.",
    "meetings_created": "Meetings you added (they belong to the server).",
    "announcements_created": "Announcements you scheduled (they belong to the server).",
    "peer_support": "Peer support: your duty settings as a supporter, the conversations you "
    "asked for (with your reason) or helped in (times only), your accountability partners both "
    "ways, and your anonymous shares (their text was never stored).",
    "direct_messages": "Private messages Hearth sent you about this server: what kind, when, "
    "and whether they arrived. Hearth keeps no copy of their text.",
    "dm_channel": "The id of your direct-message channel with Hearth, kept so a message to you "
    "takes one request (shared by every server).",
}


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, like every time the file holds."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def export_bytes(data: MemberExport, *, guild_id: int, user_id: int, now: datetime) -> bytes:
    """The JSON file. Pure and possibly large, so callers run it off the event loop."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": utc_text(now),
        "server_id": str(guild_id),
        "member_id": str(user_id),
        "not_included": "Reports or flags other members or Hearth made about you, and the "
        "names of anyone who reported. Messages you wrote in Discord itself.",
        "about": ABOUT,
        **_for_json(asdict(data)),
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


_YES_NO = frozenset({"shared", "going", "enabled", "crisis_replies", "active"})


def _for_json(value: Any, key: str = "") -> Any:
    # Discord ids exceed what JSON readers in JavaScript hold exactly: written as text.
    # SQLite keeps yes/no as 0/1: written as true/false.
    if key in _YES_NO and isinstance(value, int):
        return bool(value)
    if isinstance(value, dict):
        return {k: _for_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_json(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and key.endswith("_id"):
        return str(value)
    return value


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def summary(data: MemberExport, guild_name: str) -> str:
    notes = sum(1 for c in data.checkins if c.get("note"))
    lines = [
        f"Here's everything Hearth keeps about you in **{guild_name}**. Only you can see this."
    ]
    if data.checkins:
        lines.append(f"• {_count(len(data.checkins), 'check-in')} ({notes} with a private note)")
    if data.counters:
        milestones = sum(len(c["milestones"]) for c in data.counters)
        lines.append(
            f"• {_count(len(data.counters), 'counter')}, {_count(milestones, 'milestone')} "
            "celebrated"
        )
    if data.reminder:
        lines.append("• a daily check-in reminder" + ("" if data.reminder["enabled"] else " (off)"))
    if data.rsvps:
        lines.append(f"• {_count(len(data.rsvps), 'meeting answer')}")
    if data.reports_filed:
        lines.append(f"• {_count(len(data.reports_filed), 'report')} you made to the moderators")
    if data.support_requests:
        lines.append(f"• {_count(len(data.support_requests), 'request')} for support")
    if data.direct_messages:
        lines.append(
            f"• the record of {_count(len(data.direct_messages), 'private message')} Hearth "
            "sent you (never their text)"
        )
    if data.profile:
        replies = "on" if data.profile["crisis_replies"] else "off"
        lines.append(f"• your profile (time zone, country; automatic crisis messages {replies})")
    if len(lines) == 1:
        lines.append("• nothing yet, apart from what the file shows")
    lines.append(
        "The attached file has every detail. Reports others made about you aren't included, and "
        "no reporter is ever named. `/privacy delete` erases your data."
    )
    return "\n".join(lines)
