"""ParseResult → database: every format checked field by field in the tables."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from dutyboard.ingest.parse import parse_bytes
from dutyboard.ingest.records import ParseResult
from dutyboard.ingest.store_sink import content_hash, ingest_bytes, write_result
from dutyboard.store import Store
from tests.conftest import INTEROP, UNREADABLE_XLSX

CHINESE_REQUESTS = (
    "单位名称,物资名称,数量,计量单位,联系人,联系电话,紧急程度,截止时间,备注\n"
    '市第一人民医院,N95口罩,"1,200",只,张三,13800000000,特急,2020年2月3日 14时30分,夜间送达\n'
    "市疾控中心,医用手套,5万,双,李四,0571-88888888,一般,2020/2/4 9:00,\n"
)
KOBO_MAPPING = {
    "username": "org",
    "I_like_this_tree_because": "item",
    "Estimate_height_of_your_tree_in_meters": "quantity",
}


def rows(
    store: Store, table: str, where: str = "TRUE", params: tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    sql = f"SELECT * FROM {table} WHERE {where} ORDER BY id"
    return [dict(row) for row in store.conn.execute(sql, params)]


def count(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def ingest_path(store: Store, path: Path, kind: Any, source: str, **options: Any) -> Any:
    return ingest_bytes(
        store, path.read_bytes(), path.name, kind=kind, source=source, location=str(path), **options
    )


# ------------------------------------------------------------------ formats, in the DB


def test_gbk_csv_with_chinese_headers_lands_field_by_field(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "需求.csv"
    path.write_bytes(CHINESE_REQUESTS.encode("gbk"))
    summary = ingest_path(store, path, "requests", "unit-drop", zone="Asia/Shanghai")
    assert (summary.added, summary.updated, summary.unchanged, summary.quarantined) == (2, 0, 0, 0)
    first, second = rows(store, "requests")
    expected = {
        "org": "市第一人民医院",
        "requester": "张三",
        "phone": "13800000000",
        "email": None,
        "item": "N95口罩",
        "quantity": 1200,
        "unit": "只",
        "priority": "urgent",
        "due_by": "2020-02-03T06:30:00+00:00",
        "notes": "夜间送达",
        "status": "new",
        "assignee": None,
        "extra": None,
        "source": "unit-drop",
        "external_id": None,
        "received_at": "2020-02-04T19:00:00+00:00",  # no received column: the ingest time
        "version": 1,
        "raw": CHINESE_REQUESTS.splitlines()[1],
    }
    assert {key: first[key] for key in expected} == expected
    assert first["content_hash"] == content_hash("requests", _fields(first))
    assert (second["org"], second["quantity"], second["unit"], second["priority"]) == (
        "市疾控中心",
        50000,
        "双",
        "normal",
    )
    assert second["due_by"] == "2020-02-04T01:00:00+00:00" and second["notes"] is None
    (run,) = rows(store, "ingest_runs")
    assert run["source"] == "unit-drop" and run["location"] == str(path)
    assert (run["rows_added"], run["rows_quarantined"], run["result"]) == (2, 0, "ok")
    assert run["format"] == "csv" and run["kind"] == "requests" and run["finished_at"]
    creates = rows(store, "events", "entity = 'request' AND action = 'create'")
    assert [event["entity_id"] for event in creates] == [first["id"], second["id"]]
    assert json.loads(creates[0]["after"])["item"] == "N95口罩"


def _fields(row: dict[str, Any]) -> dict[str, object]:
    names = ("org", "requester", "phone", "item", "quantity", "unit", "priority", "due_by")
    return {name: row[name] for name in (*names, "notes") if row[name] is not None}


def test_xlsx_lands_field_by_field(store: Store, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["XX市防疫物资需求表"])
    sheet.append(["单位", "物资", "数量", "单位(件)", "需求时间", "优先级", "备注", "序号"])
    sheet.append(["一中", "口罩", 1200, "只", datetime(2020, 2, 3, 14, 0), "紧急", None, 7])
    sheet.append(["二中", "测温枪", "5", "把", "2020-02-04 09:00", "高", "[bold]x", 8])
    path = tmp_path / "needs.xlsx"
    book.save(path)
    summary = ingest_path(store, path, "requests", "schools", zone="Asia/Shanghai")
    assert summary.added == 2 and summary.format == "xlsx"
    first, second = rows(store, "requests")
    assert (first["org"], first["item"], first["quantity"], first["unit"]) == (
        "一中",
        "口罩",
        1200,
        "只",
    )
    assert (first["due_by"], first["priority"], first["notes"]) == (
        "2020-02-03T06:00:00+00:00",
        "urgent",
        None,
    )
    assert json.loads(first["extra"]) == {"序号": "7"}  # unmapped column kept
    assert second["notes"] == "[bold]x" and second["priority"] == "high"
    assert '"一中"' in first["raw"]


def test_hxl_latin1_leads(store: Store) -> None:
    path = INTEROP / "hxl" / "input-valid-latin1.csv"
    summary = ingest_path(store, path, "leads", "hxl-3w", mapping={"#sector+es": "item"})
    assert (summary.added, summary.quarantined, summary.format) == (4, 0, "hxl")
    leads = rows(store, "leads")
    assert [lead["country"] for lead in leads] == ["PA", "CO", "CO", "VE"]
    assert [lead["supplier"] for lead in leads] == ["ACNUR", "OMS", "UNICEF", "OMS"]
    assert leads[0]["item"] == "WASH" and leads[0]["status"] == "new"
    assert json.loads(leads[2]["extra"])["#subsector+es"] == "Formación de enseñadores"
    assert "Panamá" in leads[0]["raw"]


def test_kobo_submissions_keep_identity_time_and_payload(store: Store) -> None:
    path = INTEROP / "kobo" / "api-v2-data.json"
    summary = ingest_path(
        store, path, "requests", "kobo", mapping=KOBO_MAPPING, zone="Asia/Shanghai"
    )
    assert (summary.added, summary.quarantined, summary.format) == (3, 0, "kobo")
    first = rows(store, "requests")[0]
    assert first["external_id"] == "e58da38d-3eee-4bd7-8512-4a97ea8fbb01"
    assert first["org"] == "cmi_admin_kobo_test"
    assert first["item"] == "shade food wildlife_habitat beauty"
    assert first["quantity"] == 18
    assert first["received_at"] == "2021-11-16T23:46:27+00:00"  # naive UTC, not the zone
    extra = json.loads(first["extra"])
    assert extra["_id"] == "124961136"
    assert json.loads(extra["_attachments"])[0]["mimetype"] == "image/jpeg"
    assert json.loads(first["raw"])["_uuid"] == first["external_id"]


def test_kobo_without_mapping_is_quarantined_with_the_reason(store: Store) -> None:
    path = INTEROP / "kobo" / "api-v2-data.json"
    summary = ingest_path(store, path, "requests", "kobo")
    assert (summary.added, summary.quarantined) == (0, 3)
    problems = rows(store, "quarantine")
    assert len(problems) == 3
    assert all("per-source field mapping" in problem["reason"] for problem in problems)
    assert json.loads(problems[0]["original"])["_uuid"] == "e58da38d-3eee-4bd7-8512-4a97ea8fbb01"


def test_odk_odata(store: Store) -> None:
    path = INTEROP / "odk" / "central-odata-submissions.json"
    mapping = {
        "community": "org",
        "important_resources": "item",
        "__system/submitterName": "requester",
    }
    summary = ingest_path(store, path, "requests", "odk", mapping=mapping)
    assert (summary.added, summary.format) == (3, "odk")
    second = rows(store, "requests")[1]
    assert second["external_id"] == "uuid:24951a9e-db46-4e22-9bce-910377c9dd22"
    assert (second["org"], second["item"], second["requester"]) == ("klanda", "Piorty", "Collector")
    assert second["received_at"] == "2025-02-12T02:26:29+00:00"
    extra = json.loads(second["extra"])
    assert json.loads(extra["location"])["type"] == "Point"
    assert extra["__system/deviceId"] == "collect:88Lhh2JMAVd4PXdY"


def test_odk_central_csv_export(store: Store) -> None:
    path = INTEROP / "odk" / "central-export.csv"
    mapping = {"community": "org", "important_resources": "item"}
    summary = ingest_path(store, path, "requests", "odk-csv", mapping=mapping)
    assert summary.added == 2
    first = rows(store, "requests")[0]
    assert first["external_id"] == "uuid:1d5850bb-8e07-4944-8017-ed52413e9dca"
    assert first["item"] == "Cassava, Sweet Potato"
    assert first["received_at"] == "2025-07-29T13:30:32+00:00"
    assert json.loads(first["extra"])["location-Latitude"] == "40.786261"


def test_vcard_contacts(store: Store) -> None:
    path = INTEROP / "vcard" / "vcard40_full.vcf"
    summary = ingest_path(store, path, "contacts", "address-book")
    assert (summary.added, summary.format) == (1, "vcard")
    (contact,) = rows(store, "contacts")
    expected = {
        "external_id": "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "name": "Dr. John Q. Public, III",
        "kind": "person",
        "org": "Example Corp.",
        "role": "CEO",
        "country": "US",
        "city": "Any Town",
        "tz": "America/New_York",
        "phone": "+1-555-555-5555",
        "email": "john.public@example.com",
        "languages": "en, fr",
        "notes": "This is a note about John.\nHe likes vCards.",
        "source": "address-book",
    }
    assert {key: contact[key] for key in expected} == expected
    extra = json.loads(contact["extra"])
    assert extra["TEL (cell)"] == "+1-555-123-4567" and extra["FN (jp)"] == "John Q. Public"
    assert contact["raw"].startswith("BEGIN:VCARD") and contact["raw"].endswith("END:VCARD")


def test_org_vcard_is_flagged_not_a_person(store: Store) -> None:
    summary = ingest_path(store, INTEROP / "vcard" / "vcard40_org.vcf", "contacts", "book")
    (contact,) = rows(store, "contacts")
    assert contact["kind"] == "org" and contact["org"] == "ABC, Inc."
    assert any("not a person" in warning for warning in summary.warnings)
    (run,) = rows(store, "ingest_runs")
    assert "not a person" in run["message"]


# ------------------------------------------------------------------ identity


def test_same_file_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(CHINESE_REQUESTS.encode("gbk"))
    ingest_path(store, path, "requests", "drop", zone="Asia/Shanghai")
    events = count(store, "events")
    again = ingest_path(store, path, "requests", "drop", zone="Asia/Shanghai")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert count(store, "requests") == 2
    assert count(store, "events") == events  # nothing changed, nothing logged
    assert [run["rows_unchanged"] for run in rows(store, "ingest_runs")] == [0, 2]
    kobo = INTEROP / "kobo" / "api-v2-data.json"
    for _ in range(2):
        last = ingest_path(store, kobo, "requests", "kobo", mapping=KOBO_MAPPING)
    assert (last.added, last.unchanged) == (0, 3)


def test_identical_rows_in_one_file_are_two_records(store: Store) -> None:
    data = b"org,item,quantity,sheet_colour\nA,masks,5,first\nA,masks,5,second\n"
    first = ingest_bytes(store, data, "x.csv", kind="requests", source="s")
    assert first.added == 2
    assert [json.loads(row["extra"])["sheet_colour"] for row in rows(store, "requests")] == [
        "first",
        "second",
    ]
    grown = data + b"A,masks,5,third\n"  # a cumulative export: one more of the same
    again = ingest_bytes(store, grown, "x.csv", kind="requests", source="s")
    assert (again.added, again.unchanged) == (1, 2)


def test_changed_record_is_updated_with_before_and_after(store: Store) -> None:
    def feed(quantity: int, notes: str, extra: str = "a") -> bytes:
        return json.dumps(
            [
                {
                    "id": "r-1",
                    "org": "市一院",
                    "item": "口罩",
                    "qty": quantity,
                    "备注": notes,
                    "x": extra,
                }
            ]
        ).encode()

    ingest_bytes(store, feed(100, "first"), "f.json", kind="requests", source="feed")
    (row,) = rows(store, "requests")
    store.add_note("requests", row["id"], "called back")  # the desk's own line
    desk_note = rows(store, "requests")[0]["notes"].split("\n")[1]
    summary = ingest_bytes(store, feed(250, "second"), "f.json", kind="requests", source="feed")
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 0)
    (after,) = rows(store, "requests")
    assert after["id"] == row["id"] and after["quantity"] == 250
    assert after["notes"] == f"second\n{desk_note}"  # the desk's line survives
    assert after["version"] == 3  # create, note, ingest
    (event,) = rows(store, "events", "entity = 'request' AND action = 'ingest'")
    before, changed = json.loads(event["before"]), json.loads(event["after"])
    assert before["quantity"] == 100 and changed["quantity"] == 250
    assert before["content_hash"] != changed["content_hash"]
    # Only an unmapped field changes: still an update, nothing dropped.
    extra_only = ingest_bytes(
        store, feed(250, "second", "b"), "f.json", kind="requests", source="feed"
    )
    assert extra_only.updated == 1
    assert json.loads(rows(store, "requests")[0]["extra"])["x"] == "b"
    same = ingest_bytes(store, feed(250, "second", "b"), "f.json", kind="requests", source="feed")
    assert (same.updated, same.unchanged) == (0, 1)


def test_a_desk_edit_is_not_undone_by_an_unchanged_resend(store: Store) -> None:
    data = json.dumps([{"id": "r-9", "org": "A", "item": "gloves", "qty": 10}]).encode()
    ingest_bytes(store, data, "f.json", kind="requests", source="feed")
    (row,) = rows(store, "requests")
    with store.transaction() as conn:
        store.update_record(conn, "requests", row["id"], {"quantity": 12})
    again = ingest_bytes(store, data, "f.json", kind="requests", source="feed")
    assert again.unchanged == 1
    assert rows(store, "requests")[0]["quantity"] == 12


def test_content_hash_is_stable() -> None:
    one = content_hash("requests", {"org": "A", "item": "x", "quantity": 5})
    two = content_hash("requests", {"quantity": 5, "item": "x", "org": "A"})
    assert one == two and len(one) == 32
    assert content_hash("leads", {"org": "A", "item": "x", "quantity": 5}) != one
    assert content_hash("requests", {"org": "A", "item": "x", "quantity": 5}, 2) != one


# ------------------------------------------------------------------ quarantine


def test_bad_rows_go_to_quarantine_with_everything(store: Store, tmp_path: Path) -> None:
    text = "单位,物资,数量\n一中,口罩,100\n二中,手套,12x\n,护目镜,5\n"
    path = tmp_path / "bad.csv"
    path.write_bytes(text.encode("utf-8"))
    summary = ingest_path(store, path, "requests", "drop")
    assert (summary.added, summary.quarantined, summary.result) == (1, 2, "partial")
    (run,) = rows(store, "ingest_runs")
    assert (run["rows_added"], run["rows_quarantined"], run["result"]) == (1, 2, "partial")
    bad_number, no_org = rows(store, "quarantine")
    assert bad_number["run_id"] == run["id"] and bad_number["source"] == "drop"
    assert bad_number["location"] == str(path)
    assert (bad_number["row_number"], bad_number["column_name"]) == (3, "数量")
    assert bad_number["reason"] == "quantity '12x' is not a number"
    assert bad_number["original"] == "二中,手套,12x"
    assert bad_number["at"] == "2020-02-04T19:00:00+00:00"
    assert no_org["row_number"] == 4 and no_org["column_name"] is None
    assert no_org["reason"].startswith("missing required field org")
    # The same bytes again: counted, but the quarantine rows are not doubled.
    again = ingest_path(store, path, "requests", "drop")
    assert again.quarantined == 2 and again.repeated_run == run["id"]
    assert count(store, "quarantine") == 2
    assert "already in quarantine from run" in again.line()


def test_unreadable_file_is_recorded(store: Store) -> None:
    path = UNREADABLE_XLSX
    summary = ingest_path(store, path, "leads", "drop")
    assert summary.error is not None and summary.result == "unreadable"
    (run,) = rows(store, "ingest_runs")
    assert run["result"] == "unreadable" and run["message"] == summary.error
    (problem,) = rows(store, "quarantine")
    assert problem["row_number"] is None and problem["reason"] == summary.error
    assert problem["run_id"] == run["id"]
    assert count(store, "leads") == 0


def test_a_file_is_all_or_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    data = "".join(["org,item,quantity\n", *(f"U{n},masks,{n}\n" for n in range(1, 50))])
    result = parse_bytes(data.encode(), "x.csv", "requests")
    real = store.insert_records

    def failing(conn: Any, table: str, records: Any, **kwargs: Any) -> Any:
        real(conn, table, records[:29], **kwargs)  # 29 rows and their events are written …
        raise RuntimeError("power cut")  # … then the 30th never is

    monkeypatch.setattr(store, "insert_records", failing)
    with pytest.raises(RuntimeError):
        write_result(store, result, source="s", location="x.csv")
    for table in ("requests", "ingest_runs", "quarantine", "events"):
        assert count(store, table) == 0, table


def test_a_crash_after_some_batches_leaves_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = "".join(["org,item,quantity\n", *(f"U{n},masks,{n}\n" for n in range(1, 1400))])
    result = parse_bytes(data.encode(), "x.csv", "requests")
    real = store.insert_records
    batches: list[int] = []

    def failing(conn: Any, table: str, records: Any, **kwargs: Any) -> Any:
        batches.append(len(records))
        if len(batches) == 3:
            raise RuntimeError("power cut")
        return real(conn, table, records, **kwargs)

    monkeypatch.setattr(store, "insert_records", failing)
    with pytest.raises(RuntimeError):
        write_result(store, result, source="s", location="x.csv")
    assert batches == [500, 500, 399]
    for table in ("requests", "ingest_runs", "quarantine", "events"):
        assert count(store, table) == 0, table


def test_progress_is_reported(store: Store) -> None:
    data = "".join(["org,item\n", *(f"U{n},masks\n" for n in range(1200))]).encode()
    seen: list[tuple[int, int]] = []
    ingest_bytes(
        store, data, "x.csv", kind="requests", source="s", progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]


# ------------------------------------------------------------------ possible duplicates


def _request(org: str, item: str, quantity: int, at: str) -> bytes:
    return json.dumps([{"org": org, "item": item, "qty": quantity, "received_at": at}]).encode()


def test_possible_duplicates_across_sources_are_linked_not_merged(store: Store) -> None:
    ingest_bytes(
        store,
        _request("一中", "口罩", 500, "2020-02-03T08:00:00Z"),
        "a.json",
        kind="requests",
        source="phone",
    )
    summary = ingest_bytes(
        store,
        _request("一中", "口罩", 500, "2020-02-03T20:00:00Z"),
        "b.json",
        kind="requests",
        source="kobo",
    )
    assert summary.added == 1 and summary.flagged == 1
    first, second = rows(store, "requests")  # both kept
    (link,) = rows(store, "possible_duplicates")
    assert (link["entity"], link["record_id"], link["other_id"]) == (
        "request",
        second["id"],
        first["id"],
    )
    assert "'phone'" in link["reason"] and link["resolution"] is None
    events = rows(store, "events", "action = 'possible_duplicate'")
    assert {event["entity_id"] for event in events} == {first["id"], second["id"]}
    (run,) = rows(store, "ingest_runs", "source = 'kobo'")
    assert run["rows_flagged"] == 1


@pytest.mark.parametrize(
    ("source", "at", "quantity", "window"),
    [
        ("kobo", "2020-02-05T09:00:00Z", 500, 24.0),  # 49 h later
        ("kobo", "2020-02-03T09:00:00Z", 501, 24.0),  # another quantity
        ("phone", "2020-02-03T09:00:00Z", 500, 24.0),  # the same source
        ("kobo", "2020-02-03T09:00:00Z", 500, 0.0),  # the check turned off
    ],
)
def test_not_duplicates(store: Store, source: str, at: str, quantity: int, window: float) -> None:
    ingest_bytes(
        store,
        _request("一中", "口罩", 500, "2020-02-03T08:00:00Z"),
        "a.json",
        kind="requests",
        source="phone",
    )
    summary = ingest_bytes(
        store,
        _request("一中", "口罩", quantity, at),
        "b.json",
        kind="requests",
        source=source,
        duplicate_window_hours=window,
    )
    assert summary.added == 1 and summary.flagged == 0
    assert count(store, "possible_duplicates") == 0


def test_custom_window(store: Store) -> None:
    ingest_bytes(
        store, _request("A", "x", 1, "2020-02-01T00:00:00Z"), "a.json", kind="requests", source="p"
    )
    summary = ingest_bytes(
        store,
        _request("A", "x", 1, "2020-02-03T00:00:00Z"),
        "b.json",
        kind="requests",
        source="q",
        duplicate_window_hours=72,
    )
    assert summary.flagged == 1


def test_empty_result_writes_a_run(store: Store) -> None:
    summary = write_result(
        store, ParseResult(kind="leads", format="csv"), source="s", location="e.csv"
    )
    assert summary.clean and summary.run_id is not None
    assert rows(store, "ingest_runs")[0]["result"] == "ok"


def test_a_batch_flags_each_record_as_a_query_per_record_would(store: Store) -> None:
    earlier = [
        *({"org": "一中", "item": "口罩", "qty": 500, "received_at": "2020-02-03T08:00:00Z"},) * 7,
        {"org": "二中", "item": "手套", "qty": 2.5, "received_at": "2020-02-03T08:00:00Z"},
        {"org": "三中", "item": "口罩", "qty": 100, "received_at": "2020-02-03T08:00:00Z"},
    ]
    ingest_bytes(store, json.dumps(earlier).encode(), "a.json", kind="requests", source="phone")
    ids = [row["id"] for row in rows(store, "requests")]
    later = [
        {"org": "一中", "item": "口罩", "qty": 500, "received_at": "2020-02-03T20:00:00Z"},
        {"org": "二中", "item": "手套", "qty": 2.5, "received_at": "2020-02-03T10:00:00Z"},
        {"org": "三中", "item": "口罩", "qty": 100, "received_at": "2020-02-05T09:00:00Z"},
        {"org": "四中", "item": "口罩", "qty": 500, "received_at": "2020-02-03T08:00:00Z"},
        {"org": "一中", "item": "口罩", "qty": 500, "received_at": "2020-02-03T08:00:00Z"},
    ]
    summary = ingest_bytes(
        store, json.dumps(later).encode(), "b.json", kind="requests", source="kobo"
    )
    assert (summary.added, summary.flagged) == (5, 3)
    new = [row["id"] for row in rows(store, "requests", "source = 'kobo'")]
    links = {(link["record_id"], link["other_id"]) for link in rows(store, "possible_duplicates")}
    # At most five links a record, to the earliest matches; none within the same source.
    expected = {(new[0], other) for other in ids[:5]} | {(new[1], ids[7])}
    expected |= {(new[4], other) for other in ids[:5]}
    assert links == expected
    assert len(rows(store, "events", "action = 'possible_duplicate'")) == 2 * len(expected)


def test_leads_are_flagged_by_supplier_item_and_quantity(store: Store) -> None:
    lead = [{"supplier": "Acme GmbH", "item": "FFP2", "quantity": 10000}]
    ingest_bytes(store, json.dumps(lead).encode(), "a.json", kind="leads", source="wechat")
    summary = ingest_bytes(store, json.dumps(lead).encode(), "b.json", kind="leads", source="mail")
    assert summary.flagged == 1
    assert count(store, "possible_duplicates") == 1
