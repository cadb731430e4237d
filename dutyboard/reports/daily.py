"""The daily report: what came in, what went out, open needs, the leads pipeline, the
day's notable events and the units' roll-call, for one calendar day in the desk's zone —
ready to publish.

:func:`build_daily_report` reads everything in one read snapshot (it works on a leader's
read-only connection) into a :class:`DailyReport`; :func:`report_sections` turns it into
titled tables in the interface language (every label goes through ``_()``, so call
:func:`dutyboard.i18n.set_language` first, or use :func:`language`); the writers render
those sections as Markdown (for the chat group), CSV or xlsx (cells made
spreadsheet-safe), always through a temporary file and a rename.

What the day covers: ledger entries whose time falls in ``[D 00:00, D+1 00:00)`` local
time, and events logged in that window. Totals are cumulative to the end of the day.
Open needs and the pipeline are as they stand when the report is made (the database
keeps the current state; the events log says what moved that day). The roll-call covers
the units that owed a report that day (the period due on it) or reported during it, each
state as it stands when the report is made; units listed later owed nothing and are named
apart, never as missing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard import files, i18n
from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.rollcall import BY_PHONE, RollCallState
from dutyboard.domain.status import LeadStatus
from dutyboard.domain.supplies import (
    DEFAULT_CATALOG,
    FUNDS,
    Money,
    Number,
    SupplyCatalog,
    Tally,
    category_label,
    format_money,
    format_quantity,
    unit_label,
    unmet,
)
from dutyboard.domain.text import clean_data, clean_output, clean_text
from dutyboard.i18n import _, pgettext
from dutyboard.reports.cells import spreadsheet_safe
from dutyboard.reports.export import xlsx_sheet_title
from dutyboard.store import Row, Store
from dutyboard.store import counts as desk
from dutyboard.store import rollcall as rc
from dutyboard.store import supplies as ledger

TOP = 20  # entries / needs / events listed per section; the rest are counted
FORMATS = ("md", "csv", "xlsx")
_WEEKDAYS_ZH = "一二三四五六日"


# -- the model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """One category's goods moved in the day, in one unit."""

    category: str
    unit: str | None
    quantity: Number
    entries: int


@dataclass(frozen=True)
class EntryLine:
    id: int
    at: str
    direction: str
    kind: str | None
    item: str
    quantity: Number
    unit: str | None
    category: str
    counterparty: str | None
    request_id: int | None
    lead_id: int | None
    amount: Number | None
    currency: str | None


@dataclass(frozen=True)
class NeedLine:
    id: int
    org: str
    item: str
    outstanding: Number | None
    unit: str | None
    priority: str
    status: str
    due_by: str | None


@dataclass(frozen=True)
class Notable:
    at: str
    actor: str
    kind: str  # request_urgent, request_status, lead_status, handover_sign, …
    entity_id: int | None
    label: str
    status: str | None = None


@dataclass(frozen=True)
class RollCallLine:
    """One unit's report owed (or made) on the day."""

    unit: str
    kind: str
    state: str  # reported, late, due, missing
    deadline: str  # UTC ISO
    at: str | None  # when the report came (UTC ISO)
    by_entity: str | None  # manual, request, ingest_run
    by_id: int | None
    note: str | None


@dataclass(frozen=True)
class DailyReport:
    desk_name: str
    timezone: str
    day: date
    start: str  # UTC ISO, inclusive
    end: str  # UTC ISO, exclusive
    generated_at: str
    came_in: list[Movement]
    funds_in: list[Money]
    received: list[EntryLine]
    received_count: int
    went_out: list[Movement]
    distributed: list[EntryLine]
    distributed_count: int
    totals: list[Tally]
    funds_total: list[Money]
    purchases_total: list[Money]
    requests_new: int
    requests_moved: dict[str, int]
    open_requests: int
    open_urgent: int
    needs: list[NeedLine]
    leads_by_status: dict[str, int]
    leads_moved: dict[str, int]
    notable: list[Notable]
    notable_count: int
    top: int = TOP
    rollcall: list[RollCallLine] = field(default_factory=list)  # missing first
    rollcall_not_yet: list[str] = field(default_factory=list)  # listed after that day
    rollcall_not_due: list[str] = field(default_factory=list)  # owed another day (weekly)


