"""The core in Chinese, all the way (issue 20): what the store and the domain say when
they refuse something, the handover as text, the ingest summary lines — said in the
interface language when they are shown, and never in what is stored.

The rule: translate at the moment text is shown to a person, never text that is
stored. A quarantine reason, an event, a note, the brief frozen into a signed handover,
a value in ``--json`` output stay English (the database is shared by officers who may
run different languages); where such a text is shown it is said again in the
interface language.

Two kinds of check, as tests/test_cli_i18n.py does for the command line. The sources:
every ``raise`` of a message in ``dutyboard/store`` and ``dutyboard/domain`` is parsed
with ``ast``, and a worded literal (or an f-string with words) handed to it outside
``_()`` is flagged, unless :data:`ALLOWED` lists it with its reason. The behaviour:
``dutyboard.cli.main`` on a demo desk under ``--lang zh_CN`` and ``--lang en``.
"""

from __future__ import annotations

import ast
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dutyboard import demo, i18n
from dutyboard.cli import main
from dutyboard.domain import arrivals as domain_arrivals
from dutyboard.domain import handover as domain_handover
from dutyboard.domain.arrivals import (
    ArrivalKind,
    ArrivalState,
    check_arrival_transition,
    zone_guess,
)
from dutyboard.domain.handover import SECTION_TITLES, HandoverState
from dutyboard.domain.rollcall import SETTLED
from dutyboard.domain.status import (
    ClosureReason,
    IllegalTransition,
    LeadStatus,
    RequestStatus,
    check_lead_transition,
    check_request_transition,
)
from dutyboard.domain.supplies import SupplyCatalog
from dutyboard.ingest.store_sink import SUMMARY_WORDS, IngestSummary, in_english
from dutyboard.locale import zh_CN, zh_CN_core
from dutyboard.store.quarantine import STATES
from tests.catalogue_scan import call_name, is_translation, untranslated
from tests.conftest import FIXED_NOW

REPO = Path(__file__).resolve().parents[1]
CORE_MODULES = sorted(
    [*(REPO / "dutyboard" / "store").glob("*.py"), *(REPO / "dutyboard" / "domain").glob("*.py")]
)

# The exceptions whose message is for a person: these and every subclass the core
# defines (NotFound, ValidationError, StaleEdit, HandoverLocked, LimitsConfigError…).
MESSAGE_EXCEPTIONS = {"StoreError", "IllegalTransition", "ValueError", "UsageError"}

