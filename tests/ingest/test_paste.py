"""Pasted chat messages (issue 22): one record or a 接龙 list, read by rules into records.

Through ``parse_bytes(..., fmt="text")`` (the importer's path), ``pastefmt.propose`` (the
paste box's) and ``dutyboard ingest --text`` on a real desk; hostile text and the
reader limits; ambiguous values refused with their reason; and the accuracy over
tests/ingest/paste_corpus.json against ROUND2's bar, computed by bench/paste_accuracy.py.
"""

from __future__ import annotations

import importlib.util
import io
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutyboard import cli
from dutyboard.domain.limits import Limits
from dutyboard.domain.values import parse_datetime
from dutyboard.ingest.limits import LimitExceeded
from dutyboard.ingest.parse import detect_format, parse_bytes
from dutyboard.ingest.pastefields import read_record
from dutyboard.ingest.pastefmt import MAX_RECORD_CHARS, NOTHING_ASKED, propose
from dutyboard.ingest.records import KINDS, Kind, ParseResult, UnreadableFile
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.store import Store
from tests.conftest import REPO

ZONE = "Asia/Shanghai"
# The morning the Hunan federation's list went round (Wednesday, 5 February 2020).
SENT = datetime(2020, 2, 5, 9, 12, tzinfo=ZoneInfo(ZONE))
JIELONG = """#接龙 物资需求
1. 长沙市一中 N95口罩 两千个 联系人王老师 13812345678
2. 岳阳县人民医院 防护服 500套 急 2月10日前
3. 株洲社区 消毒液 1万2千瓶
"""
LANKA = (
    "Supplier lead: Lanka Medical Supplies, Colombo. Surgical masks 50,000 pcs @ USD 0.12, "
    "can ship in 5 days. Contact Nimal +94 77 123 4567"
)


def parse(text: str, kind: Kind, **options: Any) -> ParseResult:
    options.setdefault("now", SENT)
    options.setdefault("default_zone", ZONE)
    return parse_bytes(text.encode("utf-8"), "message.txt", kind, fmt="text", **options)


def local(text: str) -> str:
    """A desk-local time as the store keeps it (UTC ISO)."""
    return parse_datetime(text, ZONE)


# ----------------------------------------------------------------------------- the issue


def test_the_jielong_list_of_the_issue() -> None:
    result = parse(JIELONG, "requests")
    assert result.format == "text"
    assert not result.problems
    first, second, third = result.rows
    assert first.fields == {
        "org": "长沙市一中",
        "requester": "王老师",
        "phone": "13812345678",
        "item": "N95口罩",
        "quantity": 2000,
        "unit": "个",
    }
    assert second.fields == {
        "org": "岳阳县人民医院",
        "item": "防护服",
        "quantity": 500,
        "unit": "套",
        "priority": "high",
        "due_by": local("2020-02-10"),
    }
    assert third.fields == {"org": "株洲社区", "item": "消毒液", "quantity": 12000, "unit": "瓶"}
    # Each record keeps its own lines as pasted; the heading is no record, and is said so.
    assert [row.raw for row in result.rows] == JIELONG.splitlines()[1:]
    assert [row.row_number for row in result.rows] == [2, 3, 4]
    assert any("line 1: read as the message's heading" in w for w in result.warnings)


def test_the_supplier_offer_of_the_issue() -> None:
    (row,) = parse(LANKA, "leads").rows
    assert row.fields == {
        "supplier": "Lanka Medical Supplies",
        "country": "LK",
        "contact_name": "Nimal",
        "phone": "+94 77 123 4567",
        "item": "Surgical masks",
        "quantity": 50000,
        "unit": "pcs",
        "unit_price": 0.12,
        "currency": "USD",
        "lead_time_days": 5,
        "notes": "Colombo",  # a lead has no city: the city stays visible in the notes
    }
    assert row.raw == LANKA


# ----------------------------------------------------------------------------- cutting


@pytest.mark.parametrize(
    "numbers",
    [
        ("1.", "2."),
        ("1、", "2、"),
        ("1)", "2)"),
        ("(1)", "(2)"),
        ("（1）", "（2）"),
        ("①", "②"),
        ("1️⃣", "2️⃣"),
        ("#1", "#2"),
        ("１．", "２．"),
    ],
)
def test_every_way_of_numbering_starts_a_record(numbers: tuple[str, str]) -> None:
    first, second = numbers
    text = f"{first} 长沙市一中 口罩 100只\n{second} 株洲社区 手套 200双\n"
    result = parse(text, "requests")
    assert [(r.fields["org"], r.fields["quantity"]) for r in result.rows] == [
        ("长沙市一中", 100),
        ("株洲社区", 200),
    ]


