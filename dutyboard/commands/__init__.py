"""Subcommands of ``dutyboard``. Each module here is found automatically.

A command module defines ``register(sub)`` which adds its parser (with
``common_options(parser)``) and sets ``func=run``; ``run(args, ctx) -> int`` does the work.
Raise :class:`UsageError`, ``StoreError`` or ``ConfigError`` for problems a person can
fix: the CLI prints them as one line and exits 2. Every word a person reads goes through
``_()`` (help, descriptions, messages, summaries): the CLI has set the language before
``register`` runs (tests/test_cli_i18n.py checks). A command never meets a missing
database by surprise: the CLI refuses one before ``run`` unless ``--create`` was given
(``ctx.create``) for a command that writes; list a new command or action in
``dutyboard.cli.ONLY_READS`` or ``WRITES``.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from dutyboard.config import Config
from dutyboard.i18n import _
from dutyboard.i18n import pgettext as pgettext  # commands import it from here too
from dutyboard.store.dburl import DeskLocation, PostgresLocation, SqliteLocation

# argparse's private type is the only name for what add_subparsers() returns.
Subparsers = Any


class UsageError(Exception):
    """A problem with how the command was called."""


# Day and month names are the catalogue's (strftime's %a and %b follow the C locale, not
# the interface language); the same keys as the dashboard's.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cells(text: str) -> int:
    """Terminal cells: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` and spaces up to ``width`` terminal cells (never cut)."""
    return text + " " * max(0, width - cells(text))


def weekday_time(moment: datetime) -> str:
    """'Wed 03:00' / '周三 03:00'."""
    return f"{_(_WEEKDAYS[moment.weekday()])} {moment:%H:%M}"


def day_date_time(moment: datetime) -> str:
    """'Wed 05 Feb 03:00' / '周三 2月05日 03:00'."""
    return _("{weekday} {day} {month} {time}").format(
        weekday=_(_WEEKDAYS[moment.weekday()]),
        day=f"{moment:%d}",
        month=_(_MONTHS[moment.month - 1]),
        time=f"{moment:%H:%M}",
    )


class Context(NamedTuple):
    """What every command gets. A named tuple, not a dataclass: a dataclass compiles its
    methods at import, ~0.7 ms, paid by every command (a leader's SSH ``status`` too)."""

    config: Config
    # The SQLite file of the desk; for a PostgreSQL desk (``location``) the file a SQLite
    # desk would have had, which nothing opens.
    db_path: Path
    user: str
    # --create: a command that writes may make a new desk at db_path (cli.py has refused a
    # missing desk without it, and a leader's session always).
    create: bool = False
    # The CLI's own parser with every command in detail, for a command that describes the
    # command line (`completion`): handed over, since commands must not import the CLI.
    full_parser: Callable[[], argparse.ArgumentParser] | None = None
    # A PostgreSQL desk (--db postgresql://…, $DUTYBOARD_DB, desk.database); None: SQLite.
    location: PostgresLocation | None = None

    @property
    def desk(self) -> DeskLocation:
        """Where the desk is, on either engine: what ``Store.open`` takes."""
        return self.location if self.location is not None else SqliteLocation(self.db_path)

    def require_desk(self) -> None:
        """Refuse a SQLite desk whose file is not there (a PostgreSQL desk is checked
        when it is opened: ``Store.open`` refuses a database that holds none)."""
        if self.location is None and not self.db_path.exists():
            raise UsageError(_("database {path} does not exist").format(path=self.db_path))

    @property
    def shown_desk(self) -> str:
        """The desk's location for a person: the file, or the URL with its password
        masked."""
        return self.desk.masked()


def common_options(parser: argparse.ArgumentParser, *, sub: bool = True) -> None:
    """--db, --create, --config and --user, accepted before or after the command name."""
    # On subcommands the default is SUPPRESS, so `dutyboard --db X demo` keeps X.
    default = argparse.SUPPRESS if sub else None
    parser.add_argument(
        "--db",
        default=default,
        type=str,  # a path or a PostgreSQL URL: cli.desk_location decides
        metavar="PATH|URL",
        help=_(
            "the desk's database: a SQLite file or a postgresql:// URL (default: "
            "$DUTYBOARD_DB, else desk.database in the config, else the user data dir)"
        ),
    )
    parser.add_argument(
        "--create",
        action="store_true",
        default=default if sub else False,
        help=_(
            "make a new, empty desk at --db if there is none (the dashboard and commands "
            "that write; never a leader's session). Without it a missing database is refused, "
            "so a mistyped path cannot pass for a quiet night"
        ),
    )
    parser.add_argument(
        "--config",
        default=default,
        type=Path,
        metavar="PATH",
        help=_("TOML config (default: $DUTYBOARD_CONFIG or the user config dir)"),
    )
    if sub:  # the top-level parser defines its own --user (with --role and --lang)
        # `dutyboard demo --user "Li Na"` as well as `dutyboard --user "Li Na" demo`.
        parser.add_argument(
            "--user",
            default=argparse.SUPPRESS,
            metavar="NAME",
            help=_("your name in the events log"),
        )