# -- reading ------------------------------------------------------------------------------


def _num(value: Any) -> Number:
    return ledger._num(value)


def _entry(row: Row) -> EntryLine:
    return EntryLine(
        id=int(row["id"]),
        at=str(row["at"]),
        direction=str(row["direction"]),
        kind=row["kind"],
        item=str(row["item"]),
        quantity=_num(row["quantity"]),
        unit=row["unit"],
        category=str(row["category"] or "other"),
        counterparty=row["counterparty"],
        request_id=row["request_id"],
        lead_id=row["lead_id"],
        amount=None if row["amount"] is None else _num(row["amount"]),
        currency=row["currency"],
    )


def _movements(store: Store, start: str, end: str) -> dict[str, list[Movement]]:
    result: dict[str, list[Movement]] = {"received": [], "distributed": []}
    for row in desk.movements(store, start, end, FUNDS):
        result[row["direction"]].append(
            Movement(str(row["category"]), row["base_unit"], _num(row["n"]), int(row["c"]))
        )
    return result


def _entries(
    store: Store, direction: str, start: str, end: str, top: int
) -> tuple[list[EntryLine], int]:
    """Every entry of the day, or, past ``top``, the largest (in time order): a 1.9 million
    mask charter landing at 23:00 is never cut for twenty small parcels that came first."""
    count = ledger.ledger_count(store, direction=direction, start=start, end=end)
    if count <= top:
        rows = ledger.ledger_page(store, None, top, direction=direction, start=start, end=end)
    else:
        rows = ledger.ledger_largest(store, top, direction=direction, start=start, end=end)
    return [_entry(r) for r in rows], count


def _needs(store: Store, catalog: SupplyCatalog, top: int) -> list[NeedLine]:
    needs = []
    for row in desk.pressing_open_requests(store, top):
        outstanding: Number | None = None
        unit = row["unit"]
        quantity = row["quantity"]
        if isinstance(quantity, int | float) and quantity > 0:
            requested = catalog.classify(row["item"], quantity, row["unit"])
            delivered = desk.delivered_to(store, int(row["id"]), requested.unit)
            if delivered:
                outstanding, unit = unmet(requested, float(delivered)), requested.unit
            else:
                outstanding = _num(quantity)
        needs.append(
            NeedLine(
                id=int(row["id"]),
                org=str(row["org"]),
                item=str(row["item"]),
                outstanding=outstanding,
                unit=unit,
                priority=str(row["priority"]),
                status=str(row["status"]),
                due_by=row["due_by"],
            )
        )
    return needs


def _notable(store: Store, start: str, end: str, top: int) -> tuple[list[Notable], int]:
    rows, count = desk.notable_events(store, start, end, top)
    result = []
    for row in rows:
        entity, action = row["entity"], row["action"]
        status: str | None = None
        if entity == "request":
            kind = "request_urgent" if action == "create" else "request_status"
            label = _join(row["r_org"], row["r_item"])
            status = None if action == "create" else row["status"]
        elif entity == "lead":
            kind, label, status = (
                "lead_status",
                _join(row["l_supplier"], row["l_item"]),
                row["status"],
            )
        elif entity == "arrival":
            kind, label, status = "arrival_state", _join(row["a_ref"], row["a_item"]), row["state"]
        elif entity == "shift":
            kind, label = f"shift_{action}", str(row["officer"] or row["actor"])
        else:
            kind, label = f"{entity}_{action}", str(row["actor"])
        result.append(
            Notable(
                at=str(row["at"]),
                actor=str(row["actor"]),
                kind=kind,
                entity_id=row["entity_id"],
                label=label,
                status=status,
            )
        )
    return result, count


