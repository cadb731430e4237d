"""Write one parsed file (``ParseResult``) into the store, all or nothing.

One ``BEGIN IMMEDIATE`` transaction per file holds its ``ingest_runs`` row, its good rows
(each with its ``events`` row), its quarantine rows and the possible-duplicate links: a
crash leaves the file fully in or fully out.

Identity of a record is (source, external_id) when the source gives one, else (source,
content_hash) where the hash covers the kind and the canonical fields. Two rows of one
file with the same canonical fields are two records (the second one's hash also covers
its occurrence number), so re-reading the file still finds each of them again.

* same identity, same content (canonical fields and ``extra``) → unchanged, nothing written;
* same external id, new content → ``update_record`` (events keep before/after); lines the
  desk added to ``notes`` (``[2020-02-03 14:00 name] …``) are kept;
* otherwise → a new record: ``Store.insert_records`` stores them (and their ``create``
  events) 500 at a time, in file order, before any later row of the file updates one.

Fields the source stops sending are left as they are: silence is not deletion.

A file with a quarantined row, one that cannot be read, and one that decoded only lossily
keep their original bytes (``original_files``, once per content) in the same
transaction, so a retry (``dutyboard.ingest.retry``) can read them again and nothing is
lost; a clean file keeps nothing more. Each file also settles its source's health there
(``store.intake.Intake.note_file_result``): a bad file makes the source failing, a
later clean one clears it. The SQL of all this is the store's (``dutyboard.store.intake``).
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.limits import DEFAULT as DEFAULT_LIMITS
from dutyboard.domain.limits import Limits
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.ingest.decode import Decoded, watching_decodes
from dutyboard.ingest.records import Kind, ParsedRow, ParseResult, RowProblem, UnreadableFile
from dutyboard.store import Store
from dutyboard.store import quarantine as qstore
from dutyboard.store.intake import DUPLICATE_KEYS, ENTITY, Intake, QuarantineRow, bulk_cache, intake
from dutyboard.store.jsontext import canonical_bytes

Progress = Callable[[int, int], None]

MAX_ORIGINAL_CHARS = 1_000_000
MAX_MESSAGE_WARNINGS = 20
_CHUNK = 500  # new records inserted at a time
_PROGRESS_EVERY = 500
_BIG_FILE_ROWS = 5_000  # files with this many rows get a bigger page cache while written
# A line ``Store.add_note`` wrote: "[2020-02-03 14:00 li.wei] called back".
_DESK_NOTE = re.compile(r"^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2} [^\]\n]*\] ")


@dataclass
class IngestSummary:
    """What one file (or one feed page) did to the database."""

    source: str
    location: str
    kind: str
    format: str | None = None
    run_id: int | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    flagged: int = 0  # new records linked to a possible duplicate from another source
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # the file could not be read at all
    repeated_run: int | None = None  # an earlier run read the same bytes

    @property
    def result(self) -> str:
        if self.error is not None:
            return "unreadable"
        return "partial" if self.quarantined else "ok"

    @property
    def clean(self) -> bool:
        return self.error is None and self.quarantined == 0

    def line(self, name: str | None = None, *, tr: Callable[[str], str] = _) -> str:
        """One line for people: ``needs.csv: 3 new, 1 updated, 0 unchanged, 2 quarantined``,
        in the interface language; ``tr=in_english`` for a line that is logged or stored
        (the collector's log, a source's health)."""
        where = clean_text(name or self.location, limit=200).replace("\n", " ")
        return f"{where}: {self.outcome(tr=tr)}"

    def outcome(self, *, tr: Callable[[str], str] = _) -> str:
        """What the run did, without the file's name: ``3 new, 1 updated, …``, or why the
        file was not imported."""
        if self.error is not None:
            return tr(NOT_IMPORTED).format(error=self.error)
        text = tr(COUNTS).format(
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            quarantined=self.quarantined,
        )
        if self.flagged:
            text += tr(FLAGGED).format(n=self.flagged)
        if self.repeated_run is not None and self.quarantined:
            text += tr(REPEATED).format(run=self.repeated_run)
        return text


# The summary's words (English is the key; the Chinese is in dutyboard/locale/zh_CN_core.py,
# and tests/test_core_i18n.py checks each).
NOT_IMPORTED = "not imported: {error}"
COUNTS = "{added} new, {updated} updated, {unchanged} unchanged, {quarantined} quarantined"
FLAGGED = ", {n} possible duplicate(s) flagged"
REPEATED = " (already in quarantine from run #{run})"
SUMMARY_WORDS = (NOT_IMPORTED, COUNTS, FLAGGED, REPEATED)


def in_english(text: str) -> str:
    """The ``tr`` of a line that is logged or stored: the English key as it is."""
    return text


def content_hash(kind: str, fields: dict[str, object], occurrence: int = 1) -> str:
    """A stable hash of a record's canonical fields (and its occurrence in the file)."""
    payload: list[object] = [kind, fields]
    if occurrence > 1:
        payload.append(occurrence)
    return hashlib.sha256(canonical_bytes(payload)).hexdigest()[:32]


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileBytes:
    """A file's bytes as they arrived, and how they decoded: kept when the file needs
    them (a quarantined row, unreadable, a lossy decode)."""

    data: bytes
    name: str
    encoding: str | None = None  # None: not text (xlsx), or never decoded
    lossy: bool = False


