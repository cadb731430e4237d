"""A PostgreSQL desk from the command line (issue 21): `init --db postgresql://…` makes the
desk and writes its URL into the config; every command then finds it (by --db, by
$DUTYBOARD_DB, by the config's desk.database); a leader's session reads it and writes
nothing. Against the real test server (tests/pgserver.py); each command runs through
``dutyboard.cli.main`` as a person would type it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from dutyboard import files
from dutyboard.cli import main
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_database_without_a_desk_is_refused_with_the_command_that_makes_one(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", pg_url, "status")
    assert code == 2
    assert "holds no dutyboard desk" in err and "dutyboard init --db" in err
    assert err.count("\n") == 1


def test_init_makes_the_desk_and_every_command_finds_it_through_the_config(
    pg_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DUTYBOARD_DB", raising=False)
    config = tmp_path / "config.toml"
    code, out, err = run(
        capsys,
        "--db",
        pg_url,
        "--config",
        str(config),
        "init",
        "--no-input",
        "--name",
        "Hunan federation desk",
        "--timezone",
        "Asia/Shanghai",
        "--unit",
        "Changsha",
    )
    assert code == 0, err
    location = PostgresLocation.parse(pg_url)
    assert location.masked() in out and "--db" not in out.split("Next:")[1]
    written = tomllib.loads(config.read_text(encoding="utf-8"))
    assert PostgresLocation.parse(written["desk"]["database"]) == location

    # The config alone now leads every command to the desk.
    cfg = ("--config", str(config))
    assert run(capsys, *cfg, "--user", "Li Na", "shift", "start")[0] == 0
    requests = tmp_path / "needs.csv"
    requests.write_text("org,item,quantity,priority\n长沙一中,口罩,两千,urgent\n", "utf-8")
    code, out, err = run(capsys, *cfg, "ingest", "--kind", "requests", str(requests))
    assert code == 0, err
    code, out, err = run(capsys, *cfg, "status", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert status["desk"]["name"] == "Hunan federation desk"
    assert status["requests"]["open"] == 1 and status["requests"]["urgent_open"] == 1
    assert status["shift"]["officer"] == "Li Na"
    code, out, err = run(capsys, *cfg, "check")
    assert code == 0, err
    assert "PostgreSQL 1" in out and location.masked() in out and "m120" in out

    # A leader reads, and the server refuses what the leader's session would write.
    code, out, err = run(capsys, *cfg, "--role", "leader", "status")
    assert code == 0 and "长沙一中" not in err
    code, _out, err = run(capsys, *cfg, "--role", "leader", "--user", "Boss", "shift", "start")
    assert code == 2 and "read-only (--role leader)" in err and err.count("\n") == 1
    store = Store.open(location, readonly=True)
    try:
        assert store.current_shift() is not None
        assert store.current_shift().officer == "Li Na"  # type: ignore[union-attr]
        row = store.conn.execute("SELECT org, quantity FROM requests").fetchone()
        assert (row["org"], row["quantity"]) == ("长沙一中", 2000)
    finally:
        store.close()

    files.allow_writes()  # the leader's "process" has ended (main() forbade its writes)

    # $DUTYBOARD_DB names it too (over the config's), and a second init is refused.
    monkeypatch.setenv("DUTYBOARD_DB", pg_url)
    assert run(capsys, "status")[0] == 0
    code, _out, err = run(capsys, "--config", str(tmp_path / "other.toml"), "init", "--no-input")
    assert code == 2 and "already holds a desk" in err
    assert not (tmp_path / "other.toml").exists()


def test_init_refuses_a_password_in_the_url_it_would_write_into_the_config(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_url.replace("postgresql://dutyboard@", "postgresql://dutyboard:s3cret@", 1)
    assert "s3cret" in url
    config = tmp_path / "config.toml"
    code, _out, err = run(capsys, "--db", url, "--config", str(config), "init", "--no-input")
    assert code == 2 and ".pgpass" in err and "s3cret" not in err
    assert not config.exists()
    location = PostgresLocation.parse(pg_url)
    from dutyboard.store import pg_engine

    assert not pg_engine.holds_desk(location)
