"""Opening a desk from the command line: hostile paths, files that are not desks, missing
desks and ``--create``, and the one-line errors that replace tracebacks.

Everything runs the real CLI as a subprocess on real files in ``tmp_path``: desks built by
the demo, copies of them with bytes changed in place, an unrelated SQLite database, a FIFO
made with ``os.mkfifo``, a pipe whose reader is gone. Nothing is mocked.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dutyboard.cli import main
from dutyboard.demo import build_demo
from dutyboard.store import Store, StoreError
from dutyboard.store.connection import connect, sqlite_uri
from dutyboard.store.engine import APPLICATION_ID
from tests.conftest import FIXED_NOW, REPO
from tests.reliability.conftest import child_env, cli

CONFIG = '[desk]\ntimezone = "Asia/Shanghai"\nuser = "Zhang Wei"\n'
MISSING = (
    "`dutyboard init` sets up a real desk, --create makes a new, empty one here, "
    "`dutyboard demo` a demo desk"
)


def one_line(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    """The error: one line starting 'dutyboard: ', exit 2, no traceback."""
    where = f"exit {result.returncode}, stderr: {result.stderr[-2000:]!r}"
    assert result.returncode == 2, where
    assert "Traceback" not in result.stderr, where
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dutyboard: "), where
    for text in expected:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"
    return lines[0]


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    return result.stdout


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir()}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(sqlite_uri(db, mode="ro"), uri=True)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo desk (240 requests, 64 contacts, a signed handover), closed cleanly."""
    db = tmp_path_factory.mktemp("demo") / "desk.db"
    build_demo(db, now=FIXED_NOW, officer="Li Na")
    assert not Path(f"{db}-wal").exists()
    return db


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def requests_csv(path: Path) -> Path:
    path.write_text("编号,单位名称,物资名称,数量\nP-1,第一中学,口罩,100\n", encoding="utf-8")
    return path


# -- hostile characters in the path (17 #6) -------------------------------------------------

# Each would cut or change the path in a ``file:`` URI: '#' starts a fragment (the old
# backup copied an empty database SQLite made at the path cut there), '?' a query, '%' an
# escape (the old read-only open looked for "deskA.db"); spaces are in the path that has
# every one of them.
HOSTILE = {
    "hash": Path("night#shift") / "desk#1.db",
    "question": Path("why?mode=rwc") / "desk?.db",
    "percent": Path("pct%41") / "desk%41%2523.db",
}
EVERYTHING = Path("a #b?c=1%41 d") / "desk #?%20%.db"


def place(demo_desk: Path, root: Path, relative: Path) -> Path:
    db = root / relative
    db.parent.mkdir(parents=True)
    shutil.copy(demo_desk, db)
    return db


def test_every_command_opens_the_desk_named_by_a_hostile_path(
    demo_desk: Path, tmp_path: Path, config: Path
) -> None:
    root = tmp_path / "root"
    db = place(demo_desk, root, EVERYTHING)
    data = requests_csv(root / "in.csv")
    copy = db.parent / "backup #1?.db"
    before = files_under(root)

    def run(*args: str) -> str:
        return ok(cli("--db", str(db), "--config", str(config), *args))

    # Read-only commands (the leader's open too) see the real desk: 240 requests, …
    status = json.loads(run("status", "--json"))
    assert status["requests"]["total"] == 240
    assert json.loads(run("--role", "leader", "status", "--json"))["requests"]["total"] == 240
    assert "On duty: Li Na" in run("shift", "show")
    assert "On duty: Li Na" in run("--role", "leader", "shift", "show")
    assert len(run("export", "requests").splitlines()) == 241
    assert len(run("contacts", "export", "--format", "csv").splitlines()) == 65
    assert "Li Na" in run("handover", "list")
    assert "Li Na" in run("--role", "leader", "handover", "show", "--last")
    assert "masks" in run("supplies", "tally")
    run("report")
    run("arrivals", "--json")
    run("rollcall")
    # … the verified backup copies it all …
    backed = run("backup", str(copy))
    assert "240 requests" in backed and "integrity ok" in backed
    assert count(copy, "SELECT count(*) FROM requests") == 240
    # … and commands that write change that file.
    assert "1 new" in run("ingest", "--kind", "requests", str(data))
    assert "Wang Fang is on duty" in run("shift", "start", "--user", "Wang Fang")
    run("supplies", "receive", "--from", "Red Cross", "gloves", "10", "pairs")
    checked = run("check")
    assert f"database:  {db}" in checked and "integrity: ok" in checked
    assert count(db, "SELECT count(*) FROM requests") == 241
    # No other file was made on the way (the old backup left one at the path cut at '#').
    made = files_under(root) - before
    assert made <= {str(copy.relative_to(root)), f"{EVERYTHING}-wal", f"{EVERYTHING}-shm"}


