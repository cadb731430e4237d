"""The collector: drop folders and HTTP feeds into the store, one lease-holding process.

Everything here is async and never blocks the event loop: file system calls, parsing and
SQLite writes run in ``asyncio.to_thread`` (the TUI may host the collector in-process).
The collector opens its own ``Store`` connection.

* **Lease** — one ``leases`` row named ``collector`` (holder ``host:pid``, ``expires_at``),
  taken at start, renewed every third of its life, released at the end. A second
  collector is refused with ``LeaseHeld`` naming the holder; an expired lease (a crashed
  collector) is taken over.
* **Drop folders** — files directly in the inbox; dotfiles, ``~``, ``.tmp``, ``.part``,
  ``.crdownload`` … are ignored, and a file is read only once its size and mtime have
  not changed for ``settle_seconds``. Events come from ``watchfiles.awatch``, and the
  folder is rescanned at start and every ``interval_seconds`` since events can be missed.
  Each file is one transaction (``store_sink``); only after it commits does the file move
  to ``processed/`` (or to ``quarantine/`` with an error note when it cannot be read
  at all). A crash in between leaves the file in the inbox: it is read again, finds
  everything unchanged and moves on.
* **A drop-folder writer is not trusted.** Entries are opened with ``O_NOFOLLOW`` and
  ``O_NONBLOCK`` and ``fstat``-ed, and only what was opened is read: symlinks, FIFOs,
  devices and folders are skipped with a logged reason. ``processed/`` and
  ``quarantine/`` must be real folders in the inbox (made 0700 when missing; a symlink
  there stops the source with an error); files are moved into them through a folder fd,
  and error notes are new 0600 files (``O_EXCL``) under a name made here, never the
  input's name as given. A settled file is read twice, ``settle_seconds`` apart (twice
  that when it ends mid-line or is not a complete zip): it is imported only when both
  reads saw the same bytes of the same file, so a writer that pauses is caught before
  anything is written; one still changing after ``max_wait_seconds`` is quarantined as
  incomplete.
* **HTTP feeds** — ``httpx.AsyncClient``; conditional requests (ETag / Last-Modified, kept
  in ``sources``), a total deadline per request, retries with exponential backoff and
  jitter on network errors, timeouts, 429 and 5xx, pages followed through ``next`` (KoBo),
  ``@odata.nextLink`` (OData) or a ``Link: rel="next"`` header, on the same origin only
  (credentials never leave it). Each page is one transaction. Health goes to ``sources``.
  A 200 answer that is an HTML page (a login or error page) is a failed fetch.
* **Failing** — a failed fetch or scan makes a source failing until the next good one; a
  failed *file* (unreadable, a quarantined row, incomplete, or one that cannot be read or
  moved on disk) until a later file from the source is clean or an officer resolves its
  quarantine (``store.quarantine``): the scans in between, and a feed's ``304``, do not
  clear it. A feed's poll is its unit: only a clean first page clears an earlier failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import hashlib
import json
import os
import random
import re
import socket
import sqlite3
import stat
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from dutyboard.domain.clock import Clock, from_iso, to_iso, utcnow
from dutyboard.domain.text import clean_text, quote
from dutyboard.ingest.limits import DEFAULT as DEFAULT_LIMITS
from dutyboard.ingest.limits import Limits
from dutyboard.ingest.sources import MissingSecret, SourceConfig, resolve_headers
from dutyboard.ingest.store_sink import (
    IngestSummary,
    ingest_bytes,
    record_unreadable,
)
from dutyboard.store import Store, StoreError
from dutyboard.store import quarantine as qstore

if TYPE_CHECKING:
    # httpx is imported when a feed is polled: it loads rich and pygments for its own
    # CLI, which no other command (nor a folder-only collector) should pay for.
    import httpx

Log = Callable[[str], None]

LEASE_NAME = "collector"
PROCESSED = "processed"
QUARANTINE = "quarantine"
IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")
MAX_RETRY_DELAY = 300.0
MAX_REDIRECTS = 5
WATCH_READY_SECONDS = 1.0
USER_AGENT = "dutyboard-collector"


class LeaseHeld(StoreError):
    """Another collector holds the lease."""


class FeedError(Exception):
    """A feed could not be fetched; the message is one line for people."""


def lease_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _say(text: object, limit: int = 300) -> str:
    """Names and messages from outside, made safe for one log line."""
    return clean_text(str(text), limit=limit).replace("\n", " ")


# ------------------------------------------------------------------------- lease


def acquire_lease(store: Store, holder: str, seconds: float) -> str:
    """Take the collector lease (or take over an expired one); return its expiry.

    Raises ``LeaseHeld`` when another live holder has it.
    """
    now = store.clock()
    expires = to_iso(now + timedelta(seconds=seconds))
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT holder, expires_at FROM leases WHERE name = ?", (LEASE_NAME,)
        ).fetchone()
        if row is not None and row["holder"] != holder and from_iso(row["expires_at"]) > now:
            left = (from_iso(row["expires_at"]) - now).total_seconds()
            raise LeaseHeld(
                f"another collector is running: {_say(row['holder'], 120)} holds the lease "
                f"until {row['expires_at']} ({left:.0f} s from now unless it renews it); stop "
                "that one first, or if it crashed, start again once the lease has expired"
            )
        conn.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at",
            (LEASE_NAME, holder, expires),
        )
        if row is not None and row["holder"] != holder:
            store.log_event(
                conn,
                "lease",
                None,
                "takeover",
                {"holder": row["holder"], "expires_at": row["expires_at"]},
                {"holder": holder, "expires_at": expires},
            )
    return expires


def renew_lease(store: Store, holder: str, seconds: float) -> bool:
    """Extend our lease; False when it is no longer ours (someone took it over)."""
    expires = to_iso(store.clock() + timedelta(seconds=seconds))
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
            (expires, LEASE_NAME, holder),
        )
        return cur.rowcount == 1


def release_lease(store: Store, holder: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (LEASE_NAME, holder))


# ------------------------------------------------------------------------- sources table


def register_sources(store: Store, sources: list[SourceConfig]) -> None:
    """Make a ``sources`` row per configured source (settings name secrets, never hold them)."""
    with store.transaction() as conn:
        for source in sources:
            conn.execute(
                "INSERT INTO sources (name, kind, location, format, settings) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, "
                "location = excluded.location, format = excluded.format, "
                "settings = excluded.settings",
                (
                    source.name,
                    source.kind,
                    source.location(),
                    source.format,
                    json.dumps(source.settings(), ensure_ascii=False, sort_keys=True),
                ),
            )


def record_health(
    store: Store,
    name: str,
    *,
    error: str | None = None,
    latency_ms: float | None = None,
    validators: tuple[str | None, str | None] | None = None,
    file: str | None = None,
) -> None:
    """A success (``error`` None) or a failure of one fetch or scan of source ``name``.

    ``file``: the failure is that file's (it could not be read or moved), and keeps the
    source failing until a later file from it is clean, like a quarantined file does; a
    good scan or fetch in between does not clear it (``store.quarantine.record_check``).
    """
    qstore.record_check(
        store, name, error=error, latency_ms=latency_ms, validators=validators, file=file
    )


def source_validators(store: Store, name: str) -> tuple[str | None, str | None]:
    with store._lock:
        row = store.conn.execute(
            "SELECT etag, last_modified FROM sources WHERE name = ?", (name,)
        ).fetchone()
    return (row[0], row[1]) if row else (None, None)


# ------------------------------------------------------------------------- results


@dataclass
class CollectReport:
    """What a collector run did, for ``collect --once`` exit codes and tests."""

    files: int = 0
    pages: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    unreadable: int = 0
    failures: int = 0  # fetches or scans that failed
    not_modified: int = 0
    # files found changing after they were read (nothing written from that read, or, if
    # they changed during the import, left in the inbox to be read again) and files
    # quarantined as still changing after max_wait_seconds
    incomplete: int = 0
    lease_lost: bool = False
    summaries: list[IngestSummary] = field(default_factory=list)

    def add(self, summary: IngestSummary) -> None:
        self.summaries.append(summary)
        self.added += summary.added
        self.updated += summary.updated
        self.unchanged += summary.unchanged
        self.quarantined += summary.quarantined
        if summary.error is not None:
            self.unreadable += 1

    @property
    def clean(self) -> bool:
        return not (
            self.quarantined
            or self.unreadable
            or self.failures
            or self.incomplete
            or self.lease_lost
        )


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``; True when ``stop`` was set meanwhile."""
    if seconds <= 0:
        return stop.is_set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


