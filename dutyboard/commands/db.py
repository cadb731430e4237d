"""``dutyboard db copy SRC DEST``: a whole desk from one database to another (issue 21).

SQLite to PostgreSQL, PostgreSQL to SQLite (or either to its own kind): every table, ids
kept, in one snapshot of the source while others keep writing, into an empty target in
one transaction, verified table by table (row counts and content hashes) before it says
done. What it does, and why, is :mod:`dutyboard.store.dbcopy`; the operator's guide is
docs/postgres.md ("Moving a desk").
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from dutyboard.commands import Context, Subparsers, common_options
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _

if TYPE_CHECKING:
    from dutyboard.store.dbcopy import CopyResult


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "db",
        help=_("copy a whole desk between SQLite and PostgreSQL, verified table by table"),
        description=_(
            "Move a desk between engines. 'db copy SRC DEST' copies every table of the "
            "desk at SRC (a SQLite file or a postgresql:// URL) to DEST, ids kept, and "
            "checks every table's rows and content before it says done."
        ),
    )
    common_options(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    copy = actions.add_parser(
        "copy",
        help=_("copy the whole desk at SRC to DEST, verified"),
        description=_(
            "Copy the whole desk at SRC to DEST: records, events, shifts, handovers and "
            "their items, arrivals, the roll-call, supplies, sources, ingest runs, "
            "quarantine and the files it keeps, ids kept. SRC is read in one snapshot, "
            "read-only, while officers and the collector keep working; stop them before "
            "a move, or their later changes stay behind in SRC. DEST is a new SQLite "
            "file, an empty PostgreSQL database (the desk's schema is made) or a desk "
            "with no rows; anything else is refused and left untouched. The copy is one "
            "transaction, checked table by table (row counts and content hashes) before "
            "it is kept: a failure leaves nothing behind. Passwords go in ~/.pgpass, a "
            "service file or $PGPASSWORD, never on the command line. See docs/postgres.md."
        ),
        epilog=_(
            "examples:\n"
            "  dutyboard db copy ~/duty/desk.db postgresql://officer@db1/desk\n"
            "  dutyboard db copy postgresql://officer@db1/desk ./desk-copy.db"
        ),
    )
    from dutyboard.commands.init import keep_indented_lines

    keep_indented_lines(copy)
    common_options(copy)
    copy.add_argument(
        "src", metavar="SRC", help=_("the desk to copy: a file or a postgresql:// URL")
    )
    copy.add_argument(
        "dest",
        metavar="DEST",
        help=_("where to copy it: a new file, an empty database, a desk with no rows"),
    )
    copy.set_defaults(func=run_copy)


def run_copy(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.store.dbcopy import copy_desk
    from dutyboard.store.dburl import parse_location

    src, dest = parse_location(args.src), parse_location(args.dest)
    for location in (src, dest):
        for warning in location.warnings:
            say(warning)
    result = copy_desk(src, dest, progress=progress_lines())
    say_replaced_zero_bytes(result)
    print(
        _(
            "copied {src} to {dest}: {tables} tables, {rows} rows, verified (row counts and "
            "content hashes match)"
        ).format(
            src=result.source,
            dest=result.dest,
            tables=len(result.tables),
            rows=f"{result.rows:,}",
        )
    )
    return 0


def say_replaced_zero_bytes(result: CopyResult) -> None:
    """The one line for text whose zero bytes PostgreSQL could not hold (see dbcopy)."""
    if not result.nul_replaced:
        return
    say(
        _(
            "{count} text values held a zero byte, which PostgreSQL text cannot hold: "
            "they were stored with ␀ (U+2400) in its place ({tables}); the files' own "
            "bytes are kept exactly"
        ).format(
            count=f"{sum(result.nul_replaced.values()):,}",
            tables=", ".join(f"{t} {n:,}" for t, n in result.nul_replaced.items()),
        )
    )


def say(line: str) -> None:
    """A line for the person on stderr, as the CLI says its own."""
    print(f"dutyboard: {clean_line(line)}", file=sys.stderr, flush=True)


def progress_lines() -> Callable[[str, int, int], None]:
    """Progress on stderr: on a terminal one line per table, rewritten as its rows go
    in; otherwise (a log, a pipe) one line per table once it is copied."""
    tty = sys.stderr.isatty()

    def show(table: str, done: int, total: int) -> None:
        finished = done >= total
        if not (tty or finished):
            return
        line = _("{table}: {done} / {total} rows").format(
            table=table, done=f"{done:,}", total=f"{total:,}"
        )
        if tty:
            print(f"\r{line}\x1b[K", end="\n" if finished else "", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    return show