def test_continuation_lines_belong_to_their_item() -> None:
    text = (
        "① 株洲市第三医院\n   防护服 300套\n   联系人：黄院长 13975312345\n"
        "② 醴陵市中医院\n   消毒液 100瓶\n"
    )
    first, second = parse(text, "requests").rows
    assert first.fields["requester"] == "黄院长" and first.fields["item"] == "防护服"
    assert first.raw == "① 株洲市第三医院\n   防护服 300套\n   联系人：黄院长 13975312345"
    assert "requester" not in second.fields and second.fields["item"] == "消毒液"


def test_a_heading_and_a_signature_lend_what_they_name() -> None:
    text = (
        "Lahore Surgical Works (Pvt) Ltd, Pakistan – today's offer:\n"
        "1) Surgical masks 100,000 pcs, USD 0.08/pc\n"
        "2) Face shields 30,000 pcs, USD 0.45/pc\n"
        "\n"
        "Regards, Imran +92 42 3577 1234\n"
    )
    rows = parse(text, "leads").rows
    assert [r.fields["item"] for r in rows] == ["Surgical masks", "Face shields"]
    for row in rows:
        assert row.fields["supplier"] == "Lahore Surgical Works (Pvt) Ltd"
        assert row.fields["country"] == "PK"
        assert row.fields["contact_name"] == "Imran"
        assert row.fields["phone"] == "+92 42 3577 1234"


def test_one_line_naming_two_items_is_two_records() -> None:
    rows = parse("衡阳市中心医院 医用防护服200套 护目镜100副 张主任 0734-8123456", "requests").rows
    assert [(r.fields["item"], r.fields["quantity"], r.fields["unit"]) for r in rows] == [
        ("医用防护服", 200, "套"),
        ("护目镜", 100, "副"),
    ]
    assert {r.fields["org"] for r in rows} == {"衡阳市中心医院"}
    assert {r.fields["phone"] for r in rows} == {"0734-8123456"}


def test_blocks_and_lines_that_stand_alone_are_records() -> None:
    blocks = (
        "Ahmed Raza\nexport manager\n+92 300 6123456\n\n"
        "Fatima Malik – Karachi\nWhatsApp: +92 333 7654321\n"
    )
    first, second = parse(blocks, "contacts").rows
    assert first.fields["name"] == "Ahmed Raza" and first.fields["phone"] == "+92 300 6123456"
    assert second.fields["name"] == "Fatima Malik" and second.fields["city"] == "Karachi"
    lines = "纽约侨联 赵磊 +1 917 555 0188\n洛杉矶华人医师协会 刘医生 +1 213 555 0102\n"
    assert [r.fields["name"] for r in parse(lines, "contacts").rows] == ["赵磊", "刘医生"]


def test_a_message_of_several_paragraphs_is_one_record() -> None:
    text = (
        "Hi all, a lead from our Pakistan office:\n\n"
        "Pakistan Surgical Co., Sialkot – nitrile gloves 100,000 pairs, USD 0.09/pair.\n\n"
        "Contact: Mr. Ahmed Raza +92 300 6123456\n"
    )
    (row,) = parse(text, "leads").rows
    assert row.fields["supplier"] == "Pakistan Surgical Co."
    assert row.fields["contact_name"] == "Mr. Ahmed Raza"
    assert row.raw == text.rstrip("\n")


def test_a_chat_export_lends_each_message_its_sender() -> None:
    text = (
        "[06/02/2020, 08:45:12] 王医生: 重庆医科大学附属第一医院 呼吸机 10台 特急\n"
        "[06/02/2020, 08:47:30] 李主任: 万州区人民医院 防护服 800套\n"
    )
    first, second = parse(text, "requests").rows
    assert (first.fields["requester"], first.fields["priority"]) == ("王医生", "urgent")
    assert second.fields["requester"] == "李主任"


# ----------------------------------------------------------------------------- values


