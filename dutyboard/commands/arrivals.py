"""``dutyboard arrivals`` and ``dutyboard rollcall``: what lands soon, who has reported.

``dutyboard arrivals [--hours 24] [--json]``      the next hours, read-only
``dutyboard arrivals import FILE [--source S]``   traveller declarations or a shipment list
                                                  (CSV/xlsx/JSON; --kind, else by its columns)
``dutyboard arrivals add --eta WHEN …``           one shipment or traveller (arrivals_add.py)
``dutyboard rollcall [--date D] [--json]``        each unit's state, read-only
``dutyboard rollcall mark UNIT [--note TEXT]``    a unit has reported (manual mark)
``dutyboard rollcall history UNIT``               its streak and gaps
``dutyboard rollcall sync``                       write the configured units to the database
                                                  (they replace the demo's units)
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.commands import (
    Context,
    Subparsers,
    UsageError,
    arrivals_add,
    common_options,
    day_date_time,
    weekday_time,
)
from dutyboard.commands.arrival_json import arrival_dict
from dutyboard.domain.arrivals import holdups, is_overdue, origin_time
from dutyboard.domain.clock import from_iso, parse_day, to_iso, utcnow
from dutyboard.domain.rollcall import BY_PHONE, RollCallState, UnitSpec, parse_rule
from dutyboard.domain.text import clean_data, clean_line, clean_output, clean_text
from dutyboard.i18n import _, pgettext
from dutyboard.ingest.records import UnreadableFile
from dutyboard.store import Store
from dutyboard.store import arrivals as arr
from dutyboard.store import rollcall as rc

DEFAULT_HOURS = 24.0


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "arrivals",
        help=_("what lands in the next hours (shipments and travellers); import declarations"),
        description=_(
            "List shipments and travellers expected in the next hours, with each ETA "
            "in the desk's time and in the origin's, overdue ones marked LATE. Read-only. "
            "'arrivals import FILE' reads a traveller-declaration export."
        ),
    )
    common_options(parser)
    parser.add_argument(
        "--hours", type=_positive, default=None, help=_("how far ahead (default: 24, or config)")
    )
    parser.add_argument("--kind", choices=("shipment", "traveller"), help=_("only this kind"))
    parser.add_argument("--json", action="store_true", help=_("print JSON instead"))
    parser.set_defaults(func=run_list)
    actions = parser.add_subparsers(dest="action", metavar="[import|add]")
    imp = actions.add_parser(
        "import",
        help=_("import traveller declarations or a shipment list (CSV, TSV, xlsx, JSON)"),
        description=_(
            "Import travellers declaring a journey, or shipments on their way. The "
            "kind is --kind, else what the columns say (name, arrangement: travellers; "
            "contents, quantity, permit, customs: shipments); a file whose columns are clearly "
            "another kind's is refused, naming it. The same file twice adds nothing; a changed "
            "ETA updates the arrival and keeps the old ETA in the history. Rows that cannot be "
            "read go to quarantine."
        ),
    )
    common_options(imp)
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument(
        "--kind",
        dest="import_kind",
        choices=("travellers", "shipments"),
        default=None,
        help=_("what the file holds (default: by its columns; travellers when they say neither)"),
    )
    imp.add_argument(
        "--force-kind",
        action="store_true",
        help=_("import the file as --kind even when its columns are clearly another kind's"),
    )
    imp.add_argument(
        "--source",
        default=None,
        help=_(
            "name of the platform or list (identity is per source; default: declarations "
            "for travellers, shipments for shipments)"
        ),
    )
    imp.add_argument(
        "--zone",
        default=None,
        help=_("zone of arrival times written without one (default: desk)"),
    )
    imp.set_defaults(func=run_import)
    arrivals_add.register(actions)

    roll = sub.add_parser(
        "rollcall",
        help=_("which units have reported today, which are due or missing"),
        description=_(
            "The roll-call of reporting units: reported, late, due or missing in the "
            "current period (or the period holding --date). Read-only."
        ),
    )
    common_options(roll)
    roll.add_argument(
        "--date",
        default=None,
        metavar="D",
        help=_(
            "the period holding this day: YYYY-MM-DD, 'today', 'yesterday' or -N (N days "
            "back) in the desk's zone"
        ),
    )
    roll.add_argument("--json", action="store_true", help=_("print JSON instead"))
    roll.set_defaults(func=run_rollcall)
    roll_actions = roll.add_subparsers(dest="action", metavar="[mark|history|sync]")
    mark = roll_actions.add_parser(
        "mark",
        help=_("mark a unit as reported"),
        description=_("Record that a unit has reported."),
    )
    common_options(mark)
    mark.add_argument("unit", metavar="UNIT", help=_("unit name (or a unique part of it), or id"))
    mark.add_argument(
        "--note",
        default="",
        help=_("how the report came (default: 'by phone', the desk took it)"),
    )
    mark.add_argument(
        "--date",
        default=None,
        metavar="D",
        help=_("the period holding this day (YYYY-MM-DD, 'yesterday', -N); default today"),
    )
    mark.set_defaults(func=run_mark)
    history = roll_actions.add_parser(
        "history",
        help=_("a unit's recent periods, streak and gaps"),
        description=_("Read-only."),
    )
    common_options(history)
    history.add_argument("unit", metavar="UNIT")
    history.add_argument("--periods", type=int, default=14, help=_("how many periods (default 14)"))
    history.add_argument("--json", action="store_true", help=_("print JSON instead"))
    history.set_defaults(func=run_history)
    sync = roll_actions.add_parser(
        "sync",
        help=_("write the units of [rollcall] in the config to the database"),
        description=_(
            "Add or update the configured units; units no longer configured are "
            "deactivated (their history stays). The demo's units are replaced: removed with "
            "their demo reports (one of a configured name becomes that unit)."
        ),
    )
    common_options(sync)
    sync.set_defaults(func=run_sync)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a number of hours").format(text=text)
        ) from None
    if not 0 < value <= 24 * 14:  # NaN fails this too (it passed `<= 0 or > 336`)
        raise argparse.ArgumentTypeError(_("hours must be between 0 and 336"))
    return value


def _day(text: str | None, zone_name: str) -> date | None:
    """--date as the desk reads it: ISO, 'today', 'yesterday', -N — in the desk's zone."""
    if text is None:
        return None
    try:
        return parse_day(text, utcnow().astimezone(ZoneInfo(zone_name)).date())
    except ValueError as exc:
        raise UsageError(_("--date {error}").format(error=exc)) from None


