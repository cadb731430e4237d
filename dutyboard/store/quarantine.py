"""Quarantine as work an officer finishes, and which sources are failing.

A row ingest could not take (a quantity that is not a number, a file that cannot be read)
is a ``quarantine`` row, ``open`` until an officer resolves it:

* **retried** — its file was read again (``dutyboard.ingest.retry``, from the bytes kept
  in ``original_files``) after a mapping or config change: the new run's id is in
  ``retry_run_id``, rows that now import are records, rows still bad are new open rows of
  that run;
* **fixed** — the officer typed the record's fields: they are stored as a record through
  the store's normal write API (with its ``create`` event), ``record_id`` names it;
* **discarded** — with a reason, always.

Each resolution writes an ``events`` row (entity ``quarantine``) in its transaction.

A source is *failing* (:data:`FAILING_SQL`) from a failed fetch, scan or file until its
next success. A failed *file* keeps it failing until a later file from the source is
clean, or until an officer has resolved every open row of the source; a scan or a
``304 Not Modified`` in between changes nothing. The ingest writers note each file's
result (``dutyboard.store.intake.Intake.note_file_result``) inside its transaction, so a
file and the health it gives its source are committed together; a fetch's or scan's
health is ``dutyboard.store.sources.record_health``'s.

Listing is keyset-paged, open rows first, newest first (:func:`list_rows`), over the
``quarantine_state`` / ``quarantine_source_state`` indexes; nothing loads the table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any, NamedTuple

from dutyboard.domain.status import shown_word
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.store.base import ENTITY as RECORD_ENTITY
from dutyboard.store.engine import Connection
from dutyboard.store.errors import NotFound, StaleEdit, ValidationError
from dutyboard.store.store import Row, Store

STATES = ("open", "retried", "fixed", "discarded")
RESOLVED = ("retried", "fixed", "discarded")
ENTITY = "quarantine"
PAGE = 50
MAX_REASON_CHARS = 1000
MIN_SHA_PREFIX = 8
TABLE_OF_KIND = {"requests": "requests", "leads": "leads", "contacts": "contacts"}

# One definition of "failing", for the header, the status, the handover brief and check.
# The second half is the rule of desks written before m090 (a last error newer than the
# last success); every writer here keeps it false once a source has recovered.
FAILING_SQL = (
    "(failing_since IS NOT NULL OR (last_error_at IS NOT NULL "
    "AND (last_ok_at IS NULL OR last_error_at > last_ok_at)))"
)

_LIST_COLUMNS = (
    "q.id, q.run_id, q.at, q.source, q.location, q.row_number, q.column_name, q.reason, "
    "q.state, q.resolved_at, q.resolved_by, q.resolution, q.retry_run_id, q.record_id, "
    "q.file_sha256"
)


# Named tuples, not dataclasses: `dutyboard status` (a leader's SSH call) imports this
# module for FAILING_SQL, and a dataclass compiles its methods at import.


class Cursor(NamedTuple):
    """Where the next page starts: after row ``id`` of the open (or resolved) rows."""

    resolved: bool
    id: int


class Page(NamedTuple):
    rows: list[Row]
    next: Cursor | None  # None: nothing after these


class RetryTarget(NamedTuple):
    """One file to read again: its open rows of one source, and how it was read."""

    source: str
    sha256: str
    kind: str  # what the file was read as (requests, leads, contacts)
    name: str  # the name it came under (its extension guides format detection)
    location: str
    quarantine_ids: list[int]
    kept: bool = False  # are its original bytes in original_files?


def _rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    return [dict(r) for r in conn.execute(sql, tuple(params))]


# -- reading -----------------------------------------------------------------------------


def list_rows(
    store: Store,
    *,
    source: str | None = None,
    state: str | None = None,
    include_resolved: bool = False,
    after: Cursor | None = None,
    limit: int = PAGE,
) -> Page:
    """A page of quarantine rows: open ones first, newest first, then (``include_resolved``)
    the resolved ones, newest first. ``state`` lists only that state; ``source`` only that
    source's rows. ``after`` is the cursor of the page before."""
    if state is not None and state not in STATES:
        raise ValidationError(
            _("unknown quarantine state {state!r} (one of {choices})").format(
                state=state, choices=", ".join(STATES)
            )
        )
    limit = max(1, min(int(limit), 1000))
    phases: list[bool]  # resolved? in order
    if state is not None:
        phases = [state != "open"]
    else:
        phases = [False, True] if include_resolved else [False]
    rows: list[Row] = []
    with store._lock:
        conn = store.conn
        for resolved in phases:
            if after is not None and after.resolved and not resolved:
                continue  # the open rows are behind the cursor
            where = ["1"]
            params: list[Any] = []
            if state is not None:
                where.append("q.state = ?")
                params.append(state)
            elif resolved:
                where.append("q.state <> 'open'")
            else:
                where.append("q.state = 'open'")
            if source is not None:
                where.append("q.source = ?")
                params.append(source)
            if after is not None and after.resolved == resolved:
                where.append("q.id < ?")
                params.append(after.id)
            want = limit + 1 - len(rows)
            found = _rows(
                conn,
                f"SELECT {_LIST_COLUMNS} FROM quarantine q WHERE {' AND '.join(where)} "
                "ORDER BY q.id DESC LIMIT ?",
                [*params, want],
            )
            for row in found:
                row["resolved"] = resolved
            rows.extend(found)
            if len(rows) > limit:
                break
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    cursor = Cursor(bool(last["resolved"]), int(last["id"])) if (more and last) else None
    for row in rows:
        row.pop("resolved", None)
    return Page(rows, cursor)