def test_chinese_numerals_and_multipliers_are_the_normaliser_s() -> None:
    text = (
        "1. 甲医院 口罩 两千个\n2. 乙医院 手套 1万2千双\n"
        "3. 丙医院 口罩 1.5万只\n4. 丁医院 消毒液 三百箱\n"
    )
    quantities = [(r.fields["quantity"], r.fields["unit"]) for r in parse(text, "requests").rows]
    assert quantities == [(2000, "个"), (12000, "双"), (15000, "只"), (300, "箱")]


def test_dates_without_a_year_are_read_near_the_message_s_day() -> None:
    december = datetime(2020, 12, 28, 10, tzinfo=ZoneInfo(ZONE))
    (row,) = parse("长沙市一中 口罩 100只 1月3日前", "requests", now=december).rows
    assert row.fields["due_by"] == local("2021-01-03")  # next year's January, not this one's
    (row,) = parse("长沙市一中 口罩 100只 12月20日前", "requests", now=december).rows
    assert row.fields["due_by"] == local("2020-12-20")  # eight days ago: a late request


@pytest.mark.parametrize(
    ("said", "due"),
    [
        ("明天下午5点前", "2020-02-06 17:00"),
        ("今天下午3点前", "2020-02-05 15:00"),
        ("本周五前", "2020-02-07"),
        ("下周一", "2020-02-10"),
        ("tomorrow before 10am", "2020-02-06 10:00"),
        ("by Friday", "2020-02-07"),
        ("within 24 hours", "2020-02-06 09:12"),
        ("24小时内", "2020-02-06 09:12"),
        ("deadline 15/2", "2020-02-15"),
        ("2020年2月12日", "2020-02-12"),
        ("Feb 10", "2020-02-10"),
    ],
)
def test_due_dates_as_chat_messages_write_them(said: str, due: str) -> None:
    (row,) = parse(f"长沙市一中 口罩 100只 {said}", "requests").rows
    assert row.fields["due_by"] == local(due)


def test_prices_currencies_and_lead_times() -> None:
    cases = [
        (
            "Medisafe Healthcare Pvt. Ltd. – 3-ply masks 2 lakh pcs, INR 8 per piece, "
            "dispatch within 7 days",
            (200000, 8, "INR", 7),
        ),
        (
            "Druk Pharmaceuticals Ltd, Thimphu, Bhutan – hand sanitizer 20,000 bottles, "
            "Nu 150 per bottle, ready stock",
            (20000, 150, "BTN", 0),
        ),
        (
            "泰国曼谷 Siam Latex Co., Ltd. 乳胶手套 50万双 每双0.6元人民币 两周交货",
            (500000, 0.6, "CNY", 14),
        ),
        (
            "Medi-Protect SAS, Paris – FFP2 masks 200k pcs, 1.20 EUR each, delivery 2-3 weeks",
            (200000, 1.2, "EUR", 21),
        ),
    ]
    for text, (quantity, price, currency, days) in cases:
        (row,) = parse(text, "leads").rows
        fields = row.fields
        got = (
            fields["quantity"],
            fields["unit_price"],
            fields["currency"],
            fields["lead_time_days"],
        )
        assert got == (quantity, price, currency, days), text


def test_a_lead_s_date_to_ship_is_its_lead_time_and_a_call_back_its_next_action() -> None:
    (row,) = parse(
        "Siam Latex Co., Ltd., Bangkok: latex gloves 500,000 pairs, ships by Feb 19", "leads"
    ).rows
    assert row.fields["lead_time_days"] == 14
    text = (
        "Lanka Rubber Gloves (Pvt) Ltd: latex gloves 200,000 pairs, "
        "they will reply with a quote tomorrow"
    )
    (row,) = parse(text, "leads").rows
    assert row.fields["next_action_at"] == local("2020-02-06")


def test_a_contact_s_place_zone_languages_and_hours() -> None:
    text = (
        "Ayesha Khan – Chinese Students Association, Lahore. WhatsApp +92 300 1234567, "
        "speaks English, Urdu and Chinese. Available 10am-6pm."
    )
    (row,) = parse(text, "contacts").rows
    assert row.fields == {
        "name": "Ayesha Khan",
        "org": "Chinese Students Association",
        "country": "PK",
        "city": "Lahore",
        "whatsapp": "+92 300 1234567",
        "languages": "English, Urdu, Chinese",
        "work_hours": "10:00-18:00",
        "tz": "Asia/Karachi",  # inferred by the normaliser, as for a file
    }
    (row,) = parse(
        "Dilani Fernando, Colombo. Mobile 0777 889 900. Time zone UTC+5:30.", "contacts"
    ).rows
    assert (row.fields["tz"], row.fields["phone"]) == ("Asia/Colombo", "0777 889 900")


