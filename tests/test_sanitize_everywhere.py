"""Issue 17 point 3: text that skips ingest cannot reach a terminal.

An OSC 52 payload in ``--user`` once wrote "rm -rf ~" into a leader's clipboard; shift
officers, handover notes, supplies fields and ``desk.name`` were stored as typed and
printed raw. Here the payloads go through every door into the store (its API, the CLI in
real processes, the config file) and every output (CLI text and ``--json``, the Markdown
handover export, the daily report), and a desk written before the rule (dirty text put in
with plain SQL) is shown too. The stored and the printed bytes must hold none of it; CJK,
emoji and ordinary text must come through.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dutyboard.domain.clock import to_iso
from dutyboard.domain.handover import Brief, BriefLine, Section
from dutyboard.domain.rollcall import UnitSpec, parse_rule
from dutyboard.reports import daily
from dutyboard.reports.status.as_json import render_json
from dutyboard.reports.status.build import build_status
from dutyboard.reports.status.text import render_text
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from dutyboard.store import handovers as ho
from dutyboard.store import rollcall as rc
from dutyboard.store import shifts as sh
from dutyboard.store import supplies as ledger
from tests.conftest import FIXED_NOW, FakeClock

# -- the payloads ----------------------------------------------------------------------

RM_RF = "cm0gLXJmIH4="  # base64 of "rm -rf ~": what the clipboard got
ESCAPES = {
    "OSC 52 clipboard": f"\x1b]52;c;{RM_RF}\x07",
    "OSC 0 title": "\x1b]0;pwned title\x1b\\",
    "CSI": "\x1b[2J\x1b[31m",
    "C1 CSI": "\x9b31m",
    "C1 OSC": "\x9d0;pwned\x9c",
    "bidi override": "\u202e\u2066",
}
INVISIBLE = {
    "tag characters": "\U000e0001\U000e0041\U000e007f",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "U+206A-206F": "\u206a\u206b\u206c\u206d\u206e\u206f",
    "U+2061-2064": "\u2061\u2062\u2063\u2064",
    "U+FFF9-FFFB": "\ufff9\ufffa\ufffb",
    "U+180E": "\u180e",
    "soft hyphen": "\u00ad",
    "U+17B4/17B5": "\u17b4\u17b5",
    "U+034F": "\u034f",
    "Hangul fillers": "\u115f\u1160\u3164\uffa0",
    "zero width": "\u200b\u200d\ufeff",
}
MIDDLE = "".join(ESCAPES.values()) + "".join(INVISIBLE.values())
LONE_SELECTORS = "\ufe0f\U000e0100"  # variation selectors with no base character
MARKS = "\u0301" * 10  # ten stacked combining marks
KEEP = "张伟 😷 Ünïcode ❤️ #️⃣ 🇨🇳 👍🏽 [bold]"  # CJK, emoji, VS16 after a base, markup


def hostile(word: str) -> str:
    """``word`` with every payload in it: selectors first, escapes and invisible
    characters inside, ten marks stacked on its last letter."""
    return LONE_SELECTORS + word[:2] + MIDDLE + word[2:] + MARKS


def cleaned(word: str) -> str:
    """What the sanitiser makes of ``hostile(word)``: the word, four marks kept."""
    return word + "\u0301" * 4


# -- what "clean" means ----------------------------------------------------------------

BAD_CHARS = {
    *(chr(c) for c in range(0x20) if c not in (0x09, 0x0A)),
    *(chr(c) for c in range(0x7F, 0xA0)),
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
    *"".join(INVISIBLE.values()),
}
REMNANTS = (RM_RF, "]52;", "pwned", "[2J", "[31m", "31m", "\\u001b", "\\u009b", "\\u0007")
VARIATION = {*(chr(c) for c in range(0xFE00, 0xFE10)), *(chr(c) for c in range(0xE0100, 0xE01F0))}


def problems(text: str) -> list[str]:
    """Everything hostile left in ``text`` (empty: clean)."""
    found = [f"U+{ord(ch):04X}" for ch in sorted(set(text) & BAD_CHARS)]
    found += [f"surrogate U+{ord(ch):04X}" for ch in set(text) if 0xD800 <= ord(ch) < 0xE000]
    found += [repr(r) for r in REMNANTS if r in text]
    run, previous = 0, "\n"
    for ch in text:
        if ch in VARIATION and (
            previous.isspace() or previous in VARIATION or unicodedata.category(previous)[0] == "M"
        ):
            found.append(f"variation selector after {previous!r}")
        if unicodedata.category(ch)[0] == "M":
            run += 1
            if run > 4:
                found.append(f"{run} stacked marks")
        else:
            run = 0
        previous = ch
    return found


def assert_clean(text: str, where: str) -> None:
    assert problems(text) == [], f"{where}: {problems(text)} in {text[:400]!r}"


def strings(value: Any) -> Iterator[str]:
    """Every text inside decoded JSON, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def assert_clean_json(text: str, where: str) -> Any:
    assert_clean(text, where)
    data = json.loads(text)
    for value in strings(data):
        assert_clean(value, f"{where} (decoded)")
    return data


