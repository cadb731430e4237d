"""A hostile drop folder: planted symlinks, FIFOs, names holding commands, paused writers.

Everything here is real: files, symlinks and FIFOs in a tmp folder, writers in threads
that pause longer than the settle time. No file system call is mocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dutyboard.config import ConfigError
from dutyboard.ingest import folder_watch
from dutyboard.ingest.collector import Collector
from dutyboard.ingest.jobs import CollectReport
from dutyboard.ingest.sources import parse_sources
from dutyboard.store import Store
from tests.conftest import UNREADABLE_XLSX
from tests.ingest.test_collector import Running, csv_rows, folder_source, query, until

# A name holding newlines and a shell command, as in the attack of issue 17.
HOSTILE = "needs\n; echo PWNED >> .bash_profile\n.xlsx"  # a name cannot hold "/"
HEADER = "org,item,quantity\n"


def broken_xlsx() -> bytes:
    """An xlsx that cannot be read: it goes to quarantine/ with an error note."""
    return (UNREADABLE_XLSX).read_bytes()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def real_entries(folder: Path) -> list[Path]:
    """What the collector put in ``folder``: regular files only, no planted links."""
    return sorted(path for path in folder.iterdir() if stat.S_ISREG(os.lstat(path).st_mode))


async def once(db_path: Path, inbox: Path, **options: Any) -> tuple[CollectReport, list[str]]:
    lines: list[str] = []
    collector = Collector(
        db_path,
        [folder_source(inbox, settle_seconds=0.05, **options)],
        holder="t:1",
        log=lines.append,
    )
    report = await asyncio.wait_for(collector.run(once=True), timeout=20)
    return report, lines


# ------------------------------------------------------------------ planted links


async def test_a_planted_note_link_is_never_written_through(tmp_path: Path, db_path: Path) -> None:
    inbox = tmp_path / "inbox"
    quarantine = inbox / "quarantine"
    quarantine.mkdir(parents=True, mode=0o700)
    home = tmp_path / "home"
    home.mkdir()
    profile, bashrc = home / ".bash_profile", home / ".bashrc"
    # The attack of the issue: a dangling link where the old collector wrote NAME.error.txt …
    os.symlink(profile, quarantine / f"{HOSTILE}.error.txt")
    # … and one at the sanitised name the collector makes now, which anyone can work out.
    made_here = re.sub(r"[^\w.()+-]", "_", HOSTILE)
    os.symlink(bashrc, quarantine / f"{made_here}.error.txt")
    (inbox / HOSTILE).write_bytes(broken_xlsx())

    report, lines = await once(db_path, inbox)

    assert report.unreadable == 1
    assert not os.path.lexists(profile) and not os.path.lexists(bashrc)
    assert os.readlink(quarantine / f"{HOSTILE}.error.txt") == str(profile)  # left alone
    moved, note = (
        [path for path in real_entries(quarantine) if not path.name.endswith(".error.txt")],
        [path for path in real_entries(quarantine) if path.name.endswith(".error.txt")],
    )
    assert len(moved) == 1 and moved[0].read_bytes() == broken_xlsx()
    assert len(note) == 1
    assert "\n" not in note[0].name and ";" not in note[0].name and len(note[0].name) <= 130
    assert mode(note[0]) == 0o600
    text = note[0].read_text(encoding="utf-8")
    assert "source: units" in text and "\n; echo" not in text
    assert not any("\n" in line for line in lines)  # every log line stays one line
    assert sorted(os.listdir(inbox)) == ["processed", "quarantine"]


async def test_a_name_at_the_length_limit_still_gets_a_note(tmp_path: Path, db_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "quarantine").mkdir(parents=True)
    name = "需" * 82 + ".xlsx"  # 251 bytes: NAME.error.txt or "NAME (2)" would not fit
    (inbox / "quarantine" / name).write_bytes(b"an earlier file of that name")
    (inbox / name).write_bytes(broken_xlsx())

    report, lines = await once(db_path, inbox)

    assert report.unreadable == 1 and report.failures == 0, lines
    names = [path.name for path in real_entries(inbox / "quarantine")]
    assert len(names) == 3 and all(len(os.fsencode(n)) <= 255 for n in names)
    (moved,) = [n for n in names if n != name and not n.endswith(".error.txt")]
    assert moved.endswith(" (2).xlsx") and (inbox / "quarantine" / moved).read_bytes() == (
        broken_xlsx()
    )
    assert (inbox / "quarantine" / name).read_bytes() == b"an earlier file of that name"
    assert not (inbox / name).exists()


@pytest.mark.parametrize("sub", ["processed", "quarantine"])
@pytest.mark.parametrize("kind", ["link-to-folder", "dangling-link", "file"])
async def test_an_unsafe_processed_or_quarantine_folder_stops_the_source(
    tmp_path: Path, db_path: Path, sub: str, kind: str
) -> None:
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    inbox.mkdir()
    elsewhere.mkdir()
    if kind == "link-to-folder":
        os.symlink(elsewhere, inbox / sub)
    elif kind == "dangling-link":
        os.symlink(tmp_path / "nowhere", inbox / sub)
    else:
        (inbox / sub).write_text("not a folder")
    (inbox / "a.csv").write_text("org,item\nA,masks\n")
    (inbox / "b.xlsx").write_bytes(broken_xlsx())

    report, lines = await once(db_path, inbox)

    assert report.failures == 1 and not report.clean
    assert os.listdir(elsewhere) == []  # nothing moved out of the inbox
    assert (inbox / "a.csv").exists() and (inbox / "b.xlsx").exists()
    assert not os.path.lexists(tmp_path / "nowhere")
    # Nothing read either: it could not have been moved on afterwards.
    assert query(db_path, "SELECT count(*) FROM ingest_runs") == [(0,)]
    ((error, failures),) = query(db_path, "SELECT last_error, consecutive_failures FROM sources")
    what = "a regular file" if kind == "file" else "a symbolic link"
    assert f"{sub}/ in " in error and f"is {what}, not a folder" in error and failures == 1
    assert any(f"units: {sub}/ in " in line for line in lines)


async def test_the_source_recovers_once_the_folder_is_made_safe(
    tmp_path: Path, db_path: Path
) -> None:
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    inbox.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, inbox / "processed")
    source = folder_source(inbox, settle_seconds=0.05, interval_seconds=0.3)
    async with Running(Collector(db_path, [source], holder="t:1")) as running:
        await until(lambda: any("processed/ in" in line for line in running.lines), "the refusal")
        (inbox / "a.csv").write_text("org,item\nA,masks\n")  # the watcher wakes it at once
        await asyncio.sleep(0.8)
        assert (inbox / "a.csv").exists() and os.listdir(elsewhere) == []
        assert query(db_path, "SELECT count(*) FROM requests") == [(0,)]
        (inbox / "processed").unlink()
        await until(lambda: (inbox / "processed" / "a.csv").exists(), "the import after the fix")
    assert not (inbox / "processed").is_symlink()
    assert query(db_path, "SELECT org FROM requests") == [("A",)]


# ------------------------------------------------------------------ what is in the inbox


async def test_links_fifos_and_folders_in_the_inbox_are_skipped_with_a_reason(
    tmp_path: Path, db_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("org,item\nSECRET,masks\n")
    os.symlink(secret, inbox / "link.csv")
    os.mkfifo(inbox / "pipe.csv")
    (inbox / "folder.csv").mkdir()
    (inbox / "good.csv").write_text("org,item\nGood,masks\n")

    _, lines = await once(db_path, inbox)

    assert query(db_path, "SELECT org FROM requests") == [("Good",)]
    logged = "\n".join(lines)
    assert "units: link.csv is a symbolic link; skipped" in logged
    assert "units: pipe.csv is a FIFO (named pipe); skipped" in logged
    assert "units: folder.csv is a folder; skipped" in logged
    assert (inbox / "link.csv").is_symlink() and stat.S_ISFIFO(os.lstat(inbox / "pipe.csv").st_mode)
    assert secret.read_text() == "org,item\nSECRET,masks\n"


class LoggedWatcher(folder_watch.FolderWatcher):
    lines: list[str]


@pytest.fixture
def watcher(tmp_path: Path, db_path: Path) -> Iterator[LoggedWatcher]:
    """A folder watcher with an open store, driven step by step by the test."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lines: list[str] = []
    collector = Collector(
        db_path,
        [folder_source(inbox, settle_seconds=0.6)],
        holder="t:1",
        log=lines.append,
    )
    collector.store = Store.open(db_path)
    folder = LoggedWatcher(collector, collector.sources[0])
    folder.lines = lines
    try:
        yield folder
    finally:
        collector.store.close()


