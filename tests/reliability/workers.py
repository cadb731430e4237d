"""The processes the reliability tests run side by side, or kill.

``python -m tests.reliability.workers ROLE DB [ARGS…]``. A role that ends by itself
prints its counts as one JSON object on its last stdout line; a role that is killed
prints ``ready`` once its store is open and then loops until it is.

Errors are counted, never raised: a "database is locked" (raw, or as the store's
one-line StorageError) is counted separately, because the tests assert that none reach
anyone.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dutyboard.domain.status import IllegalTransition
from dutyboard.store import StaleEdit, Store, StoreError
from dutyboard.store import handovers as ho
from dutyboard.store import shifts as sh

DUTYBOARD = (sys.executable, "-m", "dutyboard")
# Status moves that keep a request open, so the loops can go on for ever.
NEXT_STATUS = {
    "new": "acknowledged",
    "acknowledged": "in_progress",
    "in_progress": "partially_fulfilled",
    "partially_fulfilled": "in_progress",
}


def _locked(error: BaseException) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _count_error(counts: Counter[str], samples: list[str], error: Exception) -> None:
    if isinstance(error, StaleEdit):
        counts["stale"] += 1
    elif isinstance(error, IllegalTransition):
        counts["refused_illegal"] += 1  # the status moved under us: refused, not applied
    elif isinstance(error, (sqlite3.Error, StoreError)) and _locked(error):
        counts["locked"] += 1
        samples.append(repr(error)[:300])
    else:
        counts["other"] += 1
        samples.append(repr(error)[:300])


def _edit(
    store: Store,
    rng: random.Random,
    screen: dict[int, dict[str, Any]],
    record_id: int,
    names: tuple[str, str],
    waits: list[float],
) -> bool:
    """One officer's keystroke on a request as their screen shows it, with its version.

    Half the time the screen has just been refreshed; otherwise it shows the row as this
    officer last saw it, perhaps before the other officer changed it (a live panel lags
    a little, and a person reads before pressing a key). Returns whether the row changed
    (assigning to whoever already has it does not); appends how long the write took,
    waiting for the lock included, to ``waits``.
    """
    if record_id not in screen or rng.random() < 0.5:
        screen[record_id] = store.get("requests", record_id)
    time.sleep(rng.uniform(0, 0.004))  # reading the row before pressing the key
    started = time.monotonic()
    try:
        after = _apply(store, rng, screen[record_id], *names)
    finally:
        waits.append(time.monotonic() - started)
    changed = int(after["version"]) == int(screen[record_id]["version"]) + 1
    screen[record_id] = after
    return changed


def _apply(
    store: Store, rng: random.Random, row: dict[str, Any], me: str, other: str
) -> dict[str, Any]:
    record_id, version = int(row["id"]), int(row["version"])
    action = rng.choice(("acknowledge", "status", "assign", "note"))
    if action == "acknowledge" and row["status"] != "new":
        action = "status"
    if action == "acknowledge":
        after = store.acknowledge_request(record_id, expected_version=version)
    elif action == "status":
        target = NEXT_STATUS[str(row["status"])]
        after = store.set_request_status(record_id, target, expected_version=version)
    elif action == "assign":
        user = rng.choice((me, other, None))
        after = store.assign("requests", record_id, user, expected_version=version)
    else:
        after = store.add_note(
            "requests", record_id, f"{me} checked {rng.randrange(10**6)}", expected_version=version
        )
    return after


def officer(db: str, me: str, other: str, ids: str, start_at: str, end_at: str) -> dict[str, Any]:
    """An officer working the same rows as another, every edit with expected_version."""
    store = Store.open(Path(db), actor=me)
    rng = random.Random(f"{me}-{start_at}")
    record_ids = [int(x) for x in ids.split(",")]
    counts: Counter[str] = Counter()
    samples: list[str] = []
    waits: list[float] = []
    screen: dict[int, dict[str, Any]] = {}
    time.sleep(max(0.0, float(start_at) - time.time()))
    while time.time() < float(end_at):
        record_id = rng.choice(record_ids)
        try:
            changed = _edit(store, rng, screen, record_id, (me, other), waits)
            counts["applied" if changed else "unchanged"] += 1
        except Exception as error:
            _count_error(counts, samples, error)
            screen.pop(record_id, None)  # refused: the officer reloads the row
    store.close()
    waits.sort()
    timing = {
        "write_ms_p50": round(1000 * waits[len(waits) // 2], 1) if waits else None,
        "write_ms_max": round(1000 * waits[-1], 1) if waits else None,
    }
    return {"role": "officer", "actor": me, **counts, **timing, "samples": samples[:5]}


def writer(db: str, pause: str, start_at: str, end_at: str) -> dict[str, Any]:
    """Store.add_request in a loop, ``pause`` seconds apart (0: back to back)."""
    store = Store.open(Path(db), actor="writer")
    counts: Counter[str] = Counter()
    samples: list[str] = []
    time.sleep(max(0.0, float(start_at) - time.time()))
    n = 0
    while time.time() < float(end_at):
        try:
            store.add_request({"org": f"writer unit {n}", "item": "gloves", "quantity": 7 + n})
            counts["added"] += 1
        except Exception as error:
            _count_error(counts, samples, error)
        n += 1
        time.sleep(float(pause))
    store.close()
    return {"role": "writer", **counts, "samples": samples[:5]}


def ingest_loop(db: str, folder: str, rows: str, start_at: str, end_at: str) -> dict[str, Any]:
    """``dutyboard ingest`` run again and again, each time on a new file, as cron would."""
    counts: Counter[str] = Counter()
    samples: list[str] = []
    config = Path(folder) / "config.toml"
    config.write_text('[desk]\ntimezone = "Asia/Shanghai"\n', encoding="utf-8")
    time.sleep(max(0.0, float(start_at) - time.time()))
    n = 0
    while time.time() < float(end_at):
        path = Path(folder) / f"units-{n:03d}.csv"
        lines = ["编号,单位名称,物资名称,数量,备注"]
        lines += [f"I{n}-{i},第{i % 14 + 1}单位,口罩,{i + 1},run {n}" for i in range(int(rows))]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [*DUTYBOARD, "--db", db, "--config", str(config)]
        command += ["ingest", "--kind", "requests", str(path)]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=120,
        )
        counts["runs"] += 1
        if result.returncode == 0 and f"{rows} new" in result.stdout:
            counts["files_in"] += 1
            counts["rows_in"] += int(rows)
        else:
            counts["failed"] += 1
            samples.append(f"exit {result.returncode}: {result.stderr.strip()[:300]}")
        if _locked(Exception(result.stderr)):
            counts["locked"] += 1
        if "Traceback" in result.stderr:
            counts["tracebacks"] += 1
        n += 1
    return {"role": "ingest", **counts, "samples": samples[:5]}


def status_loop(db: str, seed: str) -> None:
    """Status changes, assignments and notes as fast as they go, until killed."""
    store = Store.open(Path(db), actor="night officer")
    rng = random.Random(int(seed))
    ids = [int(r["id"]) for r in store._all("SELECT id FROM requests")]
    print("ready", flush=True)
    while True:
        record_id = rng.choice(ids)
        row = store.get("requests", record_id)
        choice = rng.random()
        if choice < 0.5:
            store.set_request_status(record_id, NEXT_STATUS[str(row["status"])])
        elif choice < 0.7:
            store.assign("requests", record_id, rng.choice(("Li Na", "Zhang Wei", None)))
        elif choice < 0.9:
            store.add_note("requests", record_id, f"called back {rng.randrange(10**6)}")
        else:
            ids.append(store.add_request({"org": "Erdao unit", "item": "goggles"}))


def handover_loop(db: str, seed: str) -> None:
    """Shift after shift: some work, draft, notes, sign-off, acknowledgement; until killed.

    Resumes from whatever state the last (killed) run left.
    """
    store = Store.open(Path(db), actor="Li Na")
    rng = random.Random(int(seed))
    ids = [int(r["id"]) for r in store._all("SELECT id FROM requests")]
    print("ready", flush=True)
    while True:
        shift = store.current_shift()
        if shift is None:
            store.actor = "Li Na"
            sh.take_over(store, "Li Na")
            continue
        me = shift.officer
        other = "Zhang Wei" if me == "Li Na" else "Li Na"
        pending = ho.pending_handover_id(store)
        if pending is not None:
            store.actor = other
            ho.acknowledge_all(store, pending)
            continue
        store.actor = me
        record_id = rng.choice(ids)
        row = store.get("requests", record_id)
        store.set_request_status(record_id, NEXT_STATUS[str(row["status"])])
        store.assign("requests", record_id, me)
        handover_id = ho.draft_handover(store)
        ho.set_notes(store, handover_id, f"{me}: ring the airport at {rng.randrange(24)}:00")
        ho.sign_handover(store, handover_id, to_officer=other)


def main(argv: list[str]) -> None:
    role, *args = argv
    roles: dict[str, Callable[..., dict[str, Any] | None]] = {
        "officer": officer,
        "writer": writer,
        "ingest": ingest_loop,
        "status": status_loop,
        "handover": handover_loop,
    }
    result = roles[role](*args)
    if result is not None:
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
