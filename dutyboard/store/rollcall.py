"""The roll-call in the store: reporting units, each period's state, marks and history.

A period is *settled* by the first of: a ``roll_calls`` row (a manual mark, or a record
:func:`auto_settle` saved), a request whose ``org`` is one of the unit's names, or an
ingest run whose ``source`` is one of them — received inside the period's window. A
period with none of these is due until its deadline and missing after it (see
:mod:`dutyboard.domain.rollcall`). Reading never writes, so a leader's read-only session
sees the same states as the officer's; :func:`auto_settle` then records what records
settled, so the events log (and the handover) shows it.

A unit owes nothing for the periods that closed before it was listed (its ``created_at``):
those are *not yet on the roll* — left out of the roll-call and of every count, never
missing (:func:`roll_call_view` names them). Units the demo wrote carry the source
:data:`DEMO_SOURCE`; ``dutyboard rollcall sync`` replaces them with the configured ones
(:func:`sync_config_units`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.domain.clock import from_iso, to_iso
from dutyboard.domain.rollcall import (
    BY_PHONE,
    SETTLED,
    RollCallState,
    Rule,
    Streak,
    UnitSpec,
    current_period,
    deadline_at,
    first_owed,
    match_key,
    owed,
    period_of_report,
    settled_state,
    state_at,
    streak,
    window,
)
from dutyboard.domain.status import shown_word
from dutyboard.domain.text import UNLIMITED, clean_data, clean_text
from dutyboard.i18n import _
from dutyboard.store.engine import Connection
from dutyboard.store.errors import NotFound, ValidationError
from dutyboard.store.store import Row, Store, clean_fields, clean_name

ENTITY = "reporting_unit"
#: ``reporting_units.source`` of the units ``dutyboard demo`` writes: a sync of the
#: configured units replaces them (they are nobody's real units).
DEMO_SOURCE = "demo"
#: Notes that say nothing about how a report came: a manual mark with one of these (or
#: none) is noted :data:`~dutyboard.domain.rollcall.BY_PHONE`. The dashboard's ``r`` key
#: writes the second one.
_NO_NOTE = frozenset({"", "marked on the dashboard"})


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    kind: str
    rule: Rule
    zone: str | None  # the unit's own zone, or None for the desk's
    also: tuple[str, ...]
    created_at: str = ""

    @classmethod
    def from_row(cls, row: Row) -> Unit:
        weekday = row["weekday"]
        rule = Rule(row["every"], time.fromisoformat(row["deadline"]), weekday)
        also = tuple(json.loads(row["also"])) if row["also"] else ()
        return cls(
            int(row["id"]), row["name"], row["kind"], rule, row["zone"], also, row["created_at"]
        )

    def tz(self, desk_zone: str) -> ZoneInfo:
        return ZoneInfo(self.zone or desk_zone)

    @property
    def listed_at(self) -> datetime | None:
        """When the unit was put on the list (configured or added)."""
        return from_iso(self.created_at) if self.created_at else None

    def owes(self, due: date, desk_zone: str) -> bool:
        """Whether the period ``due`` is owed: its window was open when it was listed."""
        return owed(self.rule, due, self.tz(desk_zone), self.listed_at)

    def first_owed(self, desk_zone: str) -> date | None:
        """The first period it owes (None when its listing time is unknown)."""
        listed = self.listed_at
        return None if listed is None else first_owed(self.rule, listed, self.tz(desk_zone))

    @property
    def keys(self) -> set[str]:
        return {match_key(n) for n in (self.name, *self.also)}


@dataclass(frozen=True)
class UnitDay:
    """One unit's state in one period."""

    unit_id: int
    name: str
    kind: str
    rule: str
    zone: str  # the zone the rule is read in
    day: date  # the period's due date, on the unit's clock
    deadline: datetime  # UTC
    state: RollCallState
    at: datetime | None = None  # when the report came
    by_entity: str | None = None  # manual, request, ingest_run
    by_id: int | None = None
    note: str | None = None
    recorded: bool = False  # True when a roll_calls row holds it

    @property
    def by(self) -> str:
        """'manual' / 'request #12' / 'file (run #3)' — plain text."""
        if self.by_entity is None:
            return ""
        if self.by_entity == "request":
            return f"request #{self.by_id}"
        if self.by_entity == "ingest_run":
            return f"file (run #{self.by_id})"
        return str(self.by_entity)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "unit": self.name,
            "kind": self.kind,
            "rule": self.rule,
            "zone": self.zone,
            "day": self.day.isoformat(),
            "deadline": to_iso(self.deadline),
            "state": self.state.value,
            "at": to_iso(self.at) if self.at else None,
            "by": self.by or None,
            "note": self.note,
        }


