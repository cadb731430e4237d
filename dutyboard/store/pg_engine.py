"""The PostgreSQL engine behind the store's door (issue 21): a connection that speaks the
small part of :class:`sqlite3.Connection` the store uses, over psycopg 3.

The store's commands are one code path for both engines. What differs is kept here and in
:mod:`dutyboard.store.engine`:

* **Placeholders.** The store writes ``?``; :func:`translate` turns each one outside a
  string literal into ``%s`` (and every ``%`` into ``%%``), once per statement text.
* **Words.** ``LIKE`` becomes ``ILIKE`` (SQLite's LIKE ignores the case of ASCII
  letters; PostgreSQL's does not), and ``IS ?`` / ``IS NOT ?`` become ``IS NOT DISTINCT
  FROM`` / ``IS DISTINCT FROM``. Nothing else is rewritten: SQL that cannot be written
  alike for both engines asks :func:`dutyboard.store.engine.is_postgres` and says it
  twice, in the module that owns it.
* **New ids.** An ``INSERT`` into a table with an identity key gets ``RETURNING id``, so
  ``cursor.lastrowid`` means what it means on SQLite.
* **Values.** Parameters are sent untyped (as SQLite takes them) and the server infers
  their types from the statement; ``True``/``False`` are 1/0, as SQLite stores them.
  ``numeric`` comes back as ``int`` when it is whole and ``float`` otherwise (SQLite's
  NUMERIC affinity), never as :class:`~decimal.Decimal`.
* **Rows.** :class:`PgRow` is read by name or position and turned into a dict by
  ``dict(row)``, as :class:`sqlite3.Row` is.
* **Errors.** psycopg's errors come out as subclasses of :mod:`sqlite3`'s (an
  :class:`IntegrityError` is a :class:`sqlite3.IntegrityError` with the SQLSTATE), so
  the store's ``except`` clauses and its callers' ``DatabaseError`` hold for both, and
  the driver's module is never imported outside the store.
* **Transactions.** The connection is in autocommit mode and the store sends ``BEGIN``
  and ``COMMIT`` itself, as it does on SQLite. A write transaction first takes the desk's
  write lock (:data:`WRITE_LOCK_SQL`, a transaction-level advisory lock): writers queue as
  they do on SQLite's ``BEGIN IMMEDIATE``, so no update is lost and no write is retried.
  Reads run in a ``REPEATABLE READ`` snapshot.
* **Change signal.** Every connection ``LISTEN``\\s on :data:`CHANNEL`; a write
  transaction sends ``NOTIFY`` before its ``COMMIT``, so PostgreSQL delivers it on commit
  and never for a rolled-back write. :meth:`PgConnection.data_version` counts the
  notifications of *other* sessions, read from the socket without a query, as SQLite's
  ``PRAGMA data_version`` counts other connections' commits. A hot standby (a leader's
  streaming replica) refuses LISTEN: there ``data_version`` polls
  ``pg_last_wal_replay_lsn()`` instead, at most every :data:`REPLAY_POLL_S`.
* **A lost session** (a restart, a network cut, a failover) is replaced by the store
  (``Store._revive``, under its lock), never in the middle of a transaction.

psycopg is imported when a connection is made, never when this module is.
"""

from __future__ import annotations

import queue
import re
import select
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dutyboard.store.engine import APPLICATION_ID

if TYPE_CHECKING:
    import psycopg

    from dutyboard.store.dburl import PostgresLocation

# The notification channel of a desk's writes (per database, as PostgreSQL's are).
CHANNEL = "dutyboard"
NOTIFY_SQL = f"NOTIFY {CHANNEL}"
# On a hot standby: the WAL replayed so far, as a byte count (NULL on a primary), and how
# often data_version() asks for it (the dashboard's change poll, app.POLL_S).
REPLAYED_SQL = "pg_last_wal_replay_lsn() - '0/0'::pg_lsn"
REPLAY_POLL_S = 0.25
CANCEL_WAIT_S = 5.0  # the longest a cancel (interrupt) is waited for, on its thread and after
# The desk's write lock, held until the transaction ends: one writer at a time.
WRITE_LOCK_SQL = f"SELECT pg_advisory_xact_lock({APPLICATION_ID})"
BEGIN_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED"
BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


