"""The handover screen never loses typed text (issue 18 #6), through the Pilot.

One Tab from the item list lands in the notes, and what is typed there (digits, q)
stays text; a read-only field swallows keys instead of running them; the focused area is
plain to see; leaving or quitting with unsaved notes asks y/n; the item list moves with
j/k and walks on after ``a``; every time is desk time; statuses read as words.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from textual.widgets import TextArea

from dutyboard import i18n
from dutyboard.store import Store
from dutyboard.store import handovers as ho
from tests.conftest import FakeClock
from tests.widgets.pilot import settle
from tests.widgets.test_handover import keys, make_app, screen, seeded
from widgets.common.dialogs import ConfirmDialog
from widgets.common.virtual_table import VirtualTable
from widgets.handover.screen import HandoverScreen, desk_question


async def open_own_draft(app, pilot) -> HandoverScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("5", "H")
    await settle(app, pilot)
    return screen(app)


def signed_by_li_na(db_path: Path, clock: FakeClock, *, partly: bool = False) -> int:
    """Li Na's handover, signed: what Zhang Wei acknowledges."""
    desk = seeded(db_path, clock)
    writer = Store.open(db_path, actor="Li Na", clock=clock)
    if partly:
        writer.set_request_status(desk["urgent"], "in_progress")
        writer.set_request_status(desk["urgent"], "partially_fulfilled")
    handover_id = ho.draft_handover(writer)
    ho.sign_handover(writer, handover_id, "Airport at 06:00")
    writer.close()
    return handover_id


async def test_one_tab_then_a_note_with_digits_is_typed_into_the_notes(
    db_path: Path, clock: FakeClock
) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        shown = await open_own_draft(app, pilot)
        assert app.focused is shown.item_list
        await pilot.press("tab")
        assert cast(object, app.focused) is shown.notes_area  # the notes, not the brief beside them
        await pilot.press(*"Call 2 units at 06:30, then q4")
        await settle(app, pilot)
        assert app.screen is shown and app.is_running
        assert shown.notes_area.text == "Call 2 units at 06:30, then q4"
        # While typing, the single keys are not offered at all (nor in the footer).
        assert not {"1", "2", "3", "4", "5", "6", "q", "N", "d", "S"} & keys(app)
        assert {"ctrl+s", "escape"} <= keys(app)


async def test_a_read_only_text_field_swallows_panel_keys(db_path: Path, clock: FakeClock) -> None:
    signed_by_li_na(db_path, clock)
    app = make_app(db_path, "Zhang Wei", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "enter")
        await settle(app, pilot)
        shown = screen(app)
        assert shown.notes_area.read_only  # someone else's handover
        shown.notes_area.focus()
        await pilot.press("1", "a", "q", "6")
        await settle(app, pilot)
        assert app.screen is shown and app.is_running
        assert shown.notes_area.text == "Airport at 06:00"
        assert all(i["acknowledged_at"] is None for i in app.store.handover_items(1))


async def test_the_focused_area_is_plain_to_see(db_path: Path, clock: FakeClock) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        shown = await open_own_draft(app, pilot)
        areas = [
            shown.item_list,
            shown.notes_area,
            shown.query_one("#ho-brief-scroll"),
        ]
        for step, area in enumerate(areas):
            if step:
                await pilot.press("tab")
            await pilot.pause()
            assert app.focused is area
            for other in areas:
                style = other.styles.border_top[0]
                assert style == ("heavy" if other is area else "round"), (area, other)
        await pilot.press("tab")  # round again: the list, with its label lit
        await pilot.pause()
        assert shown.query_one("#ho-items-label").has_class("-focused")
        assert not shown.query_one("#ho-notes-label").has_class("-focused")