def _problem_text(summary: IngestSummary, first: RowProblem | None) -> str | None:
    """Why this file leaves its source failing, in one line (None: it does not)."""
    if summary.error is not None:
        return summary.error
    if not summary.quarantined:
        return None
    text = f"{summary.quarantined} row{'s' if summary.quarantined != 1 else ''} quarantined"
    if first is not None:
        where = f"row {first.row_number}"
        if first.column:
            where += f", column {first.column}"
        text += f" (first: {where}: {first.reason})"
    return clean_text(text, limit=500)


def _extra_text(extra: dict[str, str]) -> str | None:
    return json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None


def _merge_notes(current: str | None, incoming: str) -> str:
    """The source's notes, followed by the lines the desk added to the record."""
    if not current:
        return incoming
    desk = [line for line in current.split("\n") if _DESK_NOTE.match(line)]
    return "\n".join([incoming, *desk]) if desk else incoming


def _original(data: bytes) -> str:
    text = data[:MAX_ORIGINAL_CHARS].decode("utf-8", errors="replace")
    if len(data) > MAX_ORIGINAL_CHARS:
        text += f"\n… ({len(data) - MAX_ORIGINAL_CHARS} more bytes not kept here)"
    return text


class _Writer:
    def __init__(
        self,
        store: Store,
        tx: Intake,
        summary: IngestSummary,
        table: Kind,
        window_hours: float,
        retrying: list[int] | None = None,
    ) -> None:
        self.store = store
        self.tx = tx
        self.summary = summary
        self.table = table
        self.retrying = retrying  # quarantine rows this run reads again (a retry)
        self.file_sha256: str | None = None
        self.first_problem: RowProblem | None = None
        self.window = timedelta(hours=window_hours) if window_hours > 0 else None
        # external id → (record id, content_hash, extra text); the id is None while the
        # record waits in ``pending`` to be inserted
        self.by_external: dict[str, tuple[int | None, str | None, str | None]] = {}
        # new records not inserted yet: (row, values); ``flush`` inserts them in one go
        self.pending: list[tuple[ParsedRow, dict[str, Any]]] = []
        self.by_hash: set[str] = set()
        self.failed: list[RowProblem] = []
        # One timestamp for the whole file: it is one transaction, one moment.
        self.now = store.now()
        self.others = (
            self.window is not None and table in DUPLICATE_KEYS and tx.others(table, summary.source)
        )
        # record time → (start, end) of its duplicate window
        self.windows: dict[str, tuple[str, str]] = {}

    def start_run(self, content_sha256: str | None) -> None:
        summary = self.summary
        self.file_sha256 = content_sha256
        # A retry reads the same bytes on purpose: its rows still bad are new open rows.
        if content_sha256 is not None and self.retrying is None:
            summary.repeated_run = self.tx.earlier_run(summary.source, content_sha256)
        summary.run_id = self.tx.start_run(
            source=summary.source,
            location=summary.location,
            started_at=self.now,
            kind=summary.kind,
            format=summary.format,
            content_sha256=content_sha256,
        )
        if self.retrying is not None:
            self.tx.mark_retried(self.retrying, summary.run_id)

    def load_existing(self, rows: list[tuple[ParsedRow, str]]) -> None:
        table, source = self.table, self.summary.source
        externals = sorted({row.external_id for row, _ in rows if row.external_id is not None})
        for record_id, external_id, digest, extra in self.tx.by_external_id(
            table, source, externals
        ):
            self.by_external[external_id] = (record_id, digest, extra)
        hashes = sorted({digest for row, digest in rows if row.external_id is None})
        self.by_hash.update(self.tx.known_hashes(table, source, hashes))

    def write(self, row: ParsedRow, digest: str) -> None:
        extra = _extra_text(row.extra)
        if row.external_id is None:
            if digest in self.by_hash:
                self.summary.unchanged += 1
                return
            self._insert(row, digest, extra)
            self.by_hash.add(digest)
            return
        known = self.by_external.get(row.external_id)
        if known is not None and known[0] is None:
            # The same id earlier in this file, not inserted yet: insert it now, so that
            # this row sees it as stored (or, if it was refused, as absent).
            self.flush()
            known = self.by_external.get(row.external_id)
        if known is None:
            self._insert(row, digest, extra)
            self.by_external[row.external_id] = (None, digest, extra)
            return
        record_id, old_digest, old_extra = known
        if old_digest == digest and old_extra == extra:
            self.summary.unchanged += 1
            return
        assert record_id is not None
        self.flush()  # the rows before this one go in (and are logged) before it changes
        changes: dict[str, Any] = dict(row.fields)
        if "notes" in changes:
            current = self.tx.notes(self.table, record_id)
            changes["notes"] = _merge_notes(current, str(changes["notes"]))
        changes.update(extra=extra, raw=row.raw, content_hash=digest)
        error = self.tx.update_record(self.table, record_id, changes)
        if error is not None:
            self._failed(row, f"the record could not be updated: {error}")
            return
        self.by_external[row.external_id] = (record_id, digest, extra)
        self.summary.updated += 1

    def _insert(self, row: ParsedRow, digest: str, extra: str | None) -> None:
        values: dict[str, Any] = dict(row.fields)
        values.update(
            source=self.summary.source,
            external_id=row.external_id,
            content_hash=digest,
            raw=row.raw,
            extra=extra,
        )
        self.pending.append((row, values))
        if len(self.pending) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        """Insert the pending new records (each with its ``create`` event) in one batch."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        now = self.now
        results = self.tx.insert_records(self.table, [values for _, values in pending], at=now)
        added: list[tuple[int, dict[str, Any]]] = []
        for (row, values), result in zip(pending, results, strict=True):
            if not isinstance(result, int):
                if row.external_id is not None:
                    del self.by_external[row.external_id]  # not stored after all
                self._failed(row, f"the record could not be stored: {result}")
                continue
            if row.external_id is not None:
                self.by_external[row.external_id] = (
                    result,
                    values["content_hash"],
                    values["extra"],
                )
            self.summary.added += 1
            added.append((result, values))
        if self.others and added:
            self._flag_duplicates(added)
        if self.table == "contacts" and added:
            self._flag_same_number([new_id for new_id, _ in added])

    def _flag_same_number(self, added: list[int]) -> None:
        """Flag and link each new contact whose number (E.164) an earlier contact has,
        from any source or from this file: one person entered twice, or a switchboard."""
        self.summary.flagged += self.tx.flag_same_number("contacts", added, at=self.now)

    def _failed(self, row: ParsedRow, reason: str) -> None:
        self.failed.append(RowProblem(row.row_number, None, clean_text(reason, 1000), row.raw))

    def _flag_duplicates(self, added: list[tuple[int, dict[str, Any]]]) -> None:
        """Flag and link the new records that look like another source's (same org, item
        and quantity within the window); one query for the whole batch.

        Only other sources' records can match, and this file adds none, so the batch
        finds what a query per record would, in record order.
        """
        assert self.window is not None
        org_column, time_column = DUPLICATE_KEYS[self.table]
        keys = []
        windows = self.windows
        for new_id, values in added:
            org, item, quantity = values.get(org_column), values.get("item"), values.get("quantity")
            if org is None or item is None or quantity is None:
                continue
            stamp = str(values.get(time_column) or self.now)
            window = windows.get(stamp)
            if window is None:  # a file's records often share a few times: each read once
                try:
                    moment = from_iso(stamp)
                except ValueError:
                    continue
                window = windows[stamp] = (
                    to_iso(moment - self.window),
                    to_iso(moment + self.window),
                )
            keys.append((new_id, org, item, quantity, *window))
        if not keys:
            return
        found = self.tx.possible_duplicates(self.table, keys, self.summary.source)
        now, entity = self.now, ENTITY[self.table]
        hours = self.window.total_seconds() / 3600
        for new_id, matches in found.items():
            self.summary.flagged += 1
            for other_id, other_source in matches:
                reason = (
                    f"same {org_column}, item and quantity as {entity} #{other_id} from source "
                    f"{other_source!r} within {hours:g} h"
                )
                self.tx.link_duplicate(self.table, new_id, other_id, reason, at=now)

    def quarantine(self, problems: Iterable[RowProblem]) -> None:
        summary = self.summary
        now = self.now
        sha = self.file_sha256
        problems = list(problems)
        if problems and self.first_problem is None:
            self.first_problem = problems[0]
        records: list[QuarantineRow] = [
            (
                summary.run_id,
                now,
                summary.source,
                summary.location,
                problem.row_number,
                problem.column,
                problem.reason,
                problem.raw,
                sha,
            )
            for problem in problems
        ]
        summary.quarantined += len(records)
        if summary.repeated_run is not None:
            return  # the same bytes were read before: their rows are in quarantine already
        self.tx.quarantine(records)

    def keep(self, original: FileBytes | None, *, needed: bool) -> None:
        """Keep the file's bytes when it needs them (``needed``: a bad row, unreadable)."""
        if original is None or self.file_sha256 is None or not (needed or original.lossy):
            return
        self.tx.keep_original(
            sha256=self.file_sha256,
            data=original.data,
            name=original.name,
            encoding=original.encoding,
            lossy=original.lossy,
        )

    def settle_health(self, clears: bool) -> None:
        """What this file does to its source's health (in its transaction)."""
        summary = self.summary
        self.tx.note_file_result(
            source=summary.source,
            kind=summary.kind,
            run_id=summary.run_id,
            location=summary.location,
            problem=_problem_text(summary, self.first_problem),
            sha256=self.file_sha256,
            repeated=summary.repeated_run is not None,
            clears=clears,
            retry=self.retrying is not None,
        )

    def finish_run(self) -> None:
        summary = self.summary
        message = "\n".join(summary.warnings[:MAX_MESSAGE_WARNINGS])
        if len(summary.warnings) > MAX_MESSAGE_WARNINGS:
            message += f"\n… and {len(summary.warnings) - MAX_MESSAGE_WARNINGS} more warnings"
        if summary.error is not None:
            message = summary.error
        self.tx.finish_run(
            summary.run_id,
            result=summary.result,
            added=summary.added,
            updated=summary.updated,
            unchanged=summary.unchanged,
            quarantined=summary.quarantined,
            flagged=summary.flagged,
            message=message or None,
        )
        news = (summary.quarantined or summary.error) and summary.repeated_run is None
        if summary.added or summary.updated or news:
            self.tx.log_event(
                "ingest_run",
                summary.run_id,
                "ingest",
                None,
                {
                    "source": summary.source,
                    "location": summary.location,
                    "result": summary.result,
                    "added": summary.added,
                    "updated": summary.updated,
                    "quarantined": summary.quarantined,
                    "flagged": summary.flagged,
                },
            )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while one file is read and written.

    A file's parsed rows stay alive until its transaction commits, and every full
    collection walks all of them again (about a tenth of a large file's time) to free
    nothing. Reference counting still frees everything else at once; the collector is
    switched back on (if it was on) as soon as the file is done, and catches up then.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _hashed(result: ParseResult) -> list[tuple[ParsedRow, str]]:
    seen: Counter[str] = Counter()
    rows = []
    for row in result.rows:
        digest = content_hash(result.kind, row.fields)
        if row.external_id is None:
            seen[digest] += 1
            if seen[digest] > 1:
                digest = content_hash(result.kind, row.fields, seen[digest])
        rows.append((row, digest))
    return rows


def write_result(
    store: Store,
    result: ParseResult,
    *,
    source: str,
    location: str,
    content_sha256: str | None = None,
    duplicate_window_hours: float = 24.0,
    progress: Progress | None = None,
    original: FileBytes | None = None,
    clears: bool = True,
    retrying: list[int] | None = None,
    phone_region: str | None = None,
) -> IngestSummary:
    """Write ``result`` in one transaction; return what happened.

    ``content_sha256`` (of the file's bytes) lets a second read of the same bytes skip
    re-adding its quarantine rows (the counts still say how many rows are bad).
    ``original`` is kept when a row is quarantined or the decode was lossy. A clean file
    clears its source's failure unless ``clears`` is false (a feed's later pages).
    ``retrying`` names the quarantine rows this run reads again: they become "retried"
    by it, and its bad rows are new open rows even though the bytes are the same.
    ``phone_region``: where phone numbers without a country are read (the source's),
    else the desk's (``Store.phone_region``).
    """
    summary = IngestSummary(
        source=source,
        location=clean_text(location, limit=2000),  # file names come from outside too
        kind=result.kind,
        format=result.format,
        warnings=list(result.warnings),
    )
    rows = _hashed(result)
    total = len(rows)
    # A large file's transaction gets a bigger page cache: its rows also go into indexes
    # at random places, whose pages the default cache would evict and read again.
    cache = bulk_cache(store) if total >= _BIG_FILE_ROWS else nullcontext()
    with cache, intake(store, region=phone_region) as tx:
        writer = _Writer(store, tx, summary, result.kind, duplicate_window_hours, retrying)
        writer.start_run(content_sha256)
        writer.load_existing(rows)
        for done, (row, digest) in enumerate(rows, 1):
            writer.write(row, digest)
            if progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
                writer.flush()  # what the progress counts is in the database
                progress(done, total)
        writer.flush()
        writer.quarantine([*result.problems, *writer.failed])
        writer.keep(original, needed=summary.quarantined > 0)
        writer.finish_run()
        writer.settle_health(clears)
    return summary


def record_unreadable(
    store: Store,
    *,
    source: str,
    location: str,
    kind: str,
    message: str,
    original: str | None,
    content_sha256: str | None = None,
    data: FileBytes | None = None,
    retrying: list[int] | None = None,
) -> IngestSummary:
    """A file that cannot be read at all: one run row and one quarantine row (and its
    bytes, ``data``, when they were read); its source is failing from it."""
    location = clean_text(location, limit=2000)
    summary = IngestSummary(source=source, location=location, kind=kind, error=message)
    with intake(store) as tx:
        writer = _Writer(store, tx, summary, "requests", 0, retrying)
        writer.start_run(content_sha256)
        if summary.repeated_run is None:
            tx.quarantine(
                [
                    (
                        summary.run_id,
                        store.now(),
                        source,
                        location,
                        None,
                        None,
                        message,
                        original,
                        content_sha256,
                    )
                ]
            )
        writer.keep(data, needed=True)
        writer.finish_run()
        writer.settle_health(True)
    return summary


def ingest_bytes(
    store: Store,
    data: bytes,
    name: str,
    *,
    kind: Kind,
    source: str,
    location: str | None = None,
    mapping: Mapping[str, str] | None = None,
    zone: str = "UTC",
    fmt: str | None = None,
    duplicate_window_hours: float = 24.0,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    force_kind: bool = False,
    clears: bool = True,
    retrying: list[int] | None = None,
    phone_region: str | None = None,
) -> IngestSummary:
    """Parse ``data`` and write it (see ``write_result``); unreadable data is recorded too.

    ``name`` guides format detection (its extension); ``location`` is what the run and
    the quarantine rows say (the file's path, the feed's URL), ``name`` by default.
    A file over one of ``limits`` is recorded as unreadable, the limit named; so is one
    whose columns clearly belong to another kind, unless ``force_kind`` (see
    ``parse.parse_bytes``). ``clears`` and ``retrying``: see ``write_result``.
    ``phone_region``: the source's country for phone numbers that name none (else the
    desk's, ``Store.phone_region``), one reading for the warnings and for what is stored.
    """
    from dutyboard.ingest.parse import parse_bytes  # the workbook reader and vobject load on demand

    where = location or name
    region = phone_region or store.phone_region
    digest = bytes_digest(data)
    with _gc_paused(), watching_decodes() as decodes:
        try:
            result = parse_bytes(
                data,
                name,
                kind,
                mapping=mapping,
                default_zone=zone,
                fmt=fmt,
                limits=limits,
                force_kind=force_kind,
                phone_region=region,
            )
        except UnreadableFile as error:
            message = str(error)
        else:
            return write_result(
                store,
                result,
                source=source,
                location=where,
                content_sha256=digest,
                duplicate_window_hours=duplicate_window_hours,
                progress=progress,
                original=_file_bytes(data, name, decodes),
                clears=clears,
                retrying=retrying,
                phone_region=region,
            )
    return record_unreadable(
        store,
        source=source,
        location=where,
        kind=kind,
        message=message,
        original=_original(data),
        content_sha256=digest,
        data=_file_bytes(data, name, decodes),
        retrying=retrying,
    )


def _file_bytes(data: bytes, name: str, decodes: list[Decoded]) -> FileBytes:
    last = decodes[-1] if decodes else None
    return FileBytes(
        data,
        name,
        encoding=last.encoding if last is not None else None,
        lossy=any(decoded.lossy for decoded in decodes),
    )


def quarantine_sample(store: Store, summary: IngestSummary, limit: int = 10) -> list[str]:
    """The first quarantined rows of a run, one line each, for people."""
    lines = []
    for row in qstore.run_rows(store, summary.repeated_run or summary.run_id, limit):
        # The reason is stored (in English); where it is, is said in the interface language.
        where = (
            _("row {n}").format(n=row["row_number"]) if row["row_number"] is not None else _("file")
        )
        if row["column_name"]:
            where += _(", column {name}").format(name=clean_text(row["column_name"], limit=80))
        lines.append(
            _("{where}: {reason}").format(where=where, reason=clean_text(row["reason"], limit=300))
        )
    return lines
