"""The dashboard of a PostgreSQL desk while its server restarts (issue 21): the header says
"database unreachable since …: retrying" in place of a quiet night, the rows stay on
screen, and when the server is back the header clears and another officer's write shows
up by itself. The real test server is stopped and started."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.demo import build_demo
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation
from tests.conftest import FIXED_NOW, FakeClock
from tests.pgserver import PgServer
from tests.store.test_pg_outage import _start, _stop
from tests.widgets.pilot import panel, settle


async def _until(app: DutyboardApp, pilot: Pilot[None], done: Callable[[], bool]) -> None:
    for _ in range(300):
        await settle(app, pilot)
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never showed it")


async def test_a_restart_is_said_in_the_header_and_the_desk_caught_up_after(
    pg_server: PgServer, pg_desk: str
) -> None:
    location = PostgresLocation.parse(pg_desk)
    build_demo(location, now=FIXED_NOW, officer="Zhang Wei")
    store = Store.open(location, actor="Zhang Wei", clock=FakeClock())
    config = Config(desk_name="Hunan desk", timezone="Asia/Shanghai", user="Zhang Wei")
    app = DutyboardApp(store, config, clock=FakeClock(), poll_s=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        total = requests.table.total
        assert total > 0
        header = app.query_one("DeskHeader")
        assert "unreachable" not in str(header.render())
        _stop(pg_server)
        try:
            await _until(
                app,
                pilot,
                lambda: "database unreachable since" in str(header.render()),
            )
            assert requests.table.total == total  # what it had, still shown
        finally:
            _start(pg_server)
        await _until(
            app,
            pilot,
            lambda: "unreachable" not in str(header.render()),
        )
        other = Store.open(location, actor="Li Na")
        try:
            other.add_request({"org": "Changsha No. 1", "item": "goggles"})
        finally:
            other.close()
        await _until(app, pilot, lambda: requests.table.total == total + 1)
    store.close()
