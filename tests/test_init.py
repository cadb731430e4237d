"""``dutyboard init``: a real desk's first night, from the questions to the dashboard.

The questions are answered in a real pseudo-terminal (the process reads a terminal, as
a person's would); every read has a deadline, so a prompt that never comes fails the
test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutyboard import deskinit
from dutyboard.config import Config, load_config
from dutyboard.deskinit import AnswerError, DeskAnswers
from dutyboard.domain.rollcall import parse_rule
from dutyboard.domain.text import clean_line
from dutyboard.ingest.sources import load_sources

DEADLINE = 30.0  # seconds for any one prompt (a cold start of Python and dutyboard)


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The messages checked in this process are the English ones (the processes started
    here choose their own language)."""
    from dutyboard import i18n

    before = i18n.language()
    monkeypatch.setenv("DUTYBOARD_LANG", "en")
    i18n.set_language("en")
    yield
    i18n.set_language(before)


# ------------------------------------------------------------------ the terminal


def desk_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment whose default config and database are inside ``tmp_path``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DUTYBOARD_", "LC_", "XDG_")) and k not in ("LANG", "TZ")
    }
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
        DUTYBOARD_LOG=str(tmp_path / "dutyboard.log"),
        LANG="C.UTF-8",
        TERM="dumb",
        NO_COLOR="1",
        TZ="Asia/Shanghai",
    )
    env.update(extra)
    return env


# The child, in a session of its own (start_new_session), makes the pty its controlling
# terminal, so that Ctrl-C typed there is a SIGINT, then becomes `python -m dutyboard`.
# (A preexec_fn would do the same, but is not safe in a process that has threads.)
_TAKE_TERMINAL = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'dutyboard', *sys.argv[1:]])"
)


class Terminal:
    """``dutyboard ARGS`` on the slave side of a pty; this side reads and types."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        master, slave = os.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _TAKE_TERMINAL, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = b""
        self.pos = 0  # what expect() has matched so far
        self.closed = False

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def _read(self, timeout: float) -> bool:
        """Read what is there (waiting up to ``timeout``); False once the child is gone."""
        if self.closed:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every copy of the slave side is closed
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.output += chunk
        return True

    def expect(self, wanted: str, timeout: float = DEADLINE) -> str:
        """Wait for ``wanted`` after what was matched before; the text up to it."""
        end = time.monotonic() + timeout
        while True:
            text = self.text
            found = text.find(wanted, self.pos)
            if found >= 0:
                before, self.pos = text[self.pos : found], found + len(wanted)
                return before
            left = end - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.5)):
                if not self.closed and left > 0:
                    continue
                raise AssertionError(f"{wanted!r} never came; the terminal shows:\n{text}")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode("utf-8"))

    def answer(self, prompt: str, keys: str) -> str:
        before = self.expect(prompt)
        self.type(keys + "\r")  # Enter on a terminal is a carriage return
        return before

    def finish(self, timeout: float = DEADLINE) -> int:
        end = time.monotonic() + timeout
        while self._read(min(max(end - time.monotonic(), 0.01), 0.5)):
            if time.monotonic() > end:
                break
        return self.proc.wait(timeout=max(end - time.monotonic(), 1.0))

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        with contextlib.suppress(OSError):
            os.close(self.master)


@pytest.fixture
def terminal() -> Iterator[list[Terminal]]:
    """Terminals opened in a test, each closed (its process killed) at the end."""
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def run_init(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``dutyboard … init`` with no terminal at all (stdin is /dev/null, as in CI)."""
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True,
        text=True,
        env=desk_env(tmp_path, **env),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


# ---------------------------------------------- the first night, in a terminal

HOSTILE_NAME = 'Changchun "night" \\ desk\x1b[31m 长春外办'