def _open(ctx: Context, *, readonly: bool) -> Store:
    ctx.require_desk()
    return Store.open(ctx.desk, readonly=readonly, actor=ctx.user)


def _units_config(ctx: Context) -> tuple[UnitSpec, ...]:
    return tuple(getattr(ctx.config, "rollcall_units", ()) or ())


# -- arrivals --------------------------------------------------------------------------------


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    hours = args.hours or float(getattr(ctx.config, "arrivals_hours", DEFAULT_HOURS))
    zone = ZoneInfo(ctx.config.timezone)
    store = _open(ctx, readonly=True)
    try:
        now = utcnow()
        window = arr.upcoming(store, now, hours=hours, kind=args.kind)
        counts = arr.arrival_counts(store, now)
    finally:
        store.close()
    if args.json:
        payload = {
            "schema": 1,
            "now": to_iso(now),
            "timezone": ctx.config.timezone,
            "hours": hours,
            "arrivals": [arrival_dict(r, now, zone) for r in window.rows],
            "more": window.more,
            "counts": {"next_3h": counts.soon, "overdue": counts.overdue, "landed": counts.landed},
        }
        _write_json(payload)
        return 0
    local_now = now.astimezone(zone)
    lines = [
        _(
            "Arrivals, next {hours} h — {now} {zone}: {soon} in the next 3 h · {overdue} "
            "overdue · {landed} landed, not yet received/met"
        ).format(
            hours=f"{hours:g}",
            now=day_date_time(local_now),
            zone=ctx.config.timezone,
            soon=counts.soon,
            overdue=counts.overdue,
            landed=counts.landed,
        )
    ]
    if not window.rows:
        lines.append(_("nothing expected"))
    for row in window.rows:
        eta = from_iso(row["eta"])
        late = is_overdue(row["state"], eta, now)
        where = ", ".join(p for p in (row["origin_city"], row["origin_country"]) if p)
        # The kind and the state are words of ours (the dashboard's), translated; what the
        # arrival is and where it comes from are data.
        state = _(row["state"])
        lines.append(
            "  ".join(
                [
                    _pad(_desk(eta, local_now, zone), 9),
                    _pad(origin_time(eta, row["origin_tz"], tr=_) or "—", 18),
                    _pad(_(row["kind"]), 9),
                    _pad(_("LATE {state}").format(state=state) if late else state, 14),
                    _pad(arr.describe(row), 40),
                    _pad(where, 22),
                    ", ".join(_(word) for word in holdups(row["permit"], row["customs"])),
                ]
            ).rstrip()
        )
    if window.more:
        lines.append(_("… {count} more (narrow with --hours or --kind)").format(count=window.more))
    _write("\n".join(lines))
    return 0


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.domain.values import canonical_zone
    from dutyboard.ingest.shipments import import_arrivals

    path: Path = args.file
    if not path.is_file():
        raise UsageError(_("{path}: no such file").format(path=path))
    zone_name = args.zone or ctx.config.timezone
    if canonical_zone(zone_name) is None:
        raise UsageError(_("--zone {zone!r} is not a known IANA time zone").format(zone=zone_name))
    if args.force_kind and args.import_kind is None:
        raise UsageError(_("--force-kind needs --kind (travellers or shipments)"))
    data = path.read_bytes()
    store = _open(ctx, readonly=False)
    try:
        summary = import_arrivals(
            store,
            data,
            str(path),
            kind=args.import_kind,
            force_kind=args.force_kind,
            source=args.source,
            default_zone=zone_name,
        )
    except UnreadableFile as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    kind = "" if summary.kind == "travellers" else _(" (shipments)")
    print(clean_output(summary.line()) + kind)
    for warning in summary.warnings[:20]:
        print(_("  warning: {text}").format(text=clean_text(warning, limit=300)), file=sys.stderr)
    return 1 if summary.quarantined else 0


