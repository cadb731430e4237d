"""Moving a whole desk between SQLite and PostgreSQL (issue 21): ``dutyboard db copy`` and
a PostgreSQL desk's ``backup``, against real SQLite files and the real PostgreSQL test
server (tests/pgserver.py). Nothing is mocked.

The desks are built the way desks fill up: the demo's working desk (shifts, a signed and
acknowledged handover, requests, leads, contacts, supplies, arrivals, the roll-call)
and, through the store's own API and the real importer, a bad file in quarantine with its
original bytes, a source and its health, possible duplicates across sources, a lead
linked to a request, the collector's lease, a handover drafted, signed and amended, a
shift taken over and the next draft carrying items over.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dutyboard import i18n
from dutyboard.cli import main
from dutyboard.demo import build_demo
from dutyboard.ingest.sources import SourceConfig
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.store import Store, StoreError, dbcopy, outbox
from dutyboard.store import handovers as ho
from dutyboard.store.connection import sqlite_uri
from dutyboard.store.dbcopy import CopyFailed, CopyRefused, copy_desk, snapshot
from dutyboard.store.dburl import PostgresLocation, SqliteLocation
from dutyboard.store.engine import APPLICATION_ID
from dutyboard.store.shifts import take_over
from dutyboard.store.sources import acquire_lease, record_health, register_sources
from tests.conftest import FIXED_NOW, FakeClock
from tests.pgserver import PgServer

BAD_CSV = b"org,item,quantity\nJilin University,masks,100\nNo. 3 Hospital,gloves,12x\n,goggles,5\n"
# Every table of the schema: the copy must cover each one, and the desk built here fills
# each one (test_the_desk_fills_every_table keeps it so).
TABLES = {
    "requests", "leads", "lead_requests", "contacts", "supplies", "shifts", "handovers",
    "handover_items", "events", "sources", "ingest_runs", "quarantine", "leases",
    "possible_duplicates", "arrivals", "reporting_units", "roll_calls", "original_files",
    "collector_last_run", "outbox", "outbox_deliveries",
}  # fmt: skip


def _request_json(org: str, item: str, quantity: int, at: str) -> bytes:
    return json.dumps([{"org": org, "item": item, "qty": quantity, "received_at": at}]).encode()


def build_desk(where: Path | PostgresLocation) -> None:
    """A desk that has been working: every table holds rows (see the module)."""
    build_demo(where, now=FIXED_NOW, requests=30, leads=12)
    clock = FakeClock(FIXED_NOW)
    store = Store.open(where, actor="Zhang Wei", clock=clock)
    try:
        register_sources(
            store, [SourceConfig("units", "requests", "folder", path=Path("/srv/inbox"))]
        )
        ingest_bytes(
            store, BAD_CSV, "needs.csv", kind="requests", source="units",
            location="/srv/inbox/needs.csv",
        )  # fmt: skip
        record_health(store, "units", error="HTTP 503", latency_ms=12.5)
        for name, source, at in (("a.json", "phone", "08:00"), ("b.json", "kobo", "12:00")):
            data = _request_json("长春一中", "口罩", 500, f"2020-02-04T{at}:00Z")
            ingest_bytes(store, data, name, kind="requests", source=source)
        lead = store.add_lead(
            {"supplier": "Lyon Textiles Médicaux", "item": "FFP2 masks", "quantity": 20000,
             "unit_price": 0.35, "currency": "EUR", "country": "FR"}
        )  # fmt: skip
        request = store.add_request(
            {"org": "吉林大学", "item": "KN95 masks", "quantity": 1.5, "notes": "[urgent] ✓ 🚑"}
        )
        store.link_lead_request(lead, request, 1000)
        acquire_lease(store, "duty-host:4242", 60, sources=1, interval_seconds=30.0)
        draft = ho.draft_handover(store)
        ho.add_item(store, draft, "note", summary="Call the airport at 06:00: charter permit")
        clock.now = FIXED_NOW + timedelta(hours=1)
        ho.sign_handover(store, draft, "All quiet after 02:00", to_officer="Wang Fang")
        ho.amend_handover(store, draft, "Airport called back: the permit is granted")
        (signed,) = outbox.unrouted(store)  # the signature's notification: sent to one of two
        outbox.route(store, [(signed["id"], [("chat", "f1"), ("mail", "f2")])], clock.now)
        outbox.mark_sent(store, signed["id"], "chat", clock.now)
        clock.now = FIXED_NOW + timedelta(hours=2)
        store.actor = "Wang Fang"
        take_over(store, "Wang Fang")
        ho.draft_handover(store)  # carries the signed handover's open items over
    finally:
        store.close()


@pytest.fixture(scope="module")
def desk_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working desk in a SQLite file, made once; tests copy from it (never write it)."""
    path = tmp_path_factory.mktemp("desk") / "desk.db"
    build_desk(path)
    return path