def _join(*parts: object) -> str:
    return " — ".join(str(p) for p in parts if p)


def _rollcall(
    store: Store, day: date, timezone: str, now: datetime, start: str, end: str
) -> tuple[list[RollCallLine], list[str], list[str]]:
    """The units that owed a report on ``day`` (or reported during it), the units not yet
    on the roll then, and the units that owed nothing that day (a weekly rule)."""
    view = rc.roll_call_view(store, now, timezone, day=day)
    lo, hi = from_iso(start), from_iso(end)
    lines: list[RollCallLine] = []
    not_due: list[str] = []
    for d in view.days:
        if d.day != day and not (d.at is not None and lo <= d.at < hi):
            not_due.append(d.name)  # a weekly unit in mid-week: owed another day
            continue
        lines.append(
            RollCallLine(
                unit=d.name,
                kind=d.kind,
                state=d.state.value,
                deadline=to_iso(d.deadline),
                at=to_iso(d.at) if d.at else None,
                by_entity=d.by_entity,
                by_id=d.by_id,
                note=d.note,
            )
        )
    return lines, [u.name for u in view.not_yet], not_due


def build_daily_report(
    store: Store,
    day: date,
    *,
    timezone: str = "Asia/Shanghai",
    desk_name: str = "Duty desk",
    now: datetime | None = None,
    catalog: SupplyCatalog = DEFAULT_CATALOG,
    top: int = TOP,
) -> DailyReport:
    """Read the day ``day`` (a calendar day in ``timezone``). Only reads."""
    zone = ZoneInfo(timezone)
    start, end = ledger.day_bounds(day, zone)
    generated = to_iso(now or store.clock())
    with store.reading():
        rollcall, not_yet, not_due = _rollcall(
            store, day, timezone, from_iso(generated), start, end
        )
        moved = _movements(store, start, end)
        received, received_count = _entries(store, "received", start, end, top)
        distributed, distributed_count = _entries(store, "distributed", start, end, top)
        open_requests, open_urgent = desk.open_and_urgent(store)
        notable, notable_count = _notable(store, start, end, top)
        order = [s.value for s in LeadStatus]
        leads = {s: n for s, n in desk.leads_by_status(store).items() if n}
        return DailyReport(
            desk_name=desk_name,
            timezone=timezone,
            day=day,
            start=start,
            end=end,
            generated_at=generated,
            came_in=moved["received"],
            funds_in=ledger.money_totals(store, start=start, end=end).items(),
            received=received,
            received_count=received_count,
            went_out=moved["distributed"],
            distributed=distributed,
            distributed_count=distributed_count,
            totals=ledger.tallies(store, catalog=catalog, until=end),
            funds_total=ledger.money_totals(store, end=end).items(),
            purchases_total=ledger.money_totals(
                store, funds=False, kind="purchase", end=end
            ).items(),
            requests_new=desk.requests_received(store, start, end),
            requests_moved=desk.status_moves(store, "request", start, end),
            open_requests=open_requests,
            open_urgent=open_urgent,
            needs=_needs(store, catalog, top),
            leads_by_status={s: leads[s] for s in order if s in leads},
            leads_moved=desk.status_moves(store, "lead", start, end),
            notable=notable,
            notable_count=notable_count,
            top=top,
            rollcall=rollcall,
            rollcall_not_yet=not_yet,
            rollcall_not_due=not_due,
        )


# -- sections in the interface language ---------------------------------------------------


Cell = str | int | float | None