@pytest.mark.parametrize("relative", list(HOSTILE.values()), ids=list(HOSTILE))
def test_each_hostile_character_names_the_right_file(
    demo_desk: Path, tmp_path: Path, config: Path, relative: Path
) -> None:
    root = tmp_path / "root"
    db = place(demo_desk, root, relative)
    copy = db.parent / f"copy-{db.name}"
    before = files_under(root)
    base = ("--db", str(db), "--config", str(config))
    backed = ok(cli(*base, "backup", str(copy)))
    assert "240 requests" in backed
    assert count(copy, "SELECT count(*) FROM requests") == 240
    shown = json.loads(ok(cli(*base, "--role", "leader", "status", "--json")))
    assert shown["requests"]["total"] == 240
    assert "Wang Fang is on duty" in ok(cli(*base, "shift", "start", "--user", "Wang Fang"))
    assert files_under(root) - before <= {
        str(copy.relative_to(root)),
        f"{relative}-wal",
        f"{relative}-shm",
    }


@pytest.mark.parametrize(
    "name",
    ["a#b.db", "q?mode=memory.db", "p%2541.db", "s p a c e.db", "é 口罩.db", "bad\udcff.db"],
)
def test_sqlite_uri_names_exactly_that_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / "sub #?%" / name
    path.parent.mkdir()
    conn = sqlite3.connect(sqlite_uri(path), uri=True)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert os.listdir(path.parent) == [name]
    read = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)
    try:
        assert read.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            read.execute("INSERT INTO t VALUES (1)")
    finally:
        read.close()


def test_backup_of_an_empty_file_is_refused_not_verified(tmp_path: Path) -> None:
    """The old backup said "0 rows … integrity ok" for a file with no desk in it."""
    empty = tmp_path / "empty.db"
    empty.touch()
    dest = tmp_path / "b.db"
    one_line(cli("--db", str(empty), "backup", str(dest)), "holds no desk yet")
    assert not dest.exists() and not list(tmp_path.glob(".*.partial"))


# -- files that are not desks (17, should-fix) ------------------------------------------------


def other_program_db(path: Path, *, app_id: int = 0) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('shopping list')")
    conn.commit()
    conn.close()
    return path


DESK_COMMANDS = [
    ["shift", "start", "--user", "Li Na"],
    ["--create", "shift", "start", "--user", "Li Na"],
    ["status"],
    ["--role", "leader", "status"],
    ["check"],
    ["ingest", "--kind", "requests", "DATA"],
    ["handover", "list"],
    ["backup", "DEST"],
]


@pytest.mark.parametrize(
    ("app_id", "expected"),
    [(0, "(it holds other tables)"), (0x47504B47, "its application id is 0x47504b47")],
    ids=["no application id", "GeoPackage id"],
)
def test_an_unrelated_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path, app_id: int, expected: str
) -> None:
    db = other_program_db(tmp_path / "notes.db", app_id=app_id)
    image = digest(db)
    swap = {"DATA": str(requests_csv(tmp_path / "in.csv")), "DEST": str(tmp_path / "b.db")}
    for command in DESK_COMMANDS:
        result = cli("--db", str(db), *[swap.get(word, word) for word in command])
        one_line(result, f"{db} is not a dutyboard desk", expected, "left untouched")
    assert digest(db) == image
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "notes.db"]
    with pytest.raises(StoreError, match="is not a dutyboard desk"):
        Store.open(db)
    assert digest(db) == image


