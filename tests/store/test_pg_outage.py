"""When the PostgreSQL server goes away (issue 21): a restart, a cut session, a failover.

The store keeps what it had, says since when the server is unreachable, refuses a write
meanwhile in one line (nothing half-saved, nothing saved twice), opens a new session by
itself when the server is back, and counts that as a change so the dashboard reads the
desk again. Against the real test server, stopped and started for real.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from dutyboard.store import Store, StoreError
from dutyboard.store.dburl import PostgresLocation
from dutyboard.store.errors import Unreachable
from tests.pgserver import START_TIMEOUT_S, PgServer


@pytest.fixture
def desk(pg_desk: str) -> PostgresLocation:
    return PostgresLocation.parse(pg_desk)


@pytest.fixture
def officer(desk: PostgresLocation) -> Iterator[Store]:
    store = Store.open(desk, actor="Li Na")
    yield store
    store.close()


def _stop(server: PgServer) -> None:
    result = server.run(
        "pg_ctl", "-D", str(server.data_dir), "-m", "fast", "-w", "-t", "30", "stop"
    )
    assert result.returncode == 0, result.stderr


def _start(server: PgServer) -> None:
    result = server.run(
        "pg_ctl",
        *("-D", str(server.data_dir), "-l", str(server.log_file)),
        *("-w", "-t", str(START_TIMEOUT_S), "start"),
        timeout=START_TIMEOUT_S + 30,
    )
    assert result.returncode == 0, result.stderr


def _eventually(check: object, wait: float = 10.0) -> object:
    """The first value ``check()`` gives without raising, within ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return check()  # type: ignore[operator]
        except StoreError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_cut_session_is_replaced_and_counted_as_a_change(
    pg_server: PgServer, officer: Store
) -> None:
    officer.add_request({"org": "Wuhan 5th", "item": "N95"})
    before = officer.data_version()
    with pg_server.connect(PostgresLocation.parse(officer.location.masked()).dbname or "") as su:
        su.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'dutyboard' AND datname = current_database()"
        )
    deadline = time.monotonic() + 10
    while (after := officer.data_version()) <= before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert after > before
    assert officer.unreachable_since is None
    # The new session works, writes included, and LISTENs again.
    request_id = officer.add_request({"org": "Hankou", "item": "gloves"})
    assert officer.get("requests", request_id)["org"] == "Hankou"


def test_a_read_whose_session_dies_under_it_is_unreachable_not_a_driver_error(
    pg_server: PgServer, officer: Store
) -> None:
    """The session is cut while nobody reads its socket: the next read meets the
    server's "terminating connection" as Unreachable (a panel keeps its rows, the header
    says why), and the one after runs on a new session."""
    officer.add_request({"org": "Wuhan 5th", "item": "N95"})
    with pg_server.connect(PostgresLocation.parse(officer.location.masked()).dbname or "") as su:
        su.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'dutyboard' AND datname = current_database()"
        )
    with pytest.raises(Unreachable):
        officer.get("requests", 1)
    assert officer.unreachable_since is not None
    row = _eventually(lambda: officer.get("requests", 1))
    assert row["org"] == "Wuhan 5th"  # type: ignore[index]
    assert officer.unreachable_since is None


def test_a_server_restart_is_survived_and_a_write_meanwhile_is_refused_once(
    pg_server: PgServer, desk: PostgresLocation, officer: Store
) -> None:
    leader = Store.open(desk, readonly=True, actor="leader")
    try:
        first = officer.add_request({"org": "Wuhan 5th", "item": "N95"})
        seen = leader.data_version()
        _stop(pg_server)
        try:
            # The reader notices on its next poll, and says since when.
            with pytest.raises(Unreachable) as unreachable:
                _poll_until_unreachable(leader)
            assert leader.unreachable_since is not None
            assert unreachable.value.since == leader.unreachable_since
            assert "cannot be reached since" in str(unreachable.value)
            # A write meanwhile: refused in one line, never queued to run later.
            with pytest.raises(StoreError) as refused:
                officer.add_note("requests", first, "called the hospital back")
            assert str(refused.value).count("\n") == 0
            # What the reader had is still there to show (the dashboard keeps its rows).
        finally:
            _start(pg_server)
        version = _eventually(leader.data_version)
        assert isinstance(version, int) and version > seen
        assert leader.unreachable_since is None
        # The refused note was not saved; saved now, it is there once.
        _eventually(lambda: officer.add_note("requests", first, "called back after"))
        notes = officer.get("requests", first)["notes"]
        assert "called the hospital back" not in notes
        assert notes.count("called back after") == 1
        assert leader.get("requests", first)["notes"] == notes
    finally:
        leader.close()


def _poll_until_unreachable(store: Store, wait: float = 10.0) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        store.data_version()
        time.sleep(0.05)
    raise AssertionError("the stopped server was never noticed")
