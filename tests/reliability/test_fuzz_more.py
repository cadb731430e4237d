"""Parser fuzzing for the formats tests/ingest/test_fuzz.py does not shape inputs for.

test_fuzz.py throws arbitrary bytes at every parser and shapes CSV/TSV, JSON/JSONL (and
KoBo through ``{"results": …}``) and vCard inputs. Here: real xlsx workbooks (and
damaged ones), KoBo and ODK documents and CSV exports, HXL (tag rows in CSV and JSON),
traveller declarations (CSV, JSON, xlsx, arbitrary bytes), and the store end: whatever
comes in ends as records or quarantine entries, never an exception. Every generator mixes
in a hostile corpus (markup, escape sequences, C1, bidi, zero-width, NUL).

Bounded: 40–60 examples per test (5x with ``DUTYBOARD_SLOW=1``).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from dutyboard.domain.text import MAX_FIELD_CHARS
from dutyboard.ingest.aliases import HXL_TAGS
from dutyboard.ingest.parse import FORMATS, parse_bytes
from dutyboard.ingest.records import KINDS, Kind, ParseResult, UnreadableFile
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.ingest.travellers import ALIASES, TravellerParse, parse_travellers
from dutyboard.store import Store
from tests.reliability.conftest import scaled


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=scaled(examples, examples * 5),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=False,
    )


HOSTILE = [
    "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07clip",  # OSC 52: write the clipboard
    "\x1b]0;PWNED\x07title",  # OSC 0: window title
    "\x1b[2J\x1b[Hwipe",  # CSI: clear the screen
    "\x9b31mc1",  # 8-bit CSI
    "[@click=app.quit]click[/]",
    "[link=https://evil.example]link[/link]",
    "[bold red]markup[/]",
    "bidi \u202eevil\u202c zero\u200bwidth\ufeff",
    "nul\x00byte del\x7f bell\x07 \x85nel",
    '=HYPERLINK("https://evil.example")',
    "2020-02-30 25:61",
    "-1e309",
    "口罩\r\n第二行",
]
# What the sanitiser removes: no parsed value may still hold one.
FORBIDDEN = frozenset(
    [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)]
    + ["\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=24) | st.sampled_from(HOSTILE)
KIND = st.sampled_from(KINDS)
HEADERS = [
    "单位", "单位名称", "物资", "物资名称", "数量", "单位（个）", "截止时间", "优先级", "备注",
    "国家", "时区", "单价", "币种", "货期", "供应商", "姓名", "电话", "邮箱", "工作时间",
    "org", "item", "quantity", "due", "supplier", "name", "email", "id", "kind",
]  # fmt: skip
HEADER = st.sampled_from(HEADERS) | TEXT
SCALAR = (
    TEXT
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HEADER, inner, max_size=4),
    max_leaves=12,
)


def assert_clean(value: object, where: str) -> None:
    if isinstance(value, str):
        bad = FORBIDDEN.intersection(value)
        assert not bad, f"{where}: {sorted(map(hex, map(ord, bad)))} in {value[:80]!r}"
        assert len(value) <= MAX_FIELD_CHARS, f"{where}: {len(value)} characters"


def check_result(result: ParseResult | TravellerParse) -> None:
    """Rows are clean (the raw copy is kept as it came); problems say something."""
    for row in result.rows:
        for key, value in (*row.fields.items(), *row.extra.items()):
            assert_clean(key, "field name")
            assert_clean(value, f"field {key!r}")
        assert isinstance(row.raw, str)
    for problem in result.problems:
        assert problem.reason.strip()
        assert "internal error" not in problem.reason, problem
        assert isinstance(problem.raw, str)
    for warning in result.warnings:
        assert_clean(warning.replace("\n", " "), "warning")


def parse(data: bytes, name: str, kind: Kind, fmt: str | None = None) -> None:
    try:
        result = parse_bytes(data, name, kind, fmt=fmt, default_zone="Asia/Shanghai")
    except UnreadableFile as error:
        assert str(error).strip() and "\n" not in str(error)
        return
    check_result(result)


def travellers(data: bytes, name: str, fmt: str | None = None) -> None:
    try:
        result = parse_travellers(data, name, fmt=fmt)
    except UnreadableFile as error:
        assert str(error).strip()
        return
    check_result(result)


def csv_bytes(rows: list[list[Any]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerows(rows)
    try:
        return buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        # Control characters cannot be stored in an xlsx cell at all (XML forbids them).
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CELL = SCALAR | st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2100, 1, 1))
GRID = st.lists(st.lists(CELL, max_size=7), max_size=6)

# -- every format has a fuzz test ------------------------------------------------------------

# format → where its inputs are shaped (tests/ingest/test_fuzz.py or this file).
COVERED = {
    "csv": "test_fuzz.py::test_arbitrary_text_as_csv",
    "tsv": "test_fuzz.py::test_arbitrary_text_as_csv (tab)",
    "json": "test_fuzz.py::test_arbitrary_json",
    "jsonl": "test_fuzz.py::test_arbitrary_json",
    "vcard": "test_fuzz.py::test_arbitrary_vcards",
    "xlsx": "test_xlsx_workbooks, test_damaged_xlsx",
    "kobo": "test_kobo_documents_and_exports",
    "odk": "test_odk_documents_and_exports",
    "hxl": "test_hxl_tag_rows",
    "text": "tests/ingest/test_paste.py::test_arbitrary_messages",
}


def test_every_format_parser_is_fuzzed() -> None:
    assert set(FORMATS) == set(COVERED), set(FORMATS) ^ set(COVERED)


# -- xlsx ----------------------------------------------------------------------------------


@fuzz(40)
@given(st.lists(HEADER, min_size=1, max_size=7), GRID, KIND)
def test_xlsx_workbooks(header: list[str], grid: list[list[Any]], kind: Kind) -> None:
    parse(xlsx_bytes([header, *grid]), "a.xlsx", kind)


_VALID_XLSX = xlsx_bytes([["单位", "物资", "数量"], ["第1单位", "口罩", 100]])


@fuzz(40)
@given(
    st.lists(st.tuples(st.integers(0, len(_VALID_XLSX) - 1), st.integers(0, 255)), max_size=12),
    st.integers(0, len(_VALID_XLSX)),
    KIND,
)
def test_damaged_xlsx(flips: list[tuple[int, int]], cut: int, kind: Kind) -> None:
    data = bytearray(_VALID_XLSX[: max(cut, 4)])
    for index, byte in flips:
        if index < len(data):
            data[index] = byte
    parse(bytes(data), "a.xlsx", kind)
    parse(bytes(data), "upload", kind, fmt="xlsx")


# -- KoBo and ODK ----------------------------------------------------------------------------

SUBMISSION = st.dictionaries(
    st.sampled_from(["group/单位", "group/物资", "数量", "org", "item", "quantity"]) | HEADER,
    JSON_VALUE,
    max_size=6,
)


@fuzz(50)
@given(
    st.lists(
        st.tuples(SUBMISSION, TEXT, st.integers(), TEXT | st.just("2020-02-05T03:00:00")),
        max_size=5,
    ),
    st.none() | TEXT,
    st.lists(st.lists(TEXT, max_size=6), max_size=5),
    KIND,
)
def test_kobo_documents_and_exports(
    submissions: list[tuple[dict[str, Any], str, int, str]],
    next_page: str | None,
    csv_rows: list[list[str]],
    kind: Kind,
) -> None:
    results = [
        {**fields, "_uuid": uuid, "_id": number, "_submission_time": at}
        for fields, uuid, number, at in submissions
    ]
    document = {"count": len(results), "next": next_page, "results": results}
    data = json.dumps(document, ensure_ascii=False).encode()
    parse(data, "kobo.json", kind)
    parse(data, "feed", kind, fmt="kobo")
    header = ["_uuid", "_submission_time", "_id", "单位", "物资", "数量"]
    parse(csv_bytes([header, *csv_rows], delimiter=";"), "kobo.csv", kind)


@fuzz(50)
@given(
    st.lists(st.tuples(SUBMISSION, TEXT, TEXT, JSON_VALUE), max_size=5),
    st.lists(st.lists(TEXT, max_size=6), max_size=5),
    KIND,
)
def test_odk_documents_and_exports(
    submissions: list[tuple[dict[str, Any], str, str, Any]],
    csv_rows: list[list[str]],
    kind: Kind,
) -> None:
    value = [
        {**fields, "__id": uuid, "__system": {"submissionDate": at, "submitterName": who}}
        for fields, uuid, at, who in submissions
    ]
    document = {"@odata.context": "https://central.example/v1", "value": value}
    data = json.dumps(document, ensure_ascii=False).encode()
    parse(data, "odk.json", kind)
    parse(data, "feed", kind, fmt="odk")
    header = ["SubmissionDate", "KEY", "meta-instanceID", "community", "important_resources"]
    parse(csv_bytes([header, *csv_rows]), "odk.csv", kind)


# -- HXL -----------------------------------------------------------------------------------

TAG = st.builds(
    lambda base, attributes: base + "".join(f"+{a}" for a in attributes),
    st.sampled_from([*sorted({tag.split("+")[0] for tag in HXL_TAGS}), "#x_custom", "#"]),
    st.lists(st.sampled_from(["name", "num", "es", "code", "phone", "type", "v_1"]), max_size=3),
)


@fuzz(60)
@given(
    st.lists(TAG, min_size=1, max_size=6),
    st.lists(HEADER, max_size=6),
    st.lists(st.lists(TEXT, max_size=6), max_size=5),
    st.booleans(),
    KIND,
)
def test_hxl_tag_rows(
    tags: list[str], header: list[str], rows: list[list[str]], title: bool, kind: Kind
) -> None:
    grid: list[list[str]] = [["2020年2月 物资需求"]] if title else []
    grid += [header, tags, *rows] if header else [tags, *rows]
    parse(csv_bytes(grid), "needs.csv", kind)
    parse(csv_bytes(grid), "feed", kind, fmt="hxl")
    parse(json.dumps(grid, ensure_ascii=False).encode(), "needs.json", kind)
    objects = [dict(zip(tags, row, strict=False)) for row in rows]
    parse(json.dumps(objects, ensure_ascii=False).encode(), "needs.json", kind)


# -- traveller declarations ----------------------------------------------------------------

TRAVELLER_HEADER = st.sampled_from(sorted({a for names in ALIASES.values() for a in names}))
TRAVELLER_VALUE = (
    TEXT
    | st.sampled_from(["CA 934", "ua888", "2020-02-05 14:30", "2020/2/5 9:00", "14:30", "法国"])
    | st.sampled_from(["Ghana", "巴黎", "+1 206 555 0100", "E1234", "居家隔离", "soon"])
)


@fuzz(60)
@given(
    st.lists(TRAVELLER_HEADER | HEADER, min_size=1, max_size=8),
    st.lists(st.lists(TRAVELLER_VALUE, max_size=8), max_size=6),
    st.binary(max_size=300),
    st.sampled_from(["d.csv", "d.tsv", "d.json", "d.jsonl", "d.xlsx", "d", "d.vcf"]),
)
def test_traveller_declarations(
    header: list[str], rows: list[list[str]], junk: bytes, name: str
) -> None:
    travellers(csv_bytes([header, *rows]), "declarations.csv")
    travellers(csv_bytes([header, *rows], delimiter="\t", encoding="gb18030"), "d.tsv")
    travellers(xlsx_bytes([header, *rows]), "申报.xlsx")
    records = [
        {f"traveller/{key}": value for key, value in zip(header, row, strict=False)} for row in rows
    ]
    travellers(json.dumps({"results": records}, ensure_ascii=False).encode(), "kobo.json")
    travellers(junk, name)


# -- the store end: records or quarantine, never an exception ------------------------------


@pytest.fixture(scope="module")
def fuzz_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "fuzz.db", actor="fuzz")
        yield store
        store.close()


SOURCES = itertools.count()
INPUTS = st.one_of(
    st.builds(lambda g, h: csv_bytes([h, *g]), st.lists(st.lists(TEXT, max_size=6), max_size=5),
              st.lists(HEADER, min_size=1, max_size=6)),
    st.builds(lambda d: json.dumps(d, ensure_ascii=False).encode(), JSON_VALUE),
    st.builds(lambda g, h: xlsx_bytes([h, *g]), GRID, st.lists(HEADER, min_size=1, max_size=6)),
    st.binary(max_size=300),
)  # fmt: skip


@fuzz(60)
@given(
    data=INPUTS,
    name=st.sampled_from(["a.csv", "a.json", "a.xlsx", "a.jsonl", "a.vcf", "a"]),
    kind=KIND,
)
def test_any_input_ends_as_records_or_quarantine(
    fuzz_store: Store, data: bytes, name: str, kind: Kind
) -> None:
    store = fuzz_store
    source = f"fuzz-{next(SOURCES)}"  # a source of its own: never "the same bytes again"
    summary = ingest_bytes(store, data, name, kind=kind, source=source, zone="Asia/Shanghai")
    runs = store._one("SELECT count(*) AS n FROM ingest_runs WHERE source = ?", (source,))
    assert runs is not None and runs["n"] == 1  # every file leaves its run
    assert summary.repeated_run is None
    if summary.error is not None:  # unreadable: one quarantine entry with the bytes
        assert summary.result == "unreadable"
        entries = store._all(
            "SELECT reason, original FROM quarantine WHERE run_id = ?", (summary.run_id,)
        )
        assert len(entries) == 1 and entries[0]["reason"] == summary.error
        assert entries[0]["original"] is not None or not data
        return
    run = store._one("SELECT * FROM ingest_runs WHERE id = ?", (summary.run_id,))
    assert run is not None
    assert (run["rows_added"], run["rows_quarantined"]) == (summary.added, summary.quarantined)
    originals = store._all("SELECT original FROM quarantine WHERE run_id = ?", (summary.run_id,))
    assert len(originals) == summary.quarantined
    assert all(row["original"] is not None for row in originals)  # kept for audit


# -- the hostile corpus through every format, into the store -------------------------------

MEGABYTE = "长" * 1_000_000  # a 1 MB (3 MB in UTF-8) field
CORPUS = [*HOSTILE, MEGABYTE]
MAPPING = {"unit": "org", "goods": "item", "qty": "quantity", "note": "notes"}


def _records(texts: list[str]) -> list[dict[str, Any]]:
    return [{"unit": text, "goods": text[:40], "qty": n + 1, "note": text}
            for n, text in enumerate(texts)]  # fmt: skip


def _hostile_files() -> dict[str, tuple[str, Kind, bytes]]:
    """format → (file name, kind, bytes) with the corpus in the text cells."""
    grid: list[list[Any]] = [["unit", "goods", "qty", "note"]]
    grid += [[r["unit"], r["goods"], r["qty"], r["note"]] for r in _records(CORPUS)]
    hxl = [grid[0], ["#org", "#item", "#item+num", "#meta+notes"], *grid[1:]]
    submissions = _records(CORPUS)
    kobo = [{**r, "_uuid": f"k{n}", "_submission_time": "2020-02-05T03:00:00"}
            for n, r in enumerate(submissions)]  # fmt: skip
    odk = [{**r, "__id": f"uuid:{n}", "__system": {"submissionDate": "2020-02-05T03:00:00Z"}}
           for n, r in enumerate(submissions)]  # fmt: skip
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{t}\r\nORG:{t}\r\nNOTE:{t}\r\nEND:VCARD\r\n"
        for t in CORPUS
        if "\r" not in t and "\n" not in t
    )
    as_json = json.dumps(submissions, ensure_ascii=False)
    return {
        "csv": ("needs.csv", "requests", csv_bytes(grid)),
        "tsv": ("needs.tsv", "requests", csv_bytes(grid, delimiter="\t")),
        "xlsx": ("needs.xlsx", "requests", xlsx_bytes(grid)),
        "json": ("needs.json", "requests", as_json.encode()),
        "jsonl": ("needs.jsonl", "requests",
                  "\n".join(json.dumps(r, ensure_ascii=False) for r in submissions).encode()),
        "kobo": ("kobo.json", "requests", json.dumps({"results": kobo}).encode()),
        "odk": ("odk.json", "requests", json.dumps({"value": odk}).encode()),
        "hxl": ("needs-hxl.csv", "requests", csv_bytes(hxl)),
        "vcard": ("people.vcf", "contacts", cards.encode()),
    }  # fmt: skip


TEXT_COLUMNS = {
    "requests": ("org", "item", "notes", "requester", "extra"),
    "contacts": ("name", "org", "notes", "extra"),
    "arrivals": ("traveller", "reference", "origin_city", "notes", "extra"),
}


def _assert_stored_inert(store: Store, table: str) -> int:
    rows = store._all(f"SELECT {', '.join(TEXT_COLUMNS[table])}, raw FROM {table}")
    for row in rows:
        for column in TEXT_COLUMNS[table]:
            assert_clean(row[column], f"{table}.{column}")
    return len(rows)


def test_hostile_corpus_through_every_format_is_stored_inert_with_its_original(
    tmp_path: Path,
) -> None:
    from dutyboard.ingest.travellers import import_travellers

    store = Store.open(tmp_path / "hostile.db", actor="collector")
    try:
        for fmt, (name, kind, data) in _hostile_files().items():
            mapping = None if fmt in ("hxl", "vcard") else MAPPING
            summary = ingest_bytes(store, data, name, kind=kind, source=fmt, mapping=mapping)
            assert summary.error is None, (fmt, summary.error)
            assert summary.added >= 1, (fmt, summary)
            assert summary.format == fmt, (fmt, summary.format)
        declarations = csv_bytes(
            [["姓名", "航班号", "出发国家", "抵达时间", "备注"]]
            + [[t, "CA 934", "法国", "2020-02-05 14:30", t] for t in CORPUS]
        )
        assert import_travellers(store, declarations, "declarations.csv").added >= 1
        stored = {table: _assert_stored_inert(store, table) for table in TEXT_COLUMNS}
        # Markup is kept as the text it is (the UI renders it inert), escapes are gone…
        orgs = {r["org"] for r in store._all("SELECT org FROM requests")}
        assert "[@click=app.quit]click[/]" in orgs and "clip" in orgs
        # …and the original bytes are kept for audit, escape sequences and all.
        raws = "".join(r["raw"] or "" for r in store._all("SELECT raw FROM requests"))
        assert "\x1b]52;c;" in raws and "\u202e" in raws
        longest = store._one("SELECT max(length(org)) AS n FROM requests")
        assert longest is not None and longest["n"] <= MAX_FIELD_CHARS  # 1 MB capped
        problems = store._all("SELECT reason, original FROM quarantine")
        for problem in problems:
            assert_clean(problem["reason"], "quarantine reason")
            assert problem["original"] is not None
    finally:
        store.close()
    print(f"\nFIGURES hostile corpus: {len(CORPUS)} values x 10 formats, stored {stored}, "
          f"{len(problems)} quarantined")  # fmt: skip
