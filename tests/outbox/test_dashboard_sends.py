"""With no collector running, an officer's dashboard sends the desk's notifications
(issue 23): it takes the notify-sender lease, delivers what the outbox holds, and leaves
the sending to a collector that holds its lease; a leader's dashboard never sends. On both
engines, against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dutyboard.app import DutyboardApp
from dutyboard.config import load_config
from dutyboard.domain.clock import utcnow
from dutyboard.notify.watch import Raised, raise_new
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation
from dutyboard.store.sources import acquire_lease
from tests.outbox.conftest import Receiver
from tests.widgets.pilot import settle


def config_file(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[desk]\ntimezone = "Asia/Shanghai"\nuser = "Zhang Wei"\n\n'
        "[notify_settings]\ninterval_seconds = 1\n\n"
        f'[[notify]]\nname = "duty group"\nkind = "webhook"\nevents = ["handover_signed"]\n'
        f'url = "{url}"\n',
        encoding="utf-8",
    )
    return path


def signed(store: Store, n: int) -> None:
    raise_new(store, [Raised("handover_signed", f"handover_signed:{n}", f"Signed #{n}", "Brief")])


async def until_sent(receiver: Receiver, n: int, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if len(receiver.requests("/chat")) >= n:
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize("role", ["officer", "leader"])
async def test_a_dashboard_sends_while_no_collector_runs(
    role: str,
    store: Store,
    desk_location: Path | PostgresLocation,
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    store.clock = utcnow
    signed(store, 1)
    config = load_config(config_file(tmp_path, receiver.url("/chat")))
    app = DutyboardApp(
        Store.open(desk_location, readonly=role == "leader", actor="Zhang Wei"),
        config,
        role=role,
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        if role == "leader":
            await asyncio.sleep(2.5)  # two passes' worth: a leader's dashboard sends nothing
            assert receiver.requests() == []
            return
        assert await until_sent(receiver, 1)
        signed(store, 2)  # written by another process while the dashboard runs
        assert await until_sent(receiver, 2)
    keys = [seen.key for seen in receiver.requests("/chat")]
    assert len(keys) == len(set(keys)) == 2  # each once


async def test_a_dashboard_leaves_the_sending_to_a_running_collector(
    store: Store,
    desk_location: Path | PostgresLocation,
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    store.clock = utcnow
    acquire_lease(store, "collector-host:1", 300)  # a live collector elsewhere
    signed(store, 1)
    config = load_config(config_file(tmp_path, receiver.url("/chat")))
    app = DutyboardApp(Store.open(desk_location, actor="Zhang Wei"), config)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await asyncio.sleep(2.5)
        assert receiver.requests() == []  # the collector's to send, not this dashboard's
