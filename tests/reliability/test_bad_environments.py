"""Bad environments through the real CLI: one clear line, a non-zero exit, no traceback.

Missing and unwritable database folders, a read-only database (officer refused, leader
served), a full disk (a real 1 MB tmpfs where this process may mount one, and always a
fault injected at the SQLite boundary with ``PRAGMA max_page_count``), a damaged file,
and wrong configuration. Root ignores permission bits, so read-only and full are made
with a tmpfs mount (skipped where mounting is not allowed) rather than ``chmod``.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dutyboard.store import Store
from dutyboard.store.connection import sqlite_uri
from tests.conftest import REPO
from tests.reliability.conftest import Mount, child_env, cli, integrity

SMALL_ROWS = 20


def assert_one_line(
    result: subprocess.CompletedProcess[str], *expected: str, code: int | None = 2
) -> str:
    """The error is one line starting 'dutyboard: ', naming what went wrong."""
    where = f"exit {result.returncode}, stderr: {result.stderr[-3000:]!r}"
    assert result.returncode != 0, where
    if code is not None:
        assert result.returncode == code, where
    assert "Traceback" not in result.stderr, where
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dutyboard: "), where
    for text in expected:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"
    return lines[0]


def requests_file(path: Path, rows: int, tag: str, note: str = "") -> Path:
    lines = ["编号,单位名称,物资名称,数量,备注"]
    lines += [f"{tag}-{n},第{n % 14 + 1}单位,防护服,{n + 1},{note or tag}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count_requests(db: Path) -> int:
    conn = sqlite3.connect(sqlite_uri(db, mode="ro"), uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM requests").fetchone()[0])
    finally:
        conn.close()


def small_desk(db: Path, tmp_path: Path) -> None:
    """A desk with a few requests and a shift, closed cleanly (no -wal/-shm left)."""
    ingest = cli("--db", str(db), "--create", "ingest", "--kind", "requests",
                 str(requests_file(tmp_path / "small.csv", SMALL_ROWS, "S")))  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr
    assert cli("--db", str(db), "shift", "start", "--user", "Li Na").returncode == 0


# -- missing and unwritable folders ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["status"],
        ["shift", "start", "--user", "Li Na"],
        ["--role", "leader", "handover", "list"],
        ["export", "requests"],
        ["backup", "BACKUP"],
    ],
    ids=lambda c: " ".join(c),
)
def test_a_missing_database_folder_is_one_line(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    args = [str(tmp_path / "b.db") if word == "BACKUP" else word for word in command]
    result = cli("--db", str(missing / "desk.db"), *args)
    assert_one_line(result, str(missing / "desk.db"), "does not exist")
    assert not missing.parent.exists()  # nothing was created on the way


def test_a_database_folder_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    data = str(requests_file(tmp_path / "r.csv", 3, "U"))
    for db in (a_file / "desk.db", Path("/proc/dutyboard-reliability/desk.db")):
        for command in (["--create", "ingest", "--kind", "requests", data], ["demo"]):
            assert_one_line(cli("--db", str(db), *command), "cannot")
    assert_one_line(cli("--db", str(tmp_path), "check"), "it is a folder")
    assert_one_line(cli("--db", str(data), "check"), "is not a dutyboard database")


def test_read_only_file_system_refuses_officers_and_serves_leaders(
    tmp_path: Path, tmpfs: Mount
) -> None:
    db = tmpfs.path / "desk.db"
    small_desk(db, tmp_path)
    assert not Path(f"{db}-wal").exists()  # a WAL database, closed cleanly
    image = db.read_bytes()
    tmpfs.remount("ro")
    data = str(requests_file(tmp_path / "more.csv", 5, "R"))

    # Officers (read-write) are refused with the reason.
    for command in (
        ["shift", "start", "--user", "Zhang Wei"],
        ["ingest", "--kind", "requests", data],
        ["check"],
    ):
        assert_one_line(cli("--db", str(db), *command), str(db), "read-only file system")
    # A new database there cannot be created: the folder is not writable.
    assert_one_line(
        cli("--db", str(tmpfs.path / "new.db"), "--create", "ingest", "--kind", "requests", data),
        "cannot create database",
        "Read-only file system",
    )
    # Leaders read it: the CLI's read-only commands and the store's leader connection.
    shown = cli("--db", str(db), "--role", "leader", "shift", "show")
    assert shown.returncode == 0 and "On duty: Li Na" in shown.stdout, shown.stderr
    exported = cli(
        "--db", str(db), "export", "requests", "--force", "--out", str(tmp_path / "e.csv")
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert f"{SMALL_ROWS} requests written" in exported.stdout + exported.stderr
    leader = Store.open(db, readonly=True, actor="leader")
    try:
        assert leader.count_requests() == SMALL_ROWS
    finally:
        leader.close()
    assert db.read_bytes() == image


# -- a full disk ---------------------------------------------------------------------------

# Runs the real CLI with every SQLite connection capped at N pages: SQLite then answers
# SQLITE_FULL exactly as it does on a full disk. The fault sits at the I/O boundary;
# nothing in dutyboard is patched.
CAPPED = """
import sqlite3, sys
_connect = sqlite3.connect
def connect(*args, **kwargs):
    conn = _connect(*args, **kwargs)
    conn.execute(f"PRAGMA max_page_count = {int(sys.argv[1])}")
    return conn
