"""Moving a whole desk between engines (issue 21): ``dutyboard db copy SRC DEST`` and a
PostgreSQL desk's ``backup``, verified table by table before anything is kept.

**What is copied.** Every table of the schema, read from the schemas themselves (SQLite's
``sqlite_master`` without its own tables and the migrations table; PostgreSQL's catalogue
of the current schema without :data:`~dutyboard.store.pg_schema.SCHEMA_TABLE`), the two
lists checked equal, column for column. Generated columns (``requests.priority_rank``)
are left to the target to compute. Tables go in foreign-key order, worked out from the
target's foreign keys; rows in primary-key order, with their ids, in batches
(``executemany``) sized by their bytes, so a table of big files never sits in memory
whole. ``original_files.data`` (BLOB / bytea) is copied byte for byte.

**One snapshot, one transaction.** The source is opened read-only and read in one
snapshot (``REPEATABLE READ READ ONLY`` on PostgreSQL; one read transaction in WAL on
SQLite), so officers and the collector may go on writing. The target is written in one
transaction, checked, and only then committed: a failure, a mismatch or Ctrl-C leaves an
existing target as it was, and a SQLite file this copy made is removed. On PostgreSQL
even the schema of an empty database is made inside that transaction.

**The target.** A SQLite target is a new file made by the store's own
:func:`~dutyboard.store.connection.connect` (migrations, WAL, application id), or an
existing desk with no rows; any other existing file is refused and left alone. A
PostgreSQL target is an empty database (the desk's schema is created) or one holding an
empty desk; one with any rows is refused, naming the tables. A copy onto the source's own
database (the same file, or the same PostgreSQL database and schema under another URL)
is refused.

**Triggers.** The handover triggers refuse an UPDATE or DELETE of a signed handover or its
items; they have no INSERT case, and the copy only inserts. Signed and acknowledged
handovers and their items go in as they are, with every trigger and foreign key still
checked; nothing is switched off (``session_replication_role = replica`` would need a
superuser and would stop the foreign-key checks too). A row that points at a later row of
its own table (``shifts.taken_over_from``, ``handover_items.carried_from``) waits until
that row is in.

**Ids.** Kept. On PostgreSQL every identity sequence is then set past the largest id
(``setval(pg_get_serial_sequence(…))``), so the next record gets the next id; SQLite
gives ``max(id) + 1`` by itself (no table of the schema is ``AUTOINCREMENT``).

**Verified before done.** Per table, the row count and a SHA-256 of its rows in
primary-key order, computed alike on both sides: each row's values as a Python tuple of
``int``, ``float`` (by ``repr``: the shortest text that reads back as the same double),
``str``, ``bytes`` and ``None``, written out with ``repr`` (which tells ``1`` from ``1.0``
and ``'1'`` from ``b'1'``) and hashed. The source's hash is taken from the rows as they are
read, the target's by reading the target back inside its transaction. Any difference is
an error and nothing is kept.

**A zero byte in text.** PostgreSQL's ``text`` cannot hold U+0000; SQLite's can.
:mod:`~dutyboard.store.pg_engine` stores it as U+2400 (␀, SYMBOL FOR NULL). The store
cleans every text it writes except the raw copy of an ingested record (``raw``), so
that is where one can occur; the file's exact bytes are in ``original_files`` (bytea,
copied exactly). A copy *to* PostgreSQL writes the source's zero bytes as U+2400 and
hashes the source's rows in that same form, so the check compares what PostgreSQL can
hold; the values so changed are counted per table (:attr:`CopyResult.nul_replaced`) and
the command says so. Copying back to SQLite keeps the U+2400.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from dutyboard import files
from dutyboard.i18n import _
from dutyboard.store import connection, pg_engine
from dutyboard.store.dburl import DeskLocation, PostgresLocation, SqliteLocation, require_driver
from dutyboard.store.errors import StoreError

Progress = Callable[[str, int, int], None]

NUL = "\x00"
NUL_SHOWN = "\u2400"  # what pg_engine writes for a zero byte in text
# SQLite's own tables and dutyboard's migration record: the target's own schema steps
# make those, they are not the desk's data.
_SQLITE_OWN = ("_sqlite_migrations",)
# How many rows one batch reads and writes at most, and about how many bytes: a batch of
# files (original_files) holds a few rows, one of events a thousand.
BATCH_ROWS = 1000
BATCH_BYTES = 8 << 20


class CopyRefused(StoreError):
    """The copy was refused before anything was written (a target that is not empty, the
    same database, a source that is no desk)."""


class CopyFailed(StoreError):
    """The copy failed part way, or did not match its source: nothing of it was kept."""


@dataclass(frozen=True)
class TableCopy:
    """One table as copied and verified: its rows and their content hash (SHA-256)."""

    rows: int
    sha256: str


@dataclass(frozen=True)
class CopyResult:
    source: str  # masked: safe to show
    dest: str
    tables: dict[str, TableCopy]  # in the order copied
    # Text values whose zero bytes became U+2400 on the way to PostgreSQL, per table.
    nul_replaced: dict[str, int] = field(default_factory=dict)
    created: bool = False  # a new SQLite file, or the desk's schema in an empty database
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def counts(self) -> dict[str, int]:
        return {name: t.rows for name, t in self.tables.items()}


@dataclass(frozen=True)
class Table:
    """A table as its schema says: what the copy needs to know of it."""

    name: str
    columns: tuple[str, ...]  # stored ones, in table order (generated ones left out)
    key: tuple[str, ...]  # the primary key's columns, in key order
    parents: frozenset[str]  # tables its foreign keys point at (itself excluded)
    # (column, referenced column) of foreign keys to the table itself.
    self_refs: tuple[tuple[str, str], ...] = ()
    identity: tuple[str, ...] = ()  # PostgreSQL identity columns (their sequences)


# -- schemas -------------------------------------------------------------------------------


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(conn: sqlite3.Connection) -> dict[str, Table]:
    """The desk's tables in a SQLite file, by name (schema order)."""
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
        )
        if str(r[0]) not in _SQLITE_OWN
    ]
    tables: dict[str, Table] = {}
    for name in names:
        # table_xinfo's hidden: 0 a stored column, 2 and 3 generated ones.
        info = conn.execute(f"PRAGMA table_xinfo({_q(name)})").fetchall()
        columns = tuple(str(r[1]) for r in info if int(r[6]) == 0)
        key = tuple(
            str(r[1]) for r in sorted((r for r in info if int(r[5]) > 0), key=lambda r: r[5])
        )
        parents: set[str] = set()
        self_refs: list[tuple[str, str]] = []
        for fk in conn.execute(f"PRAGMA foreign_key_list({_q(name)})").fetchall():
            target, column, to = str(fk[2]), str(fk[3]), fk[4]
            if target == name:
                self_refs.append((column, str(to) if to is not None else ",".join(key)))
            else:
                parents.add(target)
        tables[name] = Table(name, columns, key, frozenset(parents), tuple(self_refs))
    return tables


