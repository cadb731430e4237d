"""On the handover screen an item goes where the officer puts it (issue 18 #6), the screen
keeps what was typed, and it reads in Chinese (issue 18 #7), through the Pilot.

``N`` puts the new item right after the one at the cursor and the cursor lands on it; the
order is the store's, so it is the same after reopening the screen and in the next draft.
The Chinese run is a fresh process (widgets translate their keys at import), like
``test_chinese.py``: :func:`chinese_report` drives it and prints what was shown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

import pytest
from rich.console import Group
from rich.text import Text
from textual.widgets import Footer, Input, OptionList

from dutyboard.app import DutyboardApp
from dutyboard.store import Store
from dutyboard.store import handovers as ho
from tests.conftest import FakeClock
from tests.widgets.pilot import settle
from tests.widgets.test_handover import make_app, screen, seeded
from widgets.common.dialogs import ChoiceDialog, ConfirmDialog, FormDialog
from widgets.handover.history import HandoverHistoryScreen
from widgets.handover.screen import HandoverScreen, ItemHistoryScreen

REPO = Path(__file__).resolve().parents[2]


async def own_draft(app: DutyboardApp, pilot: Any) -> HandoverScreen:
    await settle(app, pilot)
    await pilot.press("5", "H")
    await settle(app, pilot)
    return screen(app)


async def add_note(app: DutyboardApp, pilot: Any, summary: str) -> None:
    await pilot.press("N")
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, FormDialog)
    form.query_one("#field-summary", Input).value = summary
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    await settle(app, pilot)


def summaries(shown: HandoverScreen) -> list[str]:
    return [str(i["summary"]) for i in shown._items]


async def test_a_free_text_item_goes_after_the_cursor_and_the_cursor_lands_on_it(
    db_path: Path, clock: FakeClock
) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        shown = await own_draft(app, pilot)
        before = summaries(shown)
        assert len(before) == 4
        await pilot.press("j")  # the cursor on the second item
        await add_note(app, pilot, "Charter flight permit [pending]")
        assert summaries(shown) == [*before[:2], "Charter flight permit [pending]", *before[2:]]
        assert shown.item_list.highlighted == 2  # on the new item
        assert "note Charter flight permit [pending]" in shown.item_texts()[2]
        # Again from there: right under it, the cursor follows.
        await add_note(app, pilot, "Call the airport at 06:00")
        assert summaries(shown)[2:4] == [
            "Charter flight permit [pending]",
            "Call the airport at 06:00",
        ]
        assert shown.item_list.highlighted == 3
        # The store holds the order: the panel and a fresh read agree.
        listed = [i["summary"] for i in ho.handover_items(app.store, 1) if not i["removed"]]
        assert listed == summaries(shown)


async def test_an_item_added_on_a_removed_one_goes_last_among_those_handed_over(
    db_path: Path, clock: FakeClock
) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        shown = await own_draft(app, pilot)
        first = summaries(shown)[0]
        await pilot.press("d")  # the first item off the draft: shown last, struck out
        await settle(app, pilot)
        assert shown.item_list.highlighted == 3 and shown._items[3]["removed"]
        await add_note(app, pilot, "Masks for the consulate")
        assert summaries(shown)[3:] == ["Masks for the consulate", first]
        assert shown.item_list.highlighted == 3


async def test_the_order_holds_on_reopening_and_in_the_next_draft(
    db_path: Path, clock: FakeClock
) -> None:
    seeded(db_path, clock)
    li = make_app(db_path, "Li Na", clock)
    async with li.run_test(size=(160, 45)) as pilot:
        shown = await own_draft(li, pilot)
        await pilot.press("j", "j")
        await add_note(li, pilot, "Permit pending")
        order = summaries(shown)
        await pilot.press("escape")
        await settle(li, pilot)
        assert not isinstance(li.screen, HandoverScreen)
        await pilot.press("5", "enter")  # open it again
        await settle(li, pilot)
        again = screen(li)
        assert again is not shown and summaries(again) == order
        panel_lines = "\n".join(t.plain for t in li.query_one("#handover").lines)  # type: ignore[attr-defined]
        positions = [panel_lines.find(s) for s in order]
        assert -1 not in positions and positions == sorted(positions)  # the panel too
        await pilot.press("S")
        await settle(li, pilot)
        await pilot.press("enter")
        await settle(li, pilot)
        assert again.state == "signed"
    zhang_store = Store.open(db_path, actor="Zhang Wei", clock=clock)
    ho.acknowledge_all(zhang_store, 1)
    zhang_store.close()
    zhang = make_app(db_path, "Zhang Wei", clock)
    async with zhang.run_test(size=(160, 45)) as pilot:
        nxt = await own_draft(zhang, pilot)
        assert nxt.handover_id == 2
        carried = [i for i in nxt._items if i["carried_from"]]
        records = [s for s in order if s != "Permit pending"]
        assert [str(i["summary"]) for i in carried] == records  # Li Na's order, kept


async def test_digits_typed_into_the_add_item_form_stay_text(
    db_path: Path, clock: FakeClock
) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        shown = await own_draft(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await pilot.press("tab")  # past the reference, into the summary
        await pilot.press(*"Call 5 units, then 1 2 3 4 6 q a j k")
        await settle(app, pilot)
        assert app.screen is form and app.is_running
        assert (
            form.query_one("#field-summary", Input).value == "Call 5 units, then 1 2 3 4 6 q a j k"
        )
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        assert cast(object, app.screen) is shown
        assert summaries(shown)[1] == "Call 5 units, then 1 2 3 4 6 q a j k"


async def test_notes_refused_on_leaving_stay_on_screen_as_typed(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """y saves and leaves; when the save is refused (the draft changed meanwhile) the
    screen stays, the text as typed and still unsaved: it never closes over lost notes."""
    seeded(db_path, clock)
    real_set_notes = ho.set_notes
    turns: list[str] = []

    def raced(store: Store, handover_id: int, notes: str, **kwargs: Any) -> Any:
        # Li Na's other terminal writes the notes just before this save: it is stale.
        other = Store.open(db_path, actor="Li Na", clock=clock)
        turns.append(f"from the other terminal, {len(turns)}")
        real_set_notes(other, handover_id, turns[-1])
        other.close()
        return real_set_notes(store, handover_id, notes, **kwargs)

    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        shown = await own_draft(app, pilot)
        shown.notes_area.focus()
        typed = "Permit pending, call 06:00"
        await pilot.press(*typed)
        monkeypatch.setattr(ho, "set_notes", raced)
        for key in ("escape", "ctrl+q", "ctrl+s"):
            await pilot.press(key)
            await settle(app, pilot)
            if key != "ctrl+s":
                assert isinstance(app.screen, ConfirmDialog), key
                await pilot.press("y")
                await settle(app, pilot)
            await settle(app, pilot)
            assert app.screen is shown and app.is_running, key
            assert shown.notes_area.text == typed and shown.notes_dirty, key
            assert ho.get_handover(app.store, 1)["notes"] == turns[-1]
        assert len(turns) == 3
        messages = [n.message for n in app._notifications]
        assert any("the notes are not saved, still here as typed" in m for m in messages)
        # Told, reloaded: now y saves what was typed, and leaves.
        monkeypatch.setattr(ho, "set_notes", real_set_notes)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        await settle(app, pilot)
        assert not isinstance(app.screen, HandoverScreen | ConfirmDialog)
        assert ho.get_handover(app.store, 1)["notes"] == typed


async def test_notes_typed_while_the_draft_is_signed_elsewhere_are_kept(
    db_path: Path, clock: FakeClock
) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        shown = await own_draft(app, pilot)
        shown.notes_area.focus()
        await pilot.press(*"Charter at 06:00")
        other = Store.open(db_path, actor="Li Na", clock=clock)  # her other terminal
        ho.sign_handover(other, 1, "signed from the CLI")
        other.close()
        for _ in range(40):  # the screen's poll sees the change within a second
            await pilot.pause(0.1)
            if shown.state == "signed":
                break
        await settle(app, pilot)
        assert shown.state == "signed" and shown.notes_area.read_only
        assert shown.notes_area.text == "signed from the CLI"
        assert app.clipboard == "Charter at 06:00"  # not thrown away
        messages = [n.message for n in app._notifications]
        assert any("your unsaved notes were not added" in m for m in messages)


# -- in Chinese ---------------------------------------------------------------------------


def _plain(value: object) -> str:
    if isinstance(value, Text):
        return value.plain
    if isinstance(value, Group):
        return "\n".join(_plain(r) for r in value.renderables)
    return str(value)


# Brief sections whose lines are the record's own text with no words of ours around it:
# a source's name and its error, "lead assign × 1" (the events log's names). Not checked.
QUOTED_SECTIONS = {"sources", "other"}


def _brief_shown(shown: HandoverScreen) -> list[str]:
    """The brief as shown: its summary line, every title, the lines of every section
    but QUOTED_SECTIONS."""
    assert shown.view is not None and shown.view.brief is not None
    keys = iter([s.key for s in shown.view.brief.sections])
    out, key = [], ""
    renderables = shown._brief(shown.view).renderables
    for index, line in enumerate(renderables):
        assert isinstance(line, Text)
        if index == 0:
            out.append(line.plain)
        elif str(line.style) == "bold underline":
            key = next(keys, "")
            out.append(line.plain)
        elif key not in QUOTED_SECTIONS:
            out.append(line.plain)
    return out


def _shown(app: DutyboardApp) -> list[str]:
    """The words on the current screen's labels and statics (the footer's keys are the
    app's catalogue, checked elsewhere); the handover's brief by :func:`_brief_shown`."""
    out = []
    for widget in app.screen.query("Label, Static"):
        if widget.id == "ho-brief" or any(isinstance(a, Footer) for a in widget.ancestors):
            continue
        out.append(_plain(getattr(widget, "content", "")))
    if isinstance(app.screen, HandoverScreen):
        out.extend(_brief_shown(app.screen))
    for listing in app.screen.query(OptionList):
        out.extend(
            _plain(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
        )
    return out


async def chinese_report() -> dict[str, list[str]]:
    """Drive the handover screens in this process's language; what each showed."""
    report: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db, clock = Path(tmp) / "desk.db", FakeClock()
        desk = seeded(db, clock)
        seed = Store.open(db, actor="Li Na", clock=clock)
        seed.set_request_status(desk["urgent"], "in_progress")
        seed.set_request_status(desk["urgent"], "partially_fulfilled")
        seed.close()
        li = make_app(db, "Li Na", clock)
        async with li.run_test(size=(160, 45)) as pilot:
            shown = await own_draft(li, pilot)
            await pilot.press("N")
            await settle(li, pilot)
            form = li.screen
            assert isinstance(form, FormDialog)
            report["add form"] = [form.title_text] + [
                f"{f.label} {f.placeholder}" for f in form.fields
            ]
            form.query_one("#field-summary", Input).value = "包机航权待批"
            await pilot.press("ctrl+s")
            await settle(li, pilot)
            await settle(li, pilot)
            report["draft"] = _shown(li)
            await pilot.press("S")
            await settle(li, pilot)
            dialog = li.screen
            assert isinstance(dialog, ChoiceDialog)
            report["sign dialog"] = [dialog.title_text] + [c[1] for c in dialog.choices]
            await pilot.press("enter")
            await settle(li, pilot)
            await settle(li, pilot)
            report["signed"] = _shown(li)
            report["li notices"] = [n.message for n in li._notifications]
            assert shown.state == "signed"
        zhang = make_app(db, "Zhang Wei", clock)
        async with zhang.run_test(size=(160, 45)) as pilot:
            await settle(zhang, pilot)
            await pilot.press("5", "enter")
            await settle(zhang, pilot)
            await pilot.press("a")
            await settle(zhang, pilot)
            await settle(zhang, pilot)
            report["acknowledging"] = _shown(zhang)
            await pilot.press("A")
            await settle(zhang, pilot)
            dialog = zhang.screen
            assert isinstance(dialog, ChoiceDialog)
            report["ack all dialog"] = [dialog.title_text] + [c[1] for c in dialog.choices]
            await pilot.press("escape")
            await settle(zhang, pilot)
            await pilot.press("k", "enter")
            await settle(zhang, pilot)
            assert isinstance(zhang.screen, ItemHistoryScreen)
            title = str(zhang.screen.query_one("VerticalScroll").border_title)
            report["item history"] = [*_shown(zhang), title]
            await pilot.press("escape", "h")
            await settle(zhang, pilot)
            assert isinstance(zhang.screen, HandoverHistoryScreen)
            report["history"] = _shown(zhang)
            report["zhang notices"] = [n.message for n in zhang._notifications]
    return report