sqlite3.connect = connect
from dutyboard.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


def capped_cli(pages: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CAPPED, str(pages), *args],
        capture_output=True, text=True, env=child_env(), cwd=REPO, timeout=120,
    )  # fmt: skip


def page_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


def test_full_disk_simulated_at_the_sqlite_boundary(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    small_desk(db, tmp_path)
    big = requests_file(tmp_path / "big.csv", 2000, "B", note="x" * 300)
    pages = page_count(db) + 10
    args = ("--db", str(db), "ingest", "--kind", "requests", str(big))
    line = assert_one_line(capped_cli(pages, *args), str(db), "the disk is full")
    assert "nothing was changed" in line
    assert integrity(db) == "ok"
    assert count_requests(db) == SMALL_ROWS  # all or nothing: none of the file went in
    # A small change still fits; once there is room the same file goes in whole.
    assert capped_cli(pages, "--db", str(db), "shift", "start", "--user", "Zhang Wei")
    again = cli(*args)
    assert again.returncode == 0, again.stderr
    assert count_requests(db) == SMALL_ROWS + 2000


def test_full_disk_on_a_real_small_file_system(tmp_path: Path, tmpfs: Mount) -> None:
    db = tmpfs.path / "desk.db"
    small_desk(db, tmp_path)
    big = requests_file(tmp_path / "big.csv", 2000, "B", note="x" * 300)
    args = ("--db", str(db), "ingest", "--kind", "requests", str(big))
    assert_one_line(cli(*args), str(db), "the disk is full")
    assert integrity(db) == "ok"
    assert count_requests(db) == SMALL_ROWS
    tmpfs.remount("size=64M")  # space freed
    again = cli(*args)
    assert again.returncode == 0, again.stderr
    assert count_requests(db) == SMALL_ROWS + 2000
    assert integrity(db) == "ok"


def fill(folder: Path) -> Path:
    """Write a file until the file system holding ``folder`` has no byte left."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_is_named_even_when_sqlite_says_io_error(tmp_path: Path, tmpfs: Mount) -> None:
    """With the disk full before a command starts, SQLite cannot grow the -shm file and
    reports SQLITE_IOERR ("disk I/O error"), not SQLITE_FULL: still the disk is full."""
    db = tmpfs.path / "desk.db"
    small_desk(db, tmp_path)
    assert not Path(f"{db}-shm").exists()
    filler = fill(tmpfs.path)
    for command in (["shift", "start", "--user", "Zhang Wei"], ["status"], ["check"]):
        assert_one_line(cli("--db", str(db), *command), str(db), "the disk is full")
    # A new desk on the full disk: refused, and no empty file is left to pass for a desk.
    new = tmpfs.path / "new.db"
    assert_one_line(
        cli("--db", str(new), "--create", "shift", "start", "--user", "Li Na"),
        "the disk is full",
    )
    assert not new.exists()
    filler.unlink()
    assert cli("--db", str(db), "shift", "start", "--user", "Zhang Wei").returncode == 0
    assert integrity(db) == "ok"
    assert count_requests(db) == SMALL_ROWS


# -- a damaged file ------------------------------------------------------------------------


def damaged_copy(clean: Path, dest: Path, seed: int, *, header: bool) -> Path:
    """``clean`` with random bytes over the schema page (``header``), or over every page
    of the requests table and its indexes (so every command that reads or writes
    requests meets one), the rest of the file intact."""
    if clean != dest:
        shutil.copy(clean, dest)
    conn = sqlite3.connect(sqlite_uri(dest, mode="ro"), uri=True)  # leaves any -wal as it is
    try:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        roots = [
            int(r[0])
            for r in conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'requests' AND rootpage > 0"
            )
        ]
    finally:
        conn.close()
    data = bytearray(dest.read_bytes())
    rng = random.Random(seed)
    if header:
        data[100:page_size] = rng.randbytes(page_size - 100)  # the 100-byte header stays
    for page in [] if header else roots:
        data[(page - 1) * page_size : page * page_size] = rng.randbytes(page_size)
    dest.write_bytes(bytes(data))
    return dest


@pytest.fixture(scope="module")
def clean_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("clean") / "desk.db"
    made = cli("demo", "--db", str(db))
    assert made.returncode == 0, made.stderr
    assert cli("check", "--db", str(db)).returncode == 0  # checkpointed, WAL removed
    return db


WRITES = [["shift", "start", "--user", "Zhang Wei"], ["ingest", "--kind", "requests", "DATA"]]
READS = [["export", "requests", "--force", "--out", "OUT"], ["report"], ["supplies", "tally"]]


def _run(db: Path, tmp_path: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    data = str(requests_file(tmp_path / "d.csv", 3, "D"))
    swap = {"DATA": data, "OUT": str(tmp_path / "out.csv")}
    return cli("--db", str(db), *[swap.get(word, word) for word in command])


def test_a_damaged_schema_page_is_one_line_for_every_command(
    clean_desk: Path, tmp_path: Path
) -> None:
    db = damaged_copy(clean_desk, tmp_path / "desk.db", 1, header=True)
    for command in [["check"], *WRITES, *READS, ["status"]]:
        assert_one_line(_run(db, tmp_path, command), str(db))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_write_that_meets_a_damaged_page_is_one_line(
    clean_desk: Path, tmp_path: Path, seed: int
) -> None:
    db = damaged_copy(clean_desk, tmp_path / "desk.db", seed, header=False)
    result = _run(db, tmp_path, WRITES[1])
    assert_one_line(result, str(db), "is damaged", "dutyboard backup --help")


@pytest.mark.parametrize("seed", [1, 2])
def test_a_read_that_meets_a_damaged_page_is_one_line(
    clean_desk: Path, tmp_path: Path, seed: int
) -> None:
    db = damaged_copy(clean_desk, tmp_path / "desk.db", seed, header=False)
    for command in READS:
        assert_one_line(_run(db, tmp_path, command), str(db), "is damaged")
    check = cli("--db", str(db), "check")
    assert check.returncode != 0 and "Traceback" not in check.stderr
    assert "integrity:" in check.stdout or check.stderr.startswith("dutyboard: ")


# -- wrong configuration -------------------------------------------------------------------

CONFIGS: dict[str, tuple[str | bytes, str]] = {
    "bad TOML": ("[desk\ntimezone = 1\n", "not valid TOML"),
    "unknown key": ('[desk]\ntimezon = "UTC"\n', "unknown key desk.timezon"),
    "bad zone": ('[desk]\ntimezone = "Mars/Base"\n', "'Mars/Base' is not a known IANA time zone"),
    "wrong type": ("[desk]\ntimezone = 8\n", "desk.timezone"),
    "not UTF-8": (b"[desk]\nname = '\xff\xfe'\n", "config.toml"),
}


@pytest.mark.parametrize("case", list(CONFIGS), ids=list(CONFIGS))
def test_wrong_configuration_is_one_line_naming_the_file(
    clean_desk: Path, tmp_path: Path, case: str
) -> None:
    text, expected = CONFIGS[case]
    config = tmp_path / "config.toml"
    if isinstance(text, bytes):
        config.write_bytes(text)
    else:
        config.write_text(text, encoding="utf-8")
    for command in (["check"], ["shift", "show"]):
        result = cli("--config", str(config), "--db", str(clean_desk), *command)
        assert_one_line(result, str(config), expected)


def test_a_missing_or_unreadable_config_is_one_line(clean_desk: Path, tmp_path: Path) -> None:
    for config in (tmp_path / "nope.toml", tmp_path):
        result = cli("--config", str(config), "--db", str(clean_desk), "check")
        assert_one_line(result, str(config))


# -- the documented restore ----------------------------------------------------------------


def test_the_documented_restore_brings_back_a_verified_backup(
    clean_desk: Path, tmp_path: Path
) -> None:
    """`dutyboard backup --help`: stop dutyboard, copy the backup over the database file,
    delete any -wal/-shm files beside it, run `dutyboard check`."""
    db = tmp_path / "desk.db"
    shutil.copy(clean_desk, db)
    copy = tmp_path / "backups" / "desk-0300.db"
    copy.parent.mkdir()
    made = cli("--db", str(db), "backup", str(copy))
    assert made.returncode == 0 and "integrity ok" in made.stdout, made.stderr
    documented = " ".join(cli("backup", "--help").stdout.split())
    assert "Restore a SQLite desk: stop dutyboard, copy the backup over" in documented
    # Later: the desk wrote on, a writer died leaving its -wal behind, then pages broke.
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.workers", "status", str(db), "7"],
        cwd=REPO, env=child_env(), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    writer.kill()
    writer.wait(timeout=30)
    assert Path(f"{db}-wal").exists()
    damaged_copy(db, db, 3, header=False)

    shutil.copy(copy, db)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    checked = cli("--db", str(db), "check")
    assert checked.returncode == 0 and "integrity: ok" in checked.stdout, checked.stdout
    assert count_requests(db) == count_requests(copy) == 240
