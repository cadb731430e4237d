"""A realistic demo database modelled on the seeds (2020 relief desks).

Deterministic for a given seed and "now", so tests can assert on it. Records are
written through the store's own API, so the events log, handover and history views
see a desk that has really been working.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dutyboard.demo_arrivals import add_demo_arrivals
from dutyboard.demo_supplies import add_demo_supplies
from dutyboard.domain.clock import to_iso, utcnow
from dutyboard.domain.status import ClosureReason, LeadStatus, RequestStatus
from dutyboard.store import Store, StoreError

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

# (name, ISO2, city, zone, org, role, languages, channel kind)
CONTACTS: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "Nimal Perera",
        "LK",
        "Colombo",
        "Asia/Colombo",
        "Trade council – Sri Lanka office",
        "Head of office",
        "en, si, zh",
    ),
    (
        "Dilani Fernando",
        "LK",
        "Colombo",
        "Asia/Colombo",
        "Lanka Medical Supplies",
        "Export manager",
        "en, si",
    ),
    ("Kasun Jayawardena", "LK", "Kandy", "Asia/Colombo", "Colombo Gloves Export", "Sales", "en"),
    (
        "Ayesha Khan",
        "PK",
        "Karachi",
        "Asia/Karachi",
        "Trade council – Pakistan office",
        "Liaison",
        "en, ur, zh",
    ),
    ("Bilal Ahmed", "PK", "Sialkot", "Asia/Karachi", "Sialkot Protective Wear", "Owner", "en, ur"),
    (
        "Imran Qureshi",
        "PK",
        "Lahore",
        "Asia/Karachi",
        "Overseas Chinese Association Lahore",
        "Volunteer",
        "ur, zh",
    ),
    (
        "Karma Dorji",
        "BT",
        "Thimphu",
        "Asia/Thimphu",
        "Trade council – Bhutan office",
        "Liaison",
        "en, dz",
    ),
    ("Pema Wangchuk", "BT", "Paro", "Asia/Thimphu", "Thimphu Trading House", "Director", "en"),
    ("Rajesh Sharma", "IN", "Mumbai", "Asia/Kolkata", "Mumbai Healthcare Exports", "CEO", "en, hi"),
    (
        "Priya Nair",
        "IN",
        "Bengaluru",
        "Asia/Kolkata",
        "Chinese Students Association India",
        "Coordinator",
        "en, zh",
    ),
    ("Anil Gupta", "IN", "Delhi", "Asia/Kolkata", "Consulate liaison", "Officer", "en, hi"),
    (
        "Sita Shrestha",
        "NP",
        "Kathmandu",
        "Asia/Kathmandu",
        "Kathmandu Pharma Traders",
        "Manager",
        "en, ne",
    ),
    (
        "Bikash Thapa",
        "NP",
        "Pokhara",
        "Asia/Kathmandu",
        "Overseas Chinese in Nepal",
        "Volunteer",
        "ne, zh",
    ),
    (
        "Tanaka Hiroshi",
        "JP",
        "Osaka",
        "Asia/Tokyo",
        "Osaka Hygiene K.K.",
        "Sales director",
        "ja, en",
    ),
    (
        "Sato Yuki",
        "JP",
        "Tokyo",
        "Asia/Tokyo",
        "Japan-China Friendship Association",
        "Secretary",
        "ja, zh",
    ),
    (
        "Nguyen Van An",
        "VN",
        "Ho Chi Minh City",
        "Asia/Ho_Chi_Minh",
        "Saigon Garment Medical",
        "Export lead",
        "vi, en",
    ),
    (
        "Tran Thi Mai",
        "VN",
        "Hanoi",
        "Asia/Ho_Chi_Minh",
        "Vietnam Chinese Chamber",
        "Coordinator",
        "vi, zh",
    ),
    (
        "Somchai Prasert",
        "TH",
        "Bangkok",
        "Asia/Bangkok",
        "Bangkok Latex Industries",
        "Sales",
        "th, en",
    ),
    (
        "Lim Wei Ling",
        "SG",
        "Singapore",
        "Asia/Singapore",
        "Singapore Hokkien Association",
        "Secretary",
        "en, zh",
    ),
    ("Kim Min-jun", "KR", "Seoul", "Asia/Seoul", "Korea Chinese Merchants", "Chair", "ko, zh"),
    (
        "Michael Johnson",
        "US",
        "Columbus",
        "America/New_York",
        "Ohio Respirator Works",
        "VP sales",
        "en",
    ),
    (
        "Emily Chen",
        "US",
        "New York",
        "America/New_York",
        "Chinese Consolidated Benevolent Assn.",
        "Volunteer",
        "en, zh",
    ),
    (
        "David Lee",
        "US",
        "San Francisco",
        "America/Los_Angeles",
        "Bay Area Chinese Students",
        "Coordinator",
        "en, zh",
    ),
    (
        "Jennifer Wu",
        "US",
        "Chicago",
        "America/Chicago",
        "Midwest Overseas Chinese Fed.",
        "Secretary",
        "en, zh",
    ),
    (
        "Sophie Martin",
        "FR",
        "Lyon",
        "Europe/Paris",
        "Lyon Textiles Médicaux",
        "Export manager",
        "fr, en",
    ),
    (
        "Jean Dupont",
        "FR",
        "Paris",
        "Europe/Paris",
        "Association des Chinois de France",
        "Board",
        "fr, zh",
    ),
    ("Anna Kowalska", "PL", "Poznań", "Europe/Warsaw", "Poznań Medica", "Sales", "pl, en"),
    (
        "Piotr Nowak",
        "PL",
        "Warsaw",
        "Europe/Warsaw",
        "Polish-Chinese Chamber",
        "Director",
        "pl, en",
    ),
    ("Jana Novák", "CZ", "Brno", "Europe/Prague", "Brno Filtration", "Key accounts", "cs, en"),
    (
        "Tomáš Svoboda",
        "CZ",
        "Prague",
        "Europe/Prague",
        "Czech Chinese Students",
        "Coordinator",
        "cs, zh",
    ),
    ("Noa Levi", "IL", "Tel Aviv", "Asia/Jerusalem", "Tel Aviv BioShield", "Operations", "he, en"),
    ("Yossi Cohen", "IL", "Haifa", "Asia/Jerusalem", "Israel-China Chamber", "Secretary", "he, en"),
    ("Mikko Virtanen", "FI", "Tampere", "Europe/Helsinki", "Tampere Safety Oy", "Sales", "fi, en"),
    (
        "Laura Korhonen",
        "FI",
        "Helsinki",
        "Europe/Helsinki",
        "Finland Chinese Association",
        "Board",
        "fi, zh",
    ),
    (
        "Carlos Restrepo",
        "CO",
        "Medellín",
        "America/Bogota",
        "Medellín Insumos Médicos",
        "Gerente",
        "es, en",
    ),
    (
        "María Gómez",
        "CO",
        "Bogotá",
        "America/Bogota",
        "Colombian Chinese Association",
        "Volunteer",
        "es, zh",
    ),
    (
        "Thabo Nkosi",
        "ZA",
        "Durban",
        "Africa/Johannesburg",
        "Durban Protective Clothing",
        "MD",
        "en, zu",
    ),
    (
        "Lindiwe Dlamini",
        "ZA",
        "Johannesburg",
        "Africa/Johannesburg",
        "SA Chinese Students",
        "Coordinator",
        "en, zh",
    ),
    (
        "Oliver Smith",
        "GB",
        "London",
        "Europe/London",
        "UK Chinese Students Union",
        "President",
        "en, zh",
    ),
    ("Charlotte Brown", "GB", "Manchester", "Europe/London", "Consulate liaison", "Officer", "en"),
    (
        "Hans Müller",
        "DE",
        "Frankfurt",
        "Europe/Berlin",
        "German Chinese Trade Assn.",
        "Director",
        "de, en",
    ),
    (
        "Giulia Rossi",
        "IT",
        "Milan",
        "Europe/Rome",
        "Associazione Cinesi di Milano",
        "Volunteer",
        "it, zh",
    ),
    (
        "Lucas Silva",
        "BR",
        "São Paulo",
        "America/Sao_Paulo",
        "Brazil Chinese Chamber",
        "Secretary",
        "pt, zh",
    ),
    (
        "Sofía Fernández",
        "AR",
        "Buenos Aires",
        "America/Argentina/Buenos_Aires",
        "Argentine Chinese Assn.",
        "Board",
        "es, zh",
    ),
    (
        "Jack Wilson",
        "AU",
        "Sydney",
        "Australia/Sydney",
        "Australia China Friendship Society",
        "Secretary",
        "en, zh",
    ),
    (
        "Olivia Taylor",
        "AU",
        "Adelaide",
        "Australia/Adelaide",
        "Adelaide Chinese Students",
        "Coordinator",
        "en, zh",
    ),
    (
        "Liam Harris",
        "NZ",
        "Auckland",
        "Pacific/Auckland",
        "NZ Chinese Association",
        "President",
        "en, zh",
    ),
    (
        "Ahmed Al-Mansouri",
        "AE",
        "Dubai",
        "Asia/Dubai",
        "Dubai Chinese Business Council",
        "Director",
        "ar, en, zh",
    ),
    (
        "Fatima Al-Saud",
        "SA",
        "Riyadh",
        "Asia/Riyadh",
        "Saudi Chinese Community",
        "Liaison",
        "ar, en",
    ),
    (
        "Reza Tehrani",
        "IR",
        "Tehran",
        "Asia/Tehran",
        "Tehran Chinese Traders",
        "Volunteer",
        "fa, zh",
    ),
    (
        "Omar Hassan",
        "EG",
        "Cairo",
        "Africa/Cairo",
        "Egypt Chinese Association",
        "Secretary",
        "ar, en",
    ),
    ("Chinedu Okafor", "NG", "Lagos", "Africa/Lagos", "Nigeria Chinese Chamber", "Board", "en, zh"),
    (
        "Wanjiru Kamau",
        "KE",
        "Nairobi",
        "Africa/Nairobi",
        "Kenya Chinese Students",
        "Coordinator",
        "en, sw, zh",
    ),
    (
        "Dmitri Ivanov",
        "RU",
        "Moscow",
        "Europe/Moscow",
        "Russia Chinese Association",
        "Secretary",
        "ru, zh",
    ),
    (
        "Mehmet Yılmaz",
        "TR",
        "Istanbul",
        "Europe/Istanbul",
        "Turkish Chinese Business Assn.",
        "Director",
        "tr, en",
    ),
    (
        "Siti Rahman",
        "MY",
        "Kuala Lumpur",
        "Asia/Kuala_Lumpur",
        "Malaysia Chinese Assn.",
        "Volunteer",
        "ms, zh",
    ),
    (
        "Budi Santoso",
        "ID",
        "Jakarta",
        "Asia/Jakarta",
        "Indonesia Chinese Fed.",
        "Secretary",
        "id, zh",
    ),
    (
        "Maria Santos",
        "PH",
        "Manila",
        "Asia/Manila",
        "Filipino-Chinese Chamber",
        "Board",
        "en, tl, zh",
    ),
    ("Ahmad Karimi", "AF", "Kabul", "Asia/Kabul", "Kabul Chinese Traders", "Liaison", "fa, en"),
    (
        "Rahim Uddin",
        "BD",
        "Dhaka",
        "Asia/Dhaka",
        "Bangladesh Chinese Students",
        "Coordinator",
        "bn, en",
    ),
    (
        "Aroha Ngata",
        "NZ",
        "Chatham Islands",
        "Pacific/Chatham",
        "Pacific relief volunteers",
        "Volunteer",
        "en",
    ),
    (
        "Mark O'Brien",
        "CA",
        "St. John's",
        "America/St_Johns",
        "Newfoundland Chinese Assn.",
        "Secretary",
        "en, zh",
    ),
    (
        "陈华",
        "CN",
        "Changchun",
        "Asia/Shanghai",
        "Provincial Overseas Chinese Federation",
        "Duty coordinator",
        "zh",
    ),
    ("李明", "CN", "Changchun", "Asia/Shanghai", "市外事办", "Deputy director", "zh, en"),
]

OFFICERS = ["Zhang Wei", "Li Na", "Wang Fang"]
CLOSE_REASONS = {
    "closed": "delivered by the district office directly",
    "rejected": "duplicate of an earlier request from the same unit",
}


@dataclass(frozen=True)
class DemoSummary:
    requests: int
    leads: int
    contacts: int
    shifts: int
    handovers: int


def build_demo(
    path: Path,
    *,
    seed: int = 2020,
    now: datetime | None = None,
    officer: str = "Zhang Wei",
    requests: int = 240,
    leads: int = 120,
) -> DemoSummary:
    """Create ``path`` (which must not exist) and fill it with a working desk's data."""
    if path.exists():
        raise StoreError(f"{path} already exists; pass --force to replace it")
    rng = random.Random(seed)
    now = (now or utcnow()).replace(microsecond=0)
    store = Store.open(path, actor="demo")
    t = [now - timedelta(hours=72)]
    store.clock = lambda: t[0]
    try:
        _past_shift_and_handover(store, t, now)
        n_requests = _requests(store, rng, t, now, requests)
        n_leads = _leads(store, rng, t, now, leads)
        n_contacts = _contacts(store, rng, t, now)
        add_demo_supplies(store, now, rng)
        store.actor = officer
        t[0] = now - timedelta(hours=5)
        store.start_shift(officer)
        t[0] = now
        add_demo_arrivals(store, now, rng)
    finally:
        store.close()
    return DemoSummary(n_requests, n_leads, n_contacts, shifts=2, handovers=1)


