"""SIGKILL at random points during status changes and during handover sign-off.

Each round starts a worker (``tests/reliability/workers.py``) that writes through the
store's own functions as fast as it can, kills it at a random moment and then checks the
file: ``PRAGMA integrity_check`` is ok and no change is half-applied (versions match
events, the events replay to the rows, every handover is wholly draft, signed or
acknowledged with exactly its events). Bounded: 15 kills each (100 with
``DUTYBOARD_SLOW=1``). SIGKILL during ingest and collect: tests/ingest/test_crash.py.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dutyboard.store import Store
from dutyboard.store.engine import Connection
from tests.conftest import REPO
from tests.reliability import checks
from tests.reliability.conftest import child_env, integrity, scaled, sigkill_supported, worker

KILLS = scaled(15, 100)
REQUESTS = 20

pytestmark = pytest.mark.skipif(not sigkill_supported(), reason="needs SIGKILL")


def seed_desk(db: Path) -> None:
    store = Store.open(db, actor="collector")
    for n in range(REQUESTS):
        store.add_request(
            {"org": f"第{n % 14 + 1}单位", "item": "医用口罩", "quantity": 500 + n,
             "priority": ("urgent", "high", "normal", "low")[n % 4]}
        )  # fmt: skip
    store.close()


def kill_at_random(command: list[str], rng: random.Random, most: float) -> bool:
    """Start ``command``, wait for its "ready", SIGKILL it 0…``most`` s later.

    Returns whether it was killed (rather than having died by itself, which fails).
    """
    process = subprocess.Popen(
        command, cwd=REPO, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    ready = process.stdout.readline()
    if ready.strip() != "ready":
        _, err = process.communicate(timeout=30)
        pytest.fail(f"worker did not start: {ready!r} {err[-2000:]}")
    time.sleep(rng.uniform(0.0, most))
    process.send_signal(signal.SIGKILL)
    _, err = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, f"died by itself: {err[-2000:]}"
    return True


def events(db: Path) -> int:
    conn = checks.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def test_sigkill_during_status_changes_leaves_no_half_applied_change(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    seed_desk(db)
    rng = random.Random(os.getpid())
    written = []
    for round_ in range(KILLS):
        before = events(db)
        kill_at_random(worker("status", str(db), str(rng.randrange(10**9))), rng, 0.3)
        assert integrity(db) == "ok", f"round {round_}"
        conn = checks.connect(db)
        try:
            history = checks.check_record_history(conn)
        finally:
            conn.close()
        written.append(events(db) - before)
    assert sum(written) > 0, "the worker never got to write"
    print(
        f"\nFIGURES status kills: {KILLS} kills survived, {sum(written)} changes committed "
        f"between kills ({min(written)}…{max(written)} a round), {history.records} requests, "
        f"{history.updates} update events replayed"
    )


def test_sigkill_during_handover_sign_off_leaves_it_wholly_draft_or_signed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "desk.db"
    seed_desk(db)
    rng = random.Random(os.getpid() + 1)
    seen: Counter[str] = Counter()
    for round_ in range(KILLS):
        kill_at_random(worker("handover", str(db), str(rng.randrange(10**9))), rng, 0.5)
        assert integrity(db) == "ok", f"round {round_}"
        conn = checks.connect(db)
        try:
            states = checks.check_handovers(conn)
            shifts = checks.check_shifts(conn)
            checks.check_record_history(conn)
        finally:
            conn.close()
        for state in ("draft", "signed"):
            seen[f"left {state}"] += states[state]
    assert states["acknowledged"] > 0, "no handover was ever completed"
    print(
        f"\nFIGURES handover kills: {KILLS} kills survived, {sum(states.values())} handovers "
        f"({states['acknowledged']} acknowledged), {shifts} shifts; kills left a draft "
        f"{seen['left draft']}x, a signed handover {seen['left signed']}x"
    )


def test_a_crash_right_after_the_acknowledgement_leaves_the_desk_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dutyboard.store import handovers as ho
    from dutyboard.store import shifts as sh

    db = tmp_path / "desk.db"
    seed_desk(db)
    store = Store.open(db, actor="Li Na")
    try:
        sh.take_over(store, "Li Na")
        handover_id = ho.draft_handover(store)
        ho.sign_handover(store, handover_id, to_officer="Zhang Wei")
        store.actor = "Zhang Wei"

        committing = Store.transaction

        @contextmanager
        def dies_after_commit(self: Store) -> Iterator[Connection]:
            with committing(self) as conn:
                yield conn
            raise SystemExit("SIGKILL")  # the process dies right after its first commit

        monkeypatch.setattr(Store, "transaction", dies_after_commit)
        with pytest.raises(SystemExit):
            ho.acknowledge_all(store, handover_id)
    finally:
        store.close()
    conn = checks.connect(db)
    try:
        states = checks.check_handovers(conn)
        on_duty = conn.execute("SELECT officer FROM shifts WHERE ended_at IS NULL").fetchall()
    finally:
        conn.close()
    assert states["acknowledged"] == 1
    assert [row[0] for row in on_duty] == ["Zhang Wei"], "the desk did not pass on"