@dataclass
class Section:
    """A titled table; ``note`` says what was left out ("… and 12 more")."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    empty: str = ""


def _sorted_movements(items: Sequence[Movement]) -> list[Movement]:
    order = {c: i for i, c in enumerate(DEFAULT_CATALOG.ordered(m.category for m in items))}
    return sorted(items, key=lambda m: (order.get(m.category, 99), m.unit or ""))


def day_label(day: date) -> str:
    if i18n.language() == "zh_CN":
        return f"{day.year}年{day.month}月{day.day}日 星期{_WEEKDAYS_ZH[day.weekday()]}"
    return f"{day:%A} {day.day} {day:%B %Y}"


def _status(value: str | None) -> str:
    return _(value.replace("_", " ")) if value else ""


def _amount(entry: EntryLine) -> str:
    if entry.amount is None or not entry.currency:
        return ""
    return format_money(Money(Decimal(str(entry.amount)), entry.currency))


def _kind(value: str | None) -> str:
    return _(value) if value else ""


def money_list(amounts: Sequence[Money]) -> str:
    """'¥13,500,000.00 · $200,000.00' (one figure per currency), or '—'."""
    return " · ".join(format_money(m) for m in amounts) or "—"


def movements_phrase(items: Sequence[Movement]) -> str:
    """'50,000 pcs masks, 1,000 pairs gloves' in the interface language."""
    parts = []
    for m in _sorted_movements(items):
        parts.append(
            _("{category} {quantity} {unit}")
            .format(
                quantity=format_quantity(m.quantity),
                unit=unit_label(m.unit),
                category=category_label(m.category),
            )
            .strip()
        )
    return _(", ").join(parts) if parts else "—"


def _more(shown: int, total: int, *, ranked: bool = False) -> str:
    rest = total - shown
    if rest <= 0:
        return ""
    if ranked:  # the list kept the largest or weightiest: say what was left out
        return _("… and {n} smaller or less notable, not listed").format(n=f"{rest:,}")
    return _("… and {n} more").format(n=f"{rest:,}")


def _notable_text(n: Notable) -> str:
    ref = f"#{n.entity_id}" if n.entity_id is not None else ""
    templates = {
        "request_urgent": _("New urgent request {ref}: {label}"),
        "request_status": _("Request {ref} {status}: {label}"),
        "lead_status": _("Lead {ref} {status}: {label}"),
        "arrival_state": _("Arrival {ref} {status}: {label}"),
        "handover_sign": _("Handover {ref} signed by {who}"),
        "handover_acknowledge": _("Handover {ref} acknowledged by {who}"),
        "shift_start": _("{who} came on duty"),
        "shift_takeover": _("{who} took over the shift"),
    }
    template = templates.get(n.kind, "{ref} {label}")
    return template.format(ref=ref, status=_status(n.status), label=n.label, who=n.label)


def roll_state_label(state: str) -> str:
    """A roll-call state as the desk reads it; MISSING stands out (as on the board)."""
    if state == RollCallState.DUE:
        # "due" has its own key: elsewhere the word is a deadline.
        return pgettext("roll-call", "due")
    word = _(state)
    return word.upper() if state == RollCallState.MISSING else word


def _roll_how(line: RollCallLine) -> str:
    """How the report came: the record that settled it, or the officer's note."""
    if line.by_entity == "request":
        return _("request #{id}").format(id=line.by_id)
    if line.by_entity == "ingest_run":
        return _("file (run #{id})").format(id=line.by_id)
    if line.note:
        return _(BY_PHONE) if line.note == BY_PHONE else line.note
    return _("marked by hand") if line.by_entity else ""


def rollcall_phrase(report: DailyReport) -> str:
    """'12 of 14 reported (1 late) · 2 missing · 0 still due', or '—' with no units."""
    lines = report.rollcall
    if not lines:
        return "—"
    count = {state.value: 0 for state in RollCallState}
    for line in lines:
        count[line.state] = count.get(line.state, 0) + 1
    return _(
        "{done} of {total} reported ({late} late) · {missing} missing · {due} still due"
    ).format(
        done=count["reported"] + count["late"],
        total=len(lines),
        late=count["late"],
        missing=count["missing"],
        due=count["due"],
    )