async def test_answers_typed_in_a_terminal_make_a_desk_the_dashboard_opens(
    tmp_path: Path, terminal: list[Terminal]
) -> None:
    config, db = tmp_path / "desk" / "config.toml", tmp_path / "desk" / "duty.db"
    term = Terminal(
        ["init", "--config", str(config), "--db", str(db)], desk_env(tmp_path), tmp_path
    )
    terminal.append(term)
    intro = term.expect("Interface language (en or zh_CN) [en]: ")
    assert "Setting up a new desk" in intro and str(config) in intro and str(db) in intro
    term.type("\r")  # Enter: the default
    term.answer("Desk name (shown in the header) [Duty desk]: ", HOSTILE_NAME)
    # The zone suggested is the system's ($TZ here); a typo is said in one line, re-asked.
    term.answer("Desk time zone (IANA name) [Asia/Shanghai]: ", "Asia/Shangai")
    term.expect("“Asia/Shangai” is not a known IANA time zone; did you mean Asia/Shanghai?")
    term.answer("Desk time zone (IANA name) [Asia/Shanghai]: ", "")
    term.answer("Shift changes, desk time (- for none) [08:00, 20:00]: ", "3:20, 25:00")
    term.expect("“25:00” is not a time of day like 08:00 or 20:30")
    term.answer("Shift changes, desk time (- for none) [08:00, 20:00]: ", "15:20, 03:20")
    term.answer("comma-separated (Enter: none): ", "Jilin University, 长春市外办，Jilin University")
    term.answer("Drop folder for incoming request files (Enter: none): ", "inbox")
    term.expect("Next:")
    assert term.finish() == 0, term.text
    assert "\x1b[31m" not in term.text.split("Next:")[1]

    # What it wrote: the answers, read back as dutyboard reads them.
    loaded = load_config(config)
    assert loaded.desk_name == 'Changchun "night" \\ desk 长春外办'
    assert loaded.timezone == "Asia/Shanghai" and loaded.lang == "en"
    assert [f"{t:%H:%M}" for t in loaded.rota] == ["03:20", "15:20"]
    assert [u.name for u in loaded.rollcall_units] == ["Jilin University", "长春市外办"]
    assert {u.rule for u in loaded.rollcall_units} == {parse_rule("daily by 17:00")}
    (source,) = load_sources(config)
    assert (source.type, source.kind, source.path) == ("folder", "requests", tmp_path / "inbox")
    assert (tmp_path / "inbox").is_dir() and db.is_file()
    # The next three commands name the files (they are not the defaults).
    after = term.text.split("Next:")[1]
    assert f"dutyboard --db {db} --config {config} shift start" in after
    assert f"dutyboard --db {db} --config {config} collect" in after

    # And the dashboard opens on it: the desk's name in the header, the rota's next
    # shift change in the handover panel, the units in the roll-call.
    from dutyboard.app import DutyboardApp
    from dutyboard.store import Store
    from tests.conftest import FakeClock
    from tests.widgets.pilot import settle
    from widgets.arrivals.panel import ArrivalsPanel
    from widgets.common.header import DeskHeader
    from widgets.handover.panel import HandoverPanel

    clock = FakeClock()  # 2020-02-05 03:00 in Asia/Shanghai: 20 minutes before a change
    store = Store.open(db, actor=loaded.user, clock=clock)
    try:
        app = DutyboardApp(store, loaded, role="officer", clock=clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(app, pilot)
            header = app.query_one(DeskHeader).render().plain
            assert 'Changchun "night" \\ desk 长春外办' in header
            assert "Asia/Shanghai" in header
            handover = "\n".join(line.plain for line in app.query_one(HandoverPanel).lines)
            assert "Handover due at 03:20" in handover
            units: set[str] = set()
            for _ in range(100):  # the units are synced by a worker, then shown
                table = app.query_one(ArrivalsPanel).rollcall_table
                units = {
                    cell.plain
                    for index in range(table.row_count)
                    for cell in table.get_row_at(index)
                }
                if {"Jilin University", "长春市外办"} <= units:
                    break
                app.query_one(ArrivalsPanel).reload()
                await settle(app, pilot)
                await pilot.pause(0.05)
            assert {"Jilin University", "长春市外办"} <= units
    finally:
        store.close()


def test_chinese_questions_and_ctrl_c_writes_nothing(
    tmp_path: Path, terminal: list[Terminal]
) -> None:
    config, db = tmp_path / "c.toml", tmp_path / "d.db"
    term = Terminal(
        ["--lang", "zh_CN", "init", "--config", str(config), "--db", str(db)],
        desk_env(tmp_path),
        tmp_path,
    )
    terminal.append(term)
    assert "正在设置新的值班台" in term.expect("界面语言（en 或 zh_CN） [zh_CN]：")
    term.type("\r")
    term.answer("值班台名称（显示在顶栏） [Duty desk]：", "吉林省外办值班台")
    term.expect("值班台时区（IANA 名称） [Asia/Shanghai]：")
    term.type("\x03")  # Ctrl-C
    term.expect("init 已中止；未写入任何文件")
    assert term.finish() == 130
    assert not config.exists() and not db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_init_after_the_command_takes_lang_and_the_answer_switches_language(
    tmp_path: Path, terminal: list[Terminal]
) -> None:
    """With no --lang, the language chosen first is the language of what follows."""
    config, db = tmp_path / "c.toml", tmp_path / "d.db"
    term = Terminal(
        ["init", "--config", str(config), "--db", str(db)], desk_env(tmp_path), tmp_path
    )
    terminal.append(term)
    term.answer("Interface language (en or zh_CN) [en]: ", "中文")
    term.answer("值班台名称（显示在顶栏） [Duty desk]：", "")
    term.type("\x04")  # end of input (Ctrl-D) at the next question
    term.expect("init 已中止；未写入任何文件")
    assert term.finish() == 130
    assert not config.exists() and not db.exists()


def test_end_of_input_stops_and_writes_nothing(tmp_path: Path, terminal: list[Terminal]) -> None:
    config, db = tmp_path / "c.toml", tmp_path / "d.db"
    term = Terminal(
        ["--lang", "en", "init", "--config", str(config), "--db", str(db), "--name", "Desk"],
        desk_env(tmp_path),
        tmp_path,
    )
    terminal.append(term)
    term.answer("Interface language (en or zh_CN) [en]: ", "")
    # --name answered that question: the next one is the zone.
    term.expect("Desk time zone (IANA name) [Asia/Shanghai]: ")
    term.type("\x04")
    term.expect("dutyboard: init stopped; nothing was written")
    assert term.finish() == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# ------------------------------------------------------------- flags, for scripts


def test_flags_with_no_input_write_a_desk_and_print_the_next_three_commands(
    tmp_path: Path,
) -> None:
    config, db = tmp_path / "cfg" / "desk.toml", tmp_path / "data" / "desk.db"
    result = run_init(
        tmp_path,
        "init",
        "--no-input",
        "--config",
        str(config),
        "--db",
        str(db),
        "--name",
        "Provincial duty desk",
        "--timezone",
        "Europe/Paris",
        "--desk-lang",
        "zh_CN",
        "--rota",
        "07:00,19:00",
        "--unit",
        "Jilin University",
        "--unit",
        "Overseas students, Europe",  # a flag is one unit: its comma stays
    )
    assert result.returncode == 0, result.stderr
    loaded = load_config(config)
    assert (loaded.desk_name, loaded.timezone, loaded.lang) == (
        "Provincial duty desk",
        "Europe/Paris",
        "zh_CN",
    )
    assert [u.name for u in loaded.rollcall_units] == [
        "Jilin University",
        "Overseas students, Europe",
    ]
    assert load_sources(config) == []  # no drop folder: the example is commented out
    assert db.is_file()
    out = result.stdout
    assert "Desk “Provincial duty desk” is set up" in out  # English: the messages' --lang
    lines = [line.strip() for line in out.split("Next:")[1].splitlines() if line.strip()]
    where = f"--db {db} --config {config}"
    assert lines == [
        "go on duty:",
        f"dutyboard {where} shift start",
        "import a file of requests (CSV, xlsx, JSON…):",
        f"dutyboard {where} ingest --kind requests FILE",
        "open the dashboard:",
        f"dutyboard {where}",
    ]


def test_no_terminal_means_no_questions_and_the_default_paths(tmp_path: Path) -> None:
    """stdin is not a terminal: the defaults, nothing asked; the files go to the
    default places, and the commands printed need no --db or --config."""
    result = run_init(tmp_path, "init")
    assert result.returncode == 0, result.stderr
    assert "[" not in result.stdout  # no prompt
    config = tmp_path / "xdg-config" / "dutyboard" / "config.toml"
    db = tmp_path / "xdg-data" / "dutyboard" / "dutyboard.db"
    loaded = load_config(config)
    assert (loaded.desk_name, loaded.timezone, loaded.lang) == ("Duty desk", "Asia/Shanghai", "en")
    assert [f"{t:%H:%M}" for t in loaded.rota] == ["08:00", "20:00"]
    assert loaded.rollcall_units == ()
    assert db.is_file()
    commands = result.stdout.split("Next:")[1]
    assert "    dutyboard shift start\n" in commands
    assert "    dutyboard ingest --kind requests FILE\n" in commands
    assert "    dutyboard\n" in commands
    assert "--db" not in commands and "--config" not in commands
    # The global --config (before the command) points at what was written: the
    # dashboard's own check of it passes.
    status = run_init(tmp_path, "status", "--json")
    assert status.returncode == 0, status.stderr


def test_an_existing_config_or_database_is_refused_unless_force(tmp_path: Path) -> None:
    config, db = tmp_path / "c.toml", tmp_path / "d.db"
    paths = ["init", "--no-input", "--config", str(config), "--db", str(db)]
    config.write_text("# mine\n")
    refused = run_init(tmp_path, *paths)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"dutyboard: {config} already exists; pass --force to replace it (nothing was written)\n"
    )
    assert config.read_text() == "# mine\n" and not db.exists()  # the database neither

    config.unlink()
    assert run_init(tmp_path, *paths, "--name", "First").returncode == 0
    config.unlink()  # the database is left: it alone is refused
    refused = run_init(tmp_path, *paths)
    assert refused.returncode == 2
    assert f"dutyboard: {db} already exists" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1 and not config.exists()

    # --force replaces both: a new, empty desk under the new config.
    from dutyboard.store import Store

    store = Store.open(db, actor="tester")
    store.add_request({"org": "Jilin University", "item": "KN95 masks"})
    store.close()
    forced = run_init(tmp_path, *paths, "--force", "--name", "Second")
    assert forced.returncode == 0, forced.stderr
    assert load_config(config).desk_name == "Second"
    store = Store.open(db, actor="tester")
    try:
        assert store.count_requests() == 0
    finally:
        store.close()


