"""The handover brief: what happened in the window, from the events log, and the desk's
state at its end (overdue, stale, failing sources, what lands next).

The window is the events since the previous handover was signed (or, with none, since
the start of the shift, reaching back across take-overs: :mod:`dutyboard.store.handovers`
works it out), up to now for a draft and up to the signature once signed, when the brief
is frozen into the handover row. "Overdue" is :data:`dutyboard.store.counts.OVERDUE` and
:data:`~dutyboard.store.counts.WAITING`, the header's and the status's; "failing" is
:data:`dutyboard.store.quarantine.FAILING_SQL`.

The brief quotes records, names and errors from the desk: :func:`clean_brief` cleans it
for showing.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

from dutyboard.domain.arrivals import OPEN_ARRIVAL_STATES
from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.handover import LIST_CAP, Brief, BriefLine, Section
from dutyboard.domain.text import UNLIMITED, clean_text
from dutyboard.store.counts import (
    OPEN_LEAD_SQL,
    OPEN_LEADS,
    OPEN_REQUEST_SQL,
    OPEN_REQUESTS,
    OVERDUE,
    WAITING,
)
from dutyboard.store.engine import Connection
from dutyboard.store.quarantine import FAILING_SQL
from dutyboard.store.store import Row, clean_name

# The brief looks this far past its end for arrivals: roughly the next shift.
NEXT_SHIFT_HOURS = 12
ARRIVAL_OPEN = tuple(sorted(OPEN_ARRIVAL_STATES))
# Open records untouched this long are "stale" in the brief.
STALE_AFTER_HOURS = 12.0


def _rows(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


def draw_brief(
    conn: Connection,
    *,
    covers_from: str,
    covers_to: str,
    since_event_id: int,
    stale_after_hours: float,
) -> Brief:
    """What happened in the window, from the events log, plus the desk's state now."""
    window = "e.at >= ? AND e.at <= ? AND e.id > ?"
    w = (covers_from, covers_to, since_event_id)

    def section(
        key: str, title: str, count_sql: str, list_sql: str, params: tuple[Any, ...], line: Any
    ) -> Section:
        total = int(conn.execute(count_sql, params).fetchone()[0])
        rows = _rows(conn, list_sql + f" LIMIT {LIST_CAP}", params) if total else []
        return Section(key, title, total, tuple(line(r) for r in rows))

    sections: list[Section] = []
    sections.append(
        section(
            "shifts",
            "Shifts",
            f"SELECT count(*) FROM events e WHERE {window} AND e.entity = 'shift'",
            f"SELECT e.* FROM events e WHERE {window} AND e.entity = 'shift' ORDER BY e.at, e.id",
            w,
            _shift_line,
        )
    )
    new_req = f"FROM events e JOIN requests r ON r.id = e.entity_id WHERE {window} " + (
        "AND e.entity = 'request' AND e.action = 'create'"
    )
    sections.append(
        section(
            "new_requests",
            "New requests, most pressing first",
            f"SELECT count(*) {new_req}",
            f"SELECT e.at, e.actor, r.* {new_req} ORDER BY r.priority_rank, e.at, r.id",
            w,
            _new_request_line,
        )
    )
    changes = (
        f"FROM events e WHERE {window} AND e.entity = 'request' "
        "AND e.action IN ('status', 'acknowledge') AND json_extract(e.after, '$.status') "
        "IS NOT NULL"
    )
    sections.append(
        section(
            "request_status",
            "Request status changes, latest first",
            f"SELECT count(*) {changes}",
            f"SELECT e.* {changes} ORDER BY e.at DESC, e.id DESC",
            w,
            _status_line("request"),
        )
    )
    new_leads = f"FROM events e JOIN leads l ON l.id = e.entity_id WHERE {window} " + (
        "AND e.entity = 'lead' AND e.action = 'create'"
    )
    sections.append(
        section(
            "new_leads",
            "New leads",
            f"SELECT count(*) {new_leads}",
            f"SELECT e.at, e.actor, l.* {new_leads} ORDER BY e.at, l.id",
            w,
            _new_lead_line,
        )
    )
    for key, title, test in (
        ("leads_advanced", "Leads advanced, latest first", "<> 'dropped'"),
        ("leads_dropped", "Leads dropped, latest first", "= 'dropped'"),
    ):
        moved = (
            f"FROM events e WHERE {window} AND e.entity = 'lead' AND e.action = 'status' "
            f"AND json_extract(e.after, '$.status') {test}"
        )
        sections.append(
            section(
                key,
                title,
                f"SELECT count(*) {moved}",
                f"SELECT e.* {moved} ORDER BY e.at DESC, e.id DESC",
                w,
                _status_line("lead"),
            )
        )
    supplies = "FROM supplies WHERE at >= ? AND at <= ?"
    sections.append(
        section(
            "supplies",
            "Supplies received and distributed",
            f"SELECT count(*) {supplies}",
            f"SELECT * {supplies} ORDER BY at, id",
            (covers_from, covers_to),
            _supply_line,
        )
    )
    overdue_req = f"FROM requests WHERE {OVERDUE.sql}"
    overdue_lead = f"FROM leads WHERE {WAITING.sql}"
    sections.append(
        section(
            "overdue",
            "Overdue now (requests past due, leads past their next action)",
            f"SELECT (SELECT count(*) {overdue_req}) + (SELECT count(*) {overdue_lead})",
            f"SELECT 'request' AS kind, id, org AS who, item, due_by AS at, assignee, status "
            f"{overdue_req} UNION ALL SELECT 'lead', id, supplier, item, next_action_at, "
            f"assignee, status {overdue_lead} ORDER BY at, kind, id",
            (*OVERDUE.params(covers_to), *WAITING.params(covers_to)),
            _overdue_line,
        )
    )
    stale_before = to_iso(from_iso(covers_to) - timedelta(hours=stale_after_hours))
    stale_req = (
        f"FROM requests WHERE {OPEN_REQUEST_SQL} AND updated_at < ? AND NOT ({OVERDUE.term})"
    )
    stale_lead = f"FROM leads WHERE {OPEN_LEAD_SQL} AND updated_at < ? AND NOT ({WAITING.term})"
    sections.append(
        section(
            "stale",
            f"Stale: open, untouched for {stale_after_hours:g} h or more",
            f"SELECT (SELECT count(*) {stale_req}) + (SELECT count(*) {stale_lead})",
            f"SELECT 'request' AS kind, id, org AS who, item, updated_at AS at, assignee, "
            f"status {stale_req} UNION ALL SELECT 'lead', id, supplier, item, updated_at, "
            f"assignee, status {stale_lead} ORDER BY at, kind, id",
            (*OPEN_REQUESTS, stale_before, covers_to, *OPEN_LEADS, stale_before, covers_to),
            _stale_line,
        )
    )
    # One definition of failing, the header's and `status`'s: a source with
    # ``failing_since`` set is failing until it recovers.
    failing = f"FROM sources WHERE {FAILING_SQL}"
    sections.append(
        section(
            "sources",
            "Failing sources",
            f"SELECT count(*) {failing}",
            f"SELECT * {failing} ORDER BY name",
            (),
            _source_line,
        )
    )
    # What lands in the next shift (and what is already late): the incoming officer must
    # know before it happens, not when the airport calls.
    ahead = to_iso(from_iso(covers_to) + timedelta(hours=NEXT_SHIFT_HOURS))
    landing = f"FROM arrivals WHERE state IN ({','.join('?' for _ in ARRIVAL_OPEN)}) AND eta < ?"
    sections.append(
        section(
            "arrivals",
            f"Arriving in the next {NEXT_SHIFT_HOURS} hours (and overdue)",
            f"SELECT count(*) {landing}",
            f"SELECT * {landing} ORDER BY eta, id",
            (*ARRIVAL_OPEN, ahead),
            _arrival_line,
        )
    )
    other = (
        f"FROM events e WHERE {window} AND e.entity NOT IN ('handover', 'shift', 'supply') "
        "AND NOT (e.entity IN ('request', 'lead') AND e.action IN ('create', 'status')) "
        "AND NOT (e.entity = 'request' AND e.action = 'acknowledge')"
    )
    sections.append(
        section(
            "other",
            "Other changes (assignments, notes, links, contacts…)",
            f"SELECT count(*) {other}",
            f"SELECT e.entity, e.action, count(*) AS n {other} GROUP BY e.entity, e.action "
            "ORDER BY n DESC, e.entity, e.action",
            w,
            lambda r: BriefLine(f"{r['entity']} {r['action']} × {r['n']}"),
        )
    )
    events = conn.execute(
        f"SELECT count(*) FROM events e WHERE {window} AND e.entity <> 'handover'", w
    ).fetchone()[0]
    open_requests = conn.execute(
        f"SELECT count(*) FROM requests WHERE {OPEN_REQUEST_SQL}", OPEN_REQUESTS
    ).fetchone()[0]
    open_leads = conn.execute(
        f"SELECT count(*) FROM leads WHERE {OPEN_LEAD_SQL}", OPEN_LEADS
    ).fetchone()[0]
    return Brief(
        covers_from=covers_from,
        covers_to=covers_to,
        events=int(events),
        sections=tuple(sections),
        open_requests=int(open_requests),
        open_leads=int(open_leads),
    )


