"""Accountability partnerships and the notices partners were sent (each exactly once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.partners import Partnership, PartnerStatus, Sharing
from bot.storage.batched_reads import BatchedReads, in_list
from bot.storage.database import Database, Row, present
from bot.storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class PendingNotice:
    partnership_id: int
    kind: str


class PartnerRepository(Protocol):
    async def invite(
        self, guild_id: int, user_id: int, partner_id: int, sharing: Sharing, now: datetime
    ) -> Partnership | None: ...
    async def get(self, partnership_id: int) -> Partnership | None: ...
    async def live_count(self, guild_id: int, user_id: int) -> tuple[int, int]: ...
    async def between(self, guild_id: int, first: int, second: int) -> list[Partnership]: ...
    async def involving(self, guild_id: int, user_id: int) -> list[Partnership]: ...
    async def active_sharing(self, guild_id: int, user_id: int) -> list[Partnership]: ...
    async def with_nudges(self) -> list[Partnership]: ...
    async def accept(self, partnership_id: int, partner_id: int, now: datetime) -> bool: ...
    async def decline(self, partnership_id: int, partner_id: int, now: datetime) -> bool: ...
    async def end(self, partnership_id: int, by: int, now: datetime) -> bool: ...
    async def set_sharing(self, partnership_id: int, sharing: Sharing) -> None: ...
    async def claim_notice(
        self, partnership_id: int, guild_id: int, kind: str, now: datetime
    ) -> bool: ...
    async def finish_notice(self, partnership_id: int, kind: str, delivered: bool) -> None: ...
    async def unfinished_notices(self) -> list[PendingNotice]: ...


class SqlPartnerRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Asked after every hard check-in: a burst of them shares its statements.
        self._sharing: BatchedReads[tuple[int, int], list[Partnership]] = BatchedReads(
            self._read_active_sharing, list
        )

    async def invite(
        self, guild_id: int, user_id: int, partner_id: int, sharing: Sharing, now: datetime
    ) -> Partnership | None:
        """A new invitation; None if the two already have a live one this way round."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "INSERT INTO partnerships (guild_id, user_id, partner_id, share_streak,"
                " share_counter_id, share_struggles, nudge_after_days, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *",
                (
                    guild_id,
                    user_id,
                    partner_id,
                    int(sharing.streak),
                    sharing.counter_id,
                    int(sharing.struggles),
                    sharing.nudge_after_days,
                    to_db(now),
                ),
            )
        return _partnership(row) if row else None

    async def get(self, partnership_id: int) -> Partnership | None:
        row = await self._db.fetch_one("SELECT * FROM partnerships WHERE id = ?", (partnership_id,))
        return _partnership(row) if row else None

    async def live_count(self, guild_id: int, user_id: int) -> tuple[int, int]:
        """(partners this member shares with, members who share with them), invitations too."""
        row = await self._db.fetch_one(
            "SELECT (SELECT count(*) FROM partnerships WHERE guild_id = ?1 AND user_id = ?2"
            "  AND status IN ('invited', 'active')),"
            " (SELECT count(*) FROM partnerships WHERE guild_id = ?1 AND partner_id = ?2"
            "  AND status IN ('invited', 'active'))",
            (guild_id, user_id),
        )
        counted = present(row, "partner counts")
        return int(counted[0]), int(counted[1])

    async def between(self, guild_id: int, first: int, second: int) -> list[Partnership]:
        rows = await self._db.fetch_all(
            "SELECT * FROM partnerships WHERE guild_id = ? AND status IN ('invited', 'active')"
            " AND ((user_id = ? AND partner_id = ?) OR (user_id = ? AND partner_id = ?))"
            " ORDER BY id",
            (guild_id, first, second, second, first),
        )
        return [_partnership(row) for row in rows]

    async def involving(self, guild_id: int, user_id: int) -> list[Partnership]:
        rows = await self._db.fetch_all(
            "SELECT * FROM partnerships WHERE guild_id = ?1 AND status IN ('invited', 'active')"
            " AND (user_id = ?2 OR partner_id = ?2) ORDER BY id",
            (guild_id, user_id),
        )
        return [_partnership(row) for row in rows]

    async def active_sharing(self, guild_id: int, user_id: int) -> list[Partnership]:
        return list(await self._sharing.get((guild_id, user_id)))

    async def _read_active_sharing(
        self, members: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int], list[Partnership]]:
        guild_marks, guilds = in_list(sorted({guild for guild, _ in members}))
        user_marks, users = in_list(sorted({user for _, user in members}))
        # Every pair of these servers and members; the caller takes only the pairs it asked for.
        rows = await self._db.fetch_all(
            f"SELECT * FROM partnerships WHERE guild_id IN ({guild_marks})"
            f" AND user_id IN ({user_marks}) AND status = 'active' ORDER BY id",
            (*guilds, *users),
        )
        found: dict[tuple[int, int], list[Partnership]] = {}
        for row in rows:
            partnership = _partnership(row)
            found.setdefault((partnership.guild_id, partnership.user_id), []).append(partnership)
        return found

    async def with_nudges(self) -> list[Partnership]:
        rows = await self._db.fetch_all(
            "SELECT * FROM partnerships WHERE status = 'active' AND nudge_after_days IS NOT NULL"
            " ORDER BY id"
        )
        return [_partnership(row) for row in rows]

    async def accept(self, partnership_id: int, partner_id: int, now: datetime) -> bool:
        return await self._move(
            partnership_id,
            "status = 'active', accepted_at = ?",
            (to_db(now),),
            "status = 'invited' AND partner_id = ?",
            (partner_id,),
        )

    async def decline(self, partnership_id: int, partner_id: int, now: datetime) -> bool:
        return await self._move(
            partnership_id,
            "status = 'declined', ended_at = ?, ended_by = ?",
            (to_db(now), partner_id),
            "status = 'invited' AND partner_id = ?",
            (partner_id,),
        )

    async def end(self, partnership_id: int, by: int, now: datetime) -> bool:
        return await self._move(
            partnership_id,
            "status = 'ended', ended_at = ?, ended_by = ?",
            (to_db(now), by),
            "status IN ('invited', 'active') AND ? IN (user_id, partner_id)",
            (by,),
        )

    async def set_sharing(self, partnership_id: int, sharing: Sharing) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE partnerships SET share_streak = ?, share_counter_id = ?,"
                " share_struggles = ?, nudge_after_days = ? WHERE id = ?",
                (
                    int(sharing.streak),
                    sharing.counter_id,
                    int(sharing.struggles),
                    sharing.nudge_after_days,
                    partnership_id,
                ),
            )

    async def claim_notice(
        self, partnership_id: int, guild_id: int, kind: str, now: datetime
    ) -> bool:
        """Record a notice before sending it; False if it was already claimed (never twice)."""
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "INSERT INTO partner_notices (partnership_id, guild_id, kind, status, at)"
                    " VALUES (?, ?, ?, 'sending', ?) ON CONFLICT DO NOTHING",
                    (partnership_id, guild_id, kind, to_db(now)),
                )
                > 0
            )

    async def finish_notice(self, partnership_id: int, kind: str, delivered: bool) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE partner_notices SET status = ? WHERE partnership_id = ? AND kind = ?",
                ("sent" if delivered else "undelivered", partnership_id, kind),
            )

    async def unfinished_notices(self) -> list[PendingNotice]:
        """Notices claimed but not known to be sent (Hearth stopped in between)."""
        rows = await self._db.fetch_all(
            "SELECT n.partnership_id, n.kind FROM partner_notices n"
            " JOIN partnerships p ON p.id = n.partnership_id"
            " WHERE n.status = 'sending' AND p.status = 'active' ORDER BY n.at"
        )
        return [PendingNotice(int(row[0]), str(row[1])) for row in rows]

    async def _move(
        self,
        partnership_id: int,
        assignments: str,
        values: tuple[object, ...],
        condition: str,
        condition_values: tuple[object, ...],
    ) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE partnerships SET {assignments} WHERE id = ? AND {condition}",
                (*values, partnership_id, *condition_values),
            )
        return changed > 0


def _partnership(row: Row) -> Partnership:
    return Partnership(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        partner_id=int(row["partner_id"]),
        status=PartnerStatus(row["status"]),
        sharing=Sharing(
            streak=bool(row["share_streak"]),
            counter_id=row["share_counter_id"],
            struggles=bool(row["share_struggles"]),
            nudge_after_days=row["nudge_after_days"],
        ),
        created_at=from_db(row["created_at"]),
        accepted_at=from_db(row["accepted_at"]) if row["accepted_at"] else None,
    )
