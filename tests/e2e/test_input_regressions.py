"""The hostile inputs found by hand (issue 14), one test each: every input gets a clear answer."""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.recurrence import Repeat, Schedule
from bot.domain.reminder_offsets import DEFAULT_OFFSETS
from bot.storage.meetings import MeetingFields
from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import setup_guild, stored_checkins
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_helpers import meeting_ids, meetings_cmd, run_meeting
from tests.fakediscord import FakeDiscord, Interaction

ZERO_WIDTH_AND_BIDI = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def hostile(member: int) -> str:
    """A value a member could type: a ping, markdown, invisible and right-to-left characters."""
    return f"<@{member}> @everyone **loud** `x` ~~y~~ \u200b\u202e" + "A" * 30


def quoted_parts(text: str) -> list[str]:
    return re.findall(r"“([^”]*)”", text)


def assert_refused_kindly(ix: Interaction) -> None:
    assert ix.ephemeral, ix.text
    assert "went wrong" not in ix.text, ix.text
    assert len(ix.text) <= 2000


def assert_quotes_only_a_safe_excerpt(ix: Interaction, member: int) -> None:
    assert_refused_kindly(ix)
    assert f"<@{member}>" not in ix.text and "@everyone" not in ix.text
    assert "**loud**" not in ix.text and "~~y~~" not in ix.text
    assert not ZERO_WIDTH_AND_BIDI.search(ix.text)
    parts = quoted_parts(ix.text)
    assert parts, ix.text
    assert all(len(part) <= 40 for part in parts), parts


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.exc_info or r.levelno >= logging.ERROR or "could not deliver" in r.getMessage()
    ]


async def slash(
    fake: FakeDiscord, community: Community, user: int, command: str, **options: Any
) -> Interaction:
    ix = await fake.slash(community.guild_id, user, command, options=options)
    await answered(ix)
    await ix.wait_final()
    return ix


async def unofficial(
    fake: FakeDiscord, community: Community, user: int, command: str, **options: Any
) -> Interaction:
    """As a client other than Discord's own would send it: past the declared limits."""
    ix = await fake.slash(
        community.guild_id,
        user,
        command,
        options=options,
        ignore_option_limits=True,
        ignore_command_permissions=True,
    )
    await answered(ix)
    await ix.wait_final()
    return ix


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


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
    database: Path,
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
    database: Path,
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
    database: Path,
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
    database: Path,
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
    database: Path,
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
    database: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    await slash(fake, community, community.member, "sobriety set", date="2024-01-01")
    # Saved by an earlier version, before plans were checked.
    with sqlite3.connect(database) as conn:
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
    database: Path,
) -> None:
    bot = await runner.start()
    await setup_guild(fake, community, mod_queue_channel=community.mod_queue)
    for flag in (True, False):
        ix = await slash(
            fake,
            community,
            community.admin,
            "crisis phrase",
            phrase="!!!",
            flag=flag,
            category="SUICIDAL",
        )
        assert_refused_kindly(ix)
        assert "two letters" in ix.text
    assert count(database, "crisis_phrases") == 0

    # One saved before phrases were checked flags nothing.
    with sqlite3.connect(database) as conn:
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


# -------------------------------------------------------------------- mentions opt-in


def posts_to(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    return [
        r.json
        for r in fake.requests
        if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
    ]


def assert_pings_only(body: dict[str, Any], roles: list[int]) -> None:
    mentions = body.get("allowed_mentions")
    assert mentions is not None, body
    assert mentions.get("parse") == [], mentions
    assert not mentions.get("users"), mentions
    assert sorted(int(r) for r in mentions.get("roles", [])) == sorted(roles), mentions


async def test_an_announcement_pings_its_role_and_nobody_written_in_it(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    role = fake.guild(community.guild_id).add_role("Coffee", mentionable=True)
    await setup_guild(fake, community, announcements_channel=community.announcements)
    ix = await slash(
        fake,
        community,
        community.admin,
        "announce schedule",
        message=f"<@{community.member}> @everyone @here coffee at ten",
        at="13:00",
        ping_role=role,
    )
    assert "Scheduled #1" in ix.text
    clock.set(datetime(2026, 11, 22, 13, 0, tzinfo=UTC))
    await bot.background.wait_idle()
    await bot.scheduler.run_now("announce:1")
    [post] = posts_to(fake, community.announcements)
    assert post["content"].startswith(f"<@&{role}> ")
    assert_pings_only(post, roles=[role])


async def test_a_skip_notice_for_a_meeting_named_like_a_mention_pings_nobody(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
    voice: int,
) -> None:
    # Tuesday 24 November 2026 19:00 UTC is the first meeting; a day before, it's announced.
    clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, announcements_channel=community.announcements)
    await meetings_cmd(
        fake,
        community,
        community.admin,
        "add",
        name=f"<@{community.member}> group",
        weekdays="Tuesday",
        time="19:00",
        timezone="UTC",
        voice_channel=voice,
    )
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    skip = await meetings_cmd(
        fake, community, community.admin, "skip", meeting=str(meeting_id), date="2026-11-24"
    )
    assert "cancellation notice" in skip.text
    posts = posts_to(fake, community.announcements)
    assert len(posts) == 2 and "is cancelled" in posts[1]["content"]
    for post in posts:
        assert_pings_only(post, roles=[])


# ------------------------------------------------------------------ acknowledge first


async def test_the_calendar_of_3000_meetings_is_acknowledged_before_it_is_made(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    bot = await runner.start()
    schedule = Schedule(
        weekdays=(1, 3),
        start_time=time(19, 0),
        zone="America/New_York",
        duration=timedelta(hours=1),
        repeat=Repeat.WEEKLY,
        anchor=date(2026, 11, 1),
    )
    for number in range(3000):
        fields = MeetingFields(
            name=f"Group {number}",
            schedule=schedule,
            voice_channel_id=None,
            link=f"https://meet.example/{number}",
            description="Open discussion",
            types=(),
            announce_channel_id=None,
            ping_role_id=None,
            reminders=DEFAULT_OFFSETS,
        )
        await bot.storage.meetings.create(community.guild_id, fields, community.admin, clock.now())
    ix = await fake.slash(community.guild_id, community.member, "meetings calendar")
    response = await answered(ix)
    assert response["type"] == 5, "deferred first, then made"
    await ix.wait_final()
    assert ix.ephemeral
    [ics] = ix.files
    assert ics.content.count(b"BEGIN:VEVENT") == 3000


async def test_a_checkin_whose_acknowledgement_fails_is_saved_once_and_reaches_the_member(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    fake.fail_requests("POST", r"/interactions/\d+/[^/]+/callback", status=503, times=3)
    with caplog.at_level(logging.INFO):
        ix = await fake.slash(
            community.guild_id, community.member, "checkin", options={"mood": 4, "note": "ok"}
        )
        dm = await fake.wait_for_request(
            "POST",
            r"/channels/\d+/messages",
            predicate=lambda r: "Checked in for today" in str(r.json),
            timeout=20,
        )
    assert ix.callback is None, "Discord never took the answer"
    assert [r[0] for r in ix.rejected][-1] == 404
    [message] = fake.dm_messages(community.member)
    assert message["id"] == dm.response["id"]
    assert "couldn't answer you in the server" in message["content"]
    assert len(stored_checkins(database, community.member)) == 1
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    # Still answering afterwards.
    again = await slash(fake, community, community.member, "profile show")
    assert "Time zone" in again.text
