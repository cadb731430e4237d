"""The paste box (key ``p``, issue 22): a chat message pasted in, its records proposed one
by one in the panel's own form, an unclear value marked and left for the officer, the
pasted text kept as each record's original payload; nothing stored before a form is
saved, and a leader has no such key."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label, TextArea

from dutyboard.app import DutyboardApp
from tests.widgets.pilot import make_app, panel, settle
from widgets.common.dialogs import FormDialog
from widgets.paste.box import PasteDialog

SOLITAIRE = (
    "#接龙 物资需求\n"
    "1. 长沙市一中 N95口罩 两千个 联系人王老师 13812345678\n"
    "2. 岳阳县人民医院 防护服 几千套 急\n"
)


def field_value(app: DutyboardApp, name: str) -> str:
    return app.screen.query_one(f"#field-{name}", Input).value


def labels(app: DutyboardApp) -> str:
    return "\n".join(str(label.render()) for label in app.screen.query(Label))


async def _paste(app: DutyboardApp, pilot: object, text: str) -> None:
    await pilot.press("p")  # type: ignore[attr-defined]
    await settle(app, pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, PasteDialog)
    app.screen.query_one(TextArea).load_text(text)
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await settle(app, pilot)  # type: ignore[arg-type]


async def test_a_solitaire_list_becomes_records_through_the_form(demo_db: Path) -> None:
    app = make_app(demo_db)
    before = {int(r["id"]) for r in app.store.conn.execute("SELECT id FROM requests")}
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("1")
        await _paste(app, pilot, SOLITAIRE)
        assert isinstance(app.screen, FormDialog)
        assert "1 of 2" in app.screen.title_text
        assert field_value(app, "org") == "长沙市一中"
        assert "N95" in field_value(app, "item")
        assert field_value(app, "quantity") == "2000"
        assert "13812345678" in field_value(app, "phone")
        # Nothing is stored before the form is saved.
        assert {int(r["id"]) for r in app.store.conn.execute("SELECT id FROM requests")} == before
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # The second record: its estimate is not guessed, it is marked and left empty.
        assert isinstance(app.screen, FormDialog) and "2 of 2" in app.screen.title_text
        assert field_value(app, "quantity") == ""
        assert "几千" in labels(app) and "⚠" in labels(app)
        app.screen.query_one("#field-quantity", Input).value = "3000"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormDialog)
    rows = [
        dict(r)
        for r in app.store.conn.execute("SELECT * FROM requests WHERE source = 'paste' ORDER BY id")
    ]
    assert [(r["org"], r["quantity"]) for r in rows] == [
        ("长沙市一中", 2000),
        ("岳阳县人民医院", 3000),
    ]
    assert "长沙市一中 N95口罩 两千个" in rows[0]["raw"]
    assert "几千套" in rows[1]["raw"]


async def test_esc_skips_a_record_and_an_empty_paste_stores_nothing(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("1")
        await _paste(app, pilot, SOLITAIRE)
        await pilot.press("escape")  # skip the first
        await settle(app, pilot)
        await pilot.press("escape")  # and the second
        await settle(app, pilot)
        assert not isinstance(app.screen, FormDialog)
        # A message that asks for a quantity of something unnamed is still shown: the
        # form says what was not found, and esc leaves nothing behind.
        await _paste(app, pilot, "岳阳县人民医院 急需 3000个")
        assert isinstance(app.screen, FormDialog)
        assert "not found: item" in labels(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormDialog)
        # Small talk (no item, no quantity) opens no form: one notice says why.
        await _paste(app, pilot, "hello, anyone on duty tonight?")
        assert not isinstance(app.screen, FormDialog)
        notices = [n.message for n in app._notifications]
        assert any("No record found" in n and "no item or quantity" in n for n in notices)
    count = app.store.conn.execute("SELECT count(*) FROM requests WHERE source = 'paste'")
    assert count.fetchone()[0] == 0


async def test_a_leader_has_no_paste_key(demo_db: Path) -> None:
    app = make_app(demo_db, role="leader")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("1")
        await pilot.press("p")
        await settle(app, pilot)
        assert not isinstance(app.screen, PasteDialog)
        assert panel(app, "requests").check_action("paste", ()) is False
