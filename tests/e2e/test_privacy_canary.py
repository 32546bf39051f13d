"""Canaries: unique words in every private field go only where their owner (and, for reports
and crisis messages, the moderators' queue) can see them: never a log line, a public post, a
DM to anyone else, or (with a data key) the database file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import Hearth
from bot.logs import CLAMPED_LIBRARIES, LogfmtFormatter, configure_logging
from bot.storage.sealing import new_key_text
from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import checkin, setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.privacy_helpers import ask, database_bytes, export
from tests.e2e.test_milestones import settle
from tests.e2e.test_sobriety import sobriety
from tests.fakediscord import FakeDiscord

NOTE = "canary-checkin-note-b71d"
LABEL = "canary-label-e40a"
RESET_NOTE = "canary-reset-note-2f95"
REASON = "canary-report-reason-c3d8"
CRISIS = "i want to kill myself tonight canary-crisis-9a6e"
CANARIES = (NOTE, LABEL, RESET_NOTE, REASON, CRISIS)
# What moderators may read in their own queue channel: what was reported, never notes.
FOR_MODERATORS = (REASON, CRISIS)
EPHEMERAL = 1 << 6


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def production_logs() -> Iterator[list[logging.LogRecord]]:
    """Logging exactly as `HEARTH_LOG_LEVEL=DEBUG` sets it up (Hearth's loggers at DEBUG;
    discord.py and aiosqlite, which log payloads at DEBUG, held at INFO), every record kept."""
    configure_logging("DEBUG")
    kept = Kept()
    root = logging.getLogger()
    root.addHandler(kept)
    try:
        yield kept.records
    finally:
        root.handlers.clear()
        root.setLevel(logging.WARNING)
        for name in CLAMPED_LIBRARIES:
            logging.getLogger(name).setLevel(logging.NOTSET)


def leaked(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    lowered = text.casefold()
    return [c for c in CANARIES if c not in allowed and c.casefold() in lowered]


def bot_messages(fake: FakeDiscord) -> Iterator[dict[str, Any]]:
    for message in fake.state.messages.by_id.values():
        if int(message["author"]["id"]) == fake.bot_user_id:
            yield message


async def leave_canaries_everywhere(
    fake: FakeDiscord, community: Community, bot: Hearth, clock: ManualClock
) -> None:
    guild = fake.guild(community.guild_id)
    general = guild.add_text_channel("general")
    await setup_guild(
        fake,
        community,
        checkin_channel=community.checkins,
        celebrations_channel=community.celebrations,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
        helpline_country="US",
    )
    oncall = await fake.slash(
        community.guild_id, community.moderator, "modqueue oncall", options={"on": True}
    )
    await answered(oncall)
    # A check-in note, shared (mood only) and on a hard day.
    await checkin(fake, community, community.member, mood=1, craving=9, note=NOTE, share=True)
    # Counter names and a reset note; one milestone public, one by DM to the member.
    await sobriety(
        fake, community, community.member, "set", date="2026-11-15", label=LABEL, announce="public"
    )
    await sobriety(fake, community, community.member, "set", date="2026-11-21", label=LABEL + "-2")
    await sobriety(fake, community, community.member, "reset", label=LABEL + "-2", note=RESET_NOTE)
    await settle(bot)
    # A report with a reason, by command and by the message menu.
    report = await fake.slash(
        community.guild_id, community.member, "report", options={"reason": REASON}
    )
    await answered(report)
    await report.wait_final()
    target = await fake.send_message(general, community.admin, "an ordinary message")
    menu = await fake.context_menu(
        community.guild_id, community.member, "Report to moderators", target_message=target
    )
    await answered(menu)
    submitted = await fake.submit_modal(
        community.guild_id, community.member, None, {"reason": REASON}
    )
    await answered(submitted)
    await submitted.wait_final()
    # A crisis message, noticed, flagged and escalated all the way to the server owner.
    await fake.send_message(general, community.member, CRISIS)
    await fake.wait_for_request(
        "POST", r"/channels/\d+/messages", predicate=lambda r: "automated message" in str(r.json)
    )
    await bot.background.wait_idle()
    for flag_id in (1, 2, 3):
        for _ in range(4):
            clock.advance(timedelta(minutes=31))
            if f"flag:{flag_id}" in bot.scheduler.job_ids():
                await bot.scheduler.run_now(f"flag:{flag_id}")
    await bot.background.wait_idle()
    # The member reads their own data back.
    await export(fake, community.guild_id, community.member)
    history = await ask(
        fake, community.guild_id, community.member, "sobriety history", label=LABEL + "-2"
    )
    assert RESET_NOTE in history.text, "the owner sees their own words"


@pytest.mark.parametrize("sealed", [False, True], ids=["plain", "with-data-key"])
async def test_private_words_go_nowhere_but_to_their_owner(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    production_logs: list[logging.LogRecord],
    sealed: bool,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    env = {"HEARTH_DATA_KEY": new_key_text()} if sealed else {}
    bot = await runner.start(**env)
    await leave_canaries_everywhere(fake, community, bot, clock)
    await runner.stop(bot)

    formatter = LogfmtFormatter()
    lines = [formatter.format(record) for record in production_logs]
    assert any(r.name.startswith("hearth") for r in production_logs), "logs were captured"
    assert [line for line in lines if leaked(line)] == []

    dm_owner = {fake.dm_channel_id(u): u for u in fake.state.users if fake.dm_channel_id(u)}
    queue = str(community.mod_queue)
    checked = 0
    for message in bot_messages(fake):
        text = str({k: message.get(k) for k in ("content", "embeds", "components")})
        channel = int(message["channel_id"])
        if message["flags"] & EPHEMERAL or dm_owner.get(channel) == community.member:
            continue  # only the member sees these
        checked += 1
        allowed = FOR_MODERATORS if message["channel_id"] == queue else ()
        assert leaked(text, allowed) == [], (channel, text)
    assert checked >= 5, "cards, shared check-in, crisis reply and escalations were all seen"
    # Every version ever sent, not just what is left after edits.
    for request in fake.requests:
        if request.path.startswith("/channels/") and request.json is not None:
            allowed = FOR_MODERATORS if f"/channels/{queue}/" in request.path else ()
            channel = int(request.path.split("/")[2])
            if dm_owner.get(channel) != community.member:
                assert leaked(str(request.json), allowed) == [], request.path

    on_disk = database_bytes(database)
    if sealed:
        assert [c for c in CANARIES if c.encode() in on_disk.lower()] == []
    else:
        # Without a key the notes are plain text (the README says so): the check above can see.
        assert NOTE.encode() in on_disk