def clean_brief(brief: Brief) -> Brief:
    """The brief's lines cleaned: they quote records, names and errors from the desk."""

    def line(entry: BriefLine) -> BriefLine:
        return replace(
            entry,
            text=clean_text(entry.text, UNLIMITED),
            ref=clean_text(entry.ref, UNLIMITED),
            actor=(clean_name(entry.actor) or None) if entry.actor else None,
        )

    return replace(
        brief,
        sections=tuple(
            replace(s, title=clean_text(s.title), lines=tuple(line(li) for li in s.lines))
            for s in brief.sections
        ),
    )


def _load(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _owner(assignee: Any) -> str:
    return f"owner {assignee}" if assignee else "unowned"


def _shift_line(e: Row) -> BriefLine:
    after = _load(e["after"])
    if e["action"] == "end":
        return BriefLine(f"shift #{e['entity_id']} ended", "", e["at"], e["actor"])
    if e["action"] == "takeover":
        text = f"{after.get('officer')} took over (shift #{after.get('taken_over_from')} ended)"
    else:
        text = f"{after.get('officer')} started shift #{e['entity_id']}"
    return BriefLine(text, "", e["at"], e["actor"])


def _new_request_line(r: Row) -> BriefLine:
    qty = quantity_text(r.get("quantity"), r.get("unit"))
    text = f"{r['priority']} · {r['org']}: {r['item']}{qty}"
    text += f" · now {r['status']}, {_owner(r['assignee'])}"
    return BriefLine(text, f"request #{r['id']}", r["at"], r["actor"])


def _new_lead_line(r: Row) -> BriefLine:
    qty = quantity_text(r.get("quantity"), r.get("unit"))
    country = f" ({r['country']})" if r.get("country") else ""
    text = f"{r['supplier']}{country}: {r['item']}{qty} · now {r['status']}"
    return BriefLine(text, f"lead #{r['id']}", r["at"], r["actor"])


def _status_line(entity: str) -> Any:
    def line(e: Row) -> BriefLine:
        before, after = _load(e["before"]), _load(e["after"])
        text = f"{before.get('status', '?')} → {after.get('status')}"
        if after.get("closure_reason"):
            text += f" ({after['closure_reason']})"
        return BriefLine(text, f"{entity} #{e['entity_id']}", e["at"], e["actor"])

    return line


def _supply_line(r: Row) -> BriefLine:
    qty = quantity_text(r.get("quantity"), r.get("unit"))
    party = (
        f" ({'from' if r['direction'] == 'received' else 'to'} {r['counterparty']})"
        if r.get("counterparty")
        else ""
    )
    return BriefLine(f"{r['direction']}: {r['item']}{qty}{party}", "", r["at"], r["actor"])


def _arrival_line(r: Row) -> BriefLine:
    from dutyboard.store.arrivals import describe

    holdups = [f"{k} {r[k]}" for k in ("permit", "customs") if r.get(k) == "pending"]
    text = describe(r) + (f" ({', '.join(holdups)})" if holdups else "")
    return BriefLine(text, ref=f"arrival #{r['id']}", at=str(r["eta"]))


def _overdue_line(r: Row) -> BriefLine:
    what = "due" if r["kind"] == "request" else "next action was due"
    text = f"{r['who']}: {r['item']} · {r['status']}, {_owner(r['assignee'])} · {what}"
    return BriefLine(text, f"{r['kind']} #{r['id']}", r["at"], None)


def _stale_line(r: Row) -> BriefLine:
    text = f"{r['who']}: {r['item']} · {r['status']}, {_owner(r['assignee'])} · last change"
    return BriefLine(text, f"{r['kind']} #{r['id']}", r["at"], None)


def _source_line(r: Row) -> BriefLine:
    return BriefLine(
        f"{r['name']} ({r['kind']}): {r['last_error'] or 'error'}",
        "",
        r["last_error_at"] or r["failing_since"],
        None,
    )


def quantity_text(quantity: Any, unit: Any) -> str:
    if quantity in (None, ""):
        return ""
    try:
        number = float(quantity)
        shown = f"{int(number):,}" if number == int(number) else f"{number:,.2f}"
    except (TypeError, ValueError):
        shown = str(quantity)
    return f" × {shown}" + (f" {unit}" if unit else "")


__all__ = [
    "ARRIVAL_OPEN",
    "NEXT_SHIFT_HOURS",
    "STALE_AFTER_HOURS",
    "clean_brief",
    "draw_brief",
    "quantity_text",
]
