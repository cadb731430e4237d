"""A file whose columns clearly belong to another kind is refused, unless forced.

Real files in ``tmp_path`` (CSV, xlsx, JSON, vCard), the real store and a real collector;
the decision is ``aliases.kind_fit`` on the file's column plan (see its comment).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from dutyboard.config import ConfigError
from dutyboard.ingest.aliases import FIT_MARGIN, FIT_MIN_SCORE, kind_fit
from dutyboard.ingest.collector import Collector
from dutyboard.ingest.parse import parse_bytes, parse_file
from dutyboard.ingest.records import Kind, UnreadableFile, WrongKind
from dutyboard.ingest.sources import SourceConfig, parse_sources
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.store import Store

# A unit's daily request sheet, as the Changchun units send it.
REQUESTS_CSV = (
    "单位,联系人,联系电话,物资,数量,计量单位,优先级,截止时间,备注\n"
    "市第一人民医院,张三,13800000000,N95口罩,1200,只,特急,2020-02-03 14:30,夜间送达\n"
    "市疾控中心,李四,0571-88888888,医用手套,5000,双,一般,2020-02-04 09:00,\n"
)
# A supplier workbook, as the Hunan desk keeps its leads.
LEADS_HEADER = [
    "供应商",
    "联系人",
    "电话",
    "国家",
    "物资",
    "数量",
    "单价",
    "币种",
    "认证",
    "交货期",
]
LEADS_ROWS = [
    ["稳健医疗", "王五", "+86 755 1234 5678", "中国", "N95口罩", 100000, 2.5, "CNY", "CE", "7天"],
    ["Acme Medical", "John Doe", "+1 555 0100", "US", "gloves", 50000, 0.12, "USD", "FDA", "14"],
]
CONTACTS_CSV = (
    "姓名,单位,职务,电话,邮箱,国家,时区,工作时间\n"
    "陈静,红十字会,联络员,+86 10 6513 9999,chen@example.org,CN,Asia/Shanghai,09:00-18:00\n"
    "Ravi Kumar,Relief Trust,coordinator,+91 22 1234 5678,ravi@example.org,IN,"
    "Asia/Kolkata,10:00-19:00\n"
)
VCARD = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:陈静\r\nTEL:+86 10 6513 9999\r\n"
    "TZ:Asia/Shanghai\r\nEND:VCARD\r\n"
)


def requests_csv(tmp_path: Path) -> Path:
    path = tmp_path / "需求日报.csv"
    path.write_text(REQUESTS_CSV, encoding="utf-8")
    return path


def leads_xlsx(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(LEADS_HEADER)
    for row in LEADS_ROWS:
        sheet.append(row)
    path = tmp_path / "供应商线索.xlsx"
    book.save(path)
    return path


def contacts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "通讯录.csv"
    path.write_text(CONTACTS_CSV, encoding="utf-8")
    return path


def refusal(path: Path, kind: Kind) -> WrongKind:
    with pytest.raises(WrongKind) as caught:
        parse_file(path, kind)
    error = caught.value
    assert isinstance(error, UnreadableFile)  # ingest_bytes quarantines it like any other
    assert "\n" not in str(error)
    return error


# ------------------------------------------------------------------ refused, naming the kind


def test_a_requests_csv_imported_as_leads_is_refused_naming_requests(tmp_path: Path) -> None:
    error = refusal(requests_csv(tmp_path), "leads")
    assert (error.fits, error.asked) == ("requests", "leads")
    assert str(error) == (
        f"the columns of {tmp_path / '需求日报.csv'} (单位, 优先级, 截止时间) are a requests file, "
        "not leads; import it with --kind requests, or --force-kind to import it as leads "
        'anyway (in a [[sources]] entry: kind = "requests", or force_kind = true)'
    )


def test_a_leads_workbook_imported_as_requests_is_refused_naming_leads(tmp_path: Path) -> None:
    error = refusal(leads_xlsx(tmp_path), "requests")
    assert (error.fits, error.asked) == ("leads", "requests")
    assert error.columns == ("供应商", "国家", "单价", "币种", "认证", "交货期")
    assert "(供应商, 国家, 单价, 币种, 认证, 交货期) are a leads file, not requests" in str(error)
    assert "--kind leads" in str(error) and "--force-kind" in str(error)


def test_a_leads_workbook_imported_as_contacts_names_leads_not_requests(tmp_path: Path) -> None:
    # Both requests and leads read item and quantity, which contacts do not: the kind
    # with the most evidence is named.
    assert refusal(leads_xlsx(tmp_path), "contacts").fits == "leads"


def test_a_contacts_csv_imported_as_requests_or_leads_is_refused(tmp_path: Path) -> None:
    path = contacts_csv(tmp_path)
    for asked in ("requests", "leads"):
        error = refusal(path, asked)
        assert (error.fits, error.asked) == ("contacts", asked)
        assert "are a contacts file" in str(error) and "时区" in error.columns
        assert "工作时间" in error.columns and "--kind contacts" in str(error)


def test_a_requests_csv_imported_as_contacts_is_refused(tmp_path: Path) -> None:
    assert refusal(requests_csv(tmp_path), "contacts").fits == "requests"


def test_a_vcard_imported_as_requests_names_contacts(tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(VCARD, encoding="utf-8")
    for force in (False, True):  # a card has no field of a request: never forced
        with pytest.raises(UnreadableFile, match=r"only be imported as contacts \(--kind contacts"):
            parse_file(path, "requests", force_kind=force)


def test_a_requests_json_imported_as_leads_is_refused(tmp_path: Path) -> None:
    records = [
        {
            "单位": "市第一人民医院",
            "物资": "口罩",
            "数量": 10,
            "优先级": "特急",
            "截止时间": "明天",
        },
        {"单位": "市疾控中心", "物资": "手套", "数量": 5, "priority": "high"},
    ]
    data = json.dumps(records, ensure_ascii=False).encode()
    with pytest.raises(WrongKind, match="are a requests file, not leads"):
        parse_bytes(data, "requests.json", "leads")
    # Forced, the records looked at to decide are not lost.
    result = parse_bytes(data, "requests.json", "leads", force_kind=True)
    assert [row.fields["supplier"] for row in result.rows] == ["市第一人民医院", "市疾控中心"]


def test_hostile_headers_are_cleaned_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("单位,物资,数量,优先级\x07,截止时间\u202e\nA,b,1,high,tomorrow\n")
    error = refusal(path, "leads")
    assert "\x07" not in str(error) and "\u202e" not in str(error)
    assert "(单位, 优先级, 截止时间)" in str(error)


# ------------------------------------------------------------------ forced: imported as asked


def test_force_kind_imports_each_file_as_asked(tmp_path: Path) -> None:
    as_leads = parse_file(requests_csv(tmp_path), "leads", force_kind=True)
    assert as_leads.kind == "leads" and not as_leads.problems
    assert [row.fields["supplier"] for row in as_leads.rows] == ["市第一人民医院", "市疾控中心"]

    as_requests = parse_file(leads_xlsx(tmp_path), "requests", force_kind=True)
    assert as_requests.kind == "requests" and not as_requests.problems
    assert [row.fields["org"] for row in as_requests.rows] == ["稳健医疗", "Acme Medical"]

    contacts = parse_file(contacts_csv(tmp_path), "requests", force_kind=True)
    assert contacts.kind == "requests" and not contacts.rows
    assert all("missing required field item" in p.reason for p in contacts.problems)


def test_the_right_kind_still_imports(tmp_path: Path) -> None:
    assert len(parse_file(requests_csv(tmp_path), "requests").rows) == 2
    assert len(parse_file(leads_xlsx(tmp_path), "leads").rows) == 2
    assert len(parse_file(contacts_csv(tmp_path), "contacts").rows) == 2


# ------------------------------------------------------------------ not clear: imported as asked


@pytest.mark.parametrize(
    "text",
    [
        "item,quantity\nmasks,10\n",  # fits both requests and leads
        "物资,数量,计量单位\n口罩,10,只\n",
        "supplier,item,quantity\nAcme,masks,10\n",  # one rank's difference only
        "单位,物资,数量,截止时间\n市医院,口罩,10,明天\n",  # one distinctive column
        "单位,物资,数量,单价,优先级,截止时间\n市医院,口罩,10,2.5,特急,明天\n",  # both kinds'
        "name,phone,email\nLi Na,+86 10 1234 5678,li@example.org\n",  # a contact, barely
    ],
)
@pytest.mark.parametrize("kind", ["requests", "leads"])
def test_files_that_are_not_clearly_another_kind_import_as_asked(
    tmp_path: Path, text: str, kind: Kind
) -> None:
    path = tmp_path / "ambiguous.csv"
    path.write_text(text, encoding="utf-8")
    result = parse_file(path, kind)
    assert result.kind == kind and len(result.rows) + len(result.problems) == 1


def test_an_item_and_quantity_file_imports_as_either_kind(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("item,quantity,unit,supplier\nmasks,10,box,Acme\n", encoding="utf-8")
    assert parse_file(path, "leads").rows[0].fields["supplier"] == "Acme"
    assert parse_file(path, "requests").rows[0].fields["org"] == "Acme"


def test_a_mapping_that_claims_the_columns_for_the_asked_kind_is_respected(
    tmp_path: Path,
) -> None:
    path = leads_xlsx(tmp_path)
    result = parse_file(path, "requests", mapping={"供应商": "org"})
    assert [row.fields["org"] for row in result.rows] == ["稳健医疗", "Acme Medical"]


def test_the_interop_samples_import_as_they_do_today(interop: Path) -> None:
    # HXL, KoBo and ODK samples (their own tests read them as requests, leads and
    # contacts): none is refused for any kind, mapped or not, and each reads exactly as
    # with the check skipped (force_kind), rows, problems and warnings alike.
    seen = 0
    for path in sorted(interop.rglob("*")):
        if path.suffix not in (".csv", ".tsv", ".xlsx", ".json") or "broken" in path.name:
            continue
        for kind in ("requests", "leads", "contacts"):
            for mapping in (None, {"#sector+es": "item"}):
                result = parse_file(path, kind, mapping=mapping)
                unchecked = parse_file(path, kind, mapping=mapping, force_kind=True)
                assert result.kind == kind
                assert [r.fields for r in result.rows] == [r.fields for r in unchecked.rows]
                assert [p.reason for p in result.problems] == [p.reason for p in unchecked.problems]
                assert result.warnings == unchecked.warnings
                seen += 1
    assert seen >= 60


def test_the_score_needs_both_the_minimum_and_the_margin() -> None:
    # Two distinctive requests columns against a leads one: 5 against 2, not refused.
    columns = [("单位", "org"), ("物资", "item"), ("单价", "price")]
    assert kind_fit([*columns, ("优先级", "priority"), ("截止时间", "due")], "leads") is None
    fit = kind_fit(
        [("单位", "org"), ("物资", "item"), ("优先级", "priority"), ("截止", "due")], "leads"
    )
    assert fit is not None and fit.kind == "requests"
    assert fit.score >= FIT_MIN_SCORE and fit.score - fit.against >= FIT_MARGIN
    # The other kind must have its own required fields: no supplier, no leads.
    assert (
        kind_fit([("物资", "item"), ("单价", "price"), ("认证", "certification")], "requests")
        is None
    )


# ------------------------------------------------------------------ the store and the collector


def test_ingest_bytes_quarantines_the_refusal_and_forces_on_request(
    store: Store, tmp_path: Path
) -> None:
    path = leads_xlsx(tmp_path)
    summary = ingest_bytes(store, path.read_bytes(), path.name, kind="requests", source="cli")
    assert summary.added == 0 and not summary.clean
    ((reason,),) = store.conn.execute("SELECT reason FROM quarantine").fetchall()
    assert "are a leads file, not requests" in reason
    forced = ingest_bytes(
        store, path.read_bytes(), path.name, kind="requests", source="cli", force_kind=True
    )
    assert forced.added == 2
    orgs = [row[0] for row in store.conn.execute("SELECT org FROM requests ORDER BY id")]
    assert orgs == ["稳健医疗", "Acme Medical"]


def test_force_kind_in_the_source_config() -> None:
    entry = {"name": "u", "kind": "requests", "type": "folder", "path": "/tmp/in"}
    (plain,) = parse_sources([entry])
    (forced,) = parse_sources([{**entry, "force_kind": True}])
    assert not plain.force_kind and forced.force_kind
    assert forced.settings()["force_kind"] is True
    with pytest.raises(ConfigError, match=r"sources\[0\]\.force_kind: must be true or false"):
        parse_sources([{**entry, "force_kind": "yes"}])


def _query(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    store = Store.open(db_path)
    try:
        return [tuple(row) for row in store.conn.execute(sql)]
    finally:
        store.close()


def _folder(inbox: Path, **options: Any) -> SourceConfig:
    return SourceConfig(
        name="units",
        kind="requests",
        type="folder",
        path=inbox,
        zone="Asia/Shanghai",
        settle_seconds=0.05,
        **options,
    )


async def test_a_wrongly_kinded_folder_source_quarantines_the_file(
    tmp_path: Path, db_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    leads_xlsx(inbox)
    report = await Collector(db_path, [_folder(inbox)], holder="t:1").run(once=True)
    assert report.added == 0 and not report.clean
    error = (inbox / "quarantine" / "供应商线索.xlsx.error.txt").read_text(encoding="utf-8")
    assert "are a leads file, not requests" in error and "force_kind = true" in error
    ((reason,),) = _query(db_path, "SELECT reason FROM quarantine")
    assert "are a leads file, not requests" in reason
    assert _query(db_path, "SELECT count(*) FROM requests") == [(0,)]


async def test_a_folder_source_with_force_kind_imports_the_file(
    tmp_path: Path, db_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    leads_xlsx(inbox)
    source = _folder(inbox, force_kind=True)
    report = await Collector(db_path, [source], holder="t:1").run(once=True)
    assert report.added == 2 and report.clean
    assert (inbox / "processed" / "供应商线索.xlsx").exists()
    assert _query(db_path, "SELECT org FROM requests ORDER BY id") == [
        ("稳健医疗",),
        ("Acme Medical",),
    ]


@contextlib.contextmanager
def _serving(body: bytes) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/leads.json"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("force", [False, True])
async def test_a_wrongly_kinded_feed_is_refused_unless_forced(db_path: Path, force: bool) -> None:
    records = [dict(zip(LEADS_HEADER, row, strict=True)) for row in LEADS_ROWS]
    with _serving(json.dumps(records, ensure_ascii=False).encode()) as url:
        source = SourceConfig(
            name="partner", kind="requests", type="http", url=url, retries=0, force_kind=force
        )
        report = await Collector(db_path, [source], holder="t:1").run(once=True)
    reasons = [row[0] for row in _query(db_path, "SELECT reason FROM quarantine")]
    if force:
        assert report.added == 2 and reasons == []
    else:
        assert report.added == 0 and len(reasons) == 1
        assert "are a leads file, not requests" in reasons[0]


def test_the_cli_refuses_then_forces_with_force_kind(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = leads_xlsx(tmp_path)
    base = [sys.executable, "-m", "dutyboard", "--create", "--db", str(tmp_path / "d.db")]
    refused = subprocess.run(
        [*base, "ingest", "--kind", "requests", str(data)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "are a leads file, not requests" in refused.stdout + refused.stderr
    forced = subprocess.run(
        [*base, "ingest", "--kind", "requests", "--force-kind", str(data)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert forced.returncode in (0, 1), forced.stderr  # 1 if a row lacks a request's field
    import sqlite3

    with sqlite3.connect(tmp_path / "d.db") as conn:
        stored = conn.execute("SELECT count(*) FROM requests").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM quarantine WHERE row_number IS NOT NULL")
        assert stored + rows.fetchone()[0] == len(LEADS_ROWS) and stored > 0
