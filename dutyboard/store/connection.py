"""Opening the one SQLite file: pragmas, permissions, read-only mode, migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dutyboard.store.errors import SchemaTooNew, SchemaTooOld, StorageError, StoreError

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
    "m050_open_record_indexes",
    "m060_contact_profile_index",
    "m070_ingest_partial_indexes",
)

BUSY_TIMEOUT_MS = 10_000

# SQLite primary result codes (the low byte of ``sqlite3.Error.sqlite_errorcode``).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


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
        target = f"file:{_uri_path(path)}?mode=ro"
        if _read_only_file_system(path):
            # Nobody can change a file on a read-only file system, so SQLite may read it
            # as immutable: without that, a WAL database there cannot be opened at all
            # (its -shm file cannot be created beside it).
            target += "&immutable=1"
        conn = _open(target, path, uri=True)
        conn.execute("PRAGMA query_only = ON")
        _check_schema(conn, path, readonly=True)
        return conn
    if not path.parent.is_dir():
        raise StoreError(f"cannot create database {path}: folder {path.parent} does not exist")
    if not path.exists():
        _create_private(path)
    conn = _open(str(path), path, uri=False)
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _not_usable(exc, path) from None
    if mode.lower() != "wal":
        conn.close()
        raise StoreError(f"cannot switch {path} to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    _check_schema(conn, path, readonly=False)
    return conn


def _open(target: str, path: Path, *, uri: bool) -> sqlite3.Connection:
    if path.is_dir():
        raise StoreError(f"cannot open database {path}: it is a folder, not a database file")
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a transaction
        # never starts implicitly and locks are taken up front (no upgrade deadlocks).
        conn = sqlite3.connect(
            target, uri=uri, isolation_level=None, check_same_thread=False, timeout=10
        )
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from None
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
        raise _not_usable(exc, path) from None
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


def storage_error(exc: sqlite3.Error, path: Path) -> StorageError | None:
    """One line a person can act on when the disk or the file failed, else None.

    A full disk, a read-only file or folder, an I/O error, a damaged file, a write lock
    held past the busy timeout: none is a bug, none should reach anyone as a traceback.
    Other errors (a constraint, a bad statement) are returned as None: they are bugs.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).replace("\n", " ")
    if primary == _FULL or "disk is full" in text:
        return StorageError(
            f"cannot write {path}: the disk is full ({text}); nothing was changed, "
            "free some space and try again"
        )
    if primary == _READONLY or "readonly database" in text:
        return StorageError(f"cannot write {path}: {_unwritable(path)}")
    if primary == _CANTOPEN:
        return StorageError(f"cannot open {path}: {_unwritable(path)}")
    if primary == _IOERR or "disk I/O error" in text:
        return StorageError(
            f"cannot use {path}: disk I/O error ({text}); check the disk, then run "
            "'dutyboard check'"
        )
    if primary == _CORRUPT or "malformed" in text:
        return StorageError(
            f"{path} is damaged ({text}); run 'dutyboard check' and restore the last "
            "backup (see 'dutyboard backup --help')"
        )
    if primary == _NOTADB:
        return StorageError(f"{path} is not a dutyboard database ({text})")
    if primary in (_BUSY, _LOCKED) or "database is locked" in text:
        return StorageError(
            f"{path} stayed locked by another process for over {BUSY_TIMEOUT_MS // 1000} s "
            f"({text}); nothing was changed, try again"
        )
    return None


def _not_usable(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    return storage_error(exc, path) or StoreError(f"{path} is not a dutyboard database ({exc})")


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _unwritable(path: Path) -> str:
    """Why SQLite could not write ``path`` (or create its -wal/-shm files), in words."""
    folder = path.parent
    if _read_only_file_system(path if path.exists() else folder):
        return "it is on a read-only file system (a leader can still read it: --role leader)"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only for you (a leader can still read it: --role leader)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"its folder {folder} is not writable for you (SQLite keeps the -wal and -shm "
            "files beside the database)"
        )
    return "SQLite could not open it"