# -- units ---------------------------------------------------------------------------------


def _unit_values(spec: UnitSpec) -> dict[str, Any]:
    # Units come from the config or a form: cleaned like any text the store writes.
    also = clean_data(list(spec.also))
    return clean_fields(
        {
            "name": clean_name(spec.name),
            "kind": spec.kind,
            "rule": spec.rule.text,
            "every": spec.rule.every,
            "weekday": spec.rule.weekday,
            "deadline": f"{spec.rule.deadline:%H:%M}",
            "zone": spec.zone,
            "also": json.dumps(also, ensure_ascii=False) if also else None,
        }
    )


def add_unit(store: Store, spec: UnitSpec, *, source: str = "manual") -> int:
    """Add a reporting unit (or bring back and update one of that name)."""
    with store.transaction() as conn:
        return _upsert_unit(store, conn, spec, source)[0]


def _upsert_unit(store: Store, conn: Connection, spec: UnitSpec, source: str) -> tuple[int, bool]:
    """(id, whether anything changed)."""
    values = _unit_values(spec)
    now = store.now()
    row = conn.execute("SELECT * FROM reporting_units WHERE name = ?", (values["name"],)).fetchone()
    if row is None:
        values.update(active=1, source=source, created_at=now, updated_at=now)
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = conn.execute(
            f"INSERT INTO reporting_units ({cols}) VALUES ({marks})", tuple(values.values())
        )
        unit_id = int(cur.lastrowid or 0)
        store.log_event(conn, ENTITY, unit_id, "create", None, values, at=now)
        return unit_id, True
    before = dict(row)
    values["active"] = 1
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if changed:
        sets = ", ".join(f"{k} = ?" for k in changed)
        conn.execute(
            f"UPDATE reporting_units SET {sets}, updated_at = ?, version = version + 1 "
            "WHERE id = ?",
            (*changed.values(), now, before["id"]),
        )
        store.log_event(
            conn,
            ENTITY,
            before["id"],
            "update",
            {k: before[k] for k in changed},
            changed,
            at=now,
        )
    return int(before["id"]), bool(changed)


@dataclass(frozen=True)
class SyncResult:
    """What a sync of the configured units did."""

    configured: int
    changed: int  # units added, updated, deactivated or removed
    deactivated: tuple[str, ...] = ()  # real units no longer configured (history kept)
    demo_removed: tuple[str, ...] = ()  # the demo's units, gone with their reports
    demo_kept: tuple[str, ...] = ()  # demo units of a configured name: now that unit
    demo_reports: int = 0  # the demo's reports removed with them


def sync_units(store: Store, specs: Sequence[UnitSpec], *, source: str = "config") -> int:
    """Make the configured units the active ones: add or update each; units that came
    from ``source`` earlier and are no longer listed are deactivated (their history
    stays). Returns how many units changed. The demo's units stay (see
    :func:`sync_config_units`)."""
    return _sync(store, specs, source, replace_demo=False).changed


def sync_config_units(store: Store, specs: Sequence[UnitSpec]) -> SyncResult:
    """:func:`sync_units` for ``dutyboard rollcall sync``: the configured units *replace*
    the demo's instead of joining them. Demo units (source :data:`DEMO_SOURCE`) are
    removed with their reports; one whose name is configured becomes that unit, listed
    from now on, its demo reports removed. Real units are never removed: those no longer
    configured are deactivated, as :func:`sync_units` does, and named in the result."""
    return _sync(store, specs, "config", replace_demo=bool(specs))


