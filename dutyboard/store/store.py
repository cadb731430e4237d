"""The store: the one query/command API over the SQLite file.

Widgets and the CLI call these methods; nobody else writes SQL. Every write runs in a
short ``BEGIN IMMEDIATE`` transaction and appends its ``events`` row(s) in the same
transaction, so the audit log and the data can never disagree.

Text from outside is hostile, whoever passes it in (the CLI, a form, the config, the
collector): every text the store writes goes through :func:`clean_fields` or
:func:`clean_text` (:mod:`dutyboard.domain.text`), the actor's name included. The
``raw`` column is the exception: it keeps the original bytes, and is only ever shown
through the sanitiser.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from dutyboard import files
from dutyboard.domain.clock import Clock, to_iso, utcnow
from dutyboard.domain.phones import stored_e164
from dutyboard.domain.status import shown_noun
from dutyboard.domain.text import (
    UNLIMITED,
    clean_data,
    clean_json_text,
    clean_text,
    is_clean,
)
from dutyboard.i18n import _
from dutyboard.store import engine, pg_engine
from dutyboard.store.base import ENTITY, Row
from dutyboard.store.connection import applied_migrations, connect, storage_error
from dutyboard.store.contacts import ContactCommands
from dutyboard.store.dburl import DeskLocation, PostgresLocation, SqliteLocation
from dutyboard.store.engine import Connection
from dutyboard.store.errors import (
    Change,
    NotFound,
    ReadOnlyError,
    StaleEdit,
    StoreError,
    Unreachable,
    ValidationError,
    stale_version,
)
from dutyboard.store.jsontext import canonical_text
from dutyboard.store.leads import LeadCommands
from dutyboard.store.requests import RequestCommands
from dutyboard.store.sqltext import PHONE_E164_TABLES

# Columns a caller may set, per table. Anything else is refused, so a column name
# never comes from outside.
EDITABLE: dict[str, frozenset[str]] = {
    "requests": frozenset(
        [
            "received_at",
            "org",
            "requester",
            "phone",
            "email",
            "item",
            "quantity",
            "unit",
            "priority",
            "due_by",
            "status",
            "assignee",
            "notes",
            "extra",
            "source",
            "external_id",
            "content_hash",
            "raw",
        ]
    ),
    "leads": frozenset(
        [
            "supplier",
            "country",
            "contact_name",
            "phone",
            "email",
            "item",
            "quantity",
            "unit",
            "unit_price",
            "currency",
            "certification",
            "lead_time_days",
            "status",
            "closure_reason",
            "next_action_at",
            "next_action",
            "assignee",
            "notes",
            "extra",
            "source",
            "external_id",
            "content_hash",
            "raw",
        ]
    ),
    "contacts": frozenset(
        [
            "name",
            "kind",
            "org",
            "role",
            "country",
            "subdivision",
            "city",
            "tz",
            "work_hours",
            "weekend",
            "languages",
            "phone",
            "email",
            "wechat",
            "whatsapp",
            "tags",
            "notes",
            "last_contacted",
            "extra",
            "source",
            "external_id",
            "content_hash",
            "raw",
        ]
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "requests": ("org", "item"),
    "leads": ("supplier", "item"),
    "contacts": ("name",),
}

# Tables that keep a phone number's E.164 (``phone_e164``) beside it as typed: derived
# by the store from ``phone`` and ``country`` on every write, never set by a caller (the
# tables m130 gave the column).
PHONE_TABLES = frozenset(PHONE_E164_TABLES)

# Columns stored as given: the audit copy of the original bytes (shown only through the
# sanitiser). Everything else a caller writes is cleaned.
VERBATIM = frozenset({"raw"})
# Columns holding JSON text: cleaned inside their strings, "\u001b" escapes included.
JSON_TEXT = frozenset({"extra", "also", "settings"})


def clean_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The store's door: ``fields`` with every text made safe (:func:`clean_text`, not
    trimmed or cut: only what could drive a terminal or hide text goes), JSON text and
    mappings cleaned inside, :data:`VERBATIM` columns as they are. Idempotent."""
    values = dict(fields)
    texts_clean = _texts_clean((values,))
    if texts_clean and set(map(type, values.values())) <= _SCALARS:
        return values
    for key, value in values.items():
        if isinstance(value, str):
            if (texts_clean and type(value) is str) or key in VERBATIM:
                continue
            if key in JSON_TEXT:
                values[key] = clean_json_text(value)
            else:
                values[key] = clean_text(value, UNLIMITED, strip=False)
        elif isinstance(value, Mapping | list | tuple) and key not in VERBATIM:
            values[key] = clean_data(value, strip=False)
    return values


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _texts_clean(records: Iterable[Mapping[str, Any]]) -> bool:
    """Would cleaning leave every text of ``records`` as it is? One scan of them joined,
    not a call per field: nearly every record is plain (ingest has cleaned it already),
    and this runs for every row imported. ``raw`` is scanned too (cheaper than leaving
    it out; if it is not plain, the fields are cleaned one by one, ``raw`` left as it
    is). No "\\u" either: a JSON escape (of ESC…) in ``extra``. A ``str`` subclass is
    the desk's own enum value, not text from outside."""
    probe = "".join([v for f in records for v in f.values() if type(v) is str])
    return "\\u" not in probe and is_clean(probe)