def test_desks_carry_the_application_id_and_old_desks_get_it(tmp_path: Path) -> None:
    assert APPLICATION_ID == 0x44555459 == int.from_bytes(b"DUTY", "big")
    new = tmp_path / "new.db"
    Store.open(new).close()
    assert count(new, "PRAGMA application_id") == APPLICATION_ID
    # A desk made before the id existed: every migration but the last, application id 0.
    from sqlite_utils import Database

    from dutyboard.store.schema import migrations

    old = tmp_path / "old.db"
    database = Database(old)
    migrations.apply(database, stop_before="m080_desk_application_id")
    database.conn.execute("INSERT INTO shifts (officer, started_at) VALUES ('Li Na', 'x')")
    database.conn.commit()
    database.close()
    assert count(old, "PRAGMA application_id") == 0
    # A leader cannot upgrade it; the officer's check does, keeping what it holds.
    one_line(cli("--db", str(old), "--role", "leader", "status"), "needs a schema upgrade")
    assert "integrity: ok" in ok(cli("--db", str(old), "check"))
    assert count(old, "PRAGMA application_id") == APPLICATION_ID
    assert count(old, "SELECT count(*) FROM shifts") == 1
    Store.open(old, readonly=True).close()


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "desk.db"
    os.mkfifo(fifo)
    for command in (["status"], ["--role", "leader"], ["shift", "start"], ["check"]):
        result = cli("--db", str(fifo), *command, timeout=20)
        one_line(result, str(fifo), "a FIFO (named pipe), not a database file")
    one_line(cli("--db", str(fifo), "backup", str(tmp_path / "b.db"), timeout=20), "FIFO")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


# -- a missing desk and --create (18 #8) ------------------------------------------------------


def missing_desk_commands(tmp_path: Path) -> list[list[str]]:
    data = str(requests_csv(tmp_path / "in.csv"))
    travellers = tmp_path / "travellers.csv"
    travellers.write_text("姓名,航班,出发地,抵达时间\n李明,CA934,FR,2020-02-05 06:00\n")
    return [
        [],  # the dashboard
        ["ingest", "--kind", "requests", data],
        ["shift", "start", "--user", "Li Na"],
        ["handover", "draft", "--user", "Li Na"],
        ["supplies", "receive", "--from", "Red Cross", "gloves", "10", "pairs"],
        ["rollcall", "mark", "Jilin University"],
        ["arrivals", "import", str(travellers)],
        ["check"],
        ["status"],
        ["report"],
        ["export", "requests"],
        ["shift", "show"],
    ]


def test_a_mistyped_path_is_refused_and_creates_nothing(tmp_path: Path, config: Path) -> None:
    typo = tmp_path / "typo-desk.db"
    commands = missing_desk_commands(tmp_path)
    before = files_under(tmp_path)
    for command in commands:
        result = cli("--db", str(typo), "--config", str(config), *command)
        one_line(result, f"no desk at {typo} (the file does not exist)", MISSING)
    assert files_under(tmp_path) == before
    elsewhere = tmp_path / "no" / "such" / "folder" / "desk.db"
    one_line(cli("--db", str(elsewhere), "shift", "start"), f"folder {elsewhere.parent} does not")
    assert not (tmp_path / "no").exists()


def test_create_makes_a_new_desk_for_commands_that_write(tmp_path: Path, config: Path) -> None:
    base = ("--config", str(config))
    data = str(requests_csv(tmp_path / "in.csv"))
    made = {
        "ingest.db": ["--create", "ingest", "--kind", "requests", data],
        "shift.db": ["shift", "start", "--create", "--user", "Li Na"],  # after the command
        "supplies.db": ["supplies", "receive", "--create", "--from", "Red Cross", "gloves", "10"],
        "check.db": ["--create", "check"],
        "sub/folder/handover.db": ["--create", "handover", "draft", "--user", "Li Na"],
    }
    for name, command in made.items():
        db = tmp_path / name
        result = cli("--db", str(db), *base, *command)
        if name.endswith("handover.db"):  # nobody on duty yet: a usage error, but a desk
            one_line(result, "nobody is on duty")
        else:
            ok(result)
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        assert count(db, "PRAGMA application_id") == APPLICATION_ID
    assert count(tmp_path / "ingest.db", "SELECT count(*) FROM requests") == 1
    assert "On duty: Li Na" in ok(cli("--db", str(tmp_path / "shift.db"), *base, "shift", "show"))
    # On a desk that exists --create changes nothing.
    again = ok(cli("--db", str(tmp_path / "ingest.db"), *base, "--create", "status", "--json"))
    assert json.loads(again)["requests"]["total"] == 1


def test_create_never_makes_a_desk_for_a_reader_or_a_leader(tmp_path: Path) -> None:
    typo = tmp_path / "new.db"
    for command in (["status"], ["report"], ["shift", "show"], ["handover", "list"]):
        result = cli("--db", str(typo), "--create", *command)
        one_line(result, f"no desk at {typo}", "a command that only reads never creates one")
    for command in ([], ["status"], ["shift", "start"], ["ingest", "--kind", "requests", "x"]):
        result = cli("--db", str(typo), "--role", "leader", "--create", *command)
        one_line(result, f"no desk at {typo}", "a leader's session never creates one")
    assert list(tmp_path.iterdir()) == []