def report_title(report: DailyReport) -> str:
    return _("{desk} — daily report for {day}").format(
        desk=report.desk_name, day=day_label(report.day)
    )


def report_subtitle(report: DailyReport) -> str:
    zone = ZoneInfo(report.timezone)
    generated = from_iso(report.generated_at).astimezone(zone)
    return _("Times in {zone}. Made {when}; open needs and stages are as of then.").format(
        zone=report.timezone, when=f"{generated:%Y-%m-%d %H:%M}"
    )


def report_sections(report: DailyReport) -> list[Section]:
    """The report as titled tables, labels in the current language. Numbers stay numbers
    (the Markdown writer formats them; CSV and xlsx keep them as data)."""
    zone = ZoneInfo(report.timezone)

    def hm(iso: str | None) -> str:
        return f"{from_iso(iso).astimezone(zone):%H:%M}" if iso else ""

    def when(iso: str | None) -> str:
        return f"{from_iso(iso).astimezone(zone):%m-%d %H:%M}" if iso else ""

    def when_hm(iso: str | None) -> str:
        """The time on the report's day; the date too for another day."""
        if not iso:
            return ""
        local = from_iso(iso).astimezone(zone)
        return f"{local:%H:%M}" if local.date() == report.day else f"{local:%m-%d %H:%M}"

    fulfilled = report.requests_moved.get("fulfilled", 0)
    summary = Section(
        "summary",
        _("Summary"),
        [_("What"), _("Figure")],
        [
            [_("Requests received"), report.requests_new],
            [_("Requests fulfilled"), fulfilled],
            [_("Open requests now"), report.open_requests],
            [_("of them urgent"), report.open_urgent],
            [_("Goods in"), movements_phrase(report.came_in)],
            [_("Goods out"), movements_phrase(report.went_out)],
            [_("Funds received"), money_list(report.funds_in)],
            [_("Funds received to date"), money_list(report.funds_total)],
            [_("Spent on purchases to date"), money_list(report.purchases_total)],
            [_("Unit reports"), rollcall_phrase(report)],
        ],
    )

    def movement_rows(items: Sequence[Movement]) -> list[list[Cell]]:
        return [
            [category_label(m.category), m.quantity, unit_label(m.unit), m.entries]
            for m in _sorted_movements(items)
        ]

    movement_headers = [_("Category"), _("Quantity"), _("Unit"), _("Entries")]
    came_in = Section(
        "came_in",
        _("What came in"),
        movement_headers,
        movement_rows(report.came_in),
        empty=_("No goods came in."),
    )
    receipts = Section(
        "receipts",
        _("Receipts"),
        [
            _("Time"),
            _("Item"),
            _("Quantity"),
            _("Unit"),
            _("From"),
            _("Kind"),
            _("Lead"),
            _("Amount"),
        ],
        [
            [
                hm(e.at),
                category_label(FUNDS) if e.category == FUNDS else e.item,
                e.quantity,
                unit_label(e.unit),
                e.counterparty or "",
                _kind(e.kind),
                f"#{e.lead_id}" if e.lead_id else "",
                _amount(e),
            ]
            for e in report.received
        ],
        note=_more(len(report.received), report.received_count, ranked=True),
        empty=_("Nothing was recorded as received."),
    )
    went_out = Section(
        "went_out",
        _("What went out"),
        movement_headers,
        movement_rows(report.went_out),
        empty=_("No goods went out."),
    )
    deliveries = Section(
        "deliveries",
        _("Deliveries"),
        [_("Time"), _("Item"), _("Quantity"), _("Unit"), _("To"), _("Request")],
        [
            [
                hm(e.at),
                e.item,
                e.quantity,
                unit_label(e.unit),
                e.counterparty or "",
                f"#{e.request_id}" if e.request_id else "",
            ]
            for e in report.distributed
        ],
        note=_more(len(report.distributed), report.distributed_count, ranked=True),
        empty=_("Nothing was recorded as distributed."),
    )
    totals = Section(
        "totals",
        _("Totals to date"),
        [
            _("Category"),
            _("Unit"),
            _("Received"),
            _("Distributed"),
            _("In stock"),
            _("Requested, not met"),
        ],
        [
            [
                category_label(t.category),
                unit_label(t.unit),
                t.received,
                t.distributed,
                t.in_stock,
                t.unmet,
            ]
            for t in report.totals
        ],
        empty=_("The ledger is empty."),
    )
    needs = Section(
        "needs",
        _("Open needs"),
        [
            _("Request"),
            _("Priority"),
            _("Requesting unit"),
            _("Item"),
            _("Outstanding"),
            _("Unit"),
            _("Status"),
            _("Due"),
        ],
        [
            [
                f"#{n.id}",
                _(n.priority),
                n.org,
                n.item,
                n.outstanding,
                unit_label(n.unit),
                _status(n.status),
                when(n.due_by),
            ]
            for n in report.needs
        ],
        note=_more(len(report.needs), report.open_requests),
        empty=_("No open requests."),
    )
    stages = list(report.leads_by_status) + [
        s for s in report.leads_moved if s not in report.leads_by_status
    ]
    leads = Section(
        "leads",
        _("Leads pipeline"),
        [_("Stage"), _("Leads now"), _("Moved here this day")],
        [
            [_status(s), report.leads_by_status.get(s, 0), report.leads_moved.get(s, 0)]
            for s in stages
        ],
        empty=_("No leads."),
    )
    notable = Section(
        "notable",
        _("Notable events"),
        [_("Time"), _("What"), _("Who")],
        [[hm(n.at), _notable_text(n), n.actor] for n in report.notable],
        note=_more(len(report.notable), report.notable_count, ranked=True),
        empty=_("Nothing notable was logged."),
    )
    order = {"missing": 0, "late": 1, "due": 2, "reported": 3}
    roll_notes = []
    if report.rollcall_not_yet:
        roll_notes.append(
            _("Not yet on the roll that day (listed later, owed nothing): {names}").format(
                names=", ".join(report.rollcall_not_yet)
            )
        )
    if report.rollcall_not_due:
        roll_notes.append(
            _("Owed no report this day: {names}").format(names=", ".join(report.rollcall_not_due))
        )
    roll_note = " ".join(roll_notes)
    rollcall = Section(
        "rollcall",
        _("Roll-call"),
        [_("Unit"), _("State"), _("Deadline"), _("Reported at"), _("How")],
        [
            [
                line.unit,
                roll_state_label(line.state),
                when_hm(line.deadline),
                when_hm(line.at),
                _roll_how(line),
            ]
            for line in sorted(
                report.rollcall, key=lambda r: (order.get(r.state, 4), r.deadline, r.unit)
            )
        ],
        note=roll_note,
        empty=" ".join([_("No unit owed a report this day."), roll_note]).strip()
        if roll_note
        else _("No reporting units."),
    )
    return [
        summary,
        came_in,
        receipts,
        went_out,
        deliveries,
        totals,
        needs,
        leads,
        notable,
        rollcall,
    ]


