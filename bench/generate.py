"""Build a large, realistic dutyboard database for benchmarks, fast.

    python bench/generate.py OUT.db [--requests N] [--leads N] [--contacts N] [--seed S]

Deterministic for a seed. Rows go in with one ``executemany`` per table inside one
transaction (with the store's own schema and migrations), so 1,000,000 requests take well
under a minute on two cores. Text is drawn from the demo's units, items and suppliers.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dutyboard.demo.contacts import CONTACTS
from dutyboard.demo.leads import SUPPLIERS
from dutyboard.demo.requests import ITEMS, REQUESTERS, UNITS
from dutyboard.domain.clock import to_iso
from dutyboard.store import Store

REQUEST_STATUSES = [
    ("new", 6),
    ("acknowledged", 4),
    ("in_progress", 5),
    ("partially_fulfilled", 2),
    ("fulfilled", 50),
    ("closed", 30),
    ("rejected", 3),
]
LEAD_STATUSES = [
    ("new", 5),
    ("verifying", 5),
    ("negotiating", 5),
    ("ordered", 3),
    ("in_transit", 3),
    ("customs", 2),
    ("received", 40),
    ("dropped", 37),
]
PRIORITIES = ["urgent", "high", "normal", "normal", "normal", "low"]


def _requests(rng: random.Random, n: int, now: datetime) -> Iterator[tuple[object, ...]]:
    statuses, weights = zip(*REQUEST_STATUSES, strict=True)
    span = timedelta(days=365 * 2).total_seconds()
    for i in range(n):
        received = now - timedelta(seconds=span * (1 - i / n))
        item, unit, (lo, hi) = rng.choice(ITEMS)
        status = rng.choices(statuses, weights)[0]
        stamp = to_iso(received)
        yield (
            stamp,
            rng.choice(UNITS),
            rng.choice(REQUESTERS),
            item,
            rng.randint(lo, hi),
            unit,
            rng.choice(PRIORITIES),
            to_iso(received + timedelta(hours=rng.choice([12, 24, 72]))),
            status,
            rng.choice([None, "Zhang Wei", "Li Na", "Wang Fang"]),
            "bench",
            f"B-{i}",
            stamp,
            stamp,
        )


def _leads(rng: random.Random, n: int, now: datetime) -> Iterator[tuple[object, ...]]:
    statuses, weights = zip(*LEAD_STATUSES, strict=True)
    for i in range(n):
        supplier, country, currency, cert = rng.choice(SUPPLIERS)
        item, unit, (lo, hi) = rng.choice(ITEMS)
        created = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        status = rng.choices(statuses, weights)[0]
        yield (
            supplier,
            country,
            item,
            rng.randint(lo, hi) * 10,
            unit,
            round(rng.uniform(0.1, 20), 2),
            currency,
            cert or None,
            status,
            "other" if status == "dropped" else None,
            to_iso(now + timedelta(minutes=rng.randint(-600, 3000))),
            "bench",
            f"L-{i}",
            to_iso(created),
            to_iso(created),
        )


def _contacts(rng: random.Random, n: int, now: datetime) -> Iterator[tuple[object, ...]]:
    stamp = to_iso(now)
    for i in range(n):
        name, country, city, zone, org, role, langs = CONTACTS[i % len(CONTACTS)]
        yield (
            f"{name} {i}",
            country,
            city,
            zone,
            org,
            role,
            langs,
            "bench",
            f"C-{i}",
            stamp,
            stamp,
        )


def generate(path: Path, *, requests: int, leads: int, contacts: int, seed: int) -> None:
    if path.exists():
        raise SystemExit(f"{path} exists; remove it first")
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    Store.open(path).close()  # schema and migrations, exactly as the product makes them
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # a generator, not a desk: speed over safety
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO requests (received_at, org, requester, item, quantity, unit, priority, "
        "due_by, status, assignee, source, external_id, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        _requests(rng, requests, now),
    )
    conn.executemany(
        "INSERT INTO leads (supplier, country, item, quantity, unit, unit_price, currency, "
        "certification, status, closure_reason, next_action_at, source, external_id, "
        "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        _leads(rng, leads, now),
    )
    conn.executemany(
        "INSERT INTO contacts (name, country, city, tz, org, role, languages, source, "
        "external_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        _contacts(rng, contacts, now),
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(
        args.out, requests=args.requests, leads=args.leads, contacts=args.contacts, seed=args.seed
    )
    elapsed = time.perf_counter() - started
    print(
        f"{args.out}: {args.requests:,} requests, {args.leads:,} leads, "
        f"{args.contacts:,} contacts in {elapsed:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
