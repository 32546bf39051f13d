"""Crisis support: member reply settings, quiet channels, guild phrases and switched-off rules,
reply times and channel pointers, local lines."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.crisis_settings import GuildPhrase, LocalLine
from bot.storage.database import Database
from bot.storage.timestamps import from_db, to_db


class CrisisRepository(Protocol):
    async def member_settings(self, user_id: int) -> tuple[str | None, bool]: ...
    async def set_member_country(
        self, user_id: int, country: str | None, now: datetime
    ) -> None: ...
    async def set_member_replies(self, user_id: int, on: bool, now: datetime) -> None: ...
    async def quiet_channels(self, guild_id: int) -> set[int]: ...
    async def set_quiet(self, guild_id: int, channel_id: int, quiet: bool) -> None: ...
    async def phrases(self, guild_id: int) -> list[GuildPhrase]: ...
    async def add_phrase(self, guild_id: int, phrase: GuildPhrase) -> None: ...
    async def remove_phrase(self, guild_id: int, phrase: str) -> list[GuildPhrase]: ...
    async def claim_reply(
        self, guild_id: int, user_id: int, now: datetime, window: timedelta
    ) -> bool: ...
    async def local_lines(self, guild_id: int) -> list[LocalLine]: ...
    async def set_local_line(self, guild_id: int, line: LocalLine | None, name: str) -> bool: ...
    async def claim_channel_pointer(
        self, guild_id: int, channel_id: int, now: datetime, window: timedelta
    ) -> bool: ...
    async def disabled_rules(self, guild_id: int) -> set[str]: ...
    async def set_rule_disabled(
        self, guild_id: int, rule: str, disabled: bool, actor: int, now: datetime
    ) -> bool: ...


class SqlCrisisRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def member_settings(self, user_id: int) -> tuple[str | None, bool]:
        """(the member's own country, whether automatic replies are on)."""
        row = await self._db.fetch_one(
            "SELECT country, crisis_replies FROM member_profile WHERE user_id = ?", (user_id,)
        )
        return (row["country"], bool(row["crisis_replies"])) if row else (None, True)

    async def set_member_country(self, user_id: int, country: str | None, now: datetime) -> None:
        await self._upsert_profile(user_id, "country", country, now)

    async def set_member_replies(self, user_id: int, on: bool, now: datetime) -> None:
        await self._upsert_profile(user_id, "crisis_replies", int(on), now)

    async def _upsert_profile(
        self, user_id: int, column: str, value: object, now: datetime
    ) -> None:
        stamp = to_db(now)
        async with self._db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO member_profile (user_id, {column}, created_at, updated_at)"
                f" VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                f" {column} = excluded.{column}, updated_at = excluded.updated_at",
                (user_id, value, stamp, stamp),
            )

    async def quiet_channels(self, guild_id: int) -> set[int]:
        rows = await self._db.fetch_all(
            "SELECT channel_id FROM crisis_quiet_channels WHERE guild_id = ?", (guild_id,)
        )
        return {int(row["channel_id"]) for row in rows}

    async def set_quiet(self, guild_id: int, channel_id: int, quiet: bool) -> None:
        async with self._db.transaction() as tx:
            if quiet:
                await tx.execute(
                    "INSERT INTO crisis_quiet_channels (guild_id, channel_id)"
                    " VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (guild_id, channel_id),
                )
            else:
                await tx.execute(
                    "DELETE FROM crisis_quiet_channels WHERE guild_id = ? AND channel_id = ?",
                    (guild_id, channel_id),
                )

    async def phrases(self, guild_id: int) -> list[GuildPhrase]:
        rows = await self._db.fetch_all(
            "SELECT phrase, kind, category, severity FROM crisis_phrases WHERE guild_id = ?"
            " ORDER BY kind, phrase",
            (guild_id,),
        )
        return [GuildPhrase(r["phrase"], r["kind"], r["category"], r["severity"]) for r in rows]

    async def add_phrase(self, guild_id: int, phrase: GuildPhrase) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO crisis_phrases (guild_id, phrase, kind, category, severity)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, phrase, kind) DO UPDATE SET"
                " category = excluded.category, severity = excluded.severity",
                (guild_id, phrase.phrase, phrase.kind, phrase.category, phrase.severity),
            )

    async def remove_phrase(self, guild_id: int, phrase: str) -> list[GuildPhrase]:
        """Remove the server's phrase (as one that flags and as one that never does); what was
        removed, empty if there was no such phrase."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT phrase, kind, category, severity FROM crisis_phrases"
                " WHERE guild_id = ? AND phrase = ? ORDER BY kind",
                (guild_id, phrase),
            )
            await tx.execute(
                "DELETE FROM crisis_phrases WHERE guild_id = ? AND phrase = ?", (guild_id, phrase)
            )
        return [GuildPhrase(r["phrase"], r["kind"], r["category"], r["severity"]) for r in rows]

    async def claim_reply(
        self, guild_id: int, user_id: int, now: datetime, window: timedelta
    ) -> bool:
        """Take the member's automatic reply for this window, or False if it's already taken.
        One transaction, so messages arriving together can't each get a reply."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT replied_at FROM crisis_replies WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            if row is not None and now - from_db(row["replied_at"]) < window:
                return False
            await tx.execute(
                "INSERT INTO crisis_replies (guild_id, user_id, replied_at) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, user_id) DO UPDATE SET replied_at = excluded.replied_at",
                (guild_id, user_id, to_db(now)),
            )
        return True

    async def local_lines(self, guild_id: int) -> list[LocalLine]:
        rows = await self._db.fetch_all(
            "SELECT name, contact, notes FROM crisis_local_lines WHERE guild_id = ?"
            " ORDER BY lower(name), name",
            (guild_id,),
        )
        return [LocalLine(r["name"], r["contact"], r["notes"]) for r in rows]

    async def set_local_line(self, guild_id: int, line: LocalLine | None, name: str) -> bool:
        """Add or replace the line called `name`, or with None remove it; True if it changed."""
        async with self._db.transaction() as tx:
            if line is None:
                return (
                    await tx.execute(
                        "DELETE FROM crisis_local_lines WHERE guild_id = ? AND name = ?",
                        (guild_id, name),
                    )
                    > 0
                )
            await tx.execute(
                "INSERT INTO crisis_local_lines (guild_id, name, contact, notes)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, name) DO UPDATE SET"
                " contact = excluded.contact, notes = excluded.notes",
                (guild_id, line.name, line.contact, line.notes),
            )
        return True

    async def claim_channel_pointer(
        self, guild_id: int, channel_id: int, now: datetime, window: timedelta
    ) -> bool:
        """Take the channel's one general /helpline pointer for this window; False if taken.
        Claimed before posting, so a restart or two detections at once never post two."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT posted_at FROM crisis_channel_pointers WHERE channel_id = ?", (channel_id,)
            )
            if row is not None and now - from_db(row["posted_at"]) < window:
                return False
            await tx.execute(
                "INSERT INTO crisis_channel_pointers (channel_id, guild_id, posted_at)"
                " VALUES (?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET"
                " posted_at = excluded.posted_at",
                (channel_id, guild_id, to_db(now)),
            )
        return True

    async def disabled_rules(self, guild_id: int) -> set[str]:
        rows = await self._db.fetch_all(
            "SELECT rule FROM crisis_disabled_rules WHERE guild_id = ?", (guild_id,)
        )
        return {row["rule"] for row in rows}

    async def set_rule_disabled(
        self, guild_id: int, rule: str, disabled: bool, actor: int, now: datetime
    ) -> bool:
        """Switch one detector rule off (or back on) for the guild; True if it changed."""
        async with self._db.transaction() as tx:
            if disabled:
                changed = await tx.execute(
                    "INSERT INTO crisis_disabled_rules (guild_id, rule, disabled_by, disabled_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (guild_id, rule, actor, to_db(now)),
                )
            else:
                changed = await tx.execute(
                    "DELETE FROM crisis_disabled_rules WHERE guild_id = ? AND rule = ?",
                    (guild_id, rule),
                )
        return changed > 0
