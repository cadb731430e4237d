"""``dutyboard arrivals add``: one shipment or traveller, typed on the command line.

``dutyboard arrivals add --ref CZ8421 --item "medical masks" --quantity "1,900,000 pcs"
--country HU --city Budapest --eta "2020-02-06 01:00" --permit pending`` prints
``arrival #12 added: …``. The ETA is desk time unless it says its zone ("+2h",
"tomorrow 09:00", "14:30", ISO, "2月6日 1时"); the origin's zone is guessed from the
country and city when not given (none rather than a wrong one). Every problem is one
line naming the option, exit 2, and nothing is written; a leader's session is refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.commands import Context, Subparsers, UsageError, common_options, day_date_time
from dutyboard.domain.arrivals import (
    ArrivalKind,
    normalise_flight,
    origin_time,
    parse_customs,
    parse_kind,
    parse_permit,
    zone_guess,
)
from dutyboard.domain.clock import from_iso, utcnow
from dutyboard.domain.text import clean_data, clean_line
from dutyboard.i18n import _
from dutyboard.store import Store
from dutyboard.store import arrivals as arr


def register(actions: Subparsers) -> None:
    """The ``add`` action of ``dutyboard arrivals``."""
    add = actions.add_parser(
        "add",
        help=_("add one shipment or traveller (prints its id)"),
        description=_(
            "Add an expected shipment (the default) or traveller. The ETA is read "
            "in the desk's time zone unless it gives its own; the origin's zone is guessed "
            "from --country and --city when --zone is not given. Prints 'arrival #ID added'."
        ),
    )
    common_options(add)
    add.add_argument(
        "--kind",
        dest="add_kind",
        default="shipment",
        metavar="KIND",
        help=_("goods (shipment, the default) or person (traveller)"),
    )
    add.add_argument("--ref", "--reference", dest="reference", help=_("flight, waybill, container"))
    add.add_argument("--name", dest="traveller", help=_("the traveller's name (a person)"))
    add.add_argument(
        "--item", "--contents", dest="item", help=_("what the shipment holds ('medical masks')")
    )
    add.add_argument(
        "--quantity", help=_("how many: '1,900,000', '5万', '500 boxes' (a unit in it is kept)")
    )
    add.add_argument("--unit", help=_("pcs, boxes, pairs…"))
    add.add_argument("--country", help=_("origin country: a code (HU) or a name (Hungary, 匈牙利)"))
    add.add_argument("--city", help=_("origin city"))
    add.add_argument(
        "--zone", dest="origin_zone", help=_("origin's IANA time zone (default: guessed)")
    )
    add.add_argument(
        "--eta",
        required=True,
        help=_("arrival time in desk time: '2020-02-06 01:00', '+2h', 'tomorrow 09:00', '14:30'"),
    )
    add.add_argument("--destination", help=_("airport, port or address it arrives at"))
    add.add_argument("--carrier", help=_("airline or shipping line"))
    add.add_argument("--contact", help=_("who to call about it"))
    add.add_argument(
        "--lead", help=_("the procurement lead it fulfils: its number, or its supplier")
    )
    add.add_argument("--permit", help=_("flight permit: pending or granted"))
    add.add_argument("--customs", help=_("customs: pending or cleared"))
    add.add_argument("--note", help=_("a first note"))
    add.add_argument("--json", action="store_true", help=_("print the new arrival as JSON"))
    add.set_defaults(func=run_add)


def _checked(option: str, parse: Callable[[str], Any], text: str) -> Any:
    try:
        return parse(text)
    except ValueError as exc:
        raise UsageError(
            _("{option} {text!r} {error}").format(
                option=option, text=clean_line(text, limit=80), error=_(str(exc))
            )
        ) from None


def arrival_fields(args: argparse.Namespace, desk_zone: str, store: Store) -> dict[str, Any]:
    """The options as the store's fields; UsageError naming the option otherwise."""
    from dutyboard.domain import values
    from widgets.leads.when import parse_when

    kind = _checked("--kind", parse_kind, args.add_kind)
    fields: dict[str, Any] = {"kind": kind.value}
    fields["eta"] = _checked("--eta", lambda t: parse_when(t, utcnow(), desk_zone), args.eta)
    for name in ("traveller", "item", "destination", "carrier", "contact"):
        value = getattr(args, name)
        if value and value.strip():
            fields[name] = value.strip()
    if args.reference and args.reference.strip():
        fields["reference"] = normalise_flight(args.reference)
    if kind is ArrivalKind.TRAVELLER and "traveller" not in fields:
        raise UsageError(_("a person needs --name (the traveller's name)"))
    if kind is ArrivalKind.SHIPMENT and not (fields.get("item") or fields.get("reference")):
        raise UsageError(_("a shipment needs --item (its contents) or --ref (flight, waybill)"))
    if args.quantity:
        number, unit = _checked("--quantity", values.parse_quantity, args.quantity)
        if number < 0:
            raise UsageError(_("--quantity {text!r} cannot be negative").format(text=args.quantity))
        fields["quantity"] = number
        if unit:
            fields["unit"] = unit
    if args.unit and args.unit.strip():
        fields["unit"] = args.unit.strip()
    if args.country:
        code = values.parse_country(args.country)
        if code is None:
            raise UsageError(
                _(
                    "--country {text!r} is not a country I know; use a 2-letter code such as HU"
                ).format(text=clean_line(args.country, limit=80))
            )
        fields["origin_country"] = code
    if args.city and args.city.strip():
        fields["origin_city"] = args.city.strip()
    if args.origin_zone:
        fields["origin_tz"] = _checked("--zone", lambda t: values.parse_tz(t)[0], args.origin_zone)
    for option, name, parse in (
        ("--permit", "permit", parse_permit),
        ("--customs", "customs", parse_customs),
    ):
        text = getattr(args, name)
        if text:
            state = _checked(option, parse, text)
            if state is not None:
                fields[name] = state.value
    if args.lead:
        fields["lead_id"] = lead_id(store, args.lead)
    if args.note and args.note.strip():
        fields["notes"] = args.note.strip()
    return fields