def _past_shift_and_handover(store: Store, t: list[datetime], now: datetime) -> None:
    outgoing, incoming = OFFICERS[1], OFFICERS[0]
    store.actor = outgoing
    t[0] = now - timedelta(hours=17)
    shift_id = store.start_shift(outgoing)
    t[0] = now - timedelta(hours=5, minutes=20)
    with store.transaction() as conn:
        at = store.now()
        cur = conn.execute(
            "INSERT INTO handovers (shift_id, from_officer, to_officer, state, notes, "
            "created_at, signed_at, acknowledged_at, acknowledged_by) "
            "VALUES (?, ?, ?, 'acknowledged', ?, ?, ?, ?, ?)",
            (
                shift_id,
                outgoing,
                incoming,
                "Charter flight permit still pending — call the airport at 06:00. "
                "50,000 masks from the sister city landed 01:00, counted and stored.",
                at,
                at,
                to_iso(now - timedelta(hours=5)),
                incoming,
            ),
        )
        handover_id = int(cur.lastrowid or 0)
        items = [
            (
                "request",
                "Jilin University: 2,000 KN95 masks, urgent — supplier confirmed",
                outgoing,
                "confirm delivery time",
            ),
            (
                "lead",
                "Lyon Textiles Médicaux: waiting for FFP2 certificate scan",
                outgoing,
                "chase at 15:00 Paris time",
            ),
            (
                "lead",
                "Charter flight 1.9M masks: flight permit pending",
                None,
                "call airport 06:00",
            ),
        ]
        for entity, summary, owner, step in items:
            conn.execute(
                "INSERT INTO handover_items (handover_id, entity, summary, owner, next_step, "
                "acknowledged_at, acknowledged_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    handover_id,
                    entity,
                    summary,
                    owner,
                    step,
                    to_iso(now - timedelta(hours=5)),
                    incoming,
                ),
            )
        store.log_event(conn, "handover", handover_id, "sign", None, {"state": "signed"})
    t[0] = now - timedelta(hours=5)
    store.end_shift(shift_id)


