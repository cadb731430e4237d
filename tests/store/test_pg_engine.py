"""The PostgreSQL engine behind the store (issue 21): what differs from SQLite and is
handled in dutyboard/store/pg_engine.py, against a real server (tests/pgserver.py).

The store's behaviour on both engines is tested by every test that asks for ``store``
(tests/conftest.py runs it on each); this file holds what only PostgreSQL has: statement
translation, its sessions' change signal, the write lock, read-only sessions, values
SQLite keeps and PostgreSQL needs told (zero bytes, numeric, flags) and its errors.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutyboard.store import Store, pg_engine
from dutyboard.store.dburl import PostgresLocation
from dutyboard.store.engine import is_interrupted, is_postgres
from dutyboard.store.errors import NotADesk, StaleEdit
from dutyboard.store.pg_engine import (
    PgConnection,
    PgIntegrityError,
    PgOperationalError,
    translate,
)


@pytest.fixture
def desk(pg_desk: str) -> PostgresLocation:
    return PostgresLocation.parse(pg_desk)


@pytest.fixture
def officer(desk: PostgresLocation) -> Iterator[Store]:
    store = Store.open(desk, actor="Li Na")
    yield store
    store.close()


# -- statement text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
        ("SELECT '?' || ? FROM t", "SELECT '?' || %s FROM t"),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
        ("SELECT 100 % 7, '50%'", "SELECT 100 %% 7, '50%%'"),
        ("x LIKE ? ESCAPE '\\'", "x ILIKE %s ESCAPE '\\'"),
        ("x NOT LIKE 'a'", "x NOT ILIKE 'a'"),
        ("x ILIKE 'a'", "x ILIKE 'a'"),
        ("'LIKE' = unlike", "'LIKE' = unlike"),
        ("base_unit IS ?", "base_unit IS NOT DISTINCT FROM %s"),
        ("a IS NOT ? AND b IS NULL", "a IS DISTINCT FROM %s AND b IS NULL"),
        ('SELECT "odd?name" FROM t', 'SELECT "odd?name" FROM t'),
        ("SELECT 1 -- is this ? a mark\n, ?", "SELECT 1 -- is this ? a mark\n, %s"),
    ],
)
def test_statements_are_translated_outside_literals_only(sqlite: str, postgres: str) -> None:
    assert translate(sqlite) == postgres


@given(st.text(alphabet="?%ab =", max_size=30), st.text(alphabet="?%ab -", max_size=10))
def test_every_mark_outside_a_literal_is_one_placeholder(outside: str, inside: str) -> None:
    # psycopg must read exactly the placeholders the store wrote: every ? outside a
    # literal is one %s, every % anywhere is a literal %, and a literal's ? stays.
    code, literal = translate(f"{outside}'{inside}'").split("'", 1)
    assert code.replace("%%", "").count("%s") == outside.count("?")
    assert code.replace("%%", "").replace("%s", "").count("%") == 0
    assert literal == inside.replace("%", "%%") + "'"


# -- a desk on the server ------------------------------------------------------------------


def test_a_database_without_a_desk_is_refused_naming_init(pg_url: str) -> None:
    location = PostgresLocation.parse(pg_url)
    with pytest.raises(NotADesk, match="dutyboard init --db"):
        Store.open(location)


def test_a_desk_reports_its_schema_version_and_engine(officer: Store) -> None:
    from dutyboard.store.connection import SCHEMA_VERSION

    assert officer.postgres and is_postgres(officer.conn) and officer.path is None
    assert tuple(officer.schema_version()) == SCHEMA_VERSION


def test_a_write_is_seen_by_another_session_on_commit_and_never_on_rollback(
    desk: PostgresLocation, officer: Store
) -> None:
    leader = Store.open(desk, readonly=True, actor="leader")
    try:
        before = leader.data_version()
        with pytest.raises(RuntimeError), officer.transaction() as conn:
            officer.insert_record(conn, "requests", {"org": "Wuhan 5th", "item": "N95"})
            raise RuntimeError("the officer's form failed")
        assert _settled(leader) == before  # the rolled-back write sent nothing
        request_id = officer.add_request({"org": "Wuhan 5th", "item": "N95"})
        assert _settled(leader) > before
        assert leader.get("requests", request_id)["org"] == "Wuhan 5th"
        seen = leader.data_version()
        officer.add_request({"org": "Hankou", "item": "gloves"})
        assert officer.data_version() == officer.data_version()  # its own writes: no signal
        assert _settled(leader) > seen
    finally:
        leader.close()


def _settled(store: Store, wait: float = 0.3) -> int:
    """The change count once the notifications in flight have arrived (they are sent on
    commit; the socket is read without a query)."""
    deadline = time.monotonic() + wait
    value = store.data_version()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        value = store.data_version()
    return value


def test_a_leader_session_is_read_only_at_the_server(
    desk: PostgresLocation, officer: Store
) -> None:
    officer.add_request({"org": "Wuhan 5th", "item": "N95"})
    leader = Store.open(desk, readonly=True, actor="leader")
    try:
        # Past the store's own refusal, straight to the connection: the server says no.
        with pytest.raises(sqlite3.Error, match="read-only transaction"):
            leader.conn.execute("UPDATE requests SET org = 'overwritten'")
        leader.conn.execute("ROLLBACK")
        assert officer.get("requests", 1)["org"] == "Wuhan 5th"
    finally:
        leader.close()


def test_concurrent_writers_queue_on_the_write_lock_and_lose_no_update(
    desk: PostgresLocation, officer: Store
) -> None:
    request_id = officer.add_request({"org": "Wuhan 5th", "item": "N95"})
    stores = [Store.open(desk, actor=f"officer {n}") for n in range(4)]
    errors: list[BaseException] = []

    def append_notes(store: Store, n: int) -> None:
        try:
            for i in range(10):
                store.add_note("requests", request_id, f"note {n}.{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append_notes, args=(s, n)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for store in stores:
        store.close()
    assert not errors
    row = officer.get("requests", request_id)
    # Each note read the notes before it and added one: none was written over.
    assert len(row["notes"].splitlines()) == 40
    assert row["version"] == 41
    notes = officer.history("request", request_id, limit=100)
    assert sum(1 for e in notes if e["action"] == "note") == 40


def test_a_stale_edit_is_refused_across_sessions(desk: PostgresLocation, officer: Store) -> None:
    request_id = officer.add_request({"org": "Wuhan 5th", "item": "N95"})
    loaded = officer.get("requests", request_id)["version"]
    other = Store.open(desk, actor="Zhang Wei")
    try:
        other.assign("requests", request_id, "Zhang Wei", expected_version=loaded)
    finally:
        other.close()
    with pytest.raises(StaleEdit, match="Zhang Wei"):
        officer.assign("requests", request_id, "Li Na", expected_version=loaded)
    assert officer.get("requests", request_id)["assignee"] == "Zhang Wei"


def test_values_come_back_as_sqlite_gives_them(officer: Store) -> None:
    whole = officer.add_request({"org": "A", "item": "masks", "quantity": 500})
    part = officer.add_request({"org": "B", "item": "gel", "quantity": 2.5})
    assert officer.get("requests", whole)["quantity"] == 500
    assert type(officer.get("requests", whole)["quantity"]) is int
    assert officer.get("requests", part)["quantity"] == 2.5
    row = officer.conn.execute("SELECT ? AS flag, ? AS n", (True, 7)).fetchone()
    assert (row["flag"], row[1]) == ("1", "7")  # untyped, as SQLite would take them
    assert dict(row) == {"flag": "1", "n": "7"}


def test_a_zero_byte_in_the_raw_copy_is_kept_visible(officer: Store) -> None:
    with officer.transaction() as conn:
        record_id = officer.insert_record(
            conn, "requests", {"org": "A", "item": "masks", "raw": "a\x00b"}
        )
    assert officer.get("requests", record_id)["raw"] == "a\u2400b"


def test_constraint_errors_are_the_store_s_integrity_errors(officer: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError) as caught, officer.transaction() as conn:
        officer.insert_record(conn, "requests", {"org": "A", "item": "x", "priority": "soon"})
    assert isinstance(caught.value, PgIntegrityError)
    assert caught.value.sqlstate == "23514"  # check_violation
    assert officer.count_requests(open_only=False) == 0


def test_a_long_read_is_cancelled_from_another_thread(officer: Store) -> None:
    timer = threading.Timer(0.3, officer.interrupt)
    timer.start()
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError) as caught:
        officer.conn.execute("SELECT pg_sleep(30)")
    timer.join()
    assert time.monotonic() - started < 10
    assert isinstance(caught.value, PgOperationalError) and is_interrupted(caught.value)
    officer.add_request({"org": "A", "item": "masks"})  # the session still works


def test_a_cancel_never_reaches_the_statement_after_it(officer: Store) -> None:
    """``interrupt`` does not wait for the server (libpq before 17 would hold the caller,
    the dashboard's UI thread, while the server acts): the cancel goes on a thread of its
    own. A statement that follows on the session waits for it first, so a cancel that
    arrives late can never stop the next statement instead. Here the cancel is held up
    (the thread that sends cancels is busy with a slow one: a server slow to take it)
    until the statement it was meant for has ended and the next has begun."""
    gate = threading.Event()

    class SlowToCancel:  # a cancel the server is slow to take
        def cancel_safe(self, timeout: float) -> None:
            gate.wait(10)

    reader = officer.reader()
    conn = cast(PgConnection, reader.conn)
    try:
        pg_engine._canceller().put((cast(Any, SlowToCancel()), threading.Event()))
        short = threading.Thread(target=lambda: conn.execute("SELECT pg_sleep(0.05)"))
        short.start()
        time.sleep(0.01)
        conn.interrupt()  # queued behind the slow one: the short statement ends first
        short.join(10)
        threading.Timer(0.2, gate.set).start()  # the cancel goes while the next one runs
        row = conn.execute("SELECT 1 FROM pg_sleep(0.6)").fetchone()
        assert row is not None and row[0] == 1
    finally:
        gate.set()
        reader.close()
