"""One arrival as JSON: what ``arrivals list --json`` and ``arrivals add --json`` print."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.domain.arrivals import holdups, is_overdue, origin_time
from dutyboard.domain.clock import from_iso
from dutyboard.store import Row
from dutyboard.store import arrivals as arr


def arrival_dict(row: Row, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """One arrival as JSON (also what ``status`` can embed)."""
    eta = from_iso(row["eta"])
    return {
        "id": row["id"],
        "kind": row["kind"],
        "state": row["state"],
        "overdue": is_overdue(row["state"], eta, now),
        "eta": row["eta"],
        "eta_desk": eta.astimezone(zone).isoformat(timespec="minutes"),
        "eta_origin": origin_time(eta, row["origin_tz"]) or None,
        "first_eta": row["first_eta"],
        "what": arr.describe(row),
        "reference": row["reference"],
        "traveller": row["traveller"],
        "item": row["item"],
        "quantity": row["quantity"],
        "unit": row["unit"],
        "origin_country": row["origin_country"],
        "origin_city": row["origin_city"],
        "origin_tz": row["origin_tz"],
        "destination": row["destination"],
        "permit": row["permit"],
        "customs": row["customs"],
        "holdups": holdups(row["permit"], row["customs"]),
        "arrangement": row["arrangement"],
    }