def _requests(store: Store, rng: random.Random, t: list[datetime], now: datetime, n: int) -> int:
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
        qty = _round_qty(rng.randint(lo, hi))
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


def _round_qty(q: int) -> int:
    for step in (1000, 100, 10):
        if q >= step * 10:
            return q - q % step
    return q


def _leads(store: Store, rng: random.Random, t: list[datetime], now: datetime, n: int) -> int:
    pipeline = [
        LeadStatus.NEW,
        LeadStatus.VERIFYING,
        LeadStatus.NEGOTIATING,
        LeadStatus.ORDERED,
        LeadStatus.IN_TRANSIT,
        LeadStatus.CUSTOMS,
        LeadStatus.RECEIVED,
    ]
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
                "quantity": _round_qty(rng.randint(lo * 5, hi * 20)),
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


def _contacts(store: Store, rng: random.Random, t: list[datetime], now: datetime) -> int:
    t[0] = now - timedelta(hours=60)
    store.actor = OFFICERS[2]
    with store.transaction() as conn:
        for i, (name, country, city, zone, org, role, langs) in enumerate(CONTACTS):
            fields: dict[str, object] = {
                "name": name,
                "country": country,
                "city": city,
                "tz": zone,
                "org": org,
                "role": role,
                "languages": langs,
                "phone": f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}",
                "email": _email(name, i),
                "source": "manual",
                "external_id": f"C-{i:03d}",
            }
            if "zh" in langs:
                fields["wechat"] = f"wx_{i:03d}_{rng.randint(1000, 9999)}"
            if country in ("LK", "PK", "IN", "ZA", "CO", "AE", "NG", "KE"):
                fields["whatsapp"] = fields["phone"]
            if i % 11 == 0:
                fields["work_hours"] = "08:00-16:00"
            if rng.random() < 0.5:
                fields["last_contacted"] = to_iso(now - timedelta(hours=rng.randint(1, 70)))
            store.insert_record(conn, "contacts", fields)
    return len(CONTACTS)


def _email(name: str, i: int) -> str:
    ascii_name = "".join(c for c in name.lower() if c.isascii() and c.isalnum())
    return f"{ascii_name or 'contact'}{i}@example.org"
