"""A member's own data in a server: everything read out for an export, or erased.

This is the one place that reads across every table holding member data. `MEMBER_DATA` says,
for each such table, what an erasure does with it; a storage test fails when a table with member
ids is added without a line here, so the export, the erasure and the README stay complete.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.domain.privacy import MemberErasure, MemberExport, ProfileErasure, PublicPost, Record
from bot.storage.database import Database, Transaction, present
from bot.storage.peer_privacy import (
    GUILDS_SQL,
    MEMBER_TABLES,
    erase_peer_support,
    export_peer_support,
)
from bot.storage.sealing import (
    CHECKIN_NOTE,
    COUNTER_LABEL,
    FLAG_DETAIL,
    PERIOD_NOTE,
    PLAIN,
    FieldCodec,
)
from bot.storage.timestamps import plain_row

# Every table with a column naming a member, and what erasing that member does to it.
MEMBER_DATA: dict[str, str] = {
    "member_profile": "erased with the every-server option; a crisis-reply opt-out is kept",
    "checkins": "erased",
    "checkin_reminders": "erased",
    "checkin_reminder_deliveries": "erased",
    "sobriety_counters": "erased, with their periods and milestones",
    "milestone_congratulations": "erased (the ones they gave)",
    "meeting_rsvps": "erased",
    "meeting_deliveries": "erased (their 'going' nudges)",
    "crisis_replies": "erased",
    "oncall": "erased",
    "flags": "kept: moderators' record; it holds the member's id, never their messages",
    "flag_reporters": "kept: the id of who reported stays with the flag for moderators",
    "flag_events": "their own words (report reasons) erased; the action and id kept",
    "flag_alerts": "kept with the flag: the id of the moderator an alert was owed to",
    "crisis_disabled_rules": "kept: the server's setting; the id of the admin who chose it",
    "meetings": "kept: the server's meetings; created_by keeps the id",
    "announcements": "kept: the server's announcements; created_by keeps the id",
    **MEMBER_TABLES,  # peer supporters, partners, anonymous shares
    "deliveries": "erased: the record of DMs Hearth sent them there (ids and hashes, no text);"
    " with the every-server option, in every server",
    "dm_channels": "erased with the every-server option (the id of their DM with Hearth)",
}


class PrivacyRepository(Protocol):
    async def export(self, guild_id: int, user_id: int) -> MemberExport: ...
    async def guilds_with_data(self, user_id: int) -> list[int]: ...
    async def erase_member(self, guild_id: int, user_id: int) -> MemberErasure: ...
    async def erase_profile(self, user_id: int) -> ProfileErasure: ...


class SqlPrivacyRepository:
    def __init__(self, db: Database, codec: FieldCodec = PLAIN) -> None:
        self._db = db
        self._codec = codec

    async def export(self, guild_id: int, user_id: int) -> MemberExport:
        # One transaction: a consistent picture even if the member acts meanwhile.
        async with self._db.transaction() as tx:
            return await _Exporter(tx, self._codec, guild_id, user_id).run()

    async def guilds_with_data(self, user_id: int) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT guild_id FROM checkins WHERE user_id = ?1"
            " UNION SELECT guild_id FROM sobriety_counters WHERE user_id = ?1"
            " UNION SELECT guild_id FROM checkin_reminders WHERE user_id = ?1"
            " UNION SELECT guild_id FROM checkin_reminder_deliveries WHERE user_id = ?1"
            " UNION SELECT guild_id FROM crisis_replies WHERE user_id = ?1"
            " UNION SELECT guild_id FROM oncall WHERE user_id = ?1"
            " UNION SELECT m.guild_id FROM meeting_rsvps r JOIN meetings m ON m.id = r.meeting_id"
            " WHERE r.user_id = ?1"
            " UNION SELECT c.guild_id FROM milestone_congratulations g"
            " JOIN milestone_celebrations m ON m.id = g.celebration_id"
            " JOIN sobriety_periods p ON p.id = m.period_id"
            " JOIN sobriety_counters c ON c.id = p.counter_id WHERE g.user_id = ?1"
            " UNION SELECT f.guild_id FROM flag_reporters r JOIN flags f ON f.id = r.flag_id"
            " WHERE r.user_id = ?1"
            " UNION SELECT guild_id FROM deliveries WHERE user_id = ?1 AND guild_id IS NOT NULL"
            + GUILDS_SQL,
            (user_id,),
        )
        return sorted(int(row["guild_id"]) for row in rows)

    async def erase_member(self, guild_id: int, user_id: int) -> MemberErasure:
        async with self._db.transaction() as tx:
            erasure = await _erase(tx, guild_id, user_id)
        await flush_erased(self._db)
        return erasure

    async def erase_profile(self, user_id: int) -> ProfileErasure:
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM dm_channels WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM deliveries WHERE user_id = ?", (user_id,))
            row = await tx.fetch_one(
                "SELECT crisis_replies FROM member_profile WHERE user_id = ?", (user_id,)
            )
            if row is None:
                return ProfileErasure(erased=False, kept_opt_out=False)
            opted_out = not row["crisis_replies"]
            if opted_out:
                # Kept so Hearth goes on respecting it: a yes/no beside their id, nothing else.
                await tx.execute(
                    "UPDATE member_profile SET timezone = NULL, country = NULL WHERE user_id = ?",
                    (user_id,),
                )
            else:
                await tx.execute("DELETE FROM member_profile WHERE user_id = ?", (user_id,))
        await flush_erased(self._db)
        return ProfileErasure(erased=True, kept_opt_out=opted_out)


async def flush_erased(database: Database) -> None:
    """Erased words should not linger on disk: on SQLite the write-ahead log is emptied into
    the file, where `secure_delete` has zeroed what was removed."""
    await database.flush_erased()


class _Exporter:
    def __init__(self, tx: Transaction, codec: FieldCodec, guild_id: int, user_id: int) -> None:
        self.tx, self.codec, self.key = tx, codec, (guild_id, user_id)

    async def rows(self, sql: str, params: tuple[Any, ...] | None = None) -> list[Record]:
        return [plain_row(row) for row in await self.tx.fetch_all(sql, params or self.key)]

    async def run(self) -> MemberExport:
        guild_id, user_id = self.key
        out = MemberExport()
        profile = await self.rows(
            "SELECT timezone, country, crisis_replies, created_at, updated_at FROM member_profile"
            " WHERE user_id = ?",
            (user_id,),
        )
        out.profile = profile[0] if profile else None
        out.checkins = await self.rows(
            "SELECT local_date, mood, craving, note, shared, created_at, updated_at"
            " FROM checkins WHERE guild_id = ? AND user_id = ? ORDER BY local_date"
        )
        for checkin in out.checkins:
            checkin["note"] = self.codec.open(CHECKIN_NOTE, checkin["note"])
        reminder = await self.rows(
            "SELECT local_time, enabled, disabled_reason, handled_date, created_at, updated_at"
            " FROM checkin_reminders WHERE guild_id = ? AND user_id = ?"
        )
        out.reminder = reminder[0] if reminder else None
        out.reminder_deliveries = await self.rows(
            "SELECT local_date, outcome, updated_at FROM checkin_reminder_deliveries"
            " WHERE guild_id = ? AND user_id = ? ORDER BY local_date"
        )
        out.counters = await self._counters()
        out.congratulations_given = await self.rows(
            "SELECT g.created_at FROM milestone_congratulations g"
            " JOIN milestone_celebrations m ON m.id = g.celebration_id"
            " JOIN sobriety_periods p ON p.id = m.period_id"
            " JOIN sobriety_counters c ON c.id = p.counter_id"
            " WHERE c.guild_id = ? AND g.user_id = ? ORDER BY g.created_at"
        )
        out.rsvps = await self.rows(
            "SELECT m.name AS meeting, r.occurrence, r.going, r.updated_at FROM meeting_rsvps r"
            " JOIN meetings m ON m.id = r.meeting_id WHERE m.guild_id = ? AND r.user_id = ?"
            " ORDER BY r.occurrence"
        )
        out.meeting_nudges = await self.rows(
            "SELECT m.name AS meeting, d.occurrence, d.status FROM meeting_deliveries d"
            " JOIN meetings m ON m.id = d.meeting_id WHERE m.guild_id = ? AND d.kind = ?"
            " ORDER BY d.occurrence",
            (guild_id, f"going:{user_id}"),
        )
        out.reports_filed = await self._reports()
        out.support_requests = await self.rows(
            "SELECT created_at, status FROM flags WHERE guild_id = ? AND user_id = ?"
            " AND source = 'support' ORDER BY id"
        )
        reply = await self.rows(
            "SELECT replied_at FROM crisis_replies WHERE guild_id = ? AND user_id = ?"
        )
        out.crisis_reply = reply[0] if reply else None
        oncall = await self.rows("SELECT since FROM oncall WHERE guild_id = ? AND user_id = ?")
        out.on_call = oncall[0] if oncall else None
        out.meetings_created = await self.rows(
            "SELECT name, created_at FROM meetings WHERE guild_id = ? AND created_by = ?"
            " ORDER BY id"
        )
        out.announcements_created = await self.rows(
            "SELECT first_at, repeat, active, created_at FROM announcements"
            " WHERE guild_id = ? AND created_by = ? ORDER BY id"
        )
        out.peer_support = await export_peer_support(self.tx, self.codec, guild_id, user_id)
        out.direct_messages = await self._direct_messages()
        channel = await self.rows(
            "SELECT channel_id, updated_at FROM dm_channels WHERE user_id = ?", (user_id,)
        )
        out.dm_channel = channel[0] if channel else None
        return out

    async def _direct_messages(self) -> list[Record]:
        """The journal's record of DMs Hearth sent them about this server: what kind, when,
        and how it went. The journal never holds the text (only a hash, left out here), and
        the key is reduced to its kind, as the rest of a key may name other records."""
        rows = await self.rows(
            "SELECT key, status, channel_id, message_id, attempts, cause, created_at, updated_at"
            " FROM deliveries WHERE guild_id = ? AND user_id = ? ORDER BY created_at, key"
        )
        return [{"kind": str(row.pop("key")).split(":", 1)[0], **row} for row in rows]

    async def _counters(self) -> list[Record]:
        counters = await self.rows(
            "SELECT id, label, announce, created_at FROM sobriety_counters"
            " WHERE guild_id = ? AND user_id = ? ORDER BY id"
        )
        for counter in counters:
            counter["label"] = self.codec.open(COUNTER_LABEL, counter["label"])
            counter["periods"] = await self.rows(
                "SELECT start_date, end_date, note FROM sobriety_periods WHERE counter_id = ?"
                " ORDER BY start_date, id",
                (counter["id"],),
            )
            for period in counter["periods"]:
                period["note"] = self.codec.open(PERIOD_NOTE, period["note"])
            counter["milestones"] = await self.rows(
                "SELECT m.milestone_key AS milestone, m.milestone_date AS reached,"
                " m.channel AS delivered_as, m.status,"
                " (SELECT count(*) FROM milestone_congratulations g"
                "  WHERE g.celebration_id = m.id) AS congratulations"
                " FROM milestone_celebrations m JOIN sobriety_periods p ON p.id = m.period_id"
                " WHERE p.counter_id = ? ORDER BY m.milestone_date",
                (counter.pop("id"),),
            )
        return counters

    async def _reports(self) -> list[Record]:
        """Reports this member filed: their own reason, never who else reported or anyone's
        notes; the member a report is about is not named either."""
        reports = await self.rows(
            "SELECT f.id AS flag, f.created_at AS filed_at, f.category, f.status, f.channel_id,"
            " f.message_id,"
            " (SELECT e.detail FROM flag_events e WHERE e.flag_id = f.id AND e.actor_id = r.user_id"
            "  AND e.action IN ('created', 'merged') AND e.detail IS NOT NULL"
            "  ORDER BY e.id LIMIT 1) AS reason"
            " FROM flag_reporters r JOIN flags f ON f.id = r.flag_id"
            " WHERE f.guild_id = ? AND r.user_id = ? AND f.source = 'report' ORDER BY f.id"
        )
        for report in reports:
            report["reason"] = self.codec.open(FLAG_DETAIL, report["reason"])
        return reports


async def _erase(tx: Transaction, guild_id: int, user_id: int) -> MemberErasure:
    key = (guild_id, user_id)
    posts = await tx.fetch_all(
        "SELECT card_channel_id AS channel_id, card_message_id AS message_id FROM checkins"
        " WHERE guild_id = ? AND user_id = ? AND card_message_id IS NOT NULL"
        " UNION ALL SELECT m.channel_id, m.message_id FROM milestone_celebrations m"
        " JOIN sobriety_periods p ON p.id = m.period_id"
        " JOIN sobriety_counters c ON c.id = p.counter_id"
        " WHERE c.guild_id = ? AND c.user_id = ? AND m.message_id IS NOT NULL",
        (*key, *key),
    )
    own_meetings = "SELECT id FROM meetings WHERE guild_id = ?"
    other = await tx.execute(
        "DELETE FROM milestone_congratulations WHERE user_id = ? AND celebration_id IN ("
        " SELECT m.id FROM milestone_celebrations m JOIN sobriety_periods p ON p.id = m.period_id"
        " JOIN sobriety_counters c ON c.id = p.counter_id WHERE c.guild_id = ?)",
        (user_id, guild_id),
    )
    other += await tx.execute(
        f"DELETE FROM meeting_rsvps WHERE user_id = ? AND meeting_id IN ({own_meetings})",
        (user_id, guild_id),
    )
    other += await tx.execute(
        f"DELETE FROM meeting_deliveries WHERE kind = ? AND meeting_id IN ({own_meetings})",
        (f"going:{user_id}", guild_id),
    )
    for table in (
        "checkin_reminders",
        "checkin_reminder_deliveries",
        "crisis_replies",
        "oncall",
        "deliveries",
    ):
        other += await tx.execute(f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?", key)
    peer_rows, peer_posts = await erase_peer_support(tx, guild_id, user_id)
    other += peer_rows
    checkins = await tx.execute("DELETE FROM checkins WHERE guild_id = ? AND user_id = ?", key)
    counters = await tx.execute(
        "DELETE FROM sobriety_counters WHERE guild_id = ? AND user_id = ?", key
    )
    filed = "SELECT r.flag_id FROM flag_reporters r JOIN flags f ON f.id = r.flag_id"
    reasons = await tx.execute(
        "UPDATE flag_events SET detail = NULL WHERE actor_id = ? AND detail IS NOT NULL"
        f" AND action IN ('created', 'merged') AND flag_id IN ({filed}"
        " WHERE f.guild_id = ? AND r.user_id = ? AND f.source = 'report')",
        (user_id, *key),
    )
    kept = await tx.fetch_one(
        f"SELECT (SELECT count(*) FROM ({filed} WHERE f.guild_id = ?1 AND r.user_id = ?2))"
        " AS filed,"
        " (SELECT count(*) FROM flags WHERE guild_id = ?1 AND user_id = ?2) AS about,"
        " (SELECT count(*) FROM meetings WHERE guild_id = ?1 AND created_by = ?2)"
        " + (SELECT count(*) FROM announcements WHERE guild_id = ?1 AND created_by = ?2)"
        " AS created",
        key,
    )
    kept = present(kept, "the erased member's remaining counts")
    return MemberErasure(
        checkins=checkins,
        counters=counters,
        other_rows=other,
        report_reasons=reasons,
        reports_filed=int(kept["filed"]),
        flags_about_them=int(kept["about"]),
        created=int(kept["created"]),
        public_posts=[PublicPost(int(p["channel_id"]), int(p["message_id"])) for p in posts]
        + [PublicPost(channel_id, message_id) for channel_id, message_id in peer_posts],
    )
