"""A realistic demo database modelled on the seeds (2020 relief desks).

Deterministic for a given seed and "now", so tests can assert on it. Records are
written through the store's own API, so the events log, handover and history views
see a desk that has really been working.

The data and its writing are split by job: :mod:`~dutyboard.demo.shifts` (the officers,
last night's handover), :mod:`~dutyboard.demo.requests`, :mod:`~dutyboard.demo.leads`,
:mod:`~dutyboard.demo.contacts`, :mod:`~dutyboard.demo.supplies` (the ledger) and
:mod:`~dutyboard.demo.arrivals` (arrivals and the roll-call).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dutyboard.demo.arrivals import add_demo_arrivals
from dutyboard.demo.contacts import add_demo_contacts
from dutyboard.demo.leads import add_demo_leads
from dutyboard.demo.requests import add_demo_requests
from dutyboard.demo.shifts import add_past_shift_and_handover
from dutyboard.demo.supplies import add_demo_supplies
from dutyboard.domain.clock import utcnow
from dutyboard.store import Store, StoreError
from dutyboard.store.dburl import PostgresLocation


@dataclass(frozen=True)
class DemoSummary:
    requests: int
    leads: int
    contacts: int
    shifts: int
    handovers: int


def build_demo(
    path: Path | PostgresLocation,
    *,
    seed: int = 2020,
    now: datetime | None = None,
    officer: str = "Zhang Wei",
    requests: int = 240,
    leads: int = 120,
) -> DemoSummary:
    """Create ``path`` (which must not exist) and fill it with a working desk's data; or
    fill the empty desk of a PostgreSQL database (``dutyboard init --db`` made it)."""
    if isinstance(path, Path) and path.exists():
        raise StoreError(f"{path} already exists; pass --force to replace it")
    rng = random.Random(seed)
    now = (now or utcnow()).replace(microsecond=0)
    store = Store.open(path, actor="demo")
    t = [now - timedelta(hours=72)]
    store.clock = lambda: t[0]
    try:
        add_past_shift_and_handover(store, t, now)
        n_requests = add_demo_requests(store, rng, t, now, requests)
        n_leads = add_demo_leads(store, rng, t, now, leads)
        n_contacts = add_demo_contacts(store, rng, t, now)
        add_demo_supplies(store, now, rng)
        store.actor = officer
        t[0] = now - timedelta(hours=5)
        store.start_shift(officer)
        t[0] = now
        add_demo_arrivals(store, now, rng)
    finally:
        store.close()
    return DemoSummary(n_requests, n_leads, n_contacts, shifts=2, handovers=1)


__all__ = ["DemoSummary", "build_demo"]
