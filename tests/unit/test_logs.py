"""Log lines are logfmt and never carry secrets."""

from __future__ import annotations

import logging

import pytest

from bot.logs import LogfmtFormatter, RedactingFilter, configure_logging


def _record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("hearth.test", logging.INFO, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_logfmt_line_carries_extra_fields_quoted() -> None:
    line = LogfmtFormatter().format(_record("cog loaded", cog="cogs.a b", count=3))
    assert " level=INFO logger=hearth.test " in line
    assert 'msg="cog loaded"' in line
    assert 'cog="cogs.a b"' in line
    assert "count=3" in line
    assert line.startswith("ts=") and "Z " in line


def test_redacting_filter_replaces_secrets_in_formatted_message() -> None:
    record = _record("login with %s failed", "super-secret-token")
    RedactingFilter(["super-secret-token"]).filter(record)
    assert record.getMessage() == "login with [redacted] failed"


def test_discord_debug_logs_stay_off(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", secrets=["super-secret-token"])
    try:
        logging.getLogger("discord.gateway").debug("payload with message content")
        logging.getLogger("aiosqlite").debug("executing INSERT with a private note")
        logging.getLogger("hearth.x").debug("token is super-secret-token")
        err = capsys.readouterr().err
        assert "payload with message content" not in err
        assert "private note" not in err
        assert "super-secret-token" not in err
        assert "[redacted]" in err
    finally:
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)
