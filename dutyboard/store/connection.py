"""Opening the one SQLite file: pragmas, permissions, read-only mode, migrations.

Three checks stand at the door, for every process: the path is a regular file (a FIFO
would block the open for ever); a missing file is created only when the caller allows it
(``create``; the CLI's ``--create``), never for a read-only session; and the file is a
dutyboard desk, recognised by its application id (``PRAGMA application_id``, the
ASCII of "DUTY"), not an unrelated SQLite file that the migrations would fill with 70
objects. SQLite is always given a ``file:`` URI made by :func:`sqlite_uri`, so a ``#``,
``?`` or ``%`` in a path names that file and not a shorter one.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import stat
from contextlib import suppress
from pathlib import Path

from dutyboard.i18n import _
from dutyboard.store.engine import APPLICATION_ID
from dutyboard.store.errors import (
    NotADesk,
    SchemaTooNew,
    SchemaTooOld,
    StorageError,
    StoreError,
)

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
    "m080_desk_application_id",
    "m090_quarantine_workflow",
    "m100_handover_item_position",
    "m110_lead_next_action",
    "m120_collector_last_run",
    "m130_phone_e164",
    "m140_outbox",
)


BUSY_TIMEOUT_MS = 10_000

# What reading a damaged file raises: SQLite's errors, and a UnicodeDecodeError when the
# message SQLite wrote about a damaged schema quotes bytes that are not UTF-8.
UNREADABLE = (sqlite3.DatabaseError, UnicodeDecodeError)

# SQLite primary result codes (the low byte of ``sqlite3.Error.sqlite_errorcode``).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def connect(path: Path, *, readonly: bool = False, create: bool = True) -> sqlite3.Connection:
    """Open ``path`` with dutyboard's settings and bring its schema up to date.

    A missing file is created, with owner-only permissions, only when ``create`` is true
    and the connection is not read-only; otherwise it is refused with one line saying how
    to make a desk. A read-only connection can never write, whatever the caller does:
    SQLite opens the file with ``mode=ro`` and ``query_only`` is set as well.
    """
    path = Path(path)
    exists = regular_file_exists(path)
    if readonly:
        if not exists:
            raise StoreError(missing_desk(path, readonly=True))
        params = {"mode": "ro"}
        if _read_only_file_system(path):
            # Nobody can change a file on a read-only file system, so SQLite may read it
            # as immutable: without that, a WAL database there cannot be opened at all
            # (its -shm file cannot be created beside it).
            params["immutable"] = "1"
        conn = _open(sqlite_uri(path, **params), path)
        try:
            conn.execute("PRAGMA query_only = ON")
            check_desk(conn, path)
        except UNREADABLE as exc:
            conn.close()
            raise _not_usable(exc, path) from None
        _check_schema(conn, path, readonly=True)
        return conn
    created = False
    if not exists:
        if not create:
            raise StoreError(missing_desk(path))
        if not path.parent.is_dir():
            raise StoreError(
                _("cannot create database {path}: folder {folder} does not exist").format(
                    path=path, folder=path.parent
                )
            )
        created = _create_private(path)
    try:
        # mode=rw: SQLite never creates a file itself; only _create_private() does.
        conn = _open(sqlite_uri(path, mode="rw"), path)
        try:
            check_desk(conn, path)
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except UNREADABLE as exc:
            conn.close()
            raise _not_usable(exc, path) from None
        if mode.lower() != "wal":
            conn.close()
            raise StoreError(
                _("cannot switch {path} to WAL mode (got {mode})").format(path=path, mode=mode)
            )
        conn.execute("PRAGMA synchronous = FULL")
        _check_schema(conn, path, readonly=False)
    except Exception:
        if created:
            # A desk this call made and could not finish (a full disk, say) is removed:
            # an empty file left behind would later pass for a desk.
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return conn


def sqlite_uri(path: Path | str, **params: str) -> str:
    """A ``file:`` URI that SQLite reads back as exactly ``path``, with query ``params``.

    Every byte of the absolute path but the unreserved ones and ``/`` is %-escaped, so a
    ``#`` (which would start a fragment), a ``?`` (a query), a ``%`` (an escape) or a space
    is part of the file name, and a name that is not UTF-8 keeps its bytes. The query
    values are dutyboard's own (``mode=ro``…) and are escaped the same way.
    """
    # "file://" + an empty authority + the path, which starts with "/": no host part can
    # be read out of a path that starts with "//".
    uri = "file://" + _escape(os.fsencode(os.path.abspath(path)), keep=b"/")
    if params:
        uri += "?" + "&".join(
            f"{_escape(k.encode())}={_escape(v.encode())}" for k, v in params.items()
        )
    return uri


# RFC 3986 unreserved characters; everything else is written %XX. (urllib.parse would
# do it too, but costs every `dutyboard status` a few milliseconds to import.)
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _escape(raw: bytes, keep: bytes = b"") -> str:
    return "".join(
        chr(byte) if byte in _UNRESERVED or byte in keep else f"%{byte:02X}" for byte in raw
    )


def missing_desk(path: Path, *, readonly: bool = False, leader: bool = False) -> str:
    """The one line for a desk that does not exist (a mistyped path must not look like a
    quiet night on a new, empty desk)."""
    where = _("the file does not exist")
    if not path.parent.is_dir():
        where = _("its folder {folder} does not exist").format(folder=path.parent)
    if leader:
        line = _(
            "no desk at {path} ({where}); a leader's session never creates one: check the path"
        )
    elif readonly:
        line = _(
            "no desk at {path} ({where}); a command that only reads never creates one: "
            "check the path, or make a desk with a command that writes and --create"
        )
    else:
        line = _(
            "no desk at {path} ({where}): `dutyboard init` sets up a real desk, "
            "--create makes a new, empty one here, `dutyboard demo` a demo desk"
        )
    return line.format(path=path, where=where)


def regular_file_exists(path: Path) -> bool:
    """Whether ``path`` exists; refused unless it is a regular file (or a link to one).

    Checked before SQLite opens it: opening a FIFO blocks until a writer comes, so
    ``status --db`` a FIFO would hang; a folder or a device is no desk either.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        raise StoreError(
            _("cannot use database {path}: {file} is a file, not a folder").format(
                path=path, file=_first_file(path)
            )
        ) from None
    except OSError as exc:
        raise StoreError(
            _("cannot use database {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(
            _("cannot open database {path}: it is a folder, not a database file").format(path=path)
        )
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(
            _("cannot open database {path}: it is {kind}, not a database file").format(
                path=path, kind=_kind(info.st_mode)
            )
        )
    return True


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return _("a FIFO (named pipe)")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    return _("not a regular file")


def _first_file(path: Path) -> Path:
    for parent in reversed(path.parents):
        if parent.is_file():
            return parent
    return path.parent


def check_desk(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a SQLite file that is not a dutyboard desk, before anything is written.

    A desk carries :data:`APPLICATION_ID`. A file with no application id is a desk made
    before m080 (it has dutyboard's migration table), or a new, empty file; anything else
    belongs to another program and is left untouched. Reading the schema here also checks
    that its text is UTF-8 (SQLite stores it as given; a damaged byte there would
    otherwise surface later as a decoding error in whatever reads a column name).
    """
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    conn.text_factory = bytes
    try:
        schema = conn.execute("SELECT name, sql FROM sqlite_master").fetchall()
    finally:
        conn.text_factory = str
    garbled = [name for name, sql in schema if not (_utf8(name) and _utf8(sql))]
    if garbled:
        conn.close()
        raise damaged(
            path,
            _("its schema holds text that is not UTF-8, in {names}").format(
                names=", ".join(_shown(name) for name in garbled[:3])
            ),
        )
    if app_id == APPLICATION_ID:
        return
    if app_id != 0:
        conn.close()
        raise NotADesk(
            _(
                "{path} is not a dutyboard desk (its application id is {app_id:#010x}, "
                "a desk's is {desk_id:#010x}); it was left untouched: check the path"
            ).format(path=path, app_id=app_id, desk_id=APPLICATION_ID)
        )
    if not schema or _applied(conn):
        return  # a new, empty file; or a desk made before the application id
    conn.close()
    raise NotADesk(
        _(
            "{path} is not a dutyboard desk (it holds other tables); it was left untouched: "
            "check the path, or use --create with a path where no file exists"
        ).format(path=path)
    )


def _open(uri: str, path: Path) -> sqlite3.Connection:
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a transaction
        # never starts implicitly and locks are taken up front (no upgrade deadlocks).
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10
        )
    except sqlite3.OperationalError as exc:
        raise StoreError(
            _("cannot open database {path}: {error}").format(path=path, error=exc)
        ) from None
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _create_private(path: Path) -> bool:
    """Create ``path`` empty and owner-only; False if another process just made it."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageError(
                _(
                    "cannot create database {path}: the disk is full; free some space and try again"
                ).format(path=path)
            ) from None
        raise StoreError(
            _("cannot create database {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    os.close(fd)
    return True


def _utf8(value: object) -> bool:
    if not isinstance(value, bytes):
        return True  # NULL (an automatic index has no SQL)
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _shown(raw: object, limit: int = 60) -> str:
    """A name or message from the file, safe to print: no control characters."""
    text = raw.decode("utf-8", "backslashreplace") if isinstance(raw, bytes) else str(raw)
    return "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))[:limit]


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
    except UNREADABLE as exc:
        conn.close()
        raise _not_usable(exc, path) from None
    known = set(SCHEMA_VERSION)
    if applied == known:
        return
    if applied - known and known - applied:
        # A newer dutyboard applies every migration this one knows and then some; a
        # record that lacks known ones and holds unknown ones was damaged, not upgraded.
        conn.close()
        raise damaged(
            path,
            _("its list of schema migrations is garbled: {names}").format(
                names=", ".join(sorted(applied - known))[:120]
            ),
        )
    if applied - known:
        conn.close()
        raise SchemaTooNew(
            _(
                "{path} was written by a newer dutyboard (unknown migrations: {names}); "
                "upgrade dutyboard"
            ).format(path=path, names=", ".join(sorted(applied - known)))
        )
    if known - applied:
        if readonly:
            conn.close()
            raise SchemaTooOld(
                _(
                    "{path} needs a schema upgrade; open it once as officer "
                    "(dutyboard check --db …) before read-only use"
                ).format(path=path)
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
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            conn.close()
            problem = storage_error(exc, path)
            raise problem or StoreError(
                _("cannot upgrade {path}: {error}").format(path=path, error=exc)
            ) from None


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
    text = _shown(exc, 300)
    if primary == _FULL or "disk is full" in text:
        return disk_full(path, text)
    if primary == _READONLY or "readonly database" in text:
        return StorageError(
            _("cannot write {path}: {why}").format(path=path, why=_unwritable(path))
        )
    if primary == _CANTOPEN:
        return StorageError(_("cannot open {path}: {why}").format(path=path, why=_unwritable(path)))
    if primary == _IOERR or "disk I/O error" in text:
        # SQLite says SQLITE_FULL only when a write to the database or its WAL came up
        # short; growing the -shm file or syncing on a full disk is an "I/O error".
        # The errno is not passed on, so ask the file system.
        if no_space_left(path):
            return disk_full(path, text)
        return StorageError(
            _(
                "cannot use {path}: disk I/O error ({error}); check the disk, then run "
                "'dutyboard check'"
            ).format(path=path, error=text)
        )
    if primary == _CORRUPT or "malformed" in text:
        return damaged(path, text)
    if text.startswith("Could not decode to UTF-8"):
        # A text value whose bytes are not UTF-8: SQLite stores what it is given, so
        # only a damaged page (or another program) puts such bytes in a desk. The value
        # itself is not shown: it is damaged bytes.
        column = re.match(r"Could not decode to UTF-8 column '([^']{0,60})'", text)
        if column:
            return damaged(
                path, _("a text value in column {column} is not UTF-8").format(column=column[1])
            )
        return damaged(path, _("a text value is not UTF-8"))
    if primary == _NOTADB:
        return StorageError(
            _(
                "{path} is not a dutyboard database ({error}): it is another kind of file, or "
                "a desk whose first page is damaged (restore the last backup: see "
                "'dutyboard backup --help')"
            ).format(path=path, error=text)
        )
    if primary in (_BUSY, _LOCKED) or "database is locked" in text:
        return StorageError(
            _(
                "{path} stayed locked by another process for over {seconds} s ({error}); "
                "nothing was changed, try again"
            ).format(path=path, seconds=BUSY_TIMEOUT_MS // 1000, error=text)
        )
    return None


def damage_found(path: Path) -> StoreError | None:
    """The one line for ``path`` if its file is damaged, else None.

    For the CLI after an error nobody expected (a value that does not parse, a key that
    is not there): on a damaged desk that is the damage, and a person needs to hear it
    named; on a sound one it is a bug. A read-only ``PRAGMA quick_check``, so it never
    changes the file and takes seconds at most, and only on that path.
    """
    try:
        if not regular_file_exists(path):
            return None
    except StoreError:
        return None
    params = {"mode": "ro"}
    if _read_only_file_system(path):
        params["immutable"] = "1"
    try:
        conn = sqlite3.connect(sqlite_uri(path, **params), uri=True, timeout=10)
    except sqlite3.Error:
        return None
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
        result = _shown(" ".join(str(r[0]) for r in rows), 200)
        if result != "ok":
            return damaged(path, result)
        conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        return None
    except UNREADABLE as exc:
        return _not_usable(exc, path)
    finally:
        conn.close()


def damaged(path: Path, detail: str) -> StorageError:
    """The one line for a desk whose file is damaged."""
    return StorageError(
        _(
            "{path} is damaged ({detail}); run 'dutyboard check' and restore the last "
            "backup (see 'dutyboard backup --help')"
        ).format(path=path, detail=detail)
    )


def disk_full(path: Path, detail: str = "") -> StorageError:
    """The one line for a full disk (SQLITE_FULL, ENOSPC, or an I/O error with no room)."""
    if detail:
        line = _(
            "cannot write {path}: the disk is full ({detail}); nothing was changed, free some "
            "space and try again"
        )
    else:
        line = _(
            "cannot write {path}: the disk is full; nothing was changed, free some "
            "space and try again"
        )
    return StorageError(line.format(path=path, detail=detail))


# Less free space than this on the desk's file system, with an I/O error, is a full disk:
# SQLite grows its -shm file 32 KiB at a time and its WAL a page or more per write.
_FULL_BELOW_BYTES = 1 << 20


def no_space_left(path: Path) -> bool:
    """Whether the file system holding ``path`` (or its nearest existing folder) is full."""
    here = Path(path)
    while not here.exists() and here != here.parent:
        here = here.parent
    try:
        info = os.statvfs(here)
    except OSError:
        return False
    # Root may use the blocks reserved for it; everybody else only the available ones.
    blocks = info.f_bfree if os.geteuid() == 0 else info.f_bavail
    return blocks * info.f_frsize < _FULL_BELOW_BYTES


def _not_usable(exc: sqlite3.DatabaseError | UnicodeDecodeError, path: Path) -> StoreError:
    if isinstance(exc, UnicodeDecodeError):
        # SQLite's own message quoted bytes of the damaged schema that are not UTF-8, so
        # Python could not even decode the error.
        return damaged(path, _("its schema is garbled: SQLite's report on it is not UTF-8"))
    return storage_error(exc, path) or StoreError(
        _("{path} is not a dutyboard database ({error})").format(path=path, error=_shown(exc, 200))
    )


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _unwritable(path: Path) -> str:
    """Why SQLite could not write ``path`` (or create its -wal/-shm files), in words."""
    folder = path.parent
    if _read_only_file_system(path if path.exists() else folder):
        return _("it is on a read-only file system (a leader can still read it: --role leader)")
    if path.exists() and not os.access(path, os.W_OK):
        return _("the file is read-only for you (a leader can still read it: --role leader)")
    if not os.access(folder, os.W_OK | os.X_OK):
        return _(
            "its folder {folder} is not writable for you (SQLite keeps the -wal and -shm "
            "files beside the database)"
        ).format(folder=folder)
    return _("SQLite could not open it")
