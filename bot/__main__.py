"""`python -m bot [run|check|sync|migrate|health|new-key|rotate-key]`."""

from __future__ import annotations

import argparse
import asyncio

from bot import runner
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings
from bot.storage.sealing import new_key_text

COMMANDS = {
    "run": runner.run,
    "check": runner.check,
    "sync": runner.sync,
    "migrate": runner.migrate,
    "health": runner.health,
    "rotate-key": runner.rotate_key,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Run the Hearth bot.")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=sorted([*COMMANDS, "new-key"]),
        help="run (default): start the bot; check: validate settings and database; "
        "sync: force an application-command sync; migrate: apply database migrations; "
        "health: exit 0 only while a running bot's gateway connection is alive; "
        "new-key: print a fresh HEARTH_DATA_KEY; rotate-key: re-seal stored notes from "
        "HEARTH_DATA_KEY_OLD to HEARTH_DATA_KEY (either may be unset: plain)",
    )
    args = parser.parse_args(argv)
    if args.command == "new-key":
        # Needs no settings: it only prints a key for the operator to store safely.
        print(new_key_text())
        return runner.EXIT_OK
    try:
        settings = load_settings()
    except SettingsError as exc:
        runner.print_error(str(exc))
        return runner.EXIT_CONFIG
    configure_logging(settings.log_level, secrets=settings.secrets())
    try:
        return asyncio.run(COMMANDS[args.command](settings))
    except runner.StartupError as exc:
        runner.print_error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return runner.EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
