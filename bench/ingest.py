"""Ingest throughput: dutyboard's whole import path next to a raw ``executemany``.

    python bench/ingest.py [--rows 100000] [--seed 2020] [--keep DIR] [--engine postgres]

Generates a CSV of request rows (Chinese headers, as units send them), then, in this one
process, on fresh databases with the same schema:

* **baseline** — ``csv.reader`` + one ``sqlite3.executemany`` into ``requests`` in one
  transaction, every column of the file in its column (the priority word looked up, the
  time stored as written): the least any importer can do;
* **dutyboard** — ``ingest_bytes``: format and encoding detection, header aliases, value
  parsing (numbers, times in the source's zone, priorities), sanitising, identity and
  content hash, new rows and their ``events`` rows in batches (``insert_records``), all
  in one transaction; shown whole, and split into its parse and store halves;
* **again** — the same file a second time (every row found unchanged, nothing written);
* **SQLite alone** — the rows and ``create`` events dutyboard stored, read back and
  inserted again into a fresh database by ``executemany`` in batches of 500, nothing
  parsed or checked: what the database's own work costs, the floor under any importer
  that keeps dutyboard's schema and its event per record.

With ``--engine postgres`` every database is a fresh PostgreSQL desk on a server this
script starts (tests/pgserver.py: ``initdb`` into a temporary folder, removed at the end),
and the baseline and the floor run their ``executemany`` through the store's own
PostgreSQL connection, so both engines are measured by the same code.

Prints a Markdown table. The figures in docs/ingest.md come from this script.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dutyboard.ingest.parse import parse_bytes
from dutyboard.ingest.store_sink import bytes_digest, ingest_bytes, write_result
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation
from dutyboard.store.engine import is_postgres
from dutyboard.store.intake import BULK_CACHE_KIB as _BULK_CACHE_KIB

HEADER = ["编号", "单位名称", "物资名称", "数量", "计量单位", "联系人", "联系电话", "紧急程度"]
HEADER += ["需求时间", "备注"]
UNITS = [f"第{n}人民医院" for n in range(1, 15)] + ["市疾控中心", "外事办", "红十字会"]
ITEMS = [("N95口罩", "只"), ("医用外科口罩", "只"), ("医用手套", "双"), ("防护服", "套")]
ITEMS += [("护目镜", "副"), ("测温枪", "把"), ("消毒液", "瓶")]
PRIORITIES = ["特急", "紧急", "一般", "一般", "低"]
# What the baseline stores for each priority word (the schema allows only these values).
PRIORITY_VALUES = {"特急": "urgent", "紧急": "urgent", "一般": "normal", "低": "low"}
ZONE = "Asia/Shanghai"


def make_csv(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for n in range(rows):
        item, unit = rng.choice(ITEMS)
        writer.writerow(
            [
                f"R{n:07d}",
                rng.choice(UNITS),
                item,
                f"{rng.randint(1, 50_000):,}",
                unit,
                rng.choice(["张三", "李四", "王五", "赵六"]),
                f"138{rng.randint(0, 99_999_999):08d}",
                rng.choice(PRIORITIES),
                f"2020-02-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:00",
                rng.choice(["", "夜间送达", "请尽快"]),
            ]
        )
    return out.getvalue().encode("utf-8")


# The running PostgreSQL server when --engine postgres (tests.pgserver.PgServer).
_SERVER: Any = None


@contextlib.contextmanager
def _engine(name: str) -> Iterator[None]:
    """For ``postgres``, a server for the run: every ``_fresh`` is a new desk on it."""
    global _SERVER
    if name != "postgres":
        yield
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.pgserver import start_server

    _SERVER = start_server()
    try:
        yield
    finally:
        _SERVER.stop()
        _SERVER = None


def _fresh(path: Path) -> Store:
    """A new, empty desk: the file ``path`` (SQLite), or a new database on the server."""
    if _SERVER is not None:
        return Store.open(PostgresLocation.parse(_SERVER.fresh_desk()), actor="bench")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Store.open(path, actor="bench")


def _begin(store: Store) -> None:
    store.conn.execute("BEGIN" if is_postgres(store.conn) else "BEGIN IMMEDIATE")


def _plain_columns(store: Store, table: str) -> list[str]:
    """The table's columns a row is inserted with (not generated ones)."""
    if is_postgres(store.conn):
        rows = store.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? AND is_generated = 'NEVER' "
            "AND is_identity = 'NO' ORDER BY ordinal_position",
            (table,),
        )
        return [str(r[0]) for r in rows]
    return [
        str(info[1])
        for info in store.conn.execute(f"PRAGMA table_xinfo({table})")
        if info[6] == 0  # not a generated column
    ]