VERBATIM = {"raw", "original"}  # the audit copies of the original bytes
JSON_COLUMNS = {"before", "after", "extra", "brief", "also", "settings"}


def stored_problems(db: Path) -> list[str]:
    """Every hostile text stored in ``db``, read with plain sqlite3: every table, every
    text column (JSON decoded too), except the verbatim copies of the original bytes."""
    found = []
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            if table == "quarantine":
                continue  # ingest's copies of what it could not read: original bytes
            cur = conn.execute(f"SELECT * FROM {table}")  # names from the schema
            columns = [d[0] for d in cur.description]
            for row in cur:
                for column, value in zip(columns, row, strict=True):
                    if not isinstance(value, str) or column in VERBATIM:
                        continue
                    texts = [value]
                    if column in JSON_COLUMNS and value[:1] in "{[":
                        data = json.loads(value)
                        if isinstance(data, dict):
                            data.pop("raw", None)  # an event's copy of the raw payload
                        texts = [json.dumps(data, ensure_ascii=False), *strings(data)]
                    for text in texts:
                        for problem in problems(text):
                            found.append(f"{table}.{column}: {problem} in {text[:120]!r}")
    finally:
        conn.close()
    return found


# -- running the CLI for real ----------------------------------------------------------


def run(*args: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(env or {})}
    environ.pop("DUTYBOARD_CONFIG", None)
    environ.pop("DUTYBOARD_USER", None)
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        env=environ,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def ok(*args: str | bytes, env: dict[str, str] | None = None) -> str:
    result = run(*args, env=env)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert_clean(result.stderr, f"stderr of {args[:4]!r}")
    assert_clean(result.stdout, f"stdout of {args[:4]!r}")
    return result.stdout


def toml_escaped(text: str) -> str:
    """A TOML basic string holding ``text`` (controls and all as \\u escapes)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\' or code < 0x20 or 0x7F <= code <= 0x9F or not ch.isprintable():
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """A real config.toml whose desk name and user are hostile."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[desk]\n"
        f"name = {toml_escaped(hostile('Night desk'))}\n"
        'timezone = "Asia/Shanghai"\n'
        f"user = {toml_escaped(hostile('Config user'))}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def empty_desk(tmp_path: Path) -> Path:
    db = tmp_path / "desk.db"
    Store.open(db, actor="seed").close()
    return db


# -- the sanitiser's contract, as the rest of this file relies on it -------------------


def test_the_payloads_clean_to_the_word_and_keep_the_rest() -> None:
    from dutyboard.domain.text import clean_text

    assert clean_text(hostile("Evelyn")) == cleaned("Evelyn")
    assert clean_text(KEEP) == KEEP
    assert problems(hostile("Evelyn"))  # the checker sees every payload
    for name, payload in {**ESCAPES, **INVISIBLE}.items():
        assert problems(f"a{payload}b"), name
    assert problems("x" + MARKS) and problems(LONE_SELECTORS + "x")
    assert problems(KEEP) == [] and problems(cleaned("Evelyn")) == []