# Messages raised in English on purpose, by file and text (a formatted value is "{}"),
# each with its reason. By exact text: a new one must be looked at, not waved through.
STORED_PREDICATE = (
    "a value parser's predicate: ingest writes it into quarantine reasons and import "
    "warnings (stored, English; retry reads the field back from the reason's first word); "
    "where it is shown to a person it is translated there, _(str(error)) (the catalogue "
    "has each: test_value_predicates_have_chinese)"
)
STORED_BY_INGEST = (
    "Store.insert_records/update_record refuse an ingested record with it, and ingest "
    "stores the refusal as the row's quarantine reason (store_sink: 'the record could "
    "not be stored: …'): English"
)
BUG_GUARD = "a guard against a bug in the caller (a person never causes it): not shown"
NEVER_SHOWN_HOURS = (
    "a contact's working hours or weekend override that does not parse falls back to "
    "the country's default (contact_groups.ContactProfile.pattern): never shown"
)
ARITHMETIC_GUARD = (
    "arithmetic on numbers the store has checked already (a bad stored value is left "
    "out of a tally): not shown"
)
_VALUE_PREDICATES = (
    "is not a currency I know",
    "is not a time zone I know (use an IANA name such as Asia/Shanghai)",
    "is not a date and time I can read",
    "is not a finite number",
    "is negative",
    "is too large (over 1,000,000,000,000)",
    "is not a number",
    "is empty",
    "is a range, not one number",
    "is an estimate (such as 十几, 几千 or 上万), not one number",
    "is not a price",
    "holds more than one number",
    "names two different currencies",
    "is not a priority I know (urgent, high, normal or low)",
    "is not a date",
    "has an offset I cannot read",
    "has an impossible UTC offset",
    "has no year",
    "has an implausible year",
    "is not a number of days",
    "is more than ten years",
    "is not a span of hours like 09:00-18:00",
    "is neither a person nor an organisation",
    "is an offset with no matching zone; give an IANA zone name",
    "has an impossible time of day",
    "is not a real calendar date",
    "is ambiguous (day/month or month/day?); write it as 2020-02-03",
)
ALLOWED: dict[tuple[str, str], str] = {
    ("dutyboard/store/outbox.py", "unknown delivery state {}"): (
        "a programming error: the sender passes one of its own three states, never a person's words"
    ),
    **{("dutyboard/domain/values.py", text): STORED_PREDICATE for text in _VALUE_PREDICATES},
    ("dutyboard/domain/values.py", "unknown time zone {}"): (
        "values.zone(): the zone of a source or desk, met by ingest and stored with its "
        "run's problem; English like the predicates"
    ),
    ("dutyboard/store/store.py", "{}: unknown field(s) {}"): STORED_BY_INGEST,
    ("dutyboard/store/store.py", "{}: {} is required"): STORED_BY_INGEST,
    ("dutyboard/store/store.py", "{} #{} does not exist"): (
        "Store.update_record's refusal; ingest stores it as a quarantine reason ('the "
        "record could not be updated: …'). The same words from the store's other doors "
        "(get, add_note, leads, requests) are translated"
    ),
    ("dutyboard/store/store.py", "unknown table {}"): BUG_GUARD,
    ("dutyboard/store/views.py", "cannot sort {} by {}"): BUG_GUARD,
    ("dutyboard/domain/clock.py", "naive datetime {}: times must carry a zone"): BUG_GUARD,
    ("dutyboard/domain/reachability.py", "{} must be timezone-aware (got naive {})"): BUG_GUARD,
    ("dutyboard/domain/rollcall.py", "unknown rule {}"): BUG_GUARD + " (parse_rule makes rules)",
    (
        "dutyboard/domain/rollcall.py",
        "a weekly rule needs a weekday (and only a weekly rule has one)",
    ): BUG_GUARD + " (parse_rule makes rules)",
    ("dutyboard/domain/supplies.py", "{} is not a finite number"): ARITHMETIC_GUARD,
    ("dutyboard/domain/supplies.py", "{} is not a number"): ARITHMETIC_GUARD,
    ("dutyboard/domain/supplies.py", "cannot add {} to {}: keep a total per currency"): (
        BUG_GUARD + " (MoneyTotals keeps one total per currency)"
    ),
    ("dutyboard/domain/supplies.py", "direction {} is not received or distributed"): BUG_GUARD,
    **{
        ("dutyboard/domain/workweek.py", text): NEVER_SHOWN_HOURS
        for text in (
            "unknown weekday {} in weekend {}; use names like Fri,Sat or numbers 0–6 (Monday=0)",
            "weekday number {} in weekend {} is out of range 0–6 (Monday=0)",
            "{}:{} in working hours {} is not a valid time",
            "working hours {} are not in the form HH:MM-HH:MM, e.g. 09:00-17:30",
            "working hours {} must end after they start; overnight hours are not supported",
            "bad weekday range {} in weekend {}; use e.g. Fri-Sat",
        )
    },
    **{
        ("dutyboard/domain/workweek.py", text): BUG_GUARD + " (WorkPattern's own checks)"
        for text in (
            "working hours must be naive local times (no tzinfo)",
            "working day must end after it starts (got {}-{})",
            "weekend days must be 0–6 (Monday=0), got {}",
        )
    },
}


