"""`python -m bot [run|check|sync|migrate|health|new-key|rotate-key|copy-data --to URL]`."""

from __future__ import annotations

import argparse
import asyncio
from urllib.parse import urlparse

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
        choices=sorted([*COMMANDS, "new-key", "copy-data"]),
        help="run (default): start the bot; check: validate settings and database; "
        "sync: force an application-command sync; migrate: apply database migrations; "
        "health: exit 0 only while a running bot's gateway connection is alive; "
        "new-key: print a fresh HEARTH_DATA_KEY; rotate-key: re-seal stored notes from "
        "HEARTH_DATA_KEY_OLD to HEARTH_DATA_KEY (either may be unset: plain); "
        "copy-data --to postgresql://…: copy the SQLite database into an empty PostgreSQL one "
        "and verify it (stop Hearth first)",
    )
    parser.add_argument("--to", metavar="URL", help="copy-data only: the PostgreSQL database")
    args = parser.parse_args(argv)
    if (args.command == "copy-data") != (args.to is not None):
        parser.error("--to URL goes with copy-data, and copy-data needs --to URL")
    if args.command == "new-key":
        # Needs no settings: it only prints a key for the operator to store safely.
        print(new_key_text())
        return runner.EXIT_OK
    try:
        settings = load_settings()
    except SettingsError as exc:
        runner.print_error(str(exc))
        return runner.EXIT_CONFIG
    secrets = settings.secrets()
    if args.to and (password := urlparse(args.to).password):
        secrets.append(password)
    configure_logging(settings.log_level, secrets=secrets)
    try:
        if args.command == "copy-data":
            return asyncio.run(runner.copy_data(settings, args.to))
        return asyncio.run(COMMANDS[args.command](settings))
    except runner.StartupError as exc:
        runner.print_error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return runner.EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