# -- every write path of the store -----------------------------------------------------


def test_every_store_write_path_stores_clean_text(db_path: Path, clock: FakeClock) -> None:
    store = Store.open(db_path, actor=hostile("Evelyn"), clock=clock)
    try:
        assert store.actor == cleaned("Evelyn")
        h = hostile
        dirty_raw = f"raw,{MIDDLE},kept as it came"
        request = store.add_request(
            {
                "org": h("Jilin University"),
                "item": h("KN95 masks") + " " + KEEP,
                "requester": h("Wang Fang"),
                "phone": h("+86 431 8888"),
                "email": h("wf@example.org"),
                "unit": h("pcs"),
                "notes": h("first line") + "\n" + h("second line"),
                "assignee": h("Li Na"),
                "source": h("manual"),
                "extra": {h("colour"): h("red"), "list": [h("a"), h("b")]},
                "raw": dirty_raw,
            }
        )
        # extra as JSON text whose escapes hide ESC (json.dumps writes \u001b).
        escaped = store.add_request(
            {"org": "A", "item": "B", "extra": json.dumps({"k": h("value")}, sort_keys=True)}
        )
        # The batch path the collector takes: one dirty record among clean ones.
        with store.transaction() as conn:
            results = store.insert_records(
                conn,
                "requests",
                [
                    {"org": "Clean unit", "item": "gloves", "external_id": "1", "source": "s"},
                    {
                        "org": h("Dirty unit"),
                        "item": h("goggles"),
                        "external_id": "2",
                        "source": "s",
                        "raw": dirty_raw,
                    },
                    {"org": "Clean again", "item": "suits", "external_id": "3", "source": "s"},
                ],
            )
        assert all(isinstance(r, int) for r in results)
        store.assign("requests", request, h("Zhang Wei"))
        store.add_note("requests", request, h("called back"))
        store.set_request_status(escaped, "rejected", reason=h("duplicate"))
        lead = store.add_lead(
            {
                "supplier": h("Lanka Medical"),
                "country": h("LK"),
                "item": h("gloves"),
                "contact_name": h("Perera"),
                "certification": h("CE"),
                "notes": h("n"),
            }
        )
        store.assign("leads", lead, h("Li Na"))
        contact = store.add_contact(
            {
                "name": h("Kumar"),
                "org": h("Embassy"),
                "role": h("attaché"),
                "city": h("Colombo"),
                "tags": h("vip"),
                "wechat": h("kumar_lk"),
                "notes": h("night calls ok"),
            }
        )
        store.record_contact_attempt(contact, h("phone"), h("no answer"), h("try later"))

        # Shifts and a whole handover, by officers with hostile names.
        store.actor = h("Li Na")
        sh.take_over(store)
        assert store.current_shift() is not None
        assert store.current_shift().officer == cleaned("Li Na")  # type: ignore[union-attr]
        handover = ho.draft_handover(store)
        ho.set_notes(store, handover, h("watch the 01:00 flight") + "\n" + h("call Colombo"))
        note_item = ho.add_item(store, handover, "note", summary=h("permit"), next_step=h("ask"))
        ho.add_item(store, handover, "request", escaped, next_step=h("chase"))
        ho.sign_handover(store, handover, to_officer=h("Wang Fang"))
        store.actor = h("Wang Fang")
        ho.ask_question(store, note_item, h("which permit?"))
        ho.amend_handover(store, handover, h("flight moved to 02:00"))
        ho.acknowledge_all(store, handover)
        sh.take_over(store, h("Zhang Wei"))

        # The supplies ledger.
        ledger.record_received(
            store, h("医用外科口罩"), 50000, h("只"), counterparty=h("Sister city"), notes=h("n")
        )
        ledger.record_distributed(
            store, h("KN95 masks"), 2000, h("pcs"), counterparty=h("Jilin Univ"), notes=h("n")
        )
        ledger.record_funds(store, 500000, "CNY", h("Overseas association"), notes=h("n"))

        # Arrivals.
        eta = to_iso(FIXED_NOW + timedelta(hours=5))
        shipment = arr.add_arrival(
            store,
            {
                "kind": "shipment",
                "eta": eta,
                "reference": h("CZ8421"),
                "item": h("masks"),
                "carrier": h("China Southern"),
                "origin_country": h("LK"),
                "origin_city": h("Colombo"),
                "destination": h("PVG"),
                "contact": h("agent"),
                "notes": h("n"),
                "extra": {"k": h("v")},
            },
        )
        arr.add_arrival(store, {"kind": "traveller", "eta": eta, "traveller": h("Li Ming")})
        arr.add_arrival_note(store, shipment, h("docs ready"))
        arr.delay(store, shipment, to_iso(FIXED_NOW + timedelta(hours=7)), note=h("weather"))

        # Roll-call units (as the config or a form gives them) and a manual mark.
        spec = UnitSpec(h("Erdao District"), parse_rule("daily by 17:00"), also=(h("二道区"),))
        rc.add_unit(store, spec)
        rc.mark_reported(store, cleaned("Erdao District"), "Asia/Shanghai", note=h("by phone"))
        rc.sync_units(store, [spec])  # the same unit again: found, not doubled
        assert len(rc.units(store)) == 1
    finally:
        store.close()

    assert stored_problems(db_path) == []
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM requests WHERE id = ?", (request,)).fetchone()
        assert row["org"] == cleaned("Jilin University")
        assert row["item"] == cleaned("KN95 masks") + " " + KEEP  # CJK, emoji survive
        assert row["notes"].startswith(cleaned("first line") + "\n" + cleaned("second line"))
        assert row["assignee"] == cleaned("Zhang Wei")
        assert json.loads(row["extra"]) == {
            cleaned("colour"): cleaned("red"),
            "list": [cleaned("a"), cleaned("b")],
        }
        assert row["raw"] == dirty_raw  # the audit copy keeps every byte
        extra = conn.execute("SELECT extra FROM requests WHERE id = ?", (escaped,)).fetchone()[0]
        assert json.loads(extra) == {"k": cleaned("value")}
        officers = [r[0] for r in conn.execute("SELECT officer FROM shifts ORDER BY id")]
        assert officers == [cleaned("Li Na"), cleaned("Wang Fang"), cleaned("Zhang Wei")]
        actors = {r[0] for r in conn.execute("SELECT actor FROM events")}
        assert cleaned("Evelyn") in actors and cleaned("Wang Fang") in actors
        notes = conn.execute("SELECT notes FROM handovers").fetchone()[0]
        assert notes == cleaned("watch the 01:00 flight") + "\n" + cleaned("call Colombo")
        unit = conn.execute("SELECT name, also FROM reporting_units").fetchone()
        assert unit[0] == cleaned("Erdao District")
        assert json.loads(unit[1]) == [cleaned("二道区")]
    finally:
        conn.close()


