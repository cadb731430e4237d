"""The PostgreSQL test server (tests/pgserver.py): real, private, separate, and stopped.

Needs the plugin: registered in tests/conftest.py, or ``pytest -p tests.pgserver``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dutyboard.store.dburl import PostgresLocation, parse_location
from tests.pgserver import (
    INSTALL_HINT,
    PgServer,
    PgServerUnavailable,
    find_binaries,
    process_alive,
)

REPO = Path(__file__).resolve().parents[1]


def test_a_real_postgresql_15_or_newer(pg_server: PgServer) -> None:
    with psycopg.connect(pg_server.dsn()) as conn:
        version = conn.execute("SELECT version()").fetchone()
        number = conn.execute("SHOW server_version_num").fetchone()
    assert version is not None and version[0].startswith("PostgreSQL ")
    assert number is not None and int(number[0]) >= 150000


def test_the_url_and_the_dsn_both_reach_it(pg_server: PgServer) -> None:
    url = pg_server.url("postgres")
    # The socket folder is a query parameter, every "/" of it percent-encoded.
    assert url.startswith("postgresql://dutyboard@/postgres?host=%2F")
    assert str(pg_server.socket_dir) not in url
    for target in (url, pg_server.dsn("postgres")):
        with psycopg.connect(target) as conn:
            row = conn.execute("SELECT current_user, current_database()").fetchone()
        assert row == ("dutyboard", "postgres")


def test_it_listens_on_its_unix_socket_only(pg_server: PgServer) -> None:
    with pg_server.connect() as conn:
        listen = conn.execute("SHOW listen_addresses").fetchone()
        sockets = conn.execute("SHOW unix_socket_directories").fetchone()
    assert listen == ("",)
    assert sockets == (str(pg_server.socket_dir),)
    assert stat.S_ISSOCK(os.stat(pg_server.socket_file).st_mode)

    # Nothing answers on the port number over TCP…
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", pg_server.port), timeout=5),
    ):
        pass
    # …nor on any other: the postmaster holds no listening TCP socket at all, while the
    # same look at its file descriptors does find its Unix socket.
    pid = pg_server.pid
    assert pid is not None
    held = _socket_inodes(pid)
    assert held & _unix_socket_inodes(pg_server.socket_file)
    assert not held & _tcp_listening_inodes()


def test_fresh_databases_are_new_empty_and_separate(pg_server: PgServer) -> None:
    first, second = pg_server.fresh_database(), pg_server.fresh_database()
    assert first != second
    with pg_server.connect(first) as conn:
        assert _tables(conn) == 0
        conn.execute("CREATE TABLE requests (id int)")
        conn.execute("INSERT INTO requests VALUES (1)")
    with pg_server.connect(second) as conn:
        assert _tables(conn) == 0
        assert conn.execute("SELECT to_regclass('requests')").fetchone() == (None,)
    with pg_server.connect(first) as conn:
        assert conn.execute("SELECT count(*) FROM requests").fetchone() == (1,)


def test_pg_url_gives_each_test_its_own_database(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
        assert _tables(conn) == 0
    assert name is not None and name[0].startswith("test_")


def test_a_database_name_in_chinese_goes_through_the_url(pg_server: PgServer) -> None:
    name = pg_server.fresh_database("值班台 测试")
    url = pg_server.url(name)
    assert "%E5%80%BC" in url  # 值, as UTF-8 percent-escapes
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (name,)


def test_dburl_reads_the_fixtures_url_as_libpq_does(pg_server: PgServer) -> None:
    name = pg_server.fresh_database("desk/night 1")
    location = parse_location(pg_server.url(name))
    assert isinstance(location, PostgresLocation)
    assert (location.host, location.port) == (str(pg_server.socket_dir), pg_server.port)
    assert (location.user, location.dbname) == ("dutyboard", name)
    assert location.warnings == ()
    with psycopg.connect(location.conninfo()) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (name,)


def test_the_server_does_not_run_as_root(pg_server: PgServer) -> None:
    expected = pg_server.account.uid if pg_server.account else os.geteuid()
    assert expected != 0
    assert pg_server.data_dir.stat().st_uid == expected
    pid = pg_server.pid
    assert pid is not None
    assert _real_uid(pid) == expected
    with pg_server.connect() as conn:  # its backend lives as long as the connection
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert backend is not None and _real_uid(backend[0]) == expected


# -- finding the binaries -------------------------------------------------------------


def _fake_bin(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True)
    for tool in ("initdb", "pg_ctl"):
        script = folder / tool
        script.write_text(f"#!/bin/sh\necho '{tool} (PostgreSQL) {version}'\n")
        script.chmod(0o755)
    return folder


def test_the_highest_debian_version_of_15_or_newer_is_chosen(tmp_path: Path) -> None:
    root = tmp_path / "postgresql"
    for version in ("13", "16.2", "15.18"):
        _fake_bin(root / version.split(".")[0] / "bin", version)
    found = find_binaries(search_path="", debian_root=root)
    assert (found.bindir, found.version) == (root / "16" / "bin", 16)


def test_path_comes_before_debians_folder(tmp_path: Path) -> None:
    on_path = _fake_bin(tmp_path / "local", "15.4")
    _fake_bin(tmp_path / "postgresql" / "17" / "bin", "17.0")
    found = find_binaries(search_path=str(on_path), debian_root=tmp_path / "postgresql")
    assert found.bindir == on_path


def test_too_old_a_server_is_refused_saying_what_was_found(tmp_path: Path) -> None:
    _fake_bin(tmp_path / "postgresql" / "13" / "bin", "13.9")
    with pytest.raises(PgServerUnavailable) as caught:
        find_binaries(search_path="", debian_root=tmp_path / "postgresql")
    assert "version 13" in str(caught.value)


def test_no_binaries_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(PgServerUnavailable) as caught:
        find_binaries(search_path="", debian_root=tmp_path / "none")
    message = str(caught.value)
    assert "initdb" in message and INSTALL_HINT in message and "\n" not in message
    with pytest.raises(PgServerUnavailable, match="no initdb and pg_ctl"):
        find_binaries(bin_override=str(tmp_path))


# -- the fixture as a session sees it (a pytest run of its own) ------------------------

INNER_TEST = """
import json, os, signal, time
from pathlib import Path


