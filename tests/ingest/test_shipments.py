"""Shipment lists (issue 18 #3): CSV/xlsx in, idempotent shipments out, bad rows to
quarantine; which kind a file of arrivals is, and a file of another kind refused."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dutyboard.ingest.records import UnreadableFile
from dutyboard.ingest.shipments import (
    ALIASES,
    WrongArrivalsKind,
    import_arrivals,
    import_shipments,
    parse_shipments,
)
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from tests.conftest import INTEROP

SHIPMENTS = """\
运单号,物资,数量,起运国,起运城市,预计到达时间,航权,清关,线索,捐赠方
CZ 8421,医用口罩,"1,900,000 pcs",匈牙利,Budapest,2020-02-06 01:00,待批,,Budapest Medical Kft,HU Ch
784-1234 5675,防护服,5000,Germany,Frankfurt,2020-02-06 09:30,,pending,{lead},
,手套,12x,Japan,,2020-02-06 09:30,,,,
KE893,,,Korea,Seoul,,,,,
,,,France,Paris,2020-02-06 10:00,,,,
"""


def shipments(store: Store) -> list[dict[str, Any]]:
    return store._all("SELECT * FROM arrivals WHERE kind = 'shipment' ORDER BY id")


@pytest.fixture
def lead(store: Store) -> int:
    store.add_lead({"supplier": "Budapest Medical Kft", "item": "masks"})
    return store.add_lead({"supplier": "Frankfurt Schutz GmbH", "item": "suits"})


def test_fields_from_chinese_headers(store: Store, lead: int) -> None:
    parsed = parse_shipments(SHIPMENTS.format(lead=lead).encode(), "在途物资.csv")
    first, second = (row.fields for row in parsed.rows)
    assert first == {
        "reference": "CZ8421",
        "item": "医用口罩",
        "eta": "2020-02-05T17:00:00+00:00",  # naive: desk time (Asia/Shanghai)
        "quantity": 1_900_000,
        "unit": "pcs",
        "origin_city": "Budapest",
        "origin_country": "HU",
        "permit": "pending",
        "lead": "Budapest Medical Kft",
    }
    assert parsed.rows[0].extra == {"捐赠方": "HU Ch"}  # kept, not lost
    assert (second["reference"], second["customs"], second["lead"]) == (
        "784-1234 5675",
        "pending",
        str(lead),
    )
    assert [p.reason for p in parsed.problems] == [
        "quantity '12x' is not a number",
        "row 5 (KE893) has no arrival time",
        "row 6 has neither contents nor a reference",
    ]


def test_the_same_file_twice_adds_nothing_and_bad_rows_wait_once(store: Store, lead: int) -> None:
    data = SHIPMENTS.format(lead=lead).encode()
    first = import_shipments(store, data, "在途物资.csv")
    assert (first.added, first.updated, first.unchanged, first.quarantined) == (2, 0, 0, 3)
    assert first.kind == "shipments"
    rows = shipments(store)
    assert [(r["origin_tz"], r["lead_id"]) for r in rows] == [
        ("Europe/Budapest", lead - 1),  # by its supplier, the only lead that has it
        ("Europe/Berlin", lead),  # by its number
    ]
    assert json.loads(str(rows[0]["extra"])) == {"捐赠方": "HU Ch"}
    events = store._one("SELECT count(*) AS n FROM events")
    again = import_shipments(store, data, "在途物资.csv")
    assert (again.added, again.updated, again.unchanged, again.quarantined) == (0, 0, 2, 3)
    assert shipments(store) == rows
    assert store._one("SELECT count(*) AS n FROM events") == events
    quarantined = store._all("SELECT source, row_number, reason, original FROM quarantine")
    assert len(quarantined) == 3  # once, however often the file comes
    assert quarantined[0]["source"] == "shipments" and "12x" in str(quarantined[0]["original"])
    run = store._one("SELECT kind, result, rows_quarantined FROM ingest_runs ORDER BY id LIMIT 1")
    assert run == {"kind": "shipments", "result": "partial", "rows_quarantined": 3}


def test_a_changed_row_updates_what_the_file_says_only(store: Store, lead: int) -> None:
    data = SHIPMENTS.format(lead=lead)
    import_shipments(store, data.encode(), "list.csv")
    first = shipments(store)[0]
    arr.set_arrival_state(store, int(first["id"]), "landed")
    arr.add_arrival_note(store, int(first["id"]), "truck booked")
    moved = data.replace("2020-02-06 01:00", "2020-02-06 03:15")
    summary = import_shipments(store, moved.encode(), "list-2.csv")
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 1)
    row = arr.get_arrival(store, int(first["id"]))
    assert (row["eta"], row["state"]) == ("2020-02-05T19:15:00+00:00", "landed")  # not undone
    assert "truck booked" in str(row["notes"])  # the officer's note stays
    update = arr.arrival_history(store, int(first["id"]))[0]
    assert json.loads(update["before"])["eta"] == "2020-02-05T17:00:00+00:00"


def test_xlsx_with_a_title_row_and_separate_date_and_time(store: Store) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姐妹城市捐赠物资到货表"])
    sheet.append(["编号", "航班号", "物资名称", "数量", "单位", "始发地", "到达日期", "抵达时间"])
    sheet.append(["S-1", "NH905", "口罩", 50000, "只", "Tokyo", datetime(2020, 2, 5), "01:00"])
    sheet.append(
        ["S-2", "NH905", "护目镜", "2千", "副", "Tokyo", datetime(2020, 2, 5, 7, 30), None]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    summary = import_arrivals(store, buffer.getvalue(), "到货.xlsx")  # kind by its columns
    assert (summary.kind, summary.added, summary.quarantined) == ("shipments", 2, 0)
    masks = arr.by_external_id(store, "shipments", "S-1")
    assert (masks["eta"], masks["quantity"], masks["unit"]) == (
        "2020-02-04T17:00:00+00:00",
        50000,
        "只",
    )
    assert masks["origin_tz"] == "Asia/Tokyo"  # the city names a zone (no country given)
    goggles = arr.by_external_id(store, "shipments", "S-2")
    assert (goggles["quantity"], goggles["eta"]) == (2000, "2020-02-04T23:30:00+00:00")


DECLARATIONS = "姓名,航班号,出发国家,抵达时间\nAma Owusu,ET684,Ghana,2099-01-01 10:00\n"
LEADS = "供应商,物资,数量,单价,认证\nColombo Medical,gloves,1000,0.8,CE\n"
REQUESTS = "单位,物资,数量,优先级,截止时间\n吉林大学,口罩,500,urgent,2020-02-06\n"


def test_the_kind_of_a_file_of_arrivals(store: Store) -> None:
    assert import_arrivals(store, DECLARATIONS.encode(), "d.csv").kind == "travellers"
    data = SHIPMENTS.format(lead="").encode()
    assert import_arrivals(store, data, "s.csv").kind == "shipments"
    with pytest.raises(WrongArrivalsKind, match=r"\(姓名\) are a travellers file, not shipments"):
        import_arrivals(store, DECLARATIONS.encode(), "d.csv", kind="shipments")
    with pytest.raises(WrongArrivalsKind, match="are a shipments file, not travellers") as error:
        import_arrivals(store, data, "s.csv", kind="travellers")
    assert "--kind shipments" in str(error.value) and "--force-kind" in str(error.value)
    forced = import_arrivals(store, data, "s.csv", kind="travellers", force_kind=True)
    assert forced.kind == "travellers" and forced.added == 0  # no names: all quarantined


def test_a_file_of_another_kind_is_refused_naming_it(store: Store) -> None:
    with pytest.raises(WrongArrivalsKind, match=r"\(供应商, 单价, 认证\) are a leads file") as e:
        import_arrivals(store, LEADS.encode(), "leads.csv")
    assert "dutyboard ingest --kind leads" in str(e.value)
    with pytest.raises(WrongArrivalsKind, match="are a requests file, not shipments"):
        import_arrivals(store, REQUESTS.encode(), "needs.csv", kind="shipments")
    assert store._one("SELECT count(*) AS n FROM ingest_runs") == {"n": 0}  # nothing written
    with pytest.raises(UnreadableFile, match="vCard file, not a list of arrivals"):
        import_arrivals(
            store, (INTEROP / "vcard" / "vcard40_full.vcf").read_bytes(), "vcard40_full.vcf"
        )


def test_a_lead_named_in_the_file_but_not_found_is_a_warning(store: Store) -> None:
    data = "运单号,物资,预计到达时间,线索\nCZ8421,口罩,2020-02-06 01:00,Nobody Ltd\n"
    summary = import_shipments(store, data.encode(), "s.csv")
    assert summary.added == 1 and summary.quarantined == 0
    assert shipments(store)[0]["lead_id"] is None
    assert summary.warnings == [
        "row 2: no lead has the supplier 'Nobody Ltd'; the shipment is not linked to a lead"
    ]


SHIPMENT_HEADER = st.sampled_from(sorted({a for names in ALIASES.values() for a in names}))
VALUE = st.text(max_size=12) | st.sampled_from(
    [
        "CZ 8421",
        "1,900,000 pcs",
        "5万",
        "-3",
        "12x",
        "匈牙利",
        "2020-02-06 01:00",
        "待批",
        "#1",
        "\x1b[2J[b]x",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(SHIPMENT_HEADER, min_size=1, max_size=8),
    st.lists(st.lists(VALUE, max_size=8), max_size=5),
    st.sampled_from([None, "shipments", "travellers"]),
)
def test_any_list_ends_as_shipments_quarantine_or_one_refusal(
    store: Store, header: list[str], rows: list[list[str]], kind: str | None
) -> None:
    """Whatever the cells, a file ends as records, quarantined rows, or one refusal
    (``UnreadableFile``) — never another exception, never markup or escapes stored."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    try:
        summary = import_arrivals(store, buffer.getvalue().encode(), "s.csv", kind=kind)  # type: ignore[arg-type]
    except UnreadableFile:
        return
    assert summary.added + summary.updated + summary.unchanged <= len(rows)
    for row in store._all("SELECT reference, item, unit, origin_city FROM arrivals"):
        assert not any("\x1b" in str(value) for value in row.values())