@pytest.mark.parametrize("swap", ["symlink", "fifo"])
async def test_a_file_swapped_after_it_settled_is_not_followed(
    tmp_path: Path, db_path: Path, watcher: LoggedWatcher, swap: str
) -> None:
    path = watcher.inbox / "needs.csv"
    path.write_text("org,item\nReal,masks\n")
    # Same size and mtime as the file checked: only reading through the fd tells them apart.
    secret = tmp_path / "secret.csv"
    secret.write_text("org,item\nSecr,masks\n")
    checked = os.stat(path)
    os.utime(secret, ns=(checked.st_atime_ns, checked.st_mtime_ns))
    assert watcher._check([path], 0) == [path]  # lstat'ed: a regular file, settled
    path.unlink()
    if swap == "symlink":
        os.symlink(secret, path)
    else:
        os.mkfifo(path)
    try:
        await asyncio.wait_for(watcher._ingest_ready([path], None), timeout=5)
    except TimeoutError:
        pytest.fail("the collector blocked on a FIFO swapped in after the check")
    finally:
        if swap == "fifo":  # free a reader blocked in open(), if any
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    assert query(db_path, "SELECT org FROM requests") == []
    what = "a symbolic link" if swap == "symlink" else "a FIFO (named pipe)"
    lines = watcher.lines
    assert any(f"needs.csv is {what}; skipped" in line for line in lines), lines
    assert os.path.lexists(path) and secret.read_text() == "org,item\nSecr,masks\n"


