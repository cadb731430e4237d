"""A realistic supplies ledger for the demo database, modelled on the seeds.

Call :func:`add_demo_supplies` after the demo's requests and leads exist. It writes, with
times over the demo's last three days:

* the sister city's 50,000 masks that landed at 01:00 (desk time) and the chartered
  flight's 1.9 million masks, gloves in boxes of 50 pairs, protective suits in 套,
  goggles in 副, thermometers, disinfectant — donations, purchases and a transfer;
* the goods of every lead already ``received``, as purchases priced in the lead's
  currency (LKR, USD, EUR, JPY…);
* funds donated in CNY, USD and EUR (kept per currency, never summed);
* deliveries against every fulfilled request (all of it) and partly fulfilled one (30 to
  70 per cent), plus the seeds' 2,390 masks handed to foreign experts and students of 14 units.

Request and lead statuses are not changed (the demo already moved them); each entry is
its own transaction with its events row, at the time it happened. Deterministic for a
given ``rng`` and ``now``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dutyboard.demo.shifts import OFFICERS
from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.store import Store
from dutyboard.store import supplies as ledger

DESK_ZONE = ZoneInfo("Asia/Shanghai")

# (hours before now, item, quantity, unit, kind, from, amount, currency)
RECEIPTS: list[tuple[float, str, int, str, str, str, float | None, str | None]] = [
    (
        68,
        "KN95 masks",
        1_900_000,
        "pcs",
        "purchase",
        "Chartered flight CA1046 (Frankfurt)",
        665_000,
        "EUR",
    ),
    (60, "nitrile gloves", 1_000, "boxes", "purchase", "Colombo Gloves Export", 18_500, "USD"),
    (
        52,
        "防护服",
        3_000,
        "套",
        "donation",
        "Provincial Returned Overseas Chinese Federation",
        None,
        None,
    ),
    (44, "goggles", 800, "副", "donation", "Overseas Chinese Association Lahore", None, None),
    (40, "face shields", 2_500, "pcs", "donation", "Lyon Chinese community", None, None),
    (30, "infrared thermometers", 300, "把", "purchase", "Tel Aviv BioShield Ltd", 9_000, "USD"),
    (26, "disinfection tablets", 600, "boxes", "transfer", "长春市外事办公室", None, None),
    (20, "75% alcohol", 2_000, "litres", "donation", "Kuancheng District Office", None, None),
    (
        14,
        "surgical masks",
        400,
        "boxes",
        "donation",
        "County overseas students working group – Europe",
        None,
        None,
    ),
    (8, "protective suits", 1_500, "pcs", "purchase", "Sialkot Protective Wear", 22_500, "USD"),
]
# (hours before now, amount, currency, from)
FUNDS: list[tuple[float, int, str, str]] = [
    (66, 5_000_000, "CNY", "Hunan overseas Chinese chambers of commerce"),
    (50, 3_200_000, "CNY", "Zhuji overseas Chinese and students"),
    (36, 20_000, "USD", "Chinese Association of Ohio"),
    (28, 15_000, "EUR", "Association des Chinois de Lyon"),
    (12, 5_300_000, "CNY", "Provincial Returned Overseas Chinese Federation"),
]


def _sister_city_landing(now: datetime) -> datetime:
    """01:00 desk time: today's if it has passed, else yesterday's."""
    local = now.astimezone(DESK_ZONE)
    landed = datetime.combine(local.date(), time(1, 0), tzinfo=DESK_ZONE)
    if landed > local:
        landed -= timedelta(days=1)
    return landed


def add_demo_supplies(store: Store, now: datetime, rng: random.Random) -> int:
    """Write the demo ledger; returns how many entries were written."""
    saved_clock, saved_actor = store.clock, store.actor
    t = [now]
    store.clock = lambda: t[0]
    count = 0

    def at(moment: datetime) -> str:
        moment = min(moment, now)
        t[0] = moment
        store.actor = rng.choice(OFFICERS)
        return to_iso(moment)

    try:
        landed = _sister_city_landing(now)
        ledger.record_received(
            store,
            "医用外科口罩",
            50_000,
            "只",
            kind="donation",
            counterparty="Sendai (sister city)",
            at=at(landed),
            notes="landed 01:00 with the sister-city delegation's cargo",
        )
        count += 1
        for hours, item, quantity, unit, kind, source, amount, currency in RECEIPTS:
            ledger.record_received(
                store,
                item,
                quantity,
                unit,
                kind=kind,
                counterparty=source,
                amount=amount,
                currency=currency,
                at=at(now - timedelta(hours=hours, minutes=rng.randint(0, 50))),
            )
            count += 1
        for hours, amount, currency, source in FUNDS:
            ledger.record_funds(
                store,
                amount,
                currency,
                source,
                at=at(now - timedelta(hours=hours, minutes=rng.randint(0, 50))),
            )
            count += 1
        count += _lead_receipts(store, at)
        ledger.record_distributed(
            store,
            "surgical masks",
            2_390,
            "pcs",
            counterparty="Foreign experts and international students (14 units)",
            at=at(now - timedelta(hours=62)),
            notes="Jilin University, CIOMP, German School Changchun, Continental and 10 more",
        )
        count += 1
        count += _request_deliveries(store, rng, at)
    finally:
        store.clock, store.actor = saved_clock, saved_actor
    return count


def _lead_receipts(store: Store, at: Callable[[datetime], str]) -> int:
    leads = ledger.received_leads(store)
    for lead in leads:
        amount = None
        if lead["unit_price"] is not None and lead["currency"]:
            amount = round(float(lead["unit_price"]) * float(lead["quantity"]), 2)
        ledger.record_received(
            store,
            lead["item"],
            lead["quantity"],
            lead["unit"],
            kind="purchase",
            counterparty=lead["supplier"],
            lead_id=lead["id"],
            amount=amount,
            currency=lead["currency"] if amount is not None else None,
            at=at(from_iso(lead["updated_at"])),
        )
    return len(leads)


def _request_deliveries(store: Store, rng: random.Random, at: Callable[[datetime], str]) -> int:
    requests = ledger.fulfilled_requests(store)
    count = 0
    for request in requests:
        quantity = request["quantity"]
        if request["status"] == "partially_fulfilled":
            quantity = max(1, int(quantity * rng.uniform(0.3, 0.7)))
        ledger.record_distributed(
            store,
            request["item"],
            quantity,
            request["unit"],
            counterparty=request["org"],
            request_id=request["id"],
            at=at(from_iso(request["updated_at"]) - timedelta(minutes=5)),
        )
        count += 1
    return count
