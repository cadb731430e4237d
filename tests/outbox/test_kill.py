"""A process killed between the event and the delivery delivers after restart, once
(issue 23): real processes, SIGKILL, a real receiver, on both engines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from dutyboard.store import Store
from dutyboard.store import outbox as box
from tests.outbox.conftest import Answer, Receiver, wait_for
from tests.outbox.sender_proc import KEY

REPO = Path(__file__).resolve().parents[2]


def start(mode: str, desk: str, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.outbox.sender_proc", mode, desk, url],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert first in ("raised", "sending"), (first, process.stderr.read() if process.stderr else "")
    return process


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    return out


def delivery(store: Store) -> dict[str, object]:
    row = box.get_notification(store, KEY)
    assert row is not None
    (only,) = box.deliveries(store, int(row["id"]))
    return only


def test_a_sender_killed_between_the_send_and_its_mark_sends_again_once_with_the_same_id(
    store: Store, desk_arg: str, receiver: Receiver
) -> None:
    url = receiver.url("/hook")
    raised = start("raise", desk_arg, url)
    kill(raised)
    # The receiver takes the first delivery and is slow to answer: the sender is killed
    # while it waits, after the send, before the mark.
    receiver.answer("/hook", Answer(200, delay=5.0), Answer(200))
    sender = start("send", desk_arg, url)
    assert wait_for(lambda: len(receiver.requests("/hook")) == 1, timeout=15)
    kill(sender)
    row = delivery(store)
    assert row["state"] == "pending" and row["attempts"] == 0  # the mark never happened
    # Restarted: it waits out the dead sender's lease, sends again, marks.
    assert "done sent=1" in finish(start("send", desk_arg, url))
    seen = receiver.requests("/hook")
    assert len(seen) == 2  # at least once; twice only because of the kill
    assert seen[0].key == seen[1].key == str(box.get_notification(store, KEY)["uid"])  # type: ignore[index]
    row = delivery(store)
    assert row["state"] == "sent" and row["attempts"] == 1
    # And never again.
    assert "done sent=0" in finish(start("send", desk_arg, url))
    assert len(receiver.requests("/hook")) == 2


def test_a_process_killed_after_the_event_before_any_send_delivers_once_after_restart(
    store: Store, desk_arg: str, receiver: Receiver
) -> None:
    url = receiver.url("/hook")
    kill(start("raise", desk_arg, url))  # the event is committed; nothing was sent
    assert receiver.requests() == []
    assert box.waiting(store).count == 1
    assert "done sent=1" in finish(start("send", desk_arg, url))
    assert "done sent=0" in finish(start("send", desk_arg, url))
    (seen,) = receiver.requests("/hook")
    assert seen.key == str(box.get_notification(store, KEY)["uid"])  # type: ignore[index]
    assert seen.body["title"] == "Handover #42 signed"
    assert delivery(store)["state"] == "sent"