# What this change translated; none of it may show in English on a Chinese desk (the
# desk's data, the record's own lines and the store's error messages stay as they are).
ENGLISH = (
    "Handover #", "items acknowledged", "drafted ", "signed ", " by ", "waiting for the",
    "draft: only", "can edit", "events · open now", "Shifts", "New requests", "status changes",
    "New leads", "Leads advanced", "Leads dropped", "Supplies received", "Overdue now",
    "Stale:", "Failing sources", "Arriving in", "Other changes", "started shift",
    "in progress", "partially", "Items:", "listed ", "request #", "lead #", "note ",
    "unowned", "next:", "acknowledged ", "passed to", "carried over", "removed",
    "Add an item", "Request or lead", "Summary", "Next step", "Sign handover", "Sign off now",
    "Not yet", "Acknowledge the", "Yes: what", "owns", "In 1 signed", "owner ", "handover(s)",
    "item added", "signed", "you are on duty", "Wed ", "Feb", "loading",
)  # fmt: skip


def test_the_handover_screens_in_chinese_show_no_english_of_ours(tmp_path: Path) -> None:
    code = (
        "import asyncio, json\n"
        "from dutyboard.i18n import set_language\n"
        "set_language('zh_CN')\n"
        "from tests.widgets import test_handover_order as t\n"
        "print(json.dumps(asyncio.run(t.chinese_report()), ensure_ascii=False))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=240,
        env={**os.environ, "DUTYBOARD_LANG": "zh_CN"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, list[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    found = [
        f"{where}: {english!r} in {text!r}"
        for where, texts in report.items()
        for text in texts
        for english in ENGLISH
        if english in text
    ]
    assert not found, "\n".join(found)
    everything = "\n".join(t for texts in report.values() for t in texts)
    for chinese in (
        "交接 #1 ",  # the head
        "草稿：只有 Li Na 可以编辑和签字",
        "等待接班人员确认",
        "由 Li Na 签字",
        "周三",  # desk time, the weekday in Chinese
        "班次",
        "新需求（最紧急的在前）",
        "办理中 → 部分满足",  # statuses as words
        "Li Na 开始值班（班次 #1）",
        "事项：5 项，已确认 0 项",
        "需求 #",
        "备注 包机航权待批",
        "[无人负责]",
        "下一步：截止时间",
        "向交接 #1 添加事项，放在 需求 #",
        "签字确认交接 #1（5 项）",
        "现在签字",
        "已移交给 Zhang Wei",
        "确认交接 #1 剩余的 4 项？",
        "是：Li Na 负责的放入无人负责池",
        "首次交接",
        "负责人",
        "1 次交接",
        "2月",
        "已添加事项",
        "交接 #1 已签字",
    ):
        assert chinese in everything, chinese
