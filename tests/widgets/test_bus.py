"""The one change bus and the one handler of worker failures (DESIGN: one change bus).

Every write — a key, a form, the collector running in this process, another process —
reaches the screen through ``DutyboardApp.on_desk_changed``; any worker error nobody
caught becomes a notice and a log line, whoever ran the worker.
"""

from __future__ import annotations

import inspect
import os
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

import widgets
from dutyboard.app import DutyboardApp, shown
from dutyboard.config import Config
from dutyboard.ingest.collector import Collector
from dutyboard.ingest.sources import SourceConfig
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation
from tests.conftest import FakeClock
from tests.widgets.pilot import cell_text, loaded, panel, settle
from widgets.common.desk import DeskChanged, ReportsFailures
from widgets.common.dialogs import FormDialog
from widgets.common.log_screen import LogScreen
from widgets.handover.panel import HandoverPanel

CSV = "org,item,quantity,priority\nJilin relief office,N95 masks,3000,urgent\n"


def make_app(path: Path | PostgresLocation) -> DutyboardApp:
    store = Store.open(path, actor="Zhang Wei", clock=FakeClock())
    config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user="Zhang Wei")
    return DutyboardApp(store, config, clock=FakeClock(), poll_s=0.05)


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> list[DeskChanged]:
    """Every message the App's bus handler takes, in order."""
    seen: list[DeskChanged] = []
    handler = DutyboardApp.on_desk_changed

    def spy(self: DutyboardApp, message: DeskChanged) -> None:
        seen.append(message)
        handler(self, message)

    monkeypatch.setattr(DutyboardApp, "on_desk_changed", spy)
    return seen


async def until(app: DutyboardApp, pilot: Pilot[None], done: Callable[[], bool]) -> None:
    for _ in range(100):
        await settle(app, pilot)
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("the change never reached the screen")


async def test_a_key_a_form_the_collector_and_another_process_all_use_the_bus(
    demo_desk: Path | PostgresLocation, tmp_path: Path, bus: list[DeskChanged]
) -> None:
    demo_db = demo_desk  # on either engine
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")

        # A key: acknowledge a new request.
        heard = len(bus)
        index = next(i for i in loaded(requests) if cell_text(requests, i, "Status") == "new")
        requests.table.move_cursor(index)
        await settle(app, pilot)
        await pilot.press("a")
        await until(
            app, pilot, lambda: cell_text(requests, requests.table.cursor, "Status") != "new"
        )
        assert len(bus) > heard

        # A form: a new request.
        heard, total = len(bus), requests.table.total
        await pilot.press("N")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#field-org", Input).value = "Changchun No. 2 hospital"
        form.query_one("#field-item", Input).value = "goggles"
        await pilot.press("ctrl+s")
        await until(app, pilot, lambda: requests.table.total == total + 1)
        assert len(bus) > heard

        # The collector, in this process, on its own connection.
        heard, total = len(bus), requests.table.total
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        (inbox / "units.csv").write_text(CSV, encoding="utf-8")
        source = SourceConfig(
            name="units",
            kind="requests",
            type="folder",
            path=inbox,
            zone="Asia/Shanghai",
            settle_seconds=0.05,
        )
        report = await Collector(demo_db, [source], holder="test:1").run(once=True)
        assert report.added == 1
        await until(app, pilot, lambda: requests.table.total == total + 1)
        assert len(bus) > heard

        # Another process: the command line.
        heard, total = len(bus), requests.table.total
        file = tmp_path / "more.csv"
        file.write_text(CSV.replace("Jilin", "Harbin"), encoding="utf-8")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dutyboard",
                "ingest",
                "--kind=requests",
                f"--db={demo_db}",
                file,
            ],
            check=True,
            timeout=60,
            capture_output=True,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("DUTYBOARD_")},
                "XDG_CONFIG_HOME": str(tmp_path / "no-config"),
            },
        )
        await until(app, pilot, lambda: requests.table.total == total + 1)
        assert len(bus) > heard


async def test_the_bus_refreshes_the_header_and_who_is_on_duty(
    demo_db: Path, bus: list[DeskChanged]
) -> None:
    """A take-over here moves no data_version (it is this connection's own write): the
    bus alone brings the header and the handover panel up to date."""
    app = make_app(demo_db)
    app.store.actor = "Li Na"
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        header = app._header
        assert header.on_duty == "Zhang Wei"
        heard = len(bus)
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        await pilot.press("enter")  # "Take the desk now"
        await until(app, pilot, lambda: header.on_duty == "Li Na")
        assert len(bus) > heard
        lines = "\n".join(line.plain for line in app.query_one(HandoverPanel).lines)
        assert "On duty: Li Na" in lines