def test_holds_the_server(pg_server):
    with pg_server.connect() as conn:
        conn.execute("SELECT 1")
    info = {"pid": pg_server.pid, "socket": str(pg_server.socket_file),
            "folder": str(pg_server.folder)}
    Path(os.environ["PG_REPORT"]).write_text(json.dumps(info))
    how = os.environ["PG_HOW"]
    if how == "fail":
        raise AssertionError("a test that fails")
    os.kill(os.getpid(), signal.SIGINT if how == "interrupt" else signal.SIGTERM)
    time.sleep(60)
"""


PLUGIN_ARGS = ("-p", "tests.pgserver", "-p", "no:cacheprovider")


def _session(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "inner" / "test_inner.py"
    test_file.parent.mkdir(exist_ok=True)
    test_file.write_text(textwrap.dedent(INNER_TEST))
    return subprocess.run(
        [sys.executable, "-m", "pytest", *PLUGIN_ARGS, "-q", "-rA", str(test_file)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize(
    ("how", "exit_code"),
    [("fail", 1), ("interrupt", 2), ("sigterm", -signal.SIGTERM)],
)
def test_the_server_is_stopped_when_the_session_ends(
    tmp_path: Path, how: str, exit_code: int
) -> None:
    report = tmp_path / "report.json"
    done = _session(tmp_path, PG_REPORT=str(report), PG_HOW=how)
    assert done.returncode == exit_code, done.stdout + done.stderr
    info = json.loads(report.read_text())
    assert isinstance(info["pid"], int)
    assert not process_alive(info["pid"])
    assert not Path(info["socket"]).exists()
    assert not Path(info["folder"]).exists()


def test_without_binaries_the_fixture_fails_never_skips(tmp_path: Path) -> None:
    empty = tmp_path / "no-postgres"
    empty.mkdir()
    done = _session(tmp_path, DUTYBOARD_PG_BIN=str(empty), PG_REPORT="-", PG_HOW="fail")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout and "skipped" not in done.stdout
    assert "server binaries (initdb, pg_ctl) not found" in done.stdout


# -- helpers --------------------------------------------------------------------------


def _tables(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relkind = 'r'"
    ).fetchone()
    assert row is not None
    return int(row[0])


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[len("socket:[") : -1])
    return found


def _tcp_listening_inodes() -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                found.add(fields[9])
    return found


def _unix_socket_inodes(path: Path) -> set[str]:
    found = set()
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 8 and fields[7] == str(path):
            found.add(fields[6])
    return found


def _real_uid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for process {pid}")
