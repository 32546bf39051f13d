"""Shard settings and the one rule of which process serves which guild."""

from __future__ import annotations

import pytest

from bot.domain.shards import ShardPlan, shard_of
from bot.settings import SettingsError, load_settings

SHARD_VARS = ("HEARTH_CONFIG", "HEARTH_SHARD_COUNT", "HEARTH_SHARD_IDS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SHARD_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", "token")


def _guild_on(shard_id: int, shard_count: int, nth: int = 0) -> int:
    """A guild id on that shard: the shard is taken from the id's timestamp bits."""
    return ((1_000_000 * shard_count + shard_id + nth * shard_count) << 22) | 12345


def test_without_shard_settings_one_process_runs_every_shard() -> None:
    plan = load_settings().shard_plan
    assert plan == ShardPlan(None, None)
    assert all(plan.owns(_guild_on(s, 7)) for s in range(7))


def test_a_count_without_ids_runs_every_shard_of_that_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEARTH_SHARD_COUNT", "4")
    plan = load_settings().shard_plan
    assert plan == ShardPlan(4, None)
    assert all(plan.owns(_guild_on(s, 4)) for s in range(4))


def test_ids_choose_the_guilds_this_process_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_SHARD_COUNT", "3")
    monkeypatch.setenv("HEARTH_SHARD_IDS", " 2, 0 ")
    plan = load_settings().shard_plan
    assert plan == ShardPlan(3, (2, 0))
    for nth in range(3):
        assert [plan.owns(_guild_on(s, 3, nth)) for s in range(3)] == [True, False, True]
    assert [shard_of(_guild_on(s, 3), 3) for s in range(3)] == [0, 1, 2]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"HEARTH_SHARD_IDS": "1"},
            "HEARTH_SHARD_IDS: needs HEARTH_SHARD_COUNT too (the number of shards in all "
            "processes)",
        ),
        (
            {"HEARTH_SHARD_COUNT": "0"},
            "HEARTH_SHARD_COUNT: must be at least 1 (the shards across all processes)",
        ),
        (
            {"HEARTH_SHARD_COUNT": "two"},
            "HEARTH_SHARD_COUNT: must be a whole number, the shards across all processes",
        ),
        (
            {"HEARTH_SHARD_COUNT": "2", "HEARTH_SHARD_IDS": "0,0"},
            "HEARTH_SHARD_IDS: shard 0 is listed twice",
        ),
        (
            {"HEARTH_SHARD_COUNT": "2", "HEARTH_SHARD_IDS": "0,2"},
            "HEARTH_SHARD_IDS: shard 2 does not exist with 2 shard(s) (they are numbered 0 to 1)",
        ),
        (
            {"HEARTH_SHARD_COUNT": "2", "HEARTH_SHARD_IDS": "0;1"},
            "HEARTH_SHARD_IDS: must be shard numbers separated by commas, e.g. 0,1",
        ),
        (
            {"HEARTH_SHARD_COUNT": "2", "HEARTH_SHARD_IDS": "-1"},
            "HEARTH_SHARD_IDS: must be shard numbers separated by commas, e.g. 0,1",
        ),
    ],
)
def test_wrong_shard_settings_are_one_kind_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == message


def test_a_plan_refuses_what_settings_refuse() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        ShardPlan(2, (1, 1))
    with pytest.raises(ValueError, match="need a shard count"):
        ShardPlan(None, (0,))


def test_a_plan_knows_its_share_of_all_shards() -> None:
    assert ShardPlan(None, None).share == 1.0
    assert ShardPlan(4, None).share == 1.0
    assert ShardPlan(8, (0, 4)).share == 0.25
    assert ShardPlan(3, (2,)).share == 1 / 3