# The current schema's tables (ordinary and partitioned), columns and keys.
_PG_COLUMNS = """
SELECT c.relname, a.attname, a.attidentity <> '' AS identity
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND c.relkind IN ('r', 'p') AND a.attgenerated = ''
ORDER BY c.oid, a.attnum
"""
_PG_KEYS = """
SELECT c.relname, a.attname
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND i.indisprimary
ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)
"""
_PG_FOREIGN_KEYS = """
SELECT c.relname, p.relname, a.attname, r.attname
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_class p ON p.oid = k.confrelid
JOIN LATERAL unnest(k.conkey, k.confkey) AS u (col, ref) ON true
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.col
JOIN pg_catalog.pg_attribute r ON r.attrelid = p.oid AND r.attnum = u.ref
WHERE k.contype = 'f'
  AND c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
"""


def pg_tables(conn: pg_engine.PgConnection) -> dict[str, Table]:
    """The desk's tables in the session's current schema, by name (creation order)."""
    from dutyboard.store.pg_schema import SCHEMA_TABLE

    columns: dict[str, list[str]] = {}
    identity: dict[str, list[str]] = {}
    for table, column, is_identity in conn.execute(_PG_COLUMNS).fetchall():
        if table == SCHEMA_TABLE:
            continue
        columns.setdefault(table, []).append(column)
        if is_identity:
            identity.setdefault(table, []).append(column)
    keys: dict[str, list[str]] = {}
    for table, column in conn.execute(_PG_KEYS).fetchall():
        keys.setdefault(table, []).append(column)
    parents: dict[str, set[str]] = {}
    self_refs: dict[str, list[tuple[str, str]]] = {}
    for table, parent, column, referenced in conn.execute(_PG_FOREIGN_KEYS).fetchall():
        if table == parent:
            self_refs.setdefault(table, []).append((column, referenced))
        else:
            parents.setdefault(table, set()).add(parent)
    return {
        name: Table(
            name,
            tuple(cols),
            tuple(keys.get(name, ())),
            frozenset(parents.get(name, ())),
            tuple(sorted(self_refs.get(name, ()))),
            tuple(identity.get(name, ())),
        )
        for name, cols in columns.items()
    }


