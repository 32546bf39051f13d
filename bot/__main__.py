"""`python -m bot [run|check|sync|migrate|health]`."""

from __future__ import annotations

import argparse
import asyncio

from bot import runner
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings

COMMANDS = {
    "run": runner.run,
    "check": runner.check,
    "sync": runner.sync,
    "migrate": runner.migrate,
    "health": runner.health,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Run the Hearth bot.")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=sorted(COMMANDS),
        help="run (default): start the bot; check: validate settings and database; "
        "sync: force an application-command sync; migrate: apply database migrations; "
        "health: exit 0 only while a running bot's gateway connection is alive",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        runner.print_error(str(exc))
        return runner.EXIT_CONFIG
    configure_logging(settings.log_level, secrets=[settings.discord_token.get_secret_value()])
    try:
        return asyncio.run(COMMANDS[args.command](settings))
    except runner.StartupError as exc:
        runner.print_error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return runner.EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
