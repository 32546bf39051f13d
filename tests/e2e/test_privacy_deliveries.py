"""The delivery journal's rows about a member (the DMs Hearth sent them) are theirs: in the
export (kind, status, times; never the text or its hash) and gone when they erase their data."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.crisis_helpers import configure_queue, settled
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.privacy_helpers import ask, confirm, export
from tests.e2e.process_helpers import query
from tests.fakediscord import FakeDiscord

CRISIS = "i want to kill myself tonight"


async def a_crisis_dm(fake: FakeDiscord, community: Community) -> dict:
    general = fake.guild(community.guild_id).add_text_channel("general")
    await fake.send_message(general, community.member, CRISIS)
    await settled(fake, community)
    [dm] = fake.dm_messages(community.member)
    return dm


async def test_the_export_holds_the_dms_sent_to_the_member_and_erasure_removes_them(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    dm = await a_crisis_dm(fake, community)

    ix, data = await export(fake, community.guild_id, community.member)
    [record] = data["direct_messages"]
    assert record["kind"] == "crisis-dm" and record["status"] == "sent"
    assert record["message_id"] == dm["id"] and record["channel_id"] == dm["channel_id"]
    assert record["attempts"] == 1 and record["created_at"]
    assert data["dm_channel"]["channel_id"] == dm["channel_id"]
    assert "1 private message Hearth sent you" in ix.text
    raw = json.dumps(data)
    assert CRISIS not in raw and dm["content"] not in raw, "never the words, theirs or Hearth's"
    [(fingerprint,)] = query(
        database, "SELECT fingerprint FROM deliveries WHERE user_id = ?", community.member
    )
    assert fingerprint not in raw, "not even the hash of what was sent"
    _, moderator = await export(fake, community.guild_id, community.moderator)
    assert str(dm["id"]) not in json.dumps(moderator["direct_messages"]), "only their own"

    question = await ask(fake, community.guild_id, community.member, "privacy delete")
    await confirm(fake, community.guild_id, community.member, question, "Erase my data")
    assert query(database, "SELECT key FROM deliveries WHERE user_id = ?", community.member) == []
    _, after = await export(fake, community.guild_id, community.member)
    assert after["direct_messages"] == []


async def test_erasing_everywhere_removes_every_dm_record_and_the_dm_channel(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    await a_crisis_dm(fake, community)
    assert query(
        database, "SELECT count(*) FROM deliveries WHERE user_id = ?", community.member
    ) == [(1,)]

    question = await ask(
        fake, community.guild_id, community.member, "privacy delete", everywhere=True
    )
    await confirm(fake, community.guild_id, community.member, question, "Erase my data")
    assert query(database, "SELECT key FROM deliveries WHERE user_id = ?", community.member) == []
    assert query(database, "SELECT 1 FROM dm_channels WHERE user_id = ?", community.member) == []
