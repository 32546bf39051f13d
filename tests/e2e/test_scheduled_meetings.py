"""Meeting reminders, RSVP nudges and scheduled announcements fire by themselves on time.

The test only moves the clock; each meeting's and announcement's own job fires when the clock
reaches it, and a jump over several due times gives what the feature's rules say, once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.timestamps import as_text
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_helpers import (
    FIRST_START,
    add_tuesday_meeting,
    announcements_in,
    meeting_ids,
)
from tests.e2e.timeline import dm_sent, jump, posted
from tests.fakediscord import FakeDiscord

NAME = "Tuesday Night Group"


def deliveries(database: Path | str, meeting_id: int, occurrence: datetime) -> dict[str, str]:
    with stored.connect(database) as conn:
        rows = conn.execute(
            "SELECT kind, status FROM meeting_deliveries WHERE meeting_id = ? AND occurrence = ?",
            (meeting_id, as_text(occurrence)),
        ).fetchall()
    return dict(rows)


async def test_reminders_and_the_going_nudge_fire_by_themselves_on_time(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    voice: int,
) -> None:
    clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    await runner.start()
    await add_tuesday_meeting(fake, community, voice)

    since = jump(fake, clock, FIRST_START - timedelta(days=1))
    request = await posted(fake, community.announcements, since=since, containing=NAME)
    unix = int(FIRST_START.timestamp())
    assert f"<t:{unix}:R>" in request.json["content"]
    [card] = announcements_in(fake, community.announcements)
    going = card["components"][0]["components"][0]["custom_id"]
    click = await fake.click(community.guild_id, community.member, card, going)
    assert (await answered(click))["type"] == 7

    since = jump(fake, clock, FIRST_START - timedelta(minutes=15))
    await posted(fake, community.announcements, since=since, containing=NAME)
    nudge = await dm_sent(fake, community.member, since=since, containing=NAME)
    assert f"<t:{unix}:R>" in nudge.json["content"]
    assert "You said you're going" in nudge.json["content"]

    # Next week's first reminder: its own time, its own post. That run came after the last
    # one finished, so nothing else was sent for this week.
    since = jump(fake, clock, FIRST_START + timedelta(days=6))
    request = await posted(fake, community.announcements, since=since, containing=NAME)
    assert f"<t:{unix + 7 * 24 * 3600}:R>" in request.json["content"]
    assert len(announcements_in(fake, community.announcements)) == 3
    assert len(fake.dm_messages(community.member)) == 1
    assert fake.dm_messages(community.admin) == []


async def test_a_jump_past_both_reminders_posts_only_the_closest(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)

    # Over the day-before reminder and the 15-minute one, in one move of the clock.
    since = jump(fake, clock, FIRST_START - timedelta(minutes=10))
    await posted(fake, community.announcements, since=since, containing=NAME)
    # Next week's day-before reminder: a later run, after this one finished.
    since = jump(fake, clock, FIRST_START + timedelta(days=6))
    await posted(fake, community.announcements, since=since, containing=NAME)

    assert len(announcements_in(fake, community.announcements)) == 2, "one each, no burst"
    assert deliveries(database, meeting_id, FIRST_START) == {
        "reminder:86400": "skipped",
        "reminder:900": "sent",
    }


async def test_a_daily_announcement_posts_by_itself_and_once_after_a_jump_over_days(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # 07:00 in New York
    await runner.start()
    await setup_guild(
        fake,
        community,
        timezone="America/New_York",
        announcements_channel=community.announcements,
        organizer_role=community.organizer_role,
    )
    text = "Coffee chat in the lounge at 10!"
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "announce schedule",
        options={"message": text, "at": "09:00", "repeat": "daily"},
    )
    await answered(ix)
    assert "Scheduled #1" in ix.text

    since = jump(fake, clock, datetime(2026, 11, 22, 14, 0, tzinfo=UTC))  # 09:00 New York
    await posted(fake, community.announcements, since=since, containing=text)
    # Three days on, an hour late: the 23rd and 24th are too late to post; the 25th goes out.
    since = jump(fake, clock, datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    await posted(fake, community.announcements, since=since, containing=text)
    since = jump(fake, clock, datetime(2026, 11, 26, 14, 0, tzinfo=UTC))
    await posted(fake, community.announcements, since=since, containing=text)

    assert [m["content"] for m in fake.channel_messages(community.announcements)] == [text] * 3
    # Claimed before posting, so the last one is here already; the others are finished.
    with stored.connect(database) as conn:
        claimed = conn.execute(
            "SELECT due_at, status FROM announcement_deliveries ORDER BY due_at"
        ).fetchall()
    assert [due for due, _ in claimed] == [
        as_text(datetime(2026, 11, day, 14, 0, tzinfo=UTC)) for day in (22, 25, 26)
    ]
    assert [status for _, status in claimed[:2]] == ["sent", "sent"]