# ------------------------------------------------------------------------- drop folders

# Opening an inbox entry: never through a symlink (ELOOP instead), never blocking on a
# FIFO (it opens at once and ``fstat`` says what it is), never as a controlling terminal.
_OPEN_INPUT = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_OPEN_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# An error note is always a new file: O_EXCL fails on anything already there, a dangling
# symlink included, so a note is never written through a link someone planted.
_OPEN_NOTE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
FOLDER_MODE = 0o700  # processed/ and quarantine/: owner-only, like the database
NOTE_MODE = 0o600
NOTE_SUFFIX = ".error.txt"
NOTE_NAME_BYTES = 150  # of the input's name (UTF-8), in its note's name
NAME_MAX_BYTES = 255  # the longest file name on common file systems
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.()+-]")  # \w is Unicode: 需求表 stays readable
_READ_CHUNK = 1 << 20
_ZIP_START = b"PK\x03\x04"
_ZIP_END = b"PK\x05\x06"  # end of central directory: the last record of a zip (xlsx)
_ZIP_TAIL = 22 + 65_535  # that record is within this many bytes of the end
# Line-based formats: a file of one of these that does not end with a line end may be
# cut mid-record, so it is watched longer before it is trusted.
_LINE_FORMATS = ("csv", "tsv", "jsonl", "hxl")
_LINE_SUFFIXES = (".csv", ".tsv", ".txt", ".jsonl", ".ndjson")

# (st_dev, st_ino, st_size, st_mtime_ns): the same file, unchanged
_Shape = tuple[int, int, int, int]


def _shape(info: os.stat_result) -> _Shape:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def is_candidate_name(name: str) -> bool:
    """Could a file of this name be finished data (not a temporary or partial file)?"""
    if not name or name.startswith((".", "~$")):  # dotfiles, Office lock files
        return False
    lowered = name.lower()
    return not lowered.endswith(IGNORED_SUFFIXES)


class UnsafeFolder(Exception):
    """processed/ or quarantine/ is a symlink or not a folder: nothing is moved into it."""


class _Skip(Exception):
    """An inbox entry that is not a regular file; the message says what it is."""


