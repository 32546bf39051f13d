"""Sobriety counters: set, show, reset with history, remove, and privacy of every reply."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord, Interaction


async def sobriety(
    fake: FakeDiscord, community: Community, user: int, sub: str, **options: object
) -> Interaction:
    ix = await fake.slash(community.guild_id, user, f"sobriety {sub}", options=options)
    await answered(ix)
    assert ix.ephemeral, f"/sobriety {sub} must answer privately"
    return ix


def periods(database: Path | str) -> list[tuple[str, str | None, str | None]]:
    with stored.connect(database) as conn:
        return conn.execute(
            "SELECT start_date, end_date, note FROM sobriety_periods ORDER BY id"
        ).fetchall()


async def test_set_then_show_is_calendar_accurate_in_the_members_zone(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    # 02:00 UTC on 1 March 2025 is still 28 February in Chicago.
    clock.set(datetime(2025, 3, 1, 2, 0, tzinfo=UTC))
    await runner.start()
    await setup_guild(fake, community, timezone="America/Chicago")
    ix = await sobriety(fake, community, community.member, "set", date="2024-02-29")
    assert "Counter started" in ix.text
    assert "365 days" in ix.text
    assert "1 year" in ix.text
    assert "Next milestone: **18 months** on Friday 29 August 2025" in ix.text

    shown = await sobriety(fake, community, community.member, "show")
    assert "**sobriety**: 365 days · 1 year" in shown.text
    assert "privately by direct message" in shown.text


async def test_bad_dates_and_names_are_refused_and_change_nothing(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    clock.set(datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    await runner.start()
    await setup_guild(fake, community, timezone="America/Los_Angeles")  # still 22 Nov there
    future = await sobriety(fake, community, community.member, "set", date="2026-11-23")
    assert "still in the future where you are" in future.text
    old = await sobriety(fake, community, community.member, "set", date="1899-12-31")
    assert "from 1900 onwards" in old.text
    garbled = await sobriety(fake, community, community.member, "set", date="22/11/2025")
    assert "YYYY-MM-DD" in garbled.text
    long_name = await sobriety(
        fake, community, community.member, "set", date="2026-01-01", label="x" * 40
    )
    assert "at most 32 characters" in long_name.text
    assert periods(database) == []
    none_yet = await sobriety(fake, community, community.member, "show")
    assert "don't have a counter yet" in none_yet.text


async def test_reset_keeps_history_warmly_and_several_counters_coexist(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    clock.set(datetime(2026, 4, 20, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await sobriety(fake, community, community.member, "set", date="2026-03-04")
    await sobriety(fake, community, community.member, "set", date="2025-12-01", label="Nicotine")
    which = await sobriety(fake, community, community.member, "reset")
    assert "which one?" in which.text

    ix = await sobriety(
        fake, community, community.member, "reset", label="sobriety", note="a hard week"
    )
    assert "Those 47 days still count" in ix.text
    assert "shame" not in ix.text.lower() and "fail" not in ix.text.lower()
    assert periods(database)[:2] == [
        ("2026-03-04", "2026-04-20", "a hard week"),
        ("2025-12-01", None, None),
    ]

    await runner.restart(bot)
    history = await sobriety(fake, community, community.member, "history", label="sobriety")
    assert "4 Mar 2026 – 20 Apr 2026 · 47 days · “a hard week”" in history.text
    assert "Longest: 47 days" in history.text
    both = await sobriety(fake, community, community.member, "show")
    assert "**Nicotine**: 140 days" in both.text
    assert "**sobriety**: 0 days" in both.text
    early = await sobriety(
        fake, community, community.member, "reset", label="nicotine", date="2025-01-01"
    )
    assert "can't be before that" in early.text


async def test_remove_needs_confirmation(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    await sobriety(fake, community, community.member, "set", date="2026-01-01")
    ask = await sobriety(fake, community, community.member, "remove")
    assert "can't be undone" in ask.text
    buttons = ask.final["components"][0]["components"]
    keep = next(b for b in buttons if b["label"] == "Keep it")
    kept = await fake.click(community.guild_id, community.member, ask.final, keep["custom_id"])
    await answered(kept)
    assert "Nothing was deleted" in kept.text
    assert len(periods(database)) == 1

    ask = await sobriety(fake, community, community.member, "remove")
    delete = next(
        b for b in ask.final["components"][0]["components"] if b["label"].startswith("Delete")
    )
    done = await fake.click(community.guild_id, community.member, ask.final, delete["custom_id"])
    await answered(done)
    await done.wait_final()
    assert "Deleted" in done.text
    assert periods(database) == []


async def test_label_autocomplete_lists_only_the_members_own_counters(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
) -> None:
    await runner.start()
    await sobriety(fake, community, community.member, "set", date="2026-01-01", label="Alcohol")
    await sobriety(fake, community, community.admin, "set", date="2026-01-01", label="Gambling")
    ix = await fake.autocomplete(
        community.guild_id, community.member, "sobriety show", focused="label", value=""
    )
    response = await answered(ix)
    assert [c["value"] for c in response["data"]["choices"]] == ["Alcohol"]
