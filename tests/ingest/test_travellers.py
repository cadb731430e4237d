"""Traveller declarations: CSV/xlsx/JSON exports in, idempotent arrivals out."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any, cast

import pytest
from openpyxl import Workbook

from dutyboard.ingest.records import UnreadableFile
from dutyboard.ingest.travellers import import_travellers, parse_travellers
from dutyboard.store import Store
from dutyboard.store import arrivals as arr

DECLARATIONS = """\
姓名,航班号,出发国家,出发城市,抵达时间,目的地,抵达后安排,联系方式,护照号
李明,ca 934,法国,巴黎,2020-02-05 14:30,长春龙嘉机场,居家隔离,13800000000,E1234
John Smith,UA 888,美国,Seattle,2020/2/5 9:00,PVG,hotel quarantine,+1 206 555 0100,X9
Ama Owusu,ET 684,Ghana,Accra,2020-02-05 21:00,长春,"university shuttle",+233 20 555 0199,
,,,,,,,,
Nobody Time,CA 1,Japan,Tokyo,soon,长春,,,
"""


def travellers(store: Store) -> list[dict[str, Any]]:
    return store._all("SELECT * FROM arrivals WHERE kind = 'traveller' ORDER BY id")


def test_fields_from_chinese_headers(store: Store) -> None:
    parsed = parse_travellers(DECLARATIONS.encode(), "declarations.csv")
    assert parsed.format == "csv"
    first = parsed.rows[0].fields
    assert first == {
        "traveller": "李明",
        "reference": "CA934",
        "origin_country": "FR",
        "origin_city": "巴黎",
        "eta": "2020-02-05T06:30:00+00:00",  # naive times are desk time (Asia/Shanghai)
        "destination": "长春龙嘉机场",
        "arrangement": "居家隔离",
        "contact": "13800000000",
    }
    assert parsed.rows[0].extra == {"护照号": "E1234"}  # kept, not lost
    assert [p.reason for p in parsed.problems] == [
        "arrival time 'soon' is not a date and time I can read"
    ]


def test_the_same_file_twice_adds_nothing(store: Store) -> None:
    first = import_travellers(store, DECLARATIONS.encode(), "declarations.csv")
    assert (first.added, first.updated, first.unchanged, first.quarantined) == (3, 0, 0, 1)
    rows = travellers(store)
    assert {r["origin_tz"] for r in rows} == {"Europe/Paris", "America/Los_Angeles", "Africa/Accra"}
    events = store._one("SELECT count(*) AS n FROM events")
    again = import_travellers(store, DECLARATIONS.encode(), "declarations.csv")
    assert (again.added, again.updated, again.unchanged, again.quarantined) == (0, 0, 3, 1)
    assert travellers(store) == rows
    assert store._one("SELECT count(*) AS n FROM events") == events
    assert store._one("SELECT count(*) AS n FROM quarantine") == {"n": 1}  # not twice
    assert cast(dict[str, Any], store._one("SELECT reason FROM quarantine"))["reason"].startswith(
        "arrival time 'soon'"
    )


def test_a_changed_eta_updates_the_traveller_and_logs_the_old_one(store: Store) -> None:
    import_travellers(store, DECLARATIONS.encode(), "declarations.csv")
    moved = DECLARATIONS.replace("2020-02-05 14:30", "2020-02-05 19:45")
    summary = import_travellers(store, moved.encode(), "export-2.csv")
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 2)
    row = arr.by_external_id(store, "declarations", travellers(store)[0]["external_id"])
    assert (row["eta"], row["state"]) == ("2020-02-05T11:45:00+00:00", "delayed")
    update = arr.arrival_history(store, row["id"])[0]
    assert update["action"] == "update"
    assert json.loads(update["before"])["eta"] == "2020-02-05T06:30:00+00:00"
    assert json.loads(update["after"])["eta"] == "2020-02-05T11:45:00+00:00"


def test_an_officer_s_state_is_not_undone_by_a_reimport(store: Store) -> None:
    import_travellers(store, DECLARATIONS.encode(), "declarations.csv")
    first = travellers(store)[0]
    arr.set_arrival_state(store, int(first["id"]), "met")
    moved = DECLARATIONS.replace("居家隔离", "集中隔离")
    assert import_travellers(store, moved.encode(), "d.csv").updated == 1
    row = travellers(store)[0]
    assert (row["state"], row["arrangement"]) == ("met", "集中隔离")


def test_json_export_with_its_own_ids(store: Store) -> None:
    document: dict[str, Any] = {
        "count": 2,
        "results": [
            {
                "_uuid": "a1",
                "traveller/name": "Maria [bold]Rossi[/bold]\x1b[2J",
                "traveller/flight": "CA968",
                "traveller/country": "Italy",
                "traveller/city": "Milan",
                "traveller/eta": "2020-02-05T10:00:00+01:00",
                "traveller/phone": "+39 347 555 0192",
                "traveller/wechat": "maria_r",
            },
            {"_uuid": "a2", "traveller/name": "Kenji Sato", "traveller/eta": "2020-02-05 23:00"},
        ],
    }
    data = json.dumps(document, ensure_ascii=False).encode()
    summary = import_travellers(store, data, "kobo.json", source="kobo-declarations")
    assert summary.added == 2
    row = arr.by_external_id(store, "kobo-declarations", "a1")
    assert row["traveller"] == "Maria [bold]Rossi[/bold]"  # escape stripped, brackets kept
    assert row["contact"] == "+39 347 555 0192 · maria_r"
    assert (row["eta"], row["origin_tz"]) == ("2020-02-05T09:00:00+00:00", "Europe/Rome")
    document["results"][1]["traveller/eta"] = "2020-02-06 01:00"
    again = import_travellers(
        store, json.dumps(document).encode(), "kobo.json", source="kobo-declarations"
    )
    assert (again.added, again.updated, again.unchanged) == (0, 1, 1)


def test_xlsx_with_separate_date_and_time_columns(store: Store) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["留学生返乡申报表"])  # a title row above the header
    sheet.append(["编号", "姓名", "航班", "所在国家", "抵达日期", "抵达时间", "备注"])
    sheet.append(["D-1", "王芳", "SU204", "俄罗斯", datetime(2020, 2, 5), "07:15", "带两件行李"])
    sheet.append(["D-2", "赵强", "EK308", "阿联酋", datetime(2020, 2, 5, 22, 40), None, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    summary = import_travellers(store, buffer.getvalue(), "申报.xlsx")
    assert (summary.added, summary.quarantined) == (2, 0)
    wang = arr.by_external_id(store, "declarations", "D-1")
    assert (wang["eta"], wang["origin_country"], wang["notes"]) == (
        "2020-02-04T23:15:00+00:00",
        "RU",
        "带两件行李",
    )
    assert wang["origin_tz"] is None  # Russia has many zones and no city was given
    assert arr.by_external_id(store, "declarations", "D-2")["eta"] == "2020-02-05T14:40:00+00:00"


def test_gbk_csv_and_a_repeated_traveller(store: Store) -> None:
    text = (
        "姓名,航班号,国家,抵达时间,联系电话\n"
        "刘洋,CA982,美国,2020-02-05 08:00,139\n"
        "刘洋,CA982,美国,2020-02-05 09:00,139\n"
    )
    parsed = parse_travellers(text.encode("gbk"), "gbk.csv")
    assert len(parsed.rows) == 1 and parsed.rows[0].fields["eta"] == "2020-02-05T01:00:00+00:00"
    assert any("the later row is used" in w for w in parsed.warnings)


def test_not_a_declaration_export(store: Store) -> None:
    with pytest.raises(UnreadableFile, match="vCard"):
        parse_travellers(b"BEGIN:VCARD\nFN:X\nEND:VCARD\n", "x.vcf")
    empty = parse_travellers(b"name,flight\n", "empty.csv")
    assert empty.rows == [] and "holds no travellers" in empty.warnings[-1]
    nameless = parse_travellers(b"flight,eta\nCA1,2020-02-05 10:00\n", "n.csv")
    assert nameless.problems[0].reason == "row 2 has no traveller name"