def test_what_no_rule_places_is_kept_in_the_notes() -> None:
    (row,) = parse("株洲市荷塘区月塘街道 口罩 500个 越快越好 请送到社区服务站门口", "requests").rows
    assert row.fields["notes"] == "越快越好 请送到社区服务站门口"
    text = (
        "Karachi: Al-Noor Textile Mills – cotton masks 1 million pcs, MOQ 50,000 pcs, "
        "see www.alnoor.example"
    )
    (row,) = parse(text, "leads").rows
    assert "MOQ 50,000 pcs" in str(row.fields["notes"])
    assert "www.alnoor.example" in str(row.fields["notes"])
    assert row.fields["quantity"] == 1000000
    (row,) = parse(
        "吉隆坡 马来西亚中华总商会 秘书 黄美玲 电话 +60 3-2145 6789 手机 +60 12-888 9999",
        "contacts",
    ).rows
    assert row.fields["phone"] == "+60 3-2145 6789" and "+60 12-888 9999" in str(
        row.fields["notes"]
    )


# ----------------------------------------------------------------------------- no guessing


@pytest.mark.parametrize(
    ("kind", "text", "column", "reason"),
    [
        ("requests", "株洲市荷塘区月塘街道 口罩 几千个", "quantity", "is an estimate"),
        ("requests", "衡阳县卫生院 口罩 上万只", "quantity", "is an estimate"),
        ("requests", "湖南师范大学 外科口罩 5000-10000只", "quantity", "is a range"),
        (
            "requests",
            "Changchun Institute of Optics: 200 KN95 masks, needed by 3/4",
            "due_by",
            "is ambiguous",
        ),
        (
            "leads",
            "Royal Medicals: surgical masks 20,000 pcs Rs. 35 each",
            "unit_price",
            "not a currency",
        ),
        (
            "leads",
            "Al-Noor Textile Mills: masks 1 million pcs, USD 0.10-0.15",
            "unit_price",
            "more than one number",
        ),
    ],
)
def test_a_value_with_no_one_reading_is_quarantined_with_its_reason(
    kind: Kind, text: str, column: str, reason: str
) -> None:
    result = parse(text, kind)
    assert not result.rows
    (problem,) = result.problems
    assert problem.column == column and reason in problem.reason
    assert problem.raw == text  # the message as pasted, for the officer


def test_the_paste_box_proposes_the_rest_and_marks_what_to_settle() -> None:
    proposal = propose("株洲市荷塘区月塘街道 口罩 几千个 3/4前", "requests", zone=ZONE, now=SENT)
    (record,) = proposal.records
    assert record.fields == {"org": "株洲市荷塘区月塘街道", "item": "口罩"}
    assert set(record.unsettled) == {"quantity", "due_by"}
    assert record.unsettled["quantity"][0] == "几千个"
    assert "estimate" in record.unsettled["quantity"][1]
    assert "ambiguous" in record.unsettled["due_by"][1]
    assert not record.missing and not record.ready
    (korean,) = propose(
        "韩国首尔 KF94口罩 10万只 联系人 金先生", "leads", zone=ZONE, now=SENT
    ).records
    assert korean.missing == ("supplier",)
    assert korean.fields["quantity"] == 100000 and korean.fields["country"] == "KR"
    (ready,) = propose(LANKA, "leads", zone=ZONE, now=SENT).records
    assert ready.ready and ready.written["quantity"] == "50,000 pcs"


@pytest.mark.parametrize(
    "text",
    ["好的，收到，谢谢！", "ok thanks, will call tomorrow", "收到 马上联系 13812345678"],
)
def test_small_talk_opens_no_form(text: str) -> None:
    """A message that asks for nothing (no item, no quantity) is no record to fill in:
    the paste box says so instead of opening a form with its words as a unit's name."""
    for kind in ("requests", "leads"):
        (record,) = propose(text, kind, zone=ZONE, now=SENT).records
        assert record.problem == NOTHING_ASKED and not record.fields and not record.ready


def test_small_talk_in_a_list_leaves_the_records_around_it() -> None:
    text = "1. 长春一中 口罩500个\n2. 谢谢大家\n3. 吉林大学 手套 200副"
    records = propose(text, "requests", zone=ZONE, now=SENT).records
    assert [r.problem for r in records] == [None, NOTHING_ASKED, None]
    assert [r.fields.get("item") for r in records] == ["口罩", None, "手套"]