def test_create_is_documented_in_help() -> None:
    top = ok(cli("--help"))
    assert "--create" in top and "dutyboard demo" in " ".join(top.split())
    assert "--create" in ok(cli("ingest", "--help"))


def _leaves(parser: argparse.ArgumentParser) -> set[str | None]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {None}
    names: set[str | None] = set(subs[0].choices)
    if not subs[0].required:
        names.add(None)  # the command without an action (`arrivals`, `rollcall`)
    return names


def test_every_command_and_action_is_known_to_read_or_write() -> None:
    """--create relies on it: a new command must say whether it only reads."""
    from dutyboard.cli import COMMANDS, ONLY_READS, WRITES, build_parser

    full = build_parser(full=True)
    sub = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction))
    for name in COMMANDS:
        actions = _leaves(sub.choices[name])
        reads, writes = ONLY_READS.get(name, frozenset()), WRITES.get(name, frozenset())
        assert not reads & writes, name
        assert actions == reads | writes, name
    assert WRITES[None] == {None}  # the dashboard


def test_connect_refuses_to_create_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    with pytest.raises(StoreError, match="--create makes a new"):
        connect(path, create=False)
    with pytest.raises(StoreError, match="never creates one"):
        connect(path, readonly=True)
    assert not path.exists()


# -- one line instead of a traceback (17 #7) --------------------------------------------------


def edit_schema(db: Path, name: str, old: bytes, new: bytes) -> None:
    """Replace bytes in one object's SQL text, as a damaged page would."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.text_factory = bytes
    try:
        conn.execute("PRAGMA writable_schema = ON")
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        assert old in sql
        conn.execute(
            "UPDATE sqlite_master SET sql = CAST(? AS TEXT) WHERE name = ?",
            (sql.replace(old, new, 1), name),
        )
    finally:
        conn.close()


SCHEMA_BYTES = {
    # A table name in an index that SQLite then reports, quoting the byte: Python could
    # not decode SQLite's own error message (a UnicodeDecodeError in every command).
    "index": ("requests_received", b"ON requests(", b"ON \xffequests("),
    # A column name: fine for SQLite, but the report's cursor could not decode it.
    "column": ("requests", b"requester TEXT", b"requester\xff TEXT"),
}


@pytest.mark.parametrize("case", list(SCHEMA_BYTES), ids=list(SCHEMA_BYTES))
def test_a_non_utf8_byte_in_the_schema_is_one_line(
    demo_desk: Path, tmp_path: Path, case: str
) -> None:
    db = tmp_path / "desk.db"
    shutil.copy(demo_desk, db)
    edit_schema(db, *SCHEMA_BYTES[case])
    dest = str(tmp_path / "b.db")
    for command in (["check"], ["status"], ["backup", dest], ["shift", "start"], ["report"]):
        one_line(cli("--db", str(db), *command), f"{db} is damaged", "dutyboard check")
    assert not Path(dest).exists()


COMMANDS_13 = [
    ["check"],
    ["status"],
    ["--role", "leader", "status", "--json"],
    ["backup", "DEST"],
    ["shift", "start", "--user", "Wang Fang"],
    ["shift", "show"],
    ["report"],
    ["export", "requests"],
    ["handover", "list"],
    ["handover", "show", "--last"],
    ["arrivals"],
    ["supplies", "tally"],
    ["contacts", "export", "--format", "csv"],
    ["ingest", "--kind", "requests", "DATA"],
]


def flip_bits(db: Path, seed: int, count: int, *, data_pages_only: bool) -> None:
    """``count`` random bits flipped in place: anywhere, or only outside the schema pages
    (so that the schema loads and the damage is met in the rows)."""
    conn = sqlite3.connect(sqlite_uri(db, mode="ro"), uri=True)
    try:
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        schema = {
            r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")
        }
    finally:
        conn.close()
    data = bytearray(db.read_bytes())
    rng = random.Random(seed)
    allowed = [p for p in range(2, pages + 1) if p not in schema]
    for _ in range(count):
        if data_pages_only:
            offset = (rng.choice(allowed) - 1) * size + rng.randrange(size)
        else:
            offset = rng.randrange(len(data))
        data[offset] ^= 1 << rng.randrange(8)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("seed", "data_pages_only"),
    [(1, True), (4, True), (13, False)],
    ids=["rows-1", "rows-4", "anywhere-13"],
)
def test_400_flipped_bytes_are_one_line_for_every_command(
    demo_desk: Path, tmp_path: Path, seed: int, data_pages_only: bool
) -> None:
    db = tmp_path / "desk.db"
    shutil.copy(demo_desk, db)
    flip_bits(db, seed, 400, data_pages_only=data_pages_only)
    swap = {"DEST": str(tmp_path / "b.db"), "DATA": str(requests_csv(tmp_path / "in.csv"))}

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        return cli("--db", str(db), *[swap.get(word, word) for word in command])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, COMMANDS_13))
    for command, result in zip(COMMANDS_13, results, strict=True):
        where = f"{command}: exit {result.returncode}, {result.stderr[-1500:]!r}"
        assert "Traceback" not in result.stderr, where
        if result.returncode == 0:
            continue
        if command == ["check"] and result.returncode == 1:
            assert "integrity:" in result.stdout, where  # the check's own report
            continue
        one_line(result, str(db))


def run_with_env(args: Sequence[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True,
        env={**child_env(), **env},
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        timeout=60,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
    )


@pytest.mark.parametrize(
    "command",
    [
        ["handover", "show", "--last"],
        ["report"],
        ["export", "requests"],
        ["arrivals"],
        ["rollcall"],
        ["supplies", "tally"],
        ["handover", "list"],
        ["shift", "show"],
    ],
    ids=" ".join,
)
def test_an_ascii_only_stdout_gets_escapes_not_a_traceback(
    demo_desk: Path, command: list[str]
) -> None:
    result = run_with_env(
        ["--lang", "zh_CN", "--db", str(demo_desk), *command], PYTHONIOENCODING="ascii"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""
    assert result.stdout.isascii() and result.stdout.strip()
    assert "\\u" in result.stdout or "\\x" in result.stdout  # nothing was dropped


READERS = [["report"], ["handover", "show", "--last"], ["export", "requests"], ["shift", "show"]]


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_reader_that_went_away_ends_the_command_quietly(
    demo_desk: Path, command: list[str]
) -> None:
    """`dutyboard status | head -0`: the pipe's reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dutyboard", "--db", str(demo_desk), *command],
            stdout=write_end, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env=child_env(), cwd=REPO, timeout=60, text=True,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("command", [["status"], *READERS, ["shift", "start"]], ids=" ".join)