def baseline(data: bytes, path: Path) -> float:
    """csv.reader + one executemany into the same schema, one transaction.

    Every column of the file is stored, as dutyboard stores it: a baseline that dropped
    the priority and the time (as this one did until 2026-12-02) writes lighter rows
    into fewer index positions than the importer it is compared with.
    """
    store = _fresh(path)
    try:
        started = time.perf_counter()
        reader = csv.reader(io.StringIO(data.decode("utf-8")))
        next(reader)
        now = "2020-02-04T19:00:00+00:00"
        records = [
            (
                "bench",
                row[0],
                now,
                row[1],
                row[2],
                int(row[3].replace(",", "")),
                row[4],
                row[5],
                row[6],
                PRIORITY_VALUES[row[7]],
                row[8],
                row[9] or None,
                ",".join(row),
                now,
                now,
            )
            for row in reader
        ]
        conn = store.conn
        _begin(store)
        conn.executemany(
            "INSERT INTO requests (source, external_id, received_at, org, item, quantity, "
            "unit, requester, phone, priority, due_by, notes, raw, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            records,
        )
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        store.close()


def database_alone(stored: Store, path: Path) -> float:
    """The rows and create events in ``stored`` inserted again, timed; nothing else.
    (``stored`` is closed.)"""
    source = stored
    try:
        columns = _plain_columns(source, "requests")
        rows = [tuple(r) for r in source.conn.execute(f"SELECT {', '.join(columns)} FROM requests")]
        event_columns = ("at", "actor", "entity", "entity_id", "action", "before", "after")
        events = [
            tuple(r)
            for r in source.conn.execute(
                f"SELECT {', '.join(event_columns)} FROM events "
                "WHERE entity = 'request' AND action = 'create' ORDER BY id"
            )
        ]
    finally:
        source.close()
    insert_rows = (
        f"INSERT INTO requests ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )
    insert_events = (
        f"INSERT INTO events ({', '.join(event_columns)}) "
        f"VALUES ({', '.join('?' * len(event_columns))})"
    )
    store = _fresh(path)
    try:
        conn = store.conn
        if not is_postgres(conn):
            conn.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")  # as the importer sets it
        started = time.perf_counter()
        _begin(store)
        for start in range(0, len(rows), 500):
            conn.executemany(insert_rows, rows[start : start + 500])
            conn.executemany(insert_events, events[start : start + 500])
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        store.close()


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the CSV and databases")
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args(argv)
    with _engine(args.engine):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    rows: int = args.rows
    with tempfile.TemporaryDirectory(prefix="dutyboard-bench-") as scratch:
        folder: Path = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        data = make_csv(rows, args.seed)
        (folder / "requests.csv").write_bytes(data)

        base_seconds = baseline(data, folder / "baseline.db")

        store = _fresh(folder / "dutyboard.db")
        try:
            whole, summary = _timed(
                lambda: ingest_bytes(
                    store, data, "requests.csv", kind="requests", source="bench", zone=ZONE
                )
            )
            again, repeat = _timed(
                lambda: ingest_bytes(
                    store, data, "requests.csv", kind="requests", source="bench", zone=ZONE
                )
            )
        except BaseException:
            store.close()
            raise
        floor_seconds = database_alone(store, folder / "sqlite-alone.db")
        parse_seconds, parsed = _timed(
            lambda: parse_bytes(data, "requests.csv", "requests", default_zone=ZONE)
        )
        split = _fresh(folder / "split.db")
        try:
            store_seconds, _ = _timed(
                lambda: write_result(
                    split,
                    parsed,  # type: ignore[arg-type]
                    source="bench",
                    location="requests.csv",
                    content_sha256=bytes_digest(data),
                )
            )
        finally:
            split.close()

    added = getattr(summary, "added", 0)
    unchanged = getattr(repeat, "unchanged", 0)
    if added != rows or unchanged != rows:
        print(f"unexpected: {added} added, {unchanged} unchanged of {rows}", file=sys.stderr)
        return 1
    engine = "PostgreSQL" if args.engine == "postgres" else "SQLite"
    lines = [
        f"Ingest of {rows:,} request rows from CSV into {engine} (one process, fresh "
        "databases, same schema)",
        "",
        "| path | seconds | rows/s | × baseline |",
        "|---|---:|---:|---:|",
    ]
    base_rate = rows / base_seconds
    for label, seconds in (
        ("baseline: csv.reader + executemany", base_seconds),
        ("dutyboard ingest (parse + store)", whole),
        ("… parse only (detect, aliases, values, sanitise)", parse_seconds),
        ("… store only (identity, insert_records + events)", store_seconds),
        ("dutyboard ingest, same file again (all unchanged)", again),
        (f"… {engine} alone (the stored rows and events, executemany)", floor_seconds),
    ):
        rate = rows / seconds
        lines.append(f"| {label} | {seconds:.2f} | {rate:,.0f} | {rate / base_rate:.2f} |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
