"""Opening the one SQLite file: pragmas, permissions, read-only mode, migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dutyboard.store.errors import SchemaTooNew, SchemaTooOld, StoreError

# The migrations this version ships, oldest first. Checked against schema.py by a test;
# knowing them here means an up-to-date database opens without importing sqlite-utils
# (a read-only `dutyboard status` over SSH starts that much faster).
SCHEMA_VERSION = (
    "m001_initial",
    "m002_panel_indexes",
    "m003_handover_workflow",
    "m010_ingest_health_and_duplicates",
    "m020_arrivals_rollcall",
    "m030_supplies_ledger",
    "m040_status_indexes",
)

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open ``path`` with dutyboard's settings and bring its schema up to date.

    A new file is created with owner-only permissions. A read-only connection can
    never write, whatever the caller does: SQLite opens the file with ``mode=ro``
    and ``query_only`` is set as well.
    """
    path = Path(path)
    if readonly:
        if not path.exists():
            raise StoreError(f"database {path} does not exist (a leader cannot create it)")
        conn = _open(f"file:{_uri_path(path)}?mode=ro", uri=True)
        conn.execute("PRAGMA query_only = ON")
        _check_schema(conn, path, readonly=True)
        return conn
    if not path.parent.is_dir():
        raise StoreError(f"cannot create database {path}: folder {path.parent} does not exist")
    if not path.exists():
        _create_private(path)
    conn = _open(str(path), uri=False)
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path} is not a dutyboard database ({exc})") from None
    if mode.lower() != "wal":
        conn.close()
        raise StoreError(f"cannot switch {path} to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    _check_schema(conn, path, readonly=False)
    return conn


def _open(target: str, *, uri: bool) -> sqlite3.Connection:
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a transaction
        # never starts implicitly and locks are taken up front (no upgrade deadlocks).
        conn = sqlite3.connect(
            target, uri=uri, isolation_level=None, check_same_thread=False, timeout=10
        )
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open database {target}: {exc}") from None
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _create_private(path: Path) -> None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"cannot create database {path}: {exc.strerror}") from None
    os.close(fd)


def _uri_path(path: Path) -> str:
    return str(path.resolve()).replace("?", "%3f").replace("#", "%23")


def _applied(conn: sqlite3.Connection) -> list[str]:
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not has_table:
        return []
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'dutyboard' ORDER BY rowid"
        )
    ]


def _check_schema(conn: sqlite3.Connection, path: Path, *, readonly: bool) -> None:
    try:
        applied = set(_applied(conn))
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path} is not a dutyboard database ({exc})") from None
    known = set(SCHEMA_VERSION)
    if applied == known:
        return
    if applied - known:
        conn.close()
        raise SchemaTooNew(
            f"{path} was written by a newer dutyboard (unknown migrations: "
            f"{', '.join(sorted(applied - known))}); upgrade dutyboard"
        )
    if known - applied:
        if readonly:
            conn.close()
            raise SchemaTooOld(
                f"{path} needs a schema upgrade; open it once as officer "
                "(dutyboard check --db …) before read-only use"
            )
        from sqlite_utils import Database

        from dutyboard.store.schema import migrations

        db = Database(conn, execute_plugins=False, recursive_triggers=False)
        try:
            # One transaction holding the write lock from the start: two processes that
            # upgrade at once queue up, and the second finds nothing pending.
            conn.execute("BEGIN IMMEDIATE")
            migrations.apply(db)
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            raise StoreError(f"cannot upgrade {path}: {exc}") from None


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    return _applied(conn)