def open_count(store: Store, source: str | None = None) -> int:
    """Open quarantine rows (of one source), counted from the state index."""
    params: tuple[str, ...] = ()
    with store._lock:
        if source is None:
            sql = "SELECT count(*) FROM quarantine WHERE state = 'open'"
        else:
            sql = "SELECT count(*) FROM quarantine WHERE source = ? AND state = 'open'"
            params = (source,)
        return int(store.conn.execute(sql, params).fetchone()[0])


def open_by_source(store: Store) -> dict[str, int]:
    with store._lock:
        return {
            str(name): int(n)
            for name, n in store.conn.execute(
                "SELECT source, count(*) FROM quarantine WHERE state = 'open' "
                "GROUP BY source ORDER BY source"
            )
        }


def run_rows(store: Store, run_id: int | None, limit: int = 10) -> list[Row]:
    """The first quarantine rows of one ingest run (``row_number``, ``column_name``,
    ``reason``), in the order they were written."""
    with store._lock:
        return _rows(
            store.conn,
            "SELECT row_number, column_name, reason FROM quarantine WHERE run_id = ? "
            "ORDER BY id LIMIT ?",
            (run_id, limit),
        )


def get_row(store: Store, quarantine_id: int) -> Row:
    """One row with everything about it: the original text, the run it came from (kind,
    format), and its file's kept bytes (size, name, encoding, lossy) — not the bytes."""
    with store._lock:
        found = store.conn.execute(
            "SELECT q.*, r.kind AS kind, r.format AS format, r.result AS run_result, "
            "f.size AS file_size, f.name AS file_name, f.encoding AS file_encoding, "
            "f.lossy AS file_lossy, f.sha256 IS NOT NULL AS file_kept "
            "FROM quarantine q LEFT JOIN ingest_runs r ON r.id = q.run_id "
            "LEFT JOIN original_files f ON f.sha256 = q.file_sha256 WHERE q.id = ?",
            (int(quarantine_id),),
        ).fetchone()
    if found is None:
        raise NotFound(_("quarantine row #{id} does not exist").format(id=quarantine_id))
    row = dict(found)
    row["file_kept"] = bool(row["file_kept"])
    row["file_lossy"] = bool(row["file_lossy"])
    return row


def _resolved_already(quarantine_id: int, row: Row) -> str:
    """Why a row that is no longer open cannot be acted on: who resolved it, when."""
    return _("quarantine row #{id} is {state} already (by {name} at {at})").format(
        id=quarantine_id,
        state=shown_word(str(row["state"])),
        name=clean_text(row["resolved_by"] or "?"),
        at=row["resolved_at"],
    )


def original_bytes(store: Store, sha256: str) -> bytes | None:
    """A file's bytes as they arrived, when they were kept."""
    with store._lock:
        found = store.conn.execute(
            "SELECT data FROM original_files WHERE sha256 = ?", (sha256,)
        ).fetchone()
    return bytes(found[0]) if found is not None else None