def test_same_file_and_a_drop_folder_holding_the_desk_are_refused(tmp_path: Path) -> None:
    same = run_init(tmp_path, "init", "--config", str(tmp_path / "x"), "--db", str(tmp_path / "x"))
    assert same.returncode == 2
    assert "the config and the database cannot be the same file" in same.stderr
    holds = run_init(
        tmp_path,
        "init",
        "--config",
        str(tmp_path / "c.toml"),
        "--db",
        str(tmp_path / "desk" / "d.db"),
        "--drop-folder",
        str(tmp_path / "desk"),
    )
    assert holds.returncode == 2
    assert "holds the database: the collector would move it away" in holds.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_bad_flags_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    for flags, message in [
        (["--timezone", "Mars/Olympus"], "--timezone: “Mars/Olympus” is not a known IANA"),
        (["--timezone", "Shanghai"], "did you mean Asia/Shanghai?"),
        (["--rota", "8 pm"], "--rota: “8” is not a time of day"),
        (["--name", "  \x1b[2J "], "--name: the desk needs a name"),
        (["--drop-folder", "in\x07box"], "--drop-folder: the folder name “inbox” has characters"),
    ]:
        result = run_init(tmp_path, "init", "--config", "c.toml", "--db", "d.db", *flags)
        assert result.returncode == 2, flags
        assert result.stderr.startswith("dutyboard: ") and message in result.stderr, flags
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == [], flags