async def test_the_panel_in_use_is_refreshed_first_and_the_rest_of_the_screen_after(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a change the panel the officer is in is re-queried at once; the other panels
    on screen and the header's counts a moment later (two cores: their queries would slow
    the first), and every one of them is re-queried: none is left stale."""
    app = make_app(demo_db)
    order: list[str] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")  # the leads panel is the one in use
        await settle(app, pilot)
        on_screen = [name for name, widget in app._panels.items() if shown(widget)]
        assert "leads" in on_screen and len(on_screen) > 2

        def recorded(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
            def record(**kwargs: Any) -> Any:
                order.append(name)
                return call(**kwargs)

            return record

        for name in on_screen:
            widget = app._panels[name]
            monkeypatch.setattr(widget, "reload", recorded(name, widget.reload))  # type: ignore[attr-defined]
        monkeypatch.setattr(app, "_count", recorded("header", app._count))
        app.post_message(DeskChanged())
        await until(app, pilot, lambda: len(order) == len(on_screen) + 1)
        await settle(app, pilot)
    assert order[0] == "leads"
    assert sorted(order[1:]) == sorted([*(n for n in on_screen if n != "leads"), "header"])


def _boom() -> None:
    raise RuntimeError("injected failure \x1b[31m[red]x[/red]")


async def failure_notices(pilot: Pilot[None], app: DutyboardApp, n: int) -> list[str]:
    """The notices of the injected failure, once ``n`` are up (settle() would re-raise
    the workers' errors: waiting on a failed worker raises)."""
    for _ in range(100):
        await pilot.pause(0.05)
        notices = [m.message for m in app._notifications if "injected failure" in m.message]
        if len(notices) >= n:
            await pilot.pause(0.2)  # and no more than n come
            notices = [m.message for m in app._notifications if "injected failure" in m.message]
            assert len(notices) == n, notices
            return notices
    raise AssertionError("the worker's failure was swallowed: no notice")


async def test_a_worker_error_is_a_notice_and_a_log_line(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_file = tmp_path / "state" / "dutyboard.log"
    monkeypatch.setenv("DUTYBOARD_LOG", str(log_file))
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        # From a panel, from a table, and from the app itself: each reported once.
        for node in (panel(app, "requests"), panel(app, "leads").table, app):
            node.run_worker(_boom, thread=True, exit_on_error=False, name="boom")
        notices = await failure_notices(pilot, app, 3)
        assert all(str(log_file) in n for n in notices)
        assert all("\x1b" not in n for n in notices)  # the error's text is cleaned too
        assert {n.split(" failed")[0].split("(")[1].split(":")[0] for n in notices} == {
            "RequestsPanel.boom",
            "VirtualTable.boom",
            "app.boom",
        }
        assert app.is_running  # a worker's error never takes the desk down
        text = log_file.read_text(encoding="utf-8")
        assert text.count("RuntimeError: injected failure") == 3
        assert "Traceback" in text and "\x1b" not in text  # cleaned as hostile text
        assert log_file.stat().st_mode & 0o777 == 0o600
        # The same lines on screen: the palette's "Log".
        app.action_show_log()
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)
        assert sum("injected failure" in line for line in app.screen.lines) == 3


async def test_a_leaders_log_stays_in_memory(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_file = tmp_path / "leader.log"
    monkeypatch.setenv("DUTYBOARD_LOG", str(log_file))
    store = Store.open(demo_db, readonly=True, actor="Wang", clock=FakeClock())
    config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user="Wang")
    app = DutyboardApp(store, config, role="leader", clock=FakeClock())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        panel(app, "requests").run_worker(_boom, thread=True, exit_on_error=False)
        notices = await failure_notices(pilot, app, 1)
        assert "memory" in notices[0]
        assert any("injected failure" in line for line in app.desk_log.lines)
    assert not log_file.exists()


def test_every_widget_that_runs_workers_reports_their_failures() -> None:
    """Textual tells only the node that ran a worker how it ended: a widget or screen
    with workers that is not a ReportsFailures would swallow their errors."""
    silent = []
    for info in pkgutil.walk_packages(widgets.__path__, "widgets."):
        module = import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, Widget):
                continue
            source = inspect.getsource(cls)
            if ("@work" in source or "run_worker(" in source) and not issubclass(
                cls, ReportsFailures
            ):
                silent.append(f"{cls.__module__}.{cls.__qualname__}")
    assert silent == []
