"""``dutyboard backup DEST``: an online, verified copy of the database."""

from __future__ import annotations

import argparse
from pathlib import Path

from dutyboard.commands import Context, Subparsers, common_options
from dutyboard.i18n import _


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "backup",
        help=_("copy the live database to DEST, verified (safe while others write)"),
        description=_(
            "Copy the database with SQLite's online backup while officers and the "
            "collector keep working. The copy is checked (integrity_check and row counts) "
            "before it replaces DEST. Restore: stop dutyboard, copy the backup over the "
            "database file, delete any -wal/-shm files beside it, run 'dutyboard check'."
        ),
    )
    common_options(parser)
    parser.add_argument("dest", type=Path, metavar="DEST", help=_("backup file to write"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.store.backup import backup

    result = backup(ctx.db_path, args.dest.expanduser())
    total = sum(result.counts.values())
    print(
        _(
            "backup {path}: {bytes} bytes, {rows} rows ({requests} requests, {events} events), "
            "integrity ok"
        ).format(
            path=result.path,
            bytes=f"{result.bytes:,}",
            rows=f"{total:,}",
            requests=f"{result.counts.get('requests', 0):,}",
            events=f"{result.counts.get('events', 0):,}",
        )
    )
    return 0