def original_file(store: Store, sha256: str) -> Row | None:
    """What is known of a kept file, without its bytes."""
    with store._lock:
        found = store.conn.execute(
            "SELECT sha256, size, name, encoding, lossy, kept_at FROM original_files "
            "WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
    return dict(found) if found is not None else None


def _sha_clause(sha256: str) -> tuple[str, list[Any]]:
    """The WHERE term finding a file by its SHA-256, or by a prefix of at least 8 digits."""
    text = sha256.strip().lower()
    if len(text) < MIN_SHA_PREFIX or any(ch not in "0123456789abcdef" for ch in text):
        raise ValidationError(
            _(
                "--file wants a file's SHA-256 (at least {digits} hex digits), as "
                "`dutyboard quarantine show ID` prints it"
            ).format(digits=MIN_SHA_PREFIX)
        )
    if len(text) >= 64:
        return "q.file_sha256 = ?", [text[:64]]
    return "substr(q.file_sha256, 1, ?) = ?", [len(text), text]


def retry_targets(
    store: Store,
    *,
    quarantine_id: int | None = None,
    sha256: str | None = None,
    source: str | None = None,
) -> list[RetryTarget]:
    """The files a retry reads again, each with the open rows it resolves.

    By one row (its file), by a file's SHA-256 (or a prefix of it), or every file of a
    source with open rows. Raises ``NotFound`` when there is nothing open to retry."""
    where = ["q.state = 'open'", "q.file_sha256 IS NOT NULL"]
    params: list[Any] = []
    what: str
    if quarantine_id is not None:
        row = get_row(store, quarantine_id)
        if row["state"] != "open":
            raise ValidationError(_resolved_already(quarantine_id, row))
        if row["file_sha256"] is None:
            raise ValidationError(
                _(
                    "quarantine row #{id}: its file's bytes were not kept (too big to read, "
                    "still changing, or from an import that keeps none), so there is nothing "
                    "to read again; put the file back in the drop folder, or discard the row"
                ).format(id=quarantine_id)
            )
        where += ["q.source = ?", "q.file_sha256 = ?"]
        params += [row["source"], row["file_sha256"]]
        what = _("quarantine row #{id}").format(id=quarantine_id)
    elif sha256 is not None:
        clause, values = _sha_clause(sha256)
        where.append(clause)
        params += values
        if source is not None:
            where.append("q.source = ?")
            params.append(source)
        what = _("file {sha256}").format(sha256=sha256.strip()[:64])
    elif source is not None:
        where.append("q.source = ?")
        params.append(source)
        what = _("source {name!r}").format(name=clean_text(source, limit=100))
    else:
        raise ValidationError(_("say what to retry: a quarantine row, --file SHA or --source NAME"))
    with store._lock:
        found = _rows(
            store.conn,
            "SELECT q.id, q.source, q.file_sha256, q.location, r.kind AS kind, "
            "f.name AS file_name, f.sha256 IS NOT NULL AS kept "
            "FROM quarantine q LEFT JOIN ingest_runs r ON r.id = q.run_id "
            "LEFT JOIN original_files f ON f.sha256 = q.file_sha256 "
            f"WHERE {' AND '.join(where)} ORDER BY q.id",
            params,
        )
    if not found:
        raise NotFound(_("{what}: no open quarantine rows to retry").format(what=what))
    targets: dict[tuple[str, str], RetryTarget] = {}
    for row in found:
        key = (str(row["source"]), str(row["file_sha256"]))
        target = targets.get(key)
        if target is None:
            location = str(row["location"])
            name = row["file_name"] or PurePosixPath(location).name or location
            target = targets[key] = RetryTarget(
                source=key[0],
                sha256=key[1],
                kind=str(row["kind"] or "requests"),
                name=str(name),
                location=location,
                quarantine_ids=[],
                kept=bool(row["kept"]),
            )
        target.quarantine_ids.append(int(row["id"]))
    return list(targets.values())


def clear_if_resolved(store: Store, conn: Connection, source: str) -> bool:
    """An officer resolved the last open row of a source failing from a file: it is not
    failing any more (a scan or fetch failure stays until the next good one)."""
    left = conn.execute(
        "SELECT 1 FROM quarantine WHERE source = ? AND state = 'open' LIMIT 1", (source,)
    ).fetchone()
    if left is not None:
        return False
    cur = conn.execute(
        "UPDATE sources SET last_ok_at = ?, failing_since = NULL, failing_file = NULL, "
        "failing_run_id = NULL WHERE name = ? AND failing_file IS NOT NULL",
        (store.now(), source),
    )
    if cur.rowcount:
        store.log_event(conn, "source", None, "cleared", None, {"source": source})
    return bool(cur.rowcount)


# -- failing sources (a fetch's or scan's health: ``store.sources.record_health``) ----------


def failing_count(store: Store) -> int:
    with store._lock:
        return int(
            store.conn.execute(f"SELECT count(*) FROM sources WHERE {FAILING_SQL}").fetchone()[0]
        )


def failing_sources(store: Store, limit: int = 100) -> list[Row]:
    """The failing sources, latest failure first, each with its open quarantine count."""
    with store._lock:
        return _rows(
            store.conn,
            "SELECT s.name, s.kind, s.failing_since, s.last_ok_at, s.last_error_at, "
            "s.last_error, s.failing_file, (SELECT count(*) FROM quarantine q "
            "WHERE q.source = s.name AND q.state = 'open') AS quarantine_open "
            f"FROM sources s WHERE {FAILING_SQL} "
            "ORDER BY coalesce(s.last_error_at, s.failing_since) DESC, s.name LIMIT ?",
            (limit,),
        )


# -- an officer's resolutions ----------------------------------------------------------------


def _open_row(conn: Connection, quarantine_id: int) -> Row:
    found = conn.execute(
        "SELECT q.*, r.kind AS kind FROM quarantine q LEFT JOIN ingest_runs r "
        "ON r.id = q.run_id WHERE q.id = ?",
        (int(quarantine_id),),
    ).fetchone()
    if found is None:
        raise NotFound(_("quarantine row #{id} does not exist").format(id=quarantine_id))
    row = dict(found)
    if row["state"] != "open":
        raise StaleEdit(_resolved_already(quarantine_id, row))
    return row


def fix_row(
    store: Store,
    quarantine_id: int,
    fields: Mapping[str, Any],
    *,
    note: str | None = None,
) -> int:
    """The officer's corrected fields of a quarantined row become a record (the store's
    ``insert_record``, with its ``create`` event) and the row is ``fixed``; returns the
    record's id. The record keeps the row's source and its original text as ``raw``. With
    an ``external_id`` the source already has a record for, that record is updated
    (``update_record``, a ``fix`` event with before and after) instead."""
    values = {key: value for key, value in fields.items() if value not in (None, "")}
    note_text = clean_text(note, limit=MAX_REASON_CHARS) if note else None
    with store.transaction() as conn:
        row = _open_row(conn, quarantine_id)
        table = TABLE_OF_KIND.get(str(row["kind"] or ""))
        if table is None:
            raise ValidationError(
                _("quarantine row #{id}: what kind of record it was is not known").format(
                    id=quarantine_id
                )
            )
        record = dict(values)
        record["source"] = row["source"]
        if row["original"] is not None:
            record.setdefault("raw", row["original"])
        existing = None
        if record.get("external_id"):
            # The row was the source's new version of a record the desk has: the fix
            # updates that record (its events keep before and after), never a twin.
            existing = conn.execute(
                f"SELECT id FROM {table} WHERE source = ? AND external_id = ?",
                (record["source"], record["external_id"]),
            ).fetchone()
        try:
            if existing is not None:
                record_id = int(existing[0])
                changes = {k: v for k, v in record.items() if k not in ("source", "external_id")}
                store.update_record(conn, table, record_id, changes, action="fix")
            else:
                record_id = store.insert_record(conn, table, record)
        except sqlite3.IntegrityError as error:
            raise ValidationError(
                _("the corrected record was refused: {error}").format(error=error)
            ) from None
        conn.execute(
            "UPDATE quarantine SET state = 'fixed', resolved_at = ?, resolved_by = ?, "
            "resolution = ?, record_id = ? WHERE id = ?",
            (store.now(), store.actor, note_text, record_id, row["id"]),
        )
        store.log_event(
            conn,
            ENTITY,
            int(row["id"]),
            "fix",
            {"state": "open"},
            {
                "state": "fixed",
                "record": f"{RECORD_ENTITY[table]} #{record_id}",
                "record_id": record_id,
                "fields": {k: v for k, v in values.items() if k != "raw"},
                "note": note_text,
            },
        )
        clear_if_resolved(store, conn, str(row["source"]))
    return record_id


def discard(store: Store, quarantine_ids: int | Iterable[int], reason: str) -> int:
    """Discard open rows, saying why (required); returns how many were discarded."""
    text = clean_text(reason or "", limit=MAX_REASON_CHARS)
    if not text:
        raise ValidationError(_("say why the row is discarded (--reason TEXT)"))
    ids = [quarantine_ids] if isinstance(quarantine_ids, int) else sorted(set(quarantine_ids))
    sources: set[str] = set()
    with store.transaction() as conn:
        now = store.now()
        for qid in ids:
            row = _open_row(conn, qid)
            conn.execute(
                "UPDATE quarantine SET state = 'discarded', resolved_at = ?, resolved_by = ?, "
                "resolution = ? WHERE id = ?",
                (now, store.actor, text, row["id"]),
            )
            store.log_event(
                conn,
                ENTITY,
                int(row["id"]),
                "discard",
                {"state": "open"},
                {"state": "discarded", "reason": text},
            )
            sources.add(str(row["source"]))
        for name in sorted(sources):
            clear_if_resolved(store, conn, name)
    return len(ids)


def history(store: Store, quarantine_id: int) -> list[Row]:
    """The events of one quarantine row (its resolutions), oldest first."""
    return store.history(ENTITY, int(quarantine_id))


__all__ = [
    "FAILING_SQL",
    "PAGE",
    "RESOLVED",
    "STATES",
    "Cursor",
    "Page",
    "RetryTarget",
    "discard",
    "failing_count",
    "failing_sources",
    "fix_row",
    "get_row",
    "history",
    "list_rows",
    "open_by_source",
    "open_count",
    "original_bytes",
    "original_file",
    "retry_targets",
    "run_rows",
]
