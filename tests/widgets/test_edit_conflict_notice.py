"""On the dashboard, an edit that met another officer's change says who did what and when,
in desk time (issue 18), through the one write path every panel uses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dutyboard.store import StaleEdit, Store
from tests.conftest import FIXED_NOW, FakeClock
from tests.widgets.pilot import make_app, panel, settle
from widgets.common.writes import conflict_message


async def test_a_stale_acknowledgement_names_the_officer_and_the_time(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        requests = panel(app, "requests")
        row = app.store._one("SELECT id, version FROM requests WHERE status = 'new' LIMIT 1")
        assert row is not None
        # Li Na, at another terminal, acknowledges it first: 03:12 at the desk.
        other = Store.open(
            demo_db, actor="Li Na", clock=FakeClock(FIXED_NOW + timedelta(minutes=12))
        )
        try:
            other.acknowledge_request(row["id"])
        finally:
            other.close()
        requests.write(
            lambda: app.store.acknowledge_request(row["id"], expected_version=row["version"]),
            "acknowledged",
        )
        await settle(app, pilot)
        notices = [(str(n.message), n.severity) for n in app._notifications]
        assert (
            "Li Na acknowledged this request at 03:12; reopen it to see the change",
            "warning",
        ) in notices
        assert not any("version" in message for message, _severity in notices)
        assert app.store.get("requests", row["id"])["assignee"] == "Li Na"


def test_a_conflict_without_its_change_keeps_the_store_message() -> None:
    exc = StaleEdit("arrival #3 was changed by someone else (version 4, you had 3); reload")
    assert conflict_message(exc) == str(exc)
