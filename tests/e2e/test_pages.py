"""Long lists come in pages with Previous / Next: every entry once, nothing cut, only the member
who asked turns the pages, and the buttons keep working after a restart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.input_helpers import slash
from tests.e2e.meeting_helpers import meetings_cmd
from tests.e2e.test_modqueue import queue_setup
from tests.fakediscord import FakeDiscord

REPORTS = 32  # more than the 25 /modqueue list used to stop at


def flag_ids(database: Path) -> list[int]:
    with stored.connect(database) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM flags ORDER BY id")]


def page_buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["label"]: b for row in message.get("components", []) for b in row["components"]}


def listed_flags(message: dict[str, Any]) -> list[int]:
    return [int(found) for found in re.findall(r"^#(\d+) ·", message["content"], re.M)]


async def turn(
    fake: FakeDiscord, community: Community, user: int, message: dict[str, Any], label: str
) -> dict[str, Any]:
    """Press Previous or Next as `user`; the page as it now reads."""
    press = await fake.click(
        community.guild_id, user, message, page_buttons(message)[label]["custom_id"]
    )
    assert (await answered(press))["type"] == 6, press.text
    updated = await press.wait_final()
    assert updated["id"] == message["id"]
    return updated


async def test_modqueue_list_pages_through_every_flag_once_and_survives_a_restart(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    bot = await runner.start()
    await queue_setup(fake, community)
    for number in range(REPORTS):
        await slash(fake, community, community.member, "report", reason=f"worry number {number}")
    stored = flag_ids(database)
    assert len(stored) == REPORTS

    ix = await slash(fake, community, community.moderator, "modqueue list")
    assert ix.ephemeral
    message = ix.final
    assert message is not None
    first = message["content"]
    total = int(re.search(r"Page 1 of (\d+)", first).group(1))  # type: ignore[union-attr]
    assert total >= 3
    assert f"Open and claimed flags: {REPORTS}" in first
    assert page_buttons(message)["Previous"].get("disabled") is True
    assert not page_buttons(message)["Next"].get("disabled")

    seen = listed_flags(message)
    pages = [message["content"]]
    for number in range(2, total + 1):
        message = await turn(fake, community, community.moderator, message, "Next")
        assert f"Page {number} of {total}" in message["content"]
        assert message["flags"] & 64, "a page stays private"
        seen += listed_flags(message)
        pages.append(message["content"])
    assert sorted(seen) == sorted(stored) and len(seen) == len(set(seen)) == REPORTS
    assert all(len(page) <= 2000 for page in pages)
    assert page_buttons(message)["Next"].get("disabled") is True
    assert not page_buttons(message)["Previous"].get("disabled")

    # Discord shows an ephemeral message, and so its buttons, only to the member who asked; a
    # press by anyone else (a hand-made interaction, as a client other than Discord's could
    # send) is still refused kindly, and the page stays as it was.
    forged = {k: v for k, v in message.items() if k != "interaction_metadata"} | {"id": "1"}
    other = await fake.click(
        community.guild_id,
        community.admin,
        forged,
        page_buttons(message)["Previous"]["custom_id"],
    )
    await answered(other)
    await other.wait_final()
    assert other.ephemeral and "only they can turn them" in other.text
    assert "/modqueue list" in other.text
    assert fake.message(int(message["id"]))["content"] == pages[-1]  # type: ignore[index]

    # After a restart the same buttons still turn the pages, back and forth.
    await runner.restart(bot)
    message = await turn(fake, community, community.moderator, message, "Previous")
    assert message["content"] == pages[-2]
    message = await turn(fake, community, community.moderator, message, "Next")
    assert message["content"] == pages[-1]


async def test_a_short_list_is_one_page_without_buttons(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    await queue_setup(fake, community)
    await slash(fake, community, community.member, "report", reason="one worry")
    ix = await slash(fake, community, community.moderator, "modqueue list")
    assert ix.ephemeral and "worry" not in ix.text, "the list never quotes a report"
    assert "Page" not in ix.text and not ix.final.get("components")  # type: ignore[union-attr]
    empty = await slash(fake, community, community.moderator, "modqueue list", status="resolved")
    assert "Nothing here" in empty.text


async def test_meetings_list_pages_after_its_slow_start(
    fake: FakeDiscord, community: Community, runner: HearthRunner, voice: int
) -> None:
    """/meetings list acknowledges first (a big server takes a while): its pages come in the
    follow-up, and every meeting of the week is there once."""
    await runner.start()
    await setup_guild(
        fake,
        community,
        timezone="UTC",
        announcements_channel=community.announcements,
        organizer_role=community.organizer_role,
    )
    names = [f"Group {letter}" for letter in "ABCDEFGHIJKLM"]
    for name in names:
        added = await meetings_cmd(
            fake,
            community,
            community.admin,
            "add",
            name=name,
            weekdays="Mon",
            time="18:00",
            voice_channel=voice,
        )
        assert "Added" in added.text, added.text
    ix = await meetings_cmd(fake, community, community.member, "list")
    message = ix.final
    assert ix.ephemeral and message is not None and "Page 1 of 2" in message["content"]
    seen = re.findall(r"\*\*(Group [A-M])\*\*", message["content"])
    message = await turn(fake, community, community.member, message, "Next")
    assert "Page 2 of 2" in message["content"]
    seen += re.findall(r"\*\*(Group [A-M])\*\*", message["content"])
    assert sorted(seen) == names