def _template(expr: ast.AST) -> str:
    """A message as its literal text, "{}" for what is formatted in."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{}" for part in expr.values
        )
    if isinstance(expr, ast.BinOp):
        return _template(expr.left) + _template(expr.right)
    return "{}"


def _message_exceptions(trees: list[ast.Module]) -> set[str]:
    """MESSAGE_EXCEPTIONS and, transitively, the classes the core derives from them."""
    names = set(MESSAGE_EXCEPTIONS)
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & names:
                        names.add(node.name)
                        grew = True
    return names


def _names_in(expr: ast.AST) -> list[str]:
    """The variables a message is made of (an f-string's parts, a "+" of pieces)."""
    if isinstance(expr, ast.Name):
        return [expr.id]
    if isinstance(expr, ast.JoinedStr):
        return [
            name
            for part in expr.values
            if isinstance(part, ast.FormattedValue)
            for name in _names_in(part.value)
        ]
    if isinstance(expr, ast.BinOp):
        return _names_in(expr.left) + _names_in(expr.right)
    return []


def offenders(source: str, where: str, exceptions: set[str]) -> list[str]:
    """Worded literals raised as a message of ``exceptions`` without ``_()``: directly,
    or through a variable the same function assigned the message to."""
    tree = ast.parse(source)
    out: list[str] = []
    scopes: list[ast.AST] = [tree]
    scopes += [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for scope in scopes:
        assigned: dict[str, list[ast.AST]] = {}
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
            elif (
                isinstance(node, ast.AnnAssign | ast.AugAssign)
                and node.value is not None
                and isinstance(node.target, ast.Name)
            ):
                assigned.setdefault(node.target.id, []).append(node.value)
        for node in ast.walk(scope):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            if call_name(node.exc) not in exceptions or not node.exc.args:
                continue
            message = node.exc.args[0]
            shown = [message] + [
                value for name in _names_in(message) for value in assigned.get(name, [])
            ]
            for expr in shown:
                if is_translation(expr) or not untranslated(expr):
                    continue
                text = _template(expr)
                if (where, text) not in ALLOWED:
                    out.append(f"{where}:{getattr(expr, 'lineno', 0)}: {text!r}")
    return sorted(set(out))


def _core_trees() -> list[tuple[str, str, ast.Module]]:
    return [
        (str(path.relative_to(REPO)), source, ast.parse(source))
        for path in CORE_MODULES
        for source in [path.read_text(encoding="utf-8")]
    ]


def test_no_message_of_the_core_bypasses_the_catalogue() -> None:
    trees = _core_trees()
    exceptions = _message_exceptions([tree for _where, _source, tree in trees])
    assert {"NotFound", "ValidationError", "StaleEdit", "HandoverLocked"} <= exceptions
    found = [
        line for where, source, _tree in trees for line in offenders(source, where, exceptions)
    ]
    assert not found, "messages raised without _() (translate, or list why not):\n" + "\n".join(
        found
    )


def test_the_allow_list_is_still_needed() -> None:
    """Each allowed message is still raised so: a stale entry would wave a new one by."""
    raised: set[tuple[str, str]] = set()
    trees = _core_trees()
    exceptions = _message_exceptions([tree for _where, _source, tree in trees])
    for where, _source, tree in trees:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and call_name(node.exc) in exceptions
                and node.exc.args
            ):
                raised.add((where, _template(node.exc.args[0])))
    assert not set(ALLOWED) - raised, sorted(set(ALLOWED) - raised)


def test_the_scan_catches_what_it_should() -> None:
    source = """
class NotHere(StoreError):
    pass

def f(x):
    raise NotHere(f"record #{x} does not exist")

def g(x):
    message = f"{x} is gone for good"
    raise ValueError(message)

def h(x):
    raise ValueError(_("{x} is fine").format(x=x))

def i(x):
    raise KeyError(f"not a message {x}")

def j(x):
    raise ValueError(f"{x}")
"""
    exceptions = _message_exceptions([ast.parse(source)])
    found = [line.split(": ", 1)[1] for line in offenders(source, "sample.py", exceptions)]
    assert found == ["'record #{} does not exist'", "'{} is gone for good'"], found


# -- the catalogue ------------------------------------------------------------------------


def _keys(path: Path) -> list[str]:
    return [
        key.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    ]


def test_the_core_catalogue_repeats_no_key() -> None:
    locale = REPO / "dutyboard" / "locale"
    ours = _keys(locale / "zh_CN_core.py")
    assert len(ours) == len(set(ours))
    for other in sorted(locale.glob("zh_CN*.py")):
        if other.name != "zh_CN_core.py":
            shared = set(ours) & set(_keys(other))
            assert not shared, f"also in {other.name}: {sorted(shared)}"
    assert set(zh_CN_core.MESSAGES) <= set(zh_CN.MESSAGES)  # registered


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_core_translations_keep_their_placeholders() -> None:
    for english, chinese in zh_CN_core.MESSAGES.items():
        assert sorted(_PLACEHOLDER.findall(english)) == sorted(_PLACEHOLDER.findall(chinese)), (
            english
        )
        assert not re.search(r"[\u4e00-\u9fff]", english), english


def test_words_said_through_a_variable_have_chinese() -> None:
    """What the core translates through ``_(word)``, ``tr(CONSTANT)`` or the stored-word
    helpers (shown_word, shown_noun) rather than a literal ``_()``."""
    from dutyboard.domain.limits import _UNITS

    words = [
        *SUMMARY_WORDS,
        *SECTION_TITLES.values(),
        "Stale: open, untouched for {hours} h or more",
        "Arriving in the next {hours} hours (and overdue)",
        *set(_UNITS.values()),
        *("an item", "the unit", "the counterparty", "the notes", "the quantity", "the amount"),
        *(s.value.replace("_", " ") for s in (*RequestStatus, *LeadStatus, *ClosureReason)),
        *(s.value for s in (*ArrivalKind, *ArrivalState, *HandoverState, *SETTLED)),
        *(s for s in STATES if s != "open"),
        *(f"conflict\x04{e}" for e in ("request", "lead", "contact", "arrival", "handover")),
        "conflict\x04reporting_unit",
        "closure reason",
    ]
    assert not [w for w in words if w not in zh_CN.MESSAGES]


def test_value_predicates_have_chinese() -> None:
    """domain/values.py raises in English (stored by ingest); its predicates are in the
    catalogue so that where one is shown, _(str(error)) says it in Chinese."""
    assert not [p for p in _VALUE_PREDICATES if p not in zh_CN.MESSAGES]


def test_zone_guess_reasons_have_chinese() -> None:
    """zone_guess's second value is a code ("several zones"), compared and stored; it
    is shown through _() (dutyboard arrivals add's "no origin zone (…)")."""
    reasons = {
        zone_guess("US", None)[1],
        zone_guess("XX", None)[1],
        zone_guess(None, None)[1],
        zone_guess("US", None, offset=datetime(2020, 1, 1, 1) - datetime(2020, 1, 1, 0, 47))[1],
    }
    assert reasons == {"several zones", "unknown country", "no country", "offset unsettled"}
    assert not [r for r in reasons if r not in zh_CN.MESSAGES]


# -- behaviour ---------------------------------------------------------------------------


@pytest.fixture
def english_after(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An environment of our own (English, an empty config) and English again after:
    the CLI sets the language for the process (and $DUTYBOARD_LANG)."""
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("DUTYBOARD_CONFIG", str(config))
    monkeypatch.setenv("DUTYBOARD_LANG", "en")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield config
    finally:
        i18n.set_language("en")


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.set_language("zh_CN")
    try:
        yield
    finally:
        i18n.set_language("en")


@pytest.fixture
def desk(english_after: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    demo.build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    return path


def _run(
    capsys: pytest.CaptureFixture[str], lang: str, desk: Path, *args: str
) -> tuple[int, str, str]:
    code = main(["--lang", lang, "--db", str(desk), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _one(desk: Path, sql: str) -> int:
    with sqlite3.connect(desk) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None, sql
    return int(row[0])


def test_an_ambiguous_or_unknown_unit(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "zh_CN", desk, "rollcall", "mark", "Changchun")
    assert code == 2
    assert err.startswith("dutyboard: 'Changchun' 匹配到多个单位（")
    assert "German School Changchun" in err and err.endswith("）；请写得更具体些\n")
    assert "matches several" not in err
    code, _out, err = _run(capsys, "zh_CN", desk, "rollcall", "mark", "Nowhere")
    assert (code, err) == (2, "dutyboard: 没有名为 'Nowhere' 的报送单位\n")
    code, _out, err = _run(capsys, "en", desk, "rollcall", "mark", "Changchun")
    assert code == 2
    assert err.startswith("dutyboard: 'Changchun' matches several units (Changchun Institute")
    assert err.endswith("German School Changchun); be more specific\n")
    assert _run(capsys, "en", desk, "rollcall", "mark", "Nowhere")[2] == (
        "dutyboard: no reporting unit is called 'Nowhere'\n"
    )


def test_a_unit_reported_twice(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "zh_CN", desk, "rollcall", "mark", "Jilin University")[0] == 0
    code, _out, err = _run(capsys, "zh_CN", desk, "rollcall", "mark", "Jilin University")
    assert code == 2
    # (reported, or late when marked after its 17:00 deadline: the wall clock decides)
    assert re.fullmatch(
        r"dutyboard: Jilin University 在 \d{4}-\d\d-\d\d 已是“(已报|迟报)”\n", err
    ), err
    code, _out, err = _run(capsys, "en", desk, "rollcall", "mark", "Jilin University")
    assert re.fullmatch(
        r"dutyboard: Jilin University is already (reported|late) for \d{4}-\d\d-\d\d\n", err
    ), err
    # What the mark wrote is English whatever the language it was made in.
    with sqlite3.connect(desk) as conn:
        notes = {
            row[0] for row in conn.execute("SELECT note FROM roll_calls WHERE by_entity = 'manual'")
        }
    assert "by phone" in notes and not any(_CJK.search(n or "") for n in notes)


def test_a_missing_quarantine_row(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "zh_CN", desk, "quarantine", "show", "1") == (
        2,
        "",
        "dutyboard: 隔离区第 #1 行不存在\n",
    )
    assert _run(capsys, "zh_CN", desk, "quarantine", "retry", "--source", "nowhere")[2] == (
        "dutyboard: 数据源 'nowhere'：没有待处理的隔离行可重试\n"
    )
    assert _run(capsys, "en", desk, "quarantine", "show", "1")[2] == (
        "dutyboard: quarantine row #1 does not exist\n"
    )
    assert _run(capsys, "en", desk, "quarantine", "retry", "--source", "nowhere")[2] == (
        "dutyboard: source 'nowhere': no open quarantine rows to retry\n"
    )


def test_illegal_changes(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The handover rules (an IllegalTransition) and the ledger's refusals, with the
    status they name said as a word."""
    assert _run(capsys, "zh_CN", desk, "handover", "ack", "1") == (
        2,
        "",
        "dutyboard: 交接 #1 已确认\n",
    )
    assert _run(capsys, "en", desk, "handover", "ack", "1")[2] == (
        "dutyboard: handover #1 is already acknowledged\n"
    )
    lead = _one(desk, "SELECT id FROM leads WHERE status = 'verifying' ORDER BY id LIMIT 1")
    code, _out, err = _run(capsys, "zh_CN", desk, "supplies", "receive", "--lead", str(lead))
    assert (code, err) == (2, f"dutyboard: 线索 #{lead} 当前为“核实中”：只有已下单的线索才能入库\n")
    assert _run(capsys, "en", desk, "supplies", "receive", "--lead", str(lead))[2] == (
        f"dutyboard: lead #{lead} is verifying: goods can be received only from a lead that "
        "was ordered\n"
    )
    closed = _one(desk, "SELECT id FROM requests WHERE status = 'closed' ORDER BY id LIMIT 1")
    args = ("supplies", "distribute", "--request", str(closed), "5")
    assert _run(capsys, "zh_CN", desk, *args)[2] == (
        f"dutyboard: 需求 #{closed} 已关闭：不能再针对它发放物资\n"
    )
    assert _run(capsys, "en", desk, *args)[2] == (
        f"dutyboard: request #{closed} is closed: nothing more can be delivered against it\n"
    )
    code, _out, err = _run(capsys, "zh_CN", desk, "shift", "end", "--user", "Somebody")
    assert err == (
        "dutyboard: 正在值班的是 Zhang Wei，不是 Somebody；如需接手值班台，请用 "
        "`dutyboard shift start`\n"
    )


def test_the_status_machines_speak_both_languages(chinese: None) -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_request_transition("in_progress", "new")
    assert str(refused.value) == (
        "需求当前为“办理中”，不能改为“新”；可改为：已关闭，已满足，部分满足，已拒绝"
    )
    with pytest.raises(IllegalTransition, match="放弃线索须注明关闭原因：无货，价格"):
        check_lead_transition("negotiating", "dropped")
    with pytest.raises(IllegalTransition) as refused:
        check_arrival_transition("shipment", "received", "landed")
    assert str(refused.value) == "货物当前为“已收到”，不能改为“已落地”；可改为：无（已是最终状态）"
    i18n.set_language("en")
    with pytest.raises(IllegalTransition) as refused:
        check_request_transition("in_progress", "new")
    assert str(refused.value) == (
        "a request that is in_progress cannot become new; allowed: closed, fulfilled, "
        "partially_fulfilled, rejected"
    )
    with pytest.raises(IllegalTransition) as refused:
        check_arrival_transition("shipment", "received", "landed")
    assert str(refused.value) == (
        "a shipment that is received cannot become landed; allowed: none (final state)"
    )


def test_handover_show_and_export(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "zh_CN", desk, "handover", "show")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == ["交接 #1：Li Na → Zhang Wei", "状态：已确认", lines[2]]
    assert lines[2].startswith("起草：") and lines[3].startswith("签字：")
    assert "移交的未办结事项（3 项，已确认 3 项）" in lines
    assert "备注" in lines and " · 负责人 Li Na · 下一步：confirm delivery time · " in out
    # What the officers wrote stays as they wrote it.
    assert "Charter flight permit still pending — call the airport at 06:00." in out
    for english in ("State:", "Drafted:", "Open items", "owner ", "acknowledged", "next:"):
        assert english not in out, english
    code, out, _err = _run(capsys, "zh_CN", desk, "handover", "export")
    assert out.startswith("## 交接 #1：Li Na → Zhang Wei\n\n- 状态：已确认\n- 起草：")
    assert "\n### 备注\n> Charter flight permit" in out
    assert "\n### 移交的未办结事项（3 项，已确认 3 项）\n- [x] " in out
    code, out, _err = _run(capsys, "en", desk, "handover", "show")
    assert out.startswith("Handover #1: Li Na → Zhang Wei\nState: acknowledged\nDrafted: ")
    assert "\nOpen items handed over (3, 3 acknowledged)\n" in out
    assert " · owner Li Na · next: confirm delivery time · acknowledged " in out
    assert not _CJK.search(out)


def test_a_draft_brief_in_both_languages(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The brief's titles and the store's own words in its lines; signed, the brief is
    frozen into the database in English."""
    assert _run(capsys, "zh_CN", desk, "shift", "start", "--user", "Li Na")[0] == 0
    assert _run(capsys, "zh_CN", desk, "handover", "draft", "--user", "Li Na")[0] == 0
    _code, out, _err = _run(capsys, "zh_CN", desk, "handover", "show")
    assert out.startswith("交接 #2：Li Na → ?\n状态：草稿\n")
    assert "\n班次 (4)\n" in out and "\n新需求（最紧急的在前） (" in out
    assert "Li Na 接班（班次 #2 结束） (Li Na)" in out
    assert re.search(r" 需求 #\d+ 特急 · .+ · 状态：新，无人负责 \(", out)
    assert "\n（无）\n" in out and "日志中" in out
    for english in ("Shifts", "New requests", "now new", "unowned", "events in the log"):
        assert english not in out, english
    _code, out, _err = _run(capsys, "en", desk, "handover", "show")
    assert out.startswith("Handover #2: Li Na → ?\nState: draft\n")
    assert "\nShifts (4)\n" in out and "Li Na took over (shift #2 ended) (Li Na)" in out
    assert re.search(r" request #\d+ urgent · .+ · now new, unowned \(", out)
    assert _run(capsys, "zh_CN", desk, "handover", "sign", "--user", "Li Na")[0] == 0
    with sqlite3.connect(desk) as conn:
        (brief,) = conn.execute("SELECT brief FROM handovers WHERE id = 2").fetchone()
    sections = {s["key"]: s for s in json.loads(brief)["sections"]}
    assert sections["shifts"]["title"] == "Shifts"
    assert not [s["title"] for s in sections.values() if _CJK.search(s["title"])]
    shifts = [line["text"] for line in sections["shifts"]["lines"]]
    assert "Li Na took over (shift #2 ended)" in shifts
    _code, out, _err = _run(capsys, "zh_CN", desk, "handover", "show")
    assert "\n班次 (4)\n" in out and "状态：已签署" in out  # said again from the English


def test_the_brief_is_said_again_exactly_in_english() -> None:
    """In English every line and title comes out as the store wrote it."""
    lines = {
        "new_requests": "urgent · Jilin: masks × 1,000 pcs · now in_progress, owner Li Na",
        "new_leads": "Lanka Medical (LK): gloves × 5 · now negotiating",
        "overdue": "Jilin: masks · partially_fulfilled, unowned · next action was due",
        "request_status": "in_progress → closed",
        "leads_dropped": "negotiating → dropped (no_stock)",
        "supplies": "received: masks × 50,000 pcs (from Sister city)",
        "arrivals": "CZ8421 · 1,900,000 pcs masks (permit pending, customs pending)",
        "shifts": "Li Na took over (shift #2 ended)",
        "other": "request assign × 3",
        "sources": "feed (requests): HTTP 500",
    }
    for key, text in lines.items():
        assert domain_handover.brief_text(key, text) == text
    item = {"entity": "request", "entity_id": 12, "summary": "Jilin: masks, urgent"}
    assert domain_handover.item_words(item) == "request #12"
    assert domain_handover.item_summary(item) == "Jilin: masks, urgent"
    assert domain_handover.ref_words("arrival #3") == "arrival #3"


def test_the_brief_in_chinese(chinese: None) -> None:
    brief_text = domain_handover.brief_text
    assert brief_text("new_requests", "urgent · Jilin: masks · now in_progress, owner Li Na") == (
        "特急 · Jilin: masks · 状态：办理中，负责人 Li Na"
    )
    assert (
        brief_text("leads_dropped", "negotiating → dropped (no_stock)") == "洽谈中 → 已放弃 (无货)"
    )
    assert brief_text("supplies", "received: masks (from Sister city)") == (
        "入库：masks (来自 Sister city)"
    )
    assert brief_text("arrivals", "CZ8421 · masks (permit pending)") == "CZ8421 · masks (航权待批)"


def test_origin_times(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The origin's clock: a weekday the catalogue names when shown (tr=_), English where
    other tools read it (--json's eta_origin)."""
    eta = datetime(2020, 2, 4, 15, 0, tzinfo=UTC)
    assert domain_arrivals.origin_time(eta, "Asia/Seoul") == "Wed 00:00 KST"
    i18n.set_language("zh_CN")
    try:
        assert domain_arrivals.origin_time(eta, "Asia/Seoul", tr=i18n._) == "周三 00:00 KST"
        assert domain_arrivals.origin_time(eta, "Asia/Colombo", tr=i18n._) == "周二 20:30 UTC+5:30"
        assert domain_arrivals.origin_time(eta, "Asia/Seoul") == "Wed 00:00 KST"
    finally:
        i18n.set_language("en")
    _code, out, _err = _run(capsys, "zh_CN", desk, "arrivals", "--json", "--hours", "336")
    shown = [a["eta_origin"] for a in json.loads(out)["arrivals"] if a["eta_origin"]]
    assert shown and all(re.match(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d ", s) for s in shown)


def test_the_arrivals_table_names_origin_weekdays_in_chinese(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out, _err = _run(capsys, "zh_CN", desk, "arrivals", "--hours", "336")
    assert re.search(r"周[一二三四五六日] \d\d:\d\d (KST|PKT|CET|UTC)", out)
    assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d", out)


def test_ingest_summary_lines(
    desk: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The summary and where a quarantined row is, said in Chinese; the reason stored
    (and shown) as the store keeps it: English."""
    needs = tmp_path / "needs.csv"
    needs.write_text(
        "org,item,quantity,unit\nJilin,masks,12x,pcs\nJilin,gloves,100,pairs\n", encoding="utf-8"
    )
    code, out, err = _run(capsys, "zh_CN", desk, "ingest", str(needs), "--kind", "requests")
    assert code == 1
    assert out == f"{needs}: 新增 1 条，更新 0 条，未变 0 条，隔离 1 条\n"
    assert "  第 2 行，列 quantity：quantity '12x' is not a number\n" in err
    with sqlite3.connect(desk) as conn:
        reasons = [row[0] for row in conn.execute("SELECT reason FROM quarantine")]
    assert reasons == ["quantity '12x' is not a number"]
    code, out, _err = _run(capsys, "zh_CN", desk, "quarantine", "retry", "--source", "cli")
    assert re.fullmatch(
        r"needs\.csv（cli，待处理 1 行）：导入 #\d+：新增 0 条，更新 0 条，未变 1 条，隔离 1 条\n",
        out,
    ), out
    code, out, err = _run(capsys, "en", desk, "ingest", str(needs), "--kind", "requests")
    assert re.fullmatch(
        rf"{re.escape(str(needs))}: 0 new, 0 updated, 1 unchanged, 1 quarantined "
        r"\(already in quarantine from run #\d+\)\n",
        out,
    ), out
    assert "  row 2, column quantity: quantity '12x' is not a number\n" in err
    code, out, _err = _run(capsys, "en", desk, "quarantine", "retry", "--source", "cli")
    assert re.fullmatch(
        r"needs\.csv \(cli, 1 open row\): run #\d+: 0 new, 0 updated, 1 unchanged, "
        r"1 quarantined\n",
        out,
    ), out


def test_a_summary_that_is_logged_or_stored_stays_english(chinese: None) -> None:
    summary = IngestSummary(source="inbox", location="needs.csv", kind="requests", added=3)
    summary.quarantined, summary.flagged, summary.repeated_run = 2, 1, 7
    assert summary.line() == (
        "needs.csv: 新增 3 条，更新 0 条，未变 0 条，隔离 2 条，标记疑似重复 1 条"
        "（已在第 #7 次导入时隔离）"
    )
    assert summary.line(tr=in_english) == (
        "needs.csv: 3 new, 0 updated, 0 unchanged, 2 quarantined, 1 possible duplicate(s) "
        "flagged (already in quarantine from run #7)"
    )
    summary.error = "needs.csv is not valid JSON: line 1"
    assert summary.line() == "needs.csv: 未导入：needs.csv is not valid JSON: line 1"
    assert (
        summary.line(tr=in_english)
        == "needs.csv: not imported: needs.csv is not valid JSON: line 1"
    )


def test_config_refusals_are_chinese(chinese: None) -> None:
    from dutyboard.domain.limits import LimitsConfigError, parse_limits
    from dutyboard.domain.rollcall import parse_rule, parse_units_config
    from dutyboard.domain.supplies import SuppliesConfigError, parse_catalog

    with pytest.raises(ValueError) as refused:
        parse_rule("sometime")
    assert str(refused.value) == (
        "'sometime' 需要一个截止时间，如 17:00（例如 'daily by 17:00' 或 'weekly on Mon by 12:00'）"
    )
    with pytest.raises(ValueError, match=r"^第 1 个单位（Jilin）：规则 "):
        parse_units_config([{"name": "Jilin", "rule": "whenever"}])
    with pytest.raises(LimitsConfigError, match=r"^config：limits\.max_rows：至少应为 1 行"):
        parse_limits({"max_rows": 0})
    with pytest.raises(SuppliesConfigError, match=r"^config：supplies\.units 必须是表$"):
        parse_catalog({"units": 3})
    assert isinstance(parse_catalog({}), SupplyCatalog)