def _sync(
    store: Store, specs: Sequence[UnitSpec], source: str, *, replace_demo: bool
) -> SyncResult:
    changes = 0
    deactivated: list[str] = []
    removed: list[str] = []
    kept: list[str] = []
    reports = 0
    with store.transaction() as conn:
        names = {clean_name(spec.name) for spec in specs}  # as _upsert_unit stores them
        if replace_demo and source != DEMO_SOURCE:
            for row in conn.execute(
                "SELECT * FROM reporting_units WHERE source = ? ORDER BY name, id",
                (DEMO_SOURCE,),
            ).fetchall():
                unit_id, now = int(row["id"]), store.now()
                gone = conn.execute("DELETE FROM roll_calls WHERE unit_id = ?", (unit_id,))
                reports += gone.rowcount
                if row["name"] in names:
                    # The desk's own unit of that name: listed from now on, owing nothing
                    # for the demo's days (the upsert below writes its configured rule).
                    conn.execute(
                        "UPDATE reporting_units SET source = ?, created_at = ?, updated_at = ?,"
                        " version = version + 1 WHERE id = ?",
                        (source, now, now, unit_id),
                    )
                    store.log_event(
                        conn,
                        ENTITY,
                        unit_id,
                        "update",
                        {"source": DEMO_SOURCE, "created_at": row["created_at"]},
                        {
                            "source": source,
                            "created_at": now,
                            "demo_reports_removed": gone.rowcount,
                        },
                        at=now,
                    )
                    kept.append(row["name"])
                    changes += 1
                else:
                    conn.execute("DELETE FROM reporting_units WHERE id = ?", (unit_id,))
                    before = dict(row, demo_reports_removed=gone.rowcount)
                    before.pop("id", None)
                    store.log_event(conn, ENTITY, unit_id, "delete", before, None, at=now)
                    removed.append(row["name"])
                    changes += 1
        for spec in specs:
            changes += _upsert_unit(store, conn, spec, source)[1]
        for row in conn.execute(
            "SELECT id, name FROM reporting_units WHERE source = ? AND active = 1 ORDER BY name",
            (source,),
        ).fetchall():
            if row["name"] not in names:
                conn.execute(
                    "UPDATE reporting_units SET active = 0, updated_at = ?, version = version + 1"
                    " WHERE id = ?",
                    (store.now(), row["id"]),
                )
                store.log_event(conn, ENTITY, row["id"], "deactivate", {"active": 1}, {"active": 0})
                deactivated.append(row["name"])
                changes += 1
    return SyncResult(len(specs), changes, tuple(deactivated), tuple(removed), tuple(kept), reports)


def units(store: Store, *, active_only: bool = True) -> list[Unit]:
    sql = "SELECT * FROM reporting_units"
    if active_only:
        sql += " WHERE active = 1"
    with store._lock:
        rows = store.conn.execute(sql + " ORDER BY name, id").fetchall()
    return [Unit.from_row(dict(r)) for r in rows]


def find_unit(store: Store, name_or_id: str | int) -> Unit:
    """A unit by id, exact name, or a unique case-insensitive name fragment."""
    every = units(store, active_only=False)
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        for unit in every:
            if unit.id == int(name_or_id):
                return unit
        raise NotFound(_("reporting unit #{id} does not exist").format(id=name_or_id))
    wanted = match_key(str(name_or_id))
    exact = [u for u in every if wanted in u.keys]
    if exact:
        return exact[0]
    partial = [u for u in every if wanted and wanted in match_key(u.name)]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise NotFound(_("no reporting unit is called {name!r}").format(name=name_or_id))
    raise ValidationError(
        _("{name!r} matches several units ({names}); be more specific").format(
            name=name_or_id, names=_(", ").join(u.name for u in partial[:5])
        )
    )


# -- states --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Report:
    at: datetime
    by_entity: str
    by_id: int | None
    note: str | None
    state: str | None = None  # as recorded (roll_calls rows)


def _recorded(
    store: Store, unit_ids: Iterable[int], days: Iterable[date]
) -> dict[tuple[int, str], Row]:
    ids, day_list = sorted(set(unit_ids)), sorted({d.isoformat() for d in days})
    if not ids or not day_list:
        return {}
    sql = (
        f"SELECT * FROM roll_calls WHERE unit_id IN ({','.join('?' for _ in ids)}) "
        f"AND day IN ({','.join('?' for _ in day_list)})"
    )
    with store._lock:
        rows = store.conn.execute(sql, (*ids, *day_list)).fetchall()
    return {(int(r["unit_id"]), r["day"]): dict(r) for r in rows}