# -- roll-call -------------------------------------------------------------------------------


def run_rollcall(args: argparse.Namespace, ctx: Context) -> int:
    zone_name = ctx.config.timezone
    now = utcnow()
    day = _day(args.date, zone_name)
    store = _open(ctx, readonly=True)
    try:
        view = rc.roll_call_view(store, now, zone_name, day=day)
    finally:
        store.close()
    rows = view.days
    if args.json:
        payload = {
            "schema": 1,
            "now": to_iso(now),
            "timezone": zone_name,
            "date": day.isoformat() if day else None,
            "counts": {s.value: sum(1 for r in rows if r.state is s) for s in RollCallState},
            "units": [r.as_dict() for r in rows],
            # Listed after that period closed: they owed nothing then (never missing).
            "not_yet_on_roll": [
                {
                    "unit": u.name,
                    "listed_at": u.created_at or None,
                    "first_due": _iso(u.first_owed(zone_name)),
                }
                for u in view.not_yet
            ],
        }
        _write_json(payload)
        return 0
    zone = ZoneInfo(zone_name)
    lines = rollcall_lines(rows, now, zone)
    lines += not_yet_lines(view.not_yet, zone)
    _write("\n".join(lines))
    return 0


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def not_yet_lines(not_yet: Sequence[rc.Unit], zone: ZoneInfo) -> list[str]:
    """Units listed after the period asked for: not yet on the roll then, not missing."""
    lines = []
    for unit in not_yet:
        listed = unit.listed_at
        since = f"{listed.astimezone(zone):%Y-%m-%d %H:%M}" if listed else "—"
        first = unit.first_owed(zone.key)
        lines.append(
            "  ".join(
                [
                    _pad(_("not yet on the roll"), 20),
                    _pad(unit.name, 40),
                    _("listed {when}; first report due {day}").format(
                        when=since, day=first.isoformat() if first else "—"
                    ),
                ]
            )
        )
    return lines