def test_chinese_messages_under_lang_zh_cn(tmp_path: Path) -> None:
    result = run_init(tmp_path, "init", "--lang", "zh_CN", "--config", "c.toml", "--db", "d.db")
    assert result.returncode == 0, result.stderr
    assert "值班台“Duty desk”已设置好" in result.stdout
    assert "接下来：" in result.stdout and "开始值班：" in result.stdout
    assert load_config(tmp_path / "c.toml").lang == "zh_CN"  # --lang is the default desk.lang
    again = run_init(tmp_path, "--lang", "zh_CN", "init", "--config", "c.toml", "--db", "e.db")
    assert again.returncode == 2
    assert "已存在；如要替换请加 --force（未写入任何文件）" in again.stderr


# The CLI leaves init's config alone: a file still to be written, or a broken one to
# replace, does not stop init before it runs.


def test_the_global_config_option_names_the_file_to_write(tmp_path: Path) -> None:
    result = run_init(tmp_path, "--config", "new.toml", "init", "--db", "d.db")
    assert result.returncode == 0, result.stderr
    assert load_config(tmp_path / "new.toml").desk_name == "Duty desk"


def test_dutyboard_config_may_name_the_file_to_write(tmp_path: Path) -> None:
    result = run_init(tmp_path, "init", "--db", "d.db", DUTYBOARD_CONFIG=str(tmp_path / "e.toml"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "e.toml").is_file()


def test_force_replaces_a_broken_default_config(tmp_path: Path) -> None:
    broken = tmp_path / "xdg-config" / "dutyboard" / "config.toml"
    broken.parent.mkdir(parents=True)
    broken.write_text("[desk]\nname = \n")
    result = run_init(tmp_path, "init", "--force", "--db", "d.db")
    assert result.returncode == 0, result.stderr
    assert load_config(broken).desk_name == "Duty desk"


def test_a_leader_sets_up_no_desk(tmp_path: Path) -> None:
    result = run_init(tmp_path, "--role", "leader", "init", "--config", "c.toml", "--db", "d.db")
    assert result.returncode == 2
    assert "a leader's session sets up no desk" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# -------------------------------------------------------- hostile text, in TOML

HOSTILE = [
    'He said "hi"',
    "back\\slash \\n not a newline",
    "长春市人民政府外事办公室 值班台",
    "line one\nline two",
    "esc \x1b[2J\x1b]52;c;aGk=\x07 bell \x07 del \x7f c1 \x9b31m",
    "tab\there 'single' \"\"\" '''",
    "emoji 😷 🇱🇰 ❤️",
    "[bold]markup[/] [@click=app.quit]",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_round_trip_through_the_written_toml(tmp_path: Path, name: str) -> None:
    answers = DeskAnswers(
        name=deskinit.check_name(name),
        timezone="Asia/Shanghai",
        units=deskinit.check_units([name, "Jilin University"]),
        drop_folder=tmp_path / '收件夹 "x" \\ y',
    )
    path = tmp_path / "config.toml"
    path.write_text(deskinit.config_text(answers), encoding="utf-8")
    loaded = load_config(path)
    assert loaded.desk_name == clean_line(name)  # one line, nothing that drives a terminal
    assert [u.name for u in loaded.rollcall_units] == [clean_line(name), "Jilin University"]
    assert load_sources(path)[0].path == tmp_path / '收件夹 "x" \\ y'


def test_a_hostile_name_from_the_command_line(tmp_path: Path) -> None:
    name = 'Duty "desk" \\ 长春\n\x1b[31mred\x1b[0m'
    result = run_init(tmp_path, "init", "--config", "c.toml", "--db", "d.db", "--name", name)
    assert result.returncode == 0, result.stderr
    assert load_config(tmp_path / "c.toml").desk_name == 'Duty "desk" \\ 长春 red'
    assert "\x1b" not in result.stdout


@given(st.text())
def test_toml_string_keeps_any_text(text: str) -> None:
    encodable = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    assert tomllib.loads(f"x = {deskinit.toml_string(encodable)}")["x"] == encodable


# ------------------------------------------------------------------ the answers


def test_the_zone_suggested_from_the_system(tmp_path: Path) -> None:
    zoneinfo = tmp_path / "usr" / "share" / "zoneinfo" / "Asia"
    zoneinfo.mkdir(parents=True)
    (zoneinfo / "Colombo").write_bytes(b"TZif")
    link = tmp_path / "localtime"
    link.symlink_to(zoneinfo / "Colombo")
    none = tmp_path / "none"
    assert deskinit.suggest_timezone({"TZ": "Europe/Paris"}, link, none) == "Europe/Paris"
    assert deskinit.suggest_timezone({"TZ": ":America/New_York"}, link, none) == (
        "America/New_York"
    )
    assert deskinit.suggest_timezone(
        {"TZ": "/usr/share/zoneinfo/posix/Asia/Karachi"}, none, none
    ) == ("Asia/Karachi")
    # A POSIX rule is no IANA name: the link is asked next, then /etc/timezone, then UTC.
    assert deskinit.suggest_timezone({"TZ": "CST-8"}, link, none) == "Asia/Colombo"
    relative = tmp_path / "relative"
    relative.symlink_to(os.path.relpath(zoneinfo / "Colombo", tmp_path))
    assert deskinit.suggest_timezone({}, relative, none) == "Asia/Colombo"
    timezone_file = tmp_path / "timezone"
    timezone_file.write_text("Asia/Thimphu\n")
    assert deskinit.suggest_timezone({}, none, timezone_file) == "Asia/Thimphu"
    timezone_file.write_text("Nowhere/City\n")
    assert deskinit.suggest_timezone({"TZ": "Mars/Olympus"}, none, timezone_file) == "UTC"


def test_zone_answers() -> None:
    assert deskinit.check_timezone("Asia/Shanghai") == "Asia/Shanghai"
    assert deskinit.check_timezone("asia/shanghai") == "Asia/Shanghai"  # its real spelling
    assert deskinit.check_timezone("America/New York") == "America/New_York"
    for bad in ["", "Europe", "../../etc/passwd", "posix/Europe/Paris", "Mars/Olympus", "x" * 300]:
        with pytest.raises(AnswerError, match="is not a known IANA time zone"):
            deskinit.check_timezone(bad)


def test_rota_lang_units_and_folder_answers(tmp_path: Path) -> None:
    assert deskinit.parse_rota("20:00, 8:00") == ("08:00", "20:00")
    assert deskinit.parse_rota("０８：００　20:00") == ("08:00", "20:00")  # full-width
    assert deskinit.parse_rota("-") == deskinit.parse_rota("none") == ()
    for bad in ["24:00", "8", "08:60", "8pm"]:
        with pytest.raises(AnswerError, match="is not a time of day"):
            deskinit.parse_rota(bad)
    assert [deskinit.check_lang(w) for w in ["en", "zh", "zh-CN", "中文", "ZH_cn"]] == [
        "en",
        "zh_CN",
        "zh_CN",
        "zh_CN",
        "zh_CN",
    ]
    with pytest.raises(AnswerError, match="not a language"):
        deskinit.check_lang("fr")
    assert deskinit.parse_units("吉林大学，长春市外办、 Jilin  University ,jilin university") == (
        "吉林大学",
        "长春市外办",
        "Jilin  University",
    )
    assert deskinit.parse_units("") == deskinit.parse_units("-") == ()
    assert deskinit.check_drop_folder("", cwd=tmp_path) is None
    assert deskinit.check_drop_folder("in/../inbox", cwd=tmp_path) == tmp_path / "inbox"
    (tmp_path / "file").write_text("")
    with pytest.raises(AnswerError, match="is not a folder"):
        deskinit.check_drop_folder("file", cwd=tmp_path)
    with pytest.raises(AnswerError, match="cannot keep"):
        deskinit.check_drop_folder("a\x1b[2Jb", cwd=tmp_path)
    assert parse_rule(deskinit.UNIT_RULE)


def test_every_commented_default_is_the_real_default(tmp_path: Path) -> None:
    """Uncommenting a key that is commented out changes nothing: each shows its real
    default. (Not the examples of commented-out blocks, nor desk.user, nor the keys
    another module is adding: [keys] and display.theme.)"""
    text = deskinit.config_text(DeskAnswers(name="Desk", timezone="UTC", rota=()))
    commented_key = re.compile(r"^# ([a-z_]+) = ")
    section: str | None = None
    lines = []
    for line in text.splitlines():
        if line.startswith("["):
            section = line
        elif line.startswith(("# [[", "# [keys]")):
            section = None  # a commented-out block: its keys stay commented
        match = commented_key.match(line)
        if section and match and match.group(1) not in ("user", "theme"):
            line = line.removeprefix("# ")
        lines.append(line)
    uncommented = tmp_path / "all.toml"
    uncommented.write_text("\n".join(lines), encoding="utf-8")
    assert uncommented.read_text().count("\n# ") < text.count("\n# ") - 10
    loaded = load_config(uncommented)
    from dutyboard.domain.limits import DEFAULT as DEFAULT_LIMITS

    defaults = Config()
    for field in ("stale_after_hours", "clocks", "bell", "export_dir", "night_start",
                  "night_end", "arrivals_hours", "arrivals_remind_minutes",
                  "arrivals_soon_hours", "handover_remind_minutes"):  # fmt: skip
        assert getattr(loaded, field) == getattr(defaults, field), field
    assert loaded.limits == DEFAULT_LIMITS
    assert [f"{t:%H:%M}" for t in loaded.rota] == list(deskinit.DEFAULT_ROTA)
    # The keys example and the theme, exactly as the keys' module will read them.
    assert '# [keys]\n# "panel.new" = "n,a"\n' in text
    assert '\n# theme = "textual-dark"\n' in text


def test_deskinit_is_core_it_loads_no_ui() -> None:
    code = (
        "import sys, dutyboard.deskinit\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'widgets'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.stdout.strip() == "[]", result.stderr
