"""Command-line entry: ``dutyboard [COMMAND] …``.

Every command gives one clear line and a non-zero exit on a problem a person can fix
(wrong path, bad config, illegal change), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dutyboard import __version__
from dutyboard.config import Config, ConfigError, load_config
from dutyboard.paths import default_db_path
from dutyboard.store import Store, StoreError


class UsageError(Exception):
    """A problem with how the command was called."""


def _common(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    # On subcommands the default is SUPPRESS, so `dutyboard --db X demo` keeps X.
    default = argparse.SUPPRESS if sub else None
    parser.add_argument(
        "--db",
        default=default,
        type=Path,
        metavar="PATH",
        help="SQLite database (default: $DUTYBOARD_DB or the user data dir)",
    )
    parser.add_argument(
        "--config",
        default=default,
        type=Path,
        metavar="PATH",
        help="TOML config (default: $DUTYBOARD_CONFIG or the user config dir)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dutyboard",
        description="Terminal dashboard for a round-the-clock duty desk: incoming requests, "
        "procurement leads, overseas contacts by time zone, shift handover. "
        "With no command, opens the dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"dutyboard {__version__}")
    _common(parser)
    parser.add_argument(
        "--role",
        choices=("officer", "leader"),
        default="officer",
        help="leader opens the database read-only: nothing can be changed (default: officer)",
    )
    parser.add_argument("--user", metavar="NAME", help="your name in the events log")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="build a realistic demo database",
        description="Build a demo database modelled on the 2020 relief desks: requests from "
        "units, procurement leads from 18 suppliers in 17 countries, 64 overseas contacts "
        "in 44 time zones, a past signed handover and a current shift.",
    )
    _common(demo, sub=True)
    demo.add_argument("--force", action="store_true", help="replace an existing database")
    demo.add_argument("--seed", type=int, default=2020, help="random seed (default: 2020)")
    demo.add_argument("--open", action="store_true", help="open the dashboard on it when built")

    check = sub.add_parser(
        "check",
        help="check the database (integrity, schema) and upgrade its schema if needed",
        description="Open the database read-write (applying pending schema migrations), "
        "run PRAGMA integrity_check and print the schema version.",
    )
    _common(check, sub=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        db_path: Path = (args.db or default_db_path()).expanduser()
        if args.command == "demo":
            return _demo(args, config, db_path)
        if args.command == "check":
            return _check(db_path)
        return _dashboard(args, config, db_path)
    except (ConfigError, StoreError, UsageError) as exc:
        print(f"dutyboard: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A wrong path or a permission problem: say which file and why, no traceback.
        where = f" {exc.filename}" if exc.filename else ""
        print(f"dutyboard: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _demo(args: argparse.Namespace, config: Config, db_path: Path) -> int:
    from dutyboard.demo import build_demo

    if db_path.exists():
        if not args.force:
            raise UsageError(f"{db_path} already exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    summary = build_demo(db_path, seed=args.seed, officer=args.user or config.user)
    print(
        f"demo database {db_path}: {summary.requests} requests, {summary.leads} leads, "
        f"{summary.contacts} contacts, {summary.handovers} signed handover"
    )
    if args.open:
        return _dashboard(args, config, db_path)
    return 0


def _check(db_path: Path) -> int:
    if not db_path.exists():
        raise UsageError(f"database {db_path} does not exist")
    store = Store.open(db_path)
    try:
        result = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
        print(f"database: {db_path}")
        print(f"schema:   {', '.join(store.schema_version())}")
        print(f"integrity: {result}")
        return 0 if result == "ok" else 1
    finally:
        store.close()


def _dashboard(args: argparse.Namespace, config: Config, db_path: Path) -> int:
    readonly = args.role == "leader"
    if not readonly:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    if not sys.stdout.isatty() and not os.environ.get("DUTYBOARD_FORCE_TTY"):
        raise UsageError("the dashboard needs a terminal (stdout is not a TTY)")
    store = Store.open(db_path, readonly=readonly, actor=args.user or config.user)
    from dutyboard.app import DutyboardApp

    try:
        DutyboardApp(store, config, role=args.role).run()
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
