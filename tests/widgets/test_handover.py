"""Handover in the TUI, driven by keys through the Pilot.

The whole handover runs between two officers in two app instances at once (one event
loop, two ``DutyboardApp`` objects, two ``Store`` connections to one database file):
each sees the other's sign-off and acknowledgements without a keypress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from textual._context import active_app
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.store import Store
from dutyboard.store import handovers as ho
from tests.conftest import FakeClock
from tests.store.test_handovers import build_desk
from tests.widgets.pilot import settle
from widgets.common.dialogs import ChoiceDialog, ConfirmDialog, FormDialog
from widgets.common.header import DeskHeader
from widgets.handover.history import HandoverHistoryScreen
from widgets.handover.panel import HandoverPanel
from widgets.handover.screen import HandoverScreen, ItemHistoryScreen, parse_ref

WRITE_KEYS = {"a", "A", "S", "N", "d", "n", "M", "r", "ctrl+s"}


def make_app(path: Path, user: str, clock: FakeClock, role: str = "officer") -> DutyboardApp:
    store = Store.open(path, readonly=role == "leader", actor=user, clock=clock)
    config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user=user)
    return DutyboardApp(store, config, role=role, clock=clock)


def seeded(db_path: Path, clock: FakeClock) -> dict[str, int]:
    seed = Store.open(db_path, actor="seed", clock=clock)
    try:
        return build_desk(seed, clock)
    finally:
        seed.close()


@contextmanager
def acting(app: DutyboardApp) -> Iterator[None]:
    """Code in the test runs as ``app``: with two apps in one loop, ``widget.app`` is
    whichever app started last unless told otherwise (Textual keeps it in a ContextVar)."""
    token = active_app.set(app)
    try:
        yield
    finally:
        active_app.reset(token)


async def until(
    app: DutyboardApp, pilot: Pilot[None], check: Callable[[], bool], seconds: float = 6
) -> None:
    """Wait (without pressing anything) until ``check()`` holds: live updates."""
    with acting(app):
        for _ in range(int(seconds * 10)):
            if check():
                return
            await pilot.pause(0.1)
            await settle(app, pilot)
        assert check(), "the change did not show up in time"


def panel_text(app: DutyboardApp) -> str:
    return "\n".join(line.plain for line in app.query_one(HandoverPanel).lines)


def keys(app: DutyboardApp) -> set[str]:
    with acting(app):
        return {key for key, b in app.screen.active_bindings.items() if b.enabled}


def screen(app: DutyboardApp) -> HandoverScreen:
    assert isinstance(app.screen, HandoverScreen), app.screen
    return app.screen


async def test_whole_handover_between_two_officers_in_two_apps(
    db_path: Path, clock: FakeClock
) -> None:
    desk = seeded(db_path, clock)
    li, zhang = make_app(db_path, "Li Na", clock), make_app(db_path, "Zhang Wei", clock)
    async with li.run_test(size=(160, 45)) as lp, zhang.run_test(size=(160, 45)) as zp:
        await settle(li, lp)
        await settle(zhang, zp)
        assert "On duty: Li Na" in panel_text(zhang)
        assert "No handover yet" in panel_text(zhang)

        # Li Na drafts her handover from the record.
        await lp.press("5", "H")
        await settle(li, lp)
        mine = screen(li)
        assert mine.state == "draft"
        assert "Handover #1 Li Na → ?  draft  0/4 items acknowledged" in mine.head_text.plain
        assert len(mine.item_texts()) == 4
        assert mine.item_texts()[0].startswith(f"• request #{desk['urgent']} Jilin University")
        assert "[Li Na]" in mine.item_texts()[0] and "next: due" in mine.item_texts()[0]
        assert "KN95 masks × 2,000 pcs" in mine.item_texts()[0]
        assert {"S", "N", "d", "ctrl+s"} <= keys(li) and "a" not in keys(li)

        # Zhang Wei sees the draft appear, live, and cannot touch it.
        await until(zhang, zp, lambda: "Draft handover #1 Li Na → ?  draft" in panel_text(zhang))
        await zp.press("5", "enter")
        await settle(zhang, zp)
        theirs = screen(zhang)
        assert theirs.state == "draft" and not (WRITE_KEYS - {"M"}) & keys(zhang)

        # Notes typed in the text area, saved; one item removed, one added.
        with acting(li):
            mine.notes_area.focus()
        await lp.press(*"Airport", "space", *"at", "space", "0", "6", "ctrl+s")
        await settle(li, lp)
        assert ho.get_handover(li.store, 1)["notes"] == "Airport at 06"
        with acting(li):
            mine.item_list.focus()
            old = next(i for i, t in enumerate(mine.item_texts()) if f"#{desk['old']} " in t)
            mine.item_list.highlighted = old
        await lp.press("d")
        await settle(li, lp)
        assert "(removed: d restores)" in mine.item_texts()[-1]
        await lp.press("N")
        await settle(li, lp)
        form = li.screen
        assert isinstance(form, FormDialog)
        with acting(li):
            form.query_one("#field-summary", Input).value = "Charter flight permit [pending]"
            form.query_one("#field-next", Input).value = "call the airport 06:00"
        await lp.press("ctrl+s")
        await settle(li, lp)
        assert any("note Charter flight permit [pending]" in t for t in mine.item_texts())

        # Sign-off asks first; then the handover is final.
        await lp.press("S")
        await settle(li, lp)
        assert isinstance(li.screen, ChoiceDialog)
        await lp.press("enter")
        await settle(li, lp)
        await until(li, lp, lambda: mine.state == "signed")
        assert "signed" in mine.head_text.plain and "by Li Na" in mine.head_text.plain
        assert not {"S", "N", "d", "ctrl+s", "a"} & keys(li)

        # Zhang Wei's open screen follows: signed, and now he can acknowledge.
        await until(zhang, zp, lambda: theirs.state == "signed")
        assert "by Li Na" in theirs.head_text.plain
        assert "waiting for the incoming officer" in theirs.head_text.plain
        assert {"a", "A", "n"} <= keys(zhang) and not {"S", "N", "d"} & keys(zhang)
        assert "Airport at 06" in theirs.notes_area.text and theirs.notes_area.read_only
        assert len(theirs.item_texts()) == 4  # the removed one is not handed over

        with acting(zhang):
            theirs.item_list.focus()
            theirs.item_list.highlighted = 0
        await zp.press("a")
        await settle(zhang, zp)
        await until(zhang, zp, lambda: theirs.item_texts()[0].startswith("✓"))
        assert (
            "acknowledged Wed 03:00 by Zhang Wei · passed to Zhang Wei" in (theirs.item_texts()[0])
        )
        assert zhang.store.get("requests", desk["urgent"])["assignee"] == "Zhang Wei"
        # … and Li Na sees it in her terminal without a keypress.
        await until(li, lp, lambda: "1/4 items acknowledged" in mine.head_text.plain)
        assert "Zhang Wei" in mine.head_text.plain  # the handover now goes to him

        # A question on the next item, seen by Li Na.
        with acting(zhang):
            theirs.item_list.highlighted = 1
        await zp.press("n")
        await settle(zhang, zp)
        await zp.press(*"Contact", "question_mark", "enter")
        await settle(zhang, zp)
        # Stamped in desk time like every other time on screen (19:00 UTC = 03:00 here).
        await until(li, lp, lambda: "? Wed 03:00 Zhang Wei: Contact?" in mine.item_texts()[1])

        # The rest, one by one; the last one completes the handover.
        for index in (1, 2, 3):
            with acting(zhang):
                theirs.item_list.highlighted = index
            await zp.press("a")
            await settle(zhang, zp)
        await until(zhang, zp, lambda: theirs.state == "acknowledged")
        assert "acknowledged Wed 03:00 by Zhang Wei" in theirs.head_text.plain
        assert all(t.startswith("✓") for t in theirs.item_texts())
        await until(li, lp, lambda: mine.state == "acknowledged")
        assert "4/4 items acknowledged" in mine.head_text.plain
        assert "acknowledged Wed 03:00 by Zhang Wei" in mine.head_text.plain
        assert not WRITE_KEYS - {"M"} & keys(li)

        # The desk passed: Zhang Wei is on duty in both terminals, Li Na owns nothing open.
        await lp.press("escape")
        await until(li, lp, lambda: li.query_one(DeskHeader).on_duty == "Zhang Wei")
        await until(li, lp, lambda: "Last handover #1 Li Na → Zhang Wei  acknowledged" in (
            panel_text(li)))  # fmt: skip
        assert "On duty: Zhang Wei" in panel_text(li)
        await zp.press("escape")
        await until(zhang, zp, lambda: zhang.query_one(DeskHeader).on_duty == "Zhang Wei")
        assert zhang.store.get("leads", desk["lead"])["assignee"] == "Zhang Wei"
        assert not zhang.store._all(
            "SELECT id FROM requests WHERE assignee = 'Li Na' AND status IN "
            "('new', 'acknowledged', 'in_progress', 'partially_fulfilled')"
        )


async def test_leader_reads_the_handover_with_no_write_key(db_path: Path, clock: FakeClock) -> None:
    seeded(db_path, clock)
    writer = Store.open(db_path, actor="Li Na", clock=clock)
    handover_id = ho.draft_handover(writer)
    ho.sign_handover(writer, handover_id, "Airport at 06:00")
    writer.close()
    app = make_app(db_path, "Wang Fang", clock, role="leader")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        assert not {"H", "T"} & keys(app)
        await pilot.press("H", "T", "enter")
        await settle(app, pilot)
        shown = screen(app)
        assert shown.state == "signed" and "Handover to acknowledge #1" in panel_text(app)
        assert not WRITE_KEYS & keys(app)
        events = app.store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        await pilot.press("a", "A", "n", "M", "S")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)  # no dialog opened
        assert app.store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events
        await pilot.press("e")  # reading and copying out is fine
        await settle(app, pilot)
        assert shown.markdown.startswith("## Handover #1: Li Na → ?")
        assert "> Airport at 06:00" in shown.markdown


async def test_take_over_key_and_history_browse(db_path: Path, clock: FakeClock) -> None:
    desk = seeded(db_path, clock)
    li_store = Store.open(db_path, actor="Li Na", clock=clock)
    first = ho.draft_handover(li_store)
    ho.sign_handover(li_store, first, "Charter permit pending")
    li_store.close()
    app = make_app(db_path, "Zhang Wei", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "T")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        await until(app, pilot, lambda: "took over from Li Na" in panel_text(app))
        assert app.store.current_shift().officer == "Zhang Wei"  # type: ignore[union-attr]

        # Acknowledge all at once, sending Li Na's open items to the unowned pool.
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        options = [str(o.id) for o in dialog.query_one(OptionList).options]
        dialog.query_one(OptionList).highlighted = options.index("pool")
        await pilot.press("enter")
        await settle(app, pilot)
        shown = screen(app)
        await until(app, pilot, lambda: shown.state == "acknowledged")
        assert app.store.get("requests", desk["urgent"])["assignee"] is None
        assert any("passed to the unowned pool" in t for t in shown.item_texts())

        # History: search, open one, then an item's history across shifts.
        await pilot.press("h")
        await settle(app, pilot)
        history = app.screen
        assert isinstance(history, HandoverHistoryScreen)
        assert [r["id"] for r in history.rows] == [first]
        history.query_one("#hh-search", Input).value = "nothing like this"
        await until(app, pilot, lambda: history.rows == [])
        history.query_one("#hh-search", Input).value = "charter"
        await until(app, pilot, lambda: [r["id"] for r in history.rows] == [first])
        history.query_one("#hh-list").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        opened = screen(app)
        assert opened.handover_id == first
        opened.item_list.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        item = app.screen
        assert isinstance(item, ItemHistoryScreen)
        assert [r["handover_id"] for r in item.rows] == [first]


async def test_unsaved_notes_are_kept_on_leaving(db_path: Path, clock: FakeClock) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "H")
        await settle(app, pilot)
        shown = screen(app)
        shown.notes_area.focus()
        await pilot.press(*"Permit")
        assert shown.notes_dirty
        await pilot.press("tab", "q")  # (in the text area, q is a letter) quitting asks first
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # stay
        await settle(app, pilot)
        assert cast(object, app.screen) is shown and app.is_running
        await pilot.press("escape")  # leaving asks too: y saves the notes and leaves
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen.query_one(HandoverPanel), HandoverPanel)
        assert ho.get_handover(app.store, 1)["notes"] == "Permit"
        await until(app, pilot, lambda: "Permit" in panel_text(app))


def test_parse_ref() -> None:
    assert parse_ref("request 12") == ("request", 12)
    assert parse_ref("L5") == ("lead", 5)
    assert parse_ref("lead #7") == ("lead", 7)
    assert parse_ref("需求 12") == ("request", 12)  # as a Chinese desk writes it
    assert parse_ref("线索５") == ("lead", 5)  # full-width digits from an IME
    for bad in ("contact 3", "request", "r x", "r²"):
        try:
            parse_ref(bad)
        except ValueError as exc:
            assert "request 12" in str(exc)
        else:
            raise AssertionError(bad)