def test_a_required_field_missing_is_quarantined_by_the_importer() -> None:
    result = parse("韩国首尔 KF94口罩 10万只 联系人 金先生 +82 10-1234-5678", "leads")
    (problem,) = result.problems
    assert problem.column is None and "missing required field supplier" in problem.reason


# ----------------------------------------------------------------------------- formats


def test_a_txt_file_is_a_message_unless_it_reads_as_a_table() -> None:
    assert detect_format("paste.txt", JIELONG.encode()) == "text"
    assert detect_format("export.txt", b"org\titem\nA\tmasks\n") == "tsv"
    assert detect_format("export.txt", "单位,物资,数量\n一中,口罩,100\n".encode()) == "csv"
    assert detect_format("feed.txt", b'{"org": "A"}\n{"org": "B"}\n') == "jsonl"
    # Never sniffed from another name: a .csv holding a message is read as CSV.
    assert detect_format("units.csv", JIELONG.encode()) == "csv"
    assert detect_format("message", JIELONG.encode()) == "csv"


def test_a_message_is_read_as_the_kind_asked_never_refused_as_another_kind() -> None:
    # A request-like message asked for as leads: its unit is read as the supplier.
    (row,) = parse("岳阳县人民医院 防护服 500套 急 2月10日前", "leads").rows
    assert row.fields["supplier"] == "岳阳县人民医院"


# ----------------------------------------------------------------------------- hostile


HOSTILE_MESSAGE = (
    "1. \x1b]52;c;ZXZpbA==\x07\x1b[2J长沙市一中\u202e N95口罩 [bold]100个[/bold]"
    " 联系人王老师 [@click=app.quit]x[/] 13812345678\u200b\n"
    "2. 株洲社区\x00 消毒液 20瓶 Z\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\n"
)


def test_hostile_text_is_cleaned_in_every_field_and_kept_whole_in_raw() -> None:
    result = parse(HOSTILE_MESSAGE, "requests")
    first, second = result.rows
    for row in result.rows:
        for value in row.fields.values():
            if isinstance(value, str):
                assert not any(ch in value for ch in "\x1b\x07\x00\u202e\u200b"), value
                assert "ZXZpbA" not in value  # an OSC 52 payload goes with its sequence
    assert first.fields["org"] == "长沙市一中"
    assert first.fields["phone"] == "13812345678"
    assert "click=app.quit" in str(first.fields["notes"])  # text, rendered safely by the UI
    assert first.raw == HOSTILE_MESSAGE.splitlines()[0]  # the audit copy, verbatim
    marks = sum(1 for ch in str(second.fields["notes"]) if "\u0300" <= ch <= "\u036f")
    assert marks <= 4


PIECES = [
    "1.", "①", "\n", "\n\n", "：", "口罩", "万", "几", "千", "月", "日", "前", "急", "+94 ", "138",
    "USD ", "元/只", "Ltd", "联系人", "Mr. ", "\x1b[2J", "\u202e", "#接龙", "[bold]", "3/4", " pcs",
    "Contact ", "1234567", ", ", " ",
]  # fmt: skip
TEXT = st.lists(
    st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(PIECES)), max_size=40
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, max_size=8), st.sampled_from(KINDS), st.sampled_from(["utf-8", "gb18030"]))
def test_arbitrary_messages(lines: list[str], kind: Kind, encoding: str) -> None:
    """Whatever is pasted ends as records or problems, never an exception; every cell clean."""
    text = "\n".join(lines)
    try:
        result = parse_bytes(text.encode(encoding, "replace"), "m.txt", kind, fmt="text", now=SENT)
    except UnreadableFile:
        return
    for row in result.rows:
        for value in row.fields.values():
            if isinstance(value, str):
                assert "\x1b" not in value and "\x00" not in value
    for problem in result.problems:
        assert "internal error" not in problem.reason, problem
    if encoding == "utf-8":  # the same text: the paste box proposes what the importer took
        proposal = propose(text, kind, now=SENT)
        assert len([r for r in proposal.records if r.ready]) == len(result.rows)


# ----------------------------------------------------------------------------- limits


