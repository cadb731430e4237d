"""Subcommands of ``dutyboard``. Each module here is found automatically.

A command module defines ``register(sub)`` which adds its parser (with
``common_options(parser)``) and sets ``func=run``; ``run(args, ctx) -> int`` does the work.
Raise :class:`UsageError`, ``StoreError`` or ``ConfigError`` for problems a person can
fix: the CLI prints them as one line and exits 2. A command never meets a missing
database by surprise: the CLI refuses one before ``run`` unless ``--create`` was given
(``ctx.create``) for a command that writes; list a new command or action in
``dutyboard.cli.ONLY_READS`` or ``WRITES``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NamedTuple

from dutyboard.config import Config

# argparse's private type is the only name for what add_subparsers() returns.
Subparsers = Any


class UsageError(Exception):
    """A problem with how the command was called."""


class Context(NamedTuple):
    """What every command gets. A named tuple, not a dataclass: a dataclass compiles its
    methods at import, ~0.7 ms, paid by every command (a leader's SSH ``status`` too)."""

    config: Config
    db_path: Path
    user: str
    # --create: a command that writes may make a new desk at db_path (cli.py has refused a
    # missing desk without it, and a leader's session always).
    create: bool = False


def common_options(parser: argparse.ArgumentParser, *, sub: bool = True) -> None:
    """--db, --create, --config and --user, accepted before or after the command name."""
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
        "--create",
        action="store_true",
        default=default if sub else False,
        help="make a new, empty desk at --db if there is none (the dashboard and commands "
        "that write; never a leader's session). Without it a missing database is refused, "
        "so a mistyped path cannot pass for a quiet night",
    )
    parser.add_argument(
        "--config",
        default=default,
        type=Path,
        metavar="PATH",
        help="TOML config (default: $DUTYBOARD_CONFIG or the user config dir)",
    )
    if sub:  # the top-level parser defines its own --user (with --role and --lang)
        # `dutyboard demo --user "Li Na"` as well as `dutyboard --user "Li Na" demo`.
        parser.add_argument(
            "--user", default=argparse.SUPPRESS, metavar="NAME", help="your name in the events log"
        )
