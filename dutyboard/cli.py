"""Command-line entry: ``dutyboard [COMMAND] …``.

Every command gives one clear line and a non-zero exit on a problem a person can fix
(wrong path, bad config, illegal change), never a traceback. Subcommands live in
``dutyboard/commands/`` and are found automatically.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from dutyboard import __version__, commands
from dutyboard.commands import Context, UsageError, common_options
from dutyboard.config import ConfigError, load_config
from dutyboard.domain.status import IllegalTransition
from dutyboard.i18n import LANGUAGES, set_language
from dutyboard.paths import default_db_path
from dutyboard.store import StoreError, arrivals, supplies


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dutyboard",
        description="Terminal dashboard for a round-the-clock duty desk: incoming requests, "
        "procurement leads, overseas contacts by time zone, shift handover. "
        "With no command, opens the dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"dutyboard {__version__}")
    common_options(parser, sub=False)
    parser.add_argument(
        "--role",
        choices=("officer", "leader"),
        default="officer",
        help="leader opens the database read-only: nothing can be changed (default: officer)",
    )
    parser.add_argument("--user", metavar="NAME", help="your name in the events log")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="interface language (default: desk.lang in the config, else the locale)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        command = importlib.import_module(f"dutyboard.commands.{module.name}")
        if hasattr(command, "register"):
            command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        # Before anything imports the UI: widgets translate their labels at import.
        set_language(args.lang or config.lang)
        ctx = Context(
            config=config,
            db_path=(args.db or default_db_path()).expanduser(),
            user=args.user or config.user,
        )
        # Receiving a shipment books its goods in the supplies ledger (same transaction).
        arrivals.on_received(supplies.ledger_from_arrival)
        func = getattr(args, "func", None)
        if func is None:
            from dutyboard.commands.dashboard import open_dashboard

            return open_dashboard(ctx, role=args.role)
        return int(func(args, ctx))
    except (ConfigError, StoreError, UsageError, IllegalTransition) as exc:
        print(f"dutyboard: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A wrong path or a permission problem: say which file and why, no traceback.
        where = f" {exc.filename}" if exc.filename else ""
        print(f"dutyboard: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