def test_a_message_of_100k_lines_stops_at_the_row_limit() -> None:
    text = "".join(f"{n}. 长沙市一中 口罩 {n}个\n" for n in range(1, 100_001))
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        parse(text, "requests", limits=Limits(max_rows=1_000))
    assert caught.value.key == "max_rows"
    assert time.monotonic() - started < 10


def test_a_message_of_100k_lines_stops_at_the_time_limit() -> None:
    text = "长沙市一中 N95口罩 100个 联系人王老师 13812345678\n\n" * 50_000
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        parse(text, "requests", limits=Limits(max_seconds=0.5))
    assert caught.value.key == "max_seconds"
    assert time.monotonic() - started < 5


def test_a_10_mb_message_on_one_line() -> None:
    text = "口罩两千个" * 2_000_000  # 10,000,000 characters, 30 MB of UTF-8
    with pytest.raises(LimitExceeded) as caught:
        parse(text, "requests", limits=Limits(max_line_chars=1_000_000))
    assert caught.value.key == "max_line_chars"
    # Within the limits it is no chat record: quarantined whole, unread, nothing lost.
    started = time.monotonic()
    result = parse(text, "requests")
    assert time.monotonic() - started < 10
    (problem,) = result.problems
    assert f"{len(text):,} characters long" in problem.reason and len(problem.raw) == len(text)


@pytest.mark.parametrize(
    "unit",
    [
        "1",
        " x ",
        "口罩",
        "Mr. ",
        ". ",
        "万",
        "1万",
        "(",
        "Abc ",
        "+9 ",
        "1/1/",
        "a@b.",
        "CE ",
        "测",
        "a",
    ],
)
def test_no_record_text_costs_more_than_linear_time(unit: str) -> None:
    """The longest record read (MAX_RECORD_CHARS) of text made to trip a pattern
    ("1111…", a thousand spaces, "Mr. Mr. …") is read in well under a second here."""
    text = (unit * MAX_RECORD_CHARS)[:MAX_RECORD_CHARS]
    for kind in KINDS:
        started = time.monotonic()
        read_record(text, kind, SENT)
        assert time.monotonic() - started < 5, (unit, kind)


# ----------------------------------------------------------------------------- the desk


