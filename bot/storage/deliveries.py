"""The delivery journal (what was sent, what may have been) and members' DM channel ids.

A process sends a delivery only while it holds the delivery's claim (`claim`, then `begin`),
taken in one conditional statement, so of several Hearth processes sharing the database exactly
one sends it. A claim can be taken when the delivery was not sent yet and nobody holds it, this
process holds it, its lease ran out (a hung holder), or its holder died (`Database.claimant`).
Settling a delivery gives its claim back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.delivery import CLAIM_LEASE
from bot.storage.database import Claimant, Database, Row
from bot.storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class JournalEntry:
    key: str
    guild_id: int | None
    channel_id: int | None
    user_id: int | None
    fingerprint: str
    anchor_id: int | None
    status: str  # 'sending' (may have reached Discord), 'sent', 'unsent' or 'failed'
    message_id: int | None
    attempts: int
    cause: str | None
    created_at: datetime
    updated_at: datetime
    claimed_by: str | None = None  # the process sending it now, if any
    claim_expires_at: datetime | None = None


class DeliveryJournal(Protocol):
    async def get(self, key: str) -> JournalEntry | None: ...
    async def claim(
        self,
        key: str,
        *,
        guild_id: int | None,
        user_id: int | None,
        fingerprint: str,
        now: datetime,
    ) -> JournalEntry | None: ...
    async def renew_claims(self, now: datetime) -> int: ...
    async def release(self, key: str) -> None: ...
    async def begin(
        self,
        key: str,
        *,
        guild_id: int | None,
        channel_id: int,
        user_id: int | None,
        fingerprint: str,
        anchor_id: int | None,
        now: datetime,
    ) -> bool: ...
    async def sent(self, key: str, channel_id: int, message_id: int, now: datetime) -> bool: ...
    async def failed(self, key: str, cause: str, now: datetime) -> None: ...
    async def unsent(self, key: str, now: datetime) -> None: ...
    async def still_unsure(self, key: str, cause: str, now: datetime) -> None: ...
    async def credited(self, message_ids: Iterable[int]) -> set[int]: ...
    async def newest_known(self, channel_id: int) -> int | None: ...
    async def in_doubt(self, prefix: str) -> list[JournalEntry]: ...
    async def forget_settled_before(self, moment: datetime) -> int: ...
    async def owe(self, key: str, guild_id: int | None, now: datetime) -> None: ...
    async def paid(self, key: str) -> None: ...
    async def owed(self, prefix: str) -> list[str]: ...
    async def dm_channel(self, user_id: int) -> int | None: ...
    async def remember_dm_channel(self, user_id: int, channel_id: int, now: datetime) -> None: ...
    async def forget_dm_channel(self, user_id: int) -> None: ...


class SqlDeliveryJournal:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> JournalEntry | None:
        row = await self._db.fetch_one("SELECT * FROM deliveries WHERE key = ?", (key,))
        return _entry(row) if row else None

    async def claim(
        self,
        key: str,
        *,
        guild_id: int | None,
        user_id: int | None,
        fingerprint: str,
        now: datetime,
    ) -> JournalEntry | None:
        """Take the claim on `key` for this process; the delivery as it stands (a new one is
        'unsent'), or None when it was sent already or another live process holds it. A held
        claim is skipped, never waited for."""
        claimant = await self._db.claimant()
        stamp = to_db(now)
        takeable, takeable_params = _takeable(claimant, now)
        async with self._db.single_writes() as tx:  # one statement: atomic alone
            row = await tx.fetch_one(
                "INSERT INTO deliveries (key, guild_id, user_id, fingerprint, status, attempts,"
                " created_at, updated_at, claimed_by, claim_expires_at)"
                " VALUES (?, ?, ?, ?, 'unsent', 0, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET claimed_by = excluded.claimed_by,"
                " claim_expires_at = excluded.claim_expires_at, updated_at = excluded.updated_at"
                f" WHERE {takeable} RETURNING *",
                (
                    key,
                    guild_id,
                    user_id,
                    fingerprint,
                    stamp,
                    stamp,
                    claimant.name,
                    to_db(now + CLAIM_LEASE),
                    *takeable_params,
                ),
            )
        return _entry(row) if row else None

    async def renew_claims(self, now: datetime) -> int:
        """Push back the lease of every claim this process holds; returns how many."""
        claimant = await self._db.claimant()
        async with self._db.single_writes() as tx:
            return await tx.execute(
                "UPDATE deliveries SET claim_expires_at = ? WHERE claimed_by = ?",
                (to_db(now + CLAIM_LEASE), claimant.name),
            )

    async def release(self, key: str) -> None:
        """Give the claim back if this process still holds it (settling gives it back too)."""
        claimant = await self._db.claimant()
        async with self._db.single_writes() as tx:
            await tx.execute(
                "UPDATE deliveries SET claimed_by = NULL, claim_expires_at = NULL"
                " WHERE key = ? AND claimed_by = ?",
                (key, claimant.name),
            )

    async def begin(
        self,
        key: str,
        *,
        guild_id: int | None,
        channel_id: int,
        user_id: int | None,
        fingerprint: str,
        anchor_id: int | None,
        now: datetime,
    ) -> bool:
        """Record that a request for `key` is about to leave: from here on it may have arrived.
        Only under this process's claim (taken here if it is free): False, and nothing
        recorded, when the delivery was sent meanwhile or another live process holds it."""
        claimant = await self._db.claimant()
        stamp = to_db(now)
        takeable, takeable_params = _takeable(claimant, now)
        async with self._db.single_writes() as tx:  # one statement: atomic alone
            row = await tx.fetch_one(
                "INSERT INTO deliveries (key, guild_id, channel_id, user_id, fingerprint,"
                " anchor_id, status, attempts, created_at, updated_at, claimed_by,"
                " claim_expires_at) VALUES (?, ?, ?, ?, ?, ?, 'sending', 1, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET channel_id = excluded.channel_id,"
                " fingerprint = excluded.fingerprint, anchor_id = excluded.anchor_id,"
                " status = 'sending', attempts = deliveries.attempts + 1, cause = NULL,"
                " message_id = NULL, updated_at = excluded.updated_at,"
                " claimed_by = excluded.claimed_by, claim_expires_at = excluded.claim_expires_at"
                f" WHERE {takeable} RETURNING key",
                (
                    key,
                    guild_id,
                    channel_id,
                    user_id,
                    fingerprint,
                    anchor_id,
                    stamp,
                    stamp,
                    claimant.name,
                    to_db(now + CLAIM_LEASE),
                    *takeable_params,
                ),
            )
        return row is not None

    async def sent(self, key: str, channel_id: int, message_id: int, now: datetime) -> bool:
        """Settle as delivered; False if that message is already credited to another delivery."""
        async with self._db.transaction() as tx:
            taken = await tx.fetch_one(
                "SELECT 1 FROM deliveries WHERE message_id = ? AND key != ?", (message_id, key)
            )
            if taken is not None:
                return False
            await tx.execute(
                "UPDATE deliveries SET status = 'sent', channel_id = ?, message_id = ?,"
                " cause = NULL, updated_at = ?, claimed_by = NULL, claim_expires_at = NULL"
                " WHERE key = ?",
                (channel_id, message_id, to_db(now), key),
            )
        return True

    async def failed(self, key: str, cause: str, now: datetime) -> None:
        """Discord refused it for good: nothing was posted."""
        await self._settle(key, "failed", cause, now)

    async def unsent(self, key: str, now: datetime) -> None:
        """Looked for and not found: nothing was posted, a later try may send it."""
        await self._settle(key, "unsent", None, now)

    async def still_unsure(self, key: str, cause: str, now: datetime) -> None:
        """Passing trouble: it stays 'sending' (it may have arrived), with the last cause; the
        next try, by any process, looks for it in the channel first."""
        async with self._db.single_writes() as tx:
            await tx.execute(
                "UPDATE deliveries SET cause = ?, updated_at = ?, claimed_by = NULL,"
                " claim_expires_at = NULL WHERE key = ?",
                (cause, to_db(now), key),
            )

    async def _settle(self, key: str, status: str, cause: str | None, now: datetime) -> None:
        async with self._db.single_writes() as tx:
            await tx.execute(
                "UPDATE deliveries SET status = ?, cause = ?, message_id = NULL, updated_at = ?,"
                " claimed_by = NULL, claim_expires_at = NULL WHERE key = ?",
                (status, cause, to_db(now), key),
            )

    async def credited(self, message_ids: Iterable[int]) -> set[int]:
        wanted = list(message_ids)
        if not wanted:
            return set()
        marks = ", ".join("?" for _ in wanted)
        rows = await self._db.fetch_all(
            f"SELECT message_id FROM deliveries WHERE message_id IN ({marks})", wanted
        )
        return {int(row["message_id"]) for row in rows}

    async def newest_known(self, channel_id: int) -> int | None:
        row = await self._db.fetch_one(
            "SELECT max(message_id) AS newest FROM deliveries WHERE channel_id = ?", (channel_id,)
        )
        return int(row["newest"]) if row and row["newest"] is not None else None

    async def in_doubt(self, prefix: str) -> list[JournalEntry]:
        rows = await self._db.fetch_all(
            "SELECT * FROM deliveries WHERE status = 'sending' AND key LIKE ? ESCAPE '\\'"
            " ORDER BY created_at",
            (_like_prefix(prefix),),
        )
        return [_entry(row) for row in rows]

    async def forget_settled_before(self, moment: datetime) -> int:
        async with self._db.transaction() as tx:
            return await tx.execute(
                "DELETE FROM deliveries WHERE status != 'sending' AND updated_at < ?"
                " AND (claimed_by IS NULL OR claim_expires_at < ?)",
                (to_db(moment), to_db(moment)),
            )

    async def owe(self, key: str, guild_id: int | None, now: datetime) -> None:
        async with self._db.single_writes() as tx:
            await tx.execute(
                "INSERT INTO owed_deliveries (key, guild_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (key, guild_id, to_db(now)),
            )

    async def paid(self, key: str) -> None:
        async with self._db.single_writes() as tx:
            await tx.execute("DELETE FROM owed_deliveries WHERE key = ?", (key,))

    async def owed(self, prefix: str) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT key FROM owed_deliveries WHERE key LIKE ? ESCAPE '\\' ORDER BY created_at",
            (_like_prefix(prefix),),
        )
        return [str(row["key"]) for row in rows]

    async def dm_channel(self, user_id: int) -> int | None:
        row = await self._db.fetch_one(
            "SELECT channel_id FROM dm_channels WHERE user_id = ?", (user_id,)
        )
        return int(row["channel_id"]) if row else None

    async def remember_dm_channel(self, user_id: int, channel_id: int, now: datetime) -> None:
        async with self._db.single_writes() as tx:
            await tx.execute(
                "INSERT INTO dm_channels (user_id, channel_id, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET channel_id = excluded.channel_id,"
                " updated_at = excluded.updated_at",
                (user_id, channel_id, to_db(now)),
            )

    async def forget_dm_channel(self, user_id: int) -> None:
        async with self._db.single_writes() as tx:
            await tx.execute("DELETE FROM dm_channels WHERE user_id = ?", (user_id,))


def _takeable(claimant: Claimant, now: datetime) -> tuple[str, tuple[object, ...]]:
    """When an existing delivery's claim may be taken by `claimant` (the row being written is
    `excluded`), and the condition's parameters."""
    condition = (
        "deliveries.status != 'sent' AND (deliveries.claimed_by IS NULL"
        " OR deliveries.claimed_by = excluded.claimed_by OR deliveries.claim_expires_at < ?"
        f" OR {claimant.dead('deliveries.claimed_by')})"
    )
    return condition, (to_db(now), *claimant.dead_params)


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _entry(row: Row) -> JournalEntry:
    return JournalEntry(
        key=row["key"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        fingerprint=row["fingerprint"],
        anchor_id=row["anchor_id"],
        status=row["status"],
        message_id=row["message_id"],
        attempts=row["attempts"],
        cause=row["cause"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        claimed_by=row["claimed_by"],
        claim_expires_at=from_db(row["claim_expires_at"]) if row["claim_expires_at"] else None,
    )