def fresh_url(server: PgServer) -> str:
    return server.url(server.fresh_database(prefix="copy"))


def dbname(url: str) -> str:
    name = PostgresLocation.parse(url).dbname
    assert name
    return name


def tables_of(store: Store) -> list[str]:
    """The desk's tables as the store's own connection lists them (either engine)."""
    if store.postgres:
        sql = (
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> '_dutyboard_schema' ORDER BY tablename"
        )
    else:
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "AND name <> '_sqlite_migrations' ORDER BY name"
        )
    return [str(r[0]) for r in store.conn.execute(sql).fetchall()]


def content(where: Path | PostgresLocation) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, all columns (generated ones too), as the store reads them on
    its engine, sorted: two desks with equal content give equal dicts across engines."""
    store = Store.open(where, readonly=True)
    try:
        return {
            table: sorted(
                (tuple(r) for r in store.conn.execute(f"SELECT * FROM {table}").fetchall()),
                key=repr,
            )
            for table in tables_of(store)
        }
    finally:
        store.close()


def counts(where: Path | PostgresLocation) -> dict[str, int]:
    return {table: len(rows) for table, rows in content(where).items()}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pg_relations(server: PgServer, name: str) -> list[str]:
    with server.connect(name) as conn:
        return [
            str(r[0])
            for r in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind IN ('r', 'S', 'v') ORDER BY relname"
            ).fetchall()
        ]


# -- the schema, as the copy reads it ---------------------------------------------------------


def test_the_desk_fills_every_table(desk_file: Path) -> None:
    found = counts(desk_file)
    assert set(found) == TABLES
    assert all(found.values()), {t: n for t, n in found.items() if not n}
    conn = sqlite3.connect(sqlite_uri(desk_file, mode="ro"), uri=True)
    try:
        assert conn.execute("SELECT count(*) FROM handovers WHERE state = 'signed'").fetchone()[0]
        assert conn.execute(
            "SELECT count(*) FROM handover_items WHERE carried_from IS NOT NULL"
        ).fetchone()[0]
        assert conn.execute(
            "SELECT count(*) FROM shifts WHERE taken_over_from IS NOT NULL"
        ).fetchone()[0]
        assert conn.execute("SELECT count(*) FROM events WHERE action = 'amend'").fetchone()[0]
    finally:
        conn.close()


def test_both_schemas_list_the_same_tables_in_a_foreign_key_order(
    tmp_path: Path, pg_desk: str
) -> None:
    lite = sqlite3.connect(tmp_path / "new.db")
    try:
        Store.open(tmp_path / "new.db").close()
        on_sqlite = dbcopy.sqlite_tables(lite)
        # What the copy's assumptions rest on: the handover triggers fire on UPDATE and
        # DELETE only (the copy only inserts), and no table is AUTOINCREMENT (SQLite then
        # gives max(id) + 1 by itself). A new trigger or AUTOINCREMENT must be looked at.
        triggers = lite.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        assert triggers and all(" INSERT " not in str(t[0]).upper() for t in triggers)
        sql = " ".join(str(r[0]) for r in lite.execute("SELECT sql FROM sqlite_master"))
        assert "AUTOINCREMENT" not in sql.upper()
    finally:
        lite.close()
    store = Store.open(PostgresLocation.parse(pg_desk))
    try:
        from dutyboard.store.pg_engine import PgConnection

        assert isinstance(store.conn, PgConnection)
        on_pg = dbcopy.pg_tables(store.conn)
        events = store.conn.execute(
            "SELECT DISTINCT event_manipulation FROM information_schema.triggers "
            "WHERE trigger_schema = current_schema()"
        ).fetchall()
        assert {str(r[0]) for r in events} == {"UPDATE", "DELETE"}
    finally:
        store.close()
    assert set(on_sqlite) == set(on_pg) == TABLES
    for name in TABLES:
        assert set(on_sqlite[name].columns) == set(on_pg[name].columns), name
        assert on_sqlite[name].key == on_pg[name].key, name
        assert on_sqlite[name].parents == on_pg[name].parents, name
        assert on_sqlite[name].self_refs == on_pg[name].self_refs, name
    assert "priority_rank" not in on_sqlite["requests"].columns  # generated: not copied
    assert "priority_rank" not in on_pg["requests"].columns
    assert on_pg["requests"].identity == ("id",) and not on_pg["leases"].identity
    assert on_sqlite["handover_items"].self_refs == (("carried_from", "id"),)
    for tables in (on_sqlite, on_pg):
        order = dbcopy.fk_order(tables)
        assert sorted(order) == sorted(TABLES)
        for name in order:
            assert all(order.index(p) < order.index(name) for p in tables[name].parents)
    # SQLite lists supplies (m001) before arrivals (m020), which supplies refers to.
    assert list(on_sqlite).index("supplies") < list(on_sqlite).index("arrivals")


# -- round trips ------------------------------------------------------------------------------


def test_sqlite_to_postgres_to_sqlite_keeps_every_row(
    desk_file: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    before = file_digest(desk_file)
    url = fresh_url(pg_server)  # an empty database: the copy makes the schema
    seen: list[tuple[str, int, int]] = []
    there = copy_desk(
        SqliteLocation(desk_file),
        PostgresLocation.parse(url),
        progress=lambda t, d, n: seen.append((t, d, n)),
    )
    back = tmp_path / "back.db"
    again = copy_desk(PostgresLocation.parse(url), SqliteLocation(back))

    original = content(desk_file)
    assert set(there.tables) == set(again.tables) == TABLES
    assert there.counts() == again.counts() == {t: len(r) for t, r in original.items()}
    assert there.created and again.created and not there.nul_replaced
    # The content hashes agree across engines: computed the same way on both.
    assert {t: c.sha256 for t, c in there.tables.items()} == {
        t: c.sha256 for t, c in again.tables.items()
    }
    # Row for row, column for column (ids, generated columns and bytes included): what
    # PostgreSQL holds reads back as SQLite held it, and the second file equals the first.
    assert content(PostgresLocation.parse(url)) == original
    assert content(back) == original
    assert file_digest(desk_file) == before  # the source is only read

    # Progress: every table, starting at 0 and ending at its count.
    starts = [(t, n) for t, d, n in seen if d == 0]
    assert [t for t, _n in starts] == list(there.tables)
    for table, rows in there.counts().items():
        assert (table, rows, rows) in seen

    # The copy is a desk in its own right: the store opens it, with its bytes and its
    # signed handover as they were.
    store = Store.open(PostgresLocation.parse(url), readonly=True)
    try:
        (data,) = store.conn.execute("SELECT data FROM original_files").fetchone()
        assert data == BAD_CSV
        signed = store.conn.execute(
            "SELECT id, brief, signed_by FROM handovers WHERE state = 'signed'"
        ).fetchone()
        assert signed[2] == "Zhang Wei" and json.loads(signed[1])
        # Vacuumed and analysed once committed: statistics for the planner, and the
        # visibility map a count needs to read an index alone (not hours later, when
        # autovacuum comes: on a million requests `status` took 1.2 s before, 0.4 s after).
        vacuumed = store.conn.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('requests', "
            "'events') AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
        ).fetchone()[0]
        assert vacuumed == 2
    finally:
        store.close()
    lite = sqlite3.connect(sqlite_uri(back, mode="ro"), uri=True)
    try:
        assert lite.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert lite.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lite.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not lite.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        lite.close()


def test_postgres_desk_to_sqlite_and_to_another_postgres(
    pg_desk: str, pg_server: PgServer, tmp_path: Path
) -> None:
    source = PostgresLocation.parse(pg_desk)
    build_desk(source)
    file = tmp_path / "moved.db"
    to_file = copy_desk(source, SqliteLocation(file))
    other = PostgresLocation.parse(pg_server.fresh_desk())  # holds an empty desk
    to_pg = copy_desk(SqliteLocation(file), other)
    assert not to_pg.created  # the desk was there already
    original = content(source)
    assert content(file) == original and content(other) == original
    assert to_file.counts() == to_pg.counts() == {t: len(r) for t, r in original.items()}
    # PostgreSQL to PostgreSQL, through neither file: the same again.
    third = PostgresLocation.parse(fresh_url(pg_server))
    direct = copy_desk(source, third)
    assert content(third) == original
    assert direct.tables == to_file.tables


def test_signed_handovers_stay_signed_and_final_in_the_copy(
    desk_file: Path, pg_server: PgServer
) -> None:
    url = PostgresLocation.parse(fresh_url(pg_server))
    copy_desk(SqliteLocation(desk_file), url)
    store = Store.open(url, actor="Zhang Wei")
    try:
        (signed,) = store.conn.execute("SELECT id FROM handovers WHERE state = 'signed'").fetchone()
        amendments = store.conn.execute(
            "SELECT after FROM events WHERE entity = 'handover' AND entity_id = ? "
            "AND action = 'amend'",
            (signed,),
        ).fetchall()
        assert [json.loads(a[0])["text"] for a in amendments] == [
            "Airport called back: the permit is granted"
        ]
        # The triggers came along and still refuse an edit of what was signed.
        edited = pytest.raises(sqlite3.IntegrityError, match="never edited")
        with edited, store.transaction() as conn:
            conn.execute("UPDATE handovers SET notes = 'changed' WHERE id = ?", (signed,))
        edited = pytest.raises(sqlite3.IntegrityError, match="never edited")
        with edited, store.transaction() as conn:
            conn.execute(
                "UPDATE handover_items SET summary = 'changed' WHERE handover_id = ?",
                (signed,),
            )
        ho.amend_handover(store, signed, "A second amendment, on the new desk")
    finally:
        store.close()


@pytest.mark.parametrize("engine_to", ["sqlite", "postgres"])
def test_the_next_record_after_a_copy_gets_the_next_id(
    engine_to: str, desk_file: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    dest: Path | PostgresLocation
    if engine_to == "postgres":
        dest = PostgresLocation.parse(fresh_url(pg_server))
        copy_desk(SqliteLocation(desk_file), dest)
    else:
        # From PostgreSQL: a SQLite file made from a copy there.
        middle = PostgresLocation.parse(fresh_url(pg_server))
        copy_desk(SqliteLocation(desk_file), middle)
        dest = tmp_path / "next.db"
        copy_desk(middle, SqliteLocation(dest))
    before = content(desk_file)
    store = Store.open(dest, actor="Li Na", clock=FakeClock(FIXED_NOW + timedelta(hours=3)))
    try:
        largest = {t: max(r[0] for r in before[t]) for t in ("requests", "leads", "events")}
        request = store.add_request({"org": "No. 3 Hospital", "item": "gloves", "quantity": 10})
        lead = store.add_lead({"supplier": "Colombo Rubber", "item": "gloves"})
        assert request == largest["requests"] + 1 and lead == largest["leads"] + 1
        (event,) = store.conn.execute("SELECT max(id) FROM events").fetchone()
        assert event == largest["events"] + 2  # one 'create' event each
        # The rows without an id key were kept as they were.
        assert store.conn.execute("SELECT holder FROM leases").fetchone()[0] == "duty-host:4242"
    finally:
        store.close()


# -- what is refused, and what is left behind -------------------------------------------------


@pytest.mark.parametrize("waits", [True, False], ids=["waits", "without-the-wait"])
def test_a_copy_is_left_readable_from_the_index_even_past_an_older_snapshot(
    waits: bool, desk_file: Path, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session whose snapshot is older than the copy's COMMIT (an autovacuum ANALYZE
    that began mid-copy, an idle transaction) keeps VACUUM from marking the copied pages
    all-visible; every count then reads the heap. The copy vacuums again once that session
    has moved on. Without that wait (the second case) the pages stay unmarked: the set-up
    reproduces the lag the first case removes."""
    url = fresh_url(pg_server)
    monkeypatch.setattr(dbcopy, "ALL_VISIBLE_PAGES", 1)  # this desk's tables are small
    if not waits:
        monkeypatch.setattr(dbcopy, "ALL_VISIBLE_WAIT_S", 0.0)
    older = pg_server.connect(dbname(url), autocommit=False)
    older.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    older.execute("SELECT 1").fetchone()  # its snapshot predates every copied row
    timer = threading.Timer(0.3, older.rollback)
    timer.start()
    try:
        copy_desk(SqliteLocation(desk_file), PostgresLocation.parse(url))
    finally:
        timer.join()
        older.close()
    with pg_server.connect(dbname(url)) as pg:
        row = pg.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'requests'"
        ).fetchone()
    assert row is not None
    pages, visible = row
    assert pages > 0
    if waits:
        assert visible == pages
    else:
        assert visible < pages


