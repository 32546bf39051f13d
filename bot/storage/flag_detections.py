"""Detection flags: merging a member's detections, restarting the ladder when one is worse,
the alerts that must reach a human once, and which rules fired.

Everything a detection changes is written in one transaction, alerts included, so a restart
finds the same state and delivers what is still owed (see bot/services/flag_alerts.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.flags import (
    Detected,
    EscalationDelays,
    Flag,
    FlagAlert,
    FlagSeverity,
    FlagStatus,
    NewFlag,
    RuleCount,
    next_escalation,
    restarts_ladder,
)
from bot.storage.database import Params, Row, Transaction
from bot.storage.flag_rows import add_event, flag_of, get_flag, insert_flag
from bot.storage.timestamps import to_db

# How long a flagged edit version is remembered. Discord re-sends an update within minutes
# (embeds, a resumed session); a week is far beyond that.
VERSION_MEMORY = timedelta(days=7)


class Reader(Protocol):
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...


async def detect(
    tx: Transaction, new: NewFlag, now: datetime, delays: EscalationDelays
) -> Detected | None:
    """Record a detection; None if this version of an edited message was already flagged."""
    if new.version is not None and not await _first_sight(tx, new.version, now):
        return None
    severity = FlagSeverity(new.severity)
    row = await tx.fetch_one(
        "SELECT * FROM flags WHERE guild_id = ? AND user_id = ? AND source = 'detection'"
        " AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1",
        (new.guild_id, new.user_id),
    )
    if row is None:
        # A resolved or dismissed flag never swallows a new detection: a new flag opens.
        first = next_escalation(severity, 0, now, delays)
        flag_id = await insert_flag(tx, new, now, first, None, None)
        await tx.execute("UPDATE flags SET reports = 1 WHERE id = ?", (flag_id,))
        await _count_rule(tx, flag_id, new.rule)
        return Detected(await get_flag(tx, flag_id), False, False, None)
    current = flag_of(row)
    worse = severity > current.severity
    await tx.execute(
        "UPDATE flags SET reports = reports + 1, severity = ?,"
        " category = CASE WHEN ? = 1 THEN ? ELSE category END WHERE id = ?",
        (max(int(severity), int(current.severity)), int(worse), new.category, current.id),
    )
    restarted = restarts_ladder(current, severity)
    if restarted:
        await _restart(tx, current, max(severity, current.severity), worse, now, delays)
    else:
        await add_event(tx, current.id, "merged", None, new.category, now)
    await _count_rule(tx, current.id, new.rule)
    return Detected(await get_flag(tx, current.id), True, restarted, current.severity)


async def _restart(
    tx: Transaction,
    current: Flag,
    severity: FlagSeverity,
    worse: bool,
    now: datetime,
    delays: EscalationDelays,
) -> None:
    """The ladder starts again from now at the flag's new severity, and the alerts owed for it
    are recorded. A claimed flag is open again until someone claims it once more; the moderator
    who had it keeps their name on it and is told directly."""
    first = next_escalation(severity, 0, now, delays)
    await tx.execute(
        "UPDATE flags SET status = 'open', escalation_step = 0, next_escalation_at = ?"
        " WHERE id = ?",
        (to_db(first) if first else None, current.id),
    )
    stamp = to_db(now)
    await tx.execute(
        "INSERT INTO flag_alerts (flag_id, kind, target_id, created_at) VALUES (?, ?, NULL, ?)",
        (current.id, "worse" if worse else "renewed", stamp),
    )
    if current.status == FlagStatus.CLAIMED and current.claimed_by is not None:
        await tx.execute(
            "INSERT INTO flag_alerts (flag_id, kind, target_id, created_at)"
            " VALUES (?, 'claimer', ?, ?)",
            (current.id, current.claimed_by, stamp),
        )
    change = f"{current.severity.name.lower()} → {severity.name.lower()}"
    await add_event(tx, current.id, "worsened" if worse else "renewed", None, change, now)


async def _first_sight(tx: Transaction, digest: str, now: datetime) -> bool:
    await tx.execute(
        "DELETE FROM crisis_seen_versions WHERE seen_at < ?", (to_db(now - VERSION_MEMORY),)
    )
    added = await tx.execute(
        "INSERT INTO crisis_seen_versions (digest, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (digest, to_db(now)),
    )
    return added > 0


async def _count_rule(tx: Transaction, flag_id: int, rule: str | None) -> None:
    if rule:
        await tx.execute(
            "INSERT INTO flag_rules (flag_id, rule) VALUES (?, ?)"
            " ON CONFLICT (flag_id, rule) DO UPDATE SET count = flag_rules.count + 1",
            (flag_id, rule),
        )


async def rules_of(reader: Reader, flag_id: int) -> list[str]:
    rows = await reader.fetch_all(
        "SELECT rule FROM flag_rules WHERE flag_id = ? ORDER BY rule", (flag_id,)
    )
    return [row["rule"] for row in rows]


async def rule_counts(reader: Reader, guild_id: int) -> list[RuleCount]:
    rows = await reader.fetch_all(
        "SELECT r.rule, sum(r.count) AS detections,"
        " sum(CASE WHEN f.status = 'dismissed' THEN r.count ELSE 0 END) AS dismissals"
        " FROM flag_rules r JOIN flags f ON f.id = r.flag_id WHERE f.guild_id = ?"
        " GROUP BY r.rule ORDER BY detections DESC, r.rule",
        (guild_id,),
    )
    return [RuleCount(r["rule"], int(r["detections"]), int(r["dismissals"])) for r in rows]


async def pending_alerts(reader: Reader, flag_id: int | None) -> list[FlagAlert]:
    query = "SELECT id, flag_id, kind, target_id FROM flag_alerts WHERE sent_at IS NULL"
    params: tuple[int, ...] = ()
    if flag_id is not None:
        query += " AND flag_id = ?"
        params = (flag_id,)
    rows = await reader.fetch_all(query + " ORDER BY id", params)
    return [FlagAlert(r["id"], r["flag_id"], r["kind"], r["target_id"]) for r in rows]


async def alert_sent(tx: Transaction, alert_id: int, now: datetime) -> bool:
    changed = await tx.execute(
        "UPDATE flag_alerts SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
        (to_db(now), alert_id),
    )
    return changed > 0


async def member_unreachable(tx: Transaction, flag_id: int, now: datetime) -> bool:
    """Note on the flag that Hearth's private message didn't reach the member; True if new."""
    changed = await tx.execute(
        "UPDATE flags SET member_unreachable = 1 WHERE id = ? AND member_unreachable = 0",
        (flag_id,),
    )
    if changed:
        await add_event(tx, flag_id, "dm undelivered", None, None, now)
    return changed > 0
