"""Hostile input never escapes as anything but a ParseResult or UnreadableFile."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutyboard.ingest.parse import parse_bytes
from dutyboard.ingest.records import KINDS, Kind, ParseResult, UnreadableFile

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(["a.csv", "a.tsv", "a.json", "a.jsonl", "a.vcf", "a.xlsx", "a", "a.txt"])
KIND = st.sampled_from(KINDS)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
HEADERS = [
    "单位", "物资", "数量", "截止时间", "优先级", "国家", "时区", "单价", "货期", "供应商",
    "姓名", "邮箱", "工作时间", "kind", "_uuid", "_submission_time", "#org", "币种",
]  # fmt: skip


def _check(data: bytes, name: str, kind: Kind) -> None:
    try:
        result = parse_bytes(data, name, kind)
    except UnreadableFile as error:
        assert str(error)
        return
    assert isinstance(result, ParseResult)
    for row in result.rows:
        for value in (*row.fields.values(), *row.extra.values(), *row.extra.keys()):
            if isinstance(value, str):
                assert "\x1b" not in value and "\x00" not in value
    for problem in result.problems:
        assert "internal error" not in problem.reason, problem


@FUZZ
@given(st.binary(max_size=400), NAMES, KIND)
def test_arbitrary_bytes(data: bytes, name: str, kind: Kind) -> None:
    _check(data, name, kind)


@FUZZ
@given(
    st.lists(st.lists(TEXT, max_size=8), max_size=8),
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    KIND,
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "gb18030", "utf-16"]),
)
def test_arbitrary_text_as_csv(
    rows: list[list[str]], header: list[str], kind: Kind, delimiter: str, encoding: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    _check(data, "x.csv", kind)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(HEADERS) | TEXT, children, max_size=6)
    ),
    max_leaves=25,
)


@FUZZ
@given(JSON_VALUES, KIND, st.sampled_from(["a.json", "a.jsonl", "a"]))
def test_arbitrary_json(document: object, kind: Kind, name: str) -> None:
    if name == "a.jsonl" and isinstance(document, list):
        data = "\n".join(json.dumps(item, ensure_ascii=False) for item in document).encode()
    else:
        data = json.dumps({"results": document} if name == "a" else document).encode()
    _check(data, name, kind)


VCARD_LINES = st.sampled_from(
    [
        "BEGIN:VCARD", "END:VCARD", "VERSION:4.0", "VERSION:3.0", "FN:x", "N:a;b",
        "TZ:-05:00", "TZ:bad", "ADR:;;a;b;c;d;China", "TEL:1", "KIND:group", "EMAIL:a@b",
        "ORG:a;b", " folded", "garbage", ":", "X-A;B=:c", "UID:1", "LANG:en",
        "IMPP:weixin:abc", "CATEGORIES:a,b", "FN;LANGUAGE=ja:y", "FN:\x1b]0;t\x07z",
    ]
)  # fmt: skip


@FUZZ
@given(st.lists(VCARD_LINES, max_size=16), TEXT)
def test_arbitrary_vcards(lines: list[str], junk: str) -> None:
    _check(("\r\n".join(lines) + junk).encode(), "a.vcf", "contacts")
