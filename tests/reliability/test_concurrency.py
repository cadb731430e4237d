"""Several writer processes on one database for a sustained run.

Two officers edit the same twelve requests (acknowledge, status, assign, note), each edit
carrying the version they loaded; ``dutyboard ingest`` runs again and again on new files;
a manual-entry writer adds requests as fast as it can; this test process reads read-only
like a leader's dashboard and watches the WAL file. Bounded: 8 s (60 s with
``DUTYBOARD_SLOW=1``).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from dutyboard.store import Store
from tests.conftest import REPO
from tests.reliability import checks
from tests.reliability.conftest import child_env, integrity, scaled, worker

SECONDS = scaled(8, 60)
HOT_ROWS = 12  # few rows, so the two officers really do collide
INGEST_ROWS = 300
WAL_LIMIT = 20 * 1024 * 1024
WRITER_PAUSE = float(os.environ.get("DUTYBOARD_WRITER_PAUSE", "0.005"))


def test_writers_in_parallel_lose_nothing_and_never_see_a_locked_database(
    tmp_path: Path,
) -> None:
    db = tmp_path / "desk.db"
    store = Store.open(db, actor="setup")
    ids = [
        store.add_request({"org": f"第{n + 1}单位", "item": "口罩", "quantity": 100 + n})
        for n in range(HOT_ROWS)
    ]
    store.close()
    folder = tmp_path / "ingest"
    folder.mkdir()

    start_at = time.time() + 2.0  # every process imported and connected before it starts
    end_at = start_at + SECONDS
    times = (str(start_at), str(end_at))
    hot = ",".join(map(str, ids))
    commands = {
        "Li Na": worker("officer", str(db), "Li Na", "Zhang Wei", hot, *times),
        "Zhang Wei": worker("officer", str(db), "Zhang Wei", "Li Na", hot, *times),
        "ingest": worker("ingest", str(db), str(folder), str(INGEST_ROWS), *times),
        "writer": worker("writer", str(db), str(WRITER_PAUSE), *times),
    }
    processes = {
        name: subprocess.Popen(
            command,
            cwd=REPO,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, command in commands.items()
    }

    # Meanwhile: a leader's read-only session polling, and the WAL's size.
    wal = Path(f"{db}-wal")
    leader = Store.open(db, readonly=True, actor="leader")
    wal_max = reads = 0
    try:
        while any(p.poll() is None for p in processes.values()):
            wal_max = max(wal_max, wal.stat().st_size if wal.exists() else 0)
            leader.open_requests(limit=50)
            leader.count_requests()
            reads += 1
            time.sleep(0.1)
    finally:
        leader.close()

    reports = {}
    for name, process in processes.items():
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, f"{name} exited {process.returncode}: {err[-2000:]}"
        assert "Traceback" not in err, f"{name}: {err[-2000:]}"
        reports[name] = json.loads(out.strip().splitlines()[-1])
    print(f"\nFIGURES concurrency: {SECONDS} s, leader reads {reads}, WAL max {wal_max:,} B")
    for name, report in reports.items():
        print(f"FIGURES concurrency {name}: {json.dumps(report, ensure_ascii=False)}")

    # Zero "database is locked" reached anyone, and nothing else went wrong either.
    for name, report in reports.items():
        assert report.get("locked", 0) == 0, (name, report)
        assert report.get("other", 0) == 0, (name, report)
        assert report.get("tracebacks", 0) == 0, (name, report)
        assert report.get("failed", 0) == 0, (name, report)
    officers = [reports["Li Na"], reports["Zhang Wei"]]
    assert all(o.get("applied", 0) > 0 for o in officers), officers
    # The officers collided, and every collision was refused rather than applied.
    refused = sum(o.get("stale", 0) + o.get("refused_illegal", 0) for o in officers)
    assert refused > 0, officers
    assert reports["ingest"]["files_in"] >= 1 and reports["writer"]["added"] >= 1

    conn = checks.connect(db)
    try:
        # Every count adds up: each request is the setup's, the writer's or an ingest's.
        total = conn.execute("SELECT count(*) FROM requests").fetchone()[0]
        assert total == HOT_ROWS + reports["writer"]["added"] + reports["ingest"]["rows_in"]
        runs = conn.execute(
            "SELECT count(*), sum(rows_added) FROM ingest_runs WHERE result = 'ok'"
        ).fetchone()
        assert tuple(runs) == (reports["ingest"]["files_in"], reports["ingest"]["rows_in"])
        # No lost update: versions match the events, every 'before' is the previous 'after'.
        history = checks.check_record_history(conn)
        for report in officers:
            assert history.by_actor[report["actor"]] == report.get("applied", 0), report
    finally:
        conn.close()
    assert integrity(db) == "ok"
    # Checkpointing keeps up: SQLite checkpoints every 1,000 pages (4 MB) unless a reader
    # holds an old snapshot; ours never hold one for long.
    assert wal_max < WAL_LIMIT, f"the WAL grew to {wal_max:,} bytes"