def test_a_target_with_rows_is_refused_and_left_unchanged(
    desk_file: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    # A SQLite desk with rows.
    busy = tmp_path / "busy.db"
    store = Store.open(busy, actor="Li Na")
    store.add_request({"org": "Red Cross", "item": "thermometers", "quantity": 40})
    store.close()
    image = file_digest(busy)
    with pytest.raises(CopyRefused, match=r"busy\.db is not empty \(requests: 1 rows, events"):
        copy_desk(SqliteLocation(desk_file), SqliteLocation(busy))
    assert file_digest(busy) == image

    # A PostgreSQL desk with rows: named, and left with them.
    url = PostgresLocation.parse(pg_server.fresh_desk())
    store = Store.open(url, actor="Li Na")
    store.add_request({"org": "Red Cross", "item": "thermometers", "quantity": 40})
    store.close()
    kept = content(url)
    with pytest.raises(CopyRefused, match="is not empty \\(requests: 1 rows"):
        copy_desk(SqliteLocation(desk_file), url)
    assert content(url) == kept

    # A database of another program, and a file of another program: untouched.
    other = fresh_url(pg_server)
    with pg_server.connect(dbname(other)) as pg:
        pg.execute("CREATE TABLE invoices (id int PRIMARY KEY, total numeric)")
    with pytest.raises(CopyRefused, match="schema public holds another program's tables"):
        copy_desk(SqliteLocation(desk_file), PostgresLocation.parse(other))
    assert pg_relations(pg_server, dbname(other)) == ["invoices"]
    notes = tmp_path / "notes.db"
    conn = sqlite3.connect(notes)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    image = file_digest(notes)
    with pytest.raises(StoreError, match="not a dutyboard desk"):
        copy_desk(SqliteLocation(desk_file), SqliteLocation(notes))
    assert file_digest(notes) == image
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(CopyRefused, match="an empty file, not a desk"):
        copy_desk(SqliteLocation(desk_file), SqliteLocation(empty))
    assert empty.read_bytes() == b""


def test_an_empty_sqlite_desk_is_a_target_too(desk_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "empty-desk.db"
    Store.open(target).close()
    result = copy_desk(SqliteLocation(desk_file), SqliteLocation(target))
    assert not result.created and content(target) == content(desk_file)


def test_a_copy_onto_its_own_database_is_refused(
    desk_file: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    link = tmp_path / "same.db"
    link.symlink_to(desk_file)
    image = file_digest(desk_file)
    for other in (desk_file, link, desk_file.parent / "." / desk_file.name):
        with pytest.raises(CopyRefused, match="are the same desk"):
            copy_desk(SqliteLocation(desk_file), SqliteLocation(other))
    assert file_digest(desk_file) == image

    url = fresh_url(pg_server)
    copy_desk(SqliteLocation(desk_file), PostgresLocation.parse(url))
    name = dbname(url)
    # The same URL, and the same database by another URL: both refused.
    spelled = (
        f"postgres:///?dbname={name}&host={pg_server.socket_dir}&port={pg_server.port}"
        f"&user={pg_server.user}"
    )
    for dest in (url, spelled):
        with pytest.raises(CopyRefused, match="are the same desk"):
            copy_desk(PostgresLocation.parse(url), PostgresLocation.parse(dest))
    # Another schema of the same database is another desk: allowed.
    with pg_server.connect(name) as conn:
        conn.execute("CREATE SCHEMA moved")
    moved = PostgresLocation.parse(f"{url}&options=-csearch_path%3Dmoved")
    result = copy_desk(PostgresLocation.parse(url), moved)
    assert result.created and content(moved) == content(PostgresLocation.parse(url))


def test_a_failure_mid_copy_leaves_nothing_behind(
    desk_file: Path, pg_server: PgServer, pg_desk: str, tmp_path: Path
) -> None:
    class Stop(Exception):
        pass

    def stop_in_events(table: str, done: int, total: int) -> None:
        if table == "events" and done > 0:
            raise Stop

    # A new SQLite file: removed, with its -wal and -shm.
    new = tmp_path / "new.db"
    with pytest.raises(Stop):
        copy_desk(SqliteLocation(desk_file), SqliteLocation(new), progress=stop_in_events)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # An empty database: left empty (the schema was made in the copy's transaction).
    url = fresh_url(pg_server)
    with pytest.raises(Stop):
        copy_desk(SqliteLocation(desk_file), PostgresLocation.parse(url), progress=stop_in_events)
    assert pg_relations(pg_server, dbname(url)) == []
    # An empty desk: still an empty desk. Ctrl-C alike.
    desk = PostgresLocation.parse(pg_desk)

    def interrupt(table: str, done: int, total: int) -> None:
        if table == "handover_items":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_desk(SqliteLocation(desk_file), desk, progress=interrupt)
    assert not any(counts(desk).values())
    # The source is whole and the copy can be made again.
    result = copy_desk(SqliteLocation(desk_file), desk)
    assert result.counts() == counts(desk_file)


def test_a_row_the_target_refuses_fails_the_copy_in_one_line(
    desk_file: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    """SQLite lets a dangling reference in when foreign keys are off (another program, an
    old tool); PostgreSQL refuses it, and the copy says where."""
    broken = tmp_path / "broken.db"
    copy_desk(SqliteLocation(desk_file), SqliteLocation(broken))
    conn = sqlite3.connect(broken, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(
        "INSERT INTO roll_calls (unit_id, day, state, actor, created_at) "
        "VALUES (999, '2020-02-05', 'missing', 'someone', '2020-02-05T00:00:00+00:00')"
    )
    conn.close()
    url = fresh_url(pg_server)
    with pytest.raises(CopyFailed) as failed:
        copy_desk(SqliteLocation(broken), PostgresLocation.parse(url))
    line = str(failed.value)
    assert "roll_calls" in line and "foreign key" in line and "left empty" in line
    assert "\n" not in line
    assert pg_relations(pg_server, dbname(url)) == []


def test_verification_catches_a_copy_that_differs(desk_file: Path, pg_desk: str) -> None:
    """A trigger someone added on the target changes rows as they go in: the counts
    match, the content does not, and nothing is kept."""
    desk = PostgresLocation.parse(pg_desk)
    store = Store.open(desk)
    try:
        for statement in (
            "CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN NEW.item := upper(NEW.item); RETURN NEW; END $$",
            "CREATE TRIGGER shout BEFORE INSERT ON requests FOR EACH ROW EXECUTE FUNCTION shout()",
        ):
            store.conn.execute(statement)
    finally:
        store.close()
    with pytest.raises(CopyFailed, match=r"requests: \d+ rows each, but their contents differ"):
        copy_desk(SqliteLocation(desk_file), desk)
    assert not any(counts(desk).values())


def test_rows_that_point_ahead_in_their_own_table_wait_for_it(
    desk_file: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    """An item carried from a later item (ids of a desk merged by hand), and an item
    carried from that one: each goes in once the row it names is in."""
    odd = tmp_path / "odd.db"
    copy_desk(SqliteLocation(desk_file), SqliteLocation(odd))
    conn = sqlite3.connect(odd, isolation_level=None)
    (draft,) = conn.execute("SELECT id FROM handovers WHERE state = 'draft'").fetchone()
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM handover_items WHERE handover_id = ? ORDER BY id", (draft,)
    )]  # fmt: skip
    first, second, last = ids[0], ids[1], ids[-1]
    conn.execute("UPDATE handover_items SET carried_from = ? WHERE id = ?", (last, first))
    conn.execute("UPDATE handover_items SET carried_from = ? WHERE id = ?", (first, second))
    conn.execute("UPDATE shifts SET taken_over_from = (SELECT max(id) FROM shifts) WHERE id = 1")
    conn.close()
    url = PostgresLocation.parse(fresh_url(pg_server))
    copy_desk(SqliteLocation(odd), url)
    assert content(url) == content(odd)


def test_others_keep_writing_while_the_copy_reads_one_snapshot(
    desk_file: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    source = tmp_path / "live.db"
    copy_desk(SqliteLocation(desk_file), SqliteLocation(source))
    before = counts(source)
    writer = Store.open(source, actor="collector")

    def write_meanwhile(table: str, done: int, total: int) -> None:
        # Another connection commits while the copy is under way, in every table's turn.
        writer.add_request({"org": f"unit {table}", "item": "masks", "quantity": done})

    url = PostgresLocation.parse(fresh_url(pg_server))
    try:
        result = copy_desk(SqliteLocation(source), url, progress=write_meanwhile)
    finally:
        writer.close()
    assert result.counts() == before == counts(url)
    assert counts(source)["requests"] > before["requests"]

    # And from PostgreSQL: its snapshot holds as well.
    writer = Store.open(url, actor="collector")
    back = tmp_path / "back.db"
    try:
        result = copy_desk(url, SqliteLocation(back), progress=write_meanwhile)
    finally:
        writer.close()
    assert result.counts() == before == counts(back)


def test_a_zero_byte_in_text_becomes_u2400_on_postgresql_and_is_counted(
    tmp_path: Path, pg_server: PgServer
) -> None:
    """The raw copy of a record keeps what the file held, a zero byte too; PostgreSQL's
    text cannot, so it holds U+2400 there. The check compares what PostgreSQL can hold;
    the file's own bytes (original_files) stay exact."""
    source = tmp_path / "nul.db"
    store = Store.open(source, actor="Li Na", clock=FakeClock())
    try:
        store.add_request(
            {"org": "Red Cross", "item": "masks", "raw": "org,item\x00\nRed Cross,masks"}
        )
        store.add_request({"org": "No. 3 Hospital", "item": "gloves", "raw": "\x00\x00 two"})
        data = b"org,item,quantity\nRed\x00Cross,masks,abc\n"
        ingest_bytes(store, data, "nul.csv", kind="requests", source="units")
    finally:
        store.close()
    lite = sqlite3.connect(sqlite_uri(source, mode="ro"), uri=True)
    try:
        with_nul: dict[str, int] = {}
        for (table,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for column in lite.execute(f"PRAGMA table_info({table})").fetchall():
                n = lite.execute(
                    f"SELECT count(*) FROM {table} WHERE typeof({column[1]}) = 'text' "
                    f"AND instr({column[1]}, char(0)) > 0"
                ).fetchone()[0]
                if n:
                    with_nul[table] = with_nul.get(table, 0) + n
        (kept,) = lite.execute("SELECT data FROM original_files").fetchone()
    finally:
        lite.close()
    assert with_nul.get("requests") == 2 and kept == data

    url = PostgresLocation.parse(fresh_url(pg_server))
    result = copy_desk(SqliteLocation(source), url)
    assert result.nul_replaced == with_nul
    on_pg = Store.open(url, readonly=True)
    try:
        raws = [r[0] for r in on_pg.conn.execute("SELECT raw FROM requests ORDER BY id")]
        assert raws[:2] == ["org,item\u2400\nRed Cross,masks", "\u2400\u2400 two"]
        (bytes_there,) = on_pg.conn.execute("SELECT data FROM original_files").fetchone()
        assert bytes_there == data  # bytea: exact
    finally:
        on_pg.close()
    # Back to SQLite: U+2400 stays (nothing left to replace), verified.
    back = tmp_path / "back.db"
    again = copy_desk(url, SqliteLocation(back))
    assert not again.nul_replaced
    assert again.tables == result.tables  # the hashes were of what PostgreSQL holds
    expected = {
        t: sorted(
            (tuple(v.replace("\x00", "\u2400") if isinstance(v, str) else v for v in row)
             for row in rows),
            key=repr,
        )
        for t, rows in content(source).items()
    }  # fmt: skip
    assert content(back) == expected


def test_a_source_that_is_not_there_is_one_line(tmp_path: Path, pg_url: str) -> None:
    with pytest.raises(CopyRefused, match="does not exist: check the path"):
        copy_desk(SqliteLocation(tmp_path / "nowhere.db"), SqliteLocation(tmp_path / "b.db"))
    with pytest.raises(StoreError, match="holds no dutyboard desk"):
        copy_desk(PostgresLocation.parse(pg_url), SqliteLocation(tmp_path / "b.db"))
    with pytest.raises(CopyRefused, match=r"cannot open .*nosuchdb.*does not exist"):
        copy_desk(
            PostgresLocation.parse(pg_url.replace("/test_", "/nosuchdb_")),
            SqliteLocation(tmp_path / "b.db"),
        )
    assert not list(tmp_path.iterdir())


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A config of the test's own, in English, and English again after: the CLI sets the
    language for the whole process (and $DUTYBOARD_LANG)."""
    path = tmp_path / "config.toml"
    path.write_text('[desk]\ntimezone = "Asia/Shanghai"\nuser = "Li Na"\n', encoding="utf-8")
    monkeypatch.setenv("DUTYBOARD_LANG", "en")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield path
    finally:
        i18n.set_language("en")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_copy_from_the_command_line(
    desk_file: Path,
    pg_server: PgServer,
    tmp_path: Path,
    config: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = fresh_url(pg_server)
    # A password in the URL is used (trust authentication ignores it) and never shown.
    secret = url.replace(f"{pg_server.user}@", f"{pg_server.user}:n1ght-desk@")
    code, out, err = run(capsys, "--config", str(config), "db", "copy", str(desk_file), secret)
    assert code == 0, err
    assert "n1ght-desk" not in out + err and "***" in out
    assert out.count("\n") == 1 and "verified" in out
    assert f"{len(TABLES)} tables" in out
    assert f"{sum(counts(desk_file).values()):,} rows" in out
    # stderr is no terminal here: the password warning, then one line per table.
    lines = err.splitlines()
    assert "contains a password" in lines[0]
    done = counts(desk_file)
    assert sorted(lines[1:]) == sorted(f"{t}: {n:,} / {n:,} rows" for t, n in done.items())

    # Back into a file; then the refusals, one line each, exit 2.
    back = tmp_path / "back.db"
    code, out, err = run(capsys, "--config", str(config), "db", "copy", url, str(back))
    assert code == 0, err
    assert content(back) == content(desk_file)
    for args, words in (
        ((str(tmp_path / "missing.db"), str(tmp_path / "x.db")), "does not exist"),
        ((str(desk_file), str(back)), "is not empty"),
        ((str(back), str(back)), "are the same desk"),
        ((str(desk_file), "mysql://db1/desk"), "unsupported database URL"),
    ):
        code, out, err = run(capsys, "--config", str(config), "db", "copy", *args)
        assert code == 2 and not out, (args, out, err)
        assert words in err and err.count("\n") == 1 and err.startswith("dutyboard: "), err
    # A leader's session copies nothing.
    code, _out, err = run(
        capsys,
        "--role",
        "leader",
        "--config",
        str(config),
        "db",
        "copy",
        url,
        str(tmp_path / "l.db"),
    )
    assert code == 2 and "read-only (--role leader)" in err and not (tmp_path / "l.db").exists()


def test_db_copy_speaks_chinese(
    desk_file: Path, tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "副本.db"
    code, out, err = run(
        capsys, "--lang", "zh_CN", "--config", str(config), "db", "copy", str(desk_file), str(dest)
    )
    assert code == 0, err
    assert "已校验" in out and "requests：" in err
    code, out, err = run(
        capsys, "--lang", "zh_CN", "--config", str(config), "db", "copy", str(desk_file), str(dest)
    )
    assert code == 2 and "不是空的" in err


def test_without_the_driver_a_url_is_one_line(desk_file: Path, tmp_path: Path) -> None:
    """psycopg cannot be imported (a host without the postgres extra): one line, exit 2."""
    code = (
        "import sys\n"
        "class NoPsycopg:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'psycopg':\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, NoPsycopg())\n"
        "from dutyboard.cli import main\n"
        f"sys.exit(main(['db', 'copy', {str(desk_file)!r}, 'postgresql://db1/desk']))\n"
    )
    env = {**os.environ, "DUTYBOARD_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env=env,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "dutyboard: PostgreSQL needs the driver: pip install 'dutyboard[postgres]'"
    )


# -- a PostgreSQL desk's backup -------------------------------------------------------------


@pytest.fixture
def pg_working_desk(pg_desk: str) -> Iterator[PostgresLocation]:
    desk = PostgresLocation.parse(pg_desk)
    build_desk(desk)
    yield desk


def test_backup_of_a_postgres_desk_is_a_verified_sqlite_file(
    pg_working_desk: PostgresLocation,
    tmp_path: Path,
    config: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dest = tmp_path / "backups" / "night.db"
    dest.parent.mkdir()
    url = pg_working_desk.conninfo()
    code, out, err = run(capsys, "--db", url, "--config", str(config), "backup", str(dest))
    assert code == 0, err
    expected = counts(pg_working_desk)
    assert "verified" in out and f"{expected['requests']:,} requests" in out
    assert f"{dest.stat().st_size:,} bytes" in out
    # One self-contained file (no -wal beside it, no partial copy left), a desk the
    # store opens, holding what the PostgreSQL desk held.
    assert sorted(p.name for p in dest.parent.iterdir()) == ["night.db"]
    lite = sqlite3.connect(sqlite_uri(dest, mode="ro"), uri=True)
    try:
        assert lite.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert lite.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        lite.close()
    assert counts(dest) == expected
    assert content(dest) == content(pg_working_desk)
    store = Store.open(dest, readonly=True)
    try:
        assert (
            store.conn.execute("SELECT count(*) FROM requests").fetchone()[0]
            == expected["requests"]
        )
    finally:
        store.close()

    # A second backup replaces the first, once it is verified.
    code, out, err = run(capsys, "--db", url, "--config", str(config), "backup", str(dest))
    assert code == 0, err
    assert counts(dest) == expected


def test_a_failed_backup_leaves_the_last_one_as_it_was(
    pg_working_desk: PostgresLocation, tmp_path: Path
) -> None:
    dest = tmp_path / "night.db"
    snapshot(pg_working_desk, dest)
    image = file_digest(dest)

    def fail(table: str, done: int, total: int) -> None:
        if table == "events" and done:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        snapshot(pg_working_desk, dest, progress=fail)
    assert file_digest(dest) == image
    assert sorted(p.name for p in tmp_path.iterdir()) == ["night.db"]
    with pytest.raises(StoreError, match="is a folder"):
        snapshot(pg_working_desk, tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        snapshot(pg_working_desk, tmp_path / "no" / "such.db")
