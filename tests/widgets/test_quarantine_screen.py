"""The quarantine view, driven through the Pilot on a real desk (issue 18 #2).

The demo desk gets real files through the real importer: a CSV with bad rows (one of them
hostile: markup-looking brackets and an escape sequence) and a workbook cut short.
The screen is pushed on the dashboard app the way the palette entry does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import pytest
from textual.widgets import Input, OptionList, Static

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.ingest.sources import load_sources
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.store import Store
from dutyboard.store import quarantine as q
from dutyboard.store.sources import register_sources
from tests.conftest import UNREADABLE_XLSX, FakeClock
from tests.widgets.pilot import settle
from widgets.common.dialogs import FormDialog
from widgets.common.header import DeskHeader
from widgets.quarantine.screen import QuarantineScreen

# Row 3: a quantity that is not a number, from a unit whose name is hostile.
NEEDS = (
    "org,item,quantity\n"
    "Jilin University,KN95 masks,2000\n"
    "[bold]No. 3[/bold] Hospital\x1b[2J,gloves,12x\n"
)
# No column names the unit: both rows wait for a mapping (or a fix).
OFFICE = (
    "Requesting office,item,quantity\n"
    "Jilin No. 1 School,goggles,50\n"
    "Changchun Red Cross,masks,300\n"
)


def config_for(tmp_path: Path, mapping: str = "") -> Config:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\n'
        f'path = "{tmp_path / "inbox"}"\nzone = "Asia/Shanghai"\n{mapping}',
        encoding="utf-8",
    )
    return Config(
        desk_name="Test desk", timezone="Asia/Shanghai", user="Zhang Wei", source_path=path
    )


@pytest.fixture
def desk(demo_db: Path, tmp_path: Path) -> Path:
    """The demo desk after a bad night's files, units failing with 4 open rows: #1 the
    workbook, #2 needs.csv row 3 (quantity 12x), #3 and #4 office.csv rows 2 and 3."""
    config = config_for(tmp_path)
    store = Store.open(demo_db, actor="collector", clock=FakeClock())
    try:
        register_sources(store, load_sources(config.source_path))
        ingest_bytes(
            store,
            (UNREADABLE_XLSX).read_bytes(),
            "broken.xlsx",
            kind="requests",
            source="units",
            location="/srv/inbox/broken.xlsx",
        )
        for name, text in (("needs.csv", NEEDS), ("office.csv", OFFICE)):
            ingest_bytes(
                store,
                text.encode(),
                name,
                kind="requests",
                source="units",
                location=f"/srv/inbox/{name}",
            )
    finally:
        store.close()
    return demo_db


def make_app(path: Path, config: Config, role: str = "officer") -> DutyboardApp:
    store = Store.open(path, readonly=role == "leader", actor="Zhang Wei", clock=FakeClock())
    return DutyboardApp(store, config, role=role, clock=FakeClock())


async def open_screen(app: DutyboardApp, pilot: object) -> QuarantineScreen:
    screen = QuarantineScreen()
    app.push_screen(screen)
    await settle(app, pilot)  # type: ignore[arg-type]
    return screen


def listing(screen: QuarantineScreen) -> OptionList:
    return screen.query_one("#q-list", OptionList)


def prompt(screen: QuarantineScreen, index: int) -> str:
    return str(listing(screen).get_option_at_index(index).prompt)