def lead_id(store: Store, text: str) -> int:
    """--lead as a lead's id: its number, or the one lead whose supplier has these words."""
    found = arr.find_leads(store, text, limit=6)
    shown = clean_line(text, limit=80)
    if not found:
        raise UsageError(
            _("--lead {text!r}: no lead has that number or supplier").format(text=shown)
        )
    if len(found) > 1:
        names = "; ".join(f"#{r['id']} {clean_line(r['supplier'], limit=40)}" for r in found[:5])
        raise UsageError(
            _("--lead {text!r} names several leads ({names}); give its number").format(
                text=shown, names=names
            )
        )
    return int(found[0]["id"])


def run_add(args: argparse.Namespace, ctx: Context) -> int:
    ctx.require_desk()
    desk_zone = ctx.config.timezone
    store = Store.open(ctx.desk, actor=ctx.user)
    try:
        fields = arrival_fields(args, desk_zone, store)
        new_id = arr.add_arrival(store, fields)
        row = arr.get_arrival(store, new_id)
    finally:
        store.close()
    if args.json:
        from dutyboard.commands.arrival_json import arrival_dict

        payload = {
            "schema": 1,
            "id": new_id,
            "arrival": arrival_dict(row, utcnow(), ZoneInfo(desk_zone)),
        }
        sys.stdout.write(json.dumps(clean_data(payload), ensure_ascii=False, indent=2) + "\n")
        return 0
    print(clean_line(added_line(row, desk_zone), limit=500))
    return 0


def added_line(row: dict[str, Any], desk_zone: str) -> str:
    """'arrival #12 added: CZ8421 · 1,900,000 pcs masks, ETA Thu 06 Feb 01:00 Asia/Shanghai
    (Wed 18:00 CET at origin)' — and what no origin zone means, when there is none."""
    eta = from_iso(row["eta"])
    local = eta.astimezone(ZoneInfo(desk_zone))
    line = _("arrival #{id} added: {what}, ETA {eta} {zone}").format(
        id=row["id"], what=arr.describe(row), eta=day_date_time(local), zone=desk_zone
    )
    if row["origin_tz"]:
        line += _(" ({time} at origin)").format(time=origin_time(eta, row["origin_tz"], tr=_))
    elif row["origin_country"] or row["origin_city"]:
        _zone, why = zone_guess(row["origin_country"], row["origin_city"])
        line += _("; no origin zone ({why}: give --zone to see its local time)").format(why=_(why))
    return line
