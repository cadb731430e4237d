"""``dutyboard check``: integrity, schema, WAL size, the collector lease, and failing imports.

A failing source or an open quarantine is a ``warning:`` line, not a failed check: the
database is sound, but an officer has work (``dutyboard quarantine list``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dutyboard.commands import Context, Subparsers, common_options
from dutyboard.domain.text import clean_line
from dutyboard.store import Store
from dutyboard.store import quarantine as q
from dutyboard.store.backup import integrity
from dutyboard.store.sources import current_lease

FAILING_SHOWN = 10


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "check",
        help="check the database (integrity, schema, WAL, collector lease); upgrade its schema",
        description="Open the database read-write (applying pending schema migrations), run "
        "PRAGMA integrity_check, and report the schema version, the WAL size and who holds "
        "the collector lease; warn about failing sources and open quarantine rows. Exits 1 "
        "if the integrity check fails (a warning does not).",
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
        result = integrity(store)
        wal = Path(f"{ctx.db_path}-wal")
        lease = current_lease(store)
        print(f"database:  {ctx.db_path}")
        print(f"schema:    {', '.join(store.schema_version())}")
        print(f"integrity: {result}")
        print(f"wal:       {wal.stat().st_size if wal.exists() else 0:,} bytes")
        if lease is None:
            print("collector: no lease (no collector running)")
        else:
            expired = lease["expires_at"] < store.now()
            state = "expired" if expired else "held"
            holder = clean_line(lease["holder"], 120)
            print(f"collector: {state} by {holder} until {lease['expires_at']}")
        if result == "ok":
            for line in import_warnings(store):
                print(line)
        return 0 if result == "ok" else 1
    finally:
        store.close()


def import_warnings(store: Store) -> list[str]:
    """``warning:`` lines for each failing source (with its last error) and the open
    quarantine: the desk is sound, but imports need an officer."""
    lines = []
    failing = q.failing_sources(store, limit=FAILING_SHOWN + 1)
    for source in failing[:FAILING_SHOWN]:
        since = source["failing_since"] or source["last_error_at"] or "?"
        open_rows = int(source["quarantine_open"])
        rows = f", {open_rows:,} open quarantine row{'s' if open_rows != 1 else ''}"
        lines.append(
            f"warning:   source {clean_line(source['name'], 100)} failing since {since}"
            f"{rows if open_rows else ''}: {clean_line(source['last_error'] or '?', 300)}"
        )
    if len(failing) > FAILING_SHOWN:
        lines.append("warning:   … and more failing sources (dutyboard status)")
    open_total = q.open_count(store)
    if open_total:
        lines.append(
            f"warning:   {open_total:,} quarantine row{'s' if open_total != 1 else ''} open "
            "(dutyboard quarantine list)"
        )
    return lines
