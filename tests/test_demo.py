from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dutyboard.demo import build_demo
from dutyboard.store import Store, StoreError
from tests.conftest import FIXED_NOW


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    return path


def test_demo_is_realistic_and_complete(demo: Path) -> None:
    store = Store.open(demo, readonly=True)
    q = store.conn.execute
    assert q("SELECT count(*) FROM requests").fetchone()[0] == 240
    statuses = {r[0] for r in q("SELECT DISTINCT status FROM leads")}
    assert statuses == {
        "new", "verifying", "negotiating", "ordered", "in_transit", "customs", "received",
        "dropped",
    }  # fmt: skip
    assert q("SELECT count(DISTINCT country) FROM leads").fetchone()[0] >= 12
    assert q("SELECT count(*) FROM leads WHERE status='dropped' AND closure_reason IS NULL"
             ).fetchone()[0] == 0  # fmt: skip
    zones = {r[0] for r in q("SELECT tz FROM contacts")}
    assert q("SELECT count(*) FROM contacts").fetchone()[0] >= 60
    assert len(zones) >= 15
    assert {"Asia/Colombo", "Asia/Kolkata", "Asia/Kathmandu", "America/New_York"} <= zones
    for zone in zones:
        ZoneInfo(zone)  # every zone is a real IANA zone
    items = {r[0] for r in q("SELECT DISTINCT item FROM requests")}
    assert {"surgical masks", "nitrile gloves", "protective suits", "goggles"} <= items
    shift = store.current_shift()
    assert shift is not None and shift.officer == "Zhang Wei"
    handover = store.last_handover()
    assert handover is not None and handover["state"] == "acknowledged"
    assert len(store.handover_items(handover["id"])) == 3
    # Everything was written through the store API: events exist for every record.
    assert q("SELECT count(DISTINCT entity_id) FROM events WHERE entity='request'"
             ).fetchone()[0] == 240  # fmt: skip
    store.close()


def test_demo_is_deterministic(tmp_path: Path, demo: Path) -> None:
    again = tmp_path / "again.db"
    build_demo(again, now=FIXED_NOW, officer="Zhang Wei")
    a, b = Store.open(demo, readonly=True), Store.open(again, readonly=True)
    sql = "SELECT org, item, quantity, priority, status FROM requests ORDER BY id"
    assert a.conn.execute(sql).fetchall() == b.conn.execute(sql).fetchall()


def test_demo_refuses_to_overwrite(demo: Path) -> None:
    with pytest.raises(StoreError, match="already exists"):
        build_demo(demo)


def test_demo_user_after_the_command_puts_them_on_duty(tmp_path: Path) -> None:
    """Night, should-work: `demo --user NAME` was 'unrecognized arguments'."""
    import subprocess
    import sys

    db = str(tmp_path / "d.db")
    run = [sys.executable, "-m", "dutyboard"]
    made = subprocess.run([*run, "demo", "--db", db, "--user", "Li Na"], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr
    shown = subprocess.run([*run, "shift", "show", "--db", db], capture_output=True,
                           text=True, timeout=60)  # fmt: skip
    assert shown.stdout.startswith("On duty: Li Na since"), shown.stdout