def test_ingested_text_goes_through_the_same_door(db_path: Path) -> None:
    """The collector's path: ingest cleans its fields, and the store cleans again what a
    parser's shortcut let through (marks, selectors, invisible letters are printable)."""
    from dutyboard.ingest.store_sink import ingest_bytes

    printable_tricks = LONE_SELECTORS + "Ji\u034f\u3164lin" + MARKS
    rows = [
        ["org", "item", "notes", "编号"],
        [hostile("Jilin University"), printable_tricks, KEEP, "R1"],
        ["Clean unit", "gloves", "plain", "R2"],
    ]
    data = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode() + b"\n"
    store = Store.open(db_path, actor=hostile("collector"))
    try:
        first = ingest_bytes(store, data, "units.csv", kind="requests", source="units")
        again = ingest_bytes(store, data, "units.csv", kind="requests", source="units")
    finally:
        store.close()
    assert first.added == 2, first
    assert again.added == 0 and again.updated == 0, again  # same file: nothing new
    assert stored_problems(db_path) == []
    conn = sqlite3.connect(db_path)
    try:
        got = conn.execute("SELECT org, item, notes FROM requests ORDER BY id").fetchall()
    finally:
        conn.close()
    assert got[0] == (cleaned("Jilin University"), "Jilin" + "\u0301" * 4, KEEP)
    assert got[1] == ("Clean unit", "gloves", "plain")


