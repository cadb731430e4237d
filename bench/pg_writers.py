"""Concurrent writers on a PostgreSQL desk: the store's desk-wide write lock against
SERIALIZABLE transactions with retry (issue 21: "no lost updates with concurrent writers
— row locks or serializable transactions with retry: measure which").

Each writer is a Store of its own (its own session), as officers on several machines
are; each appends notes to requests (a read-modify-write of one row and an events row,
the store's most common write). With ``--hot 1`` every writer edits the same request (the
worst case: two officers on one urgent request); with more, they spread out. For each
mode: writes per second, latency p50/p95 per write, retries (serializable only), and the
check that no update was lost (the notes hold every line written).

    python bench/pg_writers.py [--writers 4] [--writes 200] [--hot 1 20]

Starts its own PostgreSQL server (tests/pgserver.py) and removes it at the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation
from dutyboard.store.engine import Connection
from tests.pgserver import start_server


class SerializableStore(Store):
    """The store with SERIALIZABLE write transactions and no desk-wide lock: a write
    that meets another's is refused by the server (SQLSTATE 40001) and retried here."""

    def _begin_pg_write(self) -> Connection:
        conn = self.conn
        conn.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        return conn


def _serialization_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) in ("40001", "40P01"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def run(
    location: PostgresLocation, mode: str, writers: int, writes: int, hot: int
) -> dict[str, Any]:
    setup = Store.open(location, actor="setup")
    ids = [setup.add_request({"org": f"Unit {n}", "item": "N95"}) for n in range(hot)]
    setup.close()
    kind = SerializableStore if mode == "serializable" else Store
    latencies: list[float] = []
    retries = [0]
    lock = threading.Lock()
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def writer(n: int) -> None:
        store = kind.open(location, actor=f"officer {n}")
        rng = random.Random(n)
        mine: list[float] = []
        tries = 0
        try:
            barrier.wait()
            for i in range(writes):
                target = rng.choice(ids)
                started = time.perf_counter()
                while True:
                    try:
                        store.add_note("requests", target, f"w{n}.{i}")
                        break
                    except Exception as exc:
                        if mode == "serializable" and _serialization_failure(exc):
                            tries += 1
                            continue
                        raise
                mine.append(time.perf_counter() - started)
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()
            with lock:
                latencies.extend(mine)
                retries[0] += tries

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    check = Store.open(location, readonly=True)
    lines = sum(len((check.get("requests", i)["notes"] or "").splitlines()) for i in ids)
    check.close()
    latencies.sort()
    return {
        "mode": mode,
        "hot": hot,
        "writes": writers * writes,
        "per_s": writers * writes / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "retries": retries[0],
        "lost": writers * writes - lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--hot", type=int, nargs="+", default=[1, 20])
    args = parser.parse_args()
    server = start_server()
    try:
        rows = []
        for hot in args.hot:
            for mode in ("lock", "serializable"):
                url = server.fresh_desk()
                rows.append(run(PostgresLocation.parse(url), mode, args.writers, args.writes, hot))
        print(
            f"{args.writers} writers × {args.writes} notes each, "
            f"PostgreSQL {server.binaries.version}\n"
        )
        print("| requests edited | mode | writes/s | p50 ms | p95 ms | retries | lost |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for r in rows:
            print(
                f"| {r['hot']} | {r['mode']} | {r['per_s']:,.0f} | {r['p50_ms']:.1f} | "
                f"{r['p95_ms']:.1f} | {r['retries']:,} | {r['lost']} |"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
