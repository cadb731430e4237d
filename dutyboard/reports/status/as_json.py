"""The status as JSON: the documented, stable shape (see docs/ssh.md).

The shape is versioned (``"schema": 1``); a change that removes or renames a key must
bump :data:`SCHEMA`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dutyboard.domain.text import clean_data
from dutyboard.reports.status.model import (
    Arrivals,
    DeskStatus,
    Notifications,
    QuarantineCounts,
    RollCall,
)

SCHEMA = 1


def to_json_dict(status: DeskStatus) -> dict[str, Any]:
    """The documented, stable shape (see docs/ssh.md). Times are UTC ISO-8601. Every text
    is cleaned (:func:`~dutyboard.domain.text.clean_data`): a JSON reader may print it."""
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "generated_at": status.generated_at,
        "desk": {"name": status.desk_name, "timezone": status.timezone},
        "requests": {
            "total": status.requests_total,
            "open": status.requests_open,
            "by_status": dict(status.requests_by_status),
            "open_by_priority": dict(status.open_by_priority),
            "urgent_open": status.urgent_open,
            "overdue": status.overdue,
            "top_urgent": [r._asdict() for r in status.top_urgent],
            "top_overdue": [r._asdict() for r in status.top_overdue],
        },
        "leads": {
            "total": status.leads_total,
            "open": status.leads_open,
            "by_status": dict(status.leads_by_status),
            "awaiting_reply": status.awaiting_reply,
            "top_awaiting": [r._asdict() for r in status.top_awaiting],
        },
        "shift": status.shift._asdict() if status.shift else None,
        "handover": status.handover._asdict() if status.handover else None,
        "sources": [s._asdict() for s in status.sources],
        "supplies": [s._asdict() for s in status.supplies],
        "arrivals": _arrivals_dict(status.arrivals) if status.arrivals else None,
        "rollcall": _rollcall_dict(status.rollcall) if status.rollcall else None,
        "quarantine": _quarantine_dict(status),
        "notifications": _notifications_dict(status),
    }
    cleaned: dict[str, Any] = clean_data(data)
    return cleaned


def _arrivals_dict(a: Arrivals) -> dict[str, Any]:
    top = [line._asdict() for line in a.top]
    return {"hours": a.hours, "count": a.count, "overdue": a.overdue, "top": top}


def _quarantine_dict(status: DeskStatus) -> dict[str, Any]:
    counts = status.quarantine or QuarantineCounts(0, None)
    by_source = {s.name: s.quarantine_open for s in status.sources if s.quarantine_open}
    return {"open": counts.open, "oldest_at": counts.oldest_at, "by_source": by_source}


def _notifications_dict(status: DeskStatus) -> dict[str, Any]:
    n = status.notifications or Notifications([], 0, None, None)
    return {
        "targets": [d._asdict() for d in n.targets],
        "waiting": n.waiting,
        "oldest_waiting_at": n.oldest_waiting_at,
        "sender": n.sender,
    }


def _rollcall_dict(rollcall: RollCall) -> dict[str, Any]:
    return {**rollcall._asdict(), "units_missing": list(rollcall.units_missing)}


# C1 controls and DEL are legal raw inside JSON strings but an 8-bit terminal acts on
# them; json.dumps already escapes C0 (ESC included) as \u00XX.
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f]")


def render_json(status: DeskStatus, *, ascii_only: bool = False) -> str:
    text = json.dumps(to_json_dict(status), ensure_ascii=ascii_only, indent=2)
    return _JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
