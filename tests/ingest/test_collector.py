"""Source config, drop folders (with the watcher running) and the collector lease."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dutyboard.config import ConfigError, parse_config
from dutyboard.domain.clock import to_iso
from dutyboard.ingest import collector as collector_module
from dutyboard.ingest import folder_watch
from dutyboard.ingest.collector import Collector
from dutyboard.ingest.inbox import is_candidate_name
from dutyboard.ingest.parse import FORMATS as PARSER_FORMATS
from dutyboard.ingest.sources import (
    FORMATS,
    MissingSecret,
    SourceConfig,
    load_sources,
    parse_sources,
    resolve_headers,
)
from dutyboard.store import Store
from dutyboard.store.sources import LeaseHeld, acquire_lease, release_lease
from tests.conftest import UNREADABLE_XLSX, FakeClock

WAIT = 10.0  # every wait below is bounded by this


# ------------------------------------------------------------------ configuration


def test_parse_sources_example(tmp_path: Path) -> None:
    (folder, feed) = parse_sources(
        [
            {
                "name": "units",
                "kind": "requests",
                "type": "folder",
                "path": "inbox",
                "zone": "Asia/Shanghai",
            },
            {
                "name": "kobo-hq",
                "kind": "requests",
                "type": "http",
                "url": "https://kf.kobotoolbox.org/api/v2/assets/a/data/",
                "token_env": "KOBO_TOKEN",
                "auth_scheme": "Token",
                "interval_seconds": 120,
                "mapping": {"username": "org", "group/what": "item", "_uuid": "external_id"},
                "duplicate_window_hours": 12,
                "retries": 2,
            },
        ],
        base_dir=tmp_path,
        default_zone="Asia/Colombo",
    )
    assert folder.path == tmp_path / "inbox" and folder.zone == "Asia/Shanghai"
    assert folder.interval_seconds == 30 and folder.settle_seconds == 2
    assert feed.zone == "Asia/Colombo" and feed.interval_seconds == 120
    assert feed.mapping["group/what"] == "item" and feed.retries == 2
    assert feed.settings()["token_env"] == "KOBO_TOKEN"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"kind": "requests", "type": "folder", "path": "x"}, "sources[0].name: is required"),
        (
            {"name": "a", "kind": "orders", "type": "folder", "path": "x"},
            "sources[0].kind: 'orders'",
        ),
        ({"name": "a", "kind": "leads", "type": "ftp"}, "sources[0].type: 'ftp' is not one of"),
        ({"name": "a", "kind": "leads", "type": "folder"}, "sources[0].path: is required"),
        ({"name": "a", "kind": "leads", "type": "http"}, "sources[0].url: is required"),
        (
            {"name": "a", "kind": "leads", "type": "folder", "path": "x", "url": "http://h/"},
            'sources[0].url: only applies to type = "http"',
        ),
        (
            {"name": "a", "kind": "leads", "type": "http", "url": "ftp://h/"},
            "sources[0].url: 'ftp://h/' must start with http:// or https://",
        ),
        (
            {"name": "a", "kind": "leads", "type": "http", "url": "http://h/", "colour": 1},
            "sources[0].colour: unknown key (known:",
        ),
        (
            {
                "name": "a",
                "kind": "leads",
                "type": "http",
                "url": "http://h/",
                "token_env": "s3cr3t!",
            },
            "sources[0].token_env: 's3cr3t!' is not an environment variable name",
        ),
        (
            {"name": "a", "kind": "leads", "type": "folder", "path": "x", "zone": "Mars/Base"},
            "sources[0].zone: 'Mars/Base' is not a known IANA time zone",
        ),
        (
            {"name": "a", "kind": "leads", "type": "folder", "path": "x", "mapping": {"x": "org"}},
            "sources[0].mapping.x: 'org' is not a field of leads",
        ),
        (
            {"name": "a", "kind": "leads", "type": "folder", "path": "x", "interval_seconds": 0},
            "sources[0].interval_seconds: must be greater than 0",
        ),
        (
            {"name": "a", "kind": "leads", "type": "folder", "path": "x", "format": "pdf"},
            "sources[0].format: 'pdf' is not one of",
        ),
        (
            {"name": "a", "kind": "leads", "type": "http", "url": "http://h/", "retries": True},
            "sources[0].retries: must be a whole number",
        ),
    ],
)
def test_one_clear_error_per_bad_key(entries: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sources([entries], where="config.toml")
    assert str(caught.value).startswith("config.toml: ")
    assert message in str(caught.value)


def test_second_entry_and_duplicate_names_are_named() -> None:
    good = {"name": "a", "kind": "leads", "type": "folder", "path": "/x"}
    with pytest.raises(ConfigError, match=r"sources\[2\]\.url: is required"):
        parse_sources([good, {**good, "name": "b"}, {"name": "c", "kind": "leads", "type": "http"}])
    with pytest.raises(
        ConfigError, match=r"sources\[1\]\.name: 'a' is already the name of sources\[0\]"
    ):
        parse_sources([good, good])
    with pytest.raises(ConfigError, match="array of tables"):
        parse_sources({"name": "a"})


def test_load_sources_reads_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[desk]\ntimezone = "Asia/Karachi"\n\n'
        '[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\npath = "drop"\n'
        'mapping = { "申请单位" = "org" }\n',
        encoding="utf-8",
    )
    (source,) = load_sources(config)
    assert source.path == tmp_path / "drop" and source.zone == "Asia/Karachi"
    assert source.mapping == {"申请单位": "org"}
    # config.py skips [[sources]], which this module reads.
    parse_config({"sources": [{"name": "units"}], "desk": {"timezone": "Asia/Karachi"}})
    with pytest.raises(ConfigError, match="does not exist"):
        load_sources(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\nkind = "requests"\ntype = "http"\nurl = 5\n')
    with pytest.raises(ConfigError, match=rf"{bad}: sources\[0\]\.url: must be a non-empty string"):
        load_sources(bad)


def test_formats_agree_with_the_parser() -> None:
    assert FORMATS == PARSER_FORMATS


def test_credentials_come_from_the_environment_by_name() -> None:
    source = SourceConfig(
        name="kobo",
        kind="requests",
        type="http",
        url="http://h/",
        token_env="KOBO_TOKEN",
        auth_scheme="Token",
        headers_env={"X-Api-Key": "FEED_KEY"},
    )
    headers = resolve_headers(source, {"KOBO_TOKEN": "abc", "FEED_KEY": "k"})
    assert headers == {"Authorization": "Token abc", "X-Api-Key": "k"}
    with pytest.raises(MissingSecret, match="environment variable FEED_KEY"):
        resolve_headers(source, {"KOBO_TOKEN": "abc"})


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("needs.csv", True),
        ("需求表.xlsx", True),
        (".needs.csv", False),
        ("needs.csv~", False),
        ("needs.csv.tmp", False),
        ("needs.csv.part", False),
        ("needs.xlsx.crdownload", False),
        ("~$needs.xlsx", False),
        ("NEEDS.CSV.PART", False),
    ],
)
def test_temporary_and_partial_names_are_ignored(name: str, wanted: bool) -> None:
    assert is_candidate_name(name) is wanted


# ------------------------------------------------------------------ helpers


def folder_source(inbox: Path, **options: Any) -> SourceConfig:
    values: dict[str, Any] = {
        "name": "units",
        "kind": "requests",
        "type": "folder",
        "path": inbox,
        "zone": "Asia/Shanghai",
        "settle_seconds": 0.3,
        "interval_seconds": 5.0,
    }
    values.update(options)
    return SourceConfig(**values)


def csv_rows(start: int, stop: int) -> str:
    return "".join(f"U{n},masks,{n}\n" for n in range(start, stop))


def query(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    store = Store.open(db_path)
    try:
        return [tuple(row) for row in store.conn.execute(sql, params)]
    finally:
        store.close()


async def until(check: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class Running:
    """A collector running in the background of a test, stopped at the end."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector
        self.lines: list[str] = []
        collector._log = self.lines.append
        self.stop = asyncio.Event()
        self.task: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.collector.run(stop=self.stop))
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout=WAIT)