def clean_name(name: object) -> str:
    """A person's name (officer, actor, assignee) as the store keeps it: clean, trimmed."""
    return clean_text(str(name or ""))


@dataclass(frozen=True)
class Shift:
    id: int
    officer: str
    started_at: str
    ended_at: str | None


class Store(RequestCommands, LeadCommands, ContactCommands):
    """One connection to the database, safe to call from one worker thread at a time.

    The commands of requests, leads and contacts live beside their feature
    (:mod:`dutyboard.store.requests`, :mod:`~dutyboard.store.leads`,
    :mod:`~dutyboard.store.contacts`); this class keeps the connection, transactions,
    generic record writes, the events log and shifts."""

    def __init__(
        self,
        conn: Connection,
        *,
        path: Path | None,
        readonly: bool,
        actor: str,
        clock: Clock = utcnow,
        location: DeskLocation | None = None,
    ) -> None:
        self.conn = conn
        # The SQLite file (None for a PostgreSQL desk, whose location is a URL).
        self.path = path
        self.location: DeskLocation = location or SqliteLocation(path or Path(":memory:"))
        self.postgres = engine.is_postgres(conn)
        # A PostgreSQL session that was lost: since when (UTC), and when a new one was
        # last tried (monotonic); data_version() counts on from where the last one was.
        self.unreachable_since: datetime | None = None
        self._revive_tried = 0.0
        self._version_base = 0
        self._version_seen = 0
        self._version_waited = -1  # the version last seen when wait_for_change began
        self.readonly = readonly
        self.actor = actor  # cleaned: see the property
        self.clock = clock
        # The region (ISO alpha-2) a number is read in when its record names no country:
        # the desk's (Config.phone_region), set by whoever opened the store for a desk.
        self.phone_region: str | None = None
        # The desk's zone (Config.timezone), set likewise: the times a notification says.
        self.desk_zone: str | None = None
        # Textual thread workers and the UI thread may both call in; sqlite3 objects
        # are not safe to share concurrently, so calls are serialised. (On PostgreSQL the
        # lock also replaces a lost session: see _DeskLock.)
        self._lock = _DeskLock(self)

    @classmethod
    def open(
        cls,
        path: Path | str | DeskLocation,
        *,
        readonly: bool = False,
        actor: str = "system",
        clock: Clock = utcnow,
    ) -> Store:
        """Open the desk at ``path``: a SQLite file, or a :class:`PostgresLocation`
        (whose database must hold a desk already: ``dutyboard init`` makes one).

        In a process that writes nothing (a leader's session: ``files.forbid_writes``)
        every store is read-only, whatever the caller asked."""
        readonly = readonly or files.writes_forbidden() is not None
        if isinstance(path, PostgresLocation):
            from dutyboard.store import pg_engine as pg

            conn = pg.open_desk(path, readonly=readonly)
            return cls(conn, path=None, readonly=readonly, actor=actor, clock=clock, location=path)
        if isinstance(path, SqliteLocation):
            path = path.path
        path = Path(path)
        return cls(
            connect(path, readonly=readonly), path=path, readonly=readonly, actor=actor, clock=clock
        )

    @property
    def actor(self) -> str:
        """Who is writing: goes into every event and onto records (assignee, signed_by…)."""
        return self._actor

    @actor.setter
    def actor(self, name: str) -> None:
        # From --user, the config, a form: as hostile as any text (an OSC 52 payload in
        # --user once reached a leader's clipboard on every repaint), so cleaned here.
        self._actor = clean_name(name)

    def close(self) -> None:
        with self._lock.as_is():  # a lost session is closed, not replaced first
            self.conn.close()

    def now(self) -> str:
        return to_iso(self.clock())

    # -- plumbing -------------------------------------------------------------------

    def data_version(self) -> int:
        """Changes when *another* connection commits; cheap enough to poll.

        On PostgreSQL a lost session (a server restart, a network cut, a failover) is
        replaced by a new one here, tried at most every :data:`REVIVE_S`; meanwhile this
        raises :class:`Unreachable`. The first read on the new session counts as a change,
        so whoever polls reads the desk again and catches up."""
        with self._lock:
            if not self.postgres:
                return int(self.conn.execute(engine.DATA_VERSION_SQL).fetchone()[0])
            conn = cast(pg_engine.PgConnection, self.conn)
            try:
                version = self._version_base + conn.data_version()
            except Exception:  # the driver's own error, read off the socket
                if not _lost(conn):
                    raise
                conn.raw.close()  # the session is gone: a new one, now
                self._revive()
                fresh = cast(pg_engine.PgConnection, self.conn)
                version = self._version_base + fresh.data_version()
            self._version_seen = version
            return version

    def wait_for_change(self, timeout: float, stop: threading.Event) -> bool:
        """Wait up to ``timeout`` seconds for another connection's commit, or for ``stop``;
        True when ``stop`` is set. Whoever polls :meth:`data_version` calls this between
        reads. SQLite sends no signal, so this is the poll's sleep. On PostgreSQL it
        returns as soon as something is on the session's socket (a commit elsewhere sends
        a notification there), so a change is read when it is sent, not at the next poll.
        A wait that follows one which brought nothing new (the socket was readable for the
        reply to a query running on the session) first pauses :data:`WAKE_FLOOR_S`, so
        such replies cannot make the poller spin; a wait after a change does not, so the
        notification of a commit is read at once (the pause used to come after every
        wake: 10 ms on every change's way to the screen)."""
        if not self.postgres:
            return stop.wait(timeout)
        if self._version_seen == self._version_waited and stop.wait(WAKE_FLOOR_S):
            return True
        self._version_waited = self._version_seen
        cast(pg_engine.PgConnection, self.conn).wait_readable(timeout)
        return stop.is_set()

    def _revive(self) -> None:
        """PostgreSQL: a new session in place of a lost one (see :meth:`data_version`),
        or :class:`Unreachable`. Never inside a transaction: its work was lost with the
        session, and the caller is told so (:meth:`transaction`)."""
        conn = cast(pg_engine.PgConnection, self.conn)
        if not _lost(conn):
            return
        now = time.monotonic()
        since = self.unreachable_since or self.clock()
        if now - self._revive_tried < REVIVE_S:
            raise self._unreachable(since, None)
        self._revive_tried = now
        try:
            fresh = pg_engine.open_desk(
                cast(PostgresLocation, self.location), readonly=self.readonly
            )
        except (StoreError, sqlite3.Error) as exc:
            self.unreachable_since = since
            raise self._unreachable(since, exc) from None
        with suppress(Exception):
            conn.close()
        self.conn = fresh
        self.unreachable_since = None
        self._version_base = self._version_seen + 1  # a change: read everything again

    def _begin_pg_write(self) -> Connection:
        """BEGIN and the desk's write lock, on a live session: one found lost (here, or by
        the BEGIN itself: nothing was begun, nothing is lost) is replaced first, or the
        write is refused with :class:`Unreachable`."""
        self._revive()
        conn = self.conn
        try:
            conn.execute(pg_engine.BEGIN_WRITE)
        except sqlite3.Error:
            if not self._gone(conn):
                raise
            self._revive_tried = 0.0  # try a new session now, not in a second
            self._revive()
            conn = self.conn
            conn.execute(pg_engine.BEGIN_WRITE)
        conn.execute(pg_engine.WRITE_LOCK_SQL)
        return conn

    def _unreachable(self, since: datetime, exc: BaseException | None) -> Unreachable:
        self.unreachable_since = since
        return Unreachable(
            _("the database {url} cannot be reached since {time} UTC; retrying").format(
                url=self.location.masked(), time=to_iso(since)[11:16]
            ),
            since,
        )

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One consistent snapshot for several queries, also on a read-only connection
        (WAL readers never block the writer). Inside a transaction, that transaction."""
        with self._lock:
            conn = self.conn
            own = not conn.in_transaction
            if own:
                conn.execute(pg_engine.BEGIN_READ if self.postgres else engine.BEGIN_READ)
            try:
                yield conn
            finally:
                if own and conn.in_transaction and not self._gone(conn):
                    conn.execute("COMMIT")

    def reader(self) -> Store:
        """A read-only connection of its own for long reads that a newer one may cancel
        (:meth:`interrupt`); this store itself where the file cannot be opened twice (an
        in-memory database)."""
        where: Path | DeskLocation = self.location if self.path is None else self.path
        try:
            return Store.open(where, readonly=True, actor=self.actor, clock=lambda: self.clock())
        except StoreError:
            return self

    def interrupt(self) -> None:
        """Cancel the query running on this connection, from any thread: it raises an
        error that :func:`dutyboard.store.engine.is_interrupted` recognises."""
        self.conn.interrupt()

    def engine_version(self) -> str:
        """The engine and its version, as ``check`` shows it: "SQLite 3.40.1",
        "PostgreSQL 15.8"."""
        with self._lock:
            if self.postgres:
                row = self.conn.execute("SHOW server_version").fetchone()
                return f"PostgreSQL {str(row[0]).split()[0]}"
            return f"SQLite {sqlite3.sqlite_version}"

    def schema_version(self) -> list[str]:
        with self._lock:
            if self.postgres:
                from dutyboard.store import pg_schema

                return pg_schema.schema_version(cast(pg_engine.PgConnection, self.conn).raw)
            return applied_migrations(cast(sqlite3.Connection, self.conn))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A short write transaction that holds the write lock from its first statement."""
        if self.readonly:
            raise ReadOnlyError(_("this session is read-only: nothing can be changed here"))
        conn = self.conn

        def rollback() -> None:
            # SQLite has already rolled back after some errors (a full disk, an I/O
            # error); a second ROLLBACK would fail and hide the error that matters.
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")

        def storage(exc: sqlite3.Error) -> StoreError | None:
            # A full disk, a read-only or damaged file… is one line for a person.
            if self.path is None:
                return None
            return storage_error(exc, self.path)

        with self._lock:
            try:
                if self.postgres:
                    conn = self._begin_pg_write()
                else:
                    conn.execute(engine.BEGIN_WRITE)
            except sqlite3.Error as exc:
                problem = storage(exc)
                if problem is None:
                    raise
                raise problem from exc
            try:
                yield conn
            except BaseException as exc:
                if self._gone(conn):
                    raise StoreError(
                        _(
                            "the connection to {url} was lost before the change was saved: "
                            "nothing was saved"
                        ).format(url=self.location.masked())
                    ) from exc
                rollback()
                problem = storage(exc) if isinstance(exc, sqlite3.Error) else None
                if problem is None:
                    raise
                raise problem from exc
            try:
                if self.postgres:
                    # Delivered to the other sessions on commit, never on a rollback.
                    conn.execute(pg_engine.NOTIFY_SQL)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._gone(conn):
                    # COMMIT was sent and no answer came: the server may have saved it.
                    raise StoreError(
                        _(
                            "the connection to {url} was lost while the change was being "
                            "saved: it may or may not be saved; look before doing it again"
                        ).format(url=self.location.masked())
                    ) from exc
                rollback()
                problem = storage(exc)
                if problem is None:
                    raise
                raise problem from exc

    def log_event(
        self,
        conn: Connection,
        entity: str,
        entity_id: int | None,
        action: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        *,
        at: str | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO events (at, actor, entity, entity_id, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                at or self.now(),
                self.actor,
                entity,
                entity_id,
                action,
                _dump(_clean_event(before)),
                _dump(_clean_event(after)),
            ),
        )

    def _gone(self, conn: Connection) -> bool:
        return self.postgres and _lost(cast(pg_engine.PgConnection, conn))

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self._lock:
            return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    # -- generic record writes --------------------------------------------------------

    def insert_record(
        self,
        conn: Connection,
        table: str,
        fields: Mapping[str, Any],
        *,
        at: str | None = None,
    ) -> int:
        """Insert into requests/leads/contacts inside an open transaction, with its event."""
        now = at or self.now()
        values = _prepared(table, fields, now, region=self.phone_region)
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(values.values()))
        new_id = int(cur.lastrowid or 0)
        self.log_event(conn, ENTITY[table], new_id, "create", None, _audit(values), at=now)
        return new_id

    def insert_records(
        self,
        conn: Connection,
        table: str,
        records: Sequence[Mapping[str, Any]],
        *,
        at: str | None = None,
        region: str | None = None,
    ) -> list[int | StoreError | sqlite3.IntegrityError]:
        """``insert_record`` for many records inside an open transaction.

        Each record is checked as ``insert_record`` checks it and stored with the same
        values, the same id (the next one, in order) and the same ``create`` event. The
        result holds, per record, its new id or the error that kept it out
        (``ValidationError``, ``sqlite3.IntegrityError``); a record that fails has no event
        and does not stop the others. Any other error propagates (the caller's
        transaction rolls back).

        Rows go in by ``executemany`` with their ids given; if the database refuses one,
        the batch is rolled back to a savepoint and inserted row by row instead, so only
        that row is left out. The events follow in one ``executemany``, in record order.
        ``region``: where a phone number without a country is read (a source's own,
        ``[[sources]] phone_region``), else the desk's (:attr:`phone_region`).
        """
        entity = ENTITY[_table(table)]
        now = at or self.now()
        # One scan tells whether the whole batch is clean already (an ingested file is).
        clean = _texts_clean(records)
        prepared: list[dict[str, Any] | StoreError] = []
        for fields in records:
            try:
                prepared.append(
                    _prepared(table, fields, now, clean=clean, region=region or self.phone_region)
                )
            except StoreError as error:
                prepared.append(error)
        conn.execute("SAVEPOINT insert_records")
        try:
            results = _insert_many(conn, table, prepared)
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO insert_records")
            results = _insert_each(conn, table, prepared)
        conn.execute("RELEASE insert_records")
        _sync_ids(conn, table)
        actor = self.actor
        events = []
        for stored, result in zip(prepared, results, strict=True):
            if isinstance(result, int) and isinstance(stored, dict):
                events.append(
                    (now, actor, entity, result, "create", None, canonical_text(_audit(stored)))
                )
        if events:
            conn.executemany(
                "INSERT INTO events (at, actor, entity, entity_id, action, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                events,
            )
        return results

    def update_record(
        self,
        conn: Connection,
        table: str,
        record_id: int,
        changes: Mapping[str, Any],
        *,
        action: str = "update",
        expected_version: int | None = None,
        region: str | None = None,
    ) -> Row:
        """Apply ``changes`` inside an open transaction; refuse a stale edit."""
        values = _checked(table, changes)
        row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise NotFound(f"{ENTITY[table]} #{record_id} does not exist")
        before = dict(row)
        if expected_version is not None and before["version"] != expected_version:
            raise self.stale_edit(
                conn, ENTITY[table], record_id, before["version"], expected_version
            )
        changed = {k: v for k, v in values.items() if before.get(k) != v}
        if not changed:
            return before
        derived: dict[str, Any] = {}  # stored with the change, not said by its event
        if table in PHONE_TABLES and ("phone" in changed or "country" in changed):
            number = stored_e164(
                changed.get("phone", before.get("phone")),
                changed.get("country", before.get("country")),
                region or self.phone_region,
            )
            if number != before.get("phone_e164"):
                derived = {"phone_e164": number}
        now = self.now()
        stored = {**changed, **derived}
        sets = ", ".join(f"{k} = ?" for k in stored)
        conn.execute(
            f"UPDATE {table} SET {sets}, updated_at = ?, version = version + 1 WHERE id = ?",
            (*stored.values(), now, record_id),
        )
        self.log_event(
            conn,
            ENTITY[table],
            record_id,
            action,
            {k: before.get(k) for k in changed},
            changed,
            at=now,
        )
        after = dict(before, **stored, updated_at=now, version=before["version"] + 1)
        return after

    def stale_edit(
        self,
        conn: Connection,
        entity: str,
        record_id: int,
        version: int,
        expected_version: int,
    ) -> StaleEdit:
        """The refusal of an edit made on version ``expected_version`` of a record now at
        ``version``, naming the latest change on it from the events log: who, what, when
        (``StaleEdit.change``; widgets say it in desk time)."""
        last = conn.execute(
            # "link" events do not change the record itself (its version stays).
            "SELECT actor, action, at, after FROM events WHERE entity = ? AND entity_id = ? "
            "AND action <> 'link' ORDER BY id DESC LIMIT 1",
            (entity, record_id),
        ).fetchone()
        what = shown_noun(entity)
        if last is None:
            return StaleEdit(stale_version(what, record_id, version, expected_version))
        try:
            after = json.loads(last["after"]) if last["after"] else None
        except ValueError:
            after = None
        change = Change(
            entity,
            record_id,
            clean_name(last["actor"]),
            str(last["action"]),
            str(last["at"]),
            after if isinstance(after, dict) else None,
            max(1, version - expected_version),
        )
        return StaleEdit(
            _("{what} #{id} was changed by someone else: {change}").format(
                what=what, id=record_id, change=change.describe()
            ),
            change,
        )

    def check_fresh(
        self, conn: Connection, table: str, record_id: int, expected_version: int | None
    ) -> None:
        """Refuse an edit of a record that changed since the user loaded it, before any
        other check: a status move it no longer allows is, to them, the same conflict."""
        if expected_version is None:
            return
        row = conn.execute(
            f"SELECT version FROM {_table(table)} WHERE id = ?", (record_id,)
        ).fetchone()
        if row is not None and row["version"] != expected_version:
            raise self.stale_edit(conn, ENTITY[table], record_id, row["version"], expected_version)

    # -- any record: read, assign, annotate ------------------------------------------------

    def get(self, table: str, record_id: int) -> Row:
        if table not in EDITABLE:
            raise ValueError(f"unknown table {table}")
        row = self._one(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
        if row is None:
            raise NotFound(
                _("{what} #{id} does not exist").format(
                    what=shown_noun(ENTITY[table]), id=record_id
                )
            )
        return row

    def assign(
        self, table: str, record_id: int, user: str | None, *, expected_version: int | None = None
    ) -> Row:
        """Give a request or lead to ``user`` (None: back to the unowned pool)."""
        if table not in ("requests", "leads"):
            raise ValidationError(_("{table} cannot be assigned").format(table=table))
        user = clean_name(user) or None
        with self.transaction() as conn:
            return self.update_record(
                conn,
                table,
                record_id,
                {"assignee": user},
                action="assign",
                expected_version=expected_version,
            )

    def add_note(
        self, table: str, record_id: int, text: str, *, expected_version: int | None = None
    ) -> Row:
        text = clean_text(text, UNLIMITED)
        if not text:
            raise ValidationError(_("a note cannot be empty"))
        with self.transaction() as conn:
            row = conn.execute(
                f"SELECT notes FROM {_table(table)} WHERE id = ?", (record_id,)
            ).fetchone()
            if row is None:
                raise NotFound(
                    _("{what} #{id} does not exist").format(
                        what=shown_noun(ENTITY[table]), id=record_id
                    )
                )
            return self.update_record(
                conn,
                table,
                record_id,
                {"notes": self._append_note(row["notes"], text)},
                action="note",
                expected_version=expected_version,
            )

    def _append_note(self, notes: str | None, text: str) -> str:
        stamp = f"[{self.now()[:16].replace('T', ' ')} {self.actor}] {text.strip()}"
        return f"{notes}\n{stamp}" if notes else stamp

    # -- shifts and handovers -----------------------------------------------------------

    def current_shift(self) -> Shift | None:
        row = self._one(
            "SELECT id, officer, started_at, ended_at FROM shifts WHERE ended_at IS NULL "
            "ORDER BY started_at DESC, id DESC LIMIT 1"
        )
        if row is None:
            return None
        row["officer"] = clean_name(row["officer"])  # a desk written before the rule
        return Shift(**row)

    def start_shift(self, officer: str) -> int:
        """Start a shift; an open shift of someone else is ended (taken over) and logged."""
        officer = clean_name(officer)
        if not officer:
            raise ValidationError(_("a shift needs an officer name"))
        with self.transaction() as conn:
            return self.start_shift_in(conn, officer)

    def start_shift_in(self, conn: Connection, officer: str) -> int:
        """`start_shift` inside a caller's transaction, so a handover's acknowledgement
        and the change of officer commit together."""
        officer = clean_name(officer)
        if not officer:
            raise ValidationError(_("a shift needs an officer name"))
        now = self.now()
        open_row = conn.execute(
            "SELECT id, officer FROM shifts WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        taken_from = None
        if open_row is not None:
            if clean_name(open_row["officer"]) == officer:
                return int(open_row["id"])
            taken_from = int(open_row["id"])
            conn.execute("UPDATE shifts SET ended_at = ? WHERE id = ?", (now, taken_from))
            self.log_event(conn, "shift", taken_from, "end", None, {"ended_at": now})
        cur = conn.execute(
            "INSERT INTO shifts (officer, started_at, taken_over_from) VALUES (?, ?, ?)",
            (officer, now, taken_from),
        )
        shift_id = int(cur.lastrowid or 0)
        self.log_event(
            conn,
            "shift",
            shift_id,
            "takeover" if taken_from else "start",
            None,
            {"officer": officer, "started_at": now, "taken_over_from": taken_from},
        )
        return shift_id

    def end_shift(self, shift_id: int) -> None:
        with self.transaction() as conn:
            self.end_shift_in(conn, shift_id)

    def end_shift_in(self, conn: Connection, shift_id: int) -> None:
        """`end_shift` inside a caller's transaction."""
        now = self.now()
        cur = conn.execute(
            "UPDATE shifts SET ended_at = ? WHERE id = ? AND ended_at IS NULL", (now, shift_id)
        )
        if cur.rowcount == 0:
            raise NotFound(_("shift #{id} is not open").format(id=shift_id))
        self.log_event(conn, "shift", shift_id, "end", None, {"ended_at": now})

    def last_handover(self) -> Row | None:
        return self._one("SELECT * FROM handovers ORDER BY id DESC LIMIT 1")

    def handover_items(self, handover_id: int) -> list[Row]:
        return self._all(
            "SELECT * FROM handover_items WHERE handover_id = ? ORDER BY id", (handover_id,)
        )

    def history(self, entity: str, entity_id: int, limit: int = 200) -> list[Row]:
        return self._all(
            "SELECT * FROM events WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT ?",
            (entity, entity_id, limit),
        )


def _table(table: str) -> str:
    if table not in EDITABLE:
        raise ValueError(f"unknown table {table!r}")
    return table


def _checked(table: str, fields: Mapping[str, Any], *, clean: bool = False) -> dict[str, Any]:
    """The fields a caller may set, cleaned (``clean``: their texts are known clean)."""
    allowed = EDITABLE[_table(table)] | {"created_at", "updated_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"{ENTITY[table]}: unknown field(s) {', '.join(sorted(unknown))}")
    values = dict(fields) if clean else clean_fields(fields)
    extra = values.get("extra")
    if isinstance(extra, Mapping):
        extra = clean_data(extra, strip=False) if clean else extra
        values["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True)
    return values


def _prepared(
    table: str,
    fields: Mapping[str, Any],
    now: str,
    *,
    clean: bool = False,
    region: str | None = None,
) -> dict[str, Any]:
    """A new record's checked values, with its required fields and its times, and the
    E.164 of its phone number (read in its country, else in ``region``)."""
    values = _checked(table, fields, clean=clean)
    for name in REQUIRED[table]:
        if not str(values.get(name) or "").strip():
            raise ValidationError(f"{ENTITY[table]}: {name} is required")
    if table in PHONE_TABLES and values.get("phone"):
        values["phone_e164"] = stored_e164(values["phone"], values.get("country"), region)
    values.setdefault("created_at", now)
    values.setdefault("updated_at", now)
    if table == "requests":
        values.setdefault("received_at", now)
    return values


_MAX_ROWID = 2**63 - 1


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def _insert_many(
    conn: Connection, table: str, prepared: list[dict[str, Any] | StoreError]
) -> list[int | StoreError | sqlite3.IntegrityError]:
    """Insert the checked records, giving each the id SQLite would: one past the largest.

    The caller holds the write lock (``BEGIN IMMEDIATE``), so nobody else takes an id
    in between. Records with the same columns go in by one ``executemany``.
    """
    last = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
    if last + len(prepared) >= _MAX_ROWID:  # SQLite would pick ids at random here
        return _insert_each(conn, table, prepared)
    results: list[int | StoreError | sqlite3.IntegrityError] = []
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for values in prepared:
        if not isinstance(values, dict):
            results.append(values)
            continue
        last += 1
        results.append(last)
        groups.setdefault(tuple(values), []).append((last, *values.values()))
    for columns, rows in groups.items():
        conn.executemany(_insert_sql(table, ("id", *columns)), rows)
    return results


# How often a lost PostgreSQL session is tried again (Store.data_version, transaction).
REVIVE_S = 1.0
WAKE_FLOOR_S = 0.01  # Store.wait_for_change: the least time between two PostgreSQL polls


class _DeskLock:
    """The store's lock (re-entrant, one thread at a time), which on PostgreSQL also puts
    a new session in place of a lost one whenever it is taken from outside, so every
    query of every module (they all run under it) meets a live session or
    :class:`Unreachable`. Only from outside: a transaction or a read snapshot holds the
    lock while it runs, and the work of one that lost its session must fail with it,
    never go on in a new session outside any transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.RLock()
        self._depth = 0  # changed only by the thread holding the lock

    def __enter__(self) -> _DeskLock:
        self._lock.acquire()
        self._depth += 1
        if self._depth == 1 and self._store.postgres:
            try:
                self._store._revive()
            except BaseException:
                self._depth -= 1
                self._lock.release()
                raise
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        """A query that failed because its session died under it (the server went away
        while it ran: "terminating connection due to administrator command") is
        :class:`Unreachable`, as the next one would be: what the reader shows stays, the
        header says why, nobody gets a driver's error. (A transaction says its own.)"""
        self._depth -= 1
        try:
            store = self._store
            if (
                self._depth == 0
                and store.postgres
                and isinstance(exc, sqlite3.Error)
                and _lost(cast(pg_engine.PgConnection, store.conn))
            ):
                raise store._unreachable(store.unreachable_since or store.clock(), exc) from exc
        finally:
            self._lock.release()

    @contextmanager
    def as_is(self) -> Iterator[None]:
        """The lock without replacing a lost session (to close it)."""
        with self._lock:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1


def _lost(conn: pg_engine.PgConnection) -> bool:
    """Is this PostgreSQL session gone (closed, broken, or its socket dead)?"""
    from psycopg import pq

    raw = conn.raw
    return bool(raw.closed or raw.broken or raw.pgconn.status != pq.ConnStatus.OK)


@contextmanager
def attempt(conn: Connection) -> Iterator[None]:
    """A statement or two inside an open transaction that may fail without ending it:
    on PostgreSQL a failed statement aborts its whole transaction, so the attempt runs in
    a savepoint that an error rolls back; SQLite undoes only the failed statement by
    itself, and no savepoint is spent there."""
    if not engine.is_postgres(conn):
        yield
        return
    conn.execute("SAVEPOINT attempt")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO SAVEPOINT attempt")
        conn.execute("RELEASE SAVEPOINT attempt")
        raise
    conn.execute("RELEASE SAVEPOINT attempt")


def _insert_each(
    conn: Connection, table: str, prepared: list[dict[str, Any] | StoreError]
) -> list[int | StoreError | sqlite3.IntegrityError]:
    """Insert the checked records one by one; a refused record keeps its error.

    On PostgreSQL each goes in with the id SQLite would give it (one past the largest;
    the caller holds the desk's write lock), so a refused record takes no id there
    either; :func:`_sync_ids` moves the key's sequence past them afterwards."""
    postgres = engine.is_postgres(conn)
    last = (conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0) if postgres else 0
    results: list[int | StoreError | sqlite3.IntegrityError] = []
    for values in prepared:
        if not isinstance(values, dict):
            results.append(values)
            continue
        try:
            with attempt(conn):
                if postgres:
                    row = (last + 1, *values.values())
                    cur = conn.execute(_insert_sql(table, ("id", *values)), row)
                else:
                    cur = conn.execute(_insert_sql(table, tuple(values)), tuple(values.values()))
        except sqlite3.IntegrityError as error:
            results.append(error)
            continue
        if postgres:
            last += 1
            results.append(last)
        else:
            results.append(int(cur.lastrowid or 0))
    return results


def _sync_ids(conn: Connection, table: str) -> None:
    """After rows went in with their ids given: on PostgreSQL, the key's sequence moves
    on to the largest id, so the next record without one gets the id after it (an
    explicit id does not move a sequence). SQLite needs nothing: it reads the largest."""
    if engine.is_postgres(conn):
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence(?, 'id'), max(id)) FROM {table} "
            "HAVING max(id) IS NOT NULL",
            (table,),
        )


# (phone_e164 is derived from the audited phone and country: the event need not say it.)
_NOT_AUDITED = frozenset({"raw", "created_at", "updated_at", "phone_e164"})


def _audit(values: Mapping[str, Any]) -> dict[str, Any]:
    # The raw payload is kept on the row itself; the event need not copy it. (A copy less
    # three keys: cheaper than a comprehension over every field, once per imported row.)
    audited = dict(values)
    for key in _NOT_AUDITED:
        audited.pop(key, None)
    return audited


def _clean_event(value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    # An event's before/after: names, notes and values from outside (or from a desk
    # written before the rule), cleaned like the columns; ``raw`` stays the audit copy.
    if value is None:
        return None
    if _texts_clean((value,)) and set(map(type, value.values())) <= _SCALARS:
        return value
    return {k: v if k in VERBATIM else clean_data(v, strip=False) for k, v in value.items()}


def _dump(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else canonical_text(value)


__all__ = ["JSON_TEXT", "VERBATIM", "Row", "Shift", "Store", "clean_fields", "clean_name"]
