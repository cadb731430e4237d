"""``dutyboard backup DEST``: an online, verified copy of the desk.

A SQLite desk is copied with SQLite's online backup (:mod:`dutyboard.store.backup`). A
PostgreSQL desk is written to DEST as a SQLite file, a portable snapshot of the whole
desk, through ``db copy``'s verified copy (:func:`dutyboard.store.dbcopy.snapshot`).
"""

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
            "Copy the desk while officers and the collector keep working, and check the "
            "copy before it replaces DEST. A SQLite desk is copied with SQLite's online "
            "backup and checked (integrity_check and row counts). A PostgreSQL desk is "
            "written to DEST as a SQLite file, from one snapshot, and checked table by "
            "table (row counts and content hashes): a portable snapshot that any machine "
            "can read and that 'dutyboard db copy' puts back into PostgreSQL (pg_dump "
            "remains the server's own backup). Restore a SQLite desk: stop dutyboard, copy "
            "the backup over the database file, delete any -wal/-shm files beside it, run "
            "'dutyboard check'."
        ),
    )
    common_options(parser)
    parser.add_argument("dest", type=Path, metavar="DEST", help=_("backup file to write"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    dest: Path = args.dest.expanduser()
    if ctx.location is not None:
        return _postgres(ctx, dest)
    from dutyboard.store.backup import backup

    result = backup(ctx.db_path, dest)
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


def _postgres(ctx: Context, dest: Path) -> int:
    from dutyboard.commands.db import progress_lines, say_replaced_zero_bytes
    from dutyboard.store.dbcopy import snapshot

    assert ctx.location is not None
    result, size = snapshot(ctx.location, dest, progress=progress_lines())
    say_replaced_zero_bytes(result)
    counts = result.counts()
    print(
        _(
            "backup of {url} to {path}: a SQLite file of {bytes} bytes, {rows} rows "
            "({requests} requests, {events} events), verified (row counts and content hashes "
            "match)"
        ).format(
            url=result.source,
            path=dest,
            bytes=f"{size:,}",
            rows=f"{result.rows:,}",
            requests=f"{counts.get('requests', 0):,}",
            events=f"{counts.get('events', 0):,}",
        )
    )
    return 0
