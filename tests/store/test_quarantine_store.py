"""The quarantine's store API and the failing rule (issue 18 #2), on real files.

Files go in through the real importer (``ingest_bytes``): a CSV with bad rows, the broken
workbook from libhxl's test suite, GB18030 text with stray bytes. The migration is
tried on a desk made by the previous schema, upgraded in place.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from dutyboard.ingest.retry import proposed_fields, retry
from dutyboard.ingest.sources import SourceConfig
from dutyboard.ingest.store_sink import IngestSummary, ingest_bytes, record_unreadable
from dutyboard.store import NotFound, StaleEdit, Store, ValidationError
from dutyboard.store import quarantine as q
from dutyboard.store.attention import attention
from dutyboard.store.engine import APPLICATION_ID
from dutyboard.store.schema import migrations
from dutyboard.store.sources import record_health, register_sources
from tests.conftest import FIXED_NOW, UNREADABLE_XLSX, FakeClock
from tests.store.query_plans import plans

BAD = b"org,item,quantity\nJilin University,masks,100\nNo. 3 Hospital,gloves,12x\n,goggles,5\n"
CLEAN = b"org,item,quantity\nRed Cross,thermometers,40\n"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    s = Store.open(tmp_path / "desk.db", actor="Zhang Wei", clock=clock)
    register_sources(s, [SourceConfig("units", "requests", "folder", path=tmp_path / "inbox")])
    return s


def ingest(store: Store, data: bytes, name: str = "needs.csv", **options: object) -> IngestSummary:
    return ingest_bytes(
        store,
        data,
        name,
        kind="requests",
        source=str(options.pop("source", "units")),
        location=f"/srv/inbox/{name}",
        **options,  # type: ignore[arg-type]
    )


def source(store: Store, name: str = "units") -> dict[str, object]:
    row = store.conn.execute(
        f"SELECT *, {q.FAILING_SQL} AS failing FROM sources WHERE name = ?", (name,)
    ).fetchone()
    return dict(row)


def test_an_older_desk_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    db = Database(path)
    migrations.apply(db, stop_before="m090_quarantine_workflow")
    db.execute(
        "INSERT INTO ingest_runs (id, source, location, started_at, content_sha256) "
        "VALUES (7, 'units', '/srv/a.csv', '2020-02-04T18:00:00+00:00', 'ab12')"
    )
    db.execute(
        "INSERT INTO quarantine (run_id, at, source, location, row_number, reason, original) "
        "VALUES (7, '2020-02-04T18:00:00+00:00', 'units', '/srv/a.csv', 3, 'bad', 'x,y')"
    )
    db.execute(
        "INSERT INTO sources (name, kind, location, last_ok_at, last_error_at, last_error) "
        "VALUES ('units', 'requests', '/srv', '2020-02-04T17:00:00+00:00', "
        "'2020-02-04T18:00:00+00:00', 'HTTP 503'), ('kobo', 'requests', 'https://k', "
        "'2020-02-04T18:00:00+00:00', '2020-02-04T17:00:00+00:00', 'old')"
    )
    db.conn.commit()
    db.close()
    old = Store.open(path, actor="Zhang Wei")  # opening applies m090
    try:
        assert "m090_quarantine_workflow" in old.schema_version()
        assert old.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        row = q.get_row(old, 1)
        assert (row["state"], row["file_sha256"], row["file_kept"]) == ("open", "ab12", False)
        failing = {r["name"]: r["failing_since"] for r in q.failing_sources(old)}
        assert failing == {"units": "2020-02-04T18:00:00+00:00"}  # failing before, still
        assert attention(old, "2020-02-04T19:00:00+00:00").quarantine_open == 1
    finally:
        old.close()


def test_a_bad_file_keeps_its_bytes_and_its_source_failing(store: Store) -> None:
    summary = ingest(store, BAD)
    assert summary.quarantined == 2
    kept = q.original_file(store, q.get_row(store, 1)["file_sha256"])
    assert kept is not None and kept["size"] == len(BAD) and kept["encoding"] == "utf-8"
    assert q.original_bytes(store, kept["sha256"]) == BAD
    state = source(store)
    assert state["failing"] and state["failing_file"] == "/srv/inbox/needs.csv"
    assert "2 rows quarantined (first: row 3, column quantity" in str(state["last_error"])
    assert attention(store, "2020-02-04T19:00:00+00:00").sources_failing == 1
    # A good scan afterwards (the collector's next pass) does not clear a file's failure…
    record_health(store, "units")
    assert source(store)["failing"]
    # … a later clean file from the source does.
    ingest(store, CLEAN, "later.csv")
    state = source(store)
    assert not state["failing"] and state["failing_file"] is None
    assert attention(store, "2020-02-04T19:00:00+00:00").sources_failing == 0


def test_a_clean_file_keeps_nothing(store: Store) -> None:
    ingest(store, CLEAN)
    assert store.conn.execute("SELECT count(*) FROM original_files").fetchone()[0] == 0
    assert not source(store)["failing"]


def test_a_lossy_decode_keeps_the_original_bytes(store: Store) -> None:
    # UTF-8 Chinese with one byte that is no UTF-8 at all: the text read replaces it, so
    # only the kept bytes still hold it. The file itself imports cleanly.
    data = "单位,物资,数量\n第一医院,口罩,100\n第二医院,手套,200\n".encode().replace(
        "手套".encode(), "手".encode() + b"\xff" + "套".encode()
    )
    summary = ingest(store, data, "lossy.csv")
    assert (summary.added, summary.quarantined) == (2, 0)
    assert "\ufffd" in store.get("requests", 2)["item"]
    (sha,) = store.conn.execute("SELECT content_sha256 FROM ingest_runs").fetchone()
    kept = q.original_file(store, sha)
    assert kept is not None and kept["lossy"] == 1 and kept["encoding"] == "utf-8"
    assert q.original_bytes(store, sha) == data
    assert not source(store)["failing"]


def test_an_unreadable_workbook_is_kept_and_failing(store: Store) -> None:
    data = (UNREADABLE_XLSX).read_bytes()
    summary = ingest(store, data, "broken.xlsx")
    assert summary.error is not None
    row = q.get_row(store, 1)
    assert row["row_number"] is None and row["file_kept"] and row["file_size"] == len(data)
    assert row["file_encoding"] is None  # never decoded as text
    assert source(store)["failing"]


def test_list_pages_by_key_open_first_newest_first(store: Store, clock: FakeClock) -> None:
    for n in range(5):
        ingest(store, BAD.replace(b"12x", f"1{n}x".encode()), f"f{n}.csv")
    assert q.open_count(store) == 10
    q.discard(store, [1, 2, 3], "resent")
    first = q.list_rows(store, limit=4)
    assert [r["id"] for r in first.rows] == [10, 9, 8, 7] and first.next is not None
    second = q.list_rows(store, after=first.next, limit=4)
    assert [r["id"] for r in second.rows] == [6, 5, 4] and second.next is None
    # With the resolved rows: open ones first (newest first), then the resolved ones.
    everything: list[int] = []
    cursor = None
    while True:
        page = q.list_rows(store, include_resolved=True, after=cursor, limit=3)
        everything += [r["id"] for r in page.rows]
        if page.next is None:
            break
        cursor = page.next
    assert everything == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert [r["id"] for r in q.list_rows(store, state="discarded").rows] == [3, 2, 1]
    ingest(store, BAD, "other.csv", source="kobo")
    assert [r["source"] for r in q.list_rows(store, source="kobo").rows] == ["kobo", "kobo"]
    assert q.open_by_source(store) == {"kobo": 2, "units": 7}
    # Each page is read from an index, in order: never a sort of the whole table.
    for sql, plan in plans(store, lambda: q.list_rows(store, source="units", limit=2)):
        if "FROM quarantine" in sql:
            assert "quarantine_source_state" in plan and "TEMP B-TREE" not in plan, plan
    for sql, plan in plans(store, lambda: q.list_rows(store, limit=2)):
        if "FROM quarantine" in sql:
            assert "quarantine_state" in plan and "TEMP B-TREE" not in plan, plan


def test_fix_a_row_stores_a_record_and_logs_it(store: Store) -> None:
    ingest(store, BAD)
    row = q.list_rows(store).rows[-1]  # row 3: quantity 12x
    assert row["row_number"] == 3
    proposal = proposed_fields(store, row["id"])
    assert proposal.kind == "requests"
    assert proposal.fields == {"org": "No. 3 Hospital", "item": "gloves", "quantity": "12x"}
    record_id = q.fix_row(
        store, row["id"], {"org": "No. 3 Hospital", "item": "gloves", "quantity": 12}
    )
    record = store.get("requests", record_id)
    assert (record["org"], record["quantity"], record["source"]) == ("No. 3 Hospital", 12, "units")
    assert record["raw"] == "No. 3 Hospital,gloves,12x"
    fixed = q.get_row(store, row["id"])
    assert (fixed["state"], fixed["record_id"], fixed["resolved_by"]) == (
        "fixed",
        record_id,
        "Zhang Wei",
    )
    assert [e["action"] for e in store.history("request", record_id)] == ["create"]
    (event,) = q.history(store, row["id"])
    assert event["action"] == "fix" and json.loads(event["after"])["record_id"] == record_id
    with pytest.raises(StaleEdit, match="is fixed already"):
        q.fix_row(store, row["id"], {"org": "x", "item": "y"})
    other = q.list_rows(store).rows[0]  # row 4: no org
    with pytest.raises(ValidationError, match="org is required"):
        q.fix_row(store, other["id"], {"item": "goggles"})
    assert q.get_row(store, other["id"])["state"] == "open"  # nothing half-done
    assert source(store)["failing"]
    q.fix_row(store, other["id"], {"org": "Jilin No. 1 School", "item": "goggles", "quantity": 5})
    assert not source(store)["failing"]  # the last open row of the source is resolved


def test_discard_needs_a_reason(store: Store) -> None:
    ingest(store, BAD)
    with pytest.raises(ValidationError, match="say why"):
        q.discard(store, 1, "  \x1b[2J ")
    with pytest.raises(NotFound):
        q.discard(store, 99, "x")
    assert q.discard(store, 1, "the unit\x1b]0;pwned\x07 phoned it in") == 1
    row = q.get_row(store, 1)
    assert row["state"] == "discarded" and row["resolution"] == "the unit phoned it in"


def test_retry_marks_the_old_rows_and_keeps_the_still_bad_ones(store: Store) -> None:
    ingest(store, BAD)
    (done,) = retry(store, quarantine_id=1)
    assert done.summary is not None and done.summary.run_id == 2
    assert (done.summary.unchanged, done.summary.quarantined) == (1, 2)
    states = store.conn.execute(
        "SELECT id, run_id, state, retry_run_id FROM quarantine ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in states] == [
        (1, 1, "retried", 2),
        (2, 1, "retried", 2),
        (3, 2, "open", None),
        (4, 2, "open", None),
    ]
    assert [e["action"] for e in q.history(store, 1)] == ["retry"]
    with pytest.raises(ValidationError, match="retried already"):
        retry(store, quarantine_id=1)
    assert store.count_requests() == 1  # the good row was found unchanged, not doubled
    assert source(store)["failing"]


def test_retry_with_the_sources_new_mapping_takes_the_rows(store: Store) -> None:
    office = (
        b"Requesting office,item,quantity\nJilin University,masks,2000\nNo. 3 Hospital,gloves,500\n"
    )
    ingest(store, office, "office.csv")
    assert q.open_count(store) == 2 and store.count_requests() == 0
    mapped = SourceConfig(
        "units", "requests", "folder", path=Path("/srv/inbox"), mapping={"Requesting office": "org"}
    )
    (done,) = retry(store, sha256=q.get_row(store, 1)["file_sha256"][:12], sources=[mapped])
    assert done.summary is not None and (done.summary.added, done.summary.quarantined) == (2, 0)
    assert q.open_count(store) == 0 and not source(store)["failing"]
    with pytest.raises(NotFound):
        retry(store, source="units", sources=[mapped])


def test_a_retry_of_rows_resolved_meanwhile_writes_nothing(store: Store) -> None:
    ingest(store, BAD)
    (target,) = q.retry_targets(store, source="units")
    q.discard(store, target.quarantine_ids, "handled by phone")  # another officer, first
    data = q.original_bytes(store, target.sha256)
    assert data is not None
    with pytest.raises(StaleEdit, match="resolved by someone else"):
        ingest(store, data, retrying=target.quarantine_ids)
    assert store.conn.execute("SELECT count(*) FROM ingest_runs").fetchone()[0] == 1
    assert q.open_count(store) == 0


def test_same_bytes_again_after_discard_are_not_a_failure(store: Store) -> None:
    ingest(store, BAD)
    q.discard(store, [1, 2], "known")
    assert not source(store)["failing"]
    again = ingest(store, BAD, "needs (2).csv")
    assert again.repeated_run == 1 and again.quarantined == 2
    assert not source(store)["failing"]
    assert q.open_count(store) == 0


def test_command_line_imports_get_a_source_row(store: Store) -> None:
    ingest(store, BAD, source="cli")
    state = source(store, "cli")
    assert state["failing"] and state["location"] == "dutyboard ingest"
    ingest(store, CLEAN, "good.csv", source="cli")
    assert not source(store, "cli")["failing"]


def test_a_feed_failing_on_a_page_stays_failing_through_a_not_modified(store: Store) -> None:
    register_sources(store, [SourceConfig("kobo", "requests", "http", url="https://k/")])
    ingest_bytes(store, BAD, "p1.csv", kind="requests", source="kobo", location="https://k/?p=1")
    record_health(store, "kobo", latency_ms=5.0)  # the poll ends; the next one: 304
    record_health(store, "kobo", latency_ms=5.0)
    assert source(store, "kobo")["failing"]
    # A later clean page of the same poll does not clear it …
    ingest_bytes(
        store,
        CLEAN,
        "p2.csv",
        kind="requests",
        source="kobo",
        location="https://k/?p=2",
        clears=False,
    )
    assert source(store, "kobo")["failing"]
    # … the first page of a later poll, clean, does.
    ingest_bytes(store, CLEAN, "p1.csv", kind="requests", source="kobo", location="https://k/?p=1")
    assert not source(store, "kobo")["failing"]


def test_a_file_that_cannot_be_read_keeps_its_source_failing(
    store: Store, clock: FakeClock
) -> None:
    record_health(
        store,
        "units",
        error="needs.csv: cannot be read (Permission denied)",
        file="/srv/inbox/needs.csv",
    )
    record_health(store, "units")  # the next scan
    state = source(store)
    assert state["failing"] and "Permission denied" in str(state["last_error"])
    assert state["consecutive_failures"] == 0  # not a failed scan
    ingest(store, CLEAN)
    assert not source(store)["failing"]


def test_a_failed_scan_clears_on_the_next_good_one(store: Store, clock: FakeClock) -> None:
    record_health(store, "units", error="cannot scan the drop folder: gone")
    assert source(store)["failing"]
    clock.now = FIXED_NOW.replace(minute=5)
    record_health(store, "units")
    assert not source(store)["failing"]


def test_fixing_a_bad_update_updates_the_record(store: Store) -> None:
    ingest(store, b"id,org,item,quantity\nA1,Jilin University,masks,100\n", "v1.csv")
    summary = ingest(store, b"id,org,item,quantity\nA1,Jilin University,masks,1OO\n", "v2.csv")
    assert summary.quarantined == 1
    (row,) = q.list_rows(store).rows
    proposal = proposed_fields(store, row["id"])
    assert proposal.external_id == "A1" and proposal.fields["quantity"] == "1OO"
    fields = {**proposal.fields, "quantity": 110, "external_id": proposal.external_id}
    record_id = q.fix_row(store, row["id"], fields)
    assert record_id == 1 and store.count_requests() == 1  # the same record, no twin
    assert store.get("requests", 1)["quantity"] == 110
    assert [e["action"] for e in store.history("request", 1)] == ["fix", "create"]  # newest first


def test_an_incomplete_file_is_failing_and_says_it_cannot_be_retried(store: Store) -> None:
    # What the collector records for a file still changing after max_wait_seconds: the
    # file stays in quarantine/, its bytes were never settled enough to read.
    record_unreadable(
        store,
        source="units",
        location="/srv/inbox/slow.csv",
        kind="requests",
        message="slow.csv was still being written after 600 s (max_wait_seconds); incomplete",
        original=None,
    )
    state = source(store)
    assert state["failing"] and "incomplete" in str(state["last_error"])
    with pytest.raises(ValidationError, match="bytes were not kept"):
        retry(store, quarantine_id=1)
    q.discard(store, 1, "the uploader resent it whole")
    assert not source(store)["failing"]