def rollcall_lines(rows: Sequence[rc.UnitDay], now: datetime, zone: ZoneInfo) -> list[str]:
    """The roll-call as text lines (the first is the summary)."""
    local_now = now.astimezone(zone)
    counts = {s: sum(1 for r in rows if r.state is s) for s in RollCallState}
    lines = [
        _("Roll-call — {now} {zone}: {counts}").format(
            now=day_date_time(local_now),
            zone=zone.key,
            counts=" · ".join(f"{counts[s]} {_roll_word(s)}" for s in RollCallState),
        )
    ]
    if not rows:
        lines.append(_("no reporting units (add them under [rollcall] in the config)"))
    for r in rows:
        state = _roll_word(r.state)
        state = state.upper() if r.state is RollCallState.MISSING else state
        when = ""
        if r.at is not None:
            at = _desk(r.at, local_now, zone)
            if r.by:
                when = _("at {time} by {who}").format(time=at, who=clean_line(_by(r)))
            else:
                when = _("at {time}").format(time=at)
            if r.note:
                when += f" — {clean_line(_note(r.note), limit=80)}"
        lines.append(
            "  ".join(
                [
                    _pad(state, 8),
                    _pad(r.name, 40),
                    _pad(_rule_words(r.rule), 24),
                    _pad(_("deadline {time}").format(time=_desk(r.deadline, local_now, zone)), 19),
                    when,
                ]
            ).rstrip()
        )
    return lines


def _roll_word(state: RollCallState) -> str:
    """A roll-call state as the desk reads it ("due" has its own key: elsewhere the word
    is a deadline)."""
    if state is RollCallState.DUE:
        return pgettext("roll-call", state.value)
    return _(state.value)


def _note(note: str) -> str:
    """An officer's note as written; the desk's own default ('by phone') translated."""
    return _(BY_PHONE) if note == BY_PHONE else note


def _by(day: rc.UnitDay) -> str:
    """Who or what settled a period: 'manual' / 'request #12' / 'file (run #3)'."""
    if day.by_entity == "request":
        return _("request #{id}").format(id=day.by_id)
    if day.by_entity == "ingest_run":
        return _("file (run #{id})").format(id=day.by_id)
    return _(day.by)


def _rule_words(text: str) -> str:
    """A unit's rule ('daily by 17:00') in the interface language; as stored otherwise."""
    try:
        rule = parse_rule(text)
    except ValueError:
        return text
    hm = f"{rule.deadline:%H:%M}"
    if rule.every == "weekly" and rule.weekday is not None:
        day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[rule.weekday]
        return _("weekly on {day} by {time}").format(day=_(day), time=hm)
    if rule.every == "weekdays":
        return _("weekdays by {time}").format(time=hm)
    return _("daily by {time}").format(time=hm)


def run_mark(args: argparse.Namespace, ctx: Context) -> int:
    when = _day(args.date, ctx.config.timezone)
    store = _open(ctx, readonly=False)
    try:
        specs = _units_config(ctx)
        if specs:
            rc.sync_units(store, specs)
        day = rc.mark_reported(
            store, args.unit, ctx.config.timezone, note=args.note or None, day=when
        )
    finally:
        store.close()
    note = f" — {clean_line(_note(day.note), limit=80)}" if day.note else ""
    line = _("{unit}: {state} for {day}").format(
        unit=clean_line(day.name), state=_roll_word(day.state), day=day.day.isoformat()
    )
    print(line + note)
    return 0


