"""Rows of the servers on some of Discord's shards, chosen in SQL.

A process that runs some shards loads only their servers' timed work; reading every server's rows
and dropping three quarters of them in Python cost each of four processes seconds at start with
100,000 meetings (bench/shard_schedule.py). The condition is the one rule of
`bot.domain.shards.shard_of`, written in SQL both databases run the same way.
"""

from __future__ import annotations

from bot.domain.shards import ShardPlan


def on_shards(plan: ShardPlan, column: str = "guild_id") -> tuple[str, tuple[int, ...]]:
    """A WHERE condition on `column` (a server id) and its parameters: true for the servers
    `plan` serves (always, when it serves every shard)."""
    if plan.shard_count is None or plan.shard_ids is None:
        return "1 = 1", ()
    marks = ", ".join("?" for _ in plan.shard_ids)
    return f"(({column} >> 22) % ?) IN ({marks})", (plan.shard_count, *plan.shard_ids)
