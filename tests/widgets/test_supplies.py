"""The supplies panel, mounted in a small app over a real database, driven by the Pilot."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.widgets import Footer, Input, Sparkline

from dutyboard import i18n
from dutyboard.config import Config
from dutyboard.demo import build_demo
from dutyboard.desk import Desk
from dutyboard.locale import zh_CN_supplies
from dutyboard.store import Store
from dutyboard.store import supplies as ledger
from tests.conftest import FIXED_NOW, FakeClock
from tests.widgets.pilot import settle
from widgets.common.desk import DeskChanged, connect_bus
from widgets.common.dialogs import FormDialog
from widgets.common.export_dialog import ExportDialog
from widgets.supplies.panel import SuppliesPanel, tally_lines


class SuppliesApp(App[None]):
    """Just the panel, with what it needs from the dashboard app."""

    def __init__(self, store: Store, role: str = "officer") -> None:
        super().__init__()
        self.store = store
        self.config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user="Zhang Wei")
        self.role = role
        self.clock = FakeClock()
        self.zone = ZoneInfo("Asia/Shanghai")
        self.desk = Desk(store, self.config, role=role, clock=self.clock)
        connect_bus(self.desk, self)

    def compose(self) -> ComposeResult:
        yield SuppliesPanel(id="supplies", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SuppliesPanel).focus()

    def on_desk_changed(self, message: DeskChanged) -> None:  # the dashboard's bus
        self.query_one(SuppliesPanel).reload()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei", requests=120, leads=60)
    return path  # build_demo already writes the demo ledger (add_demo_supplies)


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "demo.db"
    path.write_bytes(demo_template.read_bytes())
    store = Store.open(path, actor="Zhang Wei", clock=FakeClock())
    yield store
    store.close()


def plain(panel: SuppliesPanel) -> str:
    return "\n".join(line.plain for line in [*panel.lines, *panel.money_lines])


async def test_panel_shows_tallies_money_and_sparklines(demo_store: Store) -> None:
    app = SuppliesApp(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(SuppliesPanel)
        text = plain(panel)
        tallies = {(t.category, t.unit): t for t in ledger.tallies(demo_store)}
        masks = tallies[("masks", "pcs")]
        row = next(line.plain for line in panel.lines if line.plain.startswith("masks (pcs)"))
        assert row.split()[2:] == [
            f"{masks.received:,}",
            f"{masks.distributed:,}",
            f"{masks.in_stock:,}",
            f"{masks.unmet:,}",
        ]
        assert "gloves (pairs)" in text and "disinfectant (litres)" in text
        assert "Funds received: ¥13,500,000.00 · $20,000.00 · €15,000.00" in text
        series = ledger.daily_series(demo_store, FIXED_NOW, app.zone, 14)
        requests = app.query_one("#spark-requests", Sparkline)
        assert list(requests.data or []) == [float(n) for n in series.requests]
        assert sum(app.query_one("#spark-deliveries", Sparkline).data or []) > 0
        assert panel.border_subtitle == f"{ledger.ledger_count(demo_store):,} ledger entries"


async def test_officer_records_goods_received_and_a_delivery(demo_store: Store) -> None:
    app = SuppliesApp(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(SuppliesPanel)
        before = ledger.tallies(demo_store)[0].received
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        for name, value in (("item", "KN95 masks"), ("quantity", "20"), ("unit", "boxes")):
            dialog.query_one(f"#field-{name}", Input).value = value
        dialog.query_one("#field-counterparty", Input).value = "[bold]Sendai[/]"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        entry = demo_store.conn.execute("SELECT * FROM supplies ORDER BY id DESC").fetchone()
        assert (entry["base_quantity"], entry["counterparty"]) == (1_000, "[bold]Sendai[/]")
        assert ledger.tallies(demo_store)[0].received == before + 1_000
        row = next(line.plain for line in panel.lines if line.plain.startswith("masks (pcs)"))
        assert f"{before + 1_000:,}" in row  # the panel reloaded

        request_id = demo_store.add_request(
            {"org": "Jilin University", "item": "goggles", "quantity": 100, "unit": "副"}
        )
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-request_id", Input).value = f"#{request_id}"
        dialog.query_one("#field-quantity", Input).value = "100"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert demo_store.get("requests", request_id)["status"] == "fulfilled"


async def test_a_bad_write_is_one_notice_not_a_crash(demo_store: Store) -> None:
    app = SuppliesApp(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        count = ledger.ledger_count(demo_store)
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#field-quantity", Input).value = "5"
        await pilot.press("ctrl+s")  # no request, no item, no unit to deliver to
        await settle(app, pilot)
        assert ledger.ledger_count(demo_store) == count
        messages = [n.message for n in app._notifications]
        assert any("say what went out and to whom" in str(m) for m in messages)


async def test_leader_has_no_write_keys(demo_store: Store, tmp_path: Path) -> None:
    leader = Store.open(demo_store.location, readonly=True, actor="leader", clock=FakeClock())
    app = SuppliesApp(leader, role="leader")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            panel = app.query_one(SuppliesPanel)
            shown = {b.binding.key for b in app.active_bindings.values() if b.enabled}
            # Export writes a file: a leader's session writes none (hardening #1).
            assert {"r", "d", "F", "x"}.isdisjoint(shown)
            for action in ("receive", "distribute", "funds", "export"):
                assert panel.check_action(action, ()) is False
            await pilot.press("r", "d", "F")
            await settle(app, pilot)
            assert not isinstance(app.screen, FormDialog)
            assert "masks (pcs)" in plain(panel)  # reading works on the read-only store
            await pilot.press("x")
            await pilot.pause()
            assert not isinstance(app.screen, ExportDialog)
    finally:
        leader.close()


async def test_officer_exports_the_ledger_into_the_export_folder(
    demo_store: Store, tmp_path: Path
) -> None:
    app = SuppliesApp(demo_store)
    folder = tmp_path / "exports"
    app.config = app.desk.config = dataclasses.replace(app.config, export_dir=folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        proposed = Path(app.screen.query_one(Input).value)
        assert proposed.parent == folder and not folder.exists()
        await pilot.press("enter")
        await settle(app, pilot)
        rows = list(csv.reader(io.StringIO(proposed.read_text(encoding="utf-8-sig"))))
        assert len(rows) == ledger.ledger_count(demo_store) + 1
        assert rows[0][1] == "Time (Asia/Shanghai)"
        assert folder.stat().st_mode & 0o777 == 0o700
        assert proposed.stat().st_mode & 0o777 == 0o600


def test_chinese_columns_line_up(monkeypatch: pytest.MonkeyPatch, demo_store: Store) -> None:
    catalog = i18n._CATALOGS["zh_CN"]
    for key, value in zh_CN_supplies.MESSAGES.items():
        if key not in catalog:
            monkeypatch.setitem(catalog, key, value)
    monkeypatch.delenv("DUTYBOARD_LANG", raising=False)
    previous = i18n.language()
    i18n.set_language("zh_CN")
    try:
        lines = tally_lines(ledger.tallies(demo_store))
    finally:
        i18n.set_language(previous)
    text = [line.plain for line in lines]
    assert text[0].split() == ["类别", "入库", "发放", "库存", "缺口"]
    assert any(t.startswith("口罩 (件)") for t in text)
    assert any(t.startswith("手套 (双)") for t in text)
    # Wide characters take two cells: every row is as wide as the header, columns align.
    assert len({cell_len(t) for t in text}) == 1
    # The numbers are right-aligned: in every row, each column's last cell is a digit.
    grids = [_cells(t) for t in text]
    header = grids[0]
    ends = [
        i
        for i, cell in enumerate(header)
        if cell.strip() and (i + 1 == len(header) or not header[i + 1].strip())
    ][1:]  # the header's number columns end where each number ends
    assert len(ends) == 4
    for end in ends:
        assert all(grid[end].strip() for grid in grids), end


def _cells(text: str) -> list[str]:
    """One entry per terminal cell (a wide character fills two)."""
    out: list[str] = []
    for ch in text:
        out.append(ch)
        if cell_len(ch) == 2:
            out.append(ch)
    return out
