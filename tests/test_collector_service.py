"""The collector as a service (issue 20): its log file, ``check`` saying when it last
ran, and the systemd unit of docs/collector.md.

Every collector here is the real one, over a real drop folder with real files:
``dutyboard collect --once`` through :func:`dutyboard.cli.main`, or
:class:`~dutyboard.ingest.collector.Collector` itself where a test needs another clock.
"""

from __future__ import annotations

import configparser
import io
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from dutyboard import applog, cli, files, i18n
from dutyboard.ingest.collector import Collector
from dutyboard.ingest.sources import SourceConfig
from dutyboard.store import Store
from dutyboard.store.schema import migrations
from dutyboard.store.sources import (
    STALE_MIN_SECONDS,
    acquire_lease,
    collector_status,
    release_lease,
    renew_lease,
    stale_after,
)
from tests.conftest import REPO

SOURCES = (
    '[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\npath = "inbox"\n'
    "settle_seconds = 0\n"
)
# A file name a hostile uploader chose: an OSC 52 clipboard write, a screen clear, a
# right-to-left override, a zero-width space, and a newline that starts a forged line.
HOSTILE_NAME = (
    "x\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202egnp\u200b\n2020-02-04T19:00:00Z ERROR forged.csv"
)
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (INFO|WARNING|ERROR) \S")


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Nothing of the person running the tests: config, desk, log and language are this
    test's own. Returns the state folder the logs go into by default."""
    for name in ("DUTYBOARD_CONFIG", "DUTYBOARD_DB", "DUTYBOARD_USER", "JOURNAL_STREAM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DUTYBOARD_LANG", "en")  # (restored after, whatever --lang set)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    state = tmp_path / "state"
    monkeypatch.setenv("DUTYBOARD_LOG", str(state / "dutyboard.log"))
    return state


