"""A lead's next action, when and what: set, cleared, reset by a status change (whichever
door the change comes through); each change one event."""

from __future__ import annotations

import json

import pytest

from dutyboard.domain.status import IllegalTransition
from dutyboard.store import NotFound, StaleEdit, Store, ValidationError
from dutyboard.store.attention import attention
from tests.conftest import FIXED_NOW

NOW = FIXED_NOW.isoformat()
PAST = "2020-02-04T17:00:00+00:00"  # two hours before the desk's clock: LATE


def lead(store: Store, **fields: object) -> int:
    return store.add_lead({"supplier": "Colombo Medical", "item": "KN95 masks", **fields})


def late(store: Store) -> int:
    return attention(store, NOW).leads_waiting


def test_set_next_action_stores_when_and_what_with_one_event(store: Store) -> None:
    lead_id = lead(store, status="verifying", notes="met at the fair")
    version = store.get("leads", lead_id)["version"]
    row = store.set_next_action(
        lead_id,
        "2020-02-05T09:00+08:00",
        "  call back\x1b[31m about price\x07 ",
        expected_version=version,
    )
    assert row["next_action_at"] == "2020-02-05T01:00:00+00:00"
    saved = store.get("leads", lead_id)
    assert (saved["next_action_at"], saved["next_action"]) == (
        "2020-02-05T01:00:00+00:00",
        "call back about price",
    )
    assert saved["notes"] == "met at the fair"  # the what is no longer a note line
    (event,) = [e for e in store.history("lead", lead_id) if e["action"] == "next_action"]
    assert json.loads(event["after"]) == {
        "next_action_at": "2020-02-05T01:00:00+00:00",
        "next_action": "call back about price",
    }


def test_set_next_action_without_a_time_keeps_the_what_and_none_clears_both(
    store: Store,
) -> None:
    lead_id = lead(store, next_action_at=PAST, next_action="send the CE certificate")
    row = store.set_next_action(lead_id, None, "ask for the FDA letter")
    assert (row["next_action_at"], row["next_action"]) == (None, "ask for the FDA letter")
    row = store.set_next_action(lead_id, None)
    assert (row["next_action_at"], row["next_action"]) == (None, None)
    assert store.set_next_action(lead_id, "", "   ")["next_action"] is None


def test_set_next_action_refuses_a_bad_time_a_stale_version_and_a_missing_lead(
    store: Store,
) -> None:
    lead_id = lead(store)
    with pytest.raises(ValidationError):
        store.set_next_action(lead_id, "tomorrow-ish", "call")
    with pytest.raises(StaleEdit):
        store.set_next_action(lead_id, None, "call", expected_version=0)
    with pytest.raises(NotFound):
        store.set_next_action(9999, None, "call")
    assert store.get("leads", lead_id)["next_action"] is None


def test_a_status_change_resets_the_next_action(store: Store) -> None:
    lead_id = lead(store, next_action_at=PAST, next_action="chase the quote")
    version = store.get("leads", lead_id)["version"]
    row = store.move_lead(lead_id, "verifying", expected_version=version)
    assert (row["status"], row["next_action_at"], row["next_action"]) == ("verifying", None, None)
    history = store.history("lead", lead_id)
    assert history[0]["action"] == "status"  # one event carries every change
    assert json.loads(history[0]["after"]) == {
        "status": "verifying",
        "next_action_at": None,
        "next_action": None,
    }
    later = store.move_lead(
        lead_id, "negotiating", next_action_at="2020-02-06T02:00:00+00:00", next_action="price"
    )
    assert (later["next_action_at"], later["next_action"]) == ("2020-02-06T02:00:00+00:00", "price")


def test_set_lead_status_clears_late_like_the_panel_does(store: Store) -> None:
    """The CLI's and the demo's door is the panel's: one code path."""
    assert Store.set_lead_status is Store.move_lead
    lead_id = lead(store, next_action_at=PAST, next_action="call Nimal")
    assert late(store) == 1
    row = store.set_lead_status(lead_id, "verifying")
    assert (row["next_action_at"], row["next_action"]) == (None, None)
    assert late(store) == 0
    saved = store.get("leads", lead_id)
    assert (saved["status"], saved["next_action_at"]) == ("verifying", None)
    # Dropping still needs its reason, and the reset comes with it.
    store.set_next_action(lead_id, PAST, "last try")
    with pytest.raises(IllegalTransition):
        store.set_lead_status(lead_id, "dropped")
    assert store.get("leads", lead_id)["next_action"] == "last try"  # nothing half-done
    row = store.set_lead_status(lead_id, "dropped", reason="price")
    assert (row["closure_reason"], row["next_action_at"], row["next_action"]) == (
        "price",
        None,
        None,
    )


def test_a_refused_move_changes_nothing(store: Store) -> None:
    lead_id = lead(store, next_action_at=PAST, next_action="call")
    version = store.get("leads", lead_id)["version"]
    with pytest.raises(StaleEdit):
        store.set_lead_status(lead_id, "verifying", expected_version=version - 1)
    with pytest.raises(ValidationError):
        store.set_lead_status(lead_id, "verifying", next_action_at="soon")
    saved = store.get("leads", lead_id)
    assert (saved["status"], saved["next_action_at"], saved["next_action"]) == ("new", PAST, "call")


def test_a_new_lead_may_carry_its_next_action_text_cleaned(store: Store) -> None:
    lead_id = lead(store, next_action="\x1b]52;c;aGk=\x07ring [b]Li[/b]")
    assert store.get("leads", lead_id)["next_action"] == "ring [b]Li[/b]"