def inbox_names(inbox: Path) -> list[str]:
    return sorted(path.name for path in inbox.iterdir() if path.is_file())


# ------------------------------------------------------------------ drop folders


async def test_drop_folder_with_the_watcher_running(tmp_path: Path, db_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "before-start.csv").write_text("org,item\nEarly,gloves\n")  # found by the first scan
    collector = Collector(db_path, [folder_source(inbox)], holder="test:1")
    async with Running(collector) as running:

        def processed(name: str) -> Callable[[], bool]:
            return lambda: (inbox / "processed" / name).exists()

        await until(processed("before-start.csv"), "the file present at start-up")

        # A browser-style download: a .part written slowly, then renamed.
        part = inbox / "download.csv.part"
        with part.open("w") as handle:
            handle.write("org,item,quantity\n" + csv_rows(0, 50))
            handle.flush()
            await asyncio.sleep(0.6)  # longer than settle: only the name keeps it out
            handle.write(csv_rows(50, 100))
        assert query(db_path, "SELECT count(*) FROM requests WHERE org = 'U0'") == [(0,)]
        part.rename(inbox / "download.csv")
        await until(processed("download.csv"), "the renamed download")

        # A file that grows in two writes under its final name.
        grow = inbox / "grow.csv"
        with grow.open("w") as handle:
            handle.write("org,item,quantity\n" + csv_rows(100, 150))
            handle.flush()
            await asyncio.sleep(0.15)  # less than settle
            handle.write(csv_rows(150, 200))
        await until(processed("grow.csv"), "the grown file")

        # Temporary names are never read, whatever their age.
        for name in (".hidden.csv", "draft.csv~", "x.csv.tmp", "y.xlsx.crdownload"):
            (inbox / name).write_text("org,item\nNo,thing\n")
        (inbox / "broken.xlsx").write_bytes((UNREADABLE_XLSX).read_bytes())
        await until(lambda: (inbox / "quarantine" / "broken.xlsx").exists(), "the broken xlsx")
        await asyncio.sleep(0.5)

    runs = query(
        db_path,
        "SELECT location, rows_added, result FROM ingest_runs WHERE source = 'units' ORDER BY id",
    )
    by_name = {Path(location).name: (added, result) for location, added, result in runs}
    assert by_name == {
        "before-start.csv": (1, "ok"),
        "download.csv": (100, "ok"),
        "grow.csv": (100, "ok"),  # read once, whole
        "broken.xlsx": (0, "unreadable"),
    }
    assert query(db_path, "SELECT count(*) FROM requests") == [(201,)]
    assert inbox_names(inbox) == [".hidden.csv", "draft.csv~", "x.csv.tmp", "y.xlsx.crdownload"]
    error = (inbox / "quarantine" / "broken.xlsx.error.txt").read_text()
    assert "broken.xlsx" in error and "source: units" in error
    assert any("grow.csv: 100 new" in line for line in running.lines)
    assert query(db_path, "SELECT count(*) FROM leases") == [(0,)]  # released
    (health,) = query(db_path, "SELECT last_ok_at, consecutive_failures FROM sources")
    assert health[0] is not None and health[1] == 0