def _records(
    store: Store, unit_list: Sequence[Unit], start: datetime, end: datetime
) -> list[tuple[Unit, _Report]]:
    """Requests and ingest runs in [start, end) whose org/source is a unit's name."""
    by_key: dict[str, list[Unit]] = {}
    for unit in unit_list:
        for key in unit.keys:
            by_key.setdefault(key, []).append(unit)
    if not by_key:
        return []
    out: list[tuple[Unit, _Report]] = []
    lo, hi = to_iso(start), to_iso(end)
    # Names are matched as written (the unit's name and its ``also`` list): an equality on
    # requests.org is an index lookup, where a case-folding scan would read every request
    # of a busy week. The ingest layer trims what it stores, so spacing rarely differs.
    names = sorted({v for u in unit_list for n in (u.name, *u.also) for v in (n, n.strip())})
    marks = ",".join("?" for _ in names)
    with store._lock:
        requests = store.conn.execute(
            f"SELECT id, org, received_at FROM requests WHERE org IN ({marks}) "
            "AND received_at >= ? AND received_at < ? ORDER BY received_at, id",
            (*names, lo, hi),
        ).fetchall()
        runs = store.conn.execute(
            f"SELECT id, source, started_at FROM ingest_runs WHERE source IN ({marks}) "
            "AND started_at >= ? AND started_at < ? AND result IN ('ok', 'partial') "
            "ORDER BY started_at, id",
            (*names, lo, hi),
        ).fetchall()
    for r in requests:
        for unit in by_key.get(match_key(str(r["org"] or "")), ()):
            out.append((unit, _Report(from_iso(r["received_at"]), "request", int(r["id"]), None)))
    for r in runs:
        for unit in by_key.get(match_key(str(r["source"] or "")), ()):
            out.append((unit, _Report(from_iso(r["started_at"]), "ingest_run", int(r["id"]), None)))
    return out


def _states(
    store: Store,
    unit_list: Sequence[Unit],
    periods: dict[int, list[date]],
    now: datetime,
    desk_zone: str,
) -> dict[tuple[int, date], UnitDay]:
    """The state of each unit in each of its periods, from rows and matching records."""
    recorded = _recorded(store, periods.keys(), [d for days in periods.values() for d in days])
    bounds: list[tuple[datetime, datetime]] = []
    for unit in unit_list:
        zone = unit.tz(desk_zone)
        for day in periods.get(unit.id, ()):
            bounds.append(window(unit.rule, day, zone))
    found: dict[tuple[int, date], _Report] = {}
    if bounds:
        start, end = min(b[0] for b in bounds), max(b[1] for b in bounds)
        wanted = {(u.id, d) for u in unit_list for d in periods.get(u.id, ())}
        for unit, found_report in _records(store, unit_list, start, min(end, _after(now))):
            day = period_of_report(unit.rule, found_report.at, unit.tz(desk_zone))
            key = (unit.id, day)
            if key in wanted and (key not in found or found_report.at < found[key].at):
                found[key] = found_report
    out: dict[tuple[int, date], UnitDay] = {}
    for unit in unit_list:
        zone = unit.tz(desk_zone)
        for day in periods.get(unit.id, ()):
            row = recorded.get((unit.id, day.isoformat()))
            report: _Report | None = None
            if row is not None and row["at"]:
                report = _Report(
                    from_iso(row["at"]), row["by_entity"] or "manual", row["by_id"], row["note"]
                )
            elif (unit.id, day) in found:
                report = found[(unit.id, day)]
            base = UnitDay(
                unit.id,
                unit.name,
                unit.kind,
                unit.rule.text,
                unit.zone or desk_zone,
                day,
                deadline_at(unit.rule, day, zone),
                state_at(unit.rule, day, zone, now, None),
            )
            if report is not None:
                base = replace(
                    base,
                    state=settled_state(unit.rule, day, zone, report.at),
                    at=report.at,
                    by_entity=report.by_entity,
                    by_id=report.by_id,
                    note=report.note,
                    recorded=row is not None,
                )
            elif row is not None and row["state"] == RollCallState.MISSING:
                base = replace(base, state=RollCallState.MISSING, note=row["note"], recorded=True)
            out[(unit.id, day)] = base
    return out