# -- the CLI: --user, arguments and the config file ------------------------------------


def test_an_osc52_user_name_never_reaches_the_desk(empty_desk: Path) -> None:
    db = str(empty_desk)
    # Nothing but the payload: no name is left, so no shift starts; one clean line.
    result = run("--user", ESCAPES["OSC 52 clipboard"], "shift", "start", "--db", db)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert_clean(result.stderr, "stderr")
    assert result.stderr.strip() == "dutyboard: a shift needs an officer name"
    # A name with the payloads in it: the name is kept, the payloads are not.
    out = ok("--user", hostile("Evelyn"), "shift", "start", "--db", db)
    assert out.strip() == f"{cleaned('Evelyn')} is on duty (shift #1)"
    # 8-bit C1 bytes as a terminal sends them (not UTF-8: they arrive as surrogates).
    out = ok(b"--user", b"Zh\x9b31m\x9d0;pwned\x9cang", b"shift", b"start", b"--db", db.encode())
    assert out.strip().startswith(
        f"Zhang is on duty (shift #2); took over from {cleaned('Evelyn')}"
    )
    shown = ok("shift", "show", "--db", db)
    assert shown.startswith("On duty: Zhang since")
    assert f"(took over from {cleaned('Evelyn')})" in shown
    assert stored_problems(empty_desk) == []


def test_cli_writes_and_prints_clean_text(empty_desk: Path, config_path: Path) -> None:
    db, cfg = str(empty_desk), str(config_path)
    li, wang = hostile("Li Na"), hostile("Wang Fang")
    ok("--user", li, "shift", "start", "--db", db, "--config", cfg)
    out = ok("--user", li, "handover", "draft", "--notes", hostile("draft notes"), "--db", db)
    assert out.startswith("draft handover #1")
    notes = hostile("signed notes") + "\n" + KEEP
    out = ok("--user", li, "handover", "sign", "--notes", notes, "--db", db)
    assert out.startswith(f"handover #1 signed by {cleaned('Li Na')} at ")
    assert "amendment added" in ok(
        "--user", wang, "handover", "amend", "1", hostile("amend"), "--db", db
    )
    shown = ok("handover", "show", "1", "--db", db)
    assert cleaned("signed notes") in shown and cleaned("amend") in shown
    assert KEEP in shown  # CJK, emoji (VS16, keycap, flag, skin tone), brackets: as typed
    markdown = ok("handover", "export", "1", "--db", db)
    assert markdown.startswith(f"## Handover #1: {cleaned('Li Na')} →")
    assert cleaned("signed notes") in markdown
    assert cleaned("Li Na") in ok("handover", "export", "--format", "text", "--db", db)
    listed = ok("handover", "list", "--search", hostile("Li"), "--db", db)
    assert listed.strip().endswith("handover(s) matching 'Li\u0301\u0301\u0301\u0301'")
    out = ok("--user", wang, "handover", "ack", "--db", db)
    assert f"acknowledged by {cleaned('Wang Fang')}" in out

    # Supplies typed on the command line.
    out = ok(
        "--user",
        wang,
        "supplies",
        "receive",
        hostile("医用外科口罩"),
        "5万",
        hostile("只"),
        "--from",
        hostile("Sister city"),
        "--notes",
        hostile("night"),
        "--db",
        db,
    )
    assert cleaned("医用外科口罩") in out
    ok(
        "--user",
        wang,
        "supplies",
        "distribute",
        hostile("KN95 masks"),
        "2000",
        "--to",
        hostile("Jilin University"),
        "--db",
        db,
    )
    assert "Funds received" in ok("supplies", "tally", "--db", db)
    assert_clean_json(ok("supplies", "tally", "--json", "--db", db), "supplies tally --json")

    # The user from the config file (no --user): cleaned like --user.
    out = ok("shift", "start", "--db", db, "--config", cfg)
    assert out.startswith(f"{cleaned('Config user')} is on duty")

    # status: the desk name comes from the config file.
    text = ok("status", "--db", db, "--config", cfg)
    assert text.startswith(cleaned("Night desk") + " — status at")
    assert f"On duty: {cleaned('Config user')}" in text
    data = assert_clean_json(ok("status", "--json", "--db", db, "--config", cfg), "status --json")
    assert data["desk"]["name"] == cleaned("Night desk")
    assert data["shift"]["officer"] == cleaned("Config user")

    # The daily report, Markdown to stdout.
    report = ok("report", "--db", db, "--config", cfg)
    assert report.startswith(f"# {cleaned('Night desk')} — daily report for")
    assert stored_problems(empty_desk) == []