# -- writers ------------------------------------------------------------------------------


def _md_escape(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_quantity(value)
    text = clean_text(str(value), limit=500).replace("\n", " ")
    out = []
    for ch in text:
        if ch in "\\`*_[]<>|~":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def render_markdown(report: DailyReport) -> str:
    """The report as Markdown, in the current language."""
    sections = report_sections(report)
    lines = [
        f"# {_md_escape(report_title(report))}",
        "",
        f"*{_md_escape(report_subtitle(report))}*",
    ]
    for section in sections:
        lines += ["", f"## {_md_escape(section.title)}", ""]
        if section.key == "summary":
            lines += [f"- **{_md_escape(k)}**: {_md_escape(v)}" for k, v in section.rows]
            continue
        if not section.rows:
            lines.append(_md_escape(section.empty))
            continue
        lines.append("| " + " | ".join(_md_escape(h) for h in section.headers) + " |")
        lines.append(
            "|"
            + "|".join(
                "---:" if _numeric_column(section, i) else "---"
                for i in range(len(section.headers))
            )
            + "|"
        )
        for row in section.rows:
            lines.append("| " + " | ".join(_md_escape(c) for c in row) + " |")
        if section.note:
            lines += ["", _md_escape(section.note)]
    # Each cell went through _md_escape (and so clean_text); this is the last pass.
    return clean_output("\n".join(lines) + "\n")


def _numeric_column(section: Section, index: int) -> bool:
    values = [row[index] for row in section.rows if row[index] not in (None, "")]
    return bool(values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return spreadsheet_safe(clean_text(str(value), limit=10_000))


def render_csv(report: DailyReport) -> str:
    """Every section as a block: its title, header row, rows, a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(report_title(report))])
    writer.writerow([_csv_cell(report_subtitle(report))])
    for section in report_sections(report):
        writer.writerow([])
        writer.writerow([_csv_cell(section.title)])
        writer.writerow([_csv_cell(h) for h in section.headers])
        for row in section.rows:
            writer.writerow([_csv_cell(c) for c in row])
        if section.note:
            writer.writerow([_csv_cell(section.note)])
    return buffer.getvalue()


def write_xlsx(report: DailyReport, path: Path) -> None:
    """One sheet per section; numbers as numbers, text spreadsheet-safe."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for section in report_sections(report):
        sheet = workbook.create_sheet(title=xlsx_sheet_title(section.title))
        if section.key == "summary":
            sheet.append([_csv_cell(report_title(report))])
            sheet.append([_csv_cell(report_subtitle(report))])
            sheet.append([])
        sheet.append([_csv_cell(h) for h in section.headers])
        for row in section.rows:
            sheet.append(
                [
                    c if isinstance(c, int | float) and not isinstance(c, bool) else _csv_cell(c)
                    for c in row
                ]
            )
        if section.note:
            sheet.append([_csv_cell(section.note)])
    workbook.save(path)


def write_report(report: DailyReport, fmt: str, path: Path, *, replace: bool = False) -> None:
    """Write ``report`` as ``fmt`` (md, csv, xlsx) to ``path`` via a temporary file; an
    existing file is replaced only with ``replace`` (see :mod:`dutyboard.files`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (choose {', '.join(FORMATS)})")
    with files.atomic_output(Path(path), replace=replace) as tmp:
        if fmt == "xlsx":
            write_xlsx(report, tmp)
        elif fmt == "csv":
            tmp.write_text(render_csv(report), encoding="utf-8-sig", newline="")
        else:
            tmp.write_text(render_markdown(report), encoding="utf-8")


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Render in ``lang`` for the block, then put the previous language back."""
    previous = i18n.language()
    chosen = i18n.set_language(lang) if lang else previous
    try:
        yield chosen
    finally:
        i18n.set_language(previous)


def to_json_dict(report: DailyReport) -> dict[str, Any]:
    """The model as plain data (dates as ISO strings, money as text per currency)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Money):
            return {"amount": str(value.amount), "currency": value.currency}
        if isinstance(value, Tally):
            return {
                "category": value.category,
                "unit": value.unit,
                "received": value.received,
                "distributed": value.distributed,
                "in_stock": value.in_stock,
                "unmet": value.unmet,
            }
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if hasattr(value, "__dataclass_fields__"):
            return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
        return value

    result = clean_data(plain(report))  # names, items, notes: cleaned for any reader
    json.dumps(result)  # fails loudly here, not in a caller, if something is not plain
    return dict(result)