# ------------------------------------------------------------------ half-written files


def pausing_writer(path: Path, pause: float) -> threading.Thread:
    """An uploader writing straight into the inbox, stalling mid-row for ``pause`` s."""

    def write() -> None:
        with path.open("w", encoding="utf-8") as handle:
            handle.write(HEADER + csv_rows(0, 1000) + "U1000,mas")
            handle.flush()
            time.sleep(pause)
            handle.write("ks,1000\n" + csv_rows(1001, 2000))

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


async def test_a_writer_pausing_longer_than_the_settle_time_is_not_half_imported(
    tmp_path: Path, db_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = folder_source(inbox, settle_seconds=0.5)
    async with Running(Collector(db_path, [source], holder="t:1")) as running:
        writer = pausing_writer(inbox / "needs.csv", pause=1.1)  # > settle, mid-row
        await until(lambda: (inbox / "processed" / "needs.csv").exists(), "the whole file")
        await asyncio.to_thread(writer.join, 5)
    runs = query(db_path, "SELECT rows_added, rows_quarantined, result FROM ingest_runs")
    assert runs == [(2000, 0, "ok")], running.lines  # read once, whole
    assert query(db_path, "SELECT count(*) FROM requests") == [(2000,)]
    assert query(db_path, "SELECT item, quantity FROM requests WHERE org = 'U1000'") == [
        ("masks", 1000.0)
    ]
    assert (inbox / "processed" / "needs.csv").read_text().count("\n") == 2001


async def test_a_file_changed_after_it_was_read_is_not_imported_and_not_clean(
    db_path: Path, watcher: LoggedWatcher
) -> None:
    path = watcher.inbox / "needs.csv"
    path.write_text(HEADER + csv_rows(0, 10))  # ends with a line end: looks whole
    ready = watcher._check([path], 0)
    assert ready == [path]
    task = asyncio.create_task(watcher._ingest_ready(ready, None))
    await asyncio.sleep(0.2)  # read once; now the writer goes on (settle_seconds is 0.6)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(csv_rows(10, 20))
    await asyncio.wait_for(task, timeout=10)

    assert query(db_path, "SELECT count(*) FROM ingest_runs") == [(0,)]  # nothing written
    assert path.exists() and not (watcher.inbox / "processed" / "needs.csv").exists()
    report = watcher.collector.report
    assert report.incomplete == 1 and not report.clean
    lines = watcher.lines
    assert any(
        "needs.csv: changed while or after it was read" in line and "nothing imported" in line
        for line in lines
    ), lines

    # Unchanged since: the next pass reads it whole.
    ready = watcher._check([path], 0)
    await asyncio.wait_for(watcher._ingest_ready(ready, None), timeout=10)
    assert query(db_path, "SELECT rows_added, result FROM ingest_runs") == [(20, "ok")]
    assert (watcher.inbox / "processed" / "needs.csv").exists()


async def test_a_file_that_never_settles_is_quarantined_as_incomplete(
    tmp_path: Path, db_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    stop_writing = threading.Event()

    def write() -> None:
        with (inbox / "endless.csv").open("w", encoding="utf-8") as handle:
            handle.write(HEADER)
            n = 0
            while not stop_writing.is_set():
                handle.write(f"U{n},masks,{n}\n")
                handle.flush()
                n += 1
                time.sleep(0.05)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    source = folder_source(inbox, settle_seconds=0.3, max_wait_seconds=1.0)
    try:
        async with Running(Collector(db_path, [source], holder="t:1")) as running:
            await until(
                lambda: (inbox / "quarantine" / "endless.csv").exists(), "the give-up", timeout=6
            )
    finally:
        stop_writing.set()
        writer.join(5)
    assert query(db_path, "SELECT rows_added, result FROM ingest_runs") == [(0, "unreadable")]
    assert query(db_path, "SELECT count(*) FROM requests") == [(0,)]
    ((reason,),) = query(db_path, "SELECT reason FROM quarantine")
    assert "endless.csv kept changing for" in reason and "max_wait_seconds (1)" in reason
    note = (inbox / "quarantine" / "endless.csv.error.txt").read_text(encoding="utf-8")
    assert "quarantined as incomplete" in note
    assert running.collector.report.incomplete == 1 and not running.collector.report.clean


# ------------------------------------------------------------------ permissions and config


async def test_folders_and_notes_are_owner_only_whatever_the_umask(
    tmp_path: Path, db_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text("org,item\nA,masks\n")
    (inbox / "b.xlsx").write_bytes(broken_xlsx())
    previous = os.umask(0)
    try:
        await once(db_path, inbox)
    finally:
        os.umask(previous)
    assert mode(inbox / "processed") == 0o700 and mode(inbox / "quarantine") == 0o700
    assert mode(inbox / "quarantine" / "b.xlsx.error.txt") == 0o600
    assert (inbox / "processed" / "a.csv").exists()


def test_max_wait_seconds_is_a_folder_setting() -> None:
    folder = {"name": "a", "kind": "requests", "type": "folder", "path": "/x"}
    (source,) = parse_sources([folder])
    assert source.max_wait_seconds == 600 and source.settle_seconds == 2
    (source,) = parse_sources([{**folder, "settle_seconds": 5, "max_wait_seconds": 60}])
    assert source.max_wait_seconds == 60
    with pytest.raises(
        ConfigError,
        match=r"sources\[0\]\.max_wait_seconds: must be at least settle_seconds \(5\)",
    ):
        parse_sources([{**folder, "settle_seconds": 5, "max_wait_seconds": 3}])
    with pytest.raises(ConfigError, match=r"max_wait_seconds: must be greater than 0"):
        parse_sources([{**folder, "max_wait_seconds": 0}])
    feed = {"name": "f", "kind": "requests", "type": "http", "url": "http://h/"}
    with pytest.raises(ConfigError, match='max_wait_seconds: only applies to type = "folder"'):
        parse_sources([{**feed, "max_wait_seconds": 60}])


# ------------------------------------------------------------------ reader limits


async def test_a_file_over_the_configured_limits_is_quarantined_and_the_next_is_read(
    tmp_path: Path, db_path: Path
) -> None:
    """The config's [limits] reach the collector: a 50,000-column header (issue 17 #4)
    goes to quarantine naming the limit; the ordinary file beside it is imported."""
    from dutyboard.config import parse_config, reader_limits

    config = parse_config({"limits": {"max_columns": 100}})
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a-wide.csv").write_text(",".join(["item"] * 50_000) + "\nmasks\n")
    (inbox / "b-good.csv").write_text(HEADER + "Jilin University,masks,100\n")
    collector = Collector(
        db_path,
        [folder_source(inbox, settle_seconds=0.05)],
        holder="t:1",
        limits=reader_limits(config),
    )
    report = await asyncio.wait_for(collector.run(once=True), timeout=20)
    assert not report.clean
    reasons = [row[0] for row in query(db_path, "SELECT reason FROM quarantine")]
    assert len(reasons) == 1 and "(limits.max_columns)" in reasons[0]
    assert query(db_path, "SELECT org FROM requests") == [("Jilin University",)]
    assert "a-wide.csv" in {p.name for p in real_entries(inbox / "quarantine")}
