"""Demo arrivals and roll-call for ``dutyboard demo``: tonight, as the seeds tell it.

A charter flight of 1.9 million masks waiting on its flight permit, the sister city's
50,000 masks landing at 01:00 desk time, a dozen students declaring their journeys home
from five continents (imported through the declaration reader), and 14 reporting units
of which two have missed their deadline. Times are relative to ``now``; the result is
the same for the same ``now`` and seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dutyboard.domain.clock import to_iso
from dutyboard.domain.rollcall import RollCallState, UnitSpec, deadline_at, parse_rule, window
from dutyboard.ingest.travellers import import_rows
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc

# (name, kind, rule, zone)
DEMO_UNITS: list[tuple[str, str, str, str | None]] = [
    ("Jilin University", "school", "daily by 17:00", None),
    ("Northeast Normal University", "school", "daily by 17:00", None),
    ("Changchun University of Science and Technology", "school", "daily by 17:00", None),
    ("Jilin International Studies University", "school", "weekly on Mon by 12:00", None),
    (
        "Changchun Institute of Optics, Fine Mechanics and Physics",
        "institute",
        "daily by 17:00",
        None,
    ),
    ("Changchun Institute of Applied Chemistry (CAS)", "institute", "daily by 17:00", None),
    ("FAW Group – foreign experts office", "enterprise", "daily by 12:00", None),
    ("Chaoyang District Office", "district", "daily by 18:00", None),
    ("Nanguan District Office", "district", "weekdays by 18:00", None),
    ("Overseas students group – Europe", "overseas", "daily by 20:00", "Europe/Paris"),
    ("Overseas students group – Africa", "overseas", "daily by 20:00", "Africa/Nairobi"),
    ("Overseas students group – North America", "overseas", "daily by 20:00", "America/New_York"),
]
# The two that have missed their deadline tonight: their deadline is set just behind "now"
# so the demo shows them missing whatever the hour (no demo request carries their names).
MISSING_UNITS = [
    ("German School Changchun", "school"),
    ("Continental Automotive Changchun", "enterprise"),
]

# name, flight, country, city, hours from now, arrangement, contact
TRAVELLERS: list[tuple[str, str, str, str, float, str, str]] = [
    ("王晓明", "CA938", "英国", "London", -3.2, "居家隔离，家人接机", "+86 139 4301 2231"),
    (
        "Li Na",
        "AF126",
        "France",
        "Paris",
        -1.1,
        "hotel quarantine (designated)",
        "+33 6 12 34 56 78",
    ),
    ("陈思远", "CA968", "意大利", "Milan", 1.5, "集中隔离酒店", "+39 347 555 0192"),
    ("Zhao Lei", "SU204", "Russia", "Moscow", 2.4, "university shuttle", "+7 916 555 01 22"),
    ("刘洋", "CA982", "美国", "New York", 4.0, "居家隔离，社区接送", "+1 917 555 0143"),
    ("Huang Min", "AC031", "Canada", "Toronto", 5.5, "family pick-up", "+1 416 555 0178"),
    ("周婷", "ET684", "巴西", "São Paulo", 7.25, "集中隔离酒店", "+55 11 95555 0133"),
    ("Wu Jie", "ET606", "Nigeria", "Lagos", 9.0, "university shuttle", "+234 803 555 0101"),
    ("孙浩", "KQ886", "肯尼亚", "Nairobi", 11.5, "居家隔离", "+254 712 555 019"),
    (
        "Xu Jing",
        "CZ326",
        "Australia",
        "Sydney",
        14.0,
        "hotel quarantine (designated)",
        "+61 412 555 017",
    ),
    ("马丽", "NH905", "日本", "Tokyo", 17.0, "家人接机", "+81 90 5555 0144"),
    (
        "Yang Bo",
        "EK308",
        "United Arab Emirates",
        "Dubai",
        20.5,
        "university shuttle",
        "+971 50 555 0166",
    ),
]


@dataclass(frozen=True)
class DemoArrivals:
    shipments: int
    travellers: int
    units: int
    missing: int


def add_demo_arrivals(
    store: Store, now: datetime, rng: random.Random, *, desk_zone: str = "Asia/Shanghai"
) -> DemoArrivals:
    """Fill arrivals and the roll-call around ``now`` (writes go through the store API)."""
    zone = ZoneInfo(desk_zone)
    shipments = _shipments(store, now, zone)
    travellers = _travellers(store, now, zone, desk_zone)
    units, missing = _units(store, now, rng, zone, desk_zone)
    return DemoArrivals(shipments, travellers, units, missing)


def _at(now: datetime, hours: float) -> str:
    return to_iso((now + timedelta(hours=hours)).replace(second=0, microsecond=0))


def _next_local(now: datetime, zone: ZoneInfo, hour: int) -> datetime:
    local = now.astimezone(zone)
    target = datetime.combine(local.date(), time(hour), tzinfo=zone)
    if target <= local:
        target = datetime.combine(local.date() + timedelta(days=1), time(hour), tzinfo=zone)
    return target


def _shipments(store: Store, now: datetime, zone: ZoneInfo) -> int:
    charter = arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "CZ8421",
            "carrier": "China Southern (charter)",
            "origin_country": "HU",
            "origin_city": "Budapest",
            "destination": "Changchun Longjia (CGQ) cargo",
            "eta": _at(now, 9),
            "item": "medical masks",
            "quantity": 1_900_000,
            "unit": "pcs",
            "permit": "pending",
            "customs": "pending",
            "notes": "Flight permit requested from CAAC; call the airport at 06:00.",
        },
    )
    sister = arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "131-4420 7785",
            "carrier": "JAL Cargo",
            "origin_country": "JP",
            "origin_city": "Sendai",
            "destination": "Changchun Longjia (CGQ)",
            "eta": to_iso(_next_local(now, zone, 1)),
            "item": "masks (sister-city donation)",
            "quantity": 50_000,
            "unit": "pcs",
            "customs": "pending",
        },
    )
    gloves = arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "UL880",
            "carrier": "SriLankan Cargo",
            "origin_country": "LK",
            "origin_city": "Colombo",
            "destination": "Changchun Longjia (CGQ)",
            "eta": _at(now, -0.7),
            "item": "nitrile gloves",
            "quantity": 20_000,
            "unit": "pairs",
        },
    )
    suits = arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "PK852",
            "carrier": "PIA Cargo",
            "origin_country": "PK",
            "origin_city": "Karachi",
            "destination": "Changchun Longjia (CGQ)",
            "eta": _at(now, -2),
            "item": "protective suits",
            "quantity": 3_000,
            "unit": "pcs",
            "customs": "pending",
        },
    )
    arr.set_arrival_state(store, suits, "landed", note="on the apron, waiting for customs")
    goggles = arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "KE893",
            "carrier": "Korean Air Cargo",
            "origin_country": "KR",
            "origin_city": "Seoul",
            "eta": _at(now, -4),
            "item": "goggles",
            "quantity": 800,
            "unit": "pcs",
        },
    )
    arr.set_arrival_state(store, goggles, "received", note="counted: 800")
    thermometers = arr.add_arrival(
        store,
        {
            "kind": "shipment",
            "reference": "LH8400",
            "carrier": "Lufthansa Cargo",
            "origin_country": "DE",
            "origin_city": "Frankfurt",
            "eta": _at(now, 3),
            "item": "infrared thermometers",
            "quantity": 200,
            "unit": "pcs",
        },
    )
    arr.delay(store, thermometers, _at(now, 8), note="missed the connection in Frankfurt")
    del charter, sister, gloves
    return 6


def _travellers(store: Store, now: datetime, zone: ZoneInfo, desk_zone: str) -> int:
    rows = []
    for index, (name, flight, country, city, hours, arrangement, contact) in enumerate(
        TRAVELLERS, 1
    ):
        eta = (now + timedelta(hours=hours)).astimezone(zone)
        rows.append(
            {
                "申报编号": f"D2020-{index:04d}",
                "姓名": name,
                "航班号": flight,
                "出发国家": country,
                "出发城市": city,
                "抵达时间": f"{eta:%Y-%m-%d %H:%M}",
                "目的地": "长春龙嘉机场",
                "抵达后安排": arrangement,
                "联系方式": contact,
            }
        )
    summary = import_rows(
        store,
        rows,
        name="declaration-platform-export.json",
        source="declarations",
        default_zone=desk_zone,
    )
    ids = {
        name: int(arr.by_external_id(store, "declarations", f"D2020-{index:04d}")["id"])
        for index, (name, *_rest) in enumerate(TRAVELLERS, 1)
    }
    arr.set_arrival_state(store, ids["王晓明"], "met", note="met by family at gate 3")
    arr.set_arrival_state(store, ids["Li Na"], "landed")
    arr.delay(store, ids["Huang Min"], _at(now, 9), note="AC031 delayed in Toronto (de-icing)")
    arr.set_arrival_state(store, ids["Wu Jie"], "cancelled", note="flight suspended; rebooking")
    return summary.added


def _units(
    store: Store, now: datetime, rng: random.Random, zone: ZoneInfo, desk_zone: str
) -> tuple[int, int]:
    local = now.astimezone(zone)
    missing_deadline = f"{max(0, local.hour - 1):02d}:00"
    specs = [UnitSpec(name, parse_rule(rule), kind, tz) for name, kind, rule, tz in DEMO_UNITS]
    specs += [
        UnitSpec(name, parse_rule(f"daily by {missing_deadline}"), kind)
        for name, kind in MISSING_UNITS
    ]
    specs.sort(key=lambda s: s.name)
    rc.sync_units(store, specs, source=rc.DEMO_SOURCE)
    rc.auto_settle(store, now, desk_zone)
    missing_names = {name for name, _kind in MISSING_UNITS}
    notes = ["daily report by email", "report form received (WeChat)", "phoned in: all well"]
    late_done = False
    for row in rc.roll_call(store, now, desk_zone):
        if row.name in missing_names or row.state not in (RollCallState.DUE, RollCallState.MISSING):
            continue
        unit = rc.find_unit(store, row.unit_id)
        unit_zone = unit.tz(desk_zone)
        start, _end = window(unit.rule, row.day, unit_zone)
        deadline = deadline_at(unit.rule, row.day, unit_zone)
        if row.state is RollCallState.MISSING:
            # Past the deadline: every unit but the two reported — one of them late.
            if not late_done and now - deadline > timedelta(minutes=20):
                at = deadline + (now - deadline) * rng.uniform(0.2, 0.8)
                late_done = True
            else:
                at = start + (deadline - start) * rng.uniform(0.3, 0.95)
        elif now - start >= timedelta(hours=6) and rng.random() < 0.5:
            at = start + (now - start) * rng.uniform(0.2, 0.9)
        else:
            continue
        rc.mark_reported(
            store,
            row.unit_id,
            desk_zone,
            note=rng.choice(notes),
            at=at.replace(microsecond=0),
            day=row.day,
        )
    return len(specs), rc.units_missing(store, now, desk_zone)


__all__ = ["DEMO_UNITS", "DemoArrivals", "add_demo_arrivals"]