def fk_order(tables: dict[str, Table]) -> list[str]:
    """The tables as listed, each moved after the tables its foreign keys point at. A
    circle of foreign keys between tables (no desk has one) is refused."""
    done: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            circle = visiting[visiting.index(name) :]
            raise StoreError(
                _("the desk's tables refer to each other in a circle ({tables}): cannot copy")
                .format(tables=", ".join(circle))
            )  # fmt: skip
        visiting.append(name)
        for parent in tables:
            if parent in tables[name].parents:
                visit(parent)
        visiting.pop()
        done.append(name)

    for name in tables:
        visit(name)
    return done


# -- one side of the copy --------------------------------------------------------------------


@dataclass
class _Side:
    location: DeskLocation
    conn: Any  # sqlite3.Connection or pg_engine.PgConnection
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def postgres(self) -> bool:
        return isinstance(self.location, PostgresLocation)

    @property
    def shown(self) -> str:
        return self.location.masked()

    def read_tables(self) -> dict[str, Table]:
        if self.postgres:
            self.tables = pg_tables(cast(pg_engine.PgConnection, self.conn))
        else:
            self.tables = sqlite_tables(cast(sqlite3.Connection, self.conn))
        return self.tables

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0])

    def rows(
        self, table: Table, names: Sequence[str]
    ) -> Iterator[Callable[[int], list[tuple[Any, ...]]]]:
        """A ``fetch(n)`` over the table's rows in key order (one query, streamed)."""
        sql = (
            f"SELECT {', '.join(map(_q, names))} FROM {_q(table.name)} "
            f"ORDER BY {', '.join(map(_q, table.key))}"
        )
        if self.postgres:
            conn = cast(pg_engine.PgConnection, self.conn)
            # A cursor of the server's, in the snapshot's transaction: the rows come as
            # they are fetched, not all at once. (DECLARE and FETCH by hand: psycopg's
            # ServerCursor sends the count as a parameter, which pg_engine's untyped
            # numbers would quote.)
            name = f"dutyboard_copy_{secrets.token_hex(4)}"
            conn.execute(f"DECLARE {name} NO SCROLL CURSOR FOR {sql}")
            try:
                yield lambda n: [
                    tuple(r) for r in conn.execute(f"FETCH FORWARD {int(n)} FROM {name}")
                ]
            finally:
                from psycopg import pq

                # Not in a failed transaction: its rollback closes the cursor anyway.
                if conn.raw.info.transaction_status == pq.TransactionStatus.INTRANS:
                    with suppress(sqlite3.Error):
                        conn.execute(f"CLOSE {name}")
        else:
            cursor = self.conn.execute(sql)
            try:
                yield lambda n: [tuple(r) for r in cursor.fetchmany(n)]
            finally:
                cursor.close()

    def close(self) -> None:
        with suppress(sqlite3.Error):
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        with suppress(sqlite3.Error):
            self.conn.close()