async def test_missed_events_are_caught_by_the_rescan(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def deaf(self: Any, stop_watch: asyncio.Event) -> None:
        await stop_watch.wait()  # a watcher that never reports anything

    monkeypatch.setattr(folder_watch.FolderWatcher, "_watch", deaf)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = folder_source(inbox, interval_seconds=0.3, settle_seconds=0.1)
    async with Running(Collector(db_path, [source], holder="test:1")):
        await asyncio.sleep(0.2)
        (inbox / "late.csv").write_text("org,item\nLate,masks\n")
        await until(lambda: (inbox / "processed" / "late.csv").exists(), "the rescan")


async def test_once_and_a_crash_between_commit_and_move(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text("org,item,quantity\n" + csv_rows(0, 10) + "Bad,masks,12x\n")
    source = folder_source(inbox, settle_seconds=0.05)

    class PowerCut(Exception):
        pass

    def power_cut(*args: Any, **kwargs: Any) -> None:
        raise PowerCut  # as if the process died right after the commit

    monkeypatch.setattr("dutyboard.ingest.folder_watch.os.replace", power_cut)
    with pytest.raises(PowerCut):
        await Collector(db_path, [source], holder="test:1").run(once=True)
    assert inbox_names(inbox) == ["a.csv"]  # still in the inbox
    assert query(db_path, "SELECT count(*) FROM requests") == [(10,)]
    monkeypatch.undo()

    # The next run reads it again: everything is there already, the file moves on.
    report = await Collector(db_path, [source], holder="test:2").run(once=True)
    assert (report.files, report.added, report.unchanged, report.quarantined) == (1, 0, 10, 1)
    assert not report.clean
    assert inbox_names(inbox) == []
    assert (inbox / "processed" / "a.csv").exists()
    assert query(db_path, "SELECT count(*) FROM quarantine") == [(1,)]  # not doubled


async def test_once_leaves_a_file_still_being_written(tmp_path: Path, db_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "slow.csv"
    path.write_text("org,item\n")
    lines: list[str] = []
    collector = Collector(
        db_path, [folder_source(inbox, settle_seconds=0.4)], holder="t:1", log=lines.append
    )

    async def keep_writing() -> None:
        for n in range(8):
            with path.open("a") as handle:
                handle.write(f"U{n},masks\n")
            await asyncio.sleep(0.1)

    writer = asyncio.create_task(keep_writing())
    report = await collector.run(once=True)
    await writer
    assert report.files == 0 and path.exists()
    assert any("slow.csv is still being written" in line for line in lines)
    report = await Collector(db_path, [folder_source(inbox, settle_seconds=0.05)]).run(once=True)
    assert report.added == 8


async def test_missing_folder_is_a_health_error(tmp_path: Path, db_path: Path) -> None:
    report = await Collector(db_path, [folder_source(tmp_path / "nowhere")]).run(once=True)
    assert report.failures == 1
    ((error, failures),) = query(db_path, "SELECT last_error, consecutive_failures FROM sources")
    assert "does not exist" in error and failures == 1


# ------------------------------------------------------------------ lease


async def test_second_collector_is_refused_with_a_clear_message(db_path: Path) -> None:
    store = Store.open(db_path)
    try:
        expires = acquire_lease(store, "desk-pc:4242", 60)
    finally:
        store.close()
    with pytest.raises(LeaseHeld) as caught:
        await Collector(db_path, [], holder="other:1").run(once=True)
    message = str(caught.value)
    assert "desk-pc:4242" in message and expires in message
    assert "another collector is running" in message
    assert query(db_path, "SELECT holder FROM leases") == [("desk-pc:4242",)]


async def test_expired_lease_is_taken_over(db_path: Path, clock: FakeClock) -> None:
    store = Store.open(db_path, clock=clock)
    try:
        acquire_lease(store, "crashed:99", 60)
    finally:
        store.close()
    clock.now = clock.now + timedelta(seconds=61)
    lines: list[str] = []
    await Collector(db_path, [], holder="new:1", clock=clock, log=lines.append).run(once=True)
    assert any("new:1 holds the lease until" in line for line in lines)
    ((before, after),) = query(
        db_path, "SELECT before, after FROM events WHERE entity = 'lease' AND action = 'takeover'"
    )
    assert json.loads(before)["holder"] == "crashed:99"
    assert json.loads(after) == {
        "holder": "new:1",
        "expires_at": to_iso(clock.now + timedelta(seconds=60)),
    }
    assert query(db_path, "SELECT count(*) FROM leases") == [(0,)]


async def test_a_lost_lease_stops_the_collector(db_path: Path) -> None:
    collector = Collector(db_path, [], holder="me:1", lease_seconds=0.3)
    task = asyncio.create_task(collector.run())
    await until(lambda: query(db_path, "SELECT holder FROM leases") == [("me:1",)], "the lease")
    store = Store.open(db_path)
    try:
        release_lease(store, "me:1")
        acquire_lease(store, "thief:2", 60)
    finally:
        store.close()
    report = await asyncio.wait_for(task, timeout=WAIT)
    assert report.lease_lost
    assert query(db_path, "SELECT holder FROM leases") == [("thief:2",)]


def test_lease_holder_names_host_and_pid() -> None:
    assert collector_module.lease_holder().endswith(f":{os.getpid()}")


def test_a_file_is_ready_only_once_it_stops_changing(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = folder_watch.FolderWatcher(
        Collector(tmp_path / "x.db", []), folder_source(inbox, settle_seconds=0.2)
    )
    path = inbox / "grow.csv"
    path.write_text("org,item\n")
    assert watcher._check([path], 0.2) == []  # first sight
    time.sleep(0.25)
    with path.open("a") as handle:
        handle.write("A,masks\n")
    assert watcher._check([], 0.2) == []  # it changed: the clock starts again
    time.sleep(0.1)
    assert watcher._check([], 0.2) == []  # not yet stable for long enough
    time.sleep(0.15)
    assert watcher._check([], 0.2) == [path]
    path.unlink()
    assert watcher._check([], 0.2) == [] and watcher.pending == {}
