"""Settings: what a newcomer sees when a value is missing or wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.storage.database import bundled_migrations

REPO = Path(__file__).resolve().parents[2]
HEARTH_VARS = (
    "DISCORD_TOKEN",
    "HEARTH_CONFIG",
    "HEARTH_DATABASE_URL",
    "HEARTH_LOG_LEVEL",
    "HEARTH_DISCORD_API_BASE",
    "HEARTH_DISCORD_GATEWAY_URL",
    "HEARTH_DEV_GUILD_ID",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in HEARTH_VARS:
        monkeypatch.delenv(name, raising=False)


def test_missing_token_names_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"^DISCORD_TOKEN is not set$"):
        load_settings()


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    settings = load_settings()
    assert settings.database_url == "sqlite:///data/hearth.db"
    assert settings.database_path == Path("data/hearth.db")
    assert settings.log_level == "INFO"
    assert settings.discord_api_base is None
    assert settings.dev_guild_id is None
    assert "secret-token-value" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DISCORD_TOKEN", "   ", "DISCORD_TOKEN"),
        ("HEARTH_DATABASE_URL", "mysql://db/hearth", "HEARTH_DATABASE_URL"),
        ("HEARTH_DATABASE_URL", "postgresql:///hearth", "HEARTH_DATABASE_URL"),
        ("HEARTH_LOG_LEVEL", "loud", "HEARTH_LOG_LEVEL"),
        ("HEARTH_DISCORD_API_BASE", "ftp://example.org", "HEARTH_DISCORD_API_BASE"),
        ("HEARTH_DISCORD_GATEWAY_URL", "http://127.0.0.1:9", "HEARTH_DISCORD_GATEWAY_URL"),
        ("HEARTH_DEV_GUILD_ID", "not-a-number", "HEARTH_DEV_GUILD_ID"),
        ("HEARTH_DEV_GUILD_ID", "-5", "HEARTH_DEV_GUILD_ID"),
    ],
)
def test_invalid_values_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "token")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_toml_file_is_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "hearth.toml"
    config.write_text(
        '[hearth]\ndatabase_url = "sqlite:///srv/hearth.db"\nlog_level = "debug"\n'
        "dev_guild_id = 42\n"
    )
    monkeypatch.setenv("HEARTH_CONFIG", str(config))
    monkeypatch.setenv("DISCORD_TOKEN", "token")
    monkeypatch.setenv("HEARTH_LOG_LEVEL", "warning")
    settings = load_settings()
    assert settings.database_url == "sqlite:///srv/hearth.db"
    assert settings.dev_guild_id == 42
    assert settings.log_level == "WARNING"


def test_broken_toml_file_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "hearth.toml"
    config.write_text("database_url = \n")
    monkeypatch.setenv("HEARTH_CONFIG", str(config))
    monkeypatch.setenv("DISCORD_TOKEN", "token")
    with pytest.raises(SettingsError, match=r"^HEARTH_CONFIG: .* is not valid TOML"):
        load_settings()


def test_example_config_file_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_CONFIG", str(REPO / "config" / "hearth.example.toml"))
    monkeypatch.setenv("DISCORD_TOKEN", "token")
    settings = load_settings()
    assert settings.database_url.startswith("sqlite:///")


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in HEARTH_VARS}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_missing_token_exits_2_with_one_line() -> None:
    result = _run_cli("check", env={})
    assert result.returncode == 2
    assert result.stderr.strip() == "hearth: DISCORD_TOKEN is not set"
    assert "Traceback" not in result.stderr


def test_cli_check_and_migrate(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": "token", "HEARTH_DATABASE_URL": f"sqlite:///{tmp_path}/db/h.db"}
    before = _run_cli("check", env=env)
    assert before.returncode == 0, before.stderr
    assert "to apply" in before.stdout
    migrated = _run_cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    latest = bundled_migrations()[-1].version
    applied = ", ".join(str(v) for v in range(1, latest + 1))
    assert f"at schema version {latest} (applied {applied})" in migrated.stdout
    after = _run_cli("check", env=env)
    assert "up to date" in after.stdout
    again = _run_cli("migrate", env=env)
    assert "nothing to apply" in again.stdout


def test_a_postgresql_url_is_accepted_and_its_password_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "token")
    monkeypatch.setenv("HEARTH_DATABASE_URL", "postgresql://hearth:s3cret@db.internal:5432/hearth")
    settings = load_settings()
    assert settings.database == "postgresql://hearth:s3cret@db.internal:5432/hearth"
    assert settings.database_label == "postgresql://hearth:***@db.internal:5432/hearth"
    assert "s3cret" in settings.secrets()