def _batches(side: _Side, table: Table, names: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
    """The table's rows in batches of about :data:`BATCH_BYTES` (at most
    :data:`BATCH_ROWS` rows): the next batch is sized by the bytes of the last."""
    size = 100
    for fetch in side.rows(table, names):
        while batch := fetch(size):
            yield batch
            held = sum(_weight(row) for row in batch)
            size = max(1, min(BATCH_ROWS, len(batch) * BATCH_BYTES // max(held, 1)))


def _weight(row: tuple[Any, ...]) -> int:
    return sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)


def canonical(row: tuple[Any, ...]) -> bytes:
    """A row's values as the bytes both engines' reads give alike (see the module)."""
    return repr(row).encode("utf-8", "backslashreplace")


def _without_nul(row: tuple[Any, ...]) -> tuple[tuple[Any, ...], int]:
    """``row`` as PostgreSQL's text holds it (a zero byte is U+2400), and how many of its
    values changed."""
    changed = 0
    values = list(row)
    for i, value in enumerate(values):
        if type(value) is str and NUL in value:
            values[i] = value.replace(NUL, NUL_SHOWN)
            changed += 1
    return (tuple(values), changed) if changed else (row, 0)


# -- opening ---------------------------------------------------------------------------------


def _same_sqlite_file(a: DeskLocation, b: DeskLocation) -> bool:
    return (
        isinstance(a, SqliteLocation)
        and isinstance(b, SqliteLocation)
        and files.same_file(a.path, b.path)
    )


def _open_source(location: DeskLocation) -> _Side:
    if isinstance(location, PostgresLocation):
        return _Side(location, pg_engine.open_desk(location, readonly=True))
    path = location.path
    if not connection.regular_file_exists(path):
        raise CopyRefused(
            _("the desk to copy, {path}, does not exist: check the path").format(path=path)
        )
    conn = connection.connect(path, readonly=True)
    conn.row_factory = None
    return _Side(location, conn)


def _open_target(location: DeskLocation) -> tuple[_Side, bool]:
    """The target, in its write transaction; whether this copy made it (a new file, or
    the schema of an empty database)."""
    if isinstance(location, PostgresLocation):
        return _open_pg_target(location)
    path = location.path
    exists = connection.regular_file_exists(path)
    if exists and path.stat().st_size == 0:
        raise CopyRefused(
            _(
                "{path} exists and is an empty file, not a desk; it was left untouched: "
                "remove it, or give a path where no file exists"
            ).format(path=path)
        )
    conn = connection.connect(path, create=not exists)  # refuses a file that is no desk
    conn.row_factory = None
    side = _Side(location, conn)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except BaseException:
        side.close()
        if not exists:
            _remove_sqlite(path)
        raise
    return side, not exists


def _open_pg_target(location: PostgresLocation) -> tuple[_Side, bool]:
    from dutyboard.store import pg_schema

    conn = pg_engine.connect(location, readonly=False)
    side = _Side(location, conn)
    try:
        conn.execute(pg_engine.BEGIN_WRITE)
        conn.execute(pg_engine.WRITE_LOCK_SQL)
        had_desk = pg_schema.is_desk(conn.raw)
        try:
            # Inside the copy's transaction (a savepoint): an empty database that the copy
            # fails to fill is left empty, an older empty desk as old as it was.
            pg_schema.create_schema(conn.raw, where=location.masked())
        except pg_schema.ForeignSchema as exc:
            raise CopyRefused(
                _(
                    "{url} is not empty: schema {schema} holds another program's tables "
                    "({tables}); it was left untouched: copy into an empty database or a "
                    "desk with no rows"
                ).format(url=location.masked(), schema=exc.schema, tables=", ".join(exc.tables))
            ) from None
        conn.refresh_identity()
    except BaseException:
        side.close()
        raise
    return side, not had_desk


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _refuse_same_pg_database(source: _Side, target: _Side) -> None:
    """Refuse a copy onto the source's own database and schema, whatever the URLs say:
    the source's session looks for the target's in ``pg_stat_activity`` (which shows
    every session's database and application name to every role), by a name that only
    this copy's target session carries."""
    dest = cast(pg_engine.PgConnection, target.conn)
    token = f"dutyboard db copy {secrets.token_hex(8)}"
    dest.execute("SELECT set_config('application_name', ?, false)", (token,))
    row = source.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity "
        "WHERE pid = ? AND application_name = ? AND datname = current_database()), "
        "current_schema()",
        (dest.raw.info.backend_pid, token),
    ).fetchone()
    there = dest.execute("SELECT current_schema()").fetchone()
    if row is not None and bool(row[0]) and there is not None and row[1] == there[0]:
        raise CopyRefused(_same(source.shown, target.shown))


def _same(src: str, dest: str) -> str:
    return _(
        "{src} and {dest} are the same desk: a copy onto itself is refused; give another target"
    ).format(src=src, dest=dest)


_T = TypeVar("_T")


def _opened(opener: Callable[[DeskLocation], _T], location: DeskLocation) -> _T:
    """``opener(location)``, an engine's error (a server that cannot be reached, a
    database that does not exist, a login refused) as one line naming the location."""
    try:
        return opener(location)
    except Exception as exc:
        if not _engine_error(exc):
            raise
        raise CopyRefused(
            _("cannot open {url}: {error}").format(url=location.masked(), error=_said(exc))
        ) from None


def _engine_error(exc: BaseException) -> bool:
    """Is ``exc`` an error of an engine (sqlite3's, or psycopg's from a raw statement)?"""
    if isinstance(exc, sqlite3.Error):
        return True
    driver = sys.modules.get("psycopg")
    return driver is not None and isinstance(exc, driver.Error)


def _said(exc: BaseException) -> str:
    """What the engine said, on one line."""
    diag = getattr(exc, "diag", None)
    text = (getattr(diag, "message_primary", None) if diag else None) or str(exc)
    return " ".join(text.split())[:300]


# -- the copy ------------------------------------------------------------------------------


def copy_desk(
    src: DeskLocation,
    dest: DeskLocation,
    *,
    progress: Progress | None = None,
) -> CopyResult:
    """Copy the whole desk at ``src`` to ``dest``, verified; see the module.

    ``progress(table, rows_done, rows_total)`` is called as each table starts and after
    each batch. Raises :class:`CopyRefused` (nothing written), :class:`CopyFailed`
    (nothing kept), or the store's errors for a source that cannot be opened.
    """
    started = time.monotonic()
    if isinstance(src, PostgresLocation) or isinstance(dest, PostgresLocation):
        require_driver()
    if _same_sqlite_file(src, dest) or (
        isinstance(src, PostgresLocation) and isinstance(dest, PostgresLocation) and src == dest
    ):
        raise CopyRefused(_same(src.masked(), dest.masked()))
    source = _opened(_open_source, src)
    try:
        target, created = _opened(_open_target, dest)
    except BaseException:
        source.close()
        raise
    committed = False
    try:
        if source.postgres and target.postgres:
            _refuse_same_pg_database(source, target)
        source.conn.execute(pg_engine.BEGIN_READ if source.postgres else "BEGIN")
        result = _copy(source, target, created, progress, started)
        _finish(target)
        committed = True
        return result
    except Exception as exc:
        if not _engine_error(exc):
            raise
        raise _failed(exc, target, created) from None
    finally:
        source.close()
        target.close()
        if created and not committed and not target.postgres:
            _remove_sqlite(cast(SqliteLocation, target.location).path)


def _copy(
    source: _Side, target: _Side, created: bool, progress: Progress | None, started: float
) -> CopyResult:
    theirs, ours = source.read_tables(), target.read_tables()
    _check_same_tables(source, target)
    busy = [(name, n) for name in ours if (n := target.count(name))]
    if busy:
        raise CopyRefused(
            _(
                "{dest} is not empty ({tables}); it was left untouched: copy into a new "
                "file, an empty database or a desk with no rows"
            ).format(
                dest=target.shown,
                tables=", ".join(
                    _("{table}: {rows} rows").format(table=t, rows=f"{n:,}") for t, n in busy[:4]
                )
                + (", …" if len(busy) > 4 else ""),
            )
        )
    to_pg = target.postgres and not source.postgres
    copied: dict[str, TableCopy] = {}
    nul: dict[str, int] = {}
    for name in fk_order(ours):
        table = ours[name]
        names = table.columns
        total = source.count(name)
        if progress:
            progress(name, 0, total)
        copied[name], replaced = _copy_table(
            source, target, theirs[name], table, names, total, to_pg, progress
        )
        if replaced:
            nul[name] = replaced
    _verify(source, target, ours, copied)
    if target.postgres:
        _reset_sequences(target, ours)
    return CopyResult(
        source=source.shown,
        dest=target.shown,
        tables=copied,
        nul_replaced=nul,
        created=created,
        seconds=time.monotonic() - started,
    )


def _check_same_tables(source: _Side, target: _Side) -> None:
    """The two schemas hold the same tables with the same stored columns and keys (both
    are at this version's last step: opening them saw to that)."""
    theirs, ours = source.tables, target.tables
    problems = [
        _("{table} only in {where}").format(table=t, where=source.shown)
        for t in sorted(set(theirs) - set(ours))
    ] + [
        _("{table} only in {where}").format(table=t, where=target.shown)
        for t in sorted(set(ours) - set(theirs))
    ]
    for name in sorted(set(theirs) & set(ours)):
        a, b = theirs[name], ours[name]
        if set(a.columns) != set(b.columns):
            problems.append(
                _("{table} has other columns ({columns})").format(
                    table=name, columns=", ".join(sorted(set(a.columns) ^ set(b.columns)))
                )
            )
        elif a.key != b.key:
            problems.append(
                _("{table} has another primary key ({columns})").format(
                    table=name, columns=", ".join(a.key + b.key)
                )
            )
        if not b.key:
            problems.append(_("{table} has no primary key").format(table=name))
    if problems:
        raise CopyRefused(
            _("{src} and {dest} do not have the same tables ({problems}): cannot copy").format(
                src=source.shown, dest=target.shown, problems="; ".join(problems)[:300]
            )
        )


def _copy_table(
    source: _Side,
    target: _Side,
    theirs: Table,
    table: Table,
    names: tuple[str, ...],
    total: int,
    to_pg: bool,
    progress: Progress | None,
) -> tuple[TableCopy, int]:
    insert = (
        f"INSERT INTO {_q(table.name)} ({', '.join(map(_q, names))}) "
        f"VALUES ({', '.join('?' for _n in names)})"
    )
    digest = hashlib.sha256()
    done = replaced = 0
    # Rows pointing at a later row of the table itself wait for it (see the module); so
    # do rows pointing at a row that waits.
    refs = _self_refs(table, names)
    key = names.index(table.key[0]) if refs else 0
    waiting: list[tuple[Any, ...]] = []
    pending: set[Any] = set()
    for batch in _batches(source, theirs, names):
        rows = batch
        if to_pg:
            rows = []
            for row in batch:
                clean, changed = _without_nul(row)
                rows.append(clean)
                replaced += changed
        for row in rows:
            digest.update(canonical(row))
        if refs:
            ready = []
            for row in rows:
                if _must_wait(row, refs, key, pending):
                    waiting.append(row)
                    pending.add(row[key])
                else:
                    ready.append(row)
            rows = ready
        if rows:
            target.conn.executemany(insert, rows)
        done += len(batch)
        if progress:
            progress(table.name, done, total)
    while waiting:
        ready = [r for r in waiting if not any(r[i] in pending for i in refs)]
        if not ready:
            ready = waiting  # a loop among them: the foreign keys will say so
        target.conn.executemany(insert, ready)
        pending -= {r[key] for r in ready}
        waiting = [r for r in waiting if r[key] in pending]
    return TableCopy(done, digest.hexdigest()), replaced


def _self_refs(table: Table, names: tuple[str, ...]) -> list[int]:
    """Where the columns that point at the table's own single-column key are."""
    if len(table.key) != 1:
        return []
    return [names.index(col) for col, ref in table.self_refs if ref == table.key[0]]


def _must_wait(row: tuple[Any, ...], refs: list[int], key: int, pending: set[Any]) -> bool:
    """Does ``row`` point at a row of its table not yet written (a later one, or one
    that waits itself)?"""
    own = row[key]
    for i in refs:
        parent = row[i]
        if parent is None or parent == own:
            continue
        if parent in pending or _after(parent, own):
            return True
    return False


def _after(a: Any, b: Any) -> bool:
    try:
        return bool(a > b)
    except TypeError:
        return True  # values SQLite keeps of mixed types: wait, to be safe


def _verify(
    source: _Side, target: _Side, tables: dict[str, Table], copied: dict[str, TableCopy]
) -> None:
    """Read every table of the target back (in its transaction) and compare."""
    differences: list[str] = []
    for name, expected in copied.items():
        table = tables[name]
        digest = hashlib.sha256()
        rows = 0
        for batch in _batches(target, table, table.columns):
            rows += len(batch)
            for row in batch:
                digest.update(canonical(row))
        if rows != expected.rows:
            differences.append(
                _("{table}: {count} rows in the source, {copied} in the copy").format(
                    table=name, count=f"{expected.rows:,}", copied=f"{rows:,}"
                )
            )
        elif digest.hexdigest() != expected.sha256:
            differences.append(
                _("{table}: {count} rows each, but their contents differ").format(
                    table=name, count=f"{rows:,}"
                )
            )
    if differences:
        raise CopyFailed(
            _("the copy at {dest} does not match {src} ({differences}); nothing was kept").format(
                src=source.shown, dest=target.shown, differences="; ".join(differences)[:400]
            )
        )


def _reset_sequences(target: _Side, tables: dict[str, Table]) -> None:
    """Every identity sequence just past the largest id copied (1 for an empty table)."""
    for table in tables.values():
        for column in table.identity:
            target.conn.execute(
                "SELECT setval(pg_get_serial_sequence("
                "format('%I.%I', current_schema(), ?::text), ?::text), "
                f"COALESCE(max({_q(column)}), 0) + 1, false) FROM {_q(table.name)}",
                (table.name, column),
            )


def _finish(target: _Side) -> None:
    if target.postgres:
        # Open dashboards on the target see the desk arrive (delivered on commit).
        target.conn.execute(pg_engine.NOTIFY_SQL)
    target.conn.execute("COMMIT")
    if target.postgres:
        # After the commit (VACUUM runs in no transaction): the planner's statistics for
        # the rows just copied, and the visibility map that lets a count read an index
        # alone. Without it the first hours of a copied desk, until autovacuum comes,
        # had `status` on a million requests at 1.2 s instead of 0.4 s (measured).
        target.conn.execute("VACUUM (ANALYZE)")
        _until_all_visible(target)


# How long the copy waits for another session's snapshot to end so that the rows just
# copied can be marked visible to all (seconds, in all), and for which tables: those of
# at least this many pages (8 kB each), where reading the heap for a count costs.
ALL_VISIBLE_WAIT_S = 3.0
ALL_VISIBLE_PAGES = 1000


def _until_all_visible(target: _Side) -> None:
    """VACUUM marks a page all-visible only when no session's snapshot is older than its
    rows: a session that began before the COMMIT (an autovacuum ANALYZE that started
    mid-copy, another officer's idle transaction) leaves the copied pages unmarked, and
    every count then reads the heap (measured on a 1M-request copy: requests left with
    no page marked; the panel's count 104 ms instead of 15, the header's 323 instead of
    24). A table left behind is vacuumed again once such sessions have moved on, for a
    few seconds at most; after that autovacuum finishes the work. A small table is not
    waited for: its heap is read in no time."""
    waited, pause = 0.0, 0.1
    while True:
        behind = [
            str(row[0])
            for row in target.conn.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = current_schema()::regnamespace "
                "AND relpages >= ? AND relallvisible < relpages",
                (ALL_VISIBLE_PAGES,),
            )
        ]
        if not behind or waited >= ALL_VISIBLE_WAIT_S:
            return
        time.sleep(pause)
        waited += pause
        pause = min(pause * 2, 1.0)
        target.conn.execute("VACUUM " + ", ".join(_q(name) for name in behind))