class PgIntegrityError(sqlite3.IntegrityError):
    """A constraint refused a write (SQLSTATE class 23): the key, a CHECK, a trigger."""

    sqlstate: str | None = None


class PgOperationalError(sqlite3.OperationalError):
    """The server, the connection or the session failed (or a query was cancelled)."""

    sqlstate: str | None = None


class PgDatabaseError(sqlite3.DatabaseError):
    """Any other error the server reported for a statement."""

    sqlstate: str | None = None


# -- statement text ------------------------------------------------------------------------

# A string literal, a quoted name, a comment, or one of the tokens translate() rewrites.
_TOKENS = re.compile(
    r"""
    (?P<literal>'(?:[^']|'')*')
  | (?P<name>"(?:[^"]|"")*")
  | (?P<comment>--[^\n]*)
  | (?P<is_not>\bIS\s+NOT\s+\?)
  | (?P<is>\bIS\s+\?)
  | (?P<like>(?<![A-Za-z_])LIKE\b)
  | (?P<mark>\?)
  | (?P<percent>%)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_INSERT = re.compile(r"\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """The store's SQLite-flavoured statement in psycopg's words (see the module)."""

    def one(match: re.Match[str]) -> str:
        kind = match.lastgroup
        text = match.group()
        if kind == "literal":
            return text.replace("%", "%%")
        if kind in ("name", "comment"):
            return text.replace("%", "%%")
        if kind == "is_not":
            return "IS DISTINCT FROM %s"
        if kind == "is":
            return "IS NOT DISTINCT FROM %s"
        if kind == "like":
            return "ILIKE"
        if kind == "mark":
            return "%s"
        return "%%"

    return _TOKENS.sub(one, sql)


def _returning_id(sql: str, identity: frozenset[str]) -> bool:
    """Does this INSERT need ``RETURNING id`` for its ``lastrowid``?"""
    match = _INSERT.match(sql)
    return bool(match and match.group(1).lower() in identity and not _RETURNING.search(sql))


# -- rows ----------------------------------------------------------------------------------


class PgRow(tuple[Any, ...]):
    """A result row read by position or by column name, like :class:`sqlite3.Row`."""

    _names: tuple[str, ...]
    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@lru_cache(maxsize=1024)
def _row_type(names: tuple[str, ...]) -> type[PgRow]:
    # The first of two columns of one name wins, as sqlite3.Row's lookup finds it.
    index = {name: i for i, name in reversed(list(enumerate(names)))}
    return type("Row", (PgRow,), {"_names": names, "_index": index, "__slots__": ()})


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    return _row_type(tuple(c.name for c in cursor.description or ()))


# -- errors --------------------------------------------------------------------------------


def _translated(exc: Exception) -> sqlite3.Error:
    """psycopg's ``exc`` as the sqlite3 class the store catches, with its SQLSTATE."""
    import psycopg

    sqlstate = getattr(exc, "sqlstate", None)
    diag = getattr(exc, "diag", None)
    message = (getattr(diag, "message_primary", None) if diag else None) or str(exc).strip()
    if isinstance(exc, psycopg.errors.QueryCanceled):
        # engine.is_interrupted() recognises a cancelled query by this word, on both.
        error: sqlite3.Error = PgOperationalError(f"interrupted: {message}")
    elif isinstance(exc, psycopg.IntegrityError):
        error = PgIntegrityError(message)
    elif isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        error = PgOperationalError(message)
    else:
        error = PgDatabaseError(message)
    error.sqlstate = sqlstate  # type: ignore[attr-defined]
    return error


# -- the connection ------------------------------------------------------------------------


class PgCursor:
    """What ``PgConnection.execute`` returns: the rows, ``rowcount`` and ``lastrowid``."""

    def __init__(self, cursor: psycopg.Cursor[Any], lastrowid: int | None) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid
        self.rowcount = cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description else []

    def fetchmany(self, size: int = 1) -> list[Any]:
        return self._cursor.fetchmany(size) if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._cursor.close()


_cancels: queue.SimpleQueue[tuple[psycopg.Connection[Any], threading.Event]] | None = None
_cancels_lock = threading.Lock()


def _canceller() -> queue.SimpleQueue[tuple[psycopg.Connection[Any], threading.Event]]:
    """The queue of the one thread that sends cancels (:meth:`PgConnection.interrupt`),
    started at the first: a thread of its own per cancel cost the caller more to start
    (under the GIL, 2-25 ms measured) than the queue does."""
    global _cancels
    with _cancels_lock:
        if _cancels is None:
            _cancels = queue.SimpleQueue()
            threading.Thread(
                target=_send_cancels, args=(_cancels,), name="dutyboard-pg-cancel", daemon=True
            ).start()
        return _cancels


def _send_cancels(
    cancels: queue.SimpleQueue[tuple[psycopg.Connection[Any], threading.Event]],
) -> None:
    while True:
        raw, done = cancels.get()
        try:
            # Closed meanwhile, or the server went away: nothing runs to cancel.
            with suppress(Exception):
                raw.cancel_safe(timeout=CANCEL_WAIT_S)
        finally:
            done.set()


class PgConnection:
    """One session with the desk's database (see the module). Not thread-safe, as a
    :class:`sqlite3.Connection` used by the store is not: the store serialises calls."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], *, readonly: bool) -> None:
        self.raw = raw
        self.readonly = readonly
        self._pid = raw.info.backend_pid
        self._changes = 0
        self._changes_lock = threading.Lock()
        self._cancelling: threading.Event | None = None  # a cancel on its way (interrupt)
        raw.add_notify_handler(self._on_notify)
        self._identity: frozenset[str] = frozenset()
        self.refresh_identity()
        # A hot standby (a leader's streaming replica) refuses LISTEN, and a primary's
        # NOTIFY never reaches it: there data_version() watches the WAL replayed instead.
        row = raw.execute(f"SELECT pg_is_in_recovery(), {REPLAYED_SQL}").fetchone()
        assert row is not None  # a SELECT without FROM gives one row
        self.standby = bool(row[0])
        self._replayed: Any = row[1]
        self._replay_polled = time.monotonic()
        if not self.standby:
            raw.execute(f"LISTEN {CHANNEL}")

    def refresh_identity(self) -> None:
        """Learn which tables have an identity ``id`` (after the schema changed)."""
        rows = self.raw.execute(
            "SELECT c.relname FROM pg_catalog.pg_attribute a "
            "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            "WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace "
            "WHERE nspname = current_schema()) AND a.attname = 'id' AND a.attidentity <> ''"
        ).fetchall()
        self._identity = frozenset(str(r[0]).lower() for r in rows)

    # -- sqlite3.Connection's part -------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> PgCursor:
        import psycopg

        self._after_cancel()
        returning = _returning_id(sql, self._identity)
        text = translate(sql) + (" RETURNING id" if returning else "")
        cursor = self.raw.cursor()
        try:
            cursor.execute(text, tuple(params) if params else None)
        except psycopg.Error as exc:
            cursor.close()
            raise _translated(exc) from exc
        lastrowid = None
        if returning and cursor.description:
            row = cursor.fetchone()
            lastrowid = int(row[0]) if row is not None else None
        return PgCursor(cursor, lastrowid)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        import psycopg

        self._after_cancel()
        cursor = self.raw.cursor()
        try:
            cursor.executemany(translate(sql), [tuple(p) for p in seq])
        except psycopg.Error as exc:
            cursor.close()
            raise _translated(exc) from exc
        return PgCursor(cursor, None)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def interrupt(self) -> None:
        """Cancel the running statement, from any thread (a no-op when none runs), without
        waiting: libpq before 17 cancels by opening a connection to the server and
        waiting for it to act, 10-90 ms measured, which the UI thread spent on every
        letter typed into a filter. The cancel goes on a thread of its own; the next
        statement on this session waits for it first (:meth:`_after_cancel`), so a late
        cancel can never hit the statement that follows it."""
        done = threading.Event()
        self._cancelling = done
        _canceller().put((self.raw, done))

    def _after_cancel(self) -> None:
        cancelling = self._cancelling
        if cancelling is not None:
            cancelling.wait(CANCEL_WAIT_S)
            if self._cancelling is cancelling:
                self._cancelling = None

    def close(self) -> None:
        self.raw.close()

    # -- what only PostgreSQL needs --------------------------------------------------------

    def wait_readable(self, timeout: float) -> None:
        """Block up to ``timeout`` seconds until the session's socket has something to
        read (a notification, or a reply), or it is closed. Reads nothing: whatever is
        there is left to :meth:`data_version` (or to the query it answers)."""
        import psycopg

        try:
            fd = self.raw.pgconn.socket
            select.select([fd], [], [], timeout)
        except (OSError, ValueError, psycopg.Error):  # closed: data_version says so
            time.sleep(timeout)

    def data_version(self) -> int:
        """A number that grows when another session commits a write (see the module):
        reads notifications already on the socket, sends nothing to the server.

        On a hot standby, which has no notifications, it grows when the WAL replayed from
        the primary moves (``pg_last_wal_replay_lsn()``: one cheap query, sent at most
        every :data:`REPLAY_POLL_S` however often this is called, never inside a
        transaction). That also counts replayed WAL that changed nothing of the desk
        (another database's writes, a checkpoint): a panel re-reads for nothing, never
        misses a commit. A standby promoted under the session is seen at the next poll:
        the session LISTENs from then on, and counts the promotion as a change.
        """
        import psycopg
        from psycopg import pq

        pgconn = self.raw.pgconn
        idle = self.raw.info.transaction_status == pq.TransactionStatus.IDLE
        if self.standby:
            now = time.monotonic()
            if not idle or now - self._replay_polled < REPLAY_POLL_S:
                return self._changes
            self._replay_polled = now
            try:
                row = self.raw.execute(f"SELECT pg_is_in_recovery(), {REPLAYED_SQL}").fetchone()
                assert row is not None
                recovery, replayed = row[0], row[1]
                if not recovery:
                    self.raw.execute(f"LISTEN {CHANNEL}")
                    self.standby = False
                    self._count()
                elif replayed != self._replayed:
                    self._replayed = replayed
                    self._count()
            except psycopg.Error as exc:
                raise _translated(exc) from exc
            return self._changes
        if idle:
            pgconn.consume_input()
            while (notify := pgconn.notifies()) is not None:
                if notify.be_pid != self._pid:
                    self._count()
        return self._changes

    def _on_notify(self, notify: psycopg.Notify) -> None:
        # Notifications psycopg read while running a statement of ours.
        if notify.pid != self._pid:
            self._count()

    def _count(self) -> None:
        with self._changes_lock:
            self._changes += 1


def connect(location: PostgresLocation, *, readonly: bool) -> PgConnection:
    """A session with the desk at ``location`` (the schema's checks are the caller's)."""
    import psycopg

    options = "-c default_transaction_read_only=on" if readonly else None
    try:
        # A read-only session: the server itself refuses its writes, whatever it sends.
        raw = psycopg.connect(
            location.conninfo(),
            autocommit=True,
            application_name="dutyboard",
            client_encoding="UTF8",
            options=options,
        )
    except psycopg.Error as exc:
        raise _translated(exc) from exc
    _adapt(raw)
    raw.row_factory = _row_factory
    try:
        return PgConnection(raw, readonly=readonly)
    except psycopg.Error as exc:
        raw.close()
        raise _translated(exc) from exc


def open_desk(location: PostgresLocation, *, readonly: bool) -> PgConnection:
    """A session with the desk at ``location``, its schema checked and, for a session that
    may write, brought up to date in place (the steps of :mod:`dutyboard.store.pg_schema`).

    A database without a desk is refused with one line naming ``dutyboard init``, which
    is the one command that makes a desk's schema; a leader's session never changes one.
    """
    from dutyboard.i18n import _
    from dutyboard.store import pg_schema
    from dutyboard.store.connection import SCHEMA_VERSION
    from dutyboard.store.errors import NotADesk, SchemaTooOld

    shown = location.masked()
    conn = connect(location, readonly=readonly)
    try:
        if not pg_schema.is_desk(conn.raw):
            raise NotADesk(
                _(
                    "{url} holds no dutyboard desk: make one with `dutyboard init --db {url}`"
                ).format(url=shown)
            )
        applied = pg_schema.schema_version(conn.raw)
        missing = [name for name in SCHEMA_VERSION if name not in applied]
        if missing or set(applied) - set(SCHEMA_VERSION):
            if readonly and missing and not set(applied) - set(SCHEMA_VERSION):
                raise SchemaTooOld(
                    _(
                        "{url} needs a schema upgrade; open it once as officer "
                        "(dutyboard check --db …) before read-only use"
                    ).format(url=shown)
                )
            import psycopg

            try:
                pg_schema.create_schema(conn.raw, where=shown)  # refuses a newer desk
            except psycopg.errors.InsufficientPrivilege:
                raise SchemaTooOld(
                    _(
                        "{url} needs a schema upgrade, which only the desk's owner may make: "
                        "the role that ran `dutyboard init` runs `dutyboard check --db {url}`"
                    ).format(url=shown)
                ) from None
            conn.refresh_identity()
    except BaseException:
        conn.close()
        raise
    return conn


def holds_desk(location: PostgresLocation) -> bool:
    """Does the database at ``location`` hold a desk already (``dutyboard init``)?"""
    from dutyboard.store import pg_schema

    conn = connect(location, readonly=True)
    try:
        return pg_schema.is_desk(conn.raw)
    finally:
        conn.close()


def create_desk(location: PostgresLocation) -> list[str]:
    """Make (or bring up to date) the desk schema at ``location``; the step names applied.
    What ``dutyboard init --db postgresql://…`` runs."""
    conn = connect(location, readonly=False)
    try:
        from dutyboard.store import pg_schema

        return pg_schema.create_schema(conn.raw, where=location.masked())
    finally:
        conn.close()


def _adapt(raw: psycopg.Connection[Any]) -> None:
    """Parameters untyped, as SQLite takes them; numeric as int or float."""
    from psycopg.adapt import Dumper, Loader

    class Untyped(Dumper):
        oid = 0  # "unknown": the server gives it the type the statement needs

        def dump(self, obj: Any) -> bytes:
            return str(obj).encode()

    class Flag(Dumper):
        oid = 0

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    class Number(Loader):
        def load(self, data: Any) -> Any:
            value = Decimal(bytes(data).decode())
            if value.is_finite() and value == value.to_integral_value():
                return int(value)
            return float(value)

    class Text(Dumper):
        oid = 0
        # PostgreSQL's text cannot hold a zero byte; SQLite's can, and only the raw copy
        # of a record keeps one (every other text is cleaned): there it reads as U+2400
        # SYMBOL FOR NULL, and the file's exact bytes stay in original_files (bytea).

        def dump(self, obj: str) -> bytes:
            return (obj.replace("\x00", "\u2400") if "\x00" in obj else obj).encode()

    adapters = raw.adapters
    adapters.register_dumper(str, Text)
    adapters.register_dumper(int, Untyped)
    adapters.register_dumper(float, Untyped)
    adapters.register_dumper(Decimal, Untyped)
    adapters.register_dumper(bool, Flag)
    adapters.register_loader("numeric", Number)


__all__ = [
    "BEGIN_READ",
    "BEGIN_WRITE",
    "CHANNEL",
    "NOTIFY_SQL",
    "WRITE_LOCK_SQL",
    "PgConnection",
    "PgCursor",
    "PgDatabaseError",
    "PgIntegrityError",
    "PgOperationalError",
    "PgRow",
    "connect",
    "translate",
]
