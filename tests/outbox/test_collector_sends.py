"""The collector sends (issue 23), on both engines: while it runs, conditions and sender
every ``interval_seconds`` under the ``notify-sender`` lease, a hanging target delaying
neither the other targets nor the sources; one pass with ``--once``; both leases released
at the end."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from dutyboard.domain.clock import utcnow
from dutyboard.ingest.collector import Collector
from dutyboard.ingest.sources import SourceConfig
from dutyboard.notify.watch import NotifySettings, NotifySetup, Raised, raise_new
from dutyboard.store import Store
from dutyboard.store import outbox as box
from dutyboard.store.dburl import PostgresLocation
from dutyboard.store.sources import current_lease
from tests.conftest import FakeClock
from tests.outbox.conftest import Receiver, hook, wait_for


def folder(tmp_path: Path) -> SourceConfig:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return SourceConfig(
        name="units",
        kind="requests",
        type="folder",
        path=inbox,
        zone="Asia/Shanghai",
        settle_seconds=0.1,
        interval_seconds=0.2,
    )


async def test_the_running_collector_sends_and_a_hanging_target_holds_up_nothing(
    store: Store,
    desk_location: Path | PostgresLocation,
    clock: FakeClock,
    receiver: Receiver,
    silent_url: str,
    tmp_path: Path,
) -> None:
    clock.now = utcnow()
    raise_new(store, [Raised("handover_signed", "handover_signed:1", "Signed #1", "Brief")])
    setup = NotifySetup(
        targets=(
            hook("hangs", silent_url, "handover_signed", timeout_s=0.5),
            hook("chat", receiver.url("/chat"), "handover_signed"),
        ),
        settings=NotifySettings(interval_seconds=0.2),
    )
    source = folder(tmp_path)
    collector = Collector(desk_location, [source], notify=setup, holder="host:9", lease_seconds=30)
    stop = asyncio.Event()
    task = asyncio.create_task(collector.run(stop=stop))
    try:
        started = time.monotonic()
        assert await asyncio.to_thread(wait_for, lambda: len(receiver.requests("/chat")) == 1)
        assert time.monotonic() - started < 5
        lease = box.sender_lease(store)
        assert lease is not None and lease["holder"] == "host:9"
        # Raised while it runs (a dashboard signing a handover): sent at the next pass.
        clock.now = utcnow()
        raise_new(store, [Raised("handover_signed", "handover_signed:2", "Signed #2", "Brief")])
        assert await asyncio.to_thread(wait_for, lambda: len(receiver.requests("/chat")) == 2)
        # And the sources go on: a file dropped meanwhile is imported.
        (source.path / "needs.csv").write_text("org,item\nJilin University,masks\n")  # type: ignore[operator]
        assert await asyncio.to_thread(
            wait_for, lambda: store._one("SELECT id FROM requests") is not None
        )
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
    assert [s.body["title"] for s in receiver.requests("/chat")] == ["Signed #1", "Signed #2"]
    assert box.sender_lease(store) is None and current_lease(store) is None
    hangs = box.target_deliveries(store, utcnow().replace(year=2000))
    assert [t.name for t in hangs] == ["hangs"] and hangs[0].pending == 2
    assert "no answer" in str(hangs[0].last_error)


async def test_a_single_pass_of_the_collector_sends_what_waits(
    store: Store,
    desk_location: Path | PostgresLocation,
    clock: FakeClock,
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    clock.now = utcnow()
    raise_new(store, [Raised("nobody_on_duty", "nobody_on_duty:1", "Nobody", "…")])
    setup = NotifySetup(targets=(hook("chat", receiver.url("/chat"), "nobody_on_duty"),))
    await Collector(desk_location, [folder(tmp_path)], notify=setup, holder="host:8").run(once=True)
    (seen,) = receiver.requests("/chat")
    assert seen.body["title"] == "Nobody"
    assert box.sender_lease(store) is None and box.waiting(store).count == 0