def _failed(exc: Exception, target: _Side, created: bool) -> StoreError:
    """One line for an engine's error mid-copy; nothing of the copy was kept."""
    if not target.postgres and isinstance(exc, sqlite3.Error):
        problem = connection.storage_error(exc, cast(SqliteLocation, target.location).path)
        if problem is not None:
            return CopyFailed(
                _("copy to {dest} failed: {error}; {kept}").format(
                    dest=target.shown, error=problem, kept=_kept(target, created)
                )
            )
    return CopyFailed(
        _("copy to {dest} failed: {error}; {kept}").format(
            dest=target.shown, error=_said(exc), kept=_kept(target, created)
        )
    )


def _kept(target: _Side, created: bool) -> str:
    if created and not target.postgres:
        return _("the new file was removed")
    if created:
        return _("the database was left empty")
    return _("the target was left as it was")


# -- a PostgreSQL desk's backup ----------------------------------------------------------------


def snapshot(
    src: PostgresLocation, dest: Path, *, progress: Progress | None = None
) -> tuple[CopyResult, int]:
    """``dutyboard backup`` of a PostgreSQL desk: the whole desk as a new SQLite file at
    ``dest``, verified (:func:`copy_desk`), then checked again as a file on its own
    (``integrity_check``, the application id, every table's rows) and only then renamed
    over ``dest``. The copy is made beside ``dest`` (``.NAME.partial``), so a failure
    leaves ``dest`` as it was. Returns the result and the file's size in bytes."""
    if dest.is_dir():
        raise StoreError(_("{path} is a folder; give a file name for the backup").format(path=dest))
    if not dest.parent.is_dir():
        raise StoreError(
            _("cannot write backup: folder {folder} does not exist").format(folder=dest.parent)
        )
    tmp = dest.with_name(f".{dest.name}.partial")
    _remove_sqlite(tmp)
    try:
        result = copy_desk(src, SqliteLocation(tmp), progress=progress)
        try:
            _seal(tmp, result)
        except sqlite3.Error as exc:
            raise CopyFailed(
                _("the backup file of {src} failed its check ({detail}); nothing was kept")
                .format(src=result.source, detail=_said(exc))
            ) from None  # fmt: skip
        os.replace(tmp, dest)
    except BaseException:
        _remove_sqlite(tmp)
        raise
    return result, dest.stat().st_size


def _seal(path: Path, result: CopyResult) -> None:
    """A backup is one self-contained file (no -wal beside it), sound and whole."""
    from dutyboard.store.engine import APPLICATION_ID

    conn = sqlite3.connect(connection.sqlite_uri(path), uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        check = " ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        counts = {
            name: int(conn.execute(f"SELECT count(*) FROM {_q(name)}").fetchone()[0])
            for name in result.tables
        }
    finally:
        conn.close()
    if check != "ok" or app_id != APPLICATION_ID or counts != result.counts():
        raise CopyFailed(
            _("the backup file of {src} failed its check ({detail}); nothing was kept").format(
                src=result.source, detail=" ".join(check.split())[:200]
            )
        )


__all__ = [
    "BATCH_BYTES",
    "BATCH_ROWS",
    "CopyFailed",
    "CopyRefused",
    "CopyResult",
    "Progress",
    "Table",
    "TableCopy",
    "canonical",
    "copy_desk",
    "fk_order",
    "pg_tables",
    "snapshot",
    "sqlite_tables",
]
