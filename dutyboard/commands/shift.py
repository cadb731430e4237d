"""``dutyboard shift start|end|show``: who is on duty."""

from __future__ import annotations

import argparse

from dutyboard.commands import Context, Subparsers, common_options
from dutyboard.commands.handover import local_formatter
from dutyboard.domain.text import clean_line, clean_output
from dutyboard.i18n import _
from dutyboard.store import Store
from dutyboard.store import handovers as ho
from dutyboard.store import shifts as sh


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "shift",
        help=_("start, end or show the duty shift"),
        description=_(
            "Start a shift (taking over at once if someone else is on duty: logged, "
            "and the next handover covers both shifts), end your shift, or show who is on "
            "duty."
        ),
    )
    actions = parser.add_subparsers(dest="shift_action", metavar="ACTION", required=True)
    for name, text in (
        ("start", _("go on duty (takes over from whoever is on duty, logged)")),
        ("end", _("end your shift (normally the handover's acknowledgement does this)")),
        ("show", _("who is on duty, since when, and the handover in play (read-only)")),
    ):
        action = actions.add_parser(name, help=text, description=text)
        common_options(action)
        action.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    local = local_formatter(ctx.config.timezone)
    ctx.require_desk()
    if args.shift_action == "show":
        store = Store.open(ctx.desk, readonly=True, actor=ctx.user)
        try:
            shift = sh.shift_on_duty(store)
            pending = ho.pending_handover_id(store)
            draft = ho.current_draft_id(store)
        finally:
            store.close()
        if shift is None:
            print(_("Nobody is on duty"))
        else:
            # Names are cleaned by the store both ways; an old desk's are cleaned here too.
            line = _("On duty: {officer} since {time}").format(
                officer=clean_line(shift["officer"]), time=local(shift["started_at"])
            )
            if shift["taken_from"]:
                line += _(" (took over from {officer})").format(
                    officer=clean_line(shift["taken_from"])
                )
            print(clean_output(line + _(" · shift #{id}").format(id=shift["id"])))
        if pending:
            print(_("Handover #{id} is signed and waiting to be acknowledged").format(id=pending))
        if draft:
            print(_("Handover #{id} is being drafted").format(id=draft))
        return 0
    store = Store.open(ctx.desk, actor=ctx.user)
    try:
        if args.shift_action == "start":
            result = sh.take_over(store, ctx.user)
            line = _("{officer} is on duty (shift #{id})").format(
                officer=clean_line(result.officer), id=result.shift_id
            )
            if result.taken_from:
                line += _("; took over from {officer} (logged)").format(
                    officer=clean_line(result.taken_from)
                )
            print(clean_output(line))
        else:
            shift_id = sh.end_own_shift(store, ctx.user)
            print(
                _("shift #{id} of {officer} ended; nobody is on duty").format(
                    id=shift_id, officer=clean_line(ctx.user)
                )
            )
    finally:
        store.close()
    return 0