class Desk:
    """A desk with a drop folder ``inbox`` configured as the source ``units``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "duty.db"
        self.config = root / "config.toml"
        self.config.write_text(SOURCES, encoding="utf-8")
        self.inbox = root / "inbox"
        self.inbox.mkdir()

    def drop(self, name: str, text: str = "org,item\nA,masks\n") -> Path:
        path = self.inbox / name
        path.write_text(text, encoding="utf-8")
        return path

    def cli(self, *args: str) -> int:
        return cli.main(["--db", str(self.db), "--create", "--config", str(self.config), *args])

    def check(self, capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
        assert cli.main(["--db", str(self.db), "--config", str(self.config), *args, "check"]) == 0
        return capsys.readouterr().out.splitlines()

    def source(self) -> SourceConfig:
        return SourceConfig(
            name="units", kind="requests", type="folder", path=self.inbox, settle_seconds=0
        )


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def collector_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("collector:")]


def warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("warning:")]


# ------------------------------------------------------------------ the log file


def test_the_log_file_is_at_the_default_path_private_and_every_line_clean(
    desk: Desk, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk.drop("a.csv")
    desk.drop(HOSTILE_NAME, "org,item\nB,gloves\n")
    assert desk.cli("collect", "--once") == 0
    log = isolated / "collector.log"
    assert log == applog.default_collector_log_path()
    assert mode(log) == 0o600 and mode(log.parent) == 0o700
    text = log.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert "a.csv: 1 new" in text and "lease released" in text
    assert any(line.endswith("INFO done: 2 file(s), 0 page(s); 2 new, 0 updated, "
                              "0 unchanged, 0 quarantined, 0 unreadable, 0 incomplete, "
                              "0 failure(s)") for line in lines)  # fmt: skip
    assert f"collecting into {desk.db}: 1 source(s); log: {log}" in text
    # The hostile name went in (its record and its move) and came out harmless: no escape,
    # no bidi or zero-width character, and its newline started no line of its own.
    assert "forged.csv: 1 new" in text
    for bad in ("\x1b", "\x07", "\u202e", "\u200b", "ZXZpbA=="):
        assert bad not in text, repr(bad)
    assert all(LINE.match(line) or line.startswith("    ") for line in lines), lines
    assert not any("ERROR forged" in line[:40] for line in lines)
    # The same lines on stderr, timestamped, also cleaned.
    err = capsys.readouterr().err
    assert "a.csv: 1 new" in err and "\x1b" not in err and "\u202e" not in err
    # The dashboard's log, in the same folder, was not touched.
    assert not (isolated / "dutyboard.log").exists()


def test_without_dutyboard_log_the_file_is_in_the_user_state_folder(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DUTYBOARD_LOG")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    desk.drop("a.csv")
    assert desk.cli("collect", "--once") == 0
    log = tmp_path / "xdg-state" / "dutyboard" / "collector.log"
    assert applog.default_collector_log_path() == log
    assert "a.csv: 1 new" in log.read_text(encoding="utf-8") and mode(log) == 0o600


def test_log_file_option_puts_it_elsewhere_and_dash_writes_none(
    desk: Desk, isolated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "var" / "log" / "collect.log"
    desk.drop("a.csv")
    assert desk.cli("collect", "--once", "--log-file", str(elsewhere)) == 0
    assert "a.csv: 1 new" in elsewhere.read_text(encoding="utf-8") and mode(elsewhere) == 0o600
    assert not (isolated / "collector.log").exists()
    capsys.readouterr()
    desk.drop("b.csv", "org,item\nB,gloves\n")
    assert desk.cli("collect", "--once", "--log-file", "-") == 0
    err = capsys.readouterr().err
    assert "b.csv: 1 new" in err and "log: stderr only" in err
    assert not (isolated / "collector.log").exists()
    assert "b.csv" not in elsewhere.read_text(encoding="utf-8")


def test_an_existing_log_file_is_narrowed_to_0600(desk: Desk, isolated: Path) -> None:
    isolated.mkdir(mode=0o700)
    log = isolated / "collector.log"
    log.write_text("an older line\n", encoding="utf-8")
    log.chmod(0o644)
    desk.drop("a.csv")
    assert desk.cli("collect", "--once") == 0
    assert mode(log) == 0o600
    assert log.read_text(encoding="utf-8").startswith("an older line\n")  # appended to


def test_the_log_rotates_past_its_size_cap(
    desk: Desk, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(applog, "ROTATE_BYTES", 1_200)
    for n in range(4):
        for m in range(3):
            desk.drop(f"batch{n}-{m}.csv", f"org,item\nU{n}{m},masks\n")
        assert desk.cli("collect", "--once") == 0
    log = isolated / "collector.log"
    rotated = sorted(isolated.glob("collector.log.*"))
    assert rotated and [p.name for p in rotated] == [
        f"collector.log.{n}" for n in range(1, len(rotated) + 1)
    ]
    assert len(rotated) <= applog.ROTATE_KEEP
    for path in [log, *rotated]:
        assert mode(path) == 0o600
        assert path.stat().st_size <= 1_200 + 300  # one line may go past the cap
    everything = "".join(p.read_text(encoding="utf-8") for p in [*reversed(rotated), log])
    assert "batch3-2.csv: 1 new" in everything


def test_a_log_that_cannot_be_written_is_one_line_before_anything_runs(
    desk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    dropped = desk.drop("a.csv")
    assert desk.cli("collect", "--once", "--log-file", str(blocker / "collector.log")) == 2
    err = capsys.readouterr().err
    assert err.startswith("dutyboard: cannot write the collector's log ") and err.count("\n") == 1
    assert "--log-file -" in err
    assert dropped.exists() and not desk.db.exists()  # nothing read, no desk made


def test_a_usage_error_makes_no_log_file(
    desk: Desk, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert desk.cli("collect", "--once", "--lease-seconds", "0") == 2
    assert desk.cli("collect", "--once", "--log-file", " ") == 2
    desk.config.write_text("", encoding="utf-8")
    assert desk.cli("collect", "--once") == 2
    err = capsys.readouterr().err
    assert "--lease-seconds must be between 1 and 86,400" in err
    assert "--log-file needs a path" in err and "no sources or notification targets" in err
    assert not isolated.exists()


def test_a_refusal_is_in_the_file_and_once_on_stderr(
    desk: Desk, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert desk.cli("check") == 0
    store = Store.open(desk.db)
    try:
        acquire_lease(store, "desk-pc:4242", 60)
    finally:
        store.close()
    capsys.readouterr()
    assert desk.cli("collect", "--once") == 2
    err = capsys.readouterr().err  # one line: the refusal, as before there was a log
    assert err.startswith("dutyboard: another collector is running: desk-pc:4242")
    assert err.count("\n") == 1
    text = (isolated / "collector.log").read_text(encoding="utf-8")
    assert re.search(r"Z ERROR stopped: another collector is running: desk-pc:4242", text)


def test_a_leaders_session_neither_collects_nor_writes_a_log(
    desk: Desk, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert desk.cli("check") == 0
    dropped = desk.drop("a.csv")
    args = ["--db", str(desk.db), "--config", str(desk.config), "collect", "--once"]
    code = cli.main(["--role", "leader", *args])
    assert code == 2
    err = capsys.readouterr().err
    assert "read-only (--role leader)" in err and err.count("\n") == 1
    assert dropped.exists() and not isolated.exists()
    # And the log itself, asked for in a process that may write no file, keeps none.
    assert files.writes_forbidden() is not None
    log = applog.open_collector_log(isolated / "x.log", stream=io.StringIO())
    try:
        log.info("a line")
        assert log.path is None and not isolated.exists()
    finally:
        log.close()


def test_the_formatter_cleans_what_the_collector_did_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raw hostile text straight into the log: cleaned in the file and on stderr."""
    path = tmp_path / "c.log"
    err = io.StringIO()
    log = applog.open_collector_log(path, stream=err)
    try:
        log.info("feed said: \x1b[31mred\x1b[0m \u202eevil\u202c\nFAKE 2020-01-01 line\r\x9b2J")
        log.error("it broke", RuntimeError("bytes: \x1b]0;title\x07"))
    finally:
        log.close()
    for text in (path.read_text(encoding="utf-8"), err.getvalue()):
        assert "\x1b" not in text and "\u202e" not in text and "\x9b" not in text
        assert "feed said: red evil" in text
        assert "\n    FAKE 2020-01-01 line" in text  # continuation, not a line of its own
        assert "RuntimeError: bytes: " in text and "title" not in text
    assert "ERROR it broke" in path.read_text(encoding="utf-8")