def _after(now: datetime) -> datetime:
    # Records are looked for up to "now" (inclusive): a record stamped this second counts.
    return now + timedelta(seconds=1)


@dataclass(frozen=True)
class RollCallView:
    """The roll-call of one period per unit, and the units not yet on the roll then."""

    days: list[UnitDay]  # ordered for the desk (see :func:`roll_call`)
    not_yet: list[Unit]  # listed after their period closed: they owed nothing, by name


def roll_call_view(
    store: Store, now: datetime, desk_zone: str, day: date | None = None
) -> RollCallView:
    """:func:`roll_call`, with the units it leaves out because they were listed after
    the period closed (a report recorded for such a period all the same is kept)."""
    unit_list = units(store)
    periods: dict[int, list[date]] = {}
    for unit in unit_list:
        zone = unit.tz(desk_zone)
        periods[unit.id] = [
            unit.rule.period_for(day) if day is not None else current_period(unit.rule, now, zone)
        ]
    states = _states(store, unit_list, periods, now, desk_zone)
    rows: list[UnitDay] = []
    not_yet: list[Unit] = []
    for unit in unit_list:
        row = states[(unit.id, periods[unit.id][0])]
        if row.state in SETTLED or unit.owes(row.day, desk_zone):
            rows.append(row)
        else:
            not_yet.append(unit)
    order = {RollCallState.MISSING: 0, RollCallState.DUE: 1, RollCallState.LATE: 2}
    rows.sort(key=lambda r: (order.get(r.state, 3), r.deadline, r.name))
    return RollCallView(rows, not_yet)


def roll_call(
    store: Store, now: datetime, desk_zone: str, day: date | None = None
) -> list[UnitDay]:
    """Every active unit's state: in its current period, or in the period holding ``day``.

    Ordered for the desk: missing first, then due (soonest deadline first), late,
    reported. A unit listed after that period closed owed nothing and is left out (so it
    is never missing, nor counted in the header or the status).
    """
    return roll_call_view(store, now, desk_zone, day).days


@dataclass(frozen=True)
class RollCallCounts:
    reported: int
    late: int
    due: int
    missing: int

    @property
    def total(self) -> int:
        return self.reported + self.late + self.due + self.missing


def rollcall_counts(store: Store, now: datetime, desk_zone: str) -> RollCallCounts:
    """For the header: units in each state in their current period."""
    rows = roll_call(store, now, desk_zone)
    count = {state: 0 for state in RollCallState}
    for row in rows:
        count[row.state] += 1
    return RollCallCounts(
        count[RollCallState.REPORTED],
        count[RollCallState.LATE],
        count[RollCallState.DUE],
        count[RollCallState.MISSING],
    )


def units_missing(store: Store, now: datetime, desk_zone: str) -> int:
    """How many units have not reported in a period whose deadline has passed."""
    return rollcall_counts(store, now, desk_zone).missing


@dataclass(frozen=True)
class UnitHistory:
    unit: Unit
    periods: list[UnitDay]  # oldest first
    streak: Streak


def unit_history(
    store: Store, name_or_id: str | int, now: datetime, desk_zone: str, periods: int = 14
) -> UnitHistory:
    """The unit's last ``periods`` periods (ending with the current one), streak and gaps."""
    unit = find_unit(store, name_or_id)
    zone = unit.tz(desk_zone)
    days = unit.rule.periods_before(current_period(unit.rule, now, zone), max(1, periods))
    states = _states(store, [unit], {unit.id: days}, now, desk_zone)
    rows = [states[(unit.id, d)] for d in days]
    # Periods that ended before the unit was on the list owed nothing: not gaps (unless a
    # report for them was recorded all the same). The current period is always shown.
    rows = [r for r in rows[:-1] if r.state in SETTLED or unit.owes(r.day, desk_zone)] + rows[-1:]
    return UnitHistory(unit, rows, streak([(r.day, r.state) for r in rows]))


# -- writes --------------------------------------------------------------------------------