def test_a_closed_stdout_is_refused_with_one_line(
    demo_desk: Path, tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "desk.db"
    shutil.copy(demo_desk, db)
    image = digest(db)
    result = subprocess.run(
        ["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m", "dutyboard",
         "--db", str(db), *command],
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=child_env(), cwd=REPO,
        timeout=60, text=True,
    )  # fmt: skip
    one_line(result, "standard output is closed")
    assert digest(db) == image  # refused before anything was opened


@pytest.mark.parametrize("seconds", ["nan", "inf", "1e308"])
def test_an_absurd_lease_is_one_line(demo_desk: Path, tmp_path: Path, seconds: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\npath = "{inbox}"\n',
        encoding="utf-8",
    )
    args = ("--db", str(demo_desk), "--config", str(config), "collect", "--once")
    one_line(cli(*args, "--lease-seconds", seconds), "--lease-seconds must be between 1 and")


def test_a_postgresql_url_is_a_server_never_a_path_and_its_password_is_never_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL is recognised (`postgresql:/li:s3cret@…` once was read as a path), its
    server asked, and a server that cannot be reached is one line with the password
    masked; no file is made from it."""
    monkeypatch.chdir(tmp_path)
    nowhere = tmp_path / "no-server-here"
    url = f"postgresql://li:s3cret@/desk?host={nowhere}"
    for args, env in ((["--db", url, "status"], None), (["status"], url)):
        if env:
            monkeypatch.setenv("DUTYBOARD_DB", env)
        assert main(args) == 2
        err = capsys.readouterr().err
        lines = err.splitlines()
        # The warning about a password in a URL, then the one line of the failure.
        assert len(lines) == 2 and "password" in lines[0], err
        assert lines[1].startswith("dutyboard: database postgresql://li:***@/desk"), err
        assert "s3cret" not in err
    assert not list(tmp_path.iterdir())
