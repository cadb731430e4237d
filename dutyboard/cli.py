"""Command-line entry: ``dutyboard [COMMAND] …``.

Every command gives one clear line and a non-zero exit on a problem a person can fix
(wrong path, bad config, illegal change), never a traceback. Subcommands live in
``dutyboard/commands/`` and are found automatically.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Sequence

from dutyboard import __version__
from dutyboard.commands import Context, UsageError, common_options
from dutyboard.config import ConfigError, load_config
from dutyboard.domain.status import IllegalTransition
from dutyboard.i18n import LANGUAGES, set_language
from dutyboard.paths import default_db_path
from dutyboard.store import StoreError

# Every subcommand: name → (module in dutyboard/commands, help line). Only the module of
# the command being run is imported, so `dutyboard status` does not pay for the HTTP
# client, the ingest stack or the UI (a leader's status over SSH should be quick).
# tests/test_cli.py checks this table against what each module registers.
COMMANDS: dict[str, tuple[str, str]] = {
    "arrivals": (
        "arrivals",
        "what lands in the next hours (shipments and travellers); import declarations",
    ),
    "rollcall": ("arrivals", "which units have reported today, which are due or missing"),
    "backup": ("backup", "copy the live database to DEST, verified (safe while others write)"),
    "check": (
        "check",
        "check the database (integrity, schema, WAL, collector lease); upgrade its schema",
    ),
    "collect": ("collect", "run the configured drop folders and HTTP feeds ([[sources]]) headless"),
    "contacts": ("contacts", "export contacts (vCard or CSV)"),
    "demo": ("demo", "build a realistic demo database"),
    "export": ("export", "export requests, leads, contacts or supplies (CSV, xlsx, HXL)"),
    "handover": (
        "handover",
        "show, export, list or (for scripts) draft, sign and acknowledge handovers",
    ),
    "ingest": (
        "ingest",
        "import request, lead or contact files once (CSV/TSV, xlsx, JSON, HXL, KoBo, ODK, vCard)",
    ),
    "report": (
        "report",
        "the daily report: what came in, what went out, open needs, leads, events",
    ),
    "shift": ("shift", "start, end or show the duty shift"),
    "status": ("status", "the desk at a glance, as one screen of text or JSON (read-only)"),
    "supplies": ("supplies", "the supplies ledger: record receipts and deliveries, print tallies"),
}
# Global options that take a value (their value is never the command name).
_VALUED = frozenset({"--db", "--config", "--role", "--user", "--lang"})


def command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUED:
            skip = True
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] = (), *, full: bool = False) -> argparse.ArgumentParser:
    """The parser; only the chosen command (or, with ``full``, every one) in detail."""
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
    chosen = command_in(argv)
    modules = (
        sorted({m for m, _ in COMMANDS.values()})
        if full
        else ([COMMANDS[chosen][0]] if chosen else [])
    )
    for module in modules:
        importlib.import_module(f"dutyboard.commands.{module}").register(sub)
    # The other commands are only listed (in --help, or in the error for an unknown one):
    # a parser each is not free, so a chosen command skips them unless help is asked for.
    if full or not chosen or any(token in ("-h", "--help") for token in argv):
        for name, (_, help_text) in COMMANDS.items():
            if name not in sub.choices:
                sub.add_parser(name, help=help_text)  # listed in --help, parsed when chosen
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
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
        func = getattr(args, "func", None)
        if func is None:
            from dutyboard.commands.dashboard import open_dashboard

            return open_dashboard(ctx, role=args.role)
        return int(func(args, ctx))
    except (ConfigError, StoreError, UsageError, IllegalTransition) as exc:
        print(f"dutyboard: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        # A read that meets a damaged page, a full disk…: one line, never a traceback.
        from dutyboard.store.connection import storage_error

        problem = storage_error(exc, (args.db or default_db_path()).expanduser())
        if problem is None:
            raise
        print(f"dutyboard: {problem}", file=sys.stderr)
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
