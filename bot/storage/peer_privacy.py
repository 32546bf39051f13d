"""Peer support's part of a member's export and erasure (called from bot/storage/privacy.py).

What a member gets and loses: their duty settings as a peer supporter, their support requests
(with their own reason), the conversations they supported (times only), their partnerships both
ways, and their anonymous shares (Hearth never stored the text; it takes the posts down).
"""

from __future__ import annotations

from typing import Any

from bot.storage.database import Transaction
from bot.storage.sealing import PEER_REASON, FieldCodec
from bot.storage.timestamps import plain_row

MEMBER_TABLES: dict[str, str] = {
    "peer_supporters": "erased",
    "peer_requests": "their own requests erased (and the cards naming them taken down); as a "
    "supporter, their id is removed from conversations that have ended",
    "peer_request_events": "erased with their requests; their id is removed from the rest",
    "partnerships": "erased, both the ones they share in and the ones they see",
    "anonymous_shares": "erased, and their shares taken down",
}

# Servers where a member has peer-support data, for the every-server erasure.
GUILDS_SQL = (
    " UNION SELECT guild_id FROM peer_supporters WHERE user_id = ?1"
    " UNION SELECT guild_id FROM peer_requests WHERE user_id = ?1 OR supporter_id = ?1"
    " UNION SELECT guild_id FROM partnerships WHERE user_id = ?1 OR partner_id = ?1"
    " UNION SELECT guild_id FROM anonymous_shares WHERE user_id = ?1"
)


async def export_peer_support(
    tx: Transaction, codec: FieldCodec, guild_id: int, user_id: int
) -> dict[str, Any]:
    key = (guild_id, user_id)

    async def rows(sql: str, params: tuple[Any, ...] = key) -> list[dict[str, Any]]:
        return [plain_row(row) for row in await tx.fetch_all(sql, params)]

    supporter = await rows(
        "SELECT on_duty, hours, updated_at FROM peer_supporters WHERE guild_id = ? AND user_id = ?"
    )
    requests = await rows(
        "SELECT created_at, origin, reason, status, closed_at FROM peer_requests"
        " WHERE guild_id = ? AND user_id = ? ORDER BY id"
    )
    for request in requests:
        request["reason"] = codec.open(PEER_REASON, request["reason"])
    return {
        "as_peer_supporter": supporter[0] if supporter else None,
        "support_conversations_requested": requests,
        "support_conversations_helped": await rows(
            "SELECT action, at FROM peer_request_events WHERE guild_id = ?1 AND actor_id = ?2"
            " AND request_id IN (SELECT id FROM peer_requests WHERE user_id <> ?2) ORDER BY id"
        ),
        "partners_you_share_with": await rows(
            "SELECT partner_id, status, share_streak, share_counter_id, share_struggles,"
            " nudge_after_days, created_at, accepted_at, ended_at FROM partnerships"
            " WHERE guild_id = ? AND user_id = ? ORDER BY id"
        ),
        "members_who_share_with_you": await rows(
            "SELECT user_id, status, created_at, accepted_at, ended_at FROM partnerships"
            " WHERE guild_id = ? AND partner_id = ? ORDER BY id"
        ),
        "anonymous_shares": await rows(
            "SELECT created_at, status, channel_id, message_id, removed_at FROM anonymous_shares"
            " WHERE guild_id = ? AND user_id = ? ORDER BY id"
        ),
    }


async def erase_peer_support(
    tx: Transaction, guild_id: int, user_id: int
) -> tuple[int, list[tuple[int, int]]]:
    """Erase a member's peer-support data in one server; returns (rows, Hearth's posts about
    them to take down as (channel id, message id))."""
    key = (guild_id, user_id)
    posts = await tx.fetch_all(
        "SELECT card_channel_id, card_message_id FROM peer_requests"
        " WHERE guild_id = ? AND user_id = ? AND card_message_id IS NOT NULL"
        " UNION ALL SELECT channel_id, message_id FROM anonymous_shares"
        " WHERE guild_id = ? AND user_id = ? AND status = 'posted' AND message_id IS NOT NULL",
        (*key, *key),
    )
    erased = await tx.execute("DELETE FROM peer_supporters WHERE guild_id = ? AND user_id = ?", key)
    erased += await tx.execute("DELETE FROM peer_requests WHERE guild_id = ? AND user_id = ?", key)
    erased += await tx.execute(
        "UPDATE peer_requests SET supporter_id = NULL WHERE guild_id = ? AND supporter_id = ?"
        " AND status IN ('closed', 'to_moderators')",
        key,
    )
    erased += await tx.execute(
        "UPDATE peer_request_events SET actor_id = NULL WHERE guild_id = ? AND actor_id = ?", key
    )
    erased += await tx.execute(
        "DELETE FROM partner_notices WHERE partnership_id IN (SELECT id FROM partnerships"
        " WHERE guild_id = ?1 AND (user_id = ?2 OR partner_id = ?2))",
        key,
    )
    erased += await tx.execute(
        "DELETE FROM partnerships WHERE guild_id = ?1 AND (user_id = ?2 OR partner_id = ?2)", key
    )
    erased += await tx.execute(
        "DELETE FROM anonymous_shares WHERE guild_id = ? AND user_id = ?", key
    )
    return erased, [(int(p[0]), int(p[1])) for p in posts]
