"""The demo's procurement leads: 120 from 18 suppliers in 17 countries, along the pipeline.

Written through the store's own commands (``add_lead``, ``set_lead_status``), each at
the time it happened.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from dutyboard.demo.requests import ITEMS, REQUESTERS, round_qty
from dutyboard.demo.shifts import OFFICERS
from dutyboard.domain.clock import to_iso
from dutyboard.domain.status import LEAD_PIPELINE, ClosureReason, LeadStatus
from dutyboard.store import Store

# (supplier, ISO2 country, currency, certification)
SUPPLIERS: list[tuple[str, str, str, str]] = [
    ("Lanka Medical Supplies (Pvt) Ltd", "LK", "LKR", "CE"),
    ("Colombo Gloves Export", "LK", "USD", "EN 455"),
    ("Karachi Surgical Co.", "PK", "USD", "CE"),
    ("Sialkot Protective Wear", "PK", "USD", "EN 14126"),
    ("Mumbai Healthcare Exports", "IN", "USD", "CE, ISO 13485"),
    ("Osaka Hygiene K.K.", "JP", "JPY", "JIS T 9001"),
    ("Saigon Garment Medical JSC", "VN", "USD", "CE"),
    ("Ohio Respirator Works", "US", "USD", "NIOSH N95, FDA"),
    ("Lyon Textiles Médicaux", "FR", "EUR", "EN 149 FFP2"),
    ("Poznań Medica Sp. z o.o.", "PL", "EUR", "EN 149 FFP2"),
    ("Brno Filtration s.r.o.", "CZ", "EUR", "EN 149 FFP3"),
    ("Tel Aviv BioShield Ltd", "IL", "USD", "FDA"),
    ("Tampere Safety Oy", "FI", "EUR", "EN 166"),
    ("Bangkok Latex Industries", "TH", "THB", "EN 455, FDA"),
    ("Medellín Insumos Médicos SAS", "CO", "USD", "INVIMA"),
    ("Durban Protective Clothing", "ZA", "ZAR", "SABS"),
    ("Thimphu Trading House", "BT", "USD", ""),
    ("Kathmandu Pharma Traders", "NP", "USD", "CE"),
]


def add_demo_leads(
    store: Store, rng: random.Random, t: list[datetime], now: datetime, n: int
) -> int:
    """Write ``n`` leads and move them along; ``t[0]`` is the store's clock."""
    pipeline = LEAD_PIPELINE
    reasons = list(ClosureReason)
    start = now - timedelta(hours=70)
    for i in range(n):
        supplier, country, currency, cert = SUPPLIERS[i % len(SUPPLIERS)]
        item, unit, (lo, hi) = rng.choice(ITEMS[:10])
        created = start + timedelta(seconds=int(68 * 3600 * i / n))
        t[0] = created
        store.actor = rng.choice(OFFICERS)
        price = round(rng.uniform(0.08, 0.9) if "mask" in item else rng.uniform(0.5, 30), 2)
        if currency == "JPY":
            price = round(price * 110)
        elif currency in ("LKR",):
            price = round(price * 180, 1)
        elif currency in ("THB",):
            price = round(price * 31, 1)
        elif currency == "ZAR":
            price = round(price * 15, 1)
        next_action = now + timedelta(minutes=rng.randint(-300, 900))
        lid = store.add_lead(
            {
                "supplier": supplier,
                "country": country,
                "contact_name": rng.choice(REQUESTERS[:6]),
                "item": item,
                "quantity": round_qty(rng.randint(lo * 5, hi * 20)),
                "unit": unit,
                "unit_price": price,
                "currency": currency,
                "certification": cert or None,
                "lead_time_days": rng.choice([3, 5, 7, 10, 14, 21]),
                "next_action_at": to_iso(next_action),
                "source": "manual",
                "external_id": f"L-{i:04d}",
            }
        )
        depth = rng.choices(range(len(pipeline)), [20, 18, 18, 12, 10, 6, 8])[0]
        drop = rng.random() < 0.12
        step_time = created
        for stage in pipeline[1 : depth + 1]:
            step_time = min(step_time + timedelta(hours=rng.uniform(1, 8)), now)
            t[0] = step_time
            store.set_lead_status(lid, stage, next_action_at=to_iso(next_action))
        if drop and depth < len(pipeline) - 1:
            t[0] = min(step_time + timedelta(hours=1), now)
            store.set_lead_status(
                lid,
                LeadStatus.DROPPED,
                reason=rng.choice(reasons).value,
                next_action_at=to_iso(next_action),
            )
    return n


__all__ = ["SUPPLIERS", "add_demo_leads"]