async def test_unsaved_notes_are_never_closed_without_asking(
    db_path: Path, clock: FakeClock
) -> None:
    seeded(db_path, clock)
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        shown = await open_own_draft(app, pilot)
        shown.notes_area.focus()
        await pilot.press(*"Permit pending")
        assert shown.notes_dirty

        for key in ("escape", "ctrl+q"):  # back, and the app's own quit key
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmDialog), key
            await pilot.press("n")  # stay, the text as typed
            await settle(app, pilot)
            assert cast(object, app.screen) is shown and app.is_running
            assert shown.notes_area.text == "Permit pending"

        shown.item_list.focus()
        await pilot.press("1")  # a panel key, off the notes: asks too
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")  # save and go to the requests panel
        await settle(app, pilot)
        await settle(app, pilot)
        assert not isinstance(app.screen, HandoverScreen | ConfirmDialog)
        assert ho.get_handover(app.store, 1)["notes"] == "Permit pending"
        assert isinstance(app.focused, VirtualTable)
        assert app.focused.parent is not None and app.focused.parent.id == "requests"


async def test_j_k_move_in_the_items_and_a_walks_on(db_path: Path, clock: FakeClock) -> None:
    signed_by_li_na(db_path, clock)
    app = make_app(db_path, "Zhang Wei", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "enter")
        await settle(app, pilot)
        shown = screen(app)
        listing = shown.item_list
        assert app.focused is listing and listing.highlighted == 0
        await pilot.press("j", "j")
        assert listing.highlighted == 2
        await pilot.press("k")
        assert listing.highlighted == 1
        await pilot.press("k", "a")
        assert listing.highlighted == 1  # on to the next item at once
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert listing.highlighted == 2
        items = app.store.handover_items(1)
        assert [bool(i["acknowledged_at"]) for i in items[:3]] == [True, True, False]


async def test_questions_are_stamped_in_desk_time_everywhere(
    db_path: Path, clock: FakeClock
) -> None:
    signed_by_li_na(db_path, clock)
    asker = Store.open(db_path, actor="Zhang Wei", clock=clock)
    ho.ask_question(asker, 1, "Contact?")  # 19:00 UTC, 03:00 at the desk
    asker.close()
    app = make_app(db_path, "Li Na", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        panel_text = "\n".join(line.plain for line in app.query_one("#handover").lines)  # type: ignore[attr-defined]
        assert "? 03:00 Zhang Wei: Contact?" in panel_text and "UTC" not in panel_text
        await pilot.press("5", "enter")
        await settle(app, pilot)
        shown = screen(app)
        assert "? Wed 03:00 Zhang Wei: Contact?" in shown.item_texts()[0]
        await pilot.press("e")
        await settle(app, pilot)
        assert "Q: Wed 03:00 Zhang Wei: Contact?" in shown.markdown
        assert "UTC" not in shown.markdown


def test_a_question_stamp_takes_the_day_after_the_sign_off() -> None:
    def local(iso: str) -> str:
        return iso[5:16]  # MM-DDTHH:MM of the UTC instant: enough to see the day

    signed = "2020-02-04T23:50:00+00:00"
    assert desk_question("23:55 UTC Zhang Wei: ok?", signed, local) == "02-04T23:55 Zhang Wei: ok?"
    assert desk_question("00:10 UTC Zhang Wei: ok?", signed, local) == "02-05T00:10 Zhang Wei: ok?"
    assert desk_question("no stamp here", signed, local) == "no stamp here"


async def test_statuses_read_as_words_in_both_languages(db_path: Path, clock: FakeClock) -> None:
    signed_by_li_na(db_path, clock, partly=True)
    app = make_app(db_path, "Zhang Wei", clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "enter")
        await settle(app, pilot)
        shown = screen(app)
        text = "\n".join(shown.item_texts())
        assert "partially fulfilled" in text and "partially_fulfilled" not in text
        assert shown.view is not None
        brief = "\n".join(t.plain for t in shown._brief(shown.view).renderables)  # type: ignore[union-attr]
        assert "in progress → partially fulfilled" in brief
        assert "_fulfilled" not in brief and "in_progress" not in brief
        await pilot.press("e")
        await settle(app, pilot)
        assert "in progress → partially fulfilled" in shown.markdown
        assert "_fulfilled" not in shown.markdown and "in_progress" not in shown.markdown
        assert isinstance(shown.notes_area, TextArea)
        i18n.set_language("zh_CN")
        try:
            assert shown.view is not None
            shown._show(shown.view)
            assert "部分满足" in "\n".join(shown.item_texts())
        finally:
            i18n.set_language("en")
