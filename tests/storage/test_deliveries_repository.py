"""The delivery journal, owed deliveries and DM channel ids on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.storage import Storage
from tests.storage.support import reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


async def begin(storage: Storage, key: str, channel: int = 10, anchor: int | None = 5) -> None:
    await storage.deliveries.begin(
        key,
        guild_id=1,
        channel_id=channel,
        user_id=None,
        fingerprint="a:b:c",
        anchor_id=anchor,
        now=NOW,
    )


async def test_a_delivery_is_in_doubt_from_begin_until_settled_even_across_a_restart(
    storage: Storage, db_target: Path
) -> None:
    await begin(storage, "meeting:1:100:reminder:900")
    await begin(storage, "announcement:2:100")
    await storage.deliveries.sent("announcement:2:100", 10, 700, NOW)
    async with reopened(db_target) as again:
        [entry] = await again.deliveries.in_doubt("meeting:")
        assert (entry.key, entry.status, entry.channel_id, entry.anchor_id, entry.attempts) == (
            "meeting:1:100:reminder:900",
            "sending",
            10,
            5,
            1,
        )
        assert await again.deliveries.in_doubt("announcement:") == []
        sent = await again.deliveries.get("announcement:2:100")
        assert sent is not None and (sent.status, sent.message_id) == ("sent", 700)


async def test_trying_again_counts_attempts_and_forgets_the_last_outcome(storage: Storage) -> None:
    journal = storage.deliveries
    await begin(storage, "k")
    await journal.still_unsure("k", "Discord didn't answer in time", NOW)
    entry = await journal.get("k")
    assert entry is not None and (entry.status, entry.cause) == (
        "sending",
        "Discord didn't answer in time",
    )
    await journal.unsent("k", NOW)
    await begin(storage, "k", anchor=9)
    entry = await journal.get("k")
    assert entry is not None
    assert (entry.status, entry.attempts, entry.cause, entry.anchor_id) == ("sending", 2, None, 9)
    await journal.failed("k", "Hearth is missing permissions there", NOW)
    entry = await journal.get("k")
    assert entry is not None and (entry.status, entry.message_id) == ("failed", None)
    assert entry.cause == "Hearth is missing permissions there"


async def test_a_message_is_credited_to_one_delivery_only(storage: Storage) -> None:
    journal = storage.deliveries
    await begin(storage, "first")
    await begin(storage, "second")
    assert await journal.sent("first", 10, 700, NOW)
    assert not await journal.sent("second", 10, 700, NOW)
    second = await journal.get("second")
    assert second is not None and second.status == "sending"
    assert await journal.credited([700, 701]) == {700}
    assert await journal.credited([]) == set()
    assert await journal.sent("first", 10, 700, NOW), "crediting the same pair again is fine"


async def test_the_newest_known_message_of_a_channel(storage: Storage) -> None:
    journal = storage.deliveries
    assert await journal.newest_known(10) is None
    for key, message in (("a", 700), ("b", 720), ("c", 710)):
        await begin(storage, key)
        await journal.sent(key, 10, message, NOW)
    await begin(storage, "elsewhere", channel=11)
    await journal.sent("elsewhere", 11, 900, NOW)
    assert await journal.newest_known(10) == 720


async def test_prefixes_are_literal(storage: Storage) -> None:
    await begin(storage, "flag_1:x")
    await begin(storage, "flagA1:x")
    await begin(storage, "50%:x")
    assert [e.key for e in await storage.deliveries.in_doubt("flag_")] == ["flag_1:x"]
    assert [e.key for e in await storage.deliveries.in_doubt("50%")] == ["50%:x"]


async def test_old_settled_rows_go_but_rows_in_doubt_stay(storage: Storage) -> None:
    journal = storage.deliveries
    await begin(storage, "settled")
    await journal.sent("settled", 10, 1, NOW)
    await begin(storage, "doubt")
    assert await journal.forget_settled_before(NOW + timedelta(days=1)) == 1
    assert await journal.get("settled") is None
    assert await journal.get("doubt") is not None


async def test_owed_deliveries_are_kept_until_paid(storage: Storage, db_target: Path | str) -> None:
    journal = storage.deliveries
    await journal.owe("flag:3:step1", 1, NOW)
    await journal.owe("flag:3:step1", 1, NOW + timedelta(minutes=1))  # once only
    await journal.owe("flag:4:step2", 1, NOW + timedelta(minutes=2))
    await journal.owe("other:1", 1, NOW)
    async with reopened(db_target) as again:
        assert await again.deliveries.owed("flag:") == ["flag:3:step1", "flag:4:step2"]
        await again.deliveries.paid("flag:3:step1")
        assert await again.deliveries.owed("flag:") == ["flag:4:step2"]


async def test_a_members_dm_channel_is_kept_until_forgotten(
    storage: Storage, db_target: Path
) -> None:
    journal = storage.deliveries
    assert await journal.dm_channel(42) is None
    await journal.remember_dm_channel(42, 4200, NOW)
    await journal.remember_dm_channel(42, 4201, NOW)
    async with reopened(db_target) as again:
        assert await again.deliveries.dm_channel(42) == 4201
        await again.deliveries.forget_dm_channel(42)
        assert await again.deliveries.dm_channel(42) is None


async def test_erasing_a_member_erases_what_was_sent_to_them(storage: Storage) -> None:
    journal = storage.deliveries
    for key, guild, user in (("dm-here", 1, 42), ("dm-elsewhere", 2, 42), ("other", 1, 43)):
        await journal.begin(
            key,
            guild_id=guild,
            channel_id=4200,
            user_id=user,
            fingerprint="a:b:c",
            anchor_id=None,
            now=NOW,
        )
    await journal.remember_dm_channel(42, 4200, NOW)
    await storage.privacy.erase_member(1, 42)
    assert await journal.get("dm-here") is None
    assert await journal.get("dm-elsewhere") is not None, "another server's record stays"
    assert await journal.get("other") is not None
    assert await journal.dm_channel(42) == 4200, "kept for their other servers"
    await storage.privacy.erase_profile(42)
    assert await journal.dm_channel(42) is None