def test_a_pasted_message_lands_in_the_store(store: Store) -> None:
    summary = ingest_bytes(
        store, JIELONG.encode(), "paste.txt", kind="requests", source="paste", zone=ZONE, fmt="text"
    )
    assert (summary.added, summary.quarantined, summary.format) == (3, 0, "text")
    rows = [
        dict(r) for r in store.conn.execute("SELECT org, quantity, raw FROM requests ORDER BY id")
    ]
    assert [(r["org"], r["quantity"]) for r in rows] == [
        ("长沙市一中", 2000),
        ("岳阳县人民医院", 500),
        ("株洲社区", 12000),
    ]
    assert rows[0]["raw"] == "1. 长沙市一中 N95口罩 两千个 联系人王老师 13812345678"
    again = ingest_bytes(
        store, JIELONG.encode(), "paste.txt", kind="requests", source="paste", zone=ZONE, fmt="text"
    )
    assert (again.added, again.unchanged) == (0, 3)  # pasted twice, entered once


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("DUTYBOARD_CONFIG", "DUTYBOARD_DB", "DUTYBOARD_USER", "DUTYBOARD_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "config.toml"
    config.write_text('[desk]\ntimezone = "Asia/Shanghai"\n', encoding="utf-8")
    return tmp_path


def dutyboard(desk: Path, *args: str) -> int:
    db = str(desk / "duty.db")
    return cli.main(["--db", db, "--create", "--config", str(desk / "config.toml"), *args])


def query(desk: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(desk / "duty.db")
    try:
        return [tuple(row) for row in conn.execute(sql)]
    finally:
        conn.close()


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False


def test_ingest_text_file(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = desk / "leads.txt"
    message.write_text(LANKA + "\n", encoding="utf-8")
    assert dutyboard(desk, "ingest", "--kind", "leads", "--text", str(message)) == 0
    assert capsys.readouterr().out == f"{message}: 1 new, 0 updated, 0 unchanged, 0 quarantined\n"
    assert query(
        desk, "SELECT supplier, country, unit_price, currency, lead_time_days FROM leads"
    ) == [("Lanka Medical Supplies", "LK", 0.12, "USD", 5)]
    assert query(desk, "SELECT format, location FROM ingest_runs") == [
        ("text", str(message.resolve()))
    ]


def test_ingest_text_from_standard_input(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    message = "Royal Medicals: surgical masks 20,000 pcs Rs. 35 each\n" + LANKA
    monkeypatch.setattr(sys, "stdin", _Stdin(message.encode("utf-8")))
    assert dutyboard(desk, "ingest", "--kind", "leads", "--text", "-") == 1
    captured = capsys.readouterr()
    assert captured.out == "standard input: 1 new, 0 updated, 0 unchanged, 1 quarantined\n"
    assert "unit_price 'Rs. 35 each' is not a currency I know" in captured.err
    ((location, column, original),) = query(
        desk, "SELECT location, column_name, original FROM quarantine"
    )
    assert (location, column) == ("standard input", "unit_price")
    assert original == "Royal Medicals: surgical masks 20,000 pcs Rs. 35 each"
    # Kept under a .txt name: a retry reads it as a message again.
    assert query(desk, "SELECT name FROM original_files") == [("standard input.txt",)]
    assert query(desk, "SELECT format FROM ingest_runs") == [("text",)]


def test_ingest_text_says_it_in_chinese(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(JIELONG.encode("utf-8")))
    assert dutyboard(desk, "--lang", "zh_CN", "ingest", "--kind", "requests", "--text", "-") == 0
    assert capsys.readouterr().out.startswith("标准输入: 新增 3 条")
    assert dutyboard(desk, "--lang", "zh_CN", "ingest", "--kind", "requests") == 2
    assert "请给出要导入的 FILE" in capsys.readouterr().err


def test_ingest_text_from_a_pipe_in_a_process(desk: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYBOARD_")}
    env.update(HOME=str(desk), XDG_CONFIG_HOME=str(desk / "xdg"), PYTHONPATH=str(REPO))
    command = [
        sys.executable, "-m", "dutyboard", "--db", str(desk / "duty.db"), "--create",
        "--config", str(desk / "config.toml"), "ingest", "--kind", "requests", "--text", "-",
    ]  # fmt: skip
    done = subprocess.run(
        command, input=JIELONG.encode("gb18030"), capture_output=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"standard input: 3 new" in done.stdout
    assert query(desk, "SELECT org FROM requests ORDER BY id") == [
        ("长沙市一中",),
        ("岳阳县人民医院",),
        ("株洲社区",),
    ]


# ----------------------------------------------------------------------------- accuracy


def load_bench() -> ModuleType:
    path = REPO / "bench" / "paste_accuracy.py"
    spec = importlib.util.spec_from_file_location("bench_paste_accuracy", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_big_and_varied_enough() -> None:
    corpus = load_bench().load_corpus()
    messages = corpus["messages"]
    assert len(messages) >= 70
    kinds = {kind: sum(m["kind"] == kind for m in messages) for kind in KINDS}
    assert min(kinds.values()) >= 20, kinds
    texts = [m["text"] for m in messages]
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts) >= 30  # Chinese
    assert sum(t.isascii() for t in texts) >= 20  # English
    assert any("\uff10" <= ch <= "\uff19" for t in texts for ch in t)  # full-width digits
    assert any(ord(ch) > 0x1F000 for t in texts for ch in t)  # emoji


def test_accuracy_over_the_corpus_meets_the_bar() -> None:
    """ROUND2: ≥ 95% of records found, ≥ 90% of fields right — overall and per kind."""
    bench = load_bench()
    tallies = bench.score(bench.load_corpus())
    for kind, tally in tallies.items():
        misses = "\n".join(tally.misses)
        assert tally.found_share >= 0.95, (
            f"{kind}: {tally.records_found}/{tally.records_expected}\n{misses}"
        )
        assert tally.right_share >= 0.90, (
            f"{kind}: {tally.fields_right}/{tally.fields_expected}\n{misses}"
        )


def test_the_importer_and_the_paste_box_read_the_same_records() -> None:
    corpus = load_bench().load_corpus()
    for message in corpus["messages"]:
        sent = datetime.fromisoformat(message["sent"]).astimezone(UTC)
        result = parse(message["text"], message["kind"], now=sent, default_zone=corpus["zone"])
        proposal = propose(message["text"], message["kind"], zone=corpus["zone"], now=sent)
        assert len(result.rows) + len(result.problems) == len(proposal.records), message["id"]
        ready = [record.fields for record in proposal.records if record.ready]
        assert ready == [row.fields for row in result.rows], message["id"]
