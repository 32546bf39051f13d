"""Process settings: environment variables, optionally layered over a TOML file.

Environment variables win over the file so a deployment can override one value without editing it.
Validation happens once at start; `load_settings` turns any problem into a single readable line.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.domain.shards import ShardPlan, shard_plan_problem
from bot.storage.database import POSTGRES_SCHEMES, is_postgres_url
from bot.storage.sealing import DataKey, KeyFormatError
from bot.storage.urls import without_password

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

# The names people type: used in every error message so the fix is obvious.
ENV_NAMES: dict[str, str] = {
    "discord_token": "DISCORD_TOKEN",
    "database_url": "HEARTH_DATABASE_URL",
    "log_level": "HEARTH_LOG_LEVEL",
    "discord_api_base": "HEARTH_DISCORD_API_BASE",
    "discord_gateway_url": "HEARTH_DISCORD_GATEWAY_URL",
    "dev_guild_id": "HEARTH_DEV_GUILD_ID",
    "data_key": "HEARTH_DATA_KEY",
    "data_key_old": "HEARTH_DATA_KEY_OLD",
    "shard_count": "HEARTH_SHARD_COUNT",
    "shard_ids": "HEARTH_SHARD_IDS",
    "state_dir": "HEARTH_STATE_DIR",
}
CONFIG_FILE_ENV = "HEARTH_CONFIG"


class SettingsError(Exception):
    """Settings could not be loaded; the message is one line naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HEARTH_",
        extra="ignore",
        populate_by_name=True,
        hide_input_in_errors=True,
    )

    discord_token: SecretStr = Field(
        validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token"),
        min_length=1,
    )
    database_url: str = "sqlite:///data/hearth.db"
    log_level: LogLevel = "INFO"
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    dev_guild_id: int | None = Field(default=None, gt=0)
    # Seals check-in notes, counter names and notes, and report reasons in the database.
    data_key: SecretStr | None = None
    # Only for `python -m bot rotate-key`: the key the data is sealed with now.
    data_key_old: SecretStr | None = None
    # Several processes each run some of Discord's shards (README "Scaling out"). Unset: one
    # process runs every shard, as many as Discord recommends.
    shard_count: int | None = None
    shard_ids: str | None = None  # comma-separated, e.g. "0,1"; needs shard_count
    # With PostgreSQL: the folder for files kept on this machine (the health beat).
    state_dir: Path | None = None

    @field_validator("discord_token")
    @classmethod
    def _token_not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("data_key", "data_key_old")
    @classmethod
    def _key_format(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        try:
            DataKey.parse(value.get_secret_value())
        except KeyFormatError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("shard_count", mode="before")
    @classmethod
    def _shard_count(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return None
            if not value.strip().isdigit():
                raise ValueError("must be a whole number, the shards across all processes")
            value = int(value)
        if isinstance(value, int) and value < 1:
            raise ValueError("must be at least 1 (the shards across all processes)")
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, list | tuple):  # a TOML list
            value = ",".join(str(v) for v in value)
        if not isinstance(value, str) or not value.strip():
            return None if value is None or isinstance(value, str) else value
        parts = [part.strip() for part in value.split(",")]
        if not all(part.isdigit() for part in parts):
            raise ValueError("must be shard numbers separated by commas, e.g. 0,1")
        ids = tuple(int(part) for part in parts)
        if info.data.get("shard_count") is None:
            raise ValueError("needs HEARTH_SHARD_COUNT too (the number of shards in all processes)")
        problem = shard_plan_problem(info.data["shard_count"], ids)
        if problem is not None:
            raise ValueError(problem.replace("shard count", "HEARTH_SHARD_COUNT"))
        return ",".join(map(str, ids))

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value.startswith(POSTGRES_SCHEMES):
            if not urlparse(value).hostname and "host=" not in value:
                raise ValueError("needs a host: postgresql://user:password@host:5432/hearth")
            return value
        if not value.startswith("sqlite:///"):
            raise ValueError(
                "must look like sqlite:///path/to/hearth.db or postgresql://user@host/hearth"
            )
        if not value.removeprefix("sqlite:///"):
            raise ValueError("needs a file path after sqlite:///")
        return value

    @field_validator("discord_api_base")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _checked_url(value, ("http", "https"))

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws_url(cls, value: str | None) -> str | None:
        return _checked_url(value, ("ws", "wss"))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # init kwargs carry the TOML file's values, so the environment must come first to win.
        return (env_settings, init_settings)

    @property
    def database(self) -> Path | str:
        """What `open_storage` opens: the SQLite file's path, or the PostgreSQL URL."""
        if is_postgres_url(self.database_url):
            return self.database_url
        return self.database_path

    @property
    def database_label(self) -> str:
        """The database for messages: the file, or the URL without its password."""
        if is_postgres_url(self.database_url):
            return without_password(self.database_url)
        return str(self.database_path)

    @property
    def database_path(self) -> Path:
        """The SQLite file. With PostgreSQL there is none; files kept beside the database (the
        health beat, `hearth.alive`) go in HEARTH_STATE_DIR, by default `data/` under the
        working directory as with the default SQLite URL."""
        if is_postgres_url(self.database_url):
            return (self.state_dir or Path("data")) / "postgresql"
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def shard_plan(self) -> ShardPlan:
        ids = tuple(int(part) for part in self.shard_ids.split(",")) if self.shard_ids else None
        return ShardPlan(self.shard_count, ids)

    @property
    def data_keys(self) -> tuple[DataKey | None, DataKey | None]:
        """(the data key, the old data key), each None when not set."""
        return _key(self.data_key), _key(self.data_key_old)

    def secrets(self) -> list[str]:
        """Everything the log filter must never let through."""
        values = (self.discord_token, self.data_key, self.data_key_old)
        found = [value.get_secret_value() for value in values if value is not None]
        password = urlparse(self.database_url).password
        return [*found, password] if password else found


def _key(value: SecretStr | None) -> DataKey | None:
    return DataKey.parse(value.get_secret_value()) if value is not None else None


def _checked_url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None or not value.strip():
        return None
    parsed = urlparse(value.strip())
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ValueError(f"must be a {' or '.join(s + '://' for s in schemes)} URL")
    return value.strip().rstrip("/")


def _read_config_file(path_text: str) -> dict[str, Any]:
    path = Path(path_text)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{CONFIG_FILE_ENV}: no file at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{CONFIG_FILE_ENV}: {path} is not valid TOML ({exc})") from None
    # Accept both a flat file and one with a [hearth] table.
    section = data.get("hearth", data)
    if not isinstance(section, dict):
        raise SettingsError(f"{CONFIG_FILE_ENV}: [hearth] in {path} must be a table")
    return section


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    name = ENV_NAMES.get(field, field.upper() or "settings")
    if first["type"] == "missing":
        return f"{name} is not set"
    message = first["msg"].removeprefix("Value error, ")
    return f"{name}: {message}"


def load_settings() -> Settings:
    """Build Settings from the environment (and HEARTH_CONFIG's TOML file when set)."""
    file_values: dict[str, Any] = {}
    if config_path := os.environ.get(CONFIG_FILE_ENV):
        file_values = _read_config_file(config_path)
    try:
        return Settings(**file_values)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
