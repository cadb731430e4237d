"""A lead's next action: set, cleared, reset by a status change; each change one event."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutyboard.demo import build_demo
from dutyboard.store import Store, ValidationError
from tests.conftest import FIXED_NOW, FakeClock


@pytest.fixture
def store(tmp_path: Path) -> Store:
    path = tmp_path / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    return Store.open(path, actor="Zhang Wei", clock=FakeClock())


def events(store: Store, lead_id: int) -> list[str]:
    return [r["action"] for r in store.history("lead", lead_id)]


def test_set_next_action_stores_when_and_what_with_one_event(store: Store) -> None:
    lead = store.get("leads", 3)
    before = len(events(store, 3))
    row = store.set_next_action(
        3,
        "2020-02-05T09:00+08:00",
        "call back\x1b[31m about price",
        expected_version=lead["version"],
    )
    assert row["next_action_at"] == "2020-02-05T01:00:00+00:00"
    saved = store.get("leads", 3)
    assert saved["next_action_at"] == "2020-02-05T01:00:00+00:00"
    assert saved["notes"].splitlines()[-1].endswith("next action: call back about price")
    assert "\x1b" not in saved["notes"]
    assert events(store, 3)[: len(events(store, 3)) - before] == ["next_action"]


def test_set_next_action_refuses_a_bad_time_and_a_stale_version(store: Store) -> None:
    with pytest.raises(ValidationError):
        store.set_next_action(3, "tomorrow-ish")
    from dutyboard.store import StaleEdit

    with pytest.raises(StaleEdit):
        store.set_next_action(3, None, expected_version=0)


def test_a_status_change_resets_the_next_action(store: Store) -> None:
    lead = store.get("leads", 3)  # verifying, next action 19:18 UTC
    assert lead["next_action_at"] is not None
    row = store.move_lead(3, "negotiating", expected_version=lead["version"])
    assert (row["status"], row["next_action_at"]) == ("negotiating", None)
    history = store.history("lead", 3)
    assert history[0]["action"] == "status"
    assert "next_action_at" in history[0]["after"]
    later = store.move_lead(3, "ordered", next_action_at="2020-02-06T02:00:00+00:00")
    assert later["next_action_at"] == "2020-02-06T02:00:00+00:00"
