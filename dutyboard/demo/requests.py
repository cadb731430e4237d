"""The demo's requests from units: 240 over three days, most pressing ones still new.

Written through the store's own commands (``add_request``, ``acknowledge_request``,
``set_request_status``), each at the time it happened, so the events log and history
show a desk that has really been working.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from dutyboard.demo.shifts import OFFICERS
from dutyboard.domain.clock import to_iso
from dutyboard.domain.status import RequestStatus
from dutyboard.store import Store

UNITS = [
    "Jilin University",
    "Northeast Normal University",
    "Changchun University of Science and Technology",
    "Changchun Institute of Applied Chemistry (CAS)",
    "Changchun Institute of Optics, Fine Mechanics and Physics",
    "FAW Group – foreign experts office",
    "Changchun No. 2 Middle School",
    "Jilin International Studies University",
    "Chaoyang District Office",
    "Nanguan District Office",
    "Kuancheng District Office",
    "Erdao District Office",
    "长春理工大学国际交流处",
    "吉林大学外国留学生办公室",
    "长春市外事办公室",
    "朝阳区政府外事办",
    "County overseas students working group – Europe",
    "County overseas students working group – Africa",
    "Provincial Returned Overseas Chinese Federation",
    "Changchun Airport Epidemic Station",
]

ITEMS: list[tuple[str, str, tuple[int, int]]] = [
    ("surgical masks", "pcs", (500, 50_000)),
    ("KN95 masks", "pcs", (200, 20_000)),
    ("N95 masks", "pcs", (100, 5_000)),
    ("nitrile gloves", "pairs", (200, 10_000)),
    ("protective suits", "pcs", (50, 2_000)),
    ("goggles", "pcs", (20, 1_000)),
    ("face shields", "pcs", (50, 2_000)),
    ("infrared thermometers", "pcs", (5, 200)),
    ("disinfection tablets", "boxes", (10, 500)),
    ("75% alcohol", "litres", (20, 1_000)),
    ("医用外科口罩", "只", (1_000, 50_000)),
    ("防护服", "套", (50, 3_000)),
]

REQUESTERS = [
    "Wang Li",
    "Zhang Wei",
    "Liu Yang",
    "Chen Jing",
    "Yang Fan",
    "Zhao Min",
    "Huang Lei",
    "Zhou Xin",
    "Wu Hao",
    "Xu Na",
    "王老师",
    "李主任",
    "张科长",
    "刘处长",
]

CLOSE_REASONS = {
    "closed": "delivered by the district office directly",
    "rejected": "duplicate of an earlier request from the same unit",
}


def add_demo_requests(
    store: Store, rng: random.Random, t: list[datetime], now: datetime, n: int
) -> int:
    """Write ``n`` requests and move them along; ``t[0]`` is the store's clock."""
    statuses = [
        (RequestStatus.NEW, 30),
        (RequestStatus.ACKNOWLEDGED, 20),
        (RequestStatus.IN_PROGRESS, 20),
        (RequestStatus.PARTIALLY_FULFILLED, 8),
        (RequestStatus.FULFILLED, 15),
        (RequestStatus.CLOSED, 5),
        (RequestStatus.REJECTED, 2),
    ]
    path_to = {
        RequestStatus.NEW: [],
        RequestStatus.ACKNOWLEDGED: ["acknowledged"],
        RequestStatus.IN_PROGRESS: ["acknowledged", "in_progress"],
        RequestStatus.PARTIALLY_FULFILLED: ["acknowledged", "in_progress", "partially_fulfilled"],
        RequestStatus.FULFILLED: ["acknowledged", "in_progress", "fulfilled"],
        RequestStatus.CLOSED: ["acknowledged", "closed"],
        RequestStatus.REJECTED: ["rejected"],
    }
    priorities = ["urgent"] * 2 + ["high"] * 4 + ["normal"] * 10 + ["low"] * 3
    start = now - timedelta(hours=72)
    for i in range(n):
        received = start + timedelta(seconds=int(72 * 3600 * i / n) + rng.randint(0, 600))
        received = min(received, now - timedelta(minutes=2))
        item, unit, (lo, hi) = rng.choice(ITEMS)
        qty = round_qty(rng.randint(lo, hi))
        status = rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
        # Fresh requests are the ones still new.
        if received > now - timedelta(hours=6) and rng.random() < 0.7:
            status = RequestStatus.NEW
        priority = rng.choice(priorities)
        due = received + timedelta(hours=rng.choice([12, 24, 48, 72, 96, 120]))
        t[0] = received
        store.actor = "collector" if rng.random() < 0.6 else rng.choice(OFFICERS)
        rid = store.add_request(
            {
                "org": rng.choice(UNITS),
                "requester": rng.choice(REQUESTERS),
                "phone": f"+86 431 {rng.randint(8000_0000, 8999_9999)}",
                "item": item,
                "quantity": qty,
                "unit": unit,
                "priority": priority,
                "due_by": to_iso(due),
                "received_at": to_iso(received),
                "source": "drop:units" if store.actor == "collector" else "manual",
                "external_id": f"U-{seed_id(i)}",
            }
        )
        owner = rng.choice(OFFICERS)
        for step, status_value in enumerate(path_to[status]):
            t[0] = min(received + timedelta(minutes=20 + 50 * step + rng.randint(0, 40)), now)
            store.actor = owner
            if status_value == "acknowledged":
                store.acknowledge_request(rid)
            else:
                store.set_request_status(rid, status_value, reason=CLOSE_REASONS.get(status_value))
    return n


def seed_id(i: int) -> str:
    return f"{20200203 + i // 100}-{i % 100:03d}"


def round_qty(q: int) -> int:
    for step in (1000, 100, 10):
        if q >= step * 10:
            return q - q % step
    return q


__all__ = [
    "CLOSE_REASONS",
    "ITEMS",
    "REQUESTERS",
    "UNITS",
    "add_demo_requests",
    "round_qty",
    "seed_id",
]
