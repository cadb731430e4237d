"""The ingest sink's side of the store: what one file's transaction reads and writes.

``dutyboard.ingest.store_sink`` decides what a parsed file does to the desk (new, updated,
unchanged, quarantined, a possible duplicate); this module does it. :func:`intake` opens
the file's one write transaction (``Store.transaction``) and hands the sink an
:class:`Intake`: the identity lookups, the ``ingest_runs`` row, the records (through the
store's ``insert_records`` / ``update_record``, with their events), the possible-duplicate
links, the quarantine rows, the file's kept bytes (``original_files``, for a retry), the
quarantine rows a retry re-reads, and what the file does to its source's health (by the
rules of :mod:`dutyboard.store.quarantine`), all on that transaction. The sink never
holds a connection or the store's lock.

:func:`bulk_cache` gives a large file's transaction a bigger SQLite page cache while it
runs (see :mod:`dutyboard.store.engine`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import PurePosixPath
from typing import Any

from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.store.base import ENTITY
from dutyboard.store.contacts import flag_same_number, link_duplicate, same_number
from dutyboard.store.engine import Connection
from dutyboard.store.errors import StaleEdit, StoreError
from dutyboard.store.jsontext import canonical_bytes
from dutyboard.store.quarantine import ENTITY as QUARANTINE_ENTITY
from dutyboard.store.quarantine import MAX_REASON_CHARS, clear_if_resolved
from dutyboard.store.store import Store, _table, attempt

# Records that look alike across sources: (organisation column, time column).
DUPLICATE_KEYS = {"requests": ("org", "received_at"), "leads": ("supplier", "created_at")}
BULK_CACHE_KIB = 64 * 1024  # a large file's page cache (KiB), while its transaction runs
_CHUNK = 500  # identities looked up per query
# Up to five earlier records of other sources per new record (new id, org, item, quantity,
# window start, window end in the JSON array of the first parameter; the source is the
# second), each new record's in id order. CROSS JOIN keeps the new records outside, so
# each is one seek in the duplicate-key index.
_DUPLICATES_SQL = """
SELECT new_id, other_id, other_source FROM (
    SELECT k.value ->> 0 AS new_id, r.id AS other_id, r.source AS other_source,
           row_number() OVER (PARTITION BY k.value ->> 0 ORDER BY r.id) AS n
    FROM json_each(?) AS k CROSS JOIN {table} AS r
    WHERE r.{org} = k.value ->> 1 AND r.item = k.value ->> 2 AND r.quantity = k.value ->> 3
      AND r.{at} BETWEEN k.value ->> 4 AND k.value ->> 5
      AND r.source <> ? AND r.id <> k.value ->> 0
) AS alike
WHERE n <= 5
ORDER BY new_id, other_id
"""
# The same on PostgreSQL, whose ->> always gives text: the id and quantity are cast back.
_DUPLICATES_SQL_PG = """
SELECT new_id, other_id, other_source FROM (
    SELECT (k.value ->> 0)::bigint AS new_id, r.id AS other_id, r.source AS other_source,
           row_number() OVER (PARTITION BY k.value ->> 0 ORDER BY r.id) AS n
    FROM jsonb_array_elements(?::jsonb) AS k CROSS JOIN {table} AS r
    WHERE r.{org} = k.value ->> 1 AND r.item = k.value ->> 2
      AND r.quantity = (k.value ->> 3)::numeric
      AND r.{at} BETWEEN k.value ->> 4 AND k.value ->> 5
      AND r.source <> ? AND r.id <> (k.value ->> 0)::bigint
) AS alike
WHERE n <= 5
ORDER BY new_id, other_id
"""
_QUARANTINE_SQL = (
    "INSERT INTO quarantine (run_id, at, source, location, row_number, column_name, "
    "reason, original, file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

# One quarantine row as the sink hands it over: (run id, at, source, location, row
# number, column, reason, original text, the file's sha256).
QuarantineRow = tuple[
    int | None, str, str, str, int | None, str | None, str, str | None, str | None
]


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _short_where(location: str) -> str:
    name = PurePosixPath(location.split("?", 1)[0]).name
    return clean_text(name or location, limit=200).replace("\n", " ")


@contextmanager
def bulk_cache(store: Store) -> Iterator[None]:
    """A page cache of at least :data:`BULK_CACHE_KIB` for a large file's transaction.

    Each new row also goes into indexes at random places (content hash, due time,
    org/item); with SQLite's default 2 MB cache those pages are evicted and read back
    again and again. The connection's own setting is restored afterwards; the store's
    lock is held meanwhile, so nobody else's work runs with the bigger cache.
    """
    if store.postgres:  # the server's shared buffers are the server's business
        yield
        return
    with store._lock:
        conn = store.conn
        before = conn.execute("PRAGMA cache_size").fetchone()[0]
        kib = (
            -before
            if before < 0
            else before * conn.execute("PRAGMA page_size").fetchone()[0] // 1024
        )
        if kib < BULK_CACHE_KIB:
            conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            yield
        finally:
            if kib < BULK_CACHE_KIB:
                with suppress(sqlite3.Error):
                    conn.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def intake(store: Store, *, region: str | None = None) -> Iterator[Intake]:
    """One file's write transaction (``BEGIN IMMEDIATE``): all of it commits, or none.
    ``region``: where its phone numbers without a country are read (its source's), else
    the desk's."""
    with store.transaction() as conn:
        yield Intake(store, conn, region=region)


class Intake:
    """The reads and writes of one file's transaction (made by :func:`intake`)."""

    def __init__(self, store: Store, conn: Connection, *, region: str | None = None) -> None:
        self.store = store
        self._conn = conn
        self._region = region

    # -- identity ------------------------------------------------------------------

    def others(self, table: str, source: str) -> bool:
        """Does any other source have records in ``table``? (Two index seeks.)"""
        table = _table(table)
        for sql in (
            f"SELECT 1 FROM {table} WHERE source < ? LIMIT 1",
            f"SELECT 1 FROM {table} WHERE source > ? LIMIT 1",
        ):
            if self._conn.execute(sql, (source,)).fetchone() is not None:
                return True
        return False

    def by_external_id(
        self, table: str, source: str, external_ids: Sequence[str]
    ) -> Iterator[tuple[int, str, str | None, str | None]]:
        """(id, external id, content hash, extra) of the source's records with these ids."""
        table = _table(table)
        for chunk in _chunks(external_ids):
            marks = ",".join("?" * len(chunk))
            for found in self._conn.execute(
                f"SELECT id, external_id, content_hash, extra FROM {table} "
                f"WHERE source = ? AND external_id IN ({marks})",
                (source, *chunk),
            ):
                yield int(found[0]), found[1], found[2], found[3]

    def known_hashes(self, table: str, source: str, hashes: Sequence[str]) -> set[str]:
        """Which of ``hashes`` the source's records without an external id have."""
        table = _table(table)
        known: set[str] = set()
        for chunk in _chunks(hashes):
            marks = ",".join("?" * len(chunk))
            known.update(
                found[0]
                for found in self._conn.execute(
                    f"SELECT content_hash FROM {table} "
                    f"WHERE source = ? AND content_hash IN ({marks}) AND external_id IS NULL",
                    (source, *chunk),
                )
            )
        return known

    def notes(self, table: str, record_id: int) -> str | None:
        """A record's ``notes`` as stored (None: none, or no such record)."""
        found = self._conn.execute(
            f"SELECT notes FROM {_table(table)} WHERE id = ?", (record_id,)
        ).fetchone()
        return found[0] if found else None

    # -- the run ----------------------------------------------------------------------

    def earlier_run(self, source: str, content_sha256: str) -> int | None:
        """The first run of ``source`` that read these same bytes, if any."""
        earlier = self._conn.execute(
            "SELECT id FROM ingest_runs WHERE source = ? AND content_sha256 = ? "
            "ORDER BY id LIMIT 1",
            (source, content_sha256),
        ).fetchone()
        return int(earlier[0]) if earlier else None

    def start_run(
        self,
        *,
        source: str,
        location: str,
        started_at: str,
        kind: str,
        format: str | None,
        content_sha256: str | None,
    ) -> int:
        """The file's ``ingest_runs`` row; returns its id."""
        cur = self._conn.execute(
            "INSERT INTO ingest_runs (source, location, started_at, kind, format, content_sha256)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (source, location, started_at, kind, format, content_sha256),
        )
        return int(cur.lastrowid or 0)

    def finish_run(
        self,
        run_id: int | None,
        *,
        result: str,
        added: int,
        updated: int,
        unchanged: int,
        quarantined: int,
        flagged: int,
        message: str | None,
    ) -> None:
        """What the run came to, finished now."""
        self._conn.execute(
            "UPDATE ingest_runs SET finished_at = ?, result = ?, rows_added = ?, "
            "rows_updated = ?, rows_unchanged = ?, rows_quarantined = ?, rows_flagged = ?, "
            "message = ? WHERE id = ?",
            (
                self.store.now(),
                result,
                added,
                updated,
                unchanged,
                quarantined,
                flagged,
                message,
                run_id,
            ),
        )

    def log_event(
        self,
        entity: str,
        entity_id: int | None,
        action: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        self.store.log_event(self._conn, entity, entity_id, action, before, after)

    # -- records ------------------------------------------------------------------------

    def insert_records(
        self, table: str, records: Sequence[Mapping[str, Any]], *, at: str
    ) -> list[int | StoreError | sqlite3.IntegrityError]:
        """``Store.insert_records`` in this transaction: per record, its id or its error."""
        return self.store.insert_records(self._conn, table, records, at=at, region=self._region)

    def update_record(
        self, table: str, record_id: int, changes: Mapping[str, Any]
    ) -> StoreError | sqlite3.IntegrityError | None:
        """``Store.update_record`` (action ``ingest``); the error that refused it, or None."""
        try:
            with attempt(self._conn):
                self.store.update_record(
                    self._conn, table, record_id, changes, action="ingest", region=self._region
                )
        except (StoreError, sqlite3.IntegrityError) as error:
            return error
        return None

    def possible_duplicates(
        self, table: str, keys: list[tuple[Any, ...]], source: str
    ) -> dict[int, list[tuple[int, str]]]:
        """New record id → up to five (id, source) of other sources' records alike.

        ``keys``: per new record (id, org, item, quantity, window start, window end), in
        one query (the records of :data:`DUPLICATE_KEYS`' columns).
        """
        org_column, time_column = DUPLICATE_KEYS[_table(table)]
        found: dict[int, list[tuple[int, str]]] = {}
        for new_id, other_id, other_source in self._conn.execute(
            (_DUPLICATES_SQL_PG if self.store.postgres else _DUPLICATES_SQL).format(
                table=table, org=org_column, at=time_column
            ),
            (canonical_bytes(keys).decode("utf-8"), source),
        ):
            found.setdefault(int(new_id), []).append((int(other_id), str(other_source)))
        return found

    def same_number(self, table: str, ids: Sequence[int]) -> list[tuple[int, int, str]]:
        """:func:`dutyboard.store.contacts.same_number` in this transaction."""
        return same_number(self._conn, table, ids)

    def flag_same_number(self, table: str, ids: Sequence[int], *, at: str) -> int:
        """:func:`dutyboard.store.contacts.flag_same_number` in this transaction."""
        return flag_same_number(self.store, self._conn, table, ids, at=at)

    def link_duplicate(
        self, table: str, record_id: int, other_id: int, reason: str, *, at: str
    ) -> None:
        """Link a new record to one that looks like it, with an event on each."""
        link_duplicate(self.store, self._conn, table, record_id, other_id, reason, at=at)

    # -- quarantine and health ------------------------------------------------------------

    def quarantine(self, rows: Iterable[QuarantineRow]) -> None:
        """Quarantine rows of this run (see :data:`QuarantineRow`)."""
        self._conn.executemany(_QUARANTINE_SQL, rows)

    def keep_original(
        self,
        *,
        sha256: str,
        data: bytes,
        name: str,
        encoding: str | None,
        lossy: bool,
    ) -> None:
        """Keep a file's bytes, once per content (inside the caller's transaction)."""
        self._conn.execute(
            "INSERT INTO original_files (sha256, data, size, name, encoding, lossy, "
            "kept_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                sha256,
                sqlite3.Binary(data),
                len(data),
                clean_text(name, limit=300) or "file",
                encoding,
                int(lossy),
                self.store.now(),
            ),
        )

    def mark_retried(self, quarantine_ids: Sequence[int], run_id: int) -> int:
        """The rows a retry run re-read become ``retried`` by it (inside its transaction).

        Raises ``StaleEdit`` when none of them is open any more (someone resolved them first):
        the caller's transaction, the new run with it, is rolled back."""
        ids = sorted({int(i) for i in quarantine_ids})
        if not ids:
            return 0
        now, actor = self.store.now(), self.store.actor
        still_open: list[int] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            still_open += [
                int(r[0])
                for r in self._conn.execute(
                    f"SELECT id FROM quarantine WHERE id IN ({marks}) AND state = 'open'", chunk
                )
            ]
        if not still_open:
            raise StaleEdit(
                _(
                    "these quarantine rows were resolved by someone else meanwhile; "
                    "nothing was retried"
                )
            )
        self._conn.executemany(
            "UPDATE quarantine SET state = 'retried', resolved_at = ?, resolved_by = ?, "
            "retry_run_id = ? WHERE id = ?",
            [(now, actor, run_id, qid) for qid in still_open],
        )
        for qid in still_open:
            self.store.log_event(
                self._conn,
                QUARANTINE_ENTITY,
                qid,
                "retry",
                {"state": "open"},
                {"state": "retried", "run_id": run_id},
            )
        return len(still_open)

    def note_file_result(
        self,
        *,
        source: str,
        kind: str,
        run_id: int | None,
        location: str,
        problem: str | None,
        sha256: str | None = None,
        repeated: bool = False,
        clears: bool = True,
        retry: bool = False,
    ) -> None:
        """What one file (or feed page) did to its source's health, in the file's transaction.

        ``problem`` (a file unreadable, rows quarantined, incomplete) makes the source failing
        until a later clean file, or until its quarantine is resolved; a ``sources`` row is
        made for a source that has none (``dutyboard ingest``'s ``cli``). The same bytes read
        again whose rows an officer has resolved already fail nothing. A clean file clears
        the failure (unless ``clears`` is false: a feed's later pages); a clean ``retry``
        clears it only once the source has no open rows left."""
        now = self.store.now()
        if problem is not None:
            if repeated and sha256 is not None and not self._file_open(source, sha256):
                return  # known, and settled by an officer: not news, not a failure
            self._conn.execute(
                "INSERT INTO sources (name, kind, location) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                (source, kind, "dutyboard ingest"),
            )
            text = f"{_short_where(location)}: {problem}"
            self._conn.execute(
                "UPDATE sources SET last_error_at = ?, last_error = ?, "
                "failing_since = coalesce(failing_since, ?), failing_file = ?, failing_run_id = ? "
                "WHERE name = ?",
                (now, clean_text(text, limit=MAX_REASON_CHARS), now, location, run_id, source),
            )
            return
        if retry:
            clear_if_resolved(self.store, self._conn, source)
        elif clears:
            self._conn.execute(
                "UPDATE sources SET last_ok_at = ?, failing_since = NULL, failing_file = NULL, "
                "failing_run_id = NULL WHERE name = ?",
                (now, source),
            )

    def _file_open(self, source: str, sha256: str) -> bool:
        return (
            self._conn.execute(
                "SELECT 1 FROM quarantine WHERE source = ? AND file_sha256 = ? AND state = 'open' "
                "LIMIT 1",
                (source, sha256),
            ).fetchone()
            is not None
        )


__all__ = [
    "BULK_CACHE_KIB",
    "DUPLICATE_KEYS",
    "ENTITY",
    "Intake",
    "QuarantineRow",
    "bulk_cache",
    "intake",
]
