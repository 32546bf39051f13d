"""compose.yaml runs every shard exactly once, on PostgreSQL (SQLite serves one process)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.domain.shards import ShardPlan

COMPOSE = Path(__file__).resolve().parents[2] / "compose.yaml"


def test_the_compose_file_runs_each_shard_once_on_postgresql() -> None:
    services = yaml.safe_load(COMPOSE.read_text("utf-8"))["services"]
    hearths = {
        name: service["environment"]
        for name, service in services.items()
        if "DISCORD_TOKEN" in service.get("environment", {})
    }
    assert len(hearths) >= 2
    counts = {int(env["HEARTH_SHARD_COUNT"]) for env in hearths.values()}
    assert len(counts) == 1
    [count] = counts
    shards = []
    for env in hearths.values():
        assert env["HEARTH_DATABASE_URL"].startswith("postgresql://")
        plan = ShardPlan(count, tuple(int(i) for i in env["HEARTH_SHARD_IDS"].split(",")))
        shards += plan.shard_ids or ()
    assert sorted(shards) == list(range(count))
    volumes = [tuple(services[name]["volumes"]) for name in hearths]
    assert len(set(volumes)) == len(volumes)  # each process its own health-beat folder