def run_history(args: argparse.Namespace, ctx: Context) -> int:
    zone = ZoneInfo(ctx.config.timezone)
    store = _open(ctx, readonly=True)
    try:
        now = utcnow()
        history = rc.unit_history(store, args.unit, now, ctx.config.timezone, args.periods)
    finally:
        store.close()
    s = history.streak
    if args.json:
        payload = {
            "schema": 1,
            "unit": history.unit.name,
            "rule": history.unit.rule.text,
            "streak": s.current,
            "reported": s.reported,
            "late": s.late,
            "missing": s.missing,
            "gaps": [d.isoformat() for d in s.gaps],
            "periods": [p.as_dict() for p in history.periods],
        }
        _write_json(payload)
        return 0
    lines = [
        _(
            "{unit} ({rule}): streak {streak} · {reported} on time · {late} late · "
            "{missing} missing"
        ).format(
            unit=clean_line(history.unit.name),
            rule=clean_line(_rule_words(history.unit.rule.text)),
            streak=s.current,
            reported=s.reported,
            late=s.late,
            missing=s.missing,
        )
    ]
    for p in reversed(history.periods):
        when = _("at {time}").format(time=_desk(p.at, now.astimezone(zone), zone)) if p.at else ""
        lines.append(f"  {p.day.isoformat()}  {_pad(_roll_word(p.state), 8)}  {when}".rstrip())
    _write("\n".join(lines))
    return 0


def run_sync(args: argparse.Namespace, ctx: Context) -> int:
    specs = _units_config(ctx)
    if not specs:
        raise UsageError(_("no units configured: add [[rollcall.units]] tables to the config"))
    store = _open(ctx, readonly=False)
    try:
        result = rc.sync_config_units(store, specs)
    finally:
        store.close()
    print(
        _("{configured} units configured, {changed} changed").format(
            configured=result.configured, changed=result.changed
        )
    )
    for line in sync_lines(result):
        print(clean_line(line, limit=500))
    return 0


def sync_lines(result: rc.SyncResult) -> list[str]:
    """What a sync replaced or deactivated, one line each (nothing silently)."""
    lines = []
    demo = len(result.demo_removed) + len(result.demo_kept)
    if demo:
        template = _(
            "replaced the demo's {count} units and their {reports} reports with the configured"
        )
        lines.append(template.format(count=demo, reports=result.demo_reports))
    if result.deactivated:
        lines.append(
            _("deactivated, no longer configured (their history stays): {names}").format(
                names=", ".join(result.deactivated)
            )
        )
    return lines


# -- text helpers ----------------------------------------------------------------------------


def _desk(moment: datetime, local_now: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%H:%M}" if local.date() == local_now.date() else weekday_time(local)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: object, width: int) -> str:
    """Pad (or cut with …) to ``width`` terminal cells; CJK counts two."""
    value = clean_text(str(text or ""), limit=500).replace("\n", " ")
    if _width(value) > width:
        out, used = "", 0
        for ch in value:
            w = _width(ch)
            if used + w > width - 1:
                break
            out += ch
            used += w
        value = out + "…"
    return value + " " * (width - _width(value))


def _write_json(payload: dict[str, Any]) -> None:
    # Every text cleaned before it is encoded: json.dumps writes ESC as \u001b, which a
    # reader decodes and prints; C1 and bidi characters it leaves as they are.
    _write(json.dumps(clean_data(payload), ensure_ascii=False, indent=2))


def _write(text: str) -> None:
    text = clean_output(text)  # fields are cleaned one by one; this is the last pass
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        pass
