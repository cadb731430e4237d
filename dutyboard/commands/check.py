"""``dutyboard check``: integrity and schema of the database."""

from __future__ import annotations

import argparse

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.store import Store


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "check",
        help="check the database (integrity, schema) and upgrade its schema if needed",
        description="Open the database read-write (applying pending schema migrations), "
        "run PRAGMA integrity_check and print the schema version.",
    )
    common_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if not ctx.db_path.exists():
        raise UsageError(f"database {ctx.db_path} does not exist")
    store = Store.open(ctx.db_path)
    try:
        result = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
        print(f"database: {ctx.db_path}")
        print(f"schema:   {', '.join(store.schema_version())}")
        print(f"integrity: {result}")
        return 0 if result == "ok" else 1
    finally:
        store.close()
