"""First night (issue 20): ``?`` help, keys the user chooses, the theme kept, empty panels
that say what to do. English in this process; Chinese in a subprocess (labels translate
at import: tests/widgets/help_app.py)."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Footer

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.state import load_state
from dutyboard.store import Store
from dutyboard.store.connection import connect
from tests.conftest import FakeClock
from tests.widgets.pilot import panel, settle
from widgets.common.dialogs import FormDialog
from widgets.common.help_screen import HelpScreen
from widgets.common.keys import all_bindings, binding_classes, check_keymap, own_bindings
from widgets.contacts.panel import ContactsPanel
from widgets.handover.panel import HandoverPanel

REPO = Path(__file__).resolve().parents[2]


def app_on(path: Path, role: str = "officer", **config: Any) -> DutyboardApp:
    store = Store.open(path, readonly=role == "leader", actor="Zhang Wei", clock=FakeClock())
    settings = Config(desk_name="Test desk", user="Zhang Wei", **config)
    return DutyboardApp(store, settings, role=role, clock=FakeClock())


def rows(screen: HelpScreen) -> dict[str, dict[str, str]]:
    """Section title → mark or keys → meaning."""
    return {s.title: {m.plain: meaning for m, meaning in s.rows} for s in screen.sections}


def footer_keys(app: DutyboardApp) -> dict[str, str]:
    """Description → key, for what the footer shows now."""
    return {
        a.binding.description: app.get_key_display(a.binding)
        for a in app.screen.active_bindings.values()
        if a.binding.show
    }


# -- ? help -------------------------------------------------------------------------------


async def test_question_mark_shows_the_panels_keys_the_global_ones_and_every_mark(
    demo_db: Path,
) -> None:
    app = app_on(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        found = rows(screen)
        here = found["Keys here: 1 Requests"]
        assert here["N"] == "New" and here["s"] == "Status" and here["a"] == "Ack"
        assert here["↓ j"] == "Down"  # the table's movement keys, both keys of a binding
        everywhere = found["Keys everywhere"]
        assert everywhere["q"] == "Quit" and everywhere["?"] == "Help"
        assert everywhere["1"] == "Requests" and "^p" in everywhere
        # Textual's own scroll keys are not the desk's words (nor in its language).
        assert not any("Scroll" in meaning for meaning in here.values())
        marks = {mark for title, section in found.items() for mark in section}
        for mark in ("CALL", "off", "wknd", "hol", "zzz", "URG", "HIGH", "LATE 2h", "3h!"):
            assert mark in marks, mark
        for mark in ("reported", "late", "due", "missing", "expected", "permit?", "goods"):
            assert mark in marks, mark
        assert "12 hours" in found["1 Requests"]["3h!"]  # the desk's own stale_after_hours
        # Reachable at 80×24: it scrolls to its last line, and esc closes it.
        scroll = screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause(0.3)
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_help_follows_the_focus(demo_db: Path) -> None:
    app = app_on(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "question_mark")
        await pilot.pause()
        found = rows(app.screen)  # type: ignore[arg-type]
        here = found["Keys here: 3 Contacts"]
        assert here["c"] == "Contacted" and here["P"] == "Plan call"
        assert "a" not in here  # acknowledging is the requests panel's


async def test_help_is_not_opened_by_a_question_mark_typed_into_a_field(demo_db: Path) -> None:
    app = app_on(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert panel(app, "requests").filter_input.value == "?"


async def test_help_and_legend_in_chinese(tmp_path: Path) -> None:
    report = _run_help_app("zh_CN", "help", tmp_path / "help.svg")
    titles = [s["title"] for s in report["sections"]]
    assert titles[:2] == ["本面板按键：1 物资需求", "全局按键"]
    assert "点名" in titles and "3 海外联系人" in titles
    everything = " ".join(m + meaning for s in report["sections"] for m, meaning in s["rows"])
    for word in ("新建", "退出", "帮助", "可打", "特急", "逾期", "命令面板"):
        assert word in everything, word
    # No English meaning left (key names and marks like "3h!" aside).
    meanings = [meaning for s in report["sections"] for _m, meaning in s["rows"]]
    assert not [m for m in meanings if m.isascii() and any(c.isalpha() for c in m)], meanings
    assert report["scrolls"] and report["at_end"] and report["closed"]


def _run_help_app(lang: str, mode: str, out: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.widgets.help_app", lang, mode, str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=180,
        env={**os.environ, "DUTYBOARD_LANG": lang},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


# -- keys the user chooses ------------------------------------------------------------------


def test_every_binding_of_the_dashboard_has_an_id() -> None:
    import widgets

    for module in pkgutil.walk_packages(widgets.__path__, "widgets."):
        importlib.import_module(module.name)  # every widget module, used by the app or not
    classes = binding_classes()
    assert len(classes) >= 24  # the app, panels, tables, screens and dialogs
    missing = [
        f"{cls.__module__}.{cls.__qualname__}: {b.key} → {b.action}"
        for cls in classes
        for b in own_bindings(cls)
        if not b.id
    ]
    assert not missing, missing
    ids = all_bindings(classes)
    assert {"app.help", "panel.new", "row.status", "table.down", "contact.planner"} <= set(ids)


def test_unknown_ids_and_clashes_are_one_line_each() -> None:
    check = check_keymap(
        [("panel.new", "s"), ("no.such", "z"), ("app.help", "f1")],
        together=[(ContactsPanel, DutyboardApp)],
    )
    assert check.keymap == {"panel.new": "s", "app.help": "f1"}  # the unknown one left out
    assert check.problems[0].startswith("[keys]: no binding has the id no.such")
    clash = [p for p in check.problems if "is given to both" in p]
    assert clash == [
        "[keys]: s is given to both panel.new and row.status; only one of them will run"
    ]


def test_a_panel_key_remapped_onto_a_global_one_is_a_clash() -> None:
    check = check_keymap([("contact.planner", "q")], together=[(ContactsPanel, DutyboardApp)])
    assert check.problems == (
        "[keys]: q is given to both contact.planner and quit; only one of them will run",
    )
    # The shipped keys clash nowhere (a dialog's escape is by design within its class).
    assert (
        check_keymap([("app.help", "f1")], together=[(ContactsPanel, DutyboardApp)]).problems == ()
    )


async def test_remapped_keys_run_and_show_in_the_footer_and_the_help(demo_db: Path) -> None:
    app = app_on(demo_db, keys=(("panel.new", "ctrl+n"), ("app.help", "f1")))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert footer_keys(app)["New"] == "^n"
        assert footer_keys(app)["Help"] == "f1"
        await pilot.press("N")  # the old key does nothing now
        await pilot.pause()
        assert not isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert rows(app.screen)["Keys here: 1 Requests"]["^n"] == "New"
        assert app.query(Footer)  # the footer is still there under the help


async def test_a_bad_keys_table_is_said_at_start_up_and_the_rest_applies(demo_db: Path) -> None:
    app = app_on(demo_db, keys=(("panel.nwe", "ctrl+n"), ("app.help", "f1")))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        notes = [n.message for n in app._notifications]
        assert any("no binding has the id panel.nwe" in n for n in notes), notes
        assert footer_keys(app)["Help"] == "f1"
        assert any("panel.nwe" in line for line in app.desk_log.lines)


# -- the theme ---------------------------------------------------------------------------


async def test_the_theme_chosen_is_kept_and_the_config_can_set_it(demo_db: Path) -> None:
    app = app_on(demo_db, theme="nord")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "nord"
        app.theme = "gruvbox"  # what the palette's "Change theme" does
        await pilot.pause()
    assert load_state()["theme"] == "gruvbox"
    app = app_on(demo_db, theme="nord")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "gruvbox"  # remembered
    app = app_on(demo_db, theme="dracula")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "dracula"  # the config was edited since: it wins


async def test_a_leaders_theme_lasts_the_session_only(demo_db: Path) -> None:
    state = Path(os.environ["DUTYBOARD_STATE"])
    app = app_on(demo_db, role="leader")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.theme = "gruvbox"
        await pilot.pause()
        assert app.theme == "gruvbox"
    assert not state.exists()


async def test_an_unknown_theme_is_one_line_and_the_default_stays(demo_db: Path) -> None:
    app = app_on(demo_db, theme="no-such-theme")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"
        notes = [n.message for n in app._notifications]
        assert any("no theme is called no-such-theme" in n for n in notes), notes


def test_a_damaged_state_file_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    for text in ("", "[1, 2]", "{not json", "\x00" * 10):
        path.write_text(text)
        assert load_state(path) == {}
    path.write_text('{"theme": "nord"}')
    assert load_state(path) == {"theme": "nord"}


# -- empty panels say what to do --------------------------------------------------------------


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    path = tmp_path / "new.db"
    connect(path, create=True).close()
    return path


async def test_an_empty_desk_says_what_to_do_next(empty_db: Path) -> None:
    app = app_on(empty_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        first = requests.table.render_line(1).text
        assert first.strip().startswith("No open requests. Press N to add one")
        assert "dutyboard ingest" in requests.table.empty_text
        assert "vCard" in panel(app, "contacts").table.empty_text
        assert "--kind leads" in panel(app, "leads").table.empty_text
        handover = " ".join(line.plain for line in app.query_one(HandoverPanel).lines)
        assert "Nobody is on duty" in handover and "dutyboard shift start" in handover
        # A filter that finds nothing says so, not "no requests".
        requests.table.set_spec(requests.table.spec.with_(text="zzzz"))
        await settle(app, pilot)
        assert requests.table.empty_text == "Nothing matches “zzzz” · esc clears the filter"


async def test_a_leader_is_not_told_to_press_keys_that_write(empty_db: Path) -> None:
    app = app_on(empty_db, role="leader")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        hint = panel(app, "requests").table.empty_text
        assert hint.startswith("No open requests on this desk") and "Press N" not in hint
        handover = " ".join(line.plain for line in app.query_one(HandoverPanel).lines)
        assert "read-only" in handover


async def test_a_desk_with_rows_shows_no_hint(demo_db: Path) -> None:
    app = app_on(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        assert requests.table.total > 0
        assert "Press N" not in requests.table.render_line(1).text


async def test_empty_panels_say_it_in_chinese(tmp_path: Path) -> None:
    report = _run_help_app("zh_CN", "empty", tmp_path / "empty.svg")
    assert report["hints"]["requests"].startswith("没有未结需求。按 N 新建")
    assert "vCard" in report["hints"]["contacts"] and "还没有联系人" in report["hints"]["contacts"]
    assert "没有未结需求" in report["shown"]["requests"]
    assert "开始值班" in report["handover"]


def test_docs_keys_lists_every_binding_as_the_code_has_it() -> None:
    """docs/keys.md is generated; regenerate with `python -m widgets.common.keys`."""
    result = subprocess.run(
        [sys.executable, "-m", "widgets.common.keys"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DUTYBOARD_LANG": "en"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == (REPO / "docs" / "keys.md").read_text(encoding="utf-8")
