"""The ingest fast paths do exactly what the general paths do, only cheaper.

Each shortcut taken for speed (printable text, plain whole numbers, cached readers, CSV
lines taken by count, rows inserted in batches) is checked here against the general
code or against a copy of the code it replaced.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutyboard.domain import text as sanitize
from dutyboard.domain.values import parse_datetime, parse_priority, parse_quantity
from dutyboard.ingest.csvfmt import csv_rows
from dutyboard.ingest.parse import parse_bytes
from dutyboard.ingest.source import GridRow
from dutyboard.ingest.store_sink import content_hash, ingest_bytes, write_result
from dutyboard.store import Store
from dutyboard.store.errors import ValidationError

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HOSTILE = "\x00\x07\x1b\x7f\x85\x9b\x9c\u061c\u200b\u200e\u202e\u2066\ufeff\r\n\t \u3000"
TEXT = st.lists(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from([*HOSTILE, "\x1b[2J", "\x1b]52;c;aGk=\x07", "[b]", "单位"]),
    ),
    max_size=30,
).map("".join)


# ------------------------------------------------------------------ sanitising


def _clean_reference(text: str, limit: int) -> tuple[str, bool]:
    """clean_text_checked as it was before its printable-text shortcut."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if sanitize._ESCAPE_START.search(text):
        text = sanitize._ESCAPE_SEQUENCE.sub("", text)
    text = text.translate(sanitize._DROP).strip()
    text = sanitize._tidy_marks(text).strip()  # marks, selectors, invisible letters
    if len(text) > limit:
        return text[: limit - 1].rstrip() + sanitize.ELLIPSIS, True
    return text, False


@FAST
@given(TEXT, st.sampled_from([5, 20, 10_000]))
def test_clean_text_shortcut_matches_the_full_cleaning(text: str, limit: int) -> None:
    assert sanitize.clean_text_checked(text, limit) == _clean_reference(text, limit)


def test_no_character_clean_text_removes_is_printable() -> None:
    # The shortcut rests on this: printable text holds nothing to strip.
    for code in sanitize._DROP:
        assert not chr(code).isprintable(), hex(code)
    for code in range(0x110000):
        if sanitize._ESCAPE_START.match(chr(code)) or chr(code) == "\r":
            assert not chr(code).isprintable(), hex(code)


# ------------------------------------------------------------------ values


@FAST
@given(
    st.one_of(
        st.integers(min_value=0, max_value=10**16).map(str),
        st.integers(min_value=0, max_value=10**16).map(lambda n: f"{n:,}"),
        st.from_regex(r"[0-9]{1,18}(,[0-9]{1,4}){0,5}", fullmatch=True),
    )
)
def test_plain_whole_numbers_read_as_the_general_path_reads_them(text: str) -> None:
    # A leading space keeps the text off the shortcut; halfwidth() strips it again.
    try:
        expected: Any = parse_quantity(" " + text)
    except ValueError as error:
        expected = str(error)
    try:
        got: Any = parse_quantity(text)
    except ValueError as error:
        got = str(error)
    assert got == expected
    assert type(got) is type(expected)


def test_cached_readers_give_the_same_answers_and_errors_every_time() -> None:
    for _ in range(3):
        assert parse_priority("特急") == "urgent"
        assert parse_priority("一般") == "normal"
        assert parse_datetime("2020-02-03 14:00", "Asia/Shanghai") == "2020-02-03T06:00:00+00:00"
        assert parse_datetime("2020-02-03 14:00", "UTC") == "2020-02-03T14:00:00+00:00"
        with pytest.raises(ValueError, match="priority"):
            parse_priority("soon-ish")
        with pytest.raises(ValueError, match="ambiguous"):
            parse_datetime("03/04/2020")
    long_text = "2020-02-03 14:00" + " " * 200  # too long to be cached: read each time
    assert parse_datetime(long_text, "UTC") == "2020-02-03T14:00:00+00:00"


# ------------------------------------------------------------------ CSV records


