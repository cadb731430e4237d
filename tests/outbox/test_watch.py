"""Time-based notifications (issue 23), on both engines, with the fake clock: each
condition is raised once (its dedup key), escalation reaches the second target at its
own, later threshold, and the daily report goes out at its time, the xlsx attached for
mail only."""

from __future__ import annotations

import io
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

import pytest

from dutyboard.config import Config, ConfigError
from dutyboard.domain.clock import to_iso
from dutyboard.notify import Target
from dutyboard.notify.sender import Sender
from dutyboard.notify.watch import (
    NotifyLoop,
    NotifySettings,
    NotifySetup,
    check_conditions,
    load_notify,
    parse_settings,
)
from dutyboard.store import Store
from dutyboard.store import outbox as box
from dutyboard.store.arrivals import add_arrival
from dutyboard.store.sources import record_health
from tests.conftest import FIXED_NOW, FakeClock
from tests.outbox.conftest import Receiver, hook

ZONE = "Asia/Shanghai"  # FIXED_NOW is 03:00 there


def setup_for(*targets: Target, **settings: object) -> NotifySetup:
    return NotifySetup(
        targets=targets,
        settings=NotifySettings(**settings),  # type: ignore[arg-type]
        desk_name="Changchun FAO",
        timezone=ZONE,
    )


def keys(store: Store) -> list[str]:
    return [str(r["key"]) for r in store._all("SELECT key FROM outbox ORDER BY id")]


