"""``dutyboard backup DEST``: an online, verified copy of the database."""

from __future__ import annotations

import argparse
from pathlib import Path

from dutyboard.commands import Context, Subparsers, common_options


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "backup",
        help="copy the live database to DEST, verified (safe while others write)",
        description="Copy the database with SQLite's online backup while officers and the "
        "collector keep working. The copy is checked (integrity_check and row counts) "
        "before it replaces DEST. Restore: stop dutyboard, copy the backup over the "
        "database file, delete any -wal/-shm files beside it, run 'dutyboard check'.",
    )
    common_options(parser)
    parser.add_argument("dest", type=Path, metavar="DEST", help="backup file to write")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.store.backup import backup

    result = backup(ctx.db_path, args.dest.expanduser())
    total = sum(result.counts.values())
    print(
        f"backup {result.path}: {result.bytes:,} bytes, {total:,} rows "
        f"({result.counts.get('requests', 0):,} requests, {result.counts.get('events', 0):,} "
        "events), integrity ok"
    )
    return 0