def test_on_the_journal_lines_carry_a_priority_and_no_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    captured = tmp_path / "journal"
    with captured.open("w", encoding="utf-8") as stream:
        found = os.fstat(stream.fileno())
        monkeypatch.setenv("JOURNAL_STREAM", f"{found.st_dev}:{found.st_ino}")
        assert applog.on_the_journal(stream)
        log = applog.open_collector_log(file=False, stream=stream)
        try:
            log.info("units: a.csv: 1 new")
            log.warning("done: 1 quarantined")
            log.error("stopped: \x1b[2Jgone")
        finally:
            log.close()
    assert captured.read_text(encoding="utf-8").splitlines() == [
        "<6>units: a.csv: 1 new",
        "<4>done: 1 quarantined",
        "<3>stopped: gone",
    ]
    monkeypatch.setenv("JOURNAL_STREAM", "1:2")  # another stream's: a plain copy
    assert not applog.on_the_journal(sys.__stderr__ or io.StringIO())


def test_as_a_service_runs_it_the_journal_gets_priorities_and_the_file_times(
    desk: Desk, isolated: Path, tmp_path: Path
) -> None:
    """``python -m dutyboard collect`` with its stderr the journal's stream, as systemd
    starts it (``$JOURNAL_STREAM`` naming that stream)."""
    desk.drop("a.csv")
    journal = tmp_path / "journal"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOARD")}
    env.update(PYTHONPATH=str(REPO), DUTYBOARD_LOG=str(isolated / "dutyboard.log"))
    with journal.open("w", encoding="utf-8") as stream:
        found = os.fstat(stream.fileno())
        env["JOURNAL_STREAM"] = f"{found.st_dev}:{found.st_ino}"
        args = ["--db", str(desk.db), "--create", "--config", str(desk.config), "collect"]
        result = subprocess.run(
            [sys.executable, "-m", "dutyboard", *args, "--once"],
            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=stream, timeout=60,
        )  # fmt: skip
    assert result.returncode == 0
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.startswith("<6>") for line in lines), lines
    assert any(line.startswith("<6>units: ") and "a.csv: 1 new" in line for line in lines)
    text = (isolated / "collector.log").read_text(encoding="utf-8")
    assert all(LINE.match(line) for line in text.splitlines()) and "a.csv: 1 new" in text


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_log_that_fills_up_is_said_once_and_the_collector_goes_on(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    before = os.stat("/dev/full")
    desk.drop("a.csv")
    assert desk.cli("collect", "--once", "--log-file", "/dev/full") == 0
    err = capsys.readouterr().err
    assert err.count("dutyboard: cannot write the log /dev/full: No space left on device") == 1
    assert "Traceback" not in err and "a.csv: 1 new" in err  # stderr still has every line
    after = os.stat("/dev/full")
    assert (after.st_mode, after.st_uid) == (before.st_mode, before.st_uid)  # a device: untouched


# ------------------------------------------------------------------ check


def test_check_says_never_ran_then_last_ran(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert desk.cli("check") == 0
    out = capsys.readouterr().out.splitlines()
    assert collector_lines(out) == ["collector: no lease; never ran on this desk"]
    assert not warnings(out)
    desk.drop("a.csv")
    assert desk.cli("collect", "--once") == 0
    capsys.readouterr()
    out = desk.check(capsys)
    (line,) = collector_lines(out)
    assert re.fullmatch(r"collector: no lease; last ran \d+ s ago \(.+, pid \d+\), stopped", line)
    assert f"pid {os.getpid()}" in line and not warnings(out)


async def test_check_flags_a_collector_not_seen_for_two_days(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    desk.drop("a.csv")
    then = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2, minutes=5)
    report = await Collector(
        desk.db, [desk.source()], holder="night-pc:77", clock=lambda: then
    ).run(once=True)
    assert report.added == 1
    out = desk.check(capsys)
    assert collector_lines(out) == [
        "collector: no lease; last ran 2 days ago (night-pc, pid 77), stopped"
    ]
    assert warnings(out) == [
        "warning:   the collector last ran 2 days ago — not running? (its sources expect a pass "
        "every 30 s; docs/collector.md)"
    ]


def test_check_tells_a_running_collector_from_a_crashed_one(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    assert desk.cli("check") == 0
    now = datetime.now(UTC).replace(microsecond=0)
    store = Store.open(desk.db, clock=lambda: now)
    try:
        until = acquire_lease(store, "duty-pc:4242", 60, sources=2, interval_seconds=300)
    finally:
        store.close()
    capsys.readouterr()
    out = desk.check(capsys)
    (line,) = collector_lines(out)
    assert re.fullmatch(
        r"collector: last ran \d+ s ago \(duty-pc, pid 4242\), holding the lease until "
        + re.escape(until),
        line,
    )
    assert not warnings(out)
    # The same collector, killed an hour ago: its lease expired, never released.
    hour_ago = now - timedelta(hours=1)
    store = Store.open(desk.db, clock=lambda: hour_ago)
    try:
        with store.transaction() as conn:
            conn.execute("DELETE FROM leases")
        until = acquire_lease(store, "duty-pc:4243", 60, interval_seconds=300)
    finally:
        store.close()
    out = desk.check(capsys)
    assert collector_lines(out) == [
        f"collector: last ran 60 min ago (duty-pc, pid 4243); its lease expired at {until} "
        "without being released: crashed or killed?"
    ]
    assert warnings(out) == [
        "warning:   the collector last ran 60 min ago — not running? (its sources expect a pass "
        "every 5 min; docs/collector.md)"
    ]


def test_the_lease_writes_keep_the_last_run(db_path: Path) -> None:
    t0 = datetime(2020, 2, 4, 19, 0, tzinfo=UTC)
    now = [t0]
    store = Store.open(db_path, clock=lambda: now[0])
    try:
        assert collector_status(store).state == "never"
        acquire_lease(store, "a:1", 60, once=False, sources=3, interval_seconds=5)
        now[0] = t0 + timedelta(seconds=20)
        assert renew_lease(store, "a:1", 60)
        status = collector_status(store)
        assert (status.state, status.holder, status.seen_at, status.stopped_at) == (
            "running", "a:1", "2020-02-04T19:00:20+00:00", None
        )  # fmt: skip
        assert (status.sources, status.interval_seconds, status.once) == (3, 5.0, False)
        assert not renew_lease(store, "b:2", 60)  # not its lease: seen_at stays
        now[0] = t0 + timedelta(seconds=30)
        release_lease(store, "a:1")
        status = collector_status(store)
        assert (status.state, status.stopped_at, status.seconds_since_seen) == (
            "stopped", "2020-02-04T19:00:30+00:00", 0.0
        )  # fmt: skip
        assert status.stale_after_seconds == STALE_MIN_SECONDS and not status.stale
        now[0] = t0 + timedelta(seconds=30 + STALE_MIN_SECONDS + 1)
        assert collector_status(store).stale
    finally:
        store.close()
    assert stale_after(None) == STALE_MIN_SECONDS
    assert stale_after(300) == 900  # three polls of a feed


def test_a_desk_from_before_the_last_run_record_starts_from_its_sources(db_path: Path) -> None:
    """m120 on a desk whose collector ran before: the time its sources were last checked
    (only the collector checks them), the host not recorded."""
    db = Database(db_path)
    migrations.apply(db, stop_before="m120_collector_last_run")
    db.execute(
        "INSERT INTO sources (name, kind, location, settings, last_checked_at) VALUES "
        "('units', 'requests', '/in', '{\"interval_seconds\": 30.0}', "
        "'2020-02-04T18:00:00+00:00'), "
        "('kobo', 'requests', 'https://x', '{\"interval_seconds\": 300}', "
        "'2020-02-04T18:30:00+00:00'), ('bad', 'requests', '/x', 'not json', NULL)"
    )
    db.conn.commit()
    db.close()
    now = datetime(2020, 2, 4, 19, 0, tzinfo=UTC)
    store = Store.open(db_path, clock=lambda: now)
    try:
        status = collector_status(store)
    finally:
        store.close()
    assert (status.state, status.holder, status.seen_at, status.interval_seconds) == (
        "stopped", "", "2020-02-04T18:30:00+00:00", 30.0
    )  # fmt: skip
    assert status.seconds_since_seen == 1800 and status.stale
    # A desk whose collector never ran starts with no record at all.
    fresh = db_path.with_name("fresh.db")
    db = Database(fresh)
    migrations.apply(db, stop_before="m120_collector_last_run")
    db.close()
    store = Store.open(fresh)
    try:
        assert collector_status(store).state == "never"
    finally:
        store.close()
    raw = sqlite3.connect(fresh)
    try:
        assert raw.execute("SELECT count(*) FROM collector_last_run").fetchone() == (0,)
    finally:
        raw.close()


def test_check_in_chinese_keeps_its_column(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert desk.cli("check") == 0
    capsys.readouterr()
    try:
        out = desk.check(capsys, "--lang", "zh_CN")
    finally:
        i18n.set_language("en")
    assert "采集程序： 无租约；本值班台从未运行过采集程序" in out

    def cells(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    for line in out:
        label = re.match(r"^\S+\s+", line)
        assert label is not None and cells(label.group()) == 11, line


# ------------------------------------------------------------------ the systemd unit

UNIT = REPO / "docs" / "dutyboard-collect.service"
DOC = REPO / "docs" / "collector.md"


def ini(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys are cased
    parser.read_string(text)
    return parser


def ini_blocks(markdown: str) -> list[str]:
    return re.findall(r"```ini\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_unit_file_parses_and_runs_dutyboard_collect() -> None:
    unit = ini(UNIT.read_text(encoding="utf-8"))
    assert unit.sections() == ["Unit", "Service", "Install"]
    service = unit["Service"]
    assert re.fullmatch(r"\S*/dutyboard collect", service["ExecStart"])
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"].endswith("/.config/dutyboard/collector.env")
    assert unit["Install"]["WantedBy"] == "default.target"
    # The page shows the same unit, the comments aside; its system variant runs the same.
    user, system = (ini(block) for block in ini_blocks(DOC.read_text(encoding="utf-8")))
    assert {s: dict(user[s]) for s in user.sections()} == {
        s: dict(unit[s]) for s in unit.sections()
    }
    execstart = system["Service"]["ExecStart"]
    assert "dutyboard collect --log-file /var/log/dutyboard/collector.log" in execstart
    assert system["Service"]["Restart"] == "on-failure"
    assert "DUTYBOARD_DB=" in system["Service"]["Environment"]
    assert "DUTYBOARD_CONFIG=" in system["Service"]["Environment"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
@pytest.mark.parametrize("which", ["user", "system"])
def test_systemd_accepts_the_units(tmp_path: Path, which: str) -> None:
    text = UNIT.read_text(encoding="utf-8")
    if which == "system":
        text = ini_blocks(DOC.read_text(encoding="utf-8"))[1]
    # verify insists that the program exists: this checkout's, in place of the path the
    # page tells people to adjust. Everything else is verified as written.
    program = Path(sys.executable).with_name("dutyboard")
    assert program.exists()
    text = re.sub(r"^ExecStart=\S+", f"ExecStart={program}", text, flags=re.MULTILINE)
    unit = tmp_path / "dutyboard-collect.service"
    unit.write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    complaints = [line for line in result.stderr.splitlines() if unit.name in line]
    assert result.returncode == 0 and not complaints, result.stderr
