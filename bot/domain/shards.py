"""Which guilds a Hearth process serves when several processes split Discord's shards.

Discord puts a guild on shard ``(guild_id >> 22) % shard_count``. A process that runs some of
the shards receives only those guilds' events, so it must also do only those guilds' timed work
(reminders, announcements, celebrations, prompts, escalations): every loader of timed work asks
:meth:`ShardPlan.owns` before it schedules, sends or settles anything for a guild.
"""

from __future__ import annotations

from dataclasses import dataclass


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class ShardPlan:
    """``shard_count`` None: as many shards as Discord recommends, all in this process.
    ``shard_ids`` None: every shard of ``shard_count`` in this process."""

    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        problem = shard_plan_problem(self.shard_count, self.shard_ids)
        if problem is not None:
            raise ValueError(problem)

    def owns(self, guild_id: int) -> bool:
        """Whether this process serves ``guild_id``: receives its events, does its timed work."""
        if self.shard_count is None or self.shard_ids is None:
            return True
        return shard_of(guild_id, self.shard_count) in self.shard_ids

    @property
    def share(self) -> float:
        """The fraction of all shards this process runs: its part of the bot's servers, and of
        the request budget Discord gives the whole bot (one token, however many processes)."""
        if self.shard_count is None or self.shard_ids is None:
            return 1.0
        return len(self.shard_ids) / self.shard_count

    def describe(self) -> str:
        if self.shard_count is None:
            return "all shards (as many as Discord recommends)"
        if self.shard_ids is None:
            return f"all {self.shard_count} shard(s)"
        return f"shard(s) {', '.join(map(str, self.shard_ids))} of {self.shard_count}"


def shard_plan_problem(shard_count: int | None, shard_ids: tuple[int, ...] | None) -> str | None:
    """What is wrong with a shard count and list of ids, in words for the operator; None if
    nothing."""
    if shard_count is not None and shard_count < 1:
        return "the shard count must be at least 1"
    if shard_ids is None:
        return None
    if shard_count is None:
        return "shard ids need a shard count (the number of shards across all processes)"
    if not shard_ids:
        return "name at least one shard"
    for position, shard_id in enumerate(shard_ids):
        if shard_id in shard_ids[:position]:
            return f"shard {shard_id} is listed twice"
        if not 0 <= shard_id < shard_count:
            return (
                f"shard {shard_id} does not exist with {shard_count} shard(s) "
                f"(they are numbered 0 to {shard_count - 1})"
            )
    return None