class _Lines:
    """The line tracker csv_rows used before it counted lines with ``line_num``."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.count = 0
        self.pending: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        self.pending.append(line)
        return line

    def take(self) -> str:
        raw = "".join(self.pending)
        self.pending = []
        if raw.endswith("\r\n"):
            return raw[:-2]
        return raw[:-1] if raw.endswith(("\n", "\r")) else raw


def _csv_rows_reference(text: str, delimiter: str) -> Iterator[GridRow]:
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    while True:
        start = lines.count + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raw = lines.take()
            yield GridRow(start, [], raw, error=f"line {start} is not valid CSV ({error})")
            continue
        yield GridRow(start, list(record), lines.take())


CSV_TEXT = st.lists(
    st.sampled_from(["a", '"', ",", ";", "\n", "\r\n", "\r", "\x00", " ", "单位", '""', "x" * 5]),
    max_size=60,
).map("".join)


@FAST
@given(CSV_TEXT, st.sampled_from([",", ";", "\t"]))
def test_csv_records_keep_their_lines_and_text_as_before(text: str, delimiter: str) -> None:
    assert list(csv_rows(text, delimiter)) == list(_csv_rows_reference(text, delimiter))


def test_csv_records_spanning_lines_keep_their_text() -> None:
    text = 'a,b\r\n1,"two\nlines"\n3,x\n"open\n'
    rows = list(csv_rows(text, ","))
    assert [(row.number, row.raw) for row in rows] == [
        (1, "a,b"),
        (2, '1,"two\nlines"'),
        (4, "3,x"),
        (5, '"open'),
    ]
    assert rows == list(_csv_rows_reference(text, ","))


# ------------------------------------------------------------------ content hash


def test_content_hash_is_unchanged_by_the_shared_encoder() -> None:
    import hashlib

    fields: dict[str, object] = {"org": "市一院", "item": 'N95 "口罩"', "quantity": 1200}
    fields |= {"unit_price": 1.2, "notes": "a\nb"}
    for occurrence in (1, 2):
        payload: list[object] = ["requests", fields] + ([occurrence] if occurrence > 1 else [])
        text = json.dumps(
            payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        expected = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
        assert content_hash("requests", fields, occurrence) == expected


# ------------------------------------------------------------------ batched inserts


def _records(n: int) -> list[dict[str, Any]]:
    return [
        {
            "org": f"unit {i % 7}",
            "item": "masks",
            "quantity": i,
            "source": "s",
            "external_id": f"x{i}",
            **({"notes": "night"} if i % 3 == 0 else {}),
            **({"priority": "urgent"} if i % 4 == 0 else {}),
        }
        for i in range(n)
    ]


def _dump(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    conn = store.conn
    rows = [dict(row) for row in conn.execute("SELECT * FROM requests ORDER BY id")]
    events = [
        dict(row)
        for row in conn.execute(
            "SELECT at, actor, entity, entity_id, action, before, after FROM events ORDER BY id"
        )
    ]
    return rows, events


def test_insert_records_stores_what_insert_record_stores(tmp_path: Path) -> None:
    one = Store.open(tmp_path / "one.db", actor="t")
    many = Store.open(tmp_path / "many.db", actor="t")
    at = "2020-02-04T19:00:00+00:00"
    records = _records(40)
    try:
        with one.transaction() as conn:
            ids = [one.insert_record(conn, "requests", record, at=at) for record in records]
        with many.transaction() as conn:
            assert many.insert_records(conn, "requests", records, at=at) == ids
        assert _dump(one) == _dump(many)
    finally:
        one.close()
        many.close()


def test_a_refused_record_is_left_out_and_the_others_get_the_next_ids(store: Store) -> None:
    records = _records(6)
    records[1] = dict(records[1], priority="whenever")  # CHECK constraint: refused by SQLite
    records[3] = dict(records[3], external_id="x2")  # same identity as record 2
    records[4] = {"item": "masks"}  # no org: refused before SQLite
    with store.transaction() as conn:
        results = store.insert_records(conn, "requests", records, at="2020-02-04T19:00:00+00:00")
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert isinstance(results[3], sqlite3.IntegrityError)
    assert isinstance(results[4], ValidationError)
    assert [results[0], results[2], results[5]] == [1, 2, 3]
    rows, events = _dump(store)
    assert [(row["id"], row["external_id"]) for row in rows] == [(1, "x0"), (2, "x2"), (3, "x5")]
    assert [(event["entity_id"], event["action"]) for event in events] == [
        (1, "create"),
        (2, "create"),
        (3, "create"),
    ]


def test_ids_continue_after_the_largest_even_with_gaps(store: Store) -> None:
    with store.transaction() as conn:
        store.insert_records(conn, "requests", _records(3))
        conn.execute("DELETE FROM requests WHERE id = 2")
    with store.transaction() as conn:
        new = dict(_records(1)[0], external_id="new")
        assert store.insert_records(conn, "requests", [new]) == [4]  # as SQLite would pick


# ------------------------------------------------------------------ one file, end to end


def test_the_same_id_twice_in_one_file_is_one_record_updated(store: Store) -> None:
    data = "编号,单位,物资,数量\nA1,市一院,口罩,100\nA2,市二院,手套,5\nA1,市一院,口罩,120\n"
    summary = ingest_bytes(store, data.encode(), "x.csv", kind="requests", source="s")
    assert (summary.added, summary.updated, summary.unchanged) == (2, 1, 0)
    rows, events = _dump(store)
    assert [(row["external_id"], row["quantity"]) for row in rows] == [("A1", 120), ("A2", 5)]
    actions = [(event["entity_id"], event["action"]) for event in events]
    assert actions[:3] == [(1, "create"), (2, "create"), (1, "ingest")]
    update = events[2]
    assert json.loads(update["before"])["quantity"] == 100
    assert json.loads(update["after"])["quantity"] == 120


def test_same_id_twice_and_identical_is_unchanged_the_second_time(store: Store) -> None:
    data = "编号,单位,物资,数量\nA1,市一院,口罩,100\nA1,市一院,口罩,100\n"
    summary = ingest_bytes(store, data.encode(), "x.csv", kind="requests", source="s")
    assert (summary.added, summary.updated, summary.unchanged) == (1, 0, 1)


def test_rows_in_several_batches_all_land_with_their_events(store: Store) -> None:
    lines = "".join(f"U{n},masks,{n}\n" for n in range(1, 1201))
    result = parse_bytes(("org,item,quantity\n" + lines).encode(), "x.csv", "requests")
    summary = write_result(store, result, source="s", location="x.csv")
    assert summary.added == 1200
    rows, events = _dump(store)
    assert [row["id"] for row in rows] == list(range(1, 1201))
    creates = [event["entity_id"] for event in events if event["action"] == "create"]
    assert creates == list(range(1, 1201))


def test_the_collector_is_back_on_after_a_file(store: Store) -> None:
    assert gc.isenabled()
    ingest_bytes(store, b"org,item\nU,masks\n", "x.csv", kind="requests", source="s")
    assert gc.isenabled()
    ingest_bytes(store, b"\x00\x01\x02\x00" * 100, "x.bin", kind="requests", source="s")
    assert gc.isenabled()
    gc.disable()
    try:
        ingest_bytes(store, b"org,item\nV,masks\n", "x.csv", kind="requests", source="s")
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


@pytest.mark.sqlite_only("SQLite's page cache; a PostgreSQL server's buffers are its own")
def test_a_big_file_leaves_the_page_cache_as_it_was(store: Store) -> None:
    store.conn.execute("PRAGMA cache_size = -3000")
    lines = "".join(f"U{n},masks,{n}\n" for n in range(6000))
    ingest_bytes(
        store, ("org,item,quantity\n" + lines).encode(), "x.csv", kind="requests", source="s"
    )
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -3000