# -- a desk written before the rule: dirty text already stored -------------------------


@pytest.fixture
def dirty_desk(tmp_path: Path) -> Path:
    """A desk whose text went in raw (an older dutyboard, another program, plain SQL)."""
    db = tmp_path / "old.db"
    now = datetime.now(UTC)  # the CLI reads the wall clock
    store = Store.open(db, actor="seed")
    try:
        request = store.add_request(
            {
                "org": "org",
                "item": "item",
                "priority": "urgent",
                "due_by": to_iso(now - timedelta(hours=1)),
            }
        )
        store.add_lead({"supplier": "sup", "item": "gloves"})
        store.actor = "officer"
        store.start_shift("officer")
        store.acknowledge_request(request)
        handover = ho.draft_handover(store)
        ho.add_item(store, handover, "note", summary="note item")
        ledger.record_received(store, "masks", 100, "pcs", counterparty="donor")
        arr.add_arrival(
            store,
            {
                "kind": "shipment",
                "eta": to_iso(now + timedelta(hours=2)),
                "item": "masks",
                "reference": "CZ1",
            },
        )
        arr.add_arrival(
            store,
            {"kind": "traveller", "eta": to_iso(now + timedelta(hours=3)), "traveller": "Li Ming"},
        )
        rc.add_unit(store, UnitSpec("unit", parse_rule("daily by 23:59")))
        rc.mark_reported(store, "unit", "Asia/Shanghai", note="note")
    finally:
        store.close()
    h = hostile
    brief = Brief(
        covers_from=to_iso(now - timedelta(hours=8)),
        covers_to=to_iso(now),
        events=1,
        sections=(
            Section("shifts", h("Shifts"), 1, (BriefLine(h("started"), h("ref"), None, h("x")),)),
        ),
    )
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE requests SET org = ?, item = ?, assignee = ?, notes = ?",
            (h("Jilin University"), h("KN95"), h("owner"), h("notes")),
        )
        conn.execute("UPDATE leads SET supplier = ?, country = ?", (h("Lanka"), h("LK")))
        conn.execute("UPDATE shifts SET officer = ?", (h("Li Na"),))
        conn.execute("UPDATE handover_items SET summary = ?, owner = ?", (h("sum"), h("own")))
        conn.execute(
            "UPDATE handovers SET from_officer = ?, notes = ?, state = 'signed', signed_at = ?, "
            "signed_by = ?, to_officer = ?, brief = ?",
            (h("Li Na"), h("old notes"), to_iso(now), h("Li Na"), h("Wang"), brief.to_json()),
        )
        conn.execute(
            "INSERT INTO events (at, actor, entity, entity_id, action, after) "
            "VALUES (?, ?, 'handover', 1, 'amend', ?)",
            (to_iso(now), h("amender"), json.dumps({"text": h("amendment")})),
        )
        conn.execute(
            "UPDATE supplies SET item = ?, counterparty = ?, unit = ?, actor = ?",
            (h("masks"), h("donor"), h("pcs"), h("actor")),
        )
        conn.execute(
            "UPDATE arrivals SET reference = ?, item = ?, traveller = ?, origin_city = ?, "
            "origin_country = ?",
            (h("CZ1"), h("masks"), h("Li Ming"), h("Colombo"), h("LK")),
        )
        conn.execute("UPDATE reporting_units SET name = ?", (h("unit"),))
        conn.execute("UPDATE roll_calls SET note = ?, actor = ?", (h("note"), h("actor")))
        conn.execute(
            "INSERT INTO sources (name, kind, location, last_error_at, last_error) "
            "VALUES (?, 'folder', '/x', ?, ?)",
            (h("feed"), to_iso(now), h("broken")),
        )
    conn.close()
    assert stored_problems(db)  # dirty indeed
    return db


