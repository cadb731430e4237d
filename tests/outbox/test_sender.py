"""The sender (issue 23), on both engines, against a real HTTP server on 127.0.0.1 and the
real channels: each notification reaches each subscribed target once, with its id as the
idempotency key; a target that fails or hangs is retried with back-off and holds up
nobody; a refused one waits for its configuration to change; who sends is one lease."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest

from dutyboard.notify import EVENTS, DeliveryError, Notification, Target
from dutyboard.notify.sender import Sender, SenderLease, backoff, clean_error
from dutyboard.notify.watch import NotifyLoop, NotifySetup, Raised, raise_new
from dutyboard.store import Store
from dutyboard.store import outbox as box
from dutyboard.store.sources import acquire_lease, release_lease
from tests.conftest import FIXED_NOW, FakeClock
from tests.outbox.conftest import Answer, Receiver, hook, wait_for

# Raised at the default thresholds (Target's urgent_after_minutes, feed_failing_minutes).
MINUTES = {"urgent_unacknowledged": {"minutes": 15.0}, "feed_failing": {"minutes": 30.0}}


def raise_all(store: Store) -> dict[str, str]:
    """One notification of every event; their uids by event."""
    raise_new(
        store,
        [
            Raised(event, f"{event}:1", f"{event} title", f"{event} body", MINUTES.get(event, {}))
            for event in EVENTS
        ],
    )
    return {str(r["event"]): str(r["uid"]) for r in store._all("SELECT event, uid FROM outbox")}


def state(store: Store, key: str, target: str) -> dict[str, object]:
    row = box.get_notification(store, key)
    assert row is not None
    rows = [d for d in box.deliveries(store, int(row["id"])) if d["target"] == target]
    assert len(rows) == 1, rows
    return rows[0]


def test_each_event_reaches_each_subscribed_target_once(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    everything = hook("everything", receiver.url("/all"))
    handovers = hook(
        "handovers", receiver.url("/handovers"), "handover_signed", "handover_acknowledged"
    )
    later = hook("later", receiver.url("/later"), "urgent_unacknowledged", urgent_after_minutes=45)
    uids = raise_all(store)
    sender = Sender(store, [everything, handovers, later])
    report = sender.run_once()
    assert report.sent == len(EVENTS) + 2 and report.failed == 0 and not report.busy
    seen = receiver.requests("/all")
    assert sorted(s.body["event"] for s in seen) == sorted(EVENTS)
    for s in seen:  # the notification id, as the body's id and the idempotency key
        assert s.key == s.body["id"] == uids[s.body["event"]]
        assert s.body["title"] == f"{s.body['event']} title"
    assert sorted(s.body["event"] for s in receiver.requests("/handovers")) == [
        "handover_acknowledged",
        "handover_signed",
    ]
    # Raised for the 15-minute threshold: not the 45-minute target's.
    assert receiver.requests("/later") == []
    # Every delivery is sent, once; more passes send nothing again.
    clock.now += timedelta(hours=2)
    for _ in range(3):
        assert sender.run_once().sent == 0
    assert len(receiver.requests()) == len(EVENTS) + 2
    row = state(store, "handover_signed:1", "handovers")
    assert row["state"] == "sent" and row["attempts"] == 1
    assert row["sent_at"] == "2020-02-04T19:00:00+00:00" and row["last_error"] is None
    assert box.waiting(store).count == 0
    assert box.target_deliveries(store, clock.now - timedelta(days=1)) == []


def test_a_failing_and_a_hanging_target_are_retried_and_hold_up_nobody(
    store: Store, clock: FakeClock, receiver: Receiver, silent_url: str
) -> None:
    good = hook("good", receiver.url("/good"), "handover_signed")
    bad = hook("bad", receiver.url("/bad"), "handover_signed")
    hangs = hook("hangs", silent_url, "handover_signed", timeout_s=0.5)
    receiver.answer("/bad", Answer(500), Answer(503), Answer(200))
    raise_new(store, [Raised("handover_signed", "handover_signed:9", "Signed", "Brief")])
    uid = str(store._one("SELECT uid FROM outbox")["uid"])  # type: ignore[index]
    sender = Sender(store, [hangs, bad, good])

    started = time.monotonic()
    report = sender.run_once()
    took = time.monotonic() - started
    (first_good,) = receiver.requests("/good")
    assert first_good.at - started < 0.4  # not after the hanging target's timeout
    assert 0.5 <= took < 3.0  # the pass waited for the hanging target's timeout, no longer
    assert report.sent == 1 and report.failed == 2
    bad_row = state(store, "handover_signed:9", "bad")
    assert bad_row["state"] == "pending" and bad_row["attempts"] == 1
    assert bad_row["next_at"] == "2020-02-04T19:00:30+00:00"  # 30 s later
    assert "HTTP 500" in str(bad_row["last_error"])
    hang_row = state(store, "handover_signed:9", "hangs")
    assert hang_row["state"] == "pending" and "no answer" in str(hang_row["last_error"])
    assert "within 0.5 s" in str(hang_row["last_error"])

    clock.now = FIXED_NOW + timedelta(seconds=29)  # not yet due again
    assert sender.run_once().started == {}
    clock.now = FIXED_NOW + timedelta(seconds=30)
    report = sender.run_once()
    assert report.started == {"hangs": 1, "bad": 1} and report.failed == 2
    assert state(store, "handover_signed:9", "bad")["next_at"] == "2020-02-04T19:01:30+00:00"
    clock.now = FIXED_NOW + timedelta(seconds=90)  # 30 s × 2 after the second failure
    receiver_before = len(receiver.requests("/bad"))
    assert sender.run_once().sent == 1
    assert len(receiver.requests("/bad")) == receiver_before + 1 == 3
    assert {s.key for s in receiver.requests("/bad")} == {uid}  # one id, every attempt
    done = state(store, "handover_signed:9", "bad")
    assert done["state"] == "sent" and done["attempts"] == 3 and done["last_error"] is None
    assert len(receiver.requests("/good")) == 1  # never again
    summary = {t.name: t for t in box.target_deliveries(store, clock.now - timedelta(days=1))}
    assert list(summary) == ["hangs"] and summary["hangs"].pending == 1
    assert summary["hangs"].oldest_pending_at == "2020-02-04T19:00:00+00:00"


def test_the_back_off_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 7, 8, 30)] == [
        30,
        60,
        120,
        240,
        1920,
        3600,
        3600,
    ]


def test_a_target_that_never_returns_gets_no_second_thread(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    release = threading.Event()
    calls: list[tuple[str, str]] = []

    def deliver(target: Target, note: Notification) -> None:
        calls.append((target.name, note.id))
        if target.name == "stuck":
            release.wait(10)  # a channel that ignores its timeout
        else:
            from dutyboard.notify.channels import deliver as real

            real(target, note)

    stuck = hook("stuck", receiver.url("/stuck"), "nobody_on_duty")
    good = hook("good", receiver.url("/good"), "nobody_on_duty")
    raise_new(store, [Raised("nobody_on_duty", "nobody_on_duty:1", "Nobody", "…")])
    sender = Sender(store, [stuck, good], deliver=deliver)
    started = time.monotonic()
    report = sender.run_once(wait=0.3)
    assert time.monotonic() - started < 1.5  # the wait is bounded
    assert report.busy == ["stuck"] and report.sent == 1
    assert len(receiver.requests("/good")) == 1
    raise_new(store, [Raised("nobody_on_duty", "nobody_on_duty:2", "Nobody again", "…")])
    report = sender.run_once(wait=0.3)
    assert "stuck" not in report.started and report.started == {"good": 1}
    assert [name for name, _ in calls].count("stuck") == 1
    release.set()
    assert sender.wait_idle(5)
    assert state(store, "nobody_on_duty:1", "stuck")["state"] == "sent"
    sender.run_once()
    assert [name for name, _ in calls].count("stuck") == 2  # the second one, once
    assert state(store, "nobody_on_duty:2", "stuck")["state"] == "sent"


def test_a_refused_delivery_waits_for_the_target_to_change(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    receiver.answer("/hook", Answer(400))
    target = hook("chat", receiver.url("/hook"), "feed_failing")
    raise_new(store, [Raised("feed_failing", "feed_failing:a", "Feed", "…", {"minutes": 30.0})])
    assert Sender(store, [target]).run_once().failed == 1
    row = state(store, "feed_failing:a", "chat")
    assert row["state"] == "failed" and "HTTP 400" in str(row["last_error"])
    clock.now += timedelta(hours=2)
    assert Sender(store, [target]).run_once().started == {}  # not retried as it is
    assert len(receiver.requests()) == 1
    receiver.answer("/fixed", Answer(200))
    fixed = dataclasses.replace(target, url=receiver.url("/fixed"))
    assert Sender(store, [fixed]).run_once().sent == 1
    assert state(store, "feed_failing:a", "chat")["state"] == "sent"


def test_a_delivery_not_made_within_a_day_is_given_up(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    receiver.answer("/down", Answer(503))
    target = hook("down", receiver.url("/down"), "arrival_overdue")
    raise_new(store, [Raised("arrival_overdue", "arrival_overdue:1", "Late", "…")])
    sender = Sender(store, [target])
    tries = 0
    while clock.now < FIXED_NOW + timedelta(hours=25):
        tries += len(sender.run_once().started)
        clock.now += timedelta(hours=2)  # past each back-off (an hour at most)
    row = state(store, "arrival_overdue:1", "down")
    assert row["state"] == "gave_up" and "HTTP 503" in str(row["last_error"])
    # Tried at 0 h, 2 h … 24 h: that last failure's next try would be past the day.
    assert tries == 13 and len(receiver.requests()) == tries
    (summary,) = box.target_deliveries(store, FIXED_NOW - timedelta(hours=1))
    assert summary.gave_up == 1 and summary.pending == 0


def test_notifications_no_sender_saw_within_the_window_show_as_given_up(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    raise_new(store, [Raised("nobody_on_duty", "nobody_on_duty:old", "Nobody", "…")])
    clock.now += timedelta(hours=30)
    target = hook("chat", receiver.url("/chat"), "nobody_on_duty")
    report = Sender(store, [target]).run_once()
    assert report.routed == 1 and report.started == {}
    row = state(store, "nobody_on_duty:old", "chat")
    assert row["state"] == "gave_up" and "no sender was running" in str(row["last_error"])
    assert receiver.requests() == []


def test_errors_are_kept_without_secrets(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    target = Target(
        "ding",
        "dingtalk",
        frozenset(EVENTS),
        url="https://oapi.dingtalk.com/robot/send?access_token=SECRET-TOKEN-123",
        secret_env="DING_SECRET",
    )
    monkeypatch.setenv("DING_SECRET", "SEC-very-secret")
    text = clean_error(
        "POST https://oapi.dingtalk.com/robot/send?access_token=SECRET-TOKEN-123 failed; "
        "signed with SEC-very-secret; see https://x.example/hook/abcdef0123?key=zz\x1b[2J",
        target,
    )
    assert "SECRET-TOKEN-123" not in text and "SEC-very-secret" not in text
    assert "abcdef0123" not in text and "zz" not in text and "\x1b" not in text
    assert "https://oapi.dingtalk.com/robot/send?access_token=…" in text

    def failing(target: Target, note: Notification) -> None:
        raise DeliveryError(f"could not reach {target.url}", retry=True)

    raise_new(store, [Raised("daily_report", "daily_report:x", "Report", "…")])
    Sender(store, [target], deliver=failing).run_once()
    row = state(store, "daily_report:x", "ding")
    assert "SECRET-TOKEN-123" not in str(row["last_error"]) and "access_token=…" in str(
        row["last_error"]
    )


# -- who sends ------------------------------------------------------------------------------


def test_one_sender_at_a_time_and_the_collector_first(
    store: Store, desk_location: object, clock: FakeClock
) -> None:
    dashboard = SenderLease(store, "host:1:dashboard", defer_to_collector=True)
    other = SenderLease(store, "host:2:dashboard", defer_to_collector=True)
    assert dashboard.acquire() and dashboard.held
    assert not other.acquire()  # one sender
    writes = store.data_version()
    assert dashboard.acquire()  # renewing a fresh lease writes nothing
    assert store.data_version() == writes
    # A collector starts: the dashboard gives way; the collector takes the sender lease.
    acquire_lease(store, "host:3", 60)
    collector = SenderLease(store, "host:3")
    assert not collector.acquire()  # the dashboard's lease is still live…
    assert not dashboard.acquire() and not dashboard.held  # …until it sees the collector
    assert box.sender_lease(store) is None
    assert collector.acquire()
    assert not other.acquire()
    # The collector stops: a dashboard sends again once the sender lease is free.
    release_lease(store, "host:3")
    collector.release()
    assert other.acquire()
    # An expired lease (its holder died) is taken over.
    clock.now += timedelta(minutes=5)
    assert dashboard.acquire()
    lease = box.sender_lease(store)
    assert lease is not None and lease["holder"] == "host:1:dashboard"


def test_a_read_only_store_never_sends(
    store: Store, desk_location: object, clock: FakeClock, receiver: Receiver
) -> None:
    raise_new(store, [Raised("handover_signed", "handover_signed:1", "Signed", "…")])
    leader = Store.open(desk_location, readonly=True, clock=clock)  # type: ignore[arg-type]
    try:
        target = hook("chat", receiver.url("/chat"))
        setup = NotifySetup(targets=(target,))
        assert not SenderLease(leader).acquire()
        assert NotifyLoop(leader, setup).run_pass() is None
        assert Sender(leader, [target]).run_once().started == {}
    finally:
        leader.close()
    assert receiver.requests() == [] and box.sender_lease(store) is None
    loop = NotifyLoop(store, setup, role="dashboard", defer_to_collector=True)
    result = loop.run_pass()
    assert result is not None and result.send.sent == 1
    loop.close()
    assert box.sender_lease(store) is None
    assert wait_for(lambda: len(receiver.requests()) == 1)