def _what_is(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _open_input(path: Path) -> tuple[int, os.stat_result]:
    """Open an inbox entry and ``fstat`` it: what is read is what was checked.

    Raises ``_Skip`` for a symlink, FIFO, device, socket or folder (a FIFO is opened
    non-blocking, so it never hangs the collector, and closed unread).
    """
    try:
        fd = os.open(path, _OPEN_INPUT)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink
            raise _Skip("a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Skip(_what_is(info.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def _read_fd(fd: int, limit: int) -> bytes:
    """Everything up to end of file, but never more than ``limit + 1`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(_READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _note_name(name: str, counter: int) -> str:
    """The error note's name, made here: no separators, controls or newlines, capped."""
    safe = _UNSAFE_NAME_CHARS.sub("_", name)  # surrogate-escaped bytes become "_" too
    safe = safe.encode("utf-8")[:NOTE_NAME_BYTES].decode("utf-8", "ignore").lstrip(".")
    safe = safe or "file"
    return f"{safe}{NOTE_SUFFIX}" if counter == 1 else f"{safe} ({counter}){NOTE_SUFFIX}"


def _numbered(name: str, counter: int) -> str:
    """``needs (2).csv``: the stem is cut so the name still fits the file system's limit."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 16:
        stem, dot, suffix = name, "", ""
    tail = f" ({counter}){dot}{suffix}"
    room = NAME_MAX_BYTES - len(os.fsencode(tail))
    return os.fsdecode(os.fsencode(stem)[:room]) + tail


def _taken(name: str, folder_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True  # something is there (a dangling link counts), or the name is unusable


def _free_name(folder_fd: int, name: str, *, note: bool) -> str:
    """A name in the folder that nothing (not even a dangling symlink) holds yet."""
    for counter in range(1, 10_000):
        target = name if counter == 1 else _numbered(name, counter)
        if not (_taken(target, folder_fd) or (note and _taken(_note_name(target, 1), folder_fd))):
            return target
    raise FileExistsError(errno.EEXIST, "no free name left for it")


def _write_note(folder_fd: int, target: str, text: str) -> str:
    """Create the error note for ``target`` as a new owner-only file; return its name."""
    data = text.encode("utf-8")
    for counter in range(1, 101):
        name = _note_name(target, counter)
        try:
            fd = os.open(name, _OPEN_NOTE, NOTE_MODE, dir_fd=folder_fd)
        except FileExistsError:
            continue  # someone's file, link or an earlier note: never reused
        try:
            os.fchmod(fd, NOTE_MODE)  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        return name
    raise FileExistsError(errno.EEXIST, "no free name for the error note")


@dataclass
class _Pending:
    """A file seen in the inbox and not yet imported."""

    shape: _Shape
    since: float  # monotonic time since when it has looked like this
    first_seen: float  # when it was first seen unfinished; max_wait_seconds counts from here


@dataclass(frozen=True)
class _Look:
    """A settled file as first read: which file, what it held, does it look unfinished."""

    shape: _Shape
    digest: bytes | None  # sha256 of its bytes; None when over max_bytes (not read)
    unfinished: str | None = None  # why it may still be being written


@dataclass
class _Done:
    """What reading a file again after the hold came to."""

    summary: IngestSummary | None = None  # what was committed, if anything
    changed: str | None = None  # it changed: why it stays in the inbox


class FolderWatcher:
    """One drop folder: find finished files, ingest each, move it out of the inbox.

    A file is read in two passes (``_first_look``, then ``_ingest``) with a hold of
    ``settle_seconds`` between them (twice that when it looks unfinished); it is
    imported only when both passes saw the same file with the same bytes and the path
    still names it, so a writer that pauses longer than the settle time is caught
    before anything is written. A file that keeps changing for ``max_wait_seconds`` is
    quarantined as incomplete.
    """

    def __init__(self, collector: Collector, source: SourceConfig) -> None:
        assert source.path is not None
        self.collector = collector
        self.source = source
        self.inbox = Path(os.path.abspath(source.path))
        self.pending: dict[Path, _Pending] = {}
        # files that failed to be read: left alone until they change
        self.failed: dict[Path, _Shape] = {}
        # files still changing after max_wait_seconds: to be quarantined
        self.overdue: set[Path] = set()
        # inbox entries that are not regular files, by name → what they are (logged once)
        self.skipped: dict[str, str] = {}
        # False while processed/ or quarantine/ is unsafe: nothing is read then, since
        # nothing read could be moved out of the inbox
        self.folders_ok = True
        self.hints: set[Path] = set()
        self.wake = asyncio.Event()

    def log(self, message: str) -> None:
        self.collector.log(f"{_say(self.source.name, 100)}: {message}")

    # -- runs in a worker thread -------------------------------------------------------

    def _folder(self, name: str) -> int:
        """An open fd of ``inbox/name``, created owner-only if missing.

        Raises ``UnsafeFolder`` when it is a symlink or not a folder: files moved
        through a link would leave the inbox for wherever it points.
        """
        path = self.inbox / name
        created = False
        try:
            return os.open(path, _OPEN_FOLDER)
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):  # another process made it meanwhile
                os.mkdir(path, FOLDER_MODE)
                created = True
        except OSError as error:
            if error.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            raise self._unsafe(path) from None
        try:
            fd = os.open(path, _OPEN_FOLDER)
        except OSError as error:
            if error.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            raise self._unsafe(path) from None
        try:
            # Through the fd, not the path: a link swapped in meanwhile is not followed.
            if created and stat.S_IMODE(os.fstat(fd).st_mode) != FOLDER_MODE:
                os.fchmod(fd, FOLDER_MODE)  # the umask may have widened or narrowed it
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _unsafe(self, path: Path) -> UnsafeFolder:
        try:
            what = _what_is(os.lstat(path).st_mode)
        except OSError:
            what = "not a folder"
        return UnsafeFolder(
            f"{path.name}/ in {_say(self.inbox)} is {what}, not a folder; nothing is read "
            f"or moved until it is replaced by a real folder (or removed)"
        )

    def _scan(self) -> tuple[list[Path], list[str]]:
        """The candidate files, and a line for each new entry skipped as not a file."""
        if not self.inbox.is_dir():
            raise FileNotFoundError(f"folder {self.inbox} does not exist")
        for sub in (PROCESSED, QUARANTINE):
            os.close(self._folder(sub))
        found = []
        skipped: dict[str, str] = {}
        with os.scandir(self.inbox) as entries:
            for entry in entries:
                name = entry.name
                if not is_candidate_name(name) or name in (PROCESSED, QUARANTINE):
                    continue
                if entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
                    continue
                try:
                    skipped[name] = _what_is(entry.stat(follow_symlinks=False).st_mode)
                except OSError:
                    continue  # gone meanwhile
        notes = [
            f"{_say(name)} is {what}; skipped (only regular files are read)"
            for name, what in skipped.items()
            if self.skipped.get(name) != what
        ]
        self.skipped = skipped  # bounded by what is in the folder now
        return found, notes

    def _check(self, seen: list[Path], settle: float) -> list[Path]:
        """Note what ``seen`` looks like now; return the files stable for ``settle`` s.

        Files changing for longer than ``max_wait_seconds`` go to ``self.overdue``.
        """
        now = time.monotonic()
        max_wait = self.source.max_wait_seconds
        ready = []
        for path in {*seen, *self.pending}:
            try:
                info = os.stat(path, follow_symlinks=False)
            except OSError:
                self.pending.pop(path, None)
                self.failed.pop(path, None)
                continue
            if not stat.S_ISREG(info.st_mode):
                self.pending.pop(path, None)
                continue
            shape = _shape(info)
            if self.failed.get(path) == shape:
                continue
            self.failed.pop(path, None)
            entry = self.pending.get(path)
            if entry is None or entry.shape != shape:
                first_seen = now if entry is None else entry.first_seen
                entry = self.pending[path] = _Pending(shape, now, first_seen)
            if now - entry.since >= settle:
                ready.append(path)
            elif now - entry.first_seen >= max_wait:
                self.overdue.add(path)
        return sorted(ready, key=lambda p: (self.pending[p].shape[3], p.name))

    def _restart_wait(self, path: Path) -> None:
        """It changed after it looked settled: wait for it again (max_wait keeps counting)."""
        entry = self.pending.get(path)
        try:
            shape = _shape(os.stat(path, follow_symlinks=False))
        except OSError:
            self.pending.pop(path, None)
            return
        first_seen = entry.first_seen if entry is not None else time.monotonic()
        self.pending[path] = _Pending(shape, time.monotonic(), first_seen)

    def _unfinished(self, name: str, head: bytes, tail: bytes) -> str | None:
        """Why the bytes read may be a file still being written (None: they look whole)."""
        if head.startswith(_ZIP_START):
            return None if _ZIP_END in tail else "it is not a complete zip archive"
        fmt = self.source.format
        line_based = fmt in _LINE_FORMATS or (fmt is None and name.lower().endswith(_LINE_SUFFIXES))
        if line_based and tail and not tail.endswith(b"\n"):
            return "its last line has no line end"
        return None

    def _read_error(self, path: Path, error: OSError) -> FeedError:
        entry = self.pending.pop(path, None)
        if entry is not None:
            self.failed[path] = entry.shape  # tried again once the file changes
        return FeedError(
            f"{_say(path.name)}: cannot be read ({error.strerror or error}); it stays in the inbox"
        )

    def _first_look(self, path: Path) -> _Look | None:
        """First pass: hash the settled file through an fd; None when it changed or went."""
        try:
            fd, info = _open_input(path)
        except FileNotFoundError:
            self.pending.pop(path, None)
            return None  # taken away meanwhile
        except _Skip:
            self.pending.pop(path, None)
            raise
        except OSError as error:
            raise self._read_error(path, error) from None
        try:
            expected = self.pending.get(path)
            if expected is not None and _shape(info) != expected.shape:
                self._restart_wait(path)  # swapped or changed since it settled
                return None
            if info.st_size > self.source.max_bytes:
                return _Look(_shape(info), None)
            digest = hashlib.sha256()
            head = tail = b""
            while chunk := os.read(fd, _READ_CHUNK):
                digest.update(chunk)
                head = head or chunk[:4]
                tail = (tail + chunk)[-_ZIP_TAIL:]
            after = os.fstat(fd)
        except OSError as error:
            raise self._read_error(path, error) from None
        finally:
            os.close(fd)
        if _shape(after) != _shape(info):
            self._restart_wait(path)
            return None
        return _Look(_shape(info), digest.digest(), self._unfinished(path.name, head, tail))

    def _ingest(self, path: Path, look: _Look) -> _Done | None:
        """Second pass, after the hold: read again, check it is the same, import, move."""
        source, store = self.source, self.collector.store
        assert store is not None
        try:
            fd, info = _open_input(path)
        except FileNotFoundError:
            self.pending.pop(path, None)
            return None
        except _Skip:
            self.pending.pop(path, None)
            raise
        except OSError as error:
            raise self._read_error(path, error) from None
        try:
            if _shape(info) != look.shape:
                data = None
            elif look.digest is None:
                message = (
                    f"{_say(path.name)} is {info.st_size:,} bytes, more than max_bytes "
                    f"({source.max_bytes:,}); it was not read"
                )
                summary = record_unreadable(
                    store,
                    source=source.name,
                    location=str(path),
                    kind=source.kind,
                    message=message,
                    original=None,
                )
                self._move(path, summary)
                return _Done(summary)
            else:
                data = _read_fd(fd, source.max_bytes)
                if _shape(os.fstat(fd)) != look.shape:
                    data = None
        except OSError as error:
            raise self._read_error(path, error) from None
        finally:
            os.close(fd)
        reason = look.unfinished or "it was still being written"
        if (
            data is None
            or len(data) != look.shape[2]
            or hashlib.sha256(data).digest() != look.digest
            or not self._still(path, look.shape)
        ):
            self._restart_wait(path)
            return _Done(changed=f"changed while or after it was read ({reason})")
        summary = ingest_bytes(
            store,
            data,
            path.name,
            kind=source.kind,
            source=source.name,
            location=str(path),
            mapping=dict(source.mapping),
            zone=source.zone,
            fmt=source.format,
            duplicate_window_hours=source.duplicate_window_hours,
            limits=self.collector.limits,
            force_kind=source.force_kind,
        )
        if not self._still(path, look.shape):
            # It changed while it was imported: what was read is in, but the file now on
            # disk is another; it stays in the inbox and is read again once it settles
            # (records read already are found unchanged).
            self._restart_wait(path)
            return _Done(summary, changed="changed while it was being imported")
        self._move(path, summary)
        return _Done(summary)

    @staticmethod
    def _still(path: Path, shape: _Shape) -> bool:
        """Does ``path`` still name the file read, unchanged?"""
        try:
            return _shape(os.stat(path, follow_symlinks=False)) == shape
        except OSError:
            return False

    def _give_up(self, path: Path) -> IngestSummary | None:
        """A file still changing after max_wait_seconds goes to quarantine as incomplete."""
        source, store = self.source, self.collector.store
        assert store is not None
        entry = self.pending.get(path)
        try:
            info = os.stat(path, follow_symlinks=False)
        except OSError:
            self.pending.pop(path, None)
            return None
        if entry is None or not stat.S_ISREG(info.st_mode):
            self.pending.pop(path, None)
            return None
        waited = time.monotonic() - entry.first_seen
        message = (
            f"{_say(path.name)} kept changing for {waited:.0f} s, longer than "
            f"max_wait_seconds ({source.max_wait_seconds:g}); quarantined as incomplete, "
            "nothing from it was imported"
        )
        summary = record_unreadable(
            store,
            source=source.name,
            location=str(path),
            kind=source.kind,
            message=message,
            original=None,  # the file itself is kept in quarantine/
        )
        self._move(path, summary)
        return summary

    def _move(self, path: Path, summary: IngestSummary) -> None:
        entry = self.pending.pop(path, None)
        where = QUARANTINE if summary.error is not None else PROCESSED
        try:
            # Moved by name into the folder's fd: a folder swapped for a symlink after
            # the check is not followed.
            folder_fd = self._folder(where)
            try:
                target = _free_name(folder_fd, path.name, note=summary.error is not None)
                if summary.error is not None:
                    text = (
                        f"{summary.error}\n\nfile: {quote(path.name, 300)}\n"
                        f"moved to: {where}/{quote(target, 300)}\n"
                        f"source: {self.source.name}\nrun: {summary.run_id}\n"
                    )
                    _write_note(folder_fd, target, clean_text(text, limit=20_000) + "\n")
                os.replace(path, target, dst_dir_fd=folder_fd)
            finally:
                os.close(folder_fd)
        except (OSError, UnsafeFolder) as error:
            if entry is not None:
                self.failed[path] = entry.shape  # not read again until it changes
            reason = error.strerror or error if isinstance(error, OSError) else error
            raise FeedError(
                f"{_say(path.name)}: {summary.line(path.name)}, but it could not be moved to "
                f"{where}/ ({reason}); it stays in the inbox"
            ) from None

    # -- async -----------------------------------------------------------------------

    def _finished(self, summary: IngestSummary) -> None:
        self.collector.report.files += 1
        self.collector.report.add(summary)
        where = PROCESSED if summary.error is None else QUARANTINE
        self.log(f"{summary.line()} → {where}/")

    async def _file_failed(self, path: Path, error: Exception) -> None:
        """A file that could not be read or moved keeps its source failing (until a later
        file from it is clean): a failed file must never read as a quiet night."""
        await self.collector.health(self.source.name, error=str(error), file=str(path))

    async def _ingest_ready(
        self, ready: list[Path], stop: asyncio.Event | None, *, once: bool = False
    ) -> None:
        collector = self.collector
        report = collector.report
        overdue, self.overdue = sorted(self.overdue), set()
        for path in overdue:
            try:
                summary = await asyncio.to_thread(self._give_up, path)
            except FeedError as error:
                report.failures += 1
                self.log(str(error))
                await self._file_failed(path, error)
                continue
            if summary is not None:
                report.incomplete += 1
                self._finished(summary)
        looks: list[tuple[Path, _Look]] = []
        for path in ready:
            if stop is not None and stop.is_set():
                return
            try:
                look = await asyncio.to_thread(self._first_look, path)
            except _Skip as skip:
                self.log(f"{_say(path.name)} is {skip}; skipped (only regular files are read)")
                continue
            except FeedError as error:
                report.failures += 1
                self.log(str(error))
                await self._file_failed(path, error)
                continue
            if look is not None:
                looks.append((path, look))
        if not looks:
            return
        # Re-checked after reading: the bytes must stay the same for the settle time
        # (twice that when they end mid-line or mid-archive) before any is written.
        settle = self.source.settle_seconds
        hold = max(settle * (2 if look.unfinished else 1) for _, look in looks)
        if await _sleep_or_stop(collector.stop, hold):
            return
        for path, look in looks:
            if stop is not None and stop.is_set():
                return
            try:
                done = await asyncio.to_thread(self._ingest, path, look)
            except _Skip as skip:
                self.log(f"{_say(path.name)} is {skip}; skipped (only regular files are read)")
                continue
            except FeedError as error:
                report.failures += 1
                self.log(str(error))
                await self._file_failed(path, error)
                continue
            except (StoreError, sqlite3.Error) as error:
                # The database is busy or broken: the file stays; the next rescan retries.
                self.pending.pop(path, None)
                report.failures += 1
                message = f"{_say(path.name)}: not imported: {error}; the file stays in the inbox"
                self.log(message)
                await collector.health(self.source.name, error=message)
                continue
            if done is None:
                continue
            if done.changed is None:
                assert done.summary is not None
                self._finished(done.summary)
                continue
            # Never clean: what was read is not the file now on disk.
            report.incomplete += 1
            what = "nothing imported"
            if done.summary is not None:
                report.files += 1
                report.add(done.summary)
                what = f"what was read is in (run #{done.summary.run_id})"
            then = (
                "it stays in the inbox for the next run"
                if once
                else f"it is read again once unchanged for {settle:g} s (quarantined as "
                f"incomplete after {self.source.max_wait_seconds:g} s of changes)"
            )
            self.log(f"{_say(path.name)}: {done.changed}; {what}; {then}")

    async def _rescan(self) -> list[Path]:
        collector = self.collector
        try:
            found, notes = await asyncio.to_thread(self._scan)
        except (OSError, UnsafeFolder) as error:
            collector.report.failures += 1
            self.folders_ok = not isinstance(error, UnsafeFolder)
            if isinstance(error, UnsafeFolder):
                message = str(error)
            else:
                message = f"cannot scan the drop folder: {error.strerror or error}"
                if isinstance(error, FileNotFoundError) and not error.filename:
                    message = str(error)
            self.log(message)
            await collector.health(self.source.name, error=message)
            return []
        self.folders_ok = True
        for note in notes:
            self.log(note)
        await collector.health(self.source.name)
        return found

    async def once(self) -> None:
        """One pass: scan, let files settle, ingest the finished ones."""
        found = await self._rescan()
        if not found:
            return
        settle = self.source.settle_seconds
        await asyncio.to_thread(self._check, found, settle)
        if settle > 0:
            await asyncio.sleep(settle)
        ready = await asyncio.to_thread(self._check, found, settle)
        for path in sorted(set(found) - set(ready) - self.overdue):
            if path in self.pending:
                self.log(f"{_say(path.name)} is still being written; left for the next run")
        await self._ingest_ready(ready, None, once=True)

    async def _watch(self, stop_watch: asyncio.Event) -> None:
        """Hints from file-system events; missing some is fine (the rescans find them)."""
        from watchfiles import awatch

        inbox = self.inbox
        resolved = await asyncio.to_thread(inbox.resolve)

        def wanted(_change: object, name: str) -> bool:
            path = Path(name)
            return path.parent in (inbox, resolved) and is_candidate_name(path.name)

        try:
            async for changes in awatch(
                inbox,
                watch_filter=wanted,
                recursive=False,
                stop_event=stop_watch,
                debounce=200,
                step=50,
            ):
                # Keyed like the scans' paths, whatever form the watcher reports.
                self.hints.update(inbox / Path(name).name for _, name in changes)
                self.wake.set()
        except Exception as error:  # inotify limits, a vanished folder …
            if not stop_watch.is_set():
                self.log(
                    f"watching the folder failed ({type(error).__name__}: {_say(error, 200)}); "
                    "rescanning every "
                    f"{self.source.interval_seconds:g} s instead"
                )

    async def run(self, stop: asyncio.Event) -> None:
        stop_watch = asyncio.Event()
        watch_task: asyncio.Task[None] | None = None
        settle = self.source.settle_seconds
        next_scan = 0.0
        try:
            while not stop.is_set():
                seen: list[Path] = []
                if time.monotonic() >= next_scan:
                    seen = await self._rescan()
                    next_scan = time.monotonic() + self.source.interval_seconds
                    if watch_task is None and self.inbox.is_dir():
                        watch_task = asyncio.create_task(self._watch(stop_watch))
                        # A file arriving before the watcher is ready is missed by it:
                        # look again soon rather than a whole interval later.
                        next_scan = min(next_scan, time.monotonic() + WATCH_READY_SECONDS)
                hinted, self.hints = self.hints, set()
                self.wake.clear()
                seen.extend(path for path in hinted if is_candidate_name(path.name))
                if self.folders_ok:
                    ready = await asyncio.to_thread(self._check, seen, settle)
                    await self._ingest_ready(ready, stop)
                wait = max(0.0, next_scan - time.monotonic())
                if self.pending:
                    wait = min(wait, max(settle / 2, 0.05))
                if wait <= 0:  # a hold used the time up: wait_for(…, 0) would not await
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(stop.wait(), self.wake.wait()), timeout=wait)
        finally:
            stop_watch.set()
            if watch_task is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(watch_task, timeout=5)


async def _first(*waits: Awaitable[Any]) -> None:
    """Return when the first of ``waits`` is done; cancel the others."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


# ------------------------------------------------------------------------- HTTP feeds


@dataclass
class _Page:
    url: str
    status: int
    body: bytes
    headers: httpx.Headers
    latency_ms: float
    next_link: str | None = None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _same_site(url: str, target: str) -> bool:
    """Same host and port; only http → https may change the scheme."""
    (scheme, host), (new_scheme, new_host) = _origin(url), _origin(target)
    if new_scheme not in ("http", "https") or not new_host:
        return False
    if scheme == "http" and new_scheme == "https":
        return host.split(":")[0] == new_host.split(":")[0]
    return (scheme, host) == (new_scheme, new_host)


def _page_name(url: str, content_type: str) -> str:
    """A name whose extension helps format detection (content decides in the end)."""
    name = PurePosixPath(urlsplit(url).path).name or "feed"
    if "." not in name:
        lowered = content_type.lower()
        for marker, suffix in (
            ("json", ".json"),
            ("csv", ".csv"),
            ("spreadsheetml", ".xlsx"),
            ("vcard", ".vcf"),
        ):
            if marker in lowered:
                return name + suffix
    return name


_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)


def _html_page(page: _Page) -> str | None:
    """Why a 200 answer is an HTML page (a login, error or portal page), not data.

    HTML is no format dutyboard reads, and parsed as CSV it would be "ok, 0 rows".
    JSON mislabelled as ``text/html`` (common from small web apps) is still read.
    """
    content_type = page.headers.get("content-type", "").split(";")[0].strip().lower()
    head = page.body[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    if _HTML_START.match(head) or (
        content_type in _HTML_TYPES and not head.startswith((b"{", b"["))
    ):
        label = _say(content_type, 80) or "none"
        return (
            f"the feed answered with an HTML page (Content-Type {label}), not data: "
            "a login, error or portal page? Nothing was imported"
        )
    return None


def _json_next(body: bytes) -> str | None:
    head = body[:64].lstrip()
    if not head.startswith(b"{"):
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    for key in ("next", "@odata.nextLink"):
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


class FeedPoller:
    """One HTTP feed: poll every ``interval_seconds``, follow pages, keep health."""

    def __init__(self, collector: Collector, source: SourceConfig) -> None:
        assert source.url is not None
        self.collector = collector
        self.source = source

    def log(self, message: str) -> None:
        self.collector.log(f"{_say(self.source.name, 100)}: {message}")

    async def _fetch(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> _Page:
        """GET with a total deadline per attempt and retries with backoff and jitter."""
        import httpx

        source, stop = self.source, self.collector.stop
        attempts = source.retries + 1
        problem = "no attempt made"
        for attempt in range(attempts):
            retry_after: float | None = None
            started = time.monotonic()
            try:
                async with asyncio.timeout(source.timeout_seconds):
                    page = await self._get(client, url, headers)
            except TimeoutError:
                problem = f"no complete answer within {source.timeout_seconds:g} s"
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}: {_say(error, 200) or 'connection failed'}"
            else:
                page.latency_ms = (time.monotonic() - started) * 1000
                if page.status < 400:
                    return page
                reason = httpx.codes.get_reason_phrase(page.status)
                problem = f"HTTP {page.status} {reason}".strip()
                if page.status != 429 and page.status < 500:
                    if page.status in (401, 403):
                        problem += " (check the credentials named by token_env / headers_env)"
                    raise FeedError(problem)
                retry_after = _retry_after(page.headers.get("retry-after"))
            if attempt + 1 < attempts:
                delay = source.backoff_seconds * (2**attempt) * (0.5 + self.collector.rng.random())
                if retry_after is not None:
                    delay = max(delay, retry_after)
                delay = min(delay, MAX_RETRY_DELAY)
                self.log(f"{problem}; retry {attempt + 1} of {source.retries} in {delay:.1f} s")
                if await _sleep_or_stop(stop, delay):
                    raise FeedError(f"{problem} (stopped before retrying)")
        raise FeedError(f"{problem} (after {attempts} attempt{'s' if attempts > 1 else ''})")

    async def _get(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> _Page:
        """One GET; redirects are followed on the same host only (credentials stay there)."""
        for _ in range(MAX_REDIRECTS + 1):
            async with client.stream("GET", url, headers=headers) as response:
                if not response.has_redirect_location:
                    return await self._read(response)
                target = urljoin(url, response.headers.get("location", ""))
                if not _same_site(url, target):
                    raise FeedError(
                        f"redirected to {_say(target, 200)}, another host; not followed "
                        "(credentials are only sent to the configured host)"
                    )
                url = target
        raise FeedError(f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, response: httpx.Response) -> _Page:
        limit = self.source.max_bytes
        chunks: list[bytes] = []
        size = 0
        if response.status_code == 200:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FeedError(f"the answer is larger than max_bytes ({limit:,})")
                chunks.append(chunk)
        try:
            link = response.links.get("next", {}).get("url")
        except Exception:  # a malformed Link header is no reason to lose the page
            link = None
        return _Page(
            url=str(response.url),
            status=response.status_code,
            body=b"".join(chunks),
            headers=response.headers,
            latency_ms=0.0,
            next_link=link,
        )

    def _ingest_page(self, page: _Page, number: int = 1) -> tuple[IngestSummary, str | None]:
        store = self.collector.store
        assert store is not None
        source = self.source
        name = _page_name(page.url, page.headers.get("content-type", ""))
        summary = ingest_bytes(
            store,
            page.body,
            name,
            kind=source.kind,
            source=source.name,
            location=clean_text(page.url, limit=2000),
            mapping=dict(source.mapping),
            zone=source.zone,
            fmt=source.format,
            duplicate_window_hours=source.duplicate_window_hours,
            limits=self.collector.limits,
            force_kind=source.force_kind,
            # The first page of a poll is the feed's latest answer: clean, it clears an
            # earlier failure; a later clean page never clears one of this same poll.
            clears=number == 1,
        )
        link = page.next_link or _json_next(page.body)
        return summary, urljoin(page.url, link) if link else None

    async def poll_once(self, client: httpx.AsyncClient) -> bool:
        """Fetch every page once; True when the source answered and everything was read."""
        collector, source = self.collector, self.source
        assert source.url is not None
        try:
            headers = resolve_headers(source)
        except MissingSecret as error:
            collector.report.failures += 1
            self.log(str(error))
            await collector.health(source.name, error=str(error))
            return False
        etag, modified = await asyncio.to_thread(source_validators, collector.store_, source.name)
        conditional = dict(headers)
        if etag:
            conditional["If-None-Match"] = etag
        if modified:
            conditional["If-Modified-Since"] = modified
        url = source.url
        try:
            page = await self._fetch(client, url, conditional)
        except FeedError as error:
            collector.report.failures += 1
            self.log(f"fetch failed: {error}")
            await collector.health(source.name, error=str(error))
            return False
        latency = page.latency_ms
        if page.status == 304:
            collector.report.not_modified += 1
            self.log(f"not modified ({latency:.0f} ms)")
            await collector.health(source.name, latency_ms=latency)
            return True
        validators = (page.headers.get("etag"), page.headers.get("last-modified"))
        origin = _origin(url)
        seen = {url}
        number = 1
        while True:
            if page.status != 200:
                error_text = f"page {number}: HTTP {page.status} cannot be read as data"
                collector.report.failures += 1
                self.log(error_text)
                await collector.health(source.name, error=error_text, latency_ms=latency)
                return False
            html = _html_page(page)
            if html is not None:
                error_text = f"page {number}: {html}"
                collector.report.failures += 1
                self.log(error_text)
                await collector.health(source.name, error=error_text, latency_ms=latency)
                return False
            try:
                summary, next_url = await asyncio.to_thread(self._ingest_page, page, number)
            except (StoreError, sqlite3.Error) as error:
                collector.report.failures += 1
                self.log(f"page {number} not imported: {error}")
                await collector.health(source.name, error=f"page {number}: {error}")
                return False
            collector.report.pages += 1
            collector.report.add(summary)
            self.log(f"page {number}: {summary.line()}")
            if summary.error is not None:
                await collector.health(
                    source.name, error=f"page {number}: {summary.error}", latency_ms=latency
                )
                return False
            if next_url is None or collector.stop.is_set():
                break
            if _origin(next_url) != origin:
                self.log(f"the next link leaves {origin[1]}; not followed: {_say(next_url)}")
                break
            if next_url in seen:
                self.log(f"the next link points back to a page already read: {_say(next_url)}")
                break
            if number >= source.max_pages:
                self.log(f"stopped after max_pages ({source.max_pages}) pages")
                break
            seen.add(next_url)
            number += 1
            try:
                page = await self._fetch(client, next_url, headers)
            except FeedError as error:
                collector.report.failures += 1
                self.log(f"page {number} failed: {error}")
                await collector.health(source.name, error=f"page {number}: {error}")
                return False
        await collector.health(source.name, latency_ms=latency, validators=validators)
        return True

    async def run(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.monotonic()
            await self.poll_once(client)
            left = self.source.interval_seconds - (time.monotonic() - started)
            if await _sleep_or_stop(stop, left):
                return


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_DELAY else None


# ------------------------------------------------------------------------- the collector


class Collector:
    """Runs every enabled source; hold the lease while doing so.

    ``transport`` replaces httpx's network (tests); ``clock`` is the store's clock
    (lease expiry, record times); ``log`` receives one line per event; ``limits``
    (the config's ``[limits]``) bound what one file or page may cost to read.
    """

    def __init__(
        self,
        db_path: Path,
        sources: list[SourceConfig],
        *,
        actor: str = "collector",
        log: Log | None = None,
        clock: Clock = utcnow,
        lease_seconds: float = 60.0,
        holder: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.db_path = Path(db_path)
        self.limits = limits  # what one file may take before it goes to quarantine
        self.sources = [source for source in sources if source.enabled]
        self.actor = actor
        self._log = log or (lambda line: None)
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.holder = holder or lease_holder()
        self.transport = transport
        self.rng = rng or random.Random()
        self.store: Store | None = None
        self.stop = asyncio.Event()
        self.report = CollectReport()

    @property
    def store_(self) -> Store:
        assert self.store is not None, "the collector is not running"
        return self.store

    def log(self, line: str) -> None:
        self._log(line)

    async def health(
        self,
        name: str,
        *,
        error: str | None = None,
        latency_ms: float | None = None,
        validators: tuple[str | None, str | None] | None = None,
        file: str | None = None,
    ) -> None:
        try:
            await asyncio.to_thread(
                record_health,
                self.store_,
                name,
                error=error,
                latency_ms=latency_ms,
                validators=validators,
                file=file,
            )
        except (StoreError, sqlite3.Error) as exc:
            self.log(f"{_say(name, 100)}: could not record its health: {exc}")

    def _client(self) -> httpx.AsyncClient:
        import httpx

        return httpx.AsyncClient(
            transport=self.transport,
            follow_redirects=False,  # FeedPoller._get follows them, on the same host only
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(60.0),  # the per-request deadline is asyncio's, per source
        )

    async def run(self, *, once: bool = False, stop: asyncio.Event | None = None) -> CollectReport:
        """Take the lease, run every source (one pass with ``once``), release the lease.

        Raises ``LeaseHeld`` when another collector runs. Setting ``stop`` ends the run
        after the file or page in hand.
        """
        if stop is not None:
            self.stop = stop
        store = await asyncio.to_thread(
            Store.open, self.db_path, actor=self.actor, clock=self.clock
        )
        self.store = store
        try:
            expires = await asyncio.to_thread(acquire_lease, store, self.holder, self.lease_seconds)
            self.log(f"collector {_say(self.holder, 120)} holds the lease until {expires}")
            try:
                await asyncio.to_thread(register_sources, store, self.sources)
                if not self.sources:
                    self.log("no sources are configured ([[sources]] in the config file)")
                async with contextlib.AsyncExitStack() as stack:
                    client = None
                    if any(source.type == "http" for source in self.sources):
                        client = await stack.enter_async_context(self._client())
                    if once:
                        await self._once(client)
                    else:
                        await self._forever(client)
            finally:
                with contextlib.suppress(StoreError):
                    await asyncio.to_thread(release_lease, store, self.holder)
                self.log("collector stopped; lease released")
        finally:
            await asyncio.to_thread(store.close)
            self.store = None
        return self.report

    async def _once(self, client: httpx.AsyncClient | None) -> None:
        jobs: list[Awaitable[Any]] = []
        for source in self.sources:
            if source.type == "folder":
                jobs.append(FolderWatcher(self, source).once())
            else:
                assert client is not None
                jobs.append(FeedPoller(self, source).poll_once(client))
        await asyncio.gather(*jobs)

    async def _forever(self, client: httpx.AsyncClient | None) -> None:
        tasks = [asyncio.create_task(self._keep_lease())]
        for source in self.sources:
            loop: Callable[[asyncio.Event], Awaitable[None]]
            if source.type == "folder":
                loop = FolderWatcher(self, source).run
            else:
                assert client is not None
                loop = functools.partial(FeedPoller(self, source).run, client)
            tasks.append(asyncio.create_task(self._guarded(source, loop)))
        try:
            await self.stop.wait()
        finally:
            self.stop.set()
            _done, pending = await asyncio.wait(tasks, timeout=30)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)

    async def _guarded(
        self, source: SourceConfig, job: Callable[[asyncio.Event], Awaitable[None]]
    ) -> None:
        """Run one source's loop; an unexpected error restarts it after a pause."""
        pause = 1.0
        while not self.stop.is_set():
            try:
                await job(self.stop)
                return
            except Exception as error:
                self.report.failures += 1
                self.log(
                    f"{_say(source.name, 100)}: unexpected {type(error).__name__}: "
                    f"{_say(error, 200)}; restarting in {pause:g} s"
                )
                if await _sleep_or_stop(self.stop, pause):
                    return
                pause = min(pause * 2, 300.0)

    async def _keep_lease(self) -> None:
        every = max(self.lease_seconds / 3, 0.05)
        while not await _sleep_or_stop(self.stop, every):
            try:
                ours = await asyncio.to_thread(
                    renew_lease, self.store_, self.holder, self.lease_seconds
                )
            except (StoreError, sqlite3.Error) as error:
                self.log(f"could not renew the lease ({error}); trying again")
                continue
            if not ours:
                self.report.lease_lost = True
                self.log("the lease was taken over by another collector; stopping")
                self.stop.set()
                return