def test_every_output_cleans_a_desk_written_before_the_rule(dirty_desk: Path) -> None:
    db = str(dirty_desk)
    shown = ok("shift", "show", "--db", db)
    assert shown.startswith(f"On duty: {cleaned('Li Na')} since")
    text = ok("handover", "show", "1", "--db", db)
    assert cleaned("old notes") in text and cleaned("amendment") in text
    assert cleaned("started") in text and cleaned("sum") in text
    markdown = ok("handover", "export", "1", "--db", db)
    assert cleaned("old notes") in markdown
    ok("handover", "export", "1", "--format", "text", "--db", db)
    listed = ok("handover", "list", "--db", db)
    assert f"#1  {cleaned('Li Na')} → {cleaned('Wang')}" in listed
    status = ok("status", "--db", db)
    assert cleaned("Jilin University") in status and cleaned("feed") in status
    data = assert_clean_json(ok("status", "--json", "--db", db), "status --json")
    assert data["requests"]["top_urgent"][0]["org"] == cleaned("Jilin University")
    assert data["shift"]["officer"] == cleaned("Li Na")
    arrivals = ok("arrivals", "--db", db)
    assert "Li Ming" in arrivals and "CZ1" in arrivals
    data = assert_clean_json(ok("arrivals", "--json", "--db", db), "arrivals --json")
    assert {a["traveller"] for a in data["arrivals"]} >= {cleaned("Li Ming")}
    assert "unit" in ok("rollcall", "--db", db)
    assert_clean_json(ok("rollcall", "--json", "--db", db), "rollcall --json")
    ok("rollcall", "history", "1", "--db", db)
    assert_clean_json(ok("rollcall", "history", "1", "--json", "--db", db), "history --json")
    assert "Funds received" in ok("supplies", "tally", "--db", db)
    assert_clean_json(ok("supplies", "tally", "--json", "--db", db), "supplies tally --json")
    report = ok("report", "--db", db)
    assert cleaned("masks") in report or "masks" in report
    ok("report", "--format", "csv", "--db", db)


def test_library_outputs_clean_a_desk_written_before_the_rule(dirty_desk: Path) -> None:
    store = Store.open(dirty_desk, readonly=True, actor="leader")
    try:
        status = build_status(store, desk_name=hostile("Night desk"))
        assert_clean(render_text(status), "render_text")
        assert_clean(render_text(status, lang="zh_CN"), "render_text zh_CN")
        assert_clean_json(render_json(status), "render_json")
        assert_clean_json(render_json(status, ascii_only=True), "render_json ascii")
        local = str
        assert_clean(ho.handover_markdown(store, 1, local), "handover_markdown")
        assert_clean(ho.handover_text(store, 1, local), "handover_text")
        view = ho.handover_view(store, 1)
        for row in (view.handover, *view.items, *view.amendments):
            for value in row.values():
                if isinstance(value, str) and value[:1] != "{":
                    assert_clean(value, "handover_view")
        assert sh.shift_on_duty(store)["officer"] == cleaned("Li Na")  # type: ignore[index]
        for row in ho.handover_history(store):
            assert_clean(json.dumps(row, ensure_ascii=False), "handover_history")
        day = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
        report = daily.build_daily_report(store, day, desk_name=hostile("Night desk"))
        markdown = daily.render_markdown(report)
        assert markdown.startswith(f"# {cleaned('Night desk')} — daily report for")
        assert_clean(markdown, "daily markdown")
        assert_clean(daily.render_csv(report).replace("\r\n", "\n"), "daily csv")
        data = daily.to_json_dict(report)
        assert_clean_json(json.dumps(data, ensure_ascii=False), "daily json")
        assert data["desk_name"] == cleaned("Night desk")
    finally:
        store.close()