async def test_lists_the_open_rows_and_shows_the_original_text(desk: Path, tmp_path: Path) -> None:
    app = make_app(desk, config_for(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_screen(app, pilot)
        assert listing(screen).option_count == 4
        first = prompt(screen, 0)  # newest first: office.csv's row 3
        assert first.startswith("#4 open  units  office.csv  row 3")
        assert "missing required field org" in first
        assert "Quarantine: 4 open rows" in str(screen.query_one("#q-count").render())
        assert prompt(screen, 2).startswith("#2 open  units  needs.csv  row 3 · quantity")
        assert prompt(screen, 3).startswith("#1 open  units  broken.xlsx  whole file")
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        shown = str(screen.query_one("#q-detail", Static).render())
        assert "Reason: quantity '12x' is not a number" in shown
        # Brackets from the file stay brackets (never markup), the escape is gone.
        assert "[bold]No. 3[/bold] Hospital,gloves,12x" in shown
        assert "\x1b" not in shown
        assert "File bytes:" in shown and "kept, utf-8" in shown
        await pilot.press("down", "enter")
        await settle(app, pilot)
        shown = str(screen.query_one("#q-detail", Static).render())
        assert "binary file: its bytes are kept, not shown" in shown
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuarantineScreen)


async def test_discard_with_a_reason_is_logged(desk: Path, tmp_path: Path) -> None:
    app = make_app(desk, config_for(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_screen(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one(Input).value = "the unit phoned it in"
        await pilot.press("enter")
        await settle(app, pilot)
        assert cast(object, app.screen) is screen
        row = q.get_row(app.store, 4)
        assert (row["state"], row["resolution"], row["resolved_by"]) == (
            "discarded",
            "the unit phoned it in",
            "Zhang Wei",
        )
        (event,) = q.history(app.store, 4)
        assert event["action"] == "discard" and event["actor"] == "Zhang Wei"
        assert listing(screen).option_count == 3  # the list reloaded: open rows only


async def test_fix_the_row_in_a_form_stores_a_record(desk: Path, tmp_path: Path) -> None:
    app = make_app(desk, config_for(tmp_path))
    before = app.store.count_requests(open_only=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_screen(app, pilot)
        await pilot.press("down", "down", "e")  # #2: needs.csv row 3
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        values = {i.id: i.value for i in form.query(Input)}
        # What the row could be read as, its bad value as written, for the officer to fix.
        assert values["field-org"] == "[bold]No. 3[/bold] Hospital"
        assert values["field-item"] == "gloves" and values["field-quantity"] == "12x"
        form.query_one("#field-org", Input).value = "No. 3 Hospital"
        form.query_one("#field-quantity", Input).value = "1,200"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = q.get_row(app.store, 2)
        assert row["state"] == "fixed" and row["record_id"]
        record = app.store.get("requests", row["record_id"])
        assert (record["org"], record["item"], record["quantity"]) == (
            "No. 3 Hospital",
            "gloves",
            1200,
        )
        assert record["source"] == "units"
        assert app.store.count_requests(open_only=False) == before + 1
        assert [e["action"] for e in q.history(app.store, 2)] == ["fix"]


async def test_retry_after_the_mapping_is_fixed(desk: Path, tmp_path: Path) -> None:
    config = config_for(tmp_path, 'mapping = { "Requesting office" = "org" }\n')
    app = make_app(desk, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_screen(app, pilot)
        await pilot.press("r")  # #4: office.csv, and with it #3
        await settle(app, pilot)
        states = [q.get_row(app.store, i)["state"] for i in (1, 2, 3, 4)]
        assert states == ["open", "open", "retried", "retried"]
        orgs = [
            r[0]
            for r in app.store.conn.execute(
                "SELECT org FROM requests WHERE source = 'units' ORDER BY id"
            )
        ]
        assert orgs == ["Jilin University", "Jilin No. 1 School", "Changchun Red Cross"]
        assert listing(screen).option_count == 2  # the workbook and needs.csv's row 3
        event = q.history(app.store, 4)[0]
        assert event["action"] == "retry" and json.loads(event["after"])["state"] == "retried"


async def test_a_leader_has_no_write_key(desk: Path, tmp_path: Path) -> None:
    app = make_app(desk, config_for(tmp_path), role="leader")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_screen(app, pilot)
        assert listing(screen).option_count == 4
        shown = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert not shown & {"retry", "fix", "discard"}
        for key in ("d", "e", "r"):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen is screen
        assert q.open_count(app.store) == 4


async def test_the_header_counts_the_failing_source(desk: Path, tmp_path: Path) -> None:
    app = make_app(desk, config_for(tmp_path))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        header = str(app.query_one(DeskHeader).render())
        assert "feeds failing 1" in header
        assert app.query_one(DeskHeader).attention.quarantine_open == 4  # type: ignore[union-attr]


async def test_the_footer_shows_the_quarantine_key_only_while_something_fails(
    desk: Path, tmp_path: Path
) -> None:
    """ROUND2: the quarantine view is a palette entry always, and a key in the footer
    whenever something is failing."""
    app = make_app(desk, config_for(tmp_path))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        shown = {b.binding.key for b in app.active_bindings.values() if b.enabled}
        assert "exclamation_mark" in shown
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Quarantine") == 1
        await pilot.press("exclamation_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, QuarantineScreen)
    from dutyboard.demo import build_demo
    from tests.conftest import FIXED_NOW

    quiet_db = tmp_path / "quiet" / "demo.db"
    quiet_db.parent.mkdir()
    build_demo(quiet_db, now=FIXED_NOW, officer="Zhang Wei")  # nothing failing here
    quiet = make_app(quiet_db, config_for(tmp_path))
    async with quiet.run_test(size=(160, 45)) as pilot:
        await settle(quiet, pilot)
        shown = {b.binding.key for b in quiet.active_bindings.values() if b.enabled}
        assert "exclamation_mark" not in shown
        assert "Quarantine" in [c.title for c in quiet.get_system_commands(quiet.screen)]
