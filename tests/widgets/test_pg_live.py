"""A PostgreSQL desk's dashboard learns of another machine's write from the notification
the write sends on commit, not from its next poll (issue 21: "live across machines…
without polling the tables"): with the poll set to a minute, the write is on screen long
before the minute is up."""

from __future__ import annotations

import time

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.demo import build_demo
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation
from tests.conftest import FIXED_NOW, FakeClock
from tests.widgets.pilot import panel, settle

POLL_S = 60.0


async def test_a_write_elsewhere_wakes_the_dashboard_before_its_poll(pg_desk: str) -> None:
    location = PostgresLocation.parse(pg_desk)
    build_demo(location, now=FIXED_NOW, officer="Zhang Wei")
    store = Store.open(location, actor="Zhang Wei", clock=FakeClock())
    config = Config(desk_name="Hunan desk", timezone="Asia/Shanghai", user="Zhang Wei")
    app = DutyboardApp(store, config, clock=FakeClock(), poll_s=POLL_S)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(app, pilot)
            requests = panel(app, "requests")
            await pilot.pause(0.5)  # the watcher's first read (a reload) is behind us
            await settle(app, pilot)
            total = requests.table.total
            other = Store.open(location, actor="Li Na")
            try:
                other.add_request({"org": "Changsha No. 1", "item": "goggles"})
            finally:
                other.close()
            written = time.monotonic()
            while requests.table.total != total + 1:
                assert time.monotonic() - written < POLL_S / 4, "only the poll would show it"
                await pilot.pause(0.05)
                await settle(app, pilot)
    finally:
        store.close()
