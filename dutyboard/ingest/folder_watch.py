"""Drop folders: find the finished files in an inbox, ingest each, move it out.

Files directly in the inbox; dotfiles, ``~``, ``.tmp``, ``.part``, ``.crdownload`` … are
ignored (:func:`~dutyboard.ingest.inbox.is_candidate_name`), and a file is read only once
its size and mtime have not changed for ``settle_seconds``. Events come from
``watchfiles.awatch``, and the folder is rescanned at start and every
``interval_seconds`` since events can be missed. Each file is one transaction
(``store_sink``); only after it commits does the file move to ``processed/`` (or to
``quarantine/`` with an error note when it cannot be read at all). A crash in between
leaves the file in the inbox: it is read again, finds everything unchanged and moves on.

A drop-folder writer is not trusted (:mod:`dutyboard.ingest.inbox`): only regular files
are read, through what was opened; ``processed/`` and ``quarantine/`` must be real
folders in the inbox (a symlink there stops the source with an error), and files are
moved into them through a folder fd. A settled file is read twice, ``settle_seconds``
apart (twice that when it ends mid-line or is not a complete zip): it is imported only
when both reads saw the same bytes of the same file, so a writer that pauses is caught
before anything is written; one still changing after ``max_wait_seconds`` is quarantined
as incomplete. A file that cannot be read or moved keeps its source failing until a
later file from it is clean.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import stat
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from dutyboard.domain.text import clean_text, quote
from dutyboard.ingest.inbox import (
    FOLDER_MODE,
    OPEN_FOLDER,
    PROCESSED,
    QUARANTINE,
    READ_CHUNK,
    Shape,
    Skip,
    UnsafeFolder,
    file_shape,
    free_name,
    is_candidate_name,
    open_input,
    read_fd,
    what_is,
    write_note,
)
from dutyboard.ingest.jobs import FeedError, Host, ingest_for, say, sleep_or_stop
from dutyboard.ingest.sources import SourceConfig
from dutyboard.ingest.store_sink import IngestSummary, in_english, record_unreadable
from dutyboard.store import StoreError
from dutyboard.store.engine import DatabaseError

_T = TypeVar("_T")

WATCH_READY_SECONDS = 1.0
_ZIP_START = b"PK\x03\x04"
# End of central directory: the last record of a zip (.xlsx, .xlsm, .xlsb, .ods).
_ZIP_END = b"PK\x05\x06"
_ZIP_TAIL = 22 + 65_535  # that record is within this many bytes of the end
_OLE_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file (.xls)
_OLE_HEADER = 512
# Line-based formats: a file of one of these that does not end with a line end may be
# cut mid-record, so it is watched longer before it is trusted.
_LINE_FORMATS = ("csv", "tsv", "jsonl", "hxl")
_LINE_SUFFIXES = (".csv", ".tsv", ".txt", ".jsonl", ".ndjson")


@dataclass
class _Pending:
    """A file seen in the inbox and not yet imported."""

    shape: Shape
    since: float  # monotonic time since when it has looked like this
    first_seen: float  # when it was first seen unfinished; max_wait_seconds counts from here


@dataclass(frozen=True)
class _Look:
    """A settled file as first read: which file, what it held, does it look unfinished."""

    shape: Shape
    digest: bytes | None  # sha256 of its bytes; None when over max_bytes (not read)
    unfinished: str | None = None  # why it may still be being written


@dataclass
class _Done:
    """What reading a file again after the hold came to."""

    summary: IngestSummary | None = None  # what was committed, if anything
    changed: str | None = None  # it changed: why it stays in the inbox


def _ole_complete(head: bytes, size: int) -> bool:
    """Does an OLE2 file (.xls) of ``size`` bytes hold every sector its header names?

    Its header (MS-CFB) gives the sector size and where the first FAT sectors and the
    directory start; a file cut short by a writer still at work lacks some of them, or
    ends inside a sector. A hint only, like the zip's end record: it doubles the hold.
    """
    if len(head) < _OLE_HEADER:
        return False
    shift = int.from_bytes(head[30:32], "little")
    if shift not in (9, 12):
        return True  # not a header this check understands: the reader will say
    sector = 1 << shift
    if size % sector:
        return False
    needed = [int.from_bytes(head[48:52], "little")]  # the first directory sector
    needed += [
        int.from_bytes(head[at : at + 4], "little") for at in range(76, _OLE_HEADER, 4)
    ]  # the FAT sectors the header lists
    return all((number + 2) * sector <= size for number in needed if number < 0xFFFFFFFA)


class FolderWatcher:
    """One drop folder: find finished files, ingest each, move it out of the inbox.

    A file is read in two passes (``_first_look``, then ``_ingest``) with a hold of
    ``settle_seconds`` between them (twice that when it looks unfinished); it is
    imported only when both passes saw the same file with the same bytes and the path
    still names it, so a writer that pauses longer than the settle time is caught
    before anything is written. A file that keeps changing for ``max_wait_seconds`` is
    quarantined as incomplete.
    """

    def __init__(self, collector: Host, source: SourceConfig) -> None:
        assert source.path is not None
        self.collector = collector
        self.source = source
        self.inbox = Path(os.path.abspath(source.path))
        self.pending: dict[Path, _Pending] = {}
        # files that failed to be read: left alone until they change
        self.failed: dict[Path, Shape] = {}
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
        self.collector.log(f"{say(self.source.name, 100)}: {message}")

    # -- runs in a worker thread -------------------------------------------------------

    def _folder(self, name: str) -> int:
        """An open fd of ``inbox/name``, created owner-only if missing.

        Raises ``UnsafeFolder`` when it is a symlink or not a folder: files moved
        through a link would leave the inbox for wherever it points.
        """
        path = self.inbox / name
        created = False
        try:
            return os.open(path, OPEN_FOLDER)
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):  # another process made it meanwhile
                os.mkdir(path, FOLDER_MODE)
                created = True
        except OSError as error:
            if error.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            raise self._unsafe(path) from None
        try:
            fd = os.open(path, OPEN_FOLDER)
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
            what = what_is(os.lstat(path).st_mode)
        except OSError:
            what = "not a folder"
        return UnsafeFolder(
            f"{path.name}/ in {say(self.inbox)} is {what}, not a folder; nothing is read "
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
                    skipped[name] = what_is(entry.stat(follow_symlinks=False).st_mode)
                except OSError:
                    continue  # gone meanwhile
        notes = [
            f"{say(name)} is {what}; skipped (only regular files are read)"
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
            shape = file_shape(info)
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
            shape = file_shape(os.stat(path, follow_symlinks=False))
        except OSError:
            self.pending.pop(path, None)
            return
        first_seen = entry.first_seen if entry is not None else time.monotonic()
        self.pending[path] = _Pending(shape, time.monotonic(), first_seen)

    def _unfinished(self, name: str, head: bytes, tail: bytes, size: int) -> str | None:
        """Why the bytes read may be a file still being written (None: they look whole)."""
        if head.startswith(_ZIP_START):
            return None if _ZIP_END in tail else "it is not a complete zip archive"
        if head.startswith(_OLE_START):
            return None if _ole_complete(head, size) else "it is not a complete .xls file"
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
            f"{say(path.name)}: cannot be read ({error.strerror or error}); it stays in the inbox"
        )

    def _first_look(self, path: Path) -> _Look | None:
        """First pass: hash the settled file through an fd; None when it changed or went."""
        try:
            fd, info = open_input(path)
        except FileNotFoundError:
            self.pending.pop(path, None)
            return None  # taken away meanwhile
        except Skip:
            self.pending.pop(path, None)
            raise
        except OSError as error:
            raise self._read_error(path, error) from None
        try:
            expected = self.pending.get(path)
            if expected is not None and file_shape(info) != expected.shape:
                self._restart_wait(path)  # swapped or changed since it settled
                return None
            if info.st_size > self.source.max_bytes:
                return _Look(file_shape(info), None)
            digest = hashlib.sha256()
            head = tail = b""
            while chunk := os.read(fd, READ_CHUNK):
                digest.update(chunk)
                if len(head) < _OLE_HEADER:
                    head += chunk[: _OLE_HEADER - len(head)]
                tail = (tail + chunk)[-_ZIP_TAIL:]
            after = os.fstat(fd)
        except OSError as error:
            raise self._read_error(path, error) from None
        finally:
            os.close(fd)
        if file_shape(after) != file_shape(info):
            self._restart_wait(path)
            return None
        unfinished = self._unfinished(path.name, head, tail, info.st_size)
        return _Look(file_shape(info), digest.digest(), unfinished)

    def _ingest(self, path: Path, look: _Look) -> _Done | None:
        """Second pass, after the hold: read again, check it is the same, import, move."""
        source, store = self.source, self.collector.store
        assert store is not None
        try:
            fd, info = open_input(path)
        except FileNotFoundError:
            self.pending.pop(path, None)
            return None
        except Skip:
            self.pending.pop(path, None)
            raise
        except OSError as error:
            raise self._read_error(path, error) from None
        try:
            if file_shape(info) != look.shape:
                data = None
            elif look.digest is None:
                message = (
                    f"{say(path.name)} is {info.st_size:,} bytes, more than max_bytes "
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
                data = read_fd(fd, source.max_bytes)
                if file_shape(os.fstat(fd)) != look.shape:
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
        summary = ingest_for(
            store, source, data, path.name, location=str(path), limits=self.collector.limits
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
    def _still(path: Path, shape: Shape) -> bool:
        """Does ``path`` still name the file read, unchanged?"""
        try:
            return file_shape(os.stat(path, follow_symlinks=False)) == shape
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
            f"{say(path.name)} kept changing for {waited:.0f} s, longer than "
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
                target = free_name(folder_fd, path.name, note=summary.error is not None)
                if summary.error is not None:
                    text = (
                        f"{summary.error}\n\nfile: {quote(path.name, 300)}\n"
                        f"moved to: {where}/{quote(target, 300)}\n"
                        f"source: {self.source.name}\nrun: {summary.run_id}\n"
                    )
                    write_note(folder_fd, target, clean_text(text, limit=20_000) + "\n")
                os.replace(path, target, dst_dir_fd=folder_fd)
            finally:
                os.close(folder_fd)
        except (OSError, UnsafeFolder) as error:
            if entry is not None:
                self.failed[path] = entry.shape  # not read again until it changes
            reason = error.strerror or error if isinstance(error, OSError) else error
            raise FeedError(
                # Stored as the source's health: the summary in English, like the rest.
                f"{say(path.name)}: {summary.line(path.name, tr=in_english)}, but it could not "
                f"be moved to {where}/ ({reason}); it stays in the inbox"
            ) from None

    # -- async -----------------------------------------------------------------------

    def _finished(self, summary: IngestSummary) -> None:
        self.collector.report.files += 1
        self.collector.report.add(summary)
        where = PROCESSED if summary.error is None else QUARANTINE
        self.log(f"{summary.line(tr=in_english)} → {where}/")

    async def _file_failed(self, path: Path, error: Exception) -> None:
        """A file that could not be read or moved keeps its source failing (until a later
        file from it is clean): a failed file must never read as a quiet night."""
        await self.collector.health(self.source.name, error=str(error), file=str(path))

    async def _in_thread(self, step: Callable[..., _T], path: Path, *args: Any) -> _T | None:
        """One step on ``path`` (``_give_up``, ``_first_look``, ``_ingest``) in a worker
        thread. An entry that is not a regular file is logged and skipped; a file that
        cannot be read or moved is a failure that keeps its source failing: None then."""
        try:
            return await asyncio.to_thread(step, path, *args)
        except Skip as skip:
            self.log(f"{say(path.name)} is {skip}; skipped (only regular files are read)")
        except FeedError as error:
            self.collector.report.failures += 1
            self.log(str(error))
            await self._file_failed(path, error)
        return None

    async def _ingest_ready(
        self, ready: list[Path], stop: asyncio.Event | None, *, once: bool = False
    ) -> None:
        collector = self.collector
        report = collector.report
        overdue, self.overdue = sorted(self.overdue), set()
        for path in overdue:
            summary = await self._in_thread(self._give_up, path)
            if summary is not None:
                report.incomplete += 1
                self._finished(summary)
        looks: list[tuple[Path, _Look]] = []
        for path in ready:
            if stop is not None and stop.is_set():
                return
            look = await self._in_thread(self._first_look, path)
            if look is not None:
                looks.append((path, look))
        if not looks:
            return
        # Re-checked after reading: the bytes must stay the same for the settle time
        # (twice that when they end mid-line or mid-archive) before any is written.
        settle = self.source.settle_seconds
        hold = max(settle * (2 if look.unfinished else 1) for _, look in looks)
        if await sleep_or_stop(collector.stop, hold):
            return
        for path, look in looks:
            if stop is not None and stop.is_set():
                return
            try:
                done = await self._in_thread(self._ingest, path, look)
            except (StoreError, DatabaseError) as error:
                # The database is busy or broken: the file stays; the next rescan retries.
                self.pending.pop(path, None)
                report.failures += 1
                message = f"{say(path.name)}: not imported: {error}; the file stays in the inbox"
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
            self.log(f"{say(path.name)}: {done.changed}; {what}; {then}")

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
                self.log(f"{say(path.name)} is still being written; left for the next run")
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
                    f"watching the folder failed ({type(error).__name__}: {say(error, 200)}); "
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
