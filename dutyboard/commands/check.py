"""``dutyboard check``: integrity, schema, WAL size and the collector lease."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from dutyboard.commands import Context, Subparsers, common_options
from dutyboard.store import Store


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "check",
        help="check the database (integrity, schema, WAL, collector lease); upgrade its schema",
        description="Open the database read-write (applying pending schema migrations), run "
        "PRAGMA integrity_check, and report the schema version, the WAL size and who holds "
        "the collector lease. Exits 1 if the integrity check fails.",
    )
    common_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    # A missing desk was refused by the CLI unless --create was given: then this makes
    # and checks a new, empty desk.
    if ctx.create:
        ctx.db_path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(ctx.db_path)
    try:
        conn = store.conn
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            result = " ".join(" ".join(str(r[0]) for r in rows).split())[:300]
        except sqlite3.DatabaseError as exc:
            result = f"failed: {exc} (the database may be damaged: see dutyboard backup --help)"
        wal = Path(f"{ctx.db_path}-wal")
        lease = conn.execute(
            "SELECT holder, expires_at FROM leases WHERE name = 'collector'"
        ).fetchone()
        print(f"database:  {ctx.db_path}")
        print(f"schema:    {', '.join(store.schema_version())}")
        print(f"integrity: {result}")
        print(f"wal:       {wal.stat().st_size if wal.exists() else 0:,} bytes")
        if lease is None:
            print("collector: no lease (no collector running)")
        else:
            expired = lease["expires_at"] < store.now()
            state = "expired" if expired else "held"
            print(f"collector: {state} by {lease['holder']} until {lease['expires_at']}")
        return 0 if result == "ok" else 1
    finally:
        store.close()