def mark_reported(
    store: Store,
    name_or_id: str | int,
    desk_zone: str,
    *,
    note: str | None = None,
    at: datetime | None = None,
    day: date | None = None,
    by_entity: str = "manual",
    by_id: int | None = None,
) -> UnitDay:
    """Record a unit's report (manual by default): the period holding ``at`` (now), or
    the period ``day``. Reported or late follows from the time; marking a period that is
    already settled changes nothing and says so. A manual mark with no note (or one that
    says nothing of how, like the dashboard's) is noted "by phone": the desk took it."""
    unit = find_unit(store, name_or_id)
    zone = unit.tz(desk_zone)
    moment = at or from_iso(store.now())
    period = (
        unit.rule.period_for(day) if day is not None else period_of_report(unit.rule, moment, zone)
    )
    state = settled_state(unit.rule, period, zone, moment)
    clean_note = clean_text(note or "", UNLIMITED).strip() or None
    if by_entity == "manual" and (clean_note or "").casefold() in _NO_NOTE:
        clean_note = BY_PHONE
    with store.transaction() as conn:
        existing = conn.execute(
            "SELECT * FROM roll_calls WHERE unit_id = ? AND day = ?",
            (unit.id, period.isoformat()),
        ).fetchone()
        if existing is not None and existing["state"] in SETTLED:
            raise ValidationError(
                _("{unit} is already {state} for {day}").format(
                    unit=unit.name, state=shown_word(existing["state"]), day=period.isoformat()
                )
            )
        values = {
            "unit_id": unit.id,
            "day": period.isoformat(),
            "state": state.value,
            "at": to_iso(moment),
            "by_entity": by_entity,
            "by_id": by_id,
            "note": clean_note,
            "actor": store.actor,
            "created_at": store.now(),
        }
        values = clean_fields(values)
        if existing is not None:
            conn.execute("DELETE FROM roll_calls WHERE id = ?", (existing["id"],))
        conn.execute(
            f"INSERT INTO roll_calls ({', '.join(values)}) VALUES "
            f"({', '.join('?' for _ in values)})",
            tuple(values.values()),
        )
        store.log_event(
            conn,
            ENTITY,
            unit.id,
            "report",
            {"state": existing["state"]} if existing is not None else None,
            {k: v for k, v in values.items() if k not in ("unit_id", "actor", "created_at")},
        )
    return UnitDay(
        unit.id,
        unit.name,
        unit.kind,
        unit.rule.text,
        unit.zone or desk_zone,
        period,
        deadline_at(unit.rule, period, zone),
        state,
        moment,
        by_entity,
        by_id,
        clean_note,
        True,
    )


def auto_settle(store: Store, now: datetime, desk_zone: str) -> int:
    """Record the current periods that a request or an ingested file settled (so the
    events log shows them). Idempotent; returns how many it recorded."""
    rows = [r for r in roll_call(store, now, desk_zone) if r.state in SETTLED and not r.recorded]
    if not rows:
        return 0
    count = 0
    with store.transaction() as conn:
        for r in rows:
            assert r.at is not None
            cur = conn.execute(
                "INSERT INTO roll_calls (unit_id, day, state, at, by_entity, by_id, "
                "note, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (
                    r.unit_id,
                    r.day.isoformat(),
                    r.state.value,
                    to_iso(r.at),
                    r.by_entity,
                    r.by_id,
                    store.actor,
                    store.now(),
                ),
            )
            if cur.rowcount:
                count += 1
                store.log_event(
                    conn,
                    ENTITY,
                    r.unit_id,
                    "report",
                    None,
                    {
                        "day": r.day.isoformat(),
                        "state": r.state.value,
                        "at": to_iso(r.at),
                        "by_entity": r.by_entity,
                        "by_id": r.by_id,
                    },
                )
    return count


__all__ = [
    "DEMO_SOURCE",
    "RollCallCounts",
    "RollCallView",
    "SyncResult",
    "Unit",
    "UnitDay",
    "UnitHistory",
    "add_unit",
    "auto_settle",
    "find_unit",
    "mark_reported",
    "roll_call",
    "roll_call_view",
    "rollcall_counts",
    "sync_config_units",
    "sync_units",
    "unit_history",
    "units",
    "units_missing",
]
