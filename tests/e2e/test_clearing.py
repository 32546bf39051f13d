"""Every setting can be cleared: the database changes, the thing it drove really stops, the
reply says what stops, and clearing what isn't set changes nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.crisis_helpers import cards_about, configure_queue, flag_rows, settled
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.input_helpers import slash
from tests.e2e.meeting_helpers import (
    FIRST_START,
    add_tuesday_meeting,
    announcements_in,
    meeting_ids,
    meetings_cmd,
    run_meeting,
)
from tests.fakediscord import FakeDiscord

DUE_JOB = "checkins:due"


def config_row(database: Path, guild_id: int) -> dict[str, Any]:
    with stored.connect(database) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM guild_config WHERE guild_id = ?", (guild_id,)).fetchone()
        return dict(row)


def meeting_row(database: Path, meeting_id: int) -> dict[str, Any]:
    with stored.connect(database) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        return dict(row)


def phrase_rows(database: Path, guild_id: int) -> list[tuple[str, str]]:
    with stored.connect(database) as conn:
        return list(
            conn.execute(
                "SELECT phrase, kind FROM crisis_phrases WHERE guild_id = ? ORDER BY phrase",
                (guild_id,),
            )
        )


def prompts(fake: FakeDiscord, channel_id: int) -> list[dict]:
    return [
        m
        for m in fake.channel_messages(channel_id)
        if any(e.get("title", "").startswith("Daily check-in") for e in m.get("embeds", []))
    ]


async def test_clearing_the_checkin_channel_stops_the_daily_prompt(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins, timezone="UTC")
    clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    await bot.scheduler.run_now(DUE_JOB)
    assert len(prompts(fake, community.checkins)) == 1

    cleared = await slash(
        fake, community, community.admin, "hearth clear", setting="checkin_channel_id"
    )
    assert cleared.ephemeral
    assert "Cleared the check-in channel" in cleared.text
    assert f"<#{community.checkins}>" in cleared.text, "it says what it was"
    assert "no longer posts the daily check-in prompt" in cleared.text
    assert config_row(database, community.guild_id)["checkin_channel_id"] is None

    # The next day's 09:00 comes and goes without a prompt, also after a restart.
    clock.set(datetime(2026, 6, 2, 9, 0, tzinfo=UTC))
    await bot.scheduler.run_now(DUE_JOB)
    bot = await runner.restart(bot)
    clock.set(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    await bot.scheduler.run_now(DUE_JOB)
    assert len(prompts(fake, community.checkins)) == 1

    # Clearing it again is a kind no-op that changes nothing.
    before = config_row(database, community.guild_id)
    again = await slash(
        fake, community, community.admin, "hearth clear", setting="checkin_channel_id"
    )
    assert again.ephemeral and "isn't set, so there's nothing to clear" in again.text
    assert config_row(database, community.guild_id) == before

    # A setting with a default goes back to it.
    await setup_guild(fake, community, timezone="Europe/Paris")
    zone = await slash(fake, community, community.admin, "hearth clear", setting="timezone")
    assert "Cleared the server's time zone" in zone.text and "back to UTC" in zone.text
    assert config_row(database, community.guild_id)["timezone"] == "UTC"
    unchanged = await slash(fake, community, community.admin, "hearth clear", setting="timezone")
    assert "is already `UTC`" in unchanged.text


async def test_clearing_the_moderator_queue_asks_first_then_detection_stops_and_flags_wait(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    guild = fake.guild(community.guild_id)
    general = guild.add_text_channel("general")

    asked = await slash(
        fake, community, community.admin, "hearth clear", setting="mod_queue_channel_id"
    )
    assert asked.ephemeral and "Crisis-language detection stops" in asked.text
    question = asked.final
    assert question is not None
    choices = {b["label"]: b["custom_id"] for b in question["components"][0]["components"]}
    keep = await fake.click(community.guild_id, community.admin, question, choices["Keep it"])
    await answered(keep)
    assert "Kept" in (await keep.wait_final())["content"]
    assert config_row(database, community.guild_id)["mod_queue_channel_id"] == community.mod_queue

    asked = await slash(
        fake, community, community.admin, "hearth clear", setting="mod_queue_channel_id"
    )
    question = asked.final
    assert question is not None
    choices = {b["label"]: b["custom_id"] for b in question["components"][0]["components"]}
    confirm = await fake.click(community.guild_id, community.admin, question, choices["Clear it"])
    await answered(confirm)
    done = await confirm.wait_final()
    assert "Cleared the moderator-queue channel" in done["content"]
    assert config_row(database, community.guild_id)["mod_queue_channel_id"] is None

    # Detection has stopped: a crisis message gets no flag and no automated message. The
    # report after it is the barrier (Hearth answers messages of a server in order, and a
    # message is handled before an interaction that arrives after it is answered).
    await fake.send_message(general, community.member, "i took all my pills")
    await slash(fake, community, community.admin, "report", reason="please check on sam")
    assert flag_rows(database, community.member) == []
    assert fake.dm_messages(community.member) == []
    # The report is kept, with no card, and the owner hears once how to fix it.
    [kept] = [row for row in _all_flags(database) if row["source"] == "report"]
    assert kept["card_message_id"] is None
    owner_dms = fake.dm_messages(guild.owner_id)
    assert owner_dms and "moderator" in owner_dms[-1]["content"].lower()

    # Choosing a queue channel again posts what was kept.
    since = len(fake.requests)
    await setup_guild(fake, community, mod_queue_channel=community.mod_queue)
    await fake.wait_for_request("POST", rf"/channels/{community.mod_queue}/messages", since=since)


def _all_flags(database: Path) -> list[dict[str, Any]]:
    with stored.connect(database) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute("SELECT * FROM flags ORDER BY id")]


def _organizer_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in ("event_id", "event_start")}


async def test_meeting_details_are_cleared_but_never_the_only_way_in(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path,
    clock: ManualClock,
    voice: int,
) -> None:
    clock.set(FIRST_START - timedelta(days=3))
    bot = await runner.start()
    guild = fake.guild(community.guild_id)
    regulars = guild.add_role("Tuesday regulars", mentionable=True)
    await add_tuesday_meeting(
        fake, community, voice, link="https://meet.example.org/tuesday", ping_role=regulars
    )
    [meeting_id] = meeting_ids(database)

    cleared = await meetings_cmd(
        fake, community, community.admin, "clear", meeting=str(meeting_id), setting="link"
    )
    assert cleared.ephemeral and "Cleared its link" in cleared.text
    assert "join in its voice channel" in cleared.text
    assert meeting_row(database, meeting_id)["link"] is None

    # The voice channel is now the only way in: clearing it is refused and changes nothing the
    # organizer set. (The server's Events mirror, event_id and event_start, is written by its own
    # job whenever it runs, so it is left out of the comparison.)
    before = _organizer_fields(meeting_row(database, meeting_id))
    refused = await meetings_cmd(
        fake, community, community.admin, "clear", meeting=str(meeting_id), setting="voice_channel"
    )
    assert refused.ephemeral and "needs somewhere for members to join" in refused.text
    assert _organizer_fields(meeting_row(database, meeting_id)) == before

    cleared = await meetings_cmd(
        fake, community, community.admin, "clear", meeting=str(meeting_id), setting="ping_role"
    )
    assert "no longer mention a role" in cleared.text
    assert meeting_row(database, meeting_id)["ping_role_id"] is None
    # The day-before reminder, when it falls due, pings nobody.
    assert announcements_in(fake, community.announcements) == []
    clock.set(FIRST_START - timedelta(days=1))
    await run_meeting(bot, meeting_id)
    [card] = announcements_in(fake, community.announcements)
    assert f"<@&{regulars}>" not in card.get("content", "")
    assert "meet.example.org" not in str(card)

    before = meeting_row(database, meeting_id)
    again = await meetings_cmd(
        fake, community, community.admin, "clear", meeting=str(meeting_id), setting="ping_role"
    )
    assert "pings no role, so there's nothing to clear" in again.text
    assert meeting_row(database, meeting_id) == before


async def test_a_removed_crisis_phrase_no_longer_flags(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    guild = fake.guild(community.guild_id)
    general = guild.add_text_channel("general")
    # A guild's code word, not crisis language: only the phrase can flag it, never the learned
    # stage on its own, so the second message shows the removal and nothing else.
    added = await slash(
        fake,
        community,
        community.admin,
        "crisis phrase add",
        phrase="code lavender",
        flag=True,
        category="SUICIDAL",
        severity=3,
    )
    assert "now flags" in added.text
    await fake.send_message(general, community.member, "honestly feeling code lavender today")
    await settled(fake, community)
    assert len(cards_about(fake, community, community.member)) == 1

    suggested = await fake.autocomplete(
        community.guild_id, community.admin, "crisis phrase remove", "phrase", "lav"
    )
    await answered(suggested)
    assert [c["value"] for c in suggested.choices or []] == ["code lavender"]

    removed = await slash(
        fake, community, community.admin, "crisis phrase remove", phrase="Code Lavender"
    )
    assert removed.ephemeral and "no longer flagged because of it" in removed.text
    assert phrase_rows(database, community.guild_id) == []

    other = fake.add_user("rae")
    guild.add_member(other)
    await fake.send_message(general, other, "honestly feeling code lavender today")
    await settled(fake, community)
    assert cards_about(fake, community, other) == []

    again = await slash(
        fake, community, community.admin, "crisis phrase remove", phrase="code lavender"
    )
    assert "nothing to remove" in again.text
