"""The status model and its two renderings, on a demo desk at a fixed time."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from dutyboard.commands.status import client_options
from dutyboard.demo import build_demo
from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.status import (
    OPEN_LEAD_STATUSES,
    OPEN_REQUEST_STATUSES,
    LeadStatus,
    RequestStatus,
)
from dutyboard.reports.status.as_json import render_json, to_json_dict
from dutyboard.reports.status.build import build_status
from dutyboard.reports.status.model import DeskStatus
from dutyboard.reports.status.text import cells, render_text, safe
from dutyboard.store import Store
from dutyboard.store.supplies import record_distributed, record_funds, record_received
from tests.conftest import FIXED_NOW, FakeClock

HOSTILE = "\x1b]52;c;ZXZpbA==\x07[bold]x"
NOW_ISO = to_iso(FIXED_NOW)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("status") / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    return path


@pytest.fixture
def leader(demo_db: Path) -> Iterator[Store]:
    store = Store.open(demo_db, readonly=True, actor="leader", clock=FakeClock())
    yield store
    store.close()


@pytest.fixture
def status(leader: Store) -> DeskStatus:
    return build_status(leader, desk_name="Test desk", timezone="Asia/Shanghai")


def rows(store: Store, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
    return [dict(r) for r in store.conn.execute(sql, params)]


def is_open_request(row: dict[str, object]) -> bool:
    return row["status"] in OPEN_REQUEST_STATUSES


def overdue_at(row: dict[str, object], now: str = NOW_ISO) -> bool:
    """Overdue, computed independently of the SQL: parse the times and compare."""
    due = row["due_by"]
    return is_open_request(row) and due is not None and from_iso(str(due)) < from_iso(now)


# -- the model --------------------------------------------------------------------------


def test_counts_equal_direct_sql(leader: Store, status: DeskStatus) -> None:
    requests = rows(leader, "SELECT * FROM requests")
    leads = rows(leader, "SELECT * FROM leads")
    assert status.generated_at == NOW_ISO
    assert status.requests_total == len(requests) == 240
    for name, n in status.requests_by_status.items():
        assert n == sum(1 for r in requests if r["status"] == name), name
    assert status.requests_open == sum(1 for r in requests if is_open_request(r))
    for name, n in status.open_by_priority.items():
        assert n == sum(1 for r in requests if is_open_request(r) and r["priority"] == name)
    assert status.urgent_open == status.open_by_priority["urgent"] > 0

    overdue = sorted((r for r in requests if overdue_at(r)), key=lambda r: (r["due_by"], r["id"]))
    assert status.overdue == len(overdue) > 0
    assert [r.id for r in status.top_overdue] == [r["id"] for r in overdue[:5]]
    urgent = sorted(
        (r for r in requests if is_open_request(r) and r["priority"] == "urgent"),
        key=lambda r: (r["received_at"], r["id"]),
    )
    assert [r.id for r in status.top_urgent] == [r["id"] for r in urgent[:5]]
    first = status.top_urgent[0]
    assert (first.org, first.item, first.quantity) == (
        urgent[0]["org"],
        urgent[0]["item"],
        urgent[0]["quantity"],
    )

    assert status.leads_total == len(leads) == 120
    for name, n in status.leads_by_status.items():
        assert n == sum(1 for r in leads if r["status"] == name), name
    awaiting = sorted(
        (
            r
            for r in leads
            if r["status"] in OPEN_LEAD_STATUSES and from_iso(str(r["next_action_at"])) < FIXED_NOW
        ),
        key=lambda r: (r["next_action_at"], r["id"]),
    )
    assert status.awaiting_reply == len(awaiting) > 0
    assert [r.id for r in status.top_awaiting] == [r["id"] for r in awaiting[:5]]


def test_shift_and_handover(status: DeskStatus) -> None:
    assert status.shift is not None
    assert status.shift.officer == "Zhang Wei"
    assert status.shift.started_at == to_iso(FIXED_NOW - timedelta(hours=5))
    handover = status.handover
    assert handover is not None
    assert (handover.from_officer, handover.to_officer, handover.state) == (
        "Li Na",
        "Zhang Wei",
        "acknowledged",
    )
    assert (handover.items, handover.items_acknowledged) == (3, 3)
    assert status.sources == []  # the demo has no feeds
    # The demo's ledger (sister-city masks, donations…) shows up in the tallies.
    assert status.supplies and any(s.received > 0 for s in status.supplies)


def test_the_last_sign_off_wins_over_a_draft(store: Store) -> None:
    shift_id = store.start_shift("Li Na")
    at = to_iso(FIXED_NOW - timedelta(hours=1))
    with store.transaction() as conn:
        signed = conn.execute(
            "INSERT INTO handovers (shift_id, from_officer, to_officer, state, created_at, "
            "signed_at) VALUES (?, 'Li Na', 'Zhang Wei', 'signed', ?, ?)",
            (shift_id, at, at),
        ).lastrowid
        conn.executemany(
            "INSERT INTO handover_items (handover_id, entity, summary, removed, "
            "acknowledged_at) VALUES (?, 'request', ?, ?, ?)",
            [
                (signed, "kept, acknowledged", 0, at),
                (signed, "kept", 0, None),
                (signed, "taken off the draft", 1, None),
            ],
        )
        conn.execute(
            "INSERT INTO handovers (shift_id, from_officer, state, created_at) "
            "VALUES (?, 'Zhang Wei', 'draft', ?)",
            (shift_id, NOW_ISO),
        )
    handover = build_status(store).handover
    assert handover is not None
    assert (handover.id, handover.state, handover.to_officer) == (signed, "signed", "Zhang Wei")
    assert (handover.items, handover.items_acknowledged) == (2, 1)
    assert "Handover: Li Na → Zhang Wei · signed 02-05 02:00 · 1/2 items acknowledged" in (
        render_text(build_status(store))
    )


def test_overdue_is_strictly_before_now_and_open_only(store: Store) -> None:
    now = FIXED_NOW
    cases = {
        "due a second ago": (now - timedelta(seconds=1), None, True),
        "due right now": (now, None, False),
        "due later": (now + timedelta(hours=1), None, False),
        "no due time": (None, None, False),
        "fulfilled late": (now - timedelta(days=1), "fulfilled", False),
        "rejected late": (now - timedelta(days=1), "rejected", False),
        "in progress late": (now - timedelta(days=2), "in_progress", True),
    }
    for org, (due, final, _) in cases.items():
        request_id = store.add_request(
            {"org": org, "item": "masks", "due_by": to_iso(due) if due else None}
        )
        if final:  # straight to the state under test; transitions are not the point here
            with store.transaction() as conn:
                conn.execute("UPDATE requests SET status = ? WHERE id = ?", (final, request_id))
    result = build_status(store)
    expected = [org for org, (_, _, late) in cases.items() if late]
    assert result.overdue == len(expected)
    # Most overdue first.
    assert [r.org for r in result.top_overdue] == ["in progress late", "due a second ago"]


def test_sources_and_supplies(store: Store) -> None:
    recent, earlier = (to_iso(FIXED_NOW - timedelta(minutes=m)) for m in (5, 60))
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO sources (name, kind, location, last_ok_at, last_error_at, last_error) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("units", "drop", "/srv/drop", recent, earlier, "bad row 3"),  # recovered
                ("feed", "http", "https://example.org", earlier, recent, "HTTP 503"),  # failing
                ("new", "drop", "/srv/new", None, None, None),  # never ran
            ],
        )
    # Through the supplies ledger's own API: tallies add like with like, in base units.
    record_received(store, "surgical masks", 50_000, "pcs", at=recent)
    record_received(store, "医用外科口罩", 2, "万只", at=recent)
    record_distributed(store, "KN95 masks", 12_000, "pcs", at=recent)
    record_received(store, "75% alcohol", 12.5, "litres", at=recent)
    record_funds(store, 13_500_000, "CNY", "donors", at=recent)  # money is not a supply
    result = build_status(store)
    assert [(s.name, s.state) for s in result.sources] == [
        ("feed", "error"),
        ("new", "unknown"),
        ("units", "ok"),
    ]
    assert [
        (s.category, s.unit, s.received, s.distributed, s.in_stock) for s in result.supplies
    ] == [("masks", "pcs", 70_000, 12_000, 58_000), ("disinfectant", "litres", 12.5, 0, 12.5)]
    text = render_text(result)
    assert "Sources: 1 ok · 1 failing · 1 never run" in text
    assert "feed 02-05 02:55: HTTP 503" in text  # the failure's time in the desk zone
    assert "Supplies in/out: masks 70,000/12,000 pcs · disinfectant 12.5/0 litres" in text
    assert "物资 入/出：口罩 70,000/12,000 pcs · 消毒用品 12.5/0 litres" in render_text(
        result, lang="zh_CN"
    )


# Statuses and stages as the store holds them: known ones, and one this version does not
# know (an older or newer dutyboard may have written it), which is still counted.
MIXES = {
    "done piles up": {"fulfilled": 60, "closed": 25, "rejected": 4, "new": 9, "in_progress": 6},
    "mostly open": {"new": 40, "acknowledged": 12, "partially_fulfilled": 5, "closed": 2},
    "one status": {"closed": 30},
    "unknown status leads": {"archived": 50, "new": 7, "fulfilled": 3},
    "open only": {"new": 5, "in_progress": 4},
}
LEAD_MIXES = {
    "done piles up": {"received": 40, "dropped": 30, "new": 6, "negotiating": 3},
    "mostly open": {"new": 30, "verifying": 10, "customs": 2, "received": 1},
    "one status": {"dropped": 20},
    "unknown status leads": {"parked": 25, "ordered": 4},
    "open only": {"new": 3},
}


@pytest.mark.parametrize("mix", list(MIXES))
def test_counts_are_exact_whatever_the_mix(store: Store, mix: str) -> None:
    """Counts are taken per index range, one derived as the total less the others, and
    "overdue" from whichever side of now is smaller: each must still equal a plain count."""
    priorities = ["urgent", "high", "normal", "low"]
    requests, leads = [], []
    for status, n in MIXES[mix].items():
        for i in range(n):
            due = None if i % 7 == 3 else to_iso(FIXED_NOW + timedelta(hours=i * 5 - 60))
            requests.append((NOW_ISO, f"unit {i}", "masks", priorities[i % 4], status, due))
    for status, n in LEAD_MIXES[mix].items():
        for i in range(n):
            when = None if i % 5 == 2 else to_iso(FIXED_NOW + timedelta(hours=i * 7 - 50))
            leads.append((f"supplier {i}", "gloves", status, when))
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO requests (received_at, org, item, priority, status, due_by, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'x', 'x')",
            requests,
        )
        conn.executemany(
            "INSERT INTO leads (supplier, item, status, next_action_at, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, 'x', 'x')",
            leads,
        )
    request_rows = rows(store, "SELECT * FROM requests")
    lead_rows = rows(store, "SELECT * FROM leads")
    for hours in (-1000, -30, 0, 25, 90, 1000):
        now = FIXED_NOW + timedelta(hours=hours)
        result = build_status(store, now=now)
        expected = {s.value: 0 for s in RequestStatus}
        for r in request_rows:
            expected[str(r["status"])] = expected.get(str(r["status"]), 0) + 1
        assert result.requests_by_status == expected, (mix, hours)
        assert result.open_by_priority == {
            p: sum(1 for r in request_rows if is_open_request(r) and r["priority"] == p)
            for p in priorities
        }
        assert result.overdue == sum(1 for r in request_rows if overdue_at(r, to_iso(now)))
        expected = {s.value: 0 for s in LeadStatus}
        for r in lead_rows:
            expected[str(r["status"])] = expected.get(str(r["status"]), 0) + 1
        assert result.leads_by_status == expected, (mix, hours)
        assert result.awaiting_reply == sum(
            1
            for r in lead_rows
            if r["status"] in OPEN_LEAD_STATUSES
            and r["next_action_at"] is not None
            and from_iso(str(r["next_action_at"])) < now
        ), (mix, hours)


def test_every_count_reads_an_index_range(demo_db: Path) -> None:
    """On a desk without planner statistics (a desk never runs ANALYZE), every count of
    requests and leads is a range of an index: no table scan, no sort."""
    store = Store.open(demo_db, readonly=True, clock=FakeClock())
    real = store.conn
    calls: list[tuple[str, tuple[object, ...]]] = []

    class Recording:
        def execute(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
            calls.append((sql, tuple(params)))
            cursor: sqlite3.Cursor = real.execute(sql, params)
            return cursor

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    try:
        store.conn = Recording()  # type: ignore[assignment]
        for days in (-3650, 0, 3650):  # both sides of "overdue" get counted
            build_status(store, now=FIXED_NOW + timedelta(days=days))
        store.conn = real
        counts = [
            (sql, params)
            for sql, params in calls
            if ("count(*)" in sql or "min(status)" in sql)
            and ("FROM requests" in sql or "FROM leads" in sql)
        ]
        assert len({sql for sql, _ in counts}) >= 10
        for sql, params in counts:
            for step in [r[3] for r in real.execute(f"EXPLAIN QUERY PLAN {sql}", params)]:
                assert "TEMP B-TREE" not in step, (sql, step)
                if step.startswith(("SCAN requests", "SCAN leads")):
                    # Only a whole-table count, which adds up the index's page counts.
                    assert "COVERING INDEX" in step and " WHERE " not in sql, (sql, step)
                elif step.startswith(("SEARCH requests", "SEARCH leads")):
                    # priority_rank is a virtual column: SQLite calls the index on it not
                    # covering, yet count(*) never reads a table row through it.
                    assert "COVERING INDEX" in step or "priority_rank=?" in step, (sql, step)
    finally:
        store.conn = real
        store.close()


def test_an_empty_desk(store: Store) -> None:
    result = build_status(store)
    assert result.requests_total == 0 and result.shift is None and result.handover is None
    text = render_text(result)
    assert "On duty: nobody" in text and "Handover: none yet" in text
    data = json.loads(render_json(result))
    assert data["shift"] is None and data["handover"] is None
    assert data["requests"]["by_status"]["new"] == 0  # every known status, zeros included


def test_a_read_only_store_is_only_read(demo_db: Path) -> None:
    before = (demo_db.stat().st_mtime_ns, demo_db.read_bytes())
    store = Store.open(demo_db, readonly=True, clock=FakeClock())
    try:
        version = store.data_version()
        result = build_status(store)
        assert result.requests_total == 240
        assert not store.conn.in_transaction  # the snapshot transaction was closed
        assert store.data_version() == version
    finally:
        store.close()
    assert (demo_db.stat().st_mtime_ns, demo_db.read_bytes()) == before


# -- text ---------------------------------------------------------------------------------


def test_text_fits_one_screen_in_the_desk_zone(status: DeskStatus) -> None:
    for lang in ("en", "zh_CN"):
        lines = render_text(status, lang=lang).splitlines()
        assert len(lines) <= 24, lang
        assert max(cells(line) for line in lines) <= 80, lang
    text = render_text(status)
    # 19:00 UTC is 03:00 the next day in Changchun; the shift began 5 hours earlier.
    assert text.startswith("Test desk — status at 2020-02-05 03:00 Asia/Shanghai (19:00 UTC)\n")
    assert "On duty: Zhang Wei since 02-04 22:00 (5h00m)\n" in text
    assert "Handover: Li Na → Zhang Wei · acknowledged 02-04 22:00 · 3/3 items acknowledged" in text
    assert f"Requests: {status.requests_open} open — new " in text
    assert f"Overdue: {status.overdue} (past due, most overdue first)" in text
    narrow = render_text(status, width=60).splitlines()
    assert max(cells(line) for line in narrow) <= 60


def test_chinese_labels(status: DeskStatus) -> None:
    text = render_text(status, lang="zh_CN")
    assert text.startswith("Test desk — 状态 2020-02-05 03:00 Asia/Shanghai（UTC 19:00）")
    for label in ("值班：Zhang Wei", "交接：Li Na → Zhang Wei · 已接收", "需求：未办结", "特急 "):
        assert label in text
    assert f"已逾期：{status.overdue}" in text
    assert f"特急未办结：{status.urgent_open}" in text
    assert "采购线索：未办结" in text and "待回复线索：" in text
    assert "Requests" not in text and "On duty" not in text


def test_hostile_text_prints_without_control_bytes(store: Store) -> None:
    store.add_request(
        {
            "org": HOSTILE,
            "item": "masks\x9b31m\r\nnext",
            "priority": "urgent",
            "due_by": to_iso(FIXED_NOW - timedelta(hours=1)),
        }
    )
    store.start_shift("night\x1b[2Jofficer")
    result = build_status(store)
    text = render_text(result)
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text and "\r" not in text
    assert all(ch == "\n" or ord(ch) >= 0x20 for ch in text)
    assert not any(0x7F <= ord(ch) <= 0x9F for ch in text)
    # The store cleaned what it wrote (escape sequences go whole, issue 17): brackets stay
    # literal, plain text, no markup.
    assert "Requests" in text and "[bold]x" in text and "]52;c;" not in text
    assert "On duty: nightofficer" in text
    assert safe("a\tb\nc\x00d\x1be\x85f") == "a b cdf"  # ESC e: an escape, gone whole
    # JSON carries the cleaned value: a reader that prints it cannot be driven either.
    raw = render_json(result)
    assert "\x1b" not in raw and "\x07" not in raw and "\x9b" not in raw
    assert "\\u001b" not in raw and "\\u0007" not in raw
    data = json.loads(raw)
    assert data["requests"]["top_urgent"][0]["org"] == "[bold]x"
    assert data["requests"]["top_urgent"][0]["item"] == "masks\nnext"


# -- JSON -------------------------------------------------------------------------------

NUMBER = (int, float)
OPT_STR = (str, type(None))
REQUEST_LINE = {
    "id": int,
    "org": str,
    "item": str,
    "quantity": (*NUMBER, type(None)),
    "unit": OPT_STR,
    "priority": str,
    "status": str,
    "received_at": str,
    "due_by": OPT_STR,
}
SHAPE: dict[str, object] = {
    "schema": int,
    "generated_at": str,
    "desk": {"name": str, "timezone": str},
    "requests": {
        "total": int,
        "open": int,
        "by_status": {
            s: int
            for s in (
                "new",
                "acknowledged",
                "in_progress",
                "partially_fulfilled",
                "fulfilled",
                "closed",
                "rejected",
            )
        },
        "open_by_priority": {p: int for p in ("urgent", "high", "normal", "low")},
        "urgent_open": int,
        "overdue": int,
        "top_urgent": [REQUEST_LINE],
        "top_overdue": [REQUEST_LINE],
    },
    "leads": {
        "total": int,
        "open": int,
        "by_status": {
            s: int
            for s in (
                "new",
                "verifying",
                "negotiating",
                "ordered",
                "in_transit",
                "customs",
                "received",
                "dropped",
            )
        },
        "awaiting_reply": int,
        "top_awaiting": [
            {
                "id": int,
                "supplier": str,
                "country": OPT_STR,
                "item": str,
                "quantity": (*NUMBER, type(None)),
                "unit": OPT_STR,
                "status": str,
                "next_action_at": OPT_STR,
            }
        ],
    },
    "shift": {"officer": str, "started_at": str, "taken_over_from": (int, type(None))},
    "handover": {
        "id": int,
        "from_officer": str,
        "to_officer": OPT_STR,
        "state": str,
        "created_at": str,
        "signed_at": OPT_STR,
        "signed_by": OPT_STR,
        "acknowledged_at": OPT_STR,
        "acknowledged_by": OPT_STR,
        "items": int,
        "items_acknowledged": int,
    },
    "sources": [
        {
            "name": str,
            "kind": str,
            "state": str,
            "last_ok_at": OPT_STR,
            "last_error_at": OPT_STR,
            "last_error": OPT_STR,
            "failing_since": OPT_STR,
            "quarantine_open": int,
        }
    ],
    "supplies": [
        {
            "category": str,
            "unit": OPT_STR,
            "received": NUMBER,
            "distributed": NUMBER,
            "in_stock": NUMBER,
        }
    ],
    "arrivals": {
        "hours": int,
        "count": int,
        "overdue": int,
        "top": [{"id": int, "kind": str, "state": str, "eta": str, "what": str, "overdue": bool}],
    },
    "rollcall": {
        "reported": int,
        "late": int,
        "due": int,
        "missing": int,
        "units_missing": [str],
    },
    "quarantine": {"open": int, "oldest_at": OPT_STR, "by_source": dict},
    # (issue 23; the shape of a target's entry: tests/outbox/test_status_check.py)
    "notifications": {
        "targets": list,
        "waiting": int,
        "oldest_waiting_at": OPT_STR,
        "sender": OPT_STR,
    },
}


def check_shape(value: object, shape: object, where: str = "$") -> None:
    if isinstance(shape, dict):
        assert isinstance(value, dict), where
        assert list(value) == list(shape), f"{where}: keys {list(value)} != {list(shape)}"
        for key, sub in shape.items():
            check_shape(value[key], sub, f"{where}.{key}")
    elif isinstance(shape, list):
        assert isinstance(value, list), where
        assert value, f"{where}: empty, so its items' shape is not checked"
        for i, item in enumerate(value):
            check_shape(item, shape[0], f"{where}[{i}]")
    else:
        bool_ok = shape is bool
        assert isinstance(value, shape) and (bool_ok or not isinstance(value, bool)), (  # type: ignore[arg-type]
            f"{where}: {value!r}"
        )


def test_json_shape_is_stable(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    path.write_bytes(demo_db.read_bytes())
    officer = Store.open(path, clock=FakeClock())
    with officer.transaction() as conn:
        conn.execute(
            "INSERT INTO sources (name, kind, location, last_ok_at) VALUES ('units', 'drop', "
            "'/srv/drop', ?)",
            (NOW_ISO,),
        )
    record_received(officer, "goggles", 40, "pcs")
    officer.close()
    store = Store.open(path, readonly=True, clock=FakeClock())
    try:
        data = json.loads(render_json(build_status(store)))
    finally:
        store.close()
    check_shape(data, SHAPE)
    assert data["schema"] == 1
    assert data["generated_at"] == "2020-02-04T19:00:00+00:00"
    assert data["requests"]["total"] == sum(data["requests"]["by_status"].values())
    assert len(data["requests"]["top_urgent"]) == 5
    assert data == to_json_dict(build_status_for(path))


def build_status_for(path: Path) -> DeskStatus:
    store = Store.open(path, readonly=True, clock=FakeClock())
    try:
        return build_status(store)
    finally:
        store.close()


# -- the command -------------------------------------------------------------------------


def test_client_options_from_ssh_are_words_not_a_shell() -> None:
    assert client_options("") == (False, None, False)
    assert client_options("status --json") == (True, None, False)
    assert client_options("dutyboard status --lang zh_CN") == (False, "zh_CN", False)
    assert client_options("json --lang=zh_CN") == (True, "zh_CN", False)
    assert client_options("rm -rf / ; echo pwned") == (False, None, True)
    assert client_options("--lang fr --json") == (True, None, True)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={
            **os.environ,
            "DUTYBOARD_CONFIG": os.devnull,
            "DUTYBOARD_LANG": "en",  # unless the config or --lang says otherwise
            **(env or {}),
        },
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_status_command(demo_db: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[desk]\nname = "CLI desk"\nlang = "zh_CN"\n')
    text = cli("status", "--db", str(demo_db), "--config", str(config))
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("CLI desk — 状态 ")  # desk.lang from the config
    english = cli("status", "--db", str(demo_db), "--config", str(config), "--lang", "en")
    assert english.stdout.startswith("CLI desk — status at ")
    default = cli("status", "--db", str(demo_db))  # no desk.lang: the locale decides
    assert default.stdout.startswith("Duty desk — status at ")
    chinese_locale = cli(
        "status",
        "--db",
        str(demo_db),
        env={"DUTYBOARD_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"},
    )
    assert chinese_locale.stdout.startswith("Duty desk — 状态 ")
    global_option = cli("--lang", "zh_CN", "status", "--db", str(demo_db))
    assert global_option.stdout.startswith("Duty desk — 状态 ")
    as_json = cli("--db", str(demo_db), "--config", str(config), "status", "--json")
    assert json.loads(as_json.stdout)["desk"]["name"] == "CLI desk"
    forced = cli(
        "status",
        "--ssh-options",
        "--db",
        str(demo_db),
        "--config",
        str(config),
        env={"SSH_ORIGINAL_COMMAND": "status --json ; reboot"},
    )
    assert json.loads(forced.stdout)["schema"] == 1
    # The config says desk.lang = "zh_CN": the refusal speaks it too (issue 20).
    assert forced.stderr.strip() == "dutyboard: 此密钥只能查看状态；命令的其余部分已忽略"
    # Without --ssh-options the variable means nothing.
    plain = cli(
        "status",
        "--db",
        str(demo_db),
        "--config",
        str(config),
        env={"SSH_ORIGINAL_COMMAND": "--json"},
    )
    assert plain.stdout.startswith("CLI desk — 状态 ") and plain.stderr == ""


def test_missing_database_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = cli("status", "--db", str(missing))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"dutyboard: no desk at {missing} (the file does not exist): `dutyboard init` sets "
        "up a real desk, --create makes a new, empty one here, `dutyboard demo` a demo desk\n"
    )
    assert not missing.exists()