def test_an_urgent_request_escalates_at_n_then_m_minutes(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    officer = hook("officer", receiver.url("/officer"), "urgent_unacknowledged")
    director = hook(
        "director", receiver.url("/director"), "urgent_unacknowledged", urgent_after_minutes=45
    )
    setup = setup_for(officer, director)
    urgent = store.add_request(
        {"org": "Jilin University", "item": "KN95 masks", "quantity": 2000, "unit": "pcs",
         "priority": "urgent"}
    )  # fmt: skip
    handled = store.add_request({"org": "Erdao Office", "item": "gloves", "priority": "urgent"})
    store.add_request({"org": "Nanguan Office", "item": "goggles", "priority": "high"})
    sender = Sender(store, setup.targets)

    def at(minutes: float) -> list[str]:
        clock.now = FIXED_NOW + timedelta(minutes=minutes)
        raised = check_conditions(store, setup.targets, clock.now, setup)
        sender.run_once()
        return raised

    assert at(14) == []
    assert at(15) == [f"urgent_unacknowledged:{urgent}:15", f"urgent_unacknowledged:{handled}:15"]
    assert at(16) == [] and at(30) == []
    store.acknowledge_request(handled)  # someone picked it up: no escalation for it
    assert at(44) == []
    assert at(45) == [f"urgent_unacknowledged:{urgent}:45"]
    assert at(60) == [] and at(600) == []
    officer_saw = receiver.requests("/officer")
    director_saw = receiver.requests("/director")
    assert [s.body["title"] for s in officer_saw] == [
        f"Urgent request #{urgent} not acknowledged for 15 min",
        f"Urgent request #{handled} not acknowledged for 15 min",
    ]
    assert [s.body["title"] for s in director_saw] == [
        f"Urgent request #{urgent} not acknowledged for 45 min"
    ]
    body = director_saw[0].body["body"]
    assert (
        body == "Jilin University asks for KN95 masks 2,000 pcs; received 2020-02-05 03:00 "
        "(19:00 UTC), still new."
    )
    # Each raise is in the events log.
    events = store._all("SELECT action, after FROM events WHERE entity = 'notification'")
    assert len(events) == 3 and {e["action"] for e in events} == {"raise"}


def test_each_condition_fires_once(store: Store, clock: FakeClock, receiver: Receiver) -> None:
    chat = hook(
        "chat",
        receiver.url("/chat"),
        "nobody_on_duty",
        "feed_failing",
        "arrival_overdue",
        feed_failing_minutes=20,
    )
    setup = setup_for(chat, arrival_overdue_minutes=10)
    # A shift that ended; a feed that started failing; a flight that is late.
    clock.now = FIXED_NOW - timedelta(hours=2)
    shift = store.start_shift("Li Na")
    clock.now = FIXED_NOW
    store.end_shift(shift)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO sources (name, kind, location) VALUES ('units', 'http', "
            "'https://feeds.example/units?token=SECRET')"
        )
    record_health(store, "units", error="GET https://feeds.example/units?token=SECRET: 502")
    flight = add_arrival(
        store,
        {"kind": "shipment", "reference": "CZ8421", "item": "masks", "quantity": 1900000,
         "unit": "pcs", "eta": to_iso(FIXED_NOW + timedelta(minutes=5))},
    )  # fmt: skip

    seen: list[list[str]] = []
    for minutes in (5, 9, 10, 14, 16, 19, 20, 21, 60, 120):
        clock.now = FIXED_NOW + timedelta(minutes=minutes)
        seen.append(check_conditions(store, setup.targets, clock.now, setup))
    eta = to_iso(FIXED_NOW + timedelta(minutes=5))
    assert seen == [
        [],
        [],
        [f"nobody_on_duty:{to_iso(FIXED_NOW)}"],
        [],
        [f"arrival_overdue:{flight}:{eta}"],
        [],
        [f"feed_failing:units:{to_iso(FIXED_NOW)}:20"],
        [],
        [],
        [],
    ]
    feed = box.get_notification(store, f"feed_failing:units:{to_iso(FIXED_NOW)}:20")
    assert feed is not None and "SECRET" not in feed["body"] and "502" in feed["body"]
    assert feed["title"] == "Feed units failing for 20 min"
    late = box.get_notification(store, f"arrival_overdue:{flight}:{eta}")
    assert late is not None and late["title"] == "Arrival overdue: CZ8421 · 1,900,000 pcs masks"
    # Someone goes on duty, then leaves again: a new gap is a new notification.
    store.start_shift("Zhang Wei")
    clock.now += timedelta(minutes=1)
    store.end_shift(int(store.current_shift().id))  # type: ignore[union-attr]
    ended = clock.now
    clock.now += timedelta(minutes=11)
    assert check_conditions(store, setup.targets, clock.now, setup) == [
        f"nobody_on_duty:{to_iso(ended)}"
    ]
    # A condition nobody subscribes to is not looked at.
    assert (
        check_conditions(
            store, [hook("x", receiver.url("/x"), "handover_signed")], clock.now, setup
        )
        == []
    )
    Sender(store, setup.targets).run_once()
    assert len(receiver.requests("/chat")) == 4


def test_a_pass_that_finds_nothing_new_writes_nothing(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    chat = hook("chat", receiver.url("/chat"))
    setup = setup_for(chat, daily_report_at=clock_time(2, 0))
    store.add_request({"org": "Jilin University", "item": "masks", "priority": "urgent"})
    clock.now = FIXED_NOW + timedelta(minutes=20)
    loop = NotifyLoop(store, setup, holder="test")
    first = loop.run_pass()
    assert first is not None and len(first.raised) == 2  # the urgent request, the report
    assert first.send.sent == 2
    version = store.data_version()
    other = Store.open(store.location, clock=clock)
    try:
        before = other.data_version()
        for _ in range(3):
            again = loop.run_pass()
            assert again is not None and again.raised == [] and again.send.started == {}
        assert other.data_version() == before  # no commit: dashboards are not woken
    finally:
        other.close()
    assert store.data_version() == version
    loop.close()


def test_the_daily_report_goes_out_at_its_time_with_the_xlsx_for_mail(
    store: Store, clock: FakeClock, receiver: Receiver, smtp: tuple[int, object]
) -> None:
    from openpyxl import load_workbook

    port, inbox = smtp
    mail = Target(
        "office",
        "email",
        frozenset({"daily_report"}),
        smtp_host="127.0.0.1",
        smtp_port=port,
        starttls=False,
        mail_from="desk@example.org",
        mail_to=("director@example.org",),
        timeout_s=5,
    )
    chat = hook("chat", receiver.url("/chat"), "daily_report")
    setup = setup_for(mail, chat, daily_report_at=clock_time(20, 0))
    store.add_request({"org": "Jilin University", "item": "masks", "quantity": 500})
    loop = NotifyLoop(store, setup, holder="test")
    clock.now = FIXED_NOW + timedelta(hours=16, minutes=59)  # 19:59 desk time
    assert loop.run_pass().raised == []  # type: ignore[union-attr]
    clock.now += timedelta(minutes=1)  # 20:00
    result = loop.run_pass()
    assert result is not None and result.raised == ["daily_report:2020-02-05"]
    assert result.send.sent == 2
    clock.now += timedelta(hours=3)
    assert loop.run_pass().raised == []  # type: ignore[union-attr]
    loop.close()
    (seen,) = receiver.requests("/chat")
    assert seen.body["title"] == "Changchun FAO — daily report for Wednesday 5 February 2020"
    assert "Times in Asia/Shanghai." in seen.body["body"]
    (sent,) = inbox.mails  # type: ignore[attr-defined]
    message = sent.message
    assert message["Subject"] == "Changchun FAO — daily report for Wednesday 5 February 2020"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "daily-report-2020-02-05.xlsx"
    book = load_workbook(io.BytesIO(attachment.get_content()), read_only=True)
    assert book.sheetnames  # a real workbook, made at send time


def test_settings_and_targets_come_from_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[desk]\nname = "Changchun FAO"\ntimezone = "Asia/Shanghai"\n\n'
        '[[notify]]\nname = "chat"\nkind = "webhook"\nurl = "http://127.0.0.1:9/hook"\n'
        'events = ["handover_signed"]\n\n'
        '[notify_settings]\ndaily_report_at = "20:30"\nnobody_on_duty_minutes = 5\n',
        encoding="utf-8",
    )
    config = Config(desk_name="Changchun FAO", timezone="Asia/Shanghai", source_path=path)
    setup = load_notify(config)
    assert [t.name for t in setup.targets] == ["chat"]
    assert setup.settings.daily_report_at == clock_time(20, 30)
    assert setup.settings.nobody_on_duty_minutes == 5.0 and setup.timezone == "Asia/Shanghai"
    assert load_notify(Config()).targets == ()
    with pytest.raises(
        ConfigError, match=r"notify_settings\.daily_report_at: 'soon' is not a time"
    ):
        parse_settings({"daily_report_at": "soon"}, where="config.toml")
    with pytest.raises(ConfigError, match=r"unknown key notify_settings\.every"):
        parse_settings({"every": 3}, where="config.toml")
    with pytest.raises(ConfigError, match="interval_seconds: must be a number from 1 to 3600"):
        parse_settings({"interval_seconds": 0}, where="config.toml")
