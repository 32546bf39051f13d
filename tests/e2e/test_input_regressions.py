"""The hostile inputs found by hand (issue 14), one test each: every input gets a clear answer."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild, stored_checkins
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.input_helpers import (
    assert_quotes_only_a_safe_excerpt,
    assert_refused_kindly,
    count,
    hostile,
    no_tracebacks,
    slash,
    unofficial,
)
from tests.e2e.meeting_helpers import meeting_ids
from tests.fakediscord import FakeDiscord

# ---------------------------------------------------------------- refusals quote safely


async def test_refusals_quote_a_short_safe_excerpt_of_what_was_typed(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await setup_guild(fake, community, announcements_channel=community.announcements)
    typed = hostile(community.member)
    with caplog.at_level(logging.INFO):
        helpline = await slash(fake, community, community.member, "helpline", country=typed)
        assert "isn't a country I know" in helpline.text
        assert_quotes_only_a_safe_excerpt(helpline, community.member)

        zone = await slash(fake, community, community.member, "profile timezone", timezone=typed)
        assert "isn't a time zone I know" in zone.text
        assert_quotes_only_a_safe_excerpt(zone, community.member)

        await slash(fake, community, community.member, "sobriety set", date="2024-01-01")
        label = await slash(fake, community, community.member, "sobriety show", label=typed)
        assert "no counter called" in label.text
        assert_quotes_only_a_safe_excerpt(label, community.member)

        days = await slash(
            fake,
            community,
            community.admin,
            "meetings add",
            name="Evening group",
            weekdays=f"Tuesday, {typed}",
            time="19:00",
            link="https://meet.example/evening",
        )
        assert "couldn't read the days" in days.text
        assert_quotes_only_a_safe_excerpt(days, community.member)
    assert no_tracebacks(caplog) == []


async def test_values_longer_than_declared_are_refused_without_echo_by_any_client(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    huge = "A" * 6000  # Discord's own cap for a string option
    with caplog.at_level(logging.INFO):
        for name, options in (
            ("helpline", {"country": huge}),
            ("profile timezone", {"timezone": huge}),
            ("sobriety show", {"label": huge}),
            ("meetings add", {"name": "x", "weekdays": huge, "time": "19:00"}),
        ):
            ix = await unofficial(fake, community, community.member, name, **options)
            assert_refused_kindly(ix)
            assert "A" * 41 not in ix.text, name
            assert "too long" in ix.text, ix.text
    assert no_tracebacks(caplog) == []


# ------------------------------------------------------------- one path fits every reply


async def test_a_long_history_is_shortened_at_a_line_and_says_so(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await slash(fake, community, community.member, "sobriety set", date="2020-01-01")
    for step in range(1, 7):
        restart = date(2020, 1, 1) + timedelta(days=30 * step)
        ix = await slash(
            fake,
            community,
            community.member,
            "sobriety reset",
            date=restart.isoformat(),
            note=f"Reset number {step}. " + "A hard week, and I'm still here. " * 14,
        )
        assert "still count" in ix.text
    with caplog.at_level(logging.INFO):
        history = await slash(fake, community, community.member, "sobriety history")
    assert history.ephemeral
    assert len(history.text) <= 2000
    assert "shortened" in history.text.lower()
    shown = history.text.split("\n")
    # Whole lines only: every period kept is shown in full, up to its closing quote.
    noted = [line for line in shown if line.startswith("• ") and "“" in line]
    assert noted and all(line.endswith("”") for line in noted)
    assert no_tracebacks(caplog) == []


# -------------------------------------------------- dates and numbers out of every range


async def test_an_announcement_in_the_year_9999_is_refused_kindly(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await setup_guild(fake, community, announcements_channel=community.announcements)
    with caplog.at_level(logging.INFO):
        ix = await slash(
            fake,
            community,
            community.admin,
            "announce schedule",
            message="Happy new year",
            at="9999-12-31 23:59",
        )
    assert_refused_kindly(ix)
    assert "too far ahead" in ix.text
    assert count(database, "announcements") == 0
    assert no_tracebacks(caplog) == []


async def test_a_report_link_with_ids_too_big_for_any_database_is_refused(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await setup_guild(fake, community, mod_queue_channel=community.mod_queue)
    link = f"https://discord.com/channels/{community.guild_id}/{'9' * 20}/{'9' * 20}"
    with caplog.at_level(logging.INFO):
        ix = await slash(
            fake, community, community.member, "report", reason="worried", message_link=link
        )
    assert_refused_kindly(ix)
    assert "link to a message" in ix.text
    assert count(database, "flags") == 0
    assert no_tracebacks(caplog) == []


async def test_a_feed_nested_100000_deep_is_refused_as_json(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await setup_guild(fake, community, announcements_channel=community.announcements)
    deep = b"[" * 100_000 + b"]" * 100_000
    with caplog.at_level(logging.INFO):
        ix = await slash(
            fake,
            community,
            community.admin,
            "meetings import",
            file={"filename": "feed.json", "content": deep, "content_type": "application/json"},
        )
    assert_refused_kindly(ix)
    assert "isn't valid JSON" in ix.text
    assert meeting_ids(database) == []
    assert no_tracebacks(caplog) == []


async def test_values_past_the_declared_limits_change_nothing(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    member = community.member
    with caplog.at_level(logging.INFO):
        below = await unofficial(fake, community, member, "checkin", mood=3, craving=-1)
        assert_refused_kindly(below)
        assert "craving" in below.text and "0" in below.text and "10" in below.text
        long_note = await unofficial(fake, community, member, "checkin", mood=3, note="n" * 4000)
        assert_refused_kindly(long_note)
        assert "note" in long_note.text and "500" in long_note.text
        not_a_mood = await unofficial(fake, community, member, "checkin", mood=9)
        assert_refused_kindly(not_a_mood)
        assert stored_checkins(database, member) == []

        flag = await unofficial(fake, community, community.admin, "modqueue show", flag=2**63)
        assert_refused_kindly(flag)
        assert str(2**63) not in flag.text
        cancel = await unofficial(
            fake, community, community.admin, "announce cancel", announcement=2**63
        )
        assert_refused_kindly(cancel)
        days = await unofficial(fake, community, member, "checkins history", days=2**63)
        assert_refused_kindly(days)
    assert no_tracebacks(caplog) == []


# ------------------------------------------------------ settings that break every member


async def test_milestone_plans_beyond_a_hundred_years_are_refused(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await slash(fake, community, community.member, "sobriety set", date="2024-01-01")
    with caplog.at_level(logging.INFO):
        for plan in ("999999999d", "10000y", "1y,1201m"):
            ix = await slash(fake, community, community.admin, "milestones plan", milestones=plan)
            assert_refused_kindly(ix)
            assert "100 years" in ix.text, ix.text
        ok = await slash(fake, community, community.admin, "milestones plan", milestones="1d,100y")
        assert "Saved" in ok.text
        shown = await slash(fake, community, community.member, "sobriety show")
        assert "Next milestone: **100 years** on" in shown.text
    assert no_tracebacks(caplog) == []


async def test_a_stored_plan_that_cannot_work_falls_back_to_the_default(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    await slash(fake, community, community.member, "sobriety set", date="2024-01-01")
    # Saved by an earlier version, before plans were checked.
    with stored.connect(database) as conn:
        conn.execute(
            "UPDATE guild_config SET milestone_plan = '999999999d' WHERE guild_id = ?",
            (community.guild_id,),
        )
    bot = await runner.restart(bot)
    with caplog.at_level(logging.INFO):
        shown = await slash(fake, community, community.member, "sobriety show")
        assert "Next milestone:" in shown.text
        moved = await slash(fake, community, community.member, "sobriety set", date="2024-02-01")
        assert "Updated" in moved.text
        upcoming = await slash(fake, community, community.admin, "milestones upcoming")
        assert upcoming.ephemeral and "went wrong" not in upcoming.text
        await bot.scheduler.run_now("milestones:due")
    assert no_tracebacks(caplog) == []


async def test_a_crisis_phrase_without_letters_is_refused_and_never_matches(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    bot = await runner.start()
    await setup_guild(fake, community, mod_queue_channel=community.mod_queue)
    for flag in (True, False):
        ix = await slash(
            fake,
            community,
            community.admin,
            "crisis phrase add",
            phrase="!!!",
            flag=flag,
            category="SUICIDAL",
        )
        assert_refused_kindly(ix)
        assert "two letters" in ix.text
    assert count(database, "crisis_phrases") == 0

    # One saved before phrases were checked flags nothing.
    with stored.connect(database) as conn:
        conn.execute(
            "INSERT INTO crisis_phrases (guild_id, phrase, kind, category, severity)"
            " VALUES (?, '!!!', 'flag', 'suicidal thoughts', 3)",
            (community.guild_id,),
        )
    bot = await runner.restart(bot)
    general = fake.guild(community.guild_id).add_text_channel("general")
    await fake.send_message(general, community.member, "Great meeting tonight! See you all.")
    # A barrier: a real crisis message from someone else, whose card must come first.
    other = fake.add_user("riley")
    fake.guild(community.guild_id).add_member(other, roles=[])
    await fake.send_message(general, other, "i want to kill myself tonight")
    await fake.wait_for_request("POST", rf"/channels/{community.mod_queue}/messages")
    await bot.background.wait_idle()
    cards = [m for m in fake.channel_messages(community.mod_queue) if m.get("embeds")]
    assert len(cards) == 1
    assert f"<@{other}>" in str(cards[0]["embeds"])
